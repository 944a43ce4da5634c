"""Results as data: ``results.json`` records (and back again, for resuming runs), ``grades.csv``
for LMS gradebooks, Gradescope's ``results.json`` and JUnit XML for any CI.

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
from dataclasses import asdict
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping

from grader.results import (Binding, CheckResult, Counterexample, ExerciseResult, LoadNote, Override, Picture,
                            Status, SubmissionResult)
from grader.spec import Check, Exercise, Tolerance

RECORD_FORMAT = "grader-results/1"   # bump when a record can no longer be read back as written

__all__ = ["RECORD_FORMAT", "gradescope_results", "junit_xml", "read_result_json", "result_from_dict",
           "result_to_dict", "write_gradescope_json", "write_junit_xml", "write_result_json", "write_summary_csv"]


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
            "expected": cx.expected, "actual": cx.actual,
            "picture": None if cx.picture is None else asdict(cx.picture)}


def _override_to_dict(override: Override | None) -> dict[str, Any] | None:
    return None if override is None else asdict(override)


def _override_from_dict(d: Mapping[str, Any] | None) -> Override | None:
    return None if d is None else Override(points=d["points"], reason=d["reason"], who=d["who"], was=d["was"])


def _check_result_to_dict(result: CheckResult) -> dict[str, Any]:
    return {**_check_spec_to_dict(result.check), "status": result.status.value,
            **_scores(result.earned, result.check.points), "message": result.message,
            "counterexample": _counterexample_to_dict(result.counterexample),
            "duration_s": result.duration_s, "output": result.output, "seed": result.seed,
            "observations": list(result.observations), "override": _override_to_dict(result.override)}


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
            "submitted_at": result.submitted_at, "late_penalty_percent": result.late_penalty_percent,
            "late_policy": result.late_policy, "override": _override_to_dict(result.override),
            "final": result.final,
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
    picture = d.get("picture")
    return Counterexample(inputs=tuple((i["name"], i["description"]) for i in d["inputs"]),
                          expected=d["expected"], actual=d["actual"],
                          picture=None if picture is None else Picture(**picture))


def _check_result_from_dict(d: Mapping[str, Any]) -> CheckResult:
    return CheckResult(check=_check_spec_from_dict(d), status=Status(d["status"]), message=d["message"],
                       counterexample=_counterexample_from_dict(d["counterexample"]),
                       duration_s=d["duration_s"], output=d["output"], seed=d["seed"],
                       observations=tuple(d.get("observations", ())), override=_override_from_dict(d.get("override")))


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
        seeds=dict(d["seeds"]), submitted_at=d.get("submitted_at"),
        late_penalty_percent=d.get("late_penalty_percent", 0.0), late_policy=d.get("late_policy"),
        override=_override_from_dict(d.get("override")))


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
    no such exercise), ``total``, ``possible``, ``percent``, then ``submitted_at``,
    ``late_penalty_percent``, ``final`` (total after the penalty: the column for the gradebook) and
    ``overrides`` (each person's decision that replaced the grader's points, with its reason and who
    made it). The exercise columns add up to ``total`` unless the total itself was overridden.
    """
    exercise_ids = _exercise_columns(results)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["student", *exercise_ids, "total", "possible", "percent",
                                               "submitted_at", "late_penalty_percent", "final", "overrides"])
        writer.writeheader()
        for r in results:
            earned = {e.exercise.id: _points(e.earned) for e in r.exercises}
            writer.writerow({"student": r.student, **{i: earned.get(i, "") for i in exercise_ids},
                             "total": _points(r.earned), "possible": _points(r.possible),
                             "percent": f"{r.percent:.1f}", "submitted_at": r.submitted_at or "",
                             "late_penalty_percent": _points(r.late_penalty_percent), "final": _points(r.final),
                             "overrides": "; ".join(describe_override(what, o) for what, o in r.overrides)})
    return path


# --- Gradescope ----------------------------------------------------------------------------------
# Gradescope's autograder reads /autograder/results/results.json: a top-level score, and one entry per
# test with name, score, max_score, status, output and visibility ("hidden", "after_due_date",
# "after_published" or "visible"). Hidden checks become "after_published": the student sees them once
# the instructor publishes grades, as with our student report, which shows only their counts.
_GRADESCOPE_VISIBILITY = {False: "visible", True: "after_published"}


