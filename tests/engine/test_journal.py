"""The results journal: what makes a result reusable, and what survives a run killed mid-write."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from conftest import tiny_assignment
from grader.discovery import SubmissionFile
from grader.journal import FILE_NAME, Journal, grading_digest
from test_report import a_result


@pytest.fixture
def assignment(tmp_path: Path):
    """tiny_assignment with its own toml, reference and suite (and a suite sibling) to edit."""
    root = tmp_path / "course"
    (root / "suites").mkdir(parents=True)
    (root / "assignment.toml").write_text('[assignment]\nid = "tiny"\n')
    (root / "ref.py").write_text("def f(x):\n    return x\n")
    (root / "suites" / "tiny.py").write_text("# checks\n")
    (root / "suites" / "tiny_cases.py").write_text("# strategies\n")
    (root / "suites" / "other.py").write_text("# another assignment's suite\n")
    return dataclasses.replace(tiny_assignment(), root=root, reference=root / "ref.py",
                               suite=root / "suites" / "tiny.py")


def entry(student: str = "tova_quill", sha: str = "ab" * 32, at: str | None = None) -> SubmissionFile:
    path = Path(f"/submissions/{student}.ipynb")
    return SubmissionFile(student, path, path, sha, at)


def test_a_result_is_reused_only_for_the_same_submission_and_the_same_grading(tmp_path, assignment):
    journal = Journal(tmp_path, assignment)
    result = a_result("tova_quill")
    journal.record(entry(), result)
    journal.close()
    assert Journal(tmp_path, assignment).split([entry()]) == ([result], [])
    for changed in (entry(sha="cd" * 32), entry(at="2026-10-03T14:22:10"), entry(student="odo_brenn")):
        assert Journal(tmp_path, assignment).split([changed]) == ([], [changed])
    assert Journal(tmp_path, assignment, public_only=True).split([entry()]) == ([], [entry()])
    newer = dataclasses.replace(assignment, version="2")
    assert Journal(tmp_path, newer).split([entry()]) == ([], [entry()])


def test_another_torch_or_numpy_regrades(tmp_path, assignment, monkeypatch):
    journal = Journal(tmp_path, assignment)
    journal.record(entry(), a_result())
    journal.close()
    assert set(journal.context["environment"]) == {"python", "numpy", "torch", "hypothesis"}
    import grader.journal
    real = grader.journal.environment()
    monkeypatch.setattr(grader.journal, "environment", lambda: {**real, "torch": "99.0"})
    assert Journal(tmp_path, assignment).split([entry()]) == ([], [entry()])


@pytest.mark.parametrize("edit", ["assignment.toml", "ref.py", "suites/tiny.py", "suites/tiny_cases.py"])
def test_editing_what_grades_regrades_even_without_a_new_version(tmp_path, assignment, edit):
    journal = Journal(tmp_path, assignment)
    journal.record(entry(), a_result())
    journal.close()
    before = grading_digest(assignment)
    path = assignment.root / edit
    path.write_text(path.read_text() + "# changed\n")
    assert grading_digest(assignment) != before
    assert Journal(tmp_path, assignment).split([entry()]) == ([], [entry()])


def test_another_assignments_suite_is_not_part_of_the_digest(assignment):
    before = grading_digest(assignment)
    (assignment.suite.parent / "other.py").write_text("# edited\n")
    assert grading_digest(assignment) == before


def test_a_line_cut_short_by_a_kill_is_skipped_and_a_later_line_wins(tmp_path, assignment):
    journal = Journal(tmp_path, assignment)
    first, second = a_result("tova_quill"), dataclasses.replace(a_result("tova_quill"), duration_s=9.0)
    journal.record(entry(), first)
    journal.record(entry(), second)
    journal.record(entry("odo_brenn"), a_result("odo_brenn"))
    journal.close()
    path = tmp_path / FILE_NAME
    text = path.read_text()
    path.write_text(text[: len(text) - 200])           # the last record is cut in the middle
    reused, todo = Journal(tmp_path, assignment).split([entry(), entry("odo_brenn")])
    assert reused == [second] and todo == [entry("odo_brenn")]


def test_compacting_keeps_one_line_per_current_submission(tmp_path, assignment):
    journal = Journal(tmp_path, assignment)
    for student in ("tova_quill", "tova_quill", "gone_student"):
        journal.record(entry(student), a_result(student))
    journal.compact([entry()], {"tova_quill": a_result("tova_quill")})
    assert len((tmp_path / FILE_NAME).read_text().splitlines()) == 1
    assert Journal(tmp_path, assignment).split([entry()]) == ([a_result("tova_quill")], [])
