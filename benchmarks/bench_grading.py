"""Grading benchmark: what a submission costs, and what the worker boundary costs.

Prints, measured side by side in one run on this machine:

1. seconds per submission for the bundled example class (one grading process);
2. the fixed cost per submission: starting a worker and loading the submission, once per exercise;
3. the ratio of a check run through the worker to the same check run in-process, and of a single
   call's round trip;
4. recorded cases: the suite replayed against drawn live, in-process and through workers.

Run with ``make bench``. Numbers are for comparison within one run, not absolute promises.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from grader.checks import run_check
from grader.discovery import discover
from grader.loader import prepare_source
from grader.pipeline import grade_class
from grader.runner import Grader
from grader.spec import find_assignment, load_assignment
from grader.submission import LocalSubmission
from grader.sandbox import WorkerSubmission

ROOT = Path(__file__).resolve().parent.parent


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def main() -> None:
    assignment = load_assignment(find_assignment("cnn-numpy"))
    examples = assignment.root / "examples"

    with tempfile.TemporaryDirectory() as workdir:
        entries = discover(examples, workdir=Path(workdir), prefer=("starter.ipynb",))
        started = time.perf_counter()
        results = sorted(grade_class(assignment, entries, jobs=1), key=lambda r: r.student)
        wall = time.perf_counter() - started
    print(f"1. example class: {len(results)} submissions in {wall:.1f} s, one process "
          f"({wall / len(results):.2f} s per submission, including one zygote start)")
    for r in results:
        print(f"     {r.student:<44} {r.duration_s:6.2f} s  {r.earned:5.1f}/{r.possible:g}")
    ordinary = [r.duration_s for r in results if r.student in ("student_a", "student_c") or r.student.startswith("doe_jane")]
    print(f"   ordinary submissions (no timeouts): median {statistics.median(ordinary):.2f} s each")

    grader = Grader(assignment)
    try:
        reference_units = prepare_source(assignment.reference).units
        student_units = prepare_source(examples / "student_a.ipynb").units
        zygote_start = timed(lambda: grader.zygote, 1)[0]
        sub = WorkerSubmission(assignment, grader.zygote, student_units, grader.reference)
        fresh = timed(sub.fresh, 20)
        per_submission = len(assignment.exercises) * statistics.median(fresh)
        print(f"\n2. fixed cost: zygote start {zygote_start:.2f} s once per grading process; "
              f"fresh worker + load {1000 * statistics.median(fresh):.1f} ms (median of 20) "
              f"x {len(assignment.exercises)} exercises = {per_submission:.2f} s per submission")

        check = next(c for c in assignment.checks if c.id == "cnn-numpy.conv.value")
        worker_sub = WorkerSubmission(assignment, grader.zygote, reference_units, grader.reference)
        worker_sub.fresh()
        local_sub = LocalSubmission(assignment, grader.reference)
        for label, s in (("in-process", local_sub), ("worker", worker_sub)):
            assert run_check(grader.suite, check, s).passed, label
        inproc = statistics.median(timed(lambda: run_check(grader.suite, check, local_sub), 5))
        through = statistics.median(timed(lambda: run_check(grader.suite, check, worker_sub), 5))
        print(f"\n3. check {check.id} ({check.examples} examples): in-process {1000 * inproc:.1f} ms, "
              f"through the worker {1000 * through:.1f} ms -> ratio {through / inproc:.2f}x")
        x = np.random.default_rng(0).standard_normal((8, 8, 3))
        local_relu, worker_relu = local_sub.function("relu"), worker_sub.function("relu")
        call_local = statistics.median(timed(lambda: local_relu(x=x), 2000))
        call_worker = statistics.median(timed(lambda: worker_relu(x=x), 2000))
        print(f"   one call relu(8x8x3): in-process {1e6 * call_local:.0f} us, through the worker "
              f"{1e6 * call_worker:.0f} us -> ratio {call_worker / call_local:.0f}x "
              f"(round trip {1e6 * (call_worker - call_local):.0f} us)")
        worker_sub.close()
        sub.close()

        # 4. recorded cases (grader.cases): the same submission, replayed and live, side by side
        def whole_suite(recorded) -> None:
            for c in assignment.checks:
                local = LocalSubmission(assignment, grader.reference, reference=grader.reference)
                run_check(grader.suite, c, local, cases=recorded.for_check(c.id) if recorded else None)
        suite_time = {how: statistics.median(timed(lambda r=recorded: whole_suite(r), 3))
                      for how, recorded in (("replayed", grader.cases), ("live", None))}
        print(f"\n4. recorded cases ({grader.cases.examples if grader.cases else 0} examples): the whole suite on the "
              f"reference in-process: replayed {suite_time['replayed']:.2f} s, live {suite_time['live']:.2f} s "
              f"-> {suite_time['live'] / suite_time['replayed']:.1f}x")
        live_grader = Grader(assignment, live=True)
        try:
            with tempfile.TemporaryDirectory() as workdir:
                (entry,) = [e for e in discover(examples, workdir=Path(workdir)) if e.student == "student_a"]
                per = {how: statistics.median(timed(lambda g=g: g.grade(entry), 3))
                       for how, g in (("replayed", grader), ("live", live_grader))}
            print(f"   student_a through workers, one process: replayed {per['replayed']:.2f} s, live "
                  f"{per['live']:.2f} s -> {per['live'] / per['replayed']:.2f}x")
        finally:
            live_grader.close()
    finally:
        grader.close()


if __name__ == "__main__":
    main()
