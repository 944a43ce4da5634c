"""Grading a student's repository on every push: ``grader ci`` and ``grader init-ci``.

``grader ci`` grades the submission in the repository it runs in against the public checks and
speaks GitHub Actions' language: a markdown job summary (``$GITHUB_STEP_SUMMARY``),
``::error file=…,line=…::`` annotations at the definition of each failing function, and
``score``/``percent``/``passed`` step outputs (``$GITHUB_OUTPUT``). It exits non-zero below the
pass mark, so a push that breaks the homework shows red. Outside GitHub it prints the same text.

It also writes the ``result`` output that GitHub Classroom's autograding reporter reads from its
test runners (base64 of ``{"version", "status", "max_score", "tests": [{"name", "status", "score",
"message", ...}]}``), so ``grader init-ci --classroom`` can hand the points to Classroom.
"""

from __future__ import annotations

import ast
import base64
import json
import re
from pathlib import Path
from typing import Mapping, Sequence, TextIO

from grader.loader import prepare_source
from grader.results import Status, SubmissionResult

__all__ = ["annotations", "append_summary", "bundle_install", "classroom_result", "definition_lines", "job_summary",
           "workflow", "write_outputs"]


def definition_lines(path: Path) -> dict[str, tuple[str, int | None]]:
    """Top-level name -> (where, line) of its definition in the submission: the file line of a
    ``.py`` module; for a notebook, the cell ("cell 4, line 2") and no file line."""
    found: dict[str, tuple[str, int | None]] = {}
    for unit in prepare_source(path).units:
        try:
            body = ast.parse(unit.source).body
        except SyntaxError:
            continue
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                line = unit.lineno if path.suffix == ".py" else None
                found.setdefault(node.name, (unit.where, line))
    return found


def _escape_data(text: str) -> str:
    """GitHub's escaping for a workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def error_annotations(result: SubmissionResult, path: Path, shown_as: str) -> list[str]:
    """One ``::error`` line per failed check, placed at the definition of the function it tests."""
    lines = definition_lines(path)
    out = []
    for ex in result.exercises:
        bound = [b.bound_to for b in ex.bindings if b.bound_to and b.bound_to in lines]
        for check in ex.checks:
            if check.passed:
                continue
            first = (check.message.strip().splitlines() or [check.status.value])[0]
            # the function the message names, else the exercise's first one
            named = [n for n in bound if re.search(rf"\b{re.escape(n)}\b", check.message)] or bound
            where, line = lines[named[0]] if named else (None, None)
            place = f" ({where})" if where and line is None else ""
            props = f"file={_escape_property(shown_as)}" + (f",line={line}" if line else "")
            props += f",title={_escape_property(check.check.id + ' ' + check.status.value)}"
            out.append(f"::error {props}::{_escape_data(first + place)}")
    return out


def job_summary(result: SubmissionResult, title: str, pass_mark: float) -> str:
    """Markdown for the job summary: the score, a table of exercises, the failing checks."""
    verdict = "passed" if result.percent >= pass_mark else "below the pass mark"
    lines = [f"## {title}: {result.earned:g} / {result.possible:g} public points ({result.percent:.0f} %)", "",
             f"Pass mark {pass_mark:g} %: **{verdict}**. Hidden checks are graded after the deadline.", "",
             "| Exercise | Points | Checks passed |", "|---|---:|---:|"]
    for ex in result.exercises:
        passed = sum(c.passed for c in ex.checks)
        lines.append(f"| {ex.exercise.title} | {ex.earned:g} / {ex.possible:g} | {passed} / {len(ex.checks)} |")
    failing = [c for ex in result.exercises for c in ex.checks if not c.passed]
    if failing:
        lines += ["", "### What to fix", ""]
        for c in failing:
            message = c.message.strip() or c.status.value
            lines += [f"<details><summary><code>{c.check.id}</code> ({c.status.value}, "
                      f"{c.check.points:g} points)</summary>", "", "```", message[:3000], "```", "</details>", ""]
    if result.load_error:
        lines += ["", f"**Could not load the submission:** {result.load_error}"]
    return "\n".join(lines) + "\n"


_CLASSROOM_STATUS = {Status.PASSED: "pass", Status.FAILED: "fail", Status.MISSING: "fail", Status.NOT_RUN: "fail",
                     Status.ERROR: "error", Status.TIMEOUT: "error", Status.CRASHED: "error",
                     Status.GRADER_FAULT: "error", Status.INSTRUCTOR: "pass"}


def classroom_result(result: SubmissionResult) -> dict:
    """``result`` as a GitHub Classroom test runner's result: one test per check, worth its points."""
    tests = [{"name": check.check.id, "status": _CLASSROOM_STATUS[check.status], "score": check.earned,
              "max_score": check.check.points if check.counts else 0.0, "message": check.message or None,
              "execution_time": f"{check.duration_s:.2f}s"}
             for ex in result.exercises for check in ex.checks]
    status = "pass" if all(t["status"] == "pass" for t in tests) else (
        "error" if result.load_error else "fail")
    return {"version": 1, "status": status, "max_score": result.possible, "tests": tests}


