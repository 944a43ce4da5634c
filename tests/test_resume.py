"""An instructor's run that is killed part-way loses at most the submissions in flight, and a re-run
grades only what is not graded yet or has changed (the results journal, grader/journal.py)."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "assignments" / "cnn-numpy" / "examples"
SCORES = {"doe_jane_40017": 68.0, "student_a": 100.0, "student_c": 100.0}


def graded_lines(journal: Path) -> list[str]:
    """Complete journal lines: the students whose results reached the disk."""
    if not journal.exists():
        return []
    students = []
    for line in journal.read_text().splitlines():
        try:
            students.append(json.loads(line)["key"]["student"])
        except ValueError:
            pass
    return students


def totals(out: Path) -> dict[str, float]:
    with open(out / "grades.csv", newline="") as f:
        return {row["student"]: float(row["total"]) for row in csv.DictReader(f)}


def grading_processes() -> set[tuple[int, str]]:
    """(pid, command) of the grading processes (forked by a forkserver, or spawned), their
    forkserver, and zygotes running on this machine."""
    ps = subprocess.run(["ps", "-eo", "pid=,args="], capture_output=True, text=True).stdout
    return {(int(line.split(None, 1)[0]), line.split(None, 1)[1][:80]) for line in ps.splitlines()
            if any(mark in line for mark in ("grader.zygote", "spawn_main", "multiprocessing.forkserver"))}


@pytest.mark.slow
def test_a_killed_run_resumes_where_it_stopped_and_a_rerun_grades_only_changes(tmp_path, capsys):
    class_dir = tmp_path / "class"
    class_dir.mkdir()
    for name in ("student_a.ipynb", "student_c.zip"):
        shutil.copy(EXAMPLES / name, class_dir / name)
    jane = next(p for p in EXAMPLES.iterdir() if p.name.startswith("doe_jane"))
    shutil.copy(jane, class_dir / jane.name)
    out = tmp_path / "reports"
    journal = out / "journal.jsonl"

    # 1. Kill the whole run (grading process, zygote, workers) once the first result is on disk.
    before = grading_processes()
    run = subprocess.Popen([sys.executable, "-m", "grader.cli", "grade", str(class_dir), "-a", "cnn-numpy",
                            "-o", str(out), "-j", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True)
    deadline = time.monotonic() + 300
    while not graded_lines(journal) and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    # The grading process has a session of its own (student code signalling its group must not reach
    # the command): it dies with the command, and its zygote with it, instead of waiting forever.
    deadline = time.monotonic() + 30
    while grading_processes() - before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not grading_processes() - before, grading_processes() - before
    survived = graded_lines(journal)
    assert 1 <= len(survived) < 3, survived          # killed part-way, with a result on disk
    assert not (out / "grades.csv").exists()

    # 2. The re-run reuses what survived and grades the rest.
    assert main(["grade", str(class_dir), "-a", "cnn-numpy", "-o", str(out), "-j", "1"]) == 0
    printed = capsys.readouterr().out
    assert f"{len(survived)} of 3 submissions are unchanged" in printed
    assert totals(out) == SCORES
    assert sorted(graded_lines(journal)) == sorted(SCORES)                # compacted: one line each
    assert all((out / "student" / f"{s}.html").exists() for s in SCORES)

    # 3. Nothing changed: nothing is graded, the results are the same.
    before = {s: json.loads((out / f"{s}.json").read_text()) for s in SCORES}
    assert main(["grade", str(class_dir), "-a", "cnn-numpy", "-o", str(out), "-j", "1"]) == 0
    assert "3 of 3 submissions are unchanged" in capsys.readouterr().out
    assert {s: json.loads((out / f"{s}.json").read_text()) for s in SCORES} == before

    # 4. One student resubmits (a changed byte): only that submission is graded again.
    (class_dir / "student_a.ipynb").write_bytes((class_dir / "student_a.ipynb").read_bytes() + b"\n")
    assert main(["grade", str(class_dir), "-a", "cnn-numpy", "-o", str(out), "-j", "1"]) == 0
    assert "2 of 3 submissions are unchanged" in capsys.readouterr().out
    assert json.loads((out / "student_a.json").read_text())["sha256"] != before["student_a"]["sha256"]

    # 5. --regrade ignores the journal.
    assert main(["grade", str(class_dir), "-a", "cnn-numpy", "-o", str(out), "-j", "1", "--regrade"]) == 0
    assert "unchanged" not in capsys.readouterr().out and totals(out) == SCORES
