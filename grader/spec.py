"""What to check: assignments, exercises, checks, names and limits, read from ``assignment.toml``.

Everything here is a frozen dataclass built once per run. Mappings inside are plain dicts, not
read-only proxies, because results (which carry their specs) travel between grading processes by
pickle; nothing mutates them after loading. Errors in the file are the course
author's (:class:`~grader.errors.SpecError`) and name the file and key they came from.
"""

from __future__ import annotations

import datetime
import difflib
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from grader.errors import SpecError

# rtol/atol by dtype, as torch.testing.assert_close uses them. Comparisons happen at the looser
# of the two dtypes involved, so a float32 student is held to float32 against a float64 reference.
DEFAULT_TOLERANCES: Mapping[str, tuple[float, float]] = {
    "float64": (1e-7, 1e-7),
    "float32": (1.3e-6, 1e-5),
    "float16": (1e-3, 1e-5),
    "bfloat16": (1.6e-2, 1e-5),
}


@dataclass(frozen=True)
class Tolerance:
    rtol: float
    atol: float

    def __str__(self) -> str:
        return f"rtol={self.rtol:g}, atol={self.atol:g}"


@dataclass(frozen=True)
class Limits:
    call_timeout_s: float = 10.0     # wall time for one call into the student's code
    load_timeout_s: float = 30.0     # wall time to load the submission's definitions
    memory_mb: int = 2048            # address space the worker may add on top of numpy+torch
    output_kb: int = 64              # captured stdout/stderr kept per check
    check_budget_s: float = 300.0    # wall time for all of one check's calls into the student's code


@dataclass(frozen=True)
class Check:
    id: str                 # "cnn-numpy.conv.value"
    exercise_id: str
    points: float
    hidden: bool = False
    description: str = ""
    examples: int = 50      # hypothesis max_examples
    timeout_s: float | None = None          # overrides Limits.call_timeout_s
    tolerance: Mapping[str, Tolerance] = field(default_factory=dict)  # per-dtype overrides


@dataclass(frozen=True)
class Exercise:
    id: str                 # "cnn-numpy.conv"
    title: str
    names: tuple[str, ...]  # canonical names the exercise needs
    checks: tuple[Check, ...]

    @property
    def points(self) -> float:
        return sum(c.points for c in self.checks)


@dataclass(frozen=True)
class NameSpec:
    """A name the submission must define, with the aliases real students used."""

    name: str
    aliases: tuple[str, ...] = ()
    params: Mapping[str, tuple[str, ...]] = field(default_factory=dict)   # canonical -> aliases
    methods: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # canonical -> aliases
    attributes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # canonical -> aliases


@dataclass(frozen=True)
class LatePolicy:
    """``[late]`` in assignment.toml: a deduction per started day after the deadline, up to a cap.

    Percentages are of the points earned. Submission times without a UTC offset (LMS file names
    carry none) are read in the deadline's time zone. The time comes from the LMS file name; with
    ``file_times = true``, a submission whose name carries none is timed by its file's modification
    time (for files unpacked with their times kept, e.g. unzip of an LMS bulk download). File times
    carry the grading machine's UTC offset: give the deadline one too.
    """

    deadline: datetime.datetime
    per_day_percent: float
    cap_percent: float = 100.0
    grace_minutes: float = 0.0
    file_times: bool = False

    def days_late(self, submitted_at: str | None) -> int:
        """Started days past the deadline (after the grace period); 0 when on time or unknown."""
        if not submitted_at:
            return 0
        when = datetime.datetime.fromisoformat(submitted_at)
        deadline = self.deadline
        if (when.tzinfo is None) != (deadline.tzinfo is None):
            zone = deadline.tzinfo or when.tzinfo
            when, deadline = when.replace(tzinfo=when.tzinfo or zone), deadline.replace(tzinfo=deadline.tzinfo or zone)
        late = when - deadline - datetime.timedelta(minutes=self.grace_minutes)
        if late <= datetime.timedelta(0):
            return 0
        return math.ceil(late / datetime.timedelta(days=1))

    def penalty_percent(self, submitted_at: str | None) -> float:
        return min(self.cap_percent, self.per_day_percent * self.days_late(submitted_at))

    def describe(self) -> str:
        """The policy in words, for the reports: "10 % of the points per started day after
        2026-10-03 23:59+02:00 (30 minutes' grace), at most 50 %"."""
        grace = f" ({self.grace_minutes:g} minutes' grace)" if self.grace_minutes else ""
        cap = f", at most {self.cap_percent:g} %" if self.cap_percent < 100 else ""
        return (f"{self.per_day_percent:g} % of the points per started day after "
                f"{self.deadline.isoformat(sep=' ', timespec='minutes')}{grace}{cap}")


