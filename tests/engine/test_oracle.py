"""The reference as suites see it (grader.oracle): its answers recorded with the cases and looked
up when a student's replay asks the same question, computed when it asks another one, and never
recorded when keeping them would change what a check does. And the student's bundle built from them
(grader.release): the suite without hidden checks, the public spec, the search for what must not be
given away, and grading with no reference."""

from __future__ import annotations

import sys
import types
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch

from grader import cases
from grader.checks import run_check
from grader.oracle import Answers, Reference, ReferenceUnavailable, answering, load_reference, question
from grader.pipeline import grade_one
from grader.release import leaks, strip_checks, student_bundle
from grader.results import Status
from grader.spec import load_assignment
from grader.submission import LocalSubmission
from grader.suite import load_suite

from conftest import write

ASSIGNMENT = """
[assignment]
id = "asked"
title = "Asked"
version = "1"
reference = "reference/asked.py"
suite = "tests/asked_suite.py"

[limits]
call_timeout_s = 5
load_timeout_s = 10

[names.scale.params]
x = ["values"]

[[exercise]]
id = "scale"
names = ["scale"]
[[exercise.check]]
id = "value"
points = 40
examples = 30
[[exercise.check]]
id = "of-yours"
points = 20
examples = 10
[[exercise.check]]
id = "impure"
points = 40
examples = 10
[[exercise.check]]
id = "factor"
points = 10
[[exercise.check]]
id = "secret-edge"
points = 20
hidden = true
examples = 10
"""

REFERENCE = """
import numpy as np

CALLS = []          # every call of scale, to see whether the reference was asked
FACTOR = 2.0


def scale(x, k=FACTOR):
    CALLS.append(x.shape)
    return np.asarray(x, dtype=float) * k


def noisy(x):
    return x + np.random.uniform(0, 1e-12, size=np.shape(x))   # draws from the global generator


def doubled_in_place(x):
    x *= 2                                                     # changes its argument
    return x
"""

SUITE = """
import numpy as np
from hypothesis import given

__release__ = "student"
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from grader.suite import check, expect, expect_close, reference

ref = reference()


def arrays():
    return hnp.arrays(np.float64, st.integers(1, 6), elements=st.integers(-8, 8).map(float))


@check("scale.value")
@given(x=arrays())
def doubles(sub, x):
    expect_close(sub.function("scale")(x=x), ref.scale(x), inputs={"x": x})


@check("scale.of-yours")
@given(x=arrays())
def scaling_your_answer_again(sub, x):
    yours = np.asarray(sub.function("scale")(x=x), dtype=float)
    expect_close(yours * 2, ref.scale(yours), inputs={"x": x})     # a question about the student's answer


@check("scale.impure")
@given(x=arrays())
def impure_questions(sub, x):
    expected = ref.doubled_in_place(ref.noisy(x.copy()))
    expect_close(sub.function("scale")(x=x), expected, inputs={"x": x})


@check("scale.factor")
def uses_the_factor(sub):
    expect_close(sub.function("scale")(x=np.ones(3)), np.full(3, ref.FACTOR), inputs={})


# the hidden one: its comment goes too
@check("scale.secret-edge")
@given(x=arrays())
def secret_edge(sub, x):
    expect(np.all(np.isfinite(sub.function("scale")(x=x * 1e300))), "overflow")
"""

CORRECT = "import numpy as np\ndef scale(values, k=2.0):\n    return k * np.array(values, dtype=float)\n"
WRONG = "import numpy as np\ndef scale(values, k=2.0):\n    x = np.asarray(values, dtype=float)\n    return x * k + (x < 0)\n"


@pytest.fixture
def course(tmp_path, monkeypatch):
    root = tmp_path / "course"
    write(root / "assignments" / "asked" / "assignment.toml", ASSIGNMENT)
    write(root / "assignments" / "asked" / "README.md", "# Asked\n\nScale an array.\n")
    write(root / "reference" / "__init__.py", "")
    write(root / "reference" / "asked.py", REFERENCE)
    write(root / "tests" / "asked_suite.py", SUITE)
    monkeypatch.syspath_prepend(str(root))
    for name in [n for n in sys.modules if n == "reference" or n.startswith("reference.")]:
        monkeypatch.delitem(sys.modules, name)
    assignment = load_assignment(root / "assignments" / "asked")
    return assignment, load_suite(assignment), load_reference(assignment)


@pytest.fixture
def assignment(course):
    return course[0]


