"""HTML reports: one self-contained page per student and a class overview (``index.html``).

The templates in ``grader/templates`` do the layout; this module decides what each audience sees
and hands the templates small typed views. Everything that came from a submission is escaped by
jinja's autoescape, and a page needs no network and no JavaScript.

Audiences:

- ``"instructor"`` sees every check, hidden ones included, with their messages and inputs.
- ``"student"`` sees the public checks in full and, per exercise, one count line for the hidden
  ones ("2 hidden checks: 1 passed"). The page never says that everything passed while hidden
  checks exist.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup, escape

from grader.layout import ReportsFolder, report_filename
from grader.results import Binding, CheckResult, ExerciseResult, Status, SubmissionResult

AUDIENCES = ("instructor", "student")
OUTPUT_SHOWN_CHARS = 4000   # printed output kept on the page; the run already capped it at output_kb

# Text labels, so a status reads the same printed in black and white as on screen.
STATUS_LABELS: dict[Status, str] = {
    Status.PASSED: "PASSED", Status.FAILED: "FAILED", Status.ERROR: "ERROR",
    Status.TIMEOUT: "TIMED OUT", Status.CRASHED: "CRASHED", Status.MISSING: "MISSING",
    Status.NOT_RUN: "NOT RUN", Status.GRADER_FAULT: "GRADER ERROR (not counted)",
    Status.INSTRUCTOR: "GRADED BY YOUR INSTRUCTOR (not counted here)",
}

__all__ = ["AUDIENCES", "STATUS_LABELS", "render_student_report", "render_summary", "report_filename",
           "write_student_report", "write_summary"]


# --- views: what a template gets -----------------------------------------------------------------
@dataclass(frozen=True)
class HiddenSummary:
    """What a student is told about an exercise's hidden checks."""

    total: int          # hidden checks in the exercise's spec
    graded: int         # of those, how many have a result in this run
    passed: int

    @property
    def line(self) -> str:
        """``"2 hidden checks: 1 passed"``, or that they are graded later when none ran here."""
        noun = "hidden check" if self.total == 1 else "hidden checks"
        if self.graded == 0:
            return f"{self.total} {noun}: not run here; they are graded after the deadline"
        ran = f" of the {self.graded} graded" if self.graded < self.total else ""
        return f"{self.total} {noun}: {self.passed}{ran} passed"


@dataclass(frozen=True)
class ExerciseView:
    result: ExerciseResult
    checks: tuple[CheckResult, ...]       # the checks this audience sees in full
    hidden: HiddenSummary | None          # set for the student audience when hidden checks exist
    binding_notes: tuple[str, ...]        # aliases and argument matching, said plainly
    missing: tuple[str, ...]              # names the submission does not define


def _binding_notes(binding: Binding) -> tuple[str, ...]:
    """The binding's own notes; an alias with no note gets one, so it is never silent."""
    if binding.notes:
        return binding.notes
    if binding.via_alias:
        return (f"`{binding.name}` found under the name `{binding.bound_to}`",)
    return ()


def _hidden_summary(result: ExerciseResult) -> HiddenSummary | None:
    total = sum(1 for c in result.exercise.checks if c.hidden)
    graded = [r for r in result.checks if r.check.hidden]
    if not total and not graded:
        return None
    return HiddenSummary(total=max(total, len(graded)), graded=len(graded),
                         passed=sum(1 for r in graded if r.passed))


def exercise_view(result: ExerciseResult, audience: str) -> ExerciseView:
    """What ``audience`` sees of one exercise."""
    student = audience == "student"
    return ExerciseView(
        result=result,
        checks=tuple(r for r in result.checks if not (student and r.check.hidden)),
        hidden=_hidden_summary(result) if student else None,
        binding_notes=tuple(n for b in result.bindings for n in _binding_notes(b)),
        missing=tuple(b.name for b in result.bindings if b.bound_to is None),
    )


