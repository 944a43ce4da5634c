"""Recorded cases (grader.cases): each hypothesis check's inputs drawn once, replayed for every
student, with the verdict, message and smallest failing input the live engine gives."""

from __future__ import annotations

import math
import sys
import types
from pathlib import Path

import numpy as np
import pytest
import torch

from grader import cases
from grader.checks import run_check
from grader.cli import main
from grader.results import Status
from grader.runner import load_reference
from grader.spec import load_assignment
from grader.submission import LocalSubmission
from grader.suite import load_suite

from conftest import write

ASSIGNMENT = """
[assignment]
id = "replayed"
title = "Replayed"
version = "1"
reference = "reference/replayed.py"
suite = "tests/replayed_suite.py"

[limits]
call_timeout_s = 5
load_timeout_s = 10

[[exercise]]
id = "scale"
names = ["scale"]
[[exercise.check]]
id = "value"
points = 30
examples = 40
[[exercise.check]]
id = "assumed"
points = 20
examples = 20
[[exercise.check]]
id = "noted"
points = 10
examples = 5
[[exercise.check]]
id = "boxed"
points = 20
examples = 10
[[exercise.check]]
id = "plain"
points = 20
"""

REFERENCE = """
import numpy as np


def scale(x, k=2.0):
    return np.asarray(x, dtype=float) * k
"""

STRATEGIES = """
from dataclasses import dataclass, field

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

DRAWN = []   # every value the strategies made, to see whether hypothesis ran


@dataclass(frozen=True)
class Box:
    x: np.ndarray
    k: float
    label: str = field(default="box")


def arrays():
    return hnp.arrays(np.float64, st.integers(1, 6), elements=st.integers(-8, 8).map(float)).map(
        lambda a: DRAWN.append(a) or a)


def boxes():
    return st.builds(Box, arrays(), st.sampled_from([0.5, 2.0, -1.0]))
"""

SUITE = """
import numpy as np
from hypothesis import assume, given, note
from hypothesis import strategies as st

from grader.suite import check, expect, expect_close, load_sibling
from reference import replayed as ref

cases = load_sibling(__file__, "replayed_strategies")


@check("scale.value")
@given(x=cases.arrays())
def doubles(sub, x):
    expect_close(sub.function("scale")(x=x), ref.scale(x), inputs={"x": x})


@check("scale.assumed")
@given(x=cases.arrays())
def only_positive_sums(sub, x):
    assume(ref.scale(x).sum() > 0)
    expect_close(sub.function("scale")(x=x), ref.scale(x), inputs={"x": x})


@check("scale.noted")
@given(x=cases.arrays())
def with_a_note(sub, x):
    note(f"x has {x.size} elements")
    expect_close(sub.function("scale")(x=x), ref.scale(x), inputs={"x": x})


@check("scale.boxed")
@given(box=cases.boxes())
def scales_by_k(sub, box):
    expect_close(sub.function("scale")(x=box.x, k=box.k), ref.scale(box.x, box.k), inputs={"x": box.x, "k": box.k})


@check("scale.plain")
def keeps_the_shape(sub):
    expect(np.shape(sub.function("scale")(x=np.zeros((2, 3)))) == (2, 3), "the shape changed")
"""

CORRECT = "import numpy as np\ndef scale(x, k=2.0):\n    return k * np.array(x, dtype=float)\n"
# Wrong only for arrays holding a 5 (hypothesis must search for one, then shrink to the smallest)
WRONG = ("import numpy as np\ndef scale(x, k=2.0):\n    x = np.asarray(x, dtype=float)\n"
         "    return x * k + (x == 5)\n")


@pytest.fixture
def course(tmp_path, monkeypatch):
    root = tmp_path / "course"
    write(root / "assignments" / "replayed" / "assignment.toml", ASSIGNMENT)
    write(root / "reference" / "__init__.py", "")
    write(root / "reference" / "replayed.py", REFERENCE)
    write(root / "tests" / "replayed_suite.py", SUITE)
    write(root / "tests" / "replayed_strategies.py", STRATEGIES)
    monkeypatch.syspath_prepend(str(root))
    for name in [n for n in sys.modules if n == "reference" or n.startswith("reference.")]:
        monkeypatch.delitem(sys.modules, name)
    return root / "assignments" / "replayed"


