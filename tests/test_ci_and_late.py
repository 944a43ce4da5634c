"""``grader ci`` in a student's repository, as GitHub Actions runs it, and late penalties."""

from __future__ import annotations

import base64
import csv
import datetime
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.cli import main
from grader.discovery import SubmissionFile, file_time, with_file_times
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
    classroom = classroom_of(outputs.pop("result"))
    assert outputs == {"score": "89", "possible": "89", "percent": "100.0", "passed": "true"}
    assert (repo / "grader-report" / "homework.html").is_file()
    assert classroom["status"] == "pass" and classroom["max_score"] == 89
    assert {t["status"] for t in classroom["tests"]} == {"pass"} and sum(t["score"] for t in classroom["tests"]) == 89


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
    # GitHub Classroom's reporter: the points per check, the failing one with its message
    classroom = classroom_of(outputs["result"])
    assert classroom["status"] == "fail" and classroom["max_score"] == float(outputs["possible"])
    assert sum(t["score"] for t in classroom["tests"]) == float(outputs["score"])
    (relu,) = [t for t in classroom["tests"] if t["name"] == "cnn-numpy.activations.elementwise"]
    assert relu["status"] == "fail" and relu["score"] == 0 and "relu(x) does not match" in relu["message"]


def classroom_of(encoded: str) -> dict:
    """What GitHub Classroom's autograding reporter does with a runner's ``result`` output."""
    record = json.loads(base64.b64decode(encoded))
    assert set(record) == {"version", "status", "max_score", "tests"}
    assert all({"name", "status", "score", "message"} <= set(t) and t["status"] in ("pass", "fail", "error")
               for t in record["tests"])
    return record


WHEEL = "https://example.org/course/dlcourse_grader-0.1.0-py3-none-any.whl"


def test_init_ci_writes_a_workflow_that_runs_grader_ci(tmp_path):
    # never `pip install grader`: that name on the package index is someone else's
    assert main(["init-ci", "-a", "cnn-numpy", "--path", str(tmp_path), "--pass-mark", "60"]) == 2
    assert main(["init-ci", "-a", "cnn-numpy", "--path", str(tmp_path), "--pass-mark", "60", "--install", WHEEL]) == 0
    workflow = (tmp_path / ".github" / "workflows" / "grader.yml").read_text()
    assert "grader ci -a cnn-numpy --pass-mark 60" in workflow and f"pip install {WHEEL}" in workflow
    assert "torch" not in workflow                       # a numpy assignment
    assert main(["init-ci", "-a", "cnn-numpy", "--path", str(tmp_path), "--install", WHEEL]) == 2   # never overwrites silently
    assert "classroom" not in workflow.lower()
    assert main(["init-ci", "-a", "seq-models", "--path", str(tmp_path / "t"), "--install", WHEEL]) == 0
    assert "torch==2.13.0" in (tmp_path / "t" / ".github" / "workflows" / "grader.yml").read_text()


def test_init_ci_for_github_classroom_hands_the_result_to_its_reporter(tmp_path):
    import yaml
    assert main(["init-ci", "-a", "cnn-numpy", "--path", str(tmp_path), "--classroom", "--install", WHEEL]) == 0
    workflow = yaml.safe_load((tmp_path / ".github" / "workflows" / "grader.yml").read_text())
    assert workflow["permissions"] == {"checks": "write", "actions": "read", "contents": "read"}
    job = workflow["jobs"]["grade"]
    assert job["name"] == "Autograding Tests"             # the check run the reporter updates
    grade = next(step for step in job["steps"] if step.get("id") == "grade")
    reporter = job["steps"][-1]
    assert reporter["uses"].startswith("classroom-resources/autograding-grading-reporter@")
    assert reporter["if"] == "always()"                   # also after a failing grade step
    # the reporter reads <RUNNER>_RESULTS for each runner id it is given
    runner = reporter["with"]["runners"]
    assert runner == grade["id"] and reporter["env"] == {f"{runner.upper()}_RESULTS": "${{ steps.grade.outputs.result }}"}


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


def test_file_times_time_a_submission_whose_name_carries_none(tmp_path):
    late = tmp_path / "tova_quill.py"
    late.write_text("x = 1\n")
    deadline = datetime.datetime(2026, 10, 15, 23, 59, tzinfo=datetime.timezone.utc)
    two_days_after = (deadline + datetime.timedelta(days=1, hours=3)).timestamp()
    os.utime(late, (two_days_after, two_days_after))
    folder = tmp_path / "odo_brenn"
    (folder / "src").mkdir(parents=True)
    for name, when in (("a.py", deadline - datetime.timedelta(days=3)), ("src/b.py", deadline - datetime.timedelta(hours=1))):
        (folder / name).write_text("y = 2\n")
        os.utime(folder / name, (when.timestamp(), when.timestamp()))
    assert datetime.datetime.fromisoformat(file_time(late)) == deadline + datetime.timedelta(days=1, hours=3)
    assert datetime.datetime.fromisoformat(file_time(folder)) == deadline - datetime.timedelta(hours=1)   # the newest file
    policy = LatePolicy(deadline=deadline, per_day_percent=10, file_times=True)
    assert policy.days_late(file_time(late)) == 2 and policy.days_late(file_time(folder)) == 0
    named = SubmissionFile("doe_jane", late, late, "ab" * 32, "2026-10-03T14:22:10")
    unnamed = SubmissionFile("tova_quill", late, late, "cd" * 32, None)
    assert [e.submitted_at for e in with_file_times([named, unnamed])] == ["2026-10-03T14:22:10", file_time(late)]


def test_grade_applies_file_times_only_when_the_policy_says_so(tmp_path):
    """Without ``file_times`` a copied file's time is never trusted: no time, no penalty."""
    source = find_assignment("cnn-numpy")
    submissions = tmp_path / "class"
    submissions.mkdir()
    shutil.copy(source / "examples" / "student_c.zip", submissions / "student_c.zip")
    when = datetime.datetime(2026, 10, 18, 12, 0, tzinfo=datetime.timezone.utc).timestamp()
    os.utime(submissions / "student_c.zip", (when, when))
    penalties = {}
    for file_times in (False, True):
        folder = tmp_path / f"policy-{file_times}"
        folder.mkdir()
        toml = (source / "assignment.toml").read_text().replace(
            'starter = "starter.ipynb"\n', f'starter = "{source / "starter.ipynb"}"\nproject_root = "{ROOT}"\n')
        (folder / "assignment.toml").write_text(toml + "\n[late]\ndeadline = 2026-10-15T23:59:00+00:00\n"
                                                f"per_day_percent = 10\nfile_times = {str(file_times).lower()}\n")
        out = tmp_path / f"reports-{file_times}"
        assert main(["grade", str(submissions), "-a", str(folder), "-o", str(out), "-j", "1"]) == 0
        with open(out / "grades.csv", newline="") as f:
            (row,) = list(csv.DictReader(f))
        penalties[file_times] = (row["submitted_at"], float(row["late_penalty_percent"]), float(row["final"]))
    assert penalties[False] == ("", 0.0, 100.0)
    assert penalties[True][1:] == (30.0, 70.0)            # 2 days 12 h late: three started days
    assert datetime.datetime.fromisoformat(penalties[True][0]).timestamp() == when