@dataclass(frozen=True)
class ReportSummary:
    """The top of a student's report: the checks that lost points (linked), and how many passed."""

    lost: tuple[CheckResult, ...]    # shown checks that earned less than their points, in page order
    passed: int                      # shown checks folded away because they passed as the grader saw them


def report_summary(exercises: list[ExerciseView]) -> ReportSummary:
    shown = [c for ex in exercises for c in ex.checks]
    return ReportSummary(lost=tuple(c for c in shown if c.counts and c.earned < c.check.points),
                         passed=sum(1 for c in shown if c.passed and c.override is None))


def verdict(result: SubmissionResult, audience: str) -> str:
    """One sentence on how the checks went, for the top of the page.

    "All ... passed" is said only when every check of every exercise has a result and passed, and
    for students only when the assignment has no hidden checks; otherwise it gives the counts.
    """
    student = audience == "student"
    specs = [c for e in result.exercises for c in e.exercise.checks]
    ran = [r for e in result.exercises for r in e.checks]
    shown = [r for r in ran if not (student and r.check.hidden)]
    passed = sum(1 for r in shown if r.passed)
    hidden = sum(1 for c in specs if c.hidden) if student else 0
    if shown and passed == len(shown) == len(ran) == len(specs) and not hidden:
        return f"All {len(specs)} checks passed."
    if hidden:
        counted = "is" if hidden == 1 else "are"
        return (f"{passed} of {len(shown)} public checks passed. "
                f"{hidden} hidden {'check' if hidden == 1 else 'checks'} {counted} counted separately below.")
    said = f"{passed} of {len(shown)} checks passed."
    if len(ran) < len(specs):
        said += f" {len(specs) - len(ran)} checks of the assignment were not part of this run."
    return said


# --- formatting, used by both templates ----------------------------------------------------------
def _points(value: float) -> str:
    return format(value, "g")


def _milliseconds(seconds: float) -> str:
    ms = seconds * 1000
    return f"{ms:.1f} ms" if ms < 10 else f"{ms:,.0f} ms"


def _anchor(check_id: str) -> str:
    """A check's id as an HTML id (ids are dotted names: letters, digits, ``.-_``)."""
    return "check-" + re.sub(r"[^A-Za-z0-9_.-]", "_", check_id)


def _when(iso: str) -> str:
    """An ISO time as people read it: "2026-10-03 23:59" (with its UTC offset when it has one)."""
    return str(iso).replace("T", " ")[:22]


def _inline_code(text: str) -> Markup:
    """``text`` escaped, with each `backticked` name set as code (notes are written that way)."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


def _trimmed(text: str, limit: int = OUTPUT_SHOWN_CHARS) -> str:
    """``text`` cut to ``limit`` characters, with a last line saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\n… trimmed: {len(text) - limit:,} more characters not shown"