def grade(course, source: str, recorded: cases.Recorded | None) -> dict:
    assignment, suite, reference = course
    student = types.ModuleType("student")
    exec(compile(source, "student.py", "exec"), student.__dict__)
    return {c.id: run_check(suite, c, LocalSubmission(assignment, student, reference=reference),
                            cases=recorded.for_check(c.id) if recorded else None)
            for c in assignment.checks}


def test_answers_that_depend_on_the_inputs_only_are_recorded_and_used_instead_of_the_reference(course):
    assignment, suite, reference = course
    recorded = cases.ensure(assignment, suite.functions, reference)
    value = recorded.cases["asked.scale.value"]
    assert len(value) == 30 and all(len(e.answers) == 1 for e in value)
    # read back from the file, the answers are the same arrays
    again = cases.load(recorded.path, recorded.key)
    assert again is not None
    for a, b in zip(value, again.cases["asked.scale.value"]):
        assert a.answers.keys() == b.answers.keys()
        assert all(np.array_equal(a.answers[q], b.answers[q]) for q in a.answers)
    reference.CALLS.clear()
    results = grade(course, CORRECT, recorded)
    assert all(r.status is Status.PASSED for r in results.values()), results
    assert reference.CALLS == []     # every question was asked when the cases were recorded
    # of-yours asks about the student's own answers: a wrong answer is a question not recorded
    # (computed by the reference, here: the check itself passes, it doubles the student's answer)
    wrong = grade(course, WRONG, recorded)
    assert wrong["asked.scale.value"].status is Status.FAILED and wrong["asked.scale.of-yours"].passed
    assert reference.CALLS


def test_answers_that_draw_random_numbers_or_change_their_arguments_are_not_recorded(course):
    assignment, suite, reference = course
    recorded = cases.ensure(assignment, suite.functions, reference)
    assert all(not e.answers for e in recorded.cases["asked.scale.impure"])


def test_verdicts_with_recorded_answers_equal_the_live_engine(course):
    assignment, suite, reference = course
    recorded = cases.ensure(assignment, suite.functions, reference)
    for source in (CORRECT, WRONG):
        replayed, live = grade(course, source, recorded), grade(course, source, None)
        assert {k: r.status for k, r in replayed.items()} == {k: r.status for k, r in live.items()}
    assert grade(course, WRONG, recorded)["asked.scale.value"].status is Status.FAILED


def test_without_the_reference_a_recorded_question_is_answered_and_another_one_says_why_not():
    answers = Answers({question("scale", (np.arange(3.0),), {}): np.arange(3.0) * 2})
    absent = Reference(lambda: None)
    with answering(answers):
        assert np.array_equal(absent.scale(np.arange(3.0)), [0.0, 2.0, 4.0])
        with pytest.raises(ReferenceUnavailable, match="your instructor's run grades it"):
            absent.scale(np.arange(4.0))


def test_a_question_is_its_function_and_exactly_its_arguments():
    x = np.arange(4.0)
    assert question("f", (x,), {}) == question("f", (x.copy(),), {})
    different = [question("g", (x,), {}), question("f", (x.astype(np.float32),), {}),
                 question("f", (x.reshape(2, 2),), {}), question("f", (x + 1,), {}),
                 question("f", (), {"x": x}), question("f", (x, 1), {}), question("f", (x, 1.0), {}),
                 question("f", (torch.arange(4.0),), {})]
    assert len({question("f", (x,), {}), *different}) == len(different) + 1
    assert question("f", (object(),), {}) is None          # not plain data: never recorded
    assert question("f", (np.array([object()]),), {}) is None


def test_a_tensor_that_requires_grad_is_never_a_recorded_answer():
    module = types.ModuleType("ref_torch")
    exec("def double(t):\n    return t * 2\n", module.__dict__)
    ref = Reference(lambda: module)
    answers = Answers(recording=True)
    with answering(answers):
        ref.double(torch.ones(2, requires_grad=True))
        ref.double(torch.ones(3))
    assert [q.split(":")[0] for q in answers.known] == ["double"] and len(answers.known) == 1


# --- a student's bundle (grader.release): tests/test_release.py installs whole ones ------------------------
def a_wheel(path: Path) -> Path:
    """A stand-in for the grader's wheel (building the real one is tests/test_release.py's)."""
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr("grader/__init__.py", "")
    return path


@pytest.fixture
def bundle(assignment, tmp_path):
    return student_bundle(assignment, tmp_path / "dist", wheel=a_wheel(tmp_path / "dlcourse_grader-0-py3-none-any.whl"),
                          say=lambda s: None)


