"""Whose fault is it? A check that breaks on the reference solution too is the course author's (or
the grader's): the student keeps the points, the run exits non-zero and the overview says so. A
check that breaks only on what one student's code gave back is that student's error, or any
submission could return something odd to have a check left out of its points."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.cli import main
from grader.discovery import discover
from grader.results import Status
from grader.pipeline import grade_class
from grader.spec import load_assignment

from conftest import write

ASSIGNMENT = """
[assignment]
id = "faults"
title = "Whose fault"
version = "1"
reference = "reference/faults.py"
suite = "tests/faults_suite.py"

[limits]
call_timeout_s = 5
load_timeout_s = 10

[[exercise]]
id = "double"
names = ["double"]
[[exercise.check]]
id = "value"
points = 40
[[exercise.check]]
id = "typo"
points = 30
[[exercise.check]]
id = "reference"
points = 30
"""

REFERENCE = """
def double(x):
    return 2 * x


def triple(x):
    raise NotImplementedError("the author forgot to write triple")
"""

SUITE = """
from grader.suite import check, expect


@check("double.value")
def double_value(sub):
    out = sub.function("double")(x=3)
    expect(float(out) == 6.0, f"double(3) should be 6, not {out!r}")   # float('six') raises


@check("double.typo")
def double_typo(sub):
    sub.function("double")(x=1)
    raise KeyError("a typo in the suite")


@check("double.reference")
def double_reference(sub):
    expect(sub.function("double")(x=1) == 2, "double(1) should be 2")
    sub.reference.triple(1)
"""


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("course")
    write(root / "assignments" / "faults" / "assignment.toml", ASSIGNMENT)
    write(root / "reference" / "faults.py", REFERENCE)
    write(root / "tests" / "faults_suite.py", SUITE)
    return root / "assignments" / "faults"


@pytest.fixture(scope="module")
def submissions(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("subs")
    write(folder / "right.py", "def double(x):\n    return 2 * x\n")
    write(folder / "odd_answer.py", "def double(x):\n    return 'six'\n")
    return folder


def test_a_check_broken_for_everyone_costs_no_one_anything(course, submissions, tmp_path):
    entries = discover(submissions, workdir=tmp_path / "work")
    results = {r.student: r for r in grade_class(load_assignment(course), entries, jobs=1, hidden=[submissions])}
    right, odd = results["right"], results["odd_answer"]
    statuses = {c.check.id: c.status for c in right.exercises[0].checks}
    assert statuses == {"faults.double.value": Status.PASSED, "faults.double.typo": Status.GRADER_FAULT,
                        "faults.double.reference": Status.GRADER_FAULT}
    assert (right.earned, right.possible, right.percent) == (40.0, 40.0, 100.0)
    typo = next(c for c in right.exercises[0].checks if c.check.id.endswith("typo"))
    assert "not yours" in typo.message and "KeyError" in typo.message
    reference = next(c for c in right.exercises[0].checks if c.check.id.endswith("reference"))
    assert "NotImplementedError" in reference.message

    # The odd answer breaks the first check only for this student: the student's error, not a fault.
    value = odd.exercises[0].checks[0]
    assert value.status is Status.ERROR and "could not use what your code gave back" in value.message
    assert "ValueError" in value.message
    # Its wrong double(1) fails the third check before the check reaches its broken line: that counts.
    assert odd.exercises[0].checks[2].status is Status.FAILED
    assert (odd.earned, odd.possible) == (0.0, 70.0)


def test_the_run_exits_non_zero_and_the_overview_names_the_broken_checks(course, submissions, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["grade", str(submissions), "-a", str(course), "-o", str(out), "-j", "1"]) == 3
    assert "faults.double.typo" in capsys.readouterr().err
    overview = (out / "index.html").read_text(encoding="utf-8")
    assert "broke by the assignment&#39;s fault" in overview or "broke by the assignment's fault" in overview
    assert "faults.double.typo" in overview and "faults.double.reference" in overview
    record = json.loads((out / "right.json").read_text(encoding="utf-8"))
    assert record["earned"] == record["possible"] == 40.0
    gradescope = json.loads((out / "gradescope" / "right" / "results.json").read_text(encoding="utf-8"))
    assert sum(t["max_score"] for t in gradescope["tests"]) == 40.0


def test_without_a_reference_to_try_it_on_a_broken_check_still_counts(course):
    """Not proven the author's fault, so not left out of the points: the safe side for grades."""
    import types

    from grader.checks import run_check
    from grader.submission import LocalSubmission
    from grader.suite import load_suite
    assignment = load_assignment(course)
    module = types.ModuleType("student")
    exec("def double(x):\n    return 2 * x\n", module.__dict__)
    submission = LocalSubmission(assignment, module)
    submission.reference = None
    typo = next(c for c in assignment.checks if c.id.endswith("typo"))
    result = run_check(load_suite(assignment), typo, submission)
    assert result.status is Status.ERROR and "KeyError" in result.message


def test_a_python_2_division_is_named_as_what_it_is_with_its_line():
    """Course code of Python 2's time computes sizes with / (integer division there): in Python 3
    np.zeros or range gets a float. The report says so, above the traceback that has the line."""
    from grader.checks import _raised_message
    from grader.errors import StudentCodeRaised
    trace = ('  File "layers.py", line 12, in conv_forward_naive\n    out = np.zeros((N, F, H_out, W_out))\n'
             "TypeError: 'float' object cannot be interpreted as an integer\n")
    message = _raised_message(StudentCodeRaised("TypeError", "'float' object cannot be interpreted as an integer",
                                                trace))
    assert "use // for sizes" in message and 'File "layers.py", line 12' in message
    assert "//" not in _raised_message(StudentCodeRaised("TypeError", "unsupported operand", trace.replace(
        "'float' object cannot be interpreted as an integer", "unsupported operand")))
    assert "xrange is range" in _raised_message(StudentCodeRaised("NameError", "name 'xrange' is not defined"))
