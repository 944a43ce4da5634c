"""A whole class, graded twice: how long it takes and whether every score comes out the same.

    .venv/bin/python benchmarks/class_run.py seq-models --size 20 --jobs 2
    .venv/bin/python benchmarks/class_run.py cnn-numpy --size 20 --jobs 2 --dask
    .venv/bin/python benchmarks/class_run.py cnn-numpy --size 30 --jobs 2 --live


The class is built from the assignment's variants (tests/variants/<module>.py): the reference,
then its mutants and alternatives in turn, each written out as a student's ``.py`` file, until
there are ``--size`` submissions. It is graded through the real path (discovery, zygote, sandboxed
workers, one grading process per job) twice; the script prints both wall times and exits non-zero
if any student's score or any check's status differs between the runs. With ``--dask`` the second
run is on a local Dask cluster of ``--jobs`` workers instead of the process pool; with ``--live``
the second run draws every check's inputs again for every student instead of replaying the recorded
cases (grader.cases). The script prints the ratio of the two wall times.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from grader.discovery import discover  # noqa: E402
from grader.pipeline import grade_class  # noqa: E402
from grader.spec import find_assignment, load_assignment  # noqa: E402


def build_class(assignment_id: str, size: int, folder: Path) -> list[str]:
    import importlib
    variants = importlib.import_module(f"variants.{assignment_id.replace('-', '_')}")
    from variants import Variant, build_variant
    pool = [Variant("reference")] + list(variants.ALTERNATIVES) + list(variants.MUTANTS)
    names = []
    for i in range(size):
        variant = pool[i % len(pool)]
        name = f"student{i + 1:02d}_{variant.name}"
        (folder / f"{name}.py").write_text(build_variant(variants.REFERENCE, variant), encoding="utf-8")
        names.append(name)
    return names


def grade(assignment, folder: Path, jobs: int, dask: str | None = None,
          live: bool = False) -> tuple[float, dict[str, tuple[float, tuple[str, ...]]], list[float]]:
    with tempfile.TemporaryDirectory() as workdir:
        entries = discover(folder, workdir=Path(workdir))
        started = time.perf_counter()
        results = list(grade_class(assignment, entries, jobs=jobs, dask=dask, live=live, isolate=True))
        wall = time.perf_counter() - started
    scores = {r.student: (r.earned, tuple(c.status.value for e in r.exercises for c in e.checks)) for r in results}
    return wall, scores, [r.duration_s for r in results]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment")
    parser.add_argument("--size", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--dask", action="store_true", help="second run on a local Dask cluster")
    parser.add_argument("--live", action="store_true", help="second run without the recorded cases")
    args = parser.parse_args()
    assignment = load_assignment(find_assignment(args.assignment))
    with tempfile.TemporaryDirectory(prefix="class-") as tmp:
        folder = Path(tmp)
        build_class(args.assignment, args.size, folder)
        first_wall, first, durations = grade(assignment, folder, args.jobs)
        second_wall, second, second_durations = grade(assignment, folder, args.jobs, "local" if args.dask else None,
                                                      live=args.live)
    same = first == second
    full = sum(1 for earned, _ in first.values() if earned == sum(c.points for c in assignment.checks))
    print(f"{args.assignment}: {len(first)} submissions, {args.jobs} jobs")
    second_name = "run 2 (Dask, local cluster)" if args.dask else "run 2 (live)" if args.live else "run 2"
    print(f"  run 1 (process pool): {first_wall:6.1f} s wall   {second_name}: {second_wall:6.1f} s wall"
          f"   ratio {second_wall / first_wall:.2f}")
    print(f"  per submission: run 1 median {statistics.median(durations):.2f} s, max {max(durations):.1f} s; "
          f"run 2 median {statistics.median(second_durations):.2f} s, max {max(second_durations):.1f} s")
    print(f"  full marks: {full} of {len(first)}; scores: {sorted(e for e, _ in first.values())}")
    print(f"  identical scores and check statuses in both runs: {'yes' if same else 'NO'}")
    if not same:
        for student in sorted(first):
            if first[student] != second.get(student):
                print(f"    {student}: {first[student][0]} vs {second.get(student, (None,))[0]}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