@dataclass(frozen=True)
class Release:
    """What a release bundle's assignment.toml says of itself (grader.release): the copy a student
    receives has no reference and only the public checks; its recorded cases carry the reference's
    answers, the reference's signatures and the packages its workers import first."""

    kind: str                      # "student"
    cases: Path                    # the recorded cases of the public checks, with the answers
    warm: tuple[str, ...]          # what the zygote imports before it forks (grader.sandbox.warm_imports)
    hidden_checks: int             # how many checks only the instructor's run has
    hidden_points: float


@dataclass(frozen=True)
class Assignment:
    id: str
    title: str
    version: str
    root: Path              # the assignment's folder
    project_root: Path      # where reference/ and tests/ live
    reference: Path
    suite: Path
    starter: Path | None
    exercises: tuple[Exercise, ...]
    names: Mapping[str, NameSpec]
    tolerances: Mapping[str, Tolerance]
    limits: Limits
    late: LatePolicy | None = None
    release: Release | None = None   # a release bundle's copy (no reference here), or None: the project's
    # The course's own public modules (a folder of packages beside assignment.toml, e.g. cs231n/
    # with layer_utils.py) that students' code imports; the worker can import them.
    support: Path | None = None
    # Dotted names under which the submission itself can be imported too (["cs231n.layers"]): the
    # course's modules import the student's file by its place in the course's package.
    import_as: tuple[str, ...] = ()
    # [options]: the course's choices where a course's versions differ (CS231n's dropout p: the
    # probability of dropping in 2017, of keeping later), read by the suite (grader.suite.options)
    options: Mapping[str, Any] = field(default_factory=dict)
    # Whether its torch exercises may run on a GPU (grader grade --device cuda). False where an
    # exercise is about the CPU itself (numpy round trips that share memory, a device argument).
    gpu: bool = True

    @property
    def checks(self) -> tuple[Check, ...]:
        return tuple(c for e in self.exercises for c in e.checks)

    def tolerance_for(self, dtype: str, check: Check | None = None) -> Tolerance:
        if check is not None and dtype in check.tolerance:
            return check.tolerance[dtype]
        return self.tolerances.get(dtype, self.tolerances["float64"])


def find_assignment(name_or_path: str, assignments_dir: Path | None = None) -> Path:
    """Resolve ``cnn-numpy`` or a path to the folder holding ``assignment.toml``."""
    candidate = Path(name_or_path)
    if (candidate / "assignment.toml").is_file():
        return candidate
    base = assignments_dir or Path(__file__).resolve().parent.parent / "assignments"
    if (base / name_or_path / "assignment.toml").is_file():
        return base / name_or_path
    known = sorted(p.parent.name for p in base.glob("*/assignment.toml"))
    raise SpecError(f"no assignment named {name_or_path!r}; known: {', '.join(known) or 'none'} "
                    f"(looked in {base})")


def load_assignment(folder: Path) -> Assignment:
    path = folder / "assignment.toml"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SpecError(f"{path}: cannot read: {exc}") from exc
    return _AssignmentReader(path, raw).read()


