"""Results as data: ``results.json`` records (and back again, for resuming runs) and ``grades.csv``.

A record holds every field of the results model as JSON-safe data. Enums are written as their
value, each check's spec fields are inlined next to its result, and the computed ``earned``,
``possible`` and ``percent`` are written at every level for readers that do not recompute them.
Those computed fields are ignored when a record is read back: scores are always recomputed from
the results, never trusted from a file.

Keys come out in a fixed order (the order this module writes them; mappings sorted by key), so
two runs that grade the same way write the same bytes.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping

from grader.results import (Binding, CheckResult, Counterexample, ExerciseResult, LoadNote, Status,
                            SubmissionResult)
from grader.spec import Check, Exercise, Tolerance

RECORD_FORMAT = "grader-results/1"   # bump when a record can no longer be read back as written

__all__ = ["RECORD_FORMAT", "read_result_json", "result_from_dict", "result_to_dict",
           "write_result_json", "write_summary_csv"]


def _percent(earned: float, possible: float) -> float:
    """``earned`` as a percentage of ``possible``; 0 when nothing was possible (as the model does)."""
    return 100.0 * earned / possible if possible else 0.0


def _scores(earned: float, possible: float) -> dict[str, float]:
    return {"earned": earned, "possible": possible, "percent": _percent(earned, possible)}


# --- to data -------------------------------------------------------------------------------------
def _tolerances_to_dict(tolerances: Mapping[str, Tolerance]) -> dict[str, dict[str, float]]:
    return {dtype: {"rtol": tol.rtol, "atol": tol.atol} for dtype, tol in sorted(tolerances.items())}


def _check_spec_to_dict(check: Check) -> dict[str, Any]:
    """The :class:`Check` spec's fields, in the order a reader wants them."""
    return {"id": check.id, "exercise_id": check.exercise_id, "description": check.description,
            "points": check.points, "hidden": check.hidden, "examples": check.examples,
            "timeout_s": check.timeout_s, "tolerance": _tolerances_to_dict(check.tolerance)}


def _counterexample_to_dict(cx: Counterexample | None) -> dict[str, Any] | None:
    if cx is None:
        return None
    return {"inputs": [{"name": name, "description": text} for name, text in cx.inputs],
            "expected": cx.expected, "actual": cx.actual}


def _check_result_to_dict(result: CheckResult) -> dict[str, Any]:
    return {**_check_spec_to_dict(result.check), "status": result.status.value,
            **_scores(result.earned, result.check.points), "message": result.message,
            "counterexample": _counterexample_to_dict(result.counterexample),
            "duration_s": result.duration_s, "output": result.output, "seed": result.seed,
            "observations": list(result.observations)}


def _binding_to_dict(binding: Binding) -> dict[str, Any]:
    return {"name": binding.name, "bound_to": binding.bound_to, "notes": list(binding.notes)}


def _exercise_result_to_dict(result: ExerciseResult) -> dict[str, Any]:
    """One exercise: its spec, scores, bindings and check results.

    ``check_ids`` lists every check of the exercise's spec in order; ``not_graded`` holds the specs
    of those this run did not grade (hidden checks in a student's own ``grader check``), so the
    spec survives a round trip even when some of its checks have no result.
    """
    exercise = result.exercise
    graded = {r.check.id for r in result.checks}
    return {"id": exercise.id, "title": exercise.title, "names": list(exercise.names),
            **_scores(result.earned, result.possible),
            "check_ids": [c.id for c in exercise.checks],
            "bindings": [_binding_to_dict(b) for b in result.bindings],
            "checks": [_check_result_to_dict(r) for r in result.checks],
            "not_graded": [_check_spec_to_dict(c) for c in exercise.checks if c.id not in graded]}


def result_to_dict(result: SubmissionResult) -> dict[str, Any]:
    """Every field of ``result`` as JSON-safe data, keys in a fixed order.

    >>> result_to_dict(result)["exercises"][0]["checks"][0]["status"]
    'passed'
    """
    return {"format": RECORD_FORMAT, "student": result.student, "path": result.path,
            "sha256": result.sha256, "assignment": result.assignment,
            "assignment_version": result.assignment_version, "grader_version": result.grader_version,
            **_scores(result.earned, result.possible), "duration_s": result.duration_s,
            "sandbox": result.sandbox, "load_error": result.load_error,
            "load_notes": [{"where": n.where, "what": n.what} for n in result.load_notes],
            "seeds": dict(sorted(result.seeds.items())),
            "exercises": [_exercise_result_to_dict(e) for e in result.exercises]}