def test_the_suite_loses_its_hidden_checks_and_their_comments_only(assignment):
    stripped = strip_checks(SUITE, assignment, {"asked.scale.secret-edge"})
    assert "secret" not in stripped and "its comment goes too" not in stripped
    assert stripped.count("@check(") == 4 and "def scaling_your_answer_again" in stripped


def test_the_bundle_has_the_public_checks_and_nothing_of_the_reference_or_the_hidden_one(assignment, bundle):
    assert sorted(p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file()) == [
        ".github/workflows/grader.yml", ".grader/asked/assignment.toml", ".grader/asked/cases.npz",
        ".grader/asked/suite/asked_suite.py", ".grader/requirements.lock",
        ".grader/wheels/dlcourse_grader-0-py3-none-any.whl", "README.md"]
    assert leaks(bundle, assignment) == []
    mine = load_assignment(bundle / ".grader" / "asked")
    assert [c.id for c in mine.checks] == ["asked.scale.value", "asked.scale.of-yours", "asked.scale.impure",
                                           "asked.scale.factor"]
    assert mine.release is not None and mine.release.hidden_checks == 1 and mine.release.hidden_points == 20
    assert not mine.reference.exists()
    assert "grader check" in (bundle / "README.md").read_text()


def test_the_courses_support_modules_go_to_the_bundle_for_its_workers_and_for_the_student(assignment, tmp_path):
    write(assignment.root / "support" / "course" / "__init__.py", "")
    write(assignment.root / "support" / "course" / "utils.py", "def helper():\n    return 1\n")
    (assignment.root / "support" / "course" / "__pycache__").mkdir()
    toml = assignment.root / "assignment.toml"
    toml.write_text(toml.read_text().replace('suite = "tests/asked_suite.py"',
                                             'suite = "tests/asked_suite.py"\nsupport = "support"'))
    built = student_bundle(load_assignment(assignment.root), tmp_path / "dist", wheel=a_wheel(tmp_path / "w.whl"),
                           say=lambda s: None)
    assert (built / "course" / "utils.py").is_file() and not (built / "course" / "__pycache__").exists()
    mine = load_assignment(built / ".grader" / "asked")
    assert mine.support is not None and (mine.support / "course" / "utils.py").is_file()


def test_release_refuses_a_suite_that_holds_a_line_of_the_reference(assignment, tmp_path):
    suite = assignment.suite.read_text() + "\n\ndef helper(x, k):\n    return np.asarray(x, dtype=float) * k\n"
    assignment.suite.write_text(suite)
    with pytest.raises(Exception, match="a line of the reference"):
        student_bundle(assignment, tmp_path / "dist", wheel=a_wheel(tmp_path / "w.whl"), say=lambda s: None)
    assert not (tmp_path / "dist" / "asked-student").exists()


def test_the_bundle_grades_public_checks_as_the_instructor_does(assignment, bundle, tmp_path):
    mine = load_assignment(bundle / ".grader" / "asked")
    for source, name in ((CORRECT, "good.py"), (WRONG, "bad.py")):
        path = write(tmp_path / name, source)
        theirs = {c.check.id: c for e in grade_one(mine, path).exercises for c in e.checks}
        ours = {c.check.id: c for e in grade_one(assignment, path).exercises for c in e.checks}
        # value and factor: recorded answers and a recorded value stand in for the reference
        for key in ("asked.scale.value", "asked.scale.factor"):
            assert theirs[key].status is ours[key].status, (key, theirs[key].message)
        # impure: a reference that draws random numbers is never recorded, so only the instructor decides
        assert theirs["asked.scale.impure"].status is Status.INSTRUCTOR and not theirs["asked.scale.impure"].counts
        if source is CORRECT:   # the correct answers are the recorded questions
            assert all(c.passed for k, c in theirs.items() if k != "asked.scale.impure")
        else:
            assert theirs["asked.scale.value"].status is Status.FAILED
            assert theirs["asked.scale.value"].counterexample is not None   # the first recorded input that fails
            # the wrong answers are questions nobody recorded: only the instructor's run can decide
            own = theirs["asked.scale.of-yours"]
            assert own.status is Status.INSTRUCTOR and not own.counts and "instructor" in own.message


def test_release_refuses_a_suite_module_no_one_said_may_go_to_students(assignment, tmp_path):
    assignment.suite.write_text(assignment.suite.read_text().replace('__release__ = "student"', ""))
    with pytest.raises(Exception, match="no one has said they may"):
        student_bundle(assignment, tmp_path / "dist", wheel=a_wheel(tmp_path / "w.whl"), say=lambda s: None)
    assert not (tmp_path / "dist" / "asked-student").exists()