class _AssignmentReader:
    def __init__(self, path: Path, raw: dict[str, Any]):
        self.path = path
        self.raw = raw

    def fail(self, key: str, problem: str) -> SpecError:
        return SpecError(f"{self.path}: [{key}] {problem}")

    def known(self, table: Mapping[str, Any], keys: tuple[str, ...], where: str) -> None:
        """A key the reader does not know is a typo until shown otherwise: ``hiden = true`` must
        not quietly show a hidden check to students."""
        for key in table:
            if key not in keys:
                near = difflib.get_close_matches(key, keys, n=1, cutoff=0.6)
                hint = f"did you mean {near[0]!r}?" if near else f"known keys: {', '.join(keys)}"
                raise self.fail(where, f"unknown key {key!r}; {hint}")

    def get(self, table: Mapping[str, Any], key: str, kind: type | tuple, where: str, default: Any = ...):
        if key not in table:
            if default is ...:
                raise self.fail(where, f"missing required key {key!r}")
            return default
        value = table[key]
        if not isinstance(value, kind) or isinstance(value, bool) and kind in (int, float, (int, float)):
            raise self.fail(where, f"{key}={value!r} should be {getattr(kind, '__name__', kind)}")
        return value

    def read(self) -> Assignment:
        self.known(self.raw, ("assignment", "exercise", "names", "tolerance", "limits", "late", "release", "options"),
                   "top level")
        head = self.get(self.raw, "assignment", dict, "assignment")
        self.known(head, ("id", "title", "version", "project_root", "reference", "suite", "starter", "support",
                          "import_as", "gpu"), "assignment")
        folder = self.path.parent
        project_root = (folder / self.get(head, "project_root", str, "assignment", "../..")).resolve()
        aid = self.get(head, "id", str, "assignment")
        exercises = tuple(self.exercise(aid, i, e)
                          for i, e in enumerate(self.get(self.raw, "exercise", list, "exercise")))
        names = {n: self.name_spec(n, t) for n, t in self.get(self.raw, "names", dict, "names", {}).items()}
        for ex in exercises:
            for n in ex.names:
                names.setdefault(n, NameSpec(n))
        starter = self.get(head, "starter", str, "assignment", "")
        support = self.get(head, "support", str, "assignment", "")
        import_as = self.get(head, "import_as", list, "assignment", [])
        if not all(isinstance(n, str) and re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*", n) for n in import_as):
            raise self.fail("assignment", f"import_as={import_as!r} should be a list of dotted module names")
        release = self.release(self.raw["release"], folder) if "release" in self.raw else None
        reference = project_root / self.get(head, "reference", str, "assignment")
        return Assignment(
            id=aid,
            title=self.get(head, "title", str, "assignment"),
            version=str(self.get(head, "version", (str, int), "assignment")),
            root=folder,
            project_root=project_root,
            reference=reference if release is not None else self.existing(reference, "reference"),
            suite=self.existing(project_root / self.get(head, "suite", str, "assignment"), "suite"),
            starter=self.existing(folder / starter, "starter") if starter else None,
            exercises=exercises,
            names=names,
            tolerances={**{k: Tolerance(*v) for k, v in DEFAULT_TOLERANCES.items()},
                        **self.tolerances(self.raw.get("tolerance", {}), "tolerance")},
            limits=self.limits(self.get(self.raw, "limits", dict, "limits", {})),
            late=self.late(self.raw["late"]) if "late" in self.raw else None,
            release=release,
            support=self.support(folder, support) if support else None,
            import_as=tuple(import_as),
            options=self.options(self.get(self.raw, "options", dict, "options", {})),
            gpu=self.get(head, "gpu", bool, "assignment", True),
        )

    def options(self, table: Mapping[str, Any]) -> Mapping[str, Any]:
        plain = (str, int, float, bool)
        for key, value in table.items():
            if not (isinstance(value, plain) or (isinstance(value, list) and all(isinstance(v, plain) for v in value))):
                raise self.fail("options", f"{key}={value!r} should be a string, number, boolean or a list of them")
        return MappingProxyType(dict(table))

    def release(self, table: Any, folder: Path) -> Release:
        if not isinstance(table, dict):
            raise self.fail("release", "must be a table")
        self.known(table, ("kind", "cases", "warm", "hidden_checks", "hidden_points"), "release")
        kind = self.get(table, "kind", str, "release")
        if kind != "student":
            raise self.fail("release", f"kind={kind!r}: the only kind is 'student'")
        return Release(kind=kind, cases=self.existing(folder / self.get(table, "cases", str, "release"), "cases"),
                       warm=tuple(str(w) for w in self.get(table, "warm", list, "release", ["numpy"])),
                       hidden_checks=int(self.get(table, "hidden_checks", int, "release", 0)),
                       hidden_points=float(self.get(table, "hidden_points", (int, float), "release", 0)))

    def late(self, table: Any) -> LatePolicy:
        if not isinstance(table, dict):
            raise self.fail("late", "must be a table")
        self.known(table, ("deadline", "per_day_percent", "cap_percent", "grace_minutes", "file_times"), "late")
        deadline = self.get(table, "deadline", (datetime.datetime, str), "late")
        if isinstance(deadline, str):
            try:
                deadline = datetime.datetime.fromisoformat(deadline)
            except ValueError:
                raise self.fail("late", f"deadline={deadline!r} is not an ISO date and time") from None
        policy = LatePolicy(deadline=deadline,
                            per_day_percent=float(self.get(table, "per_day_percent", (int, float), "late")),
                            cap_percent=float(self.get(table, "cap_percent", (int, float), "late", 100.0)),
                            grace_minutes=float(self.get(table, "grace_minutes", (int, float), "late", 0.0)),
                            file_times=self.get(table, "file_times", (bool,), "late", False))
        if not (0 <= policy.per_day_percent <= 100 and 0 <= policy.cap_percent <= 100 and policy.grace_minutes >= 0):
            raise self.fail("late", "per_day_percent and cap_percent must lie in 0-100, grace_minutes >= 0")
        return policy

    def support(self, folder: Path, name: str) -> Path:
        path = self.existing(folder / name, "support")
        if not path.is_dir() or not path.resolve().is_relative_to(folder.resolve()):
            raise self.fail("assignment", f"support={name!r} should be a folder inside {folder}")
        return path

    def existing(self, path: Path, key: str) -> Path:
        if not path.exists():
            raise self.fail("assignment", f"{key}={path} does not exist")
        return path

    def tolerances(self, table: Mapping[str, Any], where: str) -> dict[str, Tolerance]:
        out = {}
        if not isinstance(table, dict):
            raise self.fail(where, "must be a table of dtypes")
        for dtype, tol in table.items():
            if dtype not in DEFAULT_TOLERANCES:
                raise self.fail(where, f"unknown dtype {dtype!r}; use one of {', '.join(DEFAULT_TOLERANCES)}")
            if not isinstance(tol, dict):
                raise self.fail(f"{where}.{dtype}", "must be a table with rtol and atol")
            self.known(tol, ("rtol", "atol"), f"{where}.{dtype}")
            rtol = self.get(tol, "rtol", (int, float), f"{where}.{dtype}")
            atol = self.get(tol, "atol", (int, float), f"{where}.{dtype}")
            if rtol < 0 or atol < 0:
                raise self.fail(f"{where}.{dtype}", f"rtol={rtol}, atol={atol} must not be negative")
            out[dtype] = Tolerance(float(rtol), float(atol))
        return out

    def limits(self, table: Mapping[str, Any]) -> Limits:
        defaults = Limits()
        values = {}
        keys = ("call_timeout_s", "load_timeout_s", "memory_mb", "output_kb", "check_budget_s")
        self.known(table, keys, "limits")
        for key in keys:
            value = self.get(table, key, (int, float), "limits", getattr(defaults, key))
            if value <= 0:
                raise self.fail("limits", f"{key}={value} must be positive")
            values[key] = type(getattr(defaults, key))(value)
        return Limits(**values)

    def exercise(self, aid: str, index: int, table: Mapping[str, Any]) -> Exercise:
        where = f"exercise #{index + 1}"
        if not isinstance(table, dict):
            raise self.fail(where, "must be a table ([[exercise]])")
        key = self.get(table, "id", str, where)
        self.known(table, ("id", "title", "names", "check"), f"{where} ({key})")
        eid = f"{aid}.{key}"
        checks = tuple(self.check(eid, c, f"{where} ({key}) check #{j + 1}")
                       for j, c in enumerate(self.get(table, "check", list, where)))
        return Exercise(id=eid, title=self.get(table, "title", str, where, key),
                        names=tuple(self.get(table, "names", list, where, [])), checks=checks)

    def check(self, eid: str, table: Mapping[str, Any], where: str) -> Check:
        if not isinstance(table, dict):
            raise self.fail(where, "must be a table ([[exercise.check]])")
        self.known(table, ("id", "points", "hidden", "description", "examples", "timeout_s", "tolerance"), where)
        points = self.get(table, "points", (int, float), where)
        if points < 0:
            raise self.fail(where, f"points={points} must not be negative")
        timeout = self.get(table, "timeout_s", (int, float), where, None)
        examples = self.get(table, "examples", int, where, 50)
        if examples < 1:
            raise self.fail(where, f"examples={examples} must be at least 1")
        return Check(id=f"{eid}.{self.get(table, 'id', str, where)}", exercise_id=eid,
                     points=float(points), hidden=self.get(table, "hidden", bool, where, False),
                     description=self.get(table, "description", str, where, ""), examples=examples,
                     timeout_s=float(timeout) if timeout is not None else None,
                     tolerance=self.tolerances(table.get("tolerance", {}), f"{where}.tolerance"))

    def name_spec(self, name: str, table: Mapping[str, Any]) -> NameSpec:
        where = f"names.{name}"
        if not isinstance(table, dict):
            raise self.fail(where, "must be a table")
        self.known(table, ("aliases", "params", "methods", "attributes"), where)
        params = self.get(table, "params", dict, where, {})
        methods = self.get(table, "methods", dict, where, {})
        attributes = self.get(table, "attributes", dict, where, {})
        return NameSpec(name=name, aliases=tuple(self.get(table, "aliases", list, where, [])),
                        params={k: tuple(v) for k, v in params.items()},
                        methods={k: tuple(v) for k, v in methods.items()},
                        attributes={k: tuple(v) for k, v in attributes.items()})