# --- from data -----------------------------------------------------------------------------------
def _tolerances_from_dict(d: Mapping[str, Mapping[str, float]]) -> Mapping[str, Tolerance]:
    return MappingProxyType({dtype: Tolerance(t["rtol"], t["atol"]) for dtype, t in d.items()})


def _check_spec_from_dict(d: Mapping[str, Any]) -> Check:
    return Check(id=d["id"], exercise_id=d["exercise_id"], points=d["points"], hidden=d["hidden"],
                 description=d["description"], examples=d["examples"], timeout_s=d["timeout_s"],
                 tolerance=_tolerances_from_dict(d["tolerance"]))


def _counterexample_from_dict(d: Mapping[str, Any] | None) -> Counterexample | None:
    if d is None:
        return None
    return Counterexample(inputs=tuple((i["name"], i["description"]) for i in d["inputs"]),
                          expected=d["expected"], actual=d["actual"])


def _check_result_from_dict(d: Mapping[str, Any]) -> CheckResult:
    return CheckResult(check=_check_spec_from_dict(d), status=Status(d["status"]), message=d["message"],
                       counterexample=_counterexample_from_dict(d["counterexample"]),
                       duration_s=d["duration_s"], output=d["output"], seed=d["seed"],
                       observations=tuple(d.get("observations", ())))


def _exercise_result_from_dict(d: Mapping[str, Any]) -> ExerciseResult:
    checks = tuple(_check_result_from_dict(c) for c in d["checks"])
    specs = {c.check.id: c.check for c in checks}
    specs.update((s["id"], _check_spec_from_dict(s)) for s in d["not_graded"])
    exercise = Exercise(id=d["id"], title=d["title"], names=tuple(d["names"]),
                        checks=tuple(specs[i] for i in d["check_ids"]))
    bindings = tuple(Binding(b["name"], b["bound_to"], tuple(b["notes"])) for b in d["bindings"])
    return ExerciseResult(exercise=exercise, checks=checks, bindings=bindings)


def result_from_dict(d: Mapping[str, Any]) -> SubmissionResult:
    """The :class:`SubmissionResult` that :func:`result_to_dict` turned into ``d``.

    ``result_from_dict(result_to_dict(r)) == r`` for every result. Computed scores in ``d`` are
    ignored. Raises ``ValueError`` when ``d`` is not a record in :data:`RECORD_FORMAT`.
    """
    if d.get("format") != RECORD_FORMAT:
        raise ValueError(f"not a grader results record: format={d.get('format')!r}, "
                         f"expected {RECORD_FORMAT!r} (written by another grader version? grade again)")
    return SubmissionResult(
        student=d["student"], path=d["path"], sha256=d["sha256"], assignment=d["assignment"],
        assignment_version=d["assignment_version"], grader_version=d["grader_version"],
        exercises=tuple(_exercise_result_from_dict(e) for e in d["exercises"]),
        load_notes=tuple(LoadNote(n["where"], n["what"]) for n in d["load_notes"]),
        load_error=d["load_error"], duration_s=d["duration_s"], sandbox=d["sandbox"],
        seeds=dict(d["seeds"]))


# --- files ---------------------------------------------------------------------------------------
def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` so that ``path`` holds either its old content or all of the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8", newline="")
    os.replace(partial, path)


def write_result_json(result: SubmissionResult, path: Path) -> Path:
    """Write ``result`` as an indented JSON record at ``path`` (atomically) and return ``path``."""
    text = json.dumps(result_to_dict(result), indent=2, ensure_ascii=False, allow_nan=False)
    _write_atomically(Path(path), text + "\n")
    return Path(path)


def read_result_json(path: Path) -> SubmissionResult:
    """Read back a record written by :func:`write_result_json`."""
    return result_from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def _exercise_columns(results: Iterable[SubmissionResult]) -> list[str]:
    """Exercise ids in the order they first appear, so every student gets the same columns."""
    return list(dict.fromkeys(e.exercise.id for r in results for e in r.exercises))


def _points(value: float) -> str:
    return format(value, "g")


def write_summary_csv(results: list[SubmissionResult], path: Path) -> Path:
    """Write one row per student (in the order given) and return ``path``.

    Columns: ``student``, one per exercise id (points earned; empty where a student's result has
    no such exercise), ``total``, ``possible``, ``percent``. The exercise columns add up to ``total``.
    """
    exercise_ids = _exercise_columns(results)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["student", *exercise_ids, "total", "possible", "percent"])
        writer.writeheader()
        for r in results:
            earned = {e.exercise.id: _points(e.earned) for e in r.exercises}
            writer.writerow({"student": r.student, **{i: earned.get(i, "") for i in exercise_ids},
                             "total": _points(r.earned), "possible": _points(r.possible),
                             "percent": f"{r.percent:.1f}"})
    return path
