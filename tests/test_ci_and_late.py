"""``grader ci`` in a student's repository, as GitHub Actions runs it, and late penalties."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest

from grader.spec import LatePolicy, find_assignment, load_assignment

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "reference" / "cnn_numpy.py"


def student_repository(tmp_path: Path, source: str) -> Path:
    repo = tmp_path / "homework"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "README.md").write_text("# My CNN homework\n")
    (repo / "homework.py").write_text(source)
    return repo


def run_ci(repo: Path, tmp_path: Path, *extra: str) -> tuple[subprocess.CompletedProcess, str, dict[str, str]]:
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs.txt"
    env = {**os.environ, "GITHUB_ACTIONS": "true", "CI": "true", "GITHUB_WORKSPACE": str(repo),
           "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(outputs), "GITHUB_REPOSITORY": "course/homework"}
    done = subprocess.run([sys.executable, "-m", "grader.cli", "ci", "-a", "cnn-numpy", *extra], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=600)
    values = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    return done, summary.read_text(), values


@pytest.mark.slow
def test_ci_passes_the_reference_and_writes_summary_and_outputs(tmp_path):
    repo = student_repository(tmp_path, REFERENCE.read_text())
    done, summary, outputs = run_ci(repo, tmp_path, "--pass-mark", "100")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "::error" not in done.stdout
    assert summary.startswith("## CNN building blocks in numpy: 89 / 89 public points (100 %)")
    assert outputs == {"score": "89", "possible": "89", "percent": "100.0", "passed": "true"}
    assert (repo / "grader-report" / "homework.html").is_file()


@pytest.mark.slow
def test_ci_fails_a_broken_submission_with_annotations_at_the_function(tmp_path):
    broken = REFERENCE.read_text().replace("return np.maximum(x, 0)", "return np.maximum(x, 1)")
    assert broken != REFERENCE.read_text()
    repo = student_repository(tmp_path, broken)
    done, summary, outputs = run_ci(repo, tmp_path, "--pass-mark", "99")
    assert done.returncode == 1, done.stdout + done.stderr
    relu_line = next(i for i, line in enumerate(broken.splitlines(), 1) if line.startswith("def relu"))
    errors = [line for line in done.stdout.splitlines() if line.startswith("::error ")]
    assert errors == [f"::error file=homework.py,line={relu_line},title=cnn-numpy.activations.elementwise "
                      "failed::relu(x) does not match the reference."]
    assert "### What to fix" in summary and "relu(x) does not match" in summary
    assert outputs["passed"] == "false" and float(outputs["percent"]) < 99


def test_init_ci_writes_a_workflow_that_runs_grader_ci(tmp_path):
    from grader.cli import main
    assert main(["init-ci", "-a", "cnn-numpy", "--path", str(tmp_path), "--pass-mark", "60"]) == 0
    workflow = (tmp_path / ".github" / "workflows" / "grader.yml").read_text()
    assert "grader ci -a cnn-numpy --pass-mark 60" in workflow and "torch==2.13.0" in workflow
    assert main(["init-ci", "-a", "cnn-numpy", "--path", str(tmp_path)]) == 2     # never overwrites silently


# --- late penalties ----------------------------------------------------------------------------------
POLICY = LatePolicy(deadline=datetime.datetime(2026, 10, 15, 23, 59), per_day_percent=10, cap_percent=30,
                    grace_minutes=15)


@pytest.mark.parametrize(("submitted", "days", "percent"), [
    (None, 0, 0),                               # no time known: no penalty
    ("2026-10-15T12:00:00", 0, 0),
    ("2026-10-16T00:10:00", 0, 0),              # inside the grace period
    ("2026-10-16T00:15:01", 1, 10),             # a started day counts
    ("2026-10-17T23:58:59", 2, 20),
    ("2026-10-30T09:00:00", 15, 30),            # capped
])
def test_a_penalty_per_started_day_after_the_grace_period_up_to_the_cap(submitted, days, percent):
    assert POLICY.days_late(submitted) == days
    assert POLICY.penalty_percent(submitted) == percent


def test_times_without_an_offset_are_read_in_the_deadlines_zone():
    utc = LatePolicy(deadline=datetime.datetime(2026, 10, 15, 23, 59, tzinfo=datetime.timezone.utc), per_day_percent=5)
    assert utc.days_late("2026-10-16T00:30:00") == 1
    assert utc.days_late("2026-10-16T00:30:00+02:00") == 0      # 22:30 UTC: on time


def test_the_policy_is_read_from_assignment_toml(tmp_path):
    source = find_assignment("cnn-numpy")
    folder = tmp_path / "late-copy"
    folder.mkdir()
    toml = (source / "assignment.toml").read_text()
    toml = toml.replace('starter = "starter.ipynb"\n', f'starter = "{source / "starter.ipynb"}"\nproject_root = "{ROOT}"\n')
    (folder / "assignment.toml").write_text(
        toml + "\n[late]\ndeadline = 2026-10-15T23:59:00\nper_day_percent = 10\ncap_percent = 50\n")
    late = load_assignment(folder).late
    assert late == LatePolicy(datetime.datetime(2026, 10, 15, 23, 59), 10.0, 50.0, 0.0)