def write_outputs(result: SubmissionResult, pass_mark: float, env: Mapping[str, str], stdout: TextIO) -> None:
    """Append the step outputs and the summary where GitHub Actions reads them."""
    encoded = base64.b64encode(json.dumps(classroom_result(result)).encode()).decode("ascii")
    values = {"score": f"{result.earned:g}", "possible": f"{result.possible:g}",
              "percent": f"{result.percent:.1f}", "passed": str(result.percent >= pass_mark).lower(),
              "result": encoded}
    target = env.get("GITHUB_OUTPUT")
    if target:
        with open(target, "a", encoding="utf-8") as f:
            f.writelines(f"{k}={v}\n" for k, v in values.items())
    else:
        stdout.write("".join(f"{k}={v}\n" for k, v in values.items()))


def append_summary(markdown: str, env: Mapping[str, str], stdout: TextIO) -> None:
    target = env.get("GITHUB_STEP_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8") as f:
            f.write(markdown)
    else:
        stdout.write(markdown)


TORCH_CPU = "python -m pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu"


def bundle_install(wheel: str, torch: bool) -> list[str]:
    """The commands that install the grader from a student bundle's own wheel (grader release), with
    the bundle's pinned versions: nothing is taken from the package index by name."""
    return ([TORCH_CPU] if torch else []) + [
        f'python -m pip install -c .grader/requirements.lock ".grader/wheels/{wheel}{"[torch]" if torch else ""}"']


def workflow(pass_mark: float, install: Sequence[str], assignment: str | None = None, classroom: bool = False) -> str:
    """A GitHub Actions workflow for a student repository template: ``install`` (shell commands that
    install the grader, pinned), then ``grader ci``; with ``classroom``, a last step gives the points
    to GitHub Classroom through its autograding reporter. ``assignment`` None: the one the repository's
    bundle holds (.grader/)."""
    reporter = """      - name: Give the points to GitHub Classroom
        if: always()
        uses: classroom-resources/autograding-grading-reporter@v1
        env:
          GRADE_RESULTS: "${{ steps.grade.outputs.result }}"
        with:
          runners: grade
""" if classroom else ""
    # The reporter updates the check run named "Autograding Tests" (the job's name) in this run.
    permissions = "permissions:\n  checks: write\n  actions: read\n  contents: read\n" if classroom else ""
    commands = "".join(f"          {line}\n" for line in install)
    which = f" -a {assignment}" if assignment else ""
    return f"""# Written by `grader release` / `grader init-ci`: grades this repository's homework on every push.
name: {"Autograding Tests" if classroom else "grader"}
on: [push, pull_request, workflow_dispatch]
{permissions}jobs:
  grade:
{"    name: Autograding Tests" + chr(10) if classroom else ""}    runs-on: ubuntu-latest
    timeout-minutes: 30
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install the grader (pinned versions, the same numerics for everyone)
        run: |
{commands}      - name: Grade
        id: grade
        run: grader ci{which} --pass-mark {pass_mark:g} -o grader-report
      - name: Keep the report
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: grader-report
          path: grader-report/
""" + reporter
