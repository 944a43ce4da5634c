"""Dask against the local pool, with one and two workers, on one class: does Dask scale, and what
does it cost over the pool?

    .venv/bin/python benchmarks/dask_scaling.py            # cnn-numpy, a class of 40
    .venv/bin/python benchmarks/dask_scaling.py seq-models --size 20

The class is built from the assignment's variants as in benchmarks/class_run.py. It is graded four
times through the real path (discovery, zygotes, sandboxed workers): the local process pool with 1
and 2 grading processes, and a local Dask cluster with 1 and 2 workers (each run starts its own
cluster, so its wall includes starting the cluster and setting up each worker's Grader, once per
worker). Prints the four walls, Dask 2 over Dask 1, Dask over the pool at each size, and whether
every score and check status came out the same in all four.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from class_run import build_class, grade  # noqa: E402

from grader.spec import find_assignment, load_assignment  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment", nargs="?", default="cnn-numpy")
    parser.add_argument("--size", type=int, default=40)
    args = parser.parse_args()
    assignment = load_assignment(find_assignment(args.assignment))
    walls, scores = {}, {}
    with tempfile.TemporaryDirectory(prefix="dask-class-") as tmp:
        build_class(args.assignment, args.size, Path(tmp))
        for how, jobs in (("pool", 1), ("dask", 1), ("pool", 2), ("dask", 2)):
            walls[how, jobs], scores[how, jobs], _ = grade(assignment, Path(tmp), jobs,
                                                           "local" if how == "dask" else None)
            print(f"  {how:<4} with {jobs} {'worker' if jobs == 1 else 'workers'}: {walls[how, jobs]:6.1f} s wall",
                  flush=True)
    same = all(s == scores["pool", 1] for s in scores.values())
    print(f"{args.assignment}: {args.size} submissions")
    print(f"  Dask, 2 workers over 1: {walls['dask', 1] / walls['dask', 2]:.2f}x   "
          f"(pool, 2 over 1: {walls['pool', 1] / walls['pool', 2]:.2f}x)")
    for jobs in (1, 2):
        print(f"  Dask over the pool with {jobs}: {walls['dask', jobs] / walls['pool', jobs]:.2f}x the wall")
    print(f"  identical scores and check statuses in all four runs: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