@functools.cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("grader", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(points=_points, ms=_milliseconds, trimmed=_trimmed, code=_inline_code, anchor=_anchor, when=_when,
                       label=STATUS_LABELS.__getitem__, href=lambda s: quote(report_filename(s)),
                       # a student sees the name of the file graded, not where it lies on the grader's disk
                       file_name=lambda p: PurePath(str(p)).name)
    return env


# --- student report ------------------------------------------------------------------------------
def render_student_report(result: SubmissionResult, *, audience: str = "instructor",
                          submission_href: str | None = None) -> str:
    """The student's report as one HTML page, with what ``audience`` may see (see module doc);
    the instructor's links to the submission as handed in when ``submission_href`` is given."""
    if audience not in AUDIENCES:
        raise ValueError(f"audience={audience!r}; use one of {', '.join(AUDIENCES)}")
    exercises = [exercise_view(e, audience) for e in result.exercises]
    return _environment().get_template("student.html.j2").render(
        result=result, audience=audience, verdict=verdict(result, audience), exercises=exercises,
        summary=report_summary(exercises), final_percent=100.0 * result.final / result.possible if result.possible else 0.0,
        submission_href=submission_href if audience == "instructor" else None)


def write_student_report(result: SubmissionResult, out_dir: Path, audience: str = "instructor") -> Path:
    """Write ``<out_dir>/<student>.html`` and return its path. The instructor's links to
    ``submissions/<student>.html`` (grader.source_view) when that page is there."""
    folder = ReportsFolder(Path(out_dir))
    folder.root.mkdir(parents=True, exist_ok=True)
    path = folder.report(result.student)
    href = folder.submission_href(result.student)
    path.write_text(render_student_report(result, audience=audience, submission_href=href), encoding="utf-8")
    return path


# --- class overview ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    id: str
    title: str
    possible: float

    @property
    def short(self) -> str:
        """The exercise's id without the assignment's: a narrow column heading."""
        return self.id.split(".", 1)[-1]


def _columns(results: list[SubmissionResult]) -> list[Column]:
    """One column per exercise id, in the order exercises first appear."""
    seen: dict[str, Column] = {}
    for r in results:
        for e in r.exercises:
            seen.setdefault(e.exercise.id, Column(e.exercise.id, e.exercise.title, e.possible))
    return list(seen.values())


def status_counts(results: list[SubmissionResult]) -> dict[Status, int]:
    """How many check results have each status, every status listed (zeros included), except the one
    only a student's own check gives (Status.INSTRUCTOR) when it does not occur."""
    counts = Counter(r.status for s in results for e in s.exercises for r in e.checks)
    return {status: counts[status] for status in Status if status is not Status.INSTRUCTOR or counts[status]}


def _distinct(values) -> str:
    return ", ".join(dict.fromkeys(values)) or "none"


@dataclass(frozen=True)
class SummaryRow:
    result: SubmissionResult
    earned: dict[str, float]            # exercise id -> points earned
    counts: dict[Status, int]           # statuses that occur, in Status order


def _summary_row(result: SubmissionResult) -> SummaryRow:
    return SummaryRow(result=result, earned={e.exercise.id: e.earned for e in result.exercises},
                      counts={s: n for s, n in status_counts([result]).items() if n})


@dataclass(frozen=True)
class Bin:
    label: str
    count: int
    share: float        # of the largest bin, for the bar's length


def score_histogram(results: list[SubmissionResult], width: int = 10) -> list[Bin]:
    """Students per band of ``width`` percent of their final score: 0-9, 10-19, ..., 90-99, 100."""
    edges = list(range(0, 100, width))
    finals = [100.0 * r.final / r.possible if r.possible else 0.0 for r in results]
    counts = Counter(min(int(f // width) * width, 100) if f < 100 else 100 for f in finals)
    labels = [(e, f"{e}–{e + width - 1} %") for e in edges] + [(100, "100 %")]
    top = max(counts.values(), default=0) or 1
    return [Bin(label, counts[e], counts[e] / top) for e, label in labels]


@dataclass(frozen=True)
class CheckRate:
    id: str
    hidden: bool
    passed: int
    graded: int

    @property
    def percent(self) -> float:
        return 100.0 * self.passed / self.graded if self.graded else 0.0


def pass_rates(results: list[SubmissionResult]) -> list[CheckRate]:
    """Each check with how many students passed it, hardest first."""
    seen: dict[str, list[int]] = {}
    hidden: dict[str, bool] = {}
    for r in results:
        for e in r.exercises:
            for c in e.checks:
                seen.setdefault(c.check.id, [0, 0])
                seen[c.check.id][0] += c.passed
                seen[c.check.id][1] += 1
                hidden[c.check.id] = c.check.hidden
    rates = [CheckRate(i, hidden[i], p, n) for i, (p, n) in seen.items()]
    return sorted(rates, key=lambda r: (r.percent, r.id))


# A number standing on its own: not a digit inside a name (conv2d, h_t_minus_1, uint8, float32).
_NUMBER = re.compile(r"(?<![\w.])-?\d+(\.\d+)?(e[-+]?\d+)?(?![\w])")
SIGNATURE_CHARS = 240   # a failure's first line is kept whole up to this, then cut at a word


def failure_signature(check: CheckResult) -> str:
    """What a failure looks like with its numbers taken out: the same mistake made by several
    students (``expected 0, got 0.125`` and ``expected 3, got 2.5``) reads the same. Names that
    contain digits stay as they are, and a long line is cut between words."""
    first = (check.message.strip().splitlines() or [check.status.value])[0]
    text = _NUMBER.sub("#", first)
    if len(text) > SIGNATURE_CHARS:
        text = text[:SIGNATURE_CHARS].rsplit(" ", 1)[0] + " …"
    return f"{check.status.value}: {text}"


@dataclass(frozen=True)
class FailureGroup:
    signature: str
    check_ids: tuple[str, ...]    # the checks where it happened, in order of first appearance
    students: tuple[str, ...]

    @property
    def check_id(self) -> str:
        return self.check_ids[0]


def failure_groups(results: list[SubmissionResult]) -> list[FailureGroup]:
    """Failures grouped by cause across students and checks, the most common first: one missing
    function that fails six checks is one row (listing the six checks), not six."""
    checks: dict[str, dict[str, None]] = {}
    students: dict[str, dict[str, None]] = {}
    for r in results:
        for e in r.exercises:
            for c in e.checks:
                if not c.passed and c.counts:
                    signature = failure_signature(c)
                    checks.setdefault(signature, {})[c.check.id] = None
                    students.setdefault(signature, {})[r.student] = None
    found = [FailureGroup(sig, tuple(checks[sig]), tuple(students[sig])) for sig in checks]
    return sorted(found, key=lambda g: (-len(g.students), g.check_ids[0], g.signature))


@dataclass(frozen=True)
class ClassStatistics:
    """The spread of the final scores (after penalties and overrides), in percent of the possible."""

    count: int
    mean: float
    median: float
    stdev: float
    lowest: float
    highest: float
    full_marks: int
    late: int          # submissions with a late penalty
    overridden: int    # submissions with a person's adjustment


def class_statistics(results: list[SubmissionResult]) -> ClassStatistics | None:
    import statistics
    if not results:
        return None
    finals = [100.0 * r.final / r.possible if r.possible else 0.0 for r in results]
    return ClassStatistics(count=len(finals), mean=statistics.fmean(finals), median=statistics.median(finals),
                           stdev=statistics.pstdev(finals), lowest=min(finals), highest=max(finals),
                           full_marks=sum(1 for f in finals if f >= 100.0),
                           late=sum(1 for r in results if r.late_penalty_percent),
                           overridden=sum(1 for r in results if r.overrides))


def render_summary(results: list[SubmissionResult], duplicates: list[Any] | None = None) -> str:
    """The class overview as one HTML page: score histogram, students (in the order given) ×
    exercises with links, pass rate per check, slowest submissions, failures grouped by signature,
    and near-duplicate pairs (:mod:`grader.similarity`) when given."""
    return _environment().get_template("summary.html.j2").render(
        assignment=_distinct(r.assignment for r in results),
        assignment_version=_distinct(r.assignment_version for r in results),
        grader_version=_distinct(r.grader_version for r in results),
        columns=_columns(results), rows=[_summary_row(r) for r in results],
        counts=status_counts(results), histogram=score_histogram(results), rates=pass_rates(results),
        slowest=sorted(results, key=lambda r: -r.duration_s)[:5], failures=failure_groups(results),
        stats=class_statistics(results),
        duplicates=duplicates, broken=broken_checks(results))


def broken_checks(results: list[SubmissionResult]) -> dict[str, list[str]]:
    """Check id -> the students it broke for by the author's fault or ours (Status.GRADER_FAULT)."""
    broken: dict[str, list[str]] = {}
    for r in results:
        for c in r.grader_faults:
            broken.setdefault(c.check.id, []).append(r.student)
    return broken


def write_summary(results: list[SubmissionResult], out_dir: Path, duplicates: list[Any] | None = None) -> Path:
    """Write ``<out_dir>/index.html`` and return its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = ReportsFolder(out_dir).index
    path.write_text(render_summary(results, duplicates), encoding="utf-8")
    return path