def loaded(course: Path):
    assignment = load_assignment(course)
    suite = load_suite(assignment)
    return assignment, suite, load_reference(assignment)


def module(source: str) -> types.ModuleType:
    made = types.ModuleType("student")
    exec(compile(source, "student.py", "exec"), made.__dict__)
    return made


def grade(assignment, suite, reference, source: str, recorded: cases.Recorded | None) -> dict:
    student = module(source)
    return {c.id: run_check(suite, c, LocalSubmission(assignment, student, reference=reference),
                            cases=recorded.for_check(c.id) if recorded else None)
            for c in assignment.checks}


def test_every_hypothesis_check_is_recorded_and_the_others_say_why_not(course):
    assignment, suite, reference = loaded(course)
    recorded = cases.ensure(assignment, suite.functions, reference)
    assert set(recorded.cases) == {"replayed.scale.value", "replayed.scale.assumed", "replayed.scale.boxed",
                                   "replayed.scale.plain"}
    # a check that is not a hypothesis test: one example without inputs, the reference's answers only
    (plain,) = recorded.cases["replayed.scale.plain"]
    assert plain.kwargs == {} and plain.valid
    assert len(recorded.cases["replayed.scale.value"]) == 40
    assumed = recorded.cases["replayed.scale.assumed"]
    assert sum(e.valid for e in assumed) == 20 and any(not e.valid for e in assumed)   # rejected ones kept too
    assert "outside hypothesis" in recorded.live["replayed.scale.noted"]               # note() needs hypothesis
    assert recorded.path == cases.case_file(assignment) and recorded.path.is_file()
    assert recorded.path.stat().st_mode & 0o077 == 0                                  # hidden checks' inputs


def test_a_correct_student_passes_on_the_recorded_cases_without_hypothesis_drawing(course):
    assignment, suite, reference = loaded(course)
    recorded = cases.ensure(assignment, suite.functions, reference)
    drawn = sys.modules["grader_suite_replayed_strategies"].DRAWN
    drawn.clear()
    results = grade(assignment, suite, reference, CORRECT, recorded)
    assert all(r.status is Status.PASSED for r in results.values()), results
    # only the check that stays live drew anything: 5 examples of "noted"
    assert len(drawn) == 5


def test_replay_and_the_live_engine_give_the_same_verdicts_messages_and_smallest_inputs(course):
    assignment, suite, reference = loaded(course)
    recorded = cases.ensure(assignment, suite.functions, reference)
    for source in (CORRECT, WRONG, "def scale(x, k=2.0):\n    raise ValueError('no')\n", "x = 1\n"):
        live = grade(assignment, suite, reference, source, None)
        replayed = grade(assignment, suite, reference, source, recorded)
        for cid in live:
            a, b = live[cid], replayed[cid]
            assert (a.status, a.message, a.counterexample) == (b.status, b.message, b.counterexample), cid
    # The wrong student fails at the first recorded example holding a 5; hypothesis then runs and
    # shrinks that to the smallest input, as it does without recorded cases.
    drawn = sys.modules["grader_suite_replayed_strategies"].DRAWN
    drawn.clear()
    wrong = grade(assignment, suite, reference, WRONG, recorded)["replayed.scale.value"]
    assert wrong.status is Status.FAILED and drawn
    assert wrong.counterexample.inputs == (("x", "array(1,) float64 = [5.]"),)


def test_the_case_file_is_read_back_only_when_its_key_and_content_are_right(course):
    assignment, suite, reference = loaded(course)
    recorded = cases.ensure(assignment, suite.functions, reference)
    again = cases.load(recorded.path, recorded.key)
    assert again is not None and again.sha256 == recorded.sha256 and again.examples == recorded.examples
    first = recorded.cases["replayed.scale.boxed"][0].kwargs["box"]
    assert type(first).__name__ == "Box" and cases._same(again.cases["replayed.scale.boxed"][0].kwargs["box"], first)
    assert cases.load(recorded.path, "another key") is None
    data = dict(np.load(recorded.path, allow_pickle=False))
    data["blob"] = data["blob"].copy()
    data["blob"][0] += 1                                           # an altered input
    with recorded.path.open("wb") as f:
        np.savez(f, **data)
    assert cases.load(recorded.path, recorded.key) is None
    assert cases.ensure(assignment, suite.functions, reference).sha256 == recorded.sha256   # recorded again


