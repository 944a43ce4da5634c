"""Typed results, from one check up to one submission.

Specs (what to check) live in :mod:`grader.spec`; this module holds what happened. Scores are
computed from results, never stored twice, and there is always a result: a crash, a timeout or a
missing function becomes a result that says so.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from grader.spec import Check, Exercise


class Status(str, enum.Enum):
    PASSED = "passed"
    FAILED = "failed"        # ran, and the answer was wrong
    ERROR = "error"          # the student's code raised
    TIMEOUT = "timeout"      # the worker ran past a time limit and was killed
    CRASHED = "crashed"      # the worker died (exit, signal, memory)
    MISSING = "missing"      # a name the exercise needs is not defined
    NOT_RUN = "not_run"      # the submission could not be loaded at all
    GRADER_FAULT = "grader_fault"   # the check itself (suite or reference) is broken: the author's fault
                                    # or ours, never the student's; left out of the points possible
    INSTRUCTOR = "instructor"       # a student's own check cannot decide it (it needs the reference on their
                                    # own data): the instructor's run does; left out of the points possible


@dataclass(frozen=True)
class Picture:
    """A failed comparison of two large arrays drawn as PNG images (base64), see grader.picture."""

    expected_png: str
    actual_png: str
    difference_png: str
    caption: str             # what part of the array is drawn and how to read the colours


@dataclass(frozen=True)
class Counterexample:
    """The smallest failing input hypothesis found, with what came back and what was expected."""

    inputs: tuple[tuple[str, str], ...]
    expected: str | None = None
    actual: str | None = None
    picture: Picture | None = None   # for arrays too large to print


@dataclass(frozen=True)
class Override:
    """A person's decision that replaces the points the grader gave (grader.overrides): for one check,
    or for the whole submission. It is kept apart from the grading, so it survives a regrade."""

    points: float
    reason: str
    who: str
    was: float = 0.0       # the points the grader gave, shown next to the decision


@dataclass(frozen=True)
class CheckResult:
    check: Check
    status: Status
    message: str = ""
    counterexample: Counterexample | None = None
    duration_s: float = 0.0
    output: str = ""          # what the student's code printed during this check (trimmed)
    seed: int | None = None   # hypothesis seed, derived from the check id
    observations: tuple[str, ...] = ()   # what the check saw, pass or fail: "loss 0.31 → 0.02 in 200 steps"
    override: Override | None = None     # a person's points for this check, instead of the grader's

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED

    @property
    def earned(self) -> float:
        if self.override is not None:
            return self.override.points
        return self.check.points if self.passed else 0.0

    @property
    def counts(self) -> bool:
        """Whether this check counts towards the points possible: not when the check itself broke, nor
        when only the instructor's run can decide it."""
        return self.status not in (Status.GRADER_FAULT, Status.INSTRUCTOR)


@dataclass(frozen=True)
class Binding:
    """How one name the exercise needs was found in the submission."""

    name: str                  # canonical name, e.g. "convolution_function"
    bound_to: str | None       # the student's name, None when missing
    notes: tuple[str, ...] = ()  # e.g. "argument `filter` matched to your `kernel`"

    @property
    def via_alias(self) -> bool:
        return self.bound_to is not None and self.bound_to != self.name


@dataclass(frozen=True)
class ExerciseResult:
    exercise: Exercise
    checks: tuple[CheckResult, ...]
    bindings: tuple[Binding, ...] = ()

    @property
    def earned(self) -> float:
        return sum(c.earned for c in self.checks)

    @property
    def possible(self) -> float:
        """Points of the checks that were graded: a student's public-only run is out of its public points,
        and a check that broke through no fault of the student's is left out."""
        return sum(c.check.points for c in self.checks if c.counts)


@dataclass(frozen=True)
class LoadNote:
    """Something the loader skipped or could not run, with where it was."""

    where: str        # "cell 7, line 3" or "line 12"
    what: str         # "skipped: not a definition" / "SyntaxError: ..." / "ImportError: ..."


@dataclass(frozen=True)
class SubmissionResult:
    student: str
    path: str
    sha256: str
    assignment: str
    assignment_version: str
    grader_version: str
    exercises: tuple[ExerciseResult, ...]
    load_notes: tuple[LoadNote, ...] = ()
    load_error: str | None = None   # set when nothing could be loaded
    duration_s: float = 0.0
    sandbox: str = ""               # which isolation was in force ("bubblewrap", "rlimits+netns")
    seeds: dict[str, int] = field(default_factory=dict)
    submitted_at: str | None = None   # ISO time, from the LMS file name
    late_penalty_percent: float = 0.0  # from the assignment's [late] policy, of the points earned
    late_policy: str | None = None     # the assignment's [late] policy in words; None: it has none
    override: Override | None = None   # a person's total (before the late penalty), instead of the checks' sum
    # The normalized token stream of the code graded (grader.similarity), taken by the grading process
    # from the parse it grades, for the class's near-duplicate pairs; not part of any file written.
    fingerprint: tuple[str, ...] | None = field(default=None, compare=False, repr=False)

    @property
    def earned(self) -> float:
        if self.override is not None:
            return self.override.points
        return sum(e.earned for e in self.exercises)

    @property
    def overrides(self) -> tuple[tuple[str, Override], ...]:
        """Every override of this result: ("total" or the check's id, the decision)."""
        found = [(c.check.id, c.override) for e in self.exercises for c in e.checks if c.override is not None]
        return tuple(found + ([("total", self.override)] if self.override is not None else []))

    @property
    def final(self) -> float:
        """Points earned after the late penalty."""
        return round(self.earned * (1 - self.late_penalty_percent / 100), 4)

    @property
    def possible(self) -> float:
        return sum(e.possible for e in self.exercises)

    @property
    def percent(self) -> float:
        return 100.0 * self.earned / self.possible if self.possible else 0.0

    @property
    def grader_faults(self) -> tuple[CheckResult, ...]:
        """Checks that broke by the author's fault or ours: the run must say so and exit non-zero."""
        return tuple(c for e in self.exercises for c in e.checks if c.status is Status.GRADER_FAULT)
