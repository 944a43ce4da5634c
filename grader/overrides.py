"""A TA's manual adjustments: an overrides file that replaces the grader's points for one check or
for a submission's total, each with the reason and who decided.

The file is CSV with a header row::

    student,check,points,reason,who
    doe_jane,conv.forward-values,6,"off-by-one in padding only; rest correct",TA Kim
    roe_max,total,80,regrade request approved,Prof. Lee

``check`` is a check's id (with or without the assignment's prefix) or ``total``. A check's points
may be anything from 0 to the check's points; a total from 0 to the points possible, and it
replaces the sum of the checks (the late penalty is then taken from it, as from any total).

Overrides are applied to results when they are written out (reports, grades.csv, Gradescope, the
terminal table), never to what the journal keeps: grading again, or removing a row, brings the
grader's own points back. A row that names no student, no check or gives impossible points stops
the run with the file's line number, before anything is written.
"""

from __future__ import annotations

import csv
import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from grader.errors import GraderError
from grader.results import CheckResult, ExerciseResult, Override, SubmissionResult

COLUMNS = ("student", "check", "points", "reason", "who")
TOTAL = "total"

__all__ = ["COLUMNS", "OverridesError", "Row", "apply", "read"]


class OverridesError(GraderError):
    """The overrides file cannot be used as it is: says where and why."""


@dataclass(frozen=True)
class Row:
    line: int          # in the file, for messages
    student: str
    check: str         # a check id as written, or "total"
    points: float
    reason: str
    who: str


def read(path: Path) -> list[Row]:
    """The rows of the overrides file at ``path``; OverridesError when a row is incomplete."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")   # a spreadsheet's "CSV UTF-8" starts with a BOM
    except OSError as exc:
        raise OverridesError(f"{path}: cannot read the overrides file ({exc.strerror or exc})") from None
    reader = csv.DictReader(text.splitlines())
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise OverridesError(f"{path}: the overrides file needs the columns {', '.join(COLUMNS)} "
                             f"(missing: {', '.join(missing)})")
    rows: list[Row] = []
    seen: dict[tuple[str, str], int] = {}
    for number, raw in enumerate(reader, start=2):
        cells = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(cells.values()):
            continue
        where = f"{path}, line {number}"
        empty = [c for c in COLUMNS if not cells.get(c)]
        if empty:
            raise OverridesError(f"{where}: {', '.join(empty)} must be given (every override says who decided "
                                 f"and why)")
        try:
            points = float(cells["points"])
        except ValueError:
            raise OverridesError(f"{where}: points must be a number, not {cells['points']!r}") from None
        key = (cells["student"], cells["check"])
        if key in seen:
            raise OverridesError(f"{where}: {cells['student']} / {cells['check']} is overridden on line "
                                 f"{seen[key]} already")
        seen[key] = number
        rows.append(Row(number, cells["student"], cells["check"], points, cells["reason"], cells["who"]))
    return rows


def apply(results: Iterable[SubmissionResult], rows: list[Row], path: Path | str = "overrides") -> list[SubmissionResult]:
    """``results`` with the overrides of ``rows`` in place. Every row must name a student among
    ``results`` and a check of the assignment (or the total), with points it can have."""
    results = list(results)
    by_student = {r.student: r for r in results}
    for row in rows:
        where = f"{path}, line {row.line}"
        result = by_student.get(row.student)
        if result is None:
            raise OverridesError(f"{where}: no submission of {row.student!r} in this class "
                                 f"(students: {', '.join(sorted(by_student)[:8])}{', ...' if len(by_student) > 8 else ''})")
        by_student[row.student] = _applied(result, row, where)
    return [by_student[r.student] for r in results]


def _applied(result: SubmissionResult, row: Row, where: str) -> SubmissionResult:
    if row.check.lower() == TOTAL:
        if not 0 <= row.points <= result.possible:
            raise OverridesError(f"{where}: a total of {row.points:g} is outside 0..{result.possible:g}, the "
                                 f"points possible")
        return dataclasses.replace(result, override=Override(row.points, row.reason, row.who, was=result.earned))
    wanted = {row.check, f"{result.assignment}.{row.check}"}
    exercises: list[ExerciseResult] = []
    found = False
    for exercise in result.exercises:
        checks: list[CheckResult] = []
        for check in exercise.checks:
            if check.check.id in wanted:
                found = True
                if not 0 <= row.points <= check.check.points:
                    raise OverridesError(f"{where}: {row.points:g} points for {check.check.id} is outside "
                                         f"0..{check.check.points:g}")
                was = check.earned if check.override is None else check.override.was
                check = dataclasses.replace(check, override=Override(row.points, row.reason, row.who, was=was))
            checks.append(check)
        exercises.append(dataclasses.replace(exercise, checks=tuple(checks)))
    if not found:
        ids = [c.check.id for e in result.exercises for c in e.checks]
        raise OverridesError(f"{where}: {result.student} has no graded check {row.check!r} (ids look like "
                             f"{ids[0] if ids else 'none'}; use `total` for the whole submission)")
    return dataclasses.replace(result, exercises=tuple(exercises))