def test_the_arrays_of_a_case_file_are_plain_numbers_inside_it():
    arrays = [np.arange(6, dtype=np.float32).reshape(2, 3), np.zeros((0, 4)), np.array([1 + 2j]), np.array(7, np.int8)]
    index, blob = cases._pack(arrays)
    assert all(entry[2] % cases._ALIGN == 0 for entry in index)
    back = cases._unpack(index, blob)
    assert all(a.dtype == b.dtype and a.shape == b.shape and (a == b).all() and not b.flags.writeable
               for a, b in zip(arrays, back))
    for broken in ([["|O", [1], 0]], [["<f8", [10**6], 0]], [["<f8", [-1], 0]], [["<f8", [1], -8]],
                   [["not a dtype", [1], 0]], [["<f8", [1]]], {"a": 1}):
        with pytest.raises((ValueError, TypeError)):
            cases._unpack(broken, blob)


def test_a_changed_suite_makes_new_cases_and_the_old_file_goes(course):
    assignment, suite, reference = loaded(course)
    old = cases.ensure(assignment, suite.functions, reference).path
    suite_file = course.parent.parent / "tests" / "replayed_suite.py"
    suite_file.write_text(suite_file.read_text().replace("examples = 40", "examples = 41"))
    toml = course / "assignment.toml"
    toml.write_text(toml.read_text().replace("examples = 40", "examples = 30"))
    assignment, suite, reference = loaded(course)
    new = cases.ensure(assignment, suite.functions, reference)
    assert new.path != old and not old.exists() and len(new.cases["replayed.scale.value"]) == 30


@pytest.mark.parametrize("value", [
    {"a": np.arange(6, dtype=np.int16).reshape(2, 3), "b": (1, 2.5, None, "s", True), 3: [math.nan, -math.inf]},
    (np.float32(1.5), np.bool_(True), np.complex128(1 + 2j)),
    torch.arange(4.0).requires_grad_(),
])
def test_values_read_back_equal(value):
    again = cases.decode_tree(*cases.encode_tree(value))
    assert cases._same(again, value)


@pytest.mark.parametrize("value", [object(), np.array(["a"]), {1, 2}, lambda x: x])
def test_a_value_the_file_cannot_hold_is_refused(value):
    with pytest.raises(cases.NotRecordable):
        cases.encode_tree(value)


def test_grade_records_once_and_record_says_what_it_recorded(course, tmp_path, capsys):
    write(tmp_path / "class" / "ada.py", CORRECT)
    write(tmp_path / "class" / "bo.py", WRONG)
    assert main(["grade", str(tmp_path / "class"), "-a", str(course), "-o", str(tmp_path / "out"), "-j", "1"]) == 0
    (path,) = (course / cases.FOLDER).glob("*.npz")
    stamp = path.stat().st_mtime_ns
    assert main(["grade", str(tmp_path / "class"), "-a", str(course), "-o", str(tmp_path / "out2"), "-j", "2"]) == 0
    assert path.stat().st_mtime_ns == stamp            # read, not recorded again
    capsys.readouterr()
    assert main(["record", "-a", str(course)]) == 0
    printed = capsys.readouterr().out
    assert "4 checks recorded" in printed and "live: replayed.scale.noted" in printed and str(path) in printed



# A function that keeps state between calls: right for its first 30 calls in a worker, then wrong.
STATEFUL = ("import numpy as np\ncalls = [0]\ndef scale(x, k=2.0):\n    calls[0] += 1\n"
            "    return np.asarray(x, dtype=float) * k + (calls[0] > 30)\n")


