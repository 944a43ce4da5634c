"""One submission never stops the class: whatever its code does while it is loaded or run becomes
its result, and every other student is graded, with grades.csv and index.html at the end.

The class is graded by the real ``grader grade`` command in a subprocess (a session of its own, so
nothing a submission does can reach pytest), on a tiny assignment written into a temporary folder
so that it runs in seconds. Its hostile submissions keep their attacks inside function bodies (the
loader runs only definitions), except the one whose class body is the attack.

The sandbox keeps student code from signalling the grading process, so to prove that the pool
survives a grading process that dies, the tiny suite (trusted code, which runs in the grading
process) kills its own process when a submission's ``double`` answers "kill the grading process":
the way the pool must cope with code that found a way to do it.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from grader.discovery import discover
from grader.results import Status
from grader.pipeline import grade_class
from grader.spec import load_assignment

from conftest import write

ASSIGNMENT = """
[assignment]
id = "tiny"
title = "A tiny assignment"
version = "1"
reference = "reference/tiny.py"
suite = "tests/tiny_suite.py"

[limits]
call_timeout_s = 5
load_timeout_s = 10
check_budget_s = 20
memory_mb = 512

[[exercise]]
id = "double"
names = ["double"]
[[exercise.check]]
id = "value"
points = 50

[[exercise]]
id = "square"
names = ["square"]
[[exercise.check]]
id = "value"
points = 50
"""

REFERENCE = """
def double(x):
    return 2 * x


def square(x):
    return x * x
"""

SUITE = """
import os
import signal

from grader.suite import check, expect


@check("double.value")
def double_value(sub):
    out = sub.function("double")(x=3)
    if out == "kill the grading process":   # stands for student code that found a way to do it
        os.kill(os.getpid(), signal.SIGKILL)
    expect(out == 6, f"double(3) should be 6, not {out!r}")


@check("square.value")
def square_value(sub):
    out = sub.function("square")(x=4)
    expect(out == 16, f"square(4) should be 16, not {out!r}")
"""

HONEST = """
def double(x):
    return 2 * x


def square(x):
    return x * x
"""

# Signals "its parent" and "its parent's process group" from a function body: under a weaker
# sandbox that would be the zygote and the grading process.
SIGNALS_ITS_PARENTS = """
import os


def double(x):
    for attack in (lambda: os.killpg(os.getpgid(os.getppid()), 9), lambda: os.kill(os.getppid(), 9)):
        try:
            attack()
        except BaseException:
            pass
    return 2 * x


def square(x):
    return x * x
"""

# A class body runs when the module is loaded; this one raises an exception that cannot even be
# printed, so the worker's answer to "load" is not the list of notes the grader expects.
CLASS_BODY_RAISES = """
class Unprintable(Exception):
    def __str__(self):
        raise RuntimeError("no message for you")


class Model:
    raise Unprintable()


def double(x):
    return 2 * x


def square(x):
    return x * x
"""

# Replaces the worker's encoder from inside a function body: every reply after this call is junk.
PATCHES_THE_WIRE = """
def double(x):
    import grader.wire
    grader.wire.encode = lambda value, buffers, keep=None: {"__nd__": 10 ** 9, "dtype": "<f8", "shape": [-1]}
    return 2 * x


def square(x):
    return x * x
"""

KILLS_ITS_GRADING_PROCESS = """
def double(x):
    return "kill the grading process"


def square(x):
    return x * x
"""


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A project with the tiny assignment: assignments/tiny, reference/tiny.py, tests/tiny_suite.py."""
    root = tmp_path_factory.mktemp("course")
    write(root / "assignments" / "tiny" / "assignment.toml", ASSIGNMENT)
    write(root / "reference" / "tiny.py", REFERENCE)
    write(root / "tests" / "tiny_suite.py", SUITE)
    return root / "assignments" / "tiny"


def a_class(folder: Path, *, with_process_killer: bool) -> Path:
    write(folder / "honest.py", HONEST)
    write(folder / "signals_its_parents.py", SIGNALS_ITS_PARENTS)
    write(folder / "class_body_raises.py", CLASS_BODY_RAISES)
    write(folder / "patches_the_wire.py", PATCHES_THE_WIRE)
    if with_process_killer:
        write(folder / "kills_its_grading_process.py", KILLS_ITS_GRADING_PROCESS)
    return folder


def grade(course: Path, submissions: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "grader.cli", "grade", str(submissions), "-a", str(course), "-o", str(out), *extra]
    return subprocess.run(command, capture_output=True, text=True, timeout=240, start_new_session=True,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})


def checks_of(out: Path, student: str) -> dict[str, tuple[str, str]]:
    record = json.loads((out / f"{student}.json").read_text(encoding="utf-8"))
    return {c["id"]: (c["status"], c["message"]) for e in record["exercises"] for c in e["checks"]}


def assert_the_class_finished(out: Path, students: set[str]) -> dict[str, float]:
    assert (out / "index.html").is_file() and (out / "grades.csv").is_file()
    for student in students:
        assert (out / f"{student}.json").is_file() and (out / f"{student}.html").is_file(), student
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert {student for student in students if any(student in row for row in rows)} == students
    return {s: json.loads((out / f"{s}.json").read_text())["earned"] for s in students}


def assert_each_got_its_reason(out: Path) -> None:
    raised = checks_of(out, "class_body_raises")
    assert {status for status, _ in raised.values()} == {"error"}
    assert all("while loading your code" in message and "RuntimeError" in message for _, message in raised.values())
    assert "suite" not in " ".join(message for _, message in raised.values())

    patched = checks_of(out, "patches_the_wire")
    status, message = patched["tiny.double.value"]
    assert status in ("crashed", "error") and "malformed" in message and "suite" not in message
    assert patched["tiny.square.value"][0] == "passed"      # the next exercise had a fresh worker

    signals = checks_of(out, "signals_its_parents")
    assert signals["tiny.square.value"][0] == "passed"       # whatever the signals did, grading went on


