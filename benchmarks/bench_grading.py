"""Grading benchmark: what a submission costs, and what the worker boundary costs.

Prints, measured side by side in one run on this machine:

1. seconds per submission for the bundled example class (one grading process);
2. the fixed cost per submission: starting a worker and loading the submission, once per exercise;
3. the ratio of a check run through the worker to the same check run in-process, and of a single
   call's round trip;
4. recorded cases: the suite replayed against drawn live, in-process and through workers;
5. against nbgrader: a class of 31 cnn-numpy notebooks (30 correct solutions, one real student's
   notebook), the same files graded by ``grader grade`` (-j 1 and -j 2) and by ``nbgrader autograde``
   on an nbgrader version of the assignment with fixed-input test cells (benchmarks/nbgrader_class.py;
   nbgrader is installed into benchmarks/.nbgrader-venv the first time, from the package index).

Run with ``make bench`` (all of it), or ``python benchmarks/bench_grading.py 5`` for the comparison with nbgrader only.
Numbers are for comparison within one run, not absolute promises.
"""

from __future__ import annotations

import csv
import statistics
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

import numpy as np

from grader.checks import run_check
from grader.discovery import discover
from grader.loader import prepare_source
from grader.pipeline import grade_class, record_cases
from grader.runner import Grader
from grader.spec import find_assignment, load_assignment
from grader.submission import LocalSubmission
from grader.sandbox import WorkerSubmission

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))


def installed_bytecode() -> None:
    """The grader's modules byte-compiled, as installing a package leaves them (pip compiles what it
    installs, nbgrader included). An editable install writes them on first import, except where
    PYTHONDONTWRITEBYTECODE is set (as on our development machines): every process, the command,
    the forkserver and each zygote, would then compile the grader from source on every run."""
    import compileall
    compileall.compile_dir(str(ROOT / "grader"), quiet=1)


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def main() -> None:
    sections = {int(a) for a in sys.argv[1:]} or {1, 2, 3, 4, 5}
    installed_bytecode()
    assignment = load_assignment(find_assignment("cnn-numpy"))
    if sections & {1, 2, 3, 4}:
        engine(assignment, sections)
    if 5 in sections:
        against_nbgrader(assignment)


def engine(assignment, sections: set[int]) -> None:
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
        loaded = []
        for _ in range(10):   # a new submission: start a worker, load it, fork the first exercise's
            sub.close()
            loaded += timed(sub.fresh, 1)
        forked = timed(sub.fresh, 20)    # each further exercise: a fork of the loaded one
        per_submission = statistics.median(loaded) + (len(assignment.exercises) - 1) * statistics.median(forked)
        print(f"\n2. fixed cost: zygote start {zygote_start:.2f} s once per grading process; per submission "
              f"a loaded worker and the first exercise's fork {1000 * statistics.median(loaded):.1f} ms, then "
              f"each exercise's fork {1000 * statistics.median(forked):.1f} ms (medians) "
              f"x {len(assignment.exercises) - 1} = {per_submission:.2f} s per submission")

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


def _grader_cli() -> list[str]:
    script = Path(sys.executable).parent / "grader"
    return [str(script)] if script.exists() else [sys.executable, "-m", "grader.cli"]


def cli_grade(folder: Path, out: Path, jobs: int) -> tuple[float, dict[str, float]]:
    """``grader grade`` on ``folder`` in a process of its own, as an instructor runs it: the wall
    time of the whole command (start-up, grading, every report) and each student's final score."""
    started = time.perf_counter()
    subprocess.run([*_grader_cli(), "grade", str(folder), "-a", "cnn-numpy", "-j", str(jobs), "-o", str(out)],
                   check=True, capture_output=True, cwd=ROOT)
    wall = time.perf_counter() - started
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        return wall, {row["student"]: float(row["final"]) for row in csv.DictReader(handle)}


def inputs_per_submission(assignment, grader: Grader) -> int:
    """The inputs a submission that passes every check is called on: each recorded check's
    examples, and for a check that runs live, the examples hypothesis draws for it."""
    recorded = grader.cases
    return sum(len(recorded.for_check(c.id) or ()) if recorded is not None and recorded.for_check(c.id)
               else c.examples for c in assignment.checks)