def test_a_verdict_does_not_depend_on_who_was_graded_before_in_the_same_process(course, tmp_path):
    """A grading process sends each check's requests ahead, as the last passing student's replay
    sent them (grader.sandbox, scripts). That changes the timing only: a submission whose answers
    depend on what ran before in its worker gets the same verdicts, messages and smallest inputs
    graded after others (scripts sent ahead, some run and never asked for) as graded alone."""
    from grader.discovery import discover
    from grader.runner import Grader

    assignment = load_assignment(course)

    def graded(sources: list[str]) -> tuple[list[dict], Grader]:
        grader = Grader(assignment)
        out = []
        try:
            for i, source in enumerate(sources):
                folder = tmp_path / f"run{id(grader)}-{i}"
                write(folder / f"student{i}.py", source)
                (entry,) = discover(folder, workdir=tmp_path / f"unpack{id(grader)}-{i}")
                result = grader.grade(entry)
                out.append({c.check.id: (c.status, c.message, c.counterexample) for e in result.exercises
                            for c in e.checks})
        finally:
            grader.close()
        return out, grader

    (alone,), _ = graded([STATEFUL])
    (first, second, after), grader = graded([CORRECT, WRONG, STATEFUL])
    assert grader.scripts, "nothing was sent ahead: the test does not test it"
    assert after == alone
    assert alone["replayed.scale.value"][0] is Status.FAILED
    assert all(status is Status.PASSED for status, _, _ in first.values())


def test_live_runs_handed_to_other_processes_give_what_grading_in_one_process_gives(course, tmp_path, monkeypatch):
    """A grading pool defers the live run of each check whose replay failed (the shrink to the
    smallest failing input) and hands it to whichever process is free (Grader.grade_deferring,
    run_live). Put back in place, those results are what grading the submission in one go gives:
    verdicts, messages, smallest inputs, and the checks after each live run (which start from a
    fresh worker either way, so that where the live run ran does not matter). A process keeps the
    submission loaded for its next live run: the one that graded it loads it no more, another once."""
    from grader.discovery import discover
    from grader.runner import Grader, with_live_results
    from grader.sandbox import WorkerSubmission

    assignment = load_assignment(course)
    loads: list[WorkerSubmission] = []
    load = WorkerSubmission._loaded_worker
    monkeypatch.setattr(WorkerSubmission, "_loaded_worker", lambda self: (loads.append(self), load(self))[1])

    def checks(result) -> dict:
        return {c.check.id: (c.status, c.message, c.counterexample) for e in result.exercises for c in e.checks}

    for i, source in enumerate([WRONG, STATEFUL, CORRECT]):
        write(tmp_path / f"class{i}" / f"student{i}.py", source)
        (entry,) = discover(tmp_path / f"class{i}", workdir=tmp_path / f"unpack{i}")
        inline, deferring, elsewhere = Grader(assignment), Grader(assignment), Grader(assignment)
        try:
            whole = inline.grade(entry)
            provisional, pending = deferring.grade_deferring(entry)
            loads.clear()
            done = {(p.exercise, p.check): elsewhere.run_live(p) for p in pending}
            loaded_elsewhere = len(loads)
            loads.clear()
            here = {(p.exercise, p.check): deferring.run_live(p) for p in pending}
            loaded_here = len(loads)
        finally:
            for grader in (inline, deferring, elsewhere):
                grader.close()
        assert checks(with_live_results(provisional, done)) == checks(whole)
        assert checks(with_live_results(provisional, here)) == checks(whole)
        assert (loaded_elsewhere, loaded_here) == ((1, 0) if pending else (0, 0))
        if source is CORRECT:
            assert pending == []
        else:
            assert pending, "no live run was deferred: the test does not test it"
            assert all(checks(provisional)[p.run.check_id][0] is not Status.PASSED for p in pending)