def describe_override(what: str, override: Override) -> str:
    """One override in words: "total: 80 instead of 56 (regrade request) by TA Kim"."""
    return f"{what}: {_points(override.points)} instead of {_points(override.was)} ({override.reason}) by {override.who}"


def _check_output(check: CheckResult) -> str:
    parts = [f"{check.status.value.upper()}: {check.check.description}".strip()]
    if check.override is not None:
        parts.insert(0, f"Points set by {check.override.who}: {_points(check.override.points)} instead of "
                        f"{_points(check.override.was)} ({check.override.reason})")
    parts += list(check.observations)
    if check.message:
        parts.append(check.message)
    cx = check.counterexample
    if cx is not None:
        parts += [f"{name} = {text}" for name, text in cx.inputs]
        parts += [f"expected: {cx.expected}"] if cx.expected is not None else []
        parts += [f"yours: {cx.actual}"] if cx.actual is not None else []
    return "\n".join(parts)


def gradescope_results(result: SubmissionResult) -> dict[str, Any]:
    """``result`` in the format of Gradescope's results.json (score after any late penalty)."""
    tests = [{"name": f"{ex.exercise.title}: {check.check.id}", "number": check.check.id,
              "score": check.earned, "max_score": check.check.points if check.counts else 0.0,
              "status": "passed" if check.passed else "failed",
              "output": _check_output(check), "visibility": _GRADESCOPE_VISIBILITY[check.check.hidden],
              "tags": [ex.exercise.id]}
             for ex in result.exercises for check in ex.checks]
    notes = [f"{n.where}: {n.what}" for n in result.load_notes]
    output = [f"{result.assignment} {result.assignment_version}: {_points(result.earned)} / "
              f"{_points(result.possible)} points"]
    output += [f"override of the {describe_override(what, o)}" for what, o in result.overrides]
    if result.late_penalty_percent:
        output.append(f"late penalty {_points(result.late_penalty_percent)} % "
                      f"(submitted {result.submitted_at}): {_points(result.final)} points")
    if result.load_error:
        output.append(result.load_error)
    return {"score": result.final, "execution_time": round(result.duration_s, 3),
            "output": "\n".join(output + notes), "visibility": "visible", "stdout_visibility": "hidden",
            "tests": tests}


def write_gradescope_json(result: SubmissionResult, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(path, json.dumps(gradescope_results(result), indent=2, ensure_ascii=False) + "\n")
    return path


# --- JUnit XML -------------------------------------------------------------------------------------
def junit_xml(results: Iterable[SubmissionResult]) -> str:
    """One ``<testsuite>`` per student, one ``<testcase>`` per check. Wrong answers and missing
    functions are ``<failure>`` (both lose the points); errors, timeouts and crashes ``<error>``."""
    from xml.etree import ElementTree as ET
    root = ET.Element("testsuites", name="grader")
    for r in results:
        checks = [c for ex in r.exercises for c in ex.checks]
        suite = ET.SubElement(root, "testsuite", name=f"{r.assignment}:{r.student}", tests=str(len(checks)),
                              failures=str(sum(c.status in (Status.FAILED, Status.MISSING) for c in checks)),
                              errors=str(sum(c.status in _ERRORS for c in checks)),
                              time=f"{r.duration_s:.3f}")
        for ex in r.exercises:
            for c in ex.checks:
                case = ET.SubElement(suite, "testcase", classname=f"{r.student}.{ex.exercise.id}",
                                     name=c.check.id, time=f"{c.duration_s:.3f}")
                if not c.passed:
                    tag = "error" if c.status in _ERRORS else "failure"
                    first = (c.message.splitlines() or [c.status.value])[0]
                    ET.SubElement(case, tag, message=first[:500], type=c.status.value).text = _check_output(c)
                if c.output:
                    ET.SubElement(case, "system-out").text = c.output
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


_ERRORS = frozenset({Status.ERROR, Status.TIMEOUT, Status.CRASHED, Status.NOT_RUN, Status.GRADER_FAULT})


def write_junit_xml(results: Iterable[SubmissionResult], path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(path, junit_xml(results))
    return path
