"""A large class with hostile submissions, graded clean and graded through a kill -9: same results?

    .venv/bin/python benchmarks/class_resume.py cnn-numpy --size 500 --jobs 2

The class is the assignment's variants (the reference, alternatives and mutants, as in
class_run.py) replicated with variations (each copy's comments and the order of its blank lines
differ, so every file has its own hash), plus ``--hostile-percent`` of the hostile corpus
(tests/hostile) spliced into the honest solution. It is graded by the real CLI twice into two
reports folders:

1. clean: one run;
2. killed: a run whose whole process group gets SIGKILL once ``--kill-at`` of the class is in the
   journal, then a second run that resumes from the journal.

The script prints the wall times, seconds per submission, and whether every student's score and
every check's status is the same in both folders; it exits non-zero when anything differs, when a
student has no result, or when a run did not write grades.csv and index.html. Both runs are inside
a pid namespace (``unshare --pid``) where the machine allows, since corpus cases call kill(-1).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from hostile import builders, corpus  # noqa: E402
from hostile.runs import pid_namespace_prefix  # noqa: E402


def build(assignment_id: str, size: int, hostile_percent: float, folder: Path) -> tuple[int, int]:
    import importlib
    variants = importlib.import_module(f"variants.{assignment_id.replace('-', '_')}")
    from variants import Variant, build_variant
    cases = [c for c in corpus.CASES if c.assignment == assignment_id and c.build is None]
    hostile = min(len(cases) * 4, round(size * hostile_percent / 100))
    pool = [Variant("reference")] + list(variants.ALTERNATIVES) + list(variants.MUTANTS)
    for i in range(size - hostile):
        variant = pool[i % len(pool)]
        source = build_variant(variants.REFERENCE, variant)
        (folder / f"student{i + 1:03d}_{variant.name}.py").write_text(
            f"# submission {i + 1} ({variant.name})\n" + "\n" * (i % 3) + source, encoding="utf-8")
    for j in range(hostile):
        case = cases[j % len(cases)]
        (folder / f"hostile{j + 1:03d}_{case.name}.py").write_text(
            f"# hostile copy {j + 1}\n" + builders.submission_source(case), encoding="utf-8")
    return size - hostile, hostile


def run_cli(folder: Path, assignment: str, out: Path, jobs: int, kill_at: int | None = None) -> tuple[float, bool]:
    """One ``grader grade`` run; with ``kill_at`` its process group is SIGKILLed once that many
    results are in the journal. Returns (wall seconds, whether it was killed)."""
    prefix = pid_namespace_prefix() or []
    command = [*prefix, str(Path(sys.executable).with_name("grader")), "grade", str(folder), "-a", assignment,
               "-o", str(out), "-j", str(jobs)]
    env = {k: v for k, v in os.environ.items() if k != "GRADER_PROGRESS"}
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    journal = out / "journal.jsonl"
    killed = False
    while process.poll() is None:
        if kill_at is not None and journal.exists() and journal.read_bytes().count(b"\n") >= kill_at:
            os.killpg(process.pid, signal.SIGKILL)
            killed = True
            process.wait()
            break
        time.sleep(0.5)
    if not killed and process.returncode != 0:
        raise SystemExit(f"grader grade failed ({process.returncode}): {process.stderr.read().decode()[-2000:]}")
    return time.perf_counter() - started, killed


def outcomes(out: Path) -> dict[str, tuple[float, tuple[tuple[str, str], ...]]]:
    found = {}
    for path in sorted(out.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if "student" not in data:
            continue
        checks = tuple((c["id"], c["status"]) for e in data["exercises"] for c in e["checks"])
        found[data["student"]] = (data["earned"], checks)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment")
    parser.add_argument("--size", type=int, default=500)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--hostile-percent", type=float, default=5.0)
    parser.add_argument("--kill-at", type=float, default=0.4, help="fraction of the class graded before the kill")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="class-resume-") as tmp:
        folder, clean, resumed = Path(tmp) / "class", Path(tmp) / "clean", Path(tmp) / "resumed"
        folder.mkdir()
        honest, hostile = build(args.assignment, args.size, args.hostile_percent, folder)
        clean_s, _ = run_cli(folder, args.assignment, clean, args.jobs)
        killed_s, killed = run_cli(folder, args.assignment, resumed, args.jobs, kill_at=int(args.size * args.kill_at))
        in_journal = (resumed / "journal.jsonl").read_bytes().count(b"\n") if killed else 0
        resume_s, _ = run_cli(folder, args.assignment, resumed, args.jobs)
        first, second = outcomes(clean), outcomes(resumed)
        complete = all((o / name).exists() for o in (clean, resumed) for name in ("grades.csv", "index.html"))
    same = first == second and len(first) == args.size
    print(f"{args.assignment}: {args.size} submissions ({honest} honest variants, {hostile} hostile), {args.jobs} jobs")
    print(f"  clean run: {clean_s:7.1f} s wall, {clean_s / args.size:.2f} s per submission")
    print(f"  killed run: SIGKILL after {killed_s:.1f} s with {in_journal} results in the journal "
          f"({'killed' if killed else 'NOT killed: it finished first'}); resumed run: {resume_s:.1f} s")
    print(f"  results: clean {len(first)}, resumed {len(second)}; grades.csv and index.html in both: "
          f"{'yes' if complete else 'NO'}")
    print(f"  identical scores and check statuses: {'yes' if same else 'NO'}")
    if not same:
        for student in sorted(set(first) | set(second)):
            if first.get(student) != second.get(student):
                print(f"    {student}: {first.get(student, (None,))[0]} vs {second.get(student, (None,))[0]}")
    return 0 if same and complete and killed else 1


if __name__ == "__main__":
    sys.exit(main())