def test_a_live_run_that_times_out_or_passes_leaves_the_replays_failure(course):
    """The live run after a failed replay is there to shrink the failure. When it does not end in a
    failure (it timed out or crashed on inputs the replay never tried, which depends on the
    machine; it passed, as only code that answers differently each time can), the replay's
    failure on a recorded input is the verdict: the same on every machine."""
    from grader.checks import settle
    from grader.results import CheckResult

    check = load_assignment(course).checks[0]
    replayed = CheckResult(check, Status.FAILED, "wrong on a recorded input", duration_s=0.5)
    for status in (Status.TIMEOUT, Status.CRASHED, Status.PASSED):
        assert settle(replayed, CheckResult(check, status, "live", duration_s=3.0)) == replayed
    assert settle(replayed, None) == replayed
    for status in (Status.FAILED, Status.ERROR):
        shrunk = settle(replayed, CheckResult(check, status, "wrong on the smallest input", duration_s=1.0))
        assert (shrunk.status, shrunk.message, shrunk.duration_s) == (status, "wrong on the smallest input", 1.5)


def test_two_modules_of_a_suite_that_load_one_sibling_share_it(course):
    """Loading a sibling again would replace the module its classes were defined in, and a recorded
    example of one of them (a Box) could no longer be found by name: its check would stay live."""
    from grader.suite import load_suite
    root = course.parent.parent
    write(root / "tests" / "replayed_more.py", "from grader.suite import load_sibling\n"
          "cases = load_sibling(__file__, 'replayed_strategies')\n")
    suite_file = root / "tests" / "replayed_suite.py"
    suite_file.write_text(suite_file.read_text() + "\nmore = load_sibling(__file__, 'replayed_more')\n")
    suite = load_suite(load_assignment(course))
    assert suite.module.more.cases is suite.module.cases
    assert sys.modules["grader_suite_replayed_strategies"] is suite.module.cases
    assert load_suite(load_assignment(course)).module.cases is not suite.module.cases   # a new load loads anew


def test_scripts_recorded_with_the_cases_go_ahead_for_a_processs_first_submission(course, tmp_path, monkeypatch):
    """Recording the cases for a class run also grades the reference like a submission and keeps
    the requests each check's replay sent (cases.scripts_file). A new grading process starts with
    them: its first submission's requests go ahead of need, as a later one's do, with the verdicts,
    messages and smallest inputs it gets without them. A file that is not a scripts file is none."""
    from grader.discovery import discover
    from grader.pipeline import record_cases
    from grader.runner import Grader
    from grader.sandbox import WorkerProcess

    assignment = load_assignment(course)
    record_cases(assignment)
    path = cases.scripts_file(assignment, cases.cases_key(assignment))
    recorded = cases.load(cases.case_file(assignment), cases.cases_key(assignment))
    scripts = cases.load_scripts(path)
    assert recorded is not None and scripts is not None and set(scripts) == set(recorded.cases)
    assert path.stat().st_mode & 0o077 == 0   # the requests hold the hidden checks' inputs, as the cases do

    ahead = []
    send = WorkerProcess._send
    monkeypatch.setattr(WorkerProcess, "_send", lambda self, messages, *a, **k: (ahead.append(len(messages) > 1),
                                                                                  send(self, messages, *a, **k))[1])

    def first_submission(source: str, name: str, with_scripts: bool) -> tuple[dict, int]:
        write(tmp_path / name / "student.py", source)
        (entry,) = discover(tmp_path / name, workdir=tmp_path / f"{name}-unpacked")
        grader = Grader(assignment)
        try:
            if not with_scripts:
                grader.scripts.clear()
            ahead.clear()
            result = grader.grade(entry)
        finally:
            grader.close()
        return {c.check.id: (c.status, c.message, c.counterexample) for e in result.exercises for c in e.checks}, sum(ahead)

    for source in (CORRECT, WRONG):
        scripted, went_ahead = first_submission(source, f"with{len(source)}", True)
        plain, none_ahead = first_submission(source, f"without{len(source)}", False)
        assert scripted == plain and went_ahead > 0 and none_ahead == 0
    assert all(status is Status.PASSED for status, _, _ in first_submission(CORRECT, "again", True)[0].values())

    path.write_bytes(b"not a scripts file")
    assert cases.load_scripts(path) is None
    grader = Grader(assignment)
    try:
        assert grader.scripts == {}
    finally:
        grader.close()