class _TimedCalls(LocalSubmission):
    """The submission's code in this process, with the time spent inside it counted: the floor."""

    spent = 0.0

    def _call(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return super()._call(*args, **kwargs)
        finally:
            self.spent += time.perf_counter() - started


def floor(assignment, grader: Grader, notebooks: list[Path]) -> list[float]:
    """Per submission: the seconds its own functions take on the recorded inputs (run here, in
    this process: these are the project's own solutions and the bundled example)."""
    import builtins
    spent = []
    for path in notebooks:
        module = types.ModuleType("submission")
        module.__dict__["__builtins__"] = builtins
        for unit in prepare_source(path).units:
            try:
                exec(compile("\n" * (unit.lineno - 1) + unit.source, unit.filename, "exec"), module.__dict__)
            except Exception:  # noqa: BLE001 - as in a worker: a unit that fails loses only itself
                pass
        sub = _TimedCalls(assignment, module, grader.reference)
        for check in assignment.checks:
            run_check(grader.suite, check, sub, cases=grader.cases.for_check(check.id) if grader.cases else None)
        spent.append(sub.spent)
    return spent


def against_nbgrader(assignment) -> None:
    import nbgrader_class
    size = 31
    record_cases(assignment)   # once per assignment version, as `grader record` does: not part of a class run
    grader = Grader(assignment)
    try:
        inputs = inputs_per_submission(assignment, grader)
        with tempfile.TemporaryDirectory(prefix="bench-nbgrader-") as tmp:
            notebooks = nbgrader_class.build_class(Path(tmp) / "class", size)
            walls, scores = {}, {}
            for jobs in (1, 2):
                walls[jobs], scores[jobs] = cli_grade(Path(tmp) / "class", Path(tmp) / f"reports-{jobs}", jobs)
            floors = floor(assignment, grader, notebooks)
            nbgrader = nbgrader_class.ensure_nbgrader()
            run = nbgrader_class.autograde(notebooks, Path(tmp) / "course", nbgrader) if nbgrader else None
    finally:
        grader.close()
    print(f"\n5. against nbgrader: {size} cnn-numpy notebooks ({size - 1} correct solutions, one real student's "
          f"notebook), the same files")
    nb_inputs = nbgrader_class.INPUTS_PER_SUBMISSION
    for jobs in (1, 2):
        rate = inputs * size / walls[jobs]
        print(f"   grader grade -j {jobs}: {walls[jobs]:6.1f} s wall, {walls[jobs] / size:.2f} s per submission, "
              f"{inputs} inputs each, {rate:,.0f} inputs checked per second")
    print(f"   -j 2 over -j 1: {walls[1] / walls[2]:.2f}x")
    print(f"   floor: the submissions' own calls on the recorded inputs take {statistics.median(floors) * 1000:.0f} ms "
          f"(median; {sum(floors):.1f} s for the class, in-process)")
    if run is None:
        print("   nbgrader autograde: not run (nbgrader could not be installed: see above)")
        return
    nb_rate = run.inputs / run.wall_s
    print(f"   nbgrader autograde: {run.wall_s:6.1f} s wall, {run.wall_s / size:.2f} s per submission, "
          f"{nb_inputs} inputs each ({len(nbgrader_class.TEST_CELLS)} test cells), {nb_rate:,.0f} inputs checked "
          f"per second")
    for jobs in (1, 2):
        print(f"   grader -j {jobs} against nbgrader: {run.wall_s / walls[jobs]:.2f}x the throughput, "
              f"{inputs * size / walls[jobs] / nb_rate:.0f}x the inputs checked per second")
    print(f"   inputs checked per submission: {inputs / nb_inputs:.1f}x nbgrader's")
    agree = [s for s in run.scores if (run.scores[s] == run.max_score) != (scores[1].get(s) == 100.0)]
    print(f"   full marks: grader {sum(1 for v in scores[1].values() if v == 100.0)}, nbgrader "
          f"{sum(1 for v in run.scores.values() if v == run.max_score)} of {size}; "
          + (f"they disagree on {', '.join(agree)}" if agree else "they agree on every student") + "; "
          + "; ".join(f"{s}: grader {scores[1].get(s, 0):g}, nbgrader {run.scores[s]:g}"
                      for s in run.scores if run.scores[s] != run.max_score))


if __name__ == "__main__":
    main()