@pytest.mark.parametrize("jobs", ["2", "1"])
def test_a_class_with_hostile_submissions_is_graded_to_the_end(course, tmp_path, jobs):
    submissions = a_class(tmp_path / "subs", with_process_killer=True)
    run = grade(course, submissions, tmp_path / "out", "-j", jobs)
    assert run.returncode == 0, run.stderr[-3000:]
    out = tmp_path / "out"
    students = {"honest", "signals_its_parents", "class_body_raises", "patches_the_wire", "kills_its_grading_process"}
    earned = assert_the_class_finished(out, students)
    assert earned["honest"] == 100.0
    assert_each_got_its_reason(out)

    killed = checks_of(out, "kills_its_grading_process")
    assert {status for status, _ in killed.values()} == {"crashed"}
    assert all("the process grading your submission died" in message for _, message in killed.values())
    assert len((out / "journal.jsonl").read_text().splitlines()) == len(students)

    # A re-run reuses every result, the crashed one included, and does not stop at it either.
    again = grade(course, submissions, out, "-j", jobs)
    assert again.returncode == 0 and "5 of 5 submissions are unchanged" in again.stdout


def test_the_single_process_path_turns_every_failure_into_a_result(course, tmp_path):
    # In this process (grade_class with one job, as `grader check` uses it): no process killer here.
    submissions = a_class(tmp_path / "subs", with_process_killer=False)
    assignment = load_assignment(course)
    entries = discover(submissions, workdir=tmp_path / "work")
    results = {r.student: r for r in grade_class(assignment, entries, jobs=1, hidden=[submissions])}
    assert set(results) == {e.student for e in entries}
    assert results["honest"].earned == 100.0
    loading = [c for ex in results["class_body_raises"].exercises for c in ex.checks]
    assert loading and all(c.status is Status.ERROR and "while loading your code" in c.message for c in loading)
    double = results["patches_the_wire"].exercises[0].checks[0]
    assert double.status in (Status.CRASHED, Status.ERROR) and "malformed" in double.message
    assert results["patches_the_wire"].exercises[1].checks[0].status is Status.PASSED


@pytest.mark.slow
def test_a_dask_task_that_fails_becomes_its_submissions_result(course, tmp_path):
    submissions = tmp_path / "subs"
    write(submissions / "honest.py", HONEST)
    write(submissions / "kills_its_grading_process.py", KILLS_ITS_GRADING_PROCESS)
    run = grade(course, submissions, tmp_path / "out", "-j", "1", "--dask", "local")
    assert run.returncode == 0, run.stderr[-3000:]
    earned = assert_the_class_finished(tmp_path / "out", {"honest", "kills_its_grading_process"})
    assert earned == {"honest": 100.0, "kills_its_grading_process": 0.0}
    killed = checks_of(tmp_path / "out", "kills_its_grading_process")
    assert {status for status, _ in killed.values()} == {"crashed"}


def test_a_reply_the_worker_corrupted_reads_as_the_students_doing(course):
    # run_check on its own, with a submission whose replies cannot be read (as if the worker's
    # encoder had been replaced) and one whose request cannot even be sent (the suite's mistake).
    import types

    from grader import wire
    from grader.checks import run_check
    from grader.submission import LocalSubmission
    from grader.suite import load_suite

    assignment = load_assignment(course)
    suite = load_suite(assignment)
    module = types.ModuleType("student")
    exec(HONEST, module.__dict__)

    class Replies(LocalSubmission):
        def __init__(self, error: Exception):
            super().__init__(assignment, module)
            self.error = error

        def _call(self, *args):
            raise self.error

    check = assignment.checks[0]
    corrupted = run_check(suite, check, Replies(wire.WireError("buffer index 7 out of range")))
    assert corrupted.status is Status.ERROR
    assert "your code's worker sent a malformed reply" in corrupted.message and "suite" not in corrupted.message
    unsendable = run_check(suite, check, Replies(wire.Unsendable("cannot send a socket to a worker")))
    assert unsendable.status is Status.GRADER_FAULT and "not yours" in unsendable.message


def test_the_command_exits_with_its_code_its_output_said_and_nothing_left(course, tmp_path, request):
    """``grader`` ends without tearing the interpreter down (grader.cli.run): what it printed still
    reaches a pipe in full, its exit code is the command's, and the exit handlers still ran (the
    temporary folders of the class run are gone)."""
    temporary = Path(tempfile.mkdtemp(prefix="gx-", dir="/tmp"))   # short: the forkserver's socket goes in it
    request.addfinalizer(lambda: shutil.rmtree(temporary, ignore_errors=True))
    write(tmp_path / "subs" / "honest.py", HONEST)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), "TMPDIR": str(temporary)}
    command = [sys.executable, "-m", "grader.cli", "grade", "-a", str(course)]
    run = subprocess.run([*command, str(tmp_path / "subs"), "-o", str(tmp_path / "out"), "-j", "2"],
                         capture_output=True, text=True, timeout=240, start_new_session=True, env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "honest" in run.stdout and run.stdout.rstrip().endswith(f"reports: {tmp_path / 'out' / 'index.html'}")
    assert list(temporary.iterdir()) == []
    (tmp_path / "empty").mkdir()
    none = subprocess.run([*command, str(tmp_path / "empty"), "-o", str(tmp_path / "out2")],
                          capture_output=True, text=True, timeout=240, env=env)
    assert none.returncode == 2 and "no submissions found" in none.stderr
