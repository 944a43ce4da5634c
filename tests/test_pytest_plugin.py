"""`pytest --grade FILE --assignment ID`: one pytest item per check, same verdicts as `grader grade`."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "assignments" / "cnn-numpy" / "examples"


def run_pytest(submission: Path, junit: Path, *extra: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "pytest", "--grade", str(submission), "--assignment", "cnn-numpy",
               "-p", "no:cacheprovider", "-q", f"--junitxml={junit}", *extra]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


def suite_counts(junit: Path) -> dict[str, int]:
    root = ElementTree.parse(junit).getroot()
    suite = root.find("testsuite") if root.tag == "testsuites" else root
    return {k: int(suite.attrib[k]) for k in ("tests", "failures", "errors", "skipped")}


def test_a_correct_submission_passes_every_check(tmp_path):
    done = run_pytest(EXAMPLES / "student_a.ipynb", tmp_path / "a.xml")
    assert done.returncode == 0, done.stdout[-2000:]
    assert suite_counts(tmp_path / "a.xml") == {"tests": 32, "failures": 0, "errors": 0, "skipped": 0}


def test_failures_carry_the_checks_message(tmp_path):
    submission = EXAMPLES / "doe_jane_40017_attempt_2026-10-03-14-22-10_cnn.ipynb"
    done = run_pytest(submission, tmp_path / "d.xml", "--public-only")
    assert done.returncode == 1
    assert "cnn-numpy.conv.value" in done.stdout and "does not match the reference" in done.stdout
    counts = suite_counts(tmp_path / "d.xml")
    assert counts["failures"] > 0 and counts["tests"] < 30   # hidden checks left out


def test_a_folders_own_test_files_do_not_count_in_a_grading_run(tmp_path):
    """A test module that skips itself (a browser test on a machine without a browser) in the folder
    where grading runs is not collected: the run holds the checks and nothing else."""
    (tmp_path / "test_elsewhere.py").write_text("import pytest\npytest.skip('no browser', allow_module_level=True)\n")
    command = [sys.executable, "-m", "pytest", "--grade", str(EXAMPLES / "student_a.ipynb"), "--assignment",
               "cnn-numpy", "-p", "no:cacheprovider", "-q", f"--junitxml={tmp_path / 'a.xml'}", "--rootdir",
               str(tmp_path), str(tmp_path)]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:]
    assert suite_counts(tmp_path / "a.xml") == {"tests": 32, "failures": 0, "errors": 0, "skipped": 0}
