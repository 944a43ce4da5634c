"""What changes a score after grading, and where people see it: the late penalty, a TA's overrides,
and the summary at the top of each report."""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from test_report import C_POOL, C_SHAPE, C_VALUE, a_result, text_of

from grader import overrides
from grader.cli import main
from grader.export import gradescope_results, result_from_dict, result_to_dict, write_summary_csv
from grader.overrides import OverridesError
from grader.report import class_statistics, failure_groups, failure_signature, render_student_report, render_summary
from grader.results import CheckResult, ExerciseResult, Status, SubmissionResult
from grader.spec import Check, Exercise

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "assignments" / "cnn-numpy" / "examples"
POLICY = "10 % of the points per started day after 2026-10-15 23:59+00:00, at most 50 %"


def late(result: SubmissionResult, percent: float = 20.0) -> SubmissionResult:
    return replace(result, submitted_at="2026-10-17T09:00:00+00:00", late_penalty_percent=percent, late_policy=POLICY)


def rows_of(tmp_path: Path, text: str) -> list[overrides.Row]:
    path = tmp_path / "overrides.csv"
    path.write_text(text, encoding="utf-8")
    return overrides.read(path)


# --- the student report ---------------------------------------------------------------------------
def test_the_summary_links_every_check_that_lost_points_and_folds_the_passed_ones():
    html = render_student_report(a_result())
    summary = html[html.index('<nav class="summary"'):html.index("</nav>")]
    for lost in (C_VALUE.id, f"{C_VALUE.id.rsplit('.', 1)[0]}.large", C_POOL.id):
        assert f'href="#check-{lost}"' in summary and f'id="check-{lost}"' in html
    assert C_SHAPE.id not in summary and "1 check passed" in text_of(summary)
    # the passed check is a closed <details> (its summary line shows status and points); a failed one is open
    assert f'<details class="check status-passed" id="check-{C_SHAPE.id}">' in html
    assert f'<article class="check status-failed" id="check-{C_VALUE.id}">' in html


def test_a_late_penalty_is_on_the_report_with_the_final_score_and_the_policy():
    text = text_of(render_student_report(late(a_result())))
    earned = a_result().earned
    assert f"{earned * 0.8:g} / " in text and f"after the late penalty: {earned:g} earned" in text
    assert "Late penalty: 20 %" in text and "submitted 2026-10-17 09:00" in text and POLICY in text


def test_no_submission_time_under_a_late_policy_is_said_to_count_as_on_time():
    text = text_of(render_student_report(replace(a_result(), late_policy=POLICY)))
    assert "No submission time was found for this file, so it counts as on time" in text
    assert "no late penalty" not in text_of(render_student_report(a_result()))   # no policy: nothing to say


def test_a_students_report_has_no_operator_detail():
    student = render_student_report(a_result(), audience="student")
    assert "bubblewrap" not in student and "submissions/tova_quill.ipynb" not in student
    assert "bubblewrap" in render_student_report(a_result(), audience="instructor")


# --- overrides ------------------------------------------------------------------------------------
def test_overrides_replace_a_checks_points_or_the_total_and_say_who_and_why(tmp_path):
    rows = rows_of(tmp_path, "student,check,points,reason,who\n"
                             f"tova_quill,{C_VALUE.id},2.5,padding off by one only,TA Kim\n"
                             "odo_brenn,total,7,regrade request approved,Prof. Lee\n")
    other = replace(a_result("odo_brenn"))
    tova, odo = overrides.apply([a_result(), other], rows)
    assert tova.earned == a_result().earned + 2.5 and odo.earned == 7
    value = next(c for e in tova.exercises for c in e.checks if c.check.id == C_VALUE.id)
    assert (value.earned, value.override.was, value.override.who) == (2.5, 0.0, "TA Kim")
    # the round trip through a record keeps the decisions; the late penalty is taken from the new total
    assert result_from_dict(json.loads(json.dumps(result_to_dict(late(odo))))) == late(odo)
    assert late(odo).final == pytest.approx(7 * 0.8)
    html = text_of(render_student_report(tova, audience="student"))
    assert "Points set by TA Kim: 2.5" in html and "padding off by one only" in html
    assert "Total set by Prof. Lee: 7 points" in text_of(render_student_report(odo))
    scored = gradescope_results(tova)
    test = next(t for t in scored["tests"] if t["number"] == C_VALUE.id)
    assert test["score"] == 2.5 and "padding off by one only" in test["output"] and scored["score"] == tova.final
    path = write_summary_csv([tova, odo], tmp_path / "grades.csv")
    by_student = {r["student"]: r for r in csv.DictReader(path.open(encoding="utf-8"))}
    assert by_student["odo_brenn"]["final"] == "7" and "regrade request approved" in by_student["odo_brenn"]["overrides"]


@pytest.mark.parametrize("text, says", [
    ("student,check,points\nx,total,1\n", "missing: reason, who"),
    ("student,check,points,reason,who\nx,total,1,,TA\n", "line 2: reason must be given"),
    ("student,check,points,reason,who\nx,total,lots,why,TA\n", "points must be a number"),
    ("student,check,points,reason,who\nx,total,1,why,TA\nx,total,2,why,TA\n", "line 3: x / total is overridden on line 2"),
])
def test_an_overrides_file_that_cannot_be_used_says_where(tmp_path, text, says):
    with pytest.raises(OverridesError, match=says):
        rows_of(tmp_path, text)


@pytest.mark.parametrize("row, says", [
    ("nobody,total,1,why,TA", "no submission of 'nobody'"),
    (f"tova_quill,{C_VALUE.id},4,why,TA", "outside 0..3"),
    ("tova_quill,total,101,why,TA", "outside 0..10"),
    ("tova_quill,conv.nonsense,1,why,TA", "has no graded check 'conv.nonsense'"),
])
def test_an_override_that_names_nothing_or_impossible_points_is_refused(tmp_path, row, says):
    with pytest.raises(OverridesError, match=says):
        overrides.apply([a_result()], rows_of(tmp_path, "student,check,points,reason,who\n" + row + "\n"))


# --- the class overview ---------------------------------------------------------------------------
CHECKS = tuple(Check(f"a.x.{n}", "a.x", 10) for n in ("one", "two", "three"))
EXERCISE = Exercise("a.x", "X", ("f",), CHECKS)


def failing(student: str, *messages: str, status: Status = Status.FAILED) -> SubmissionResult:
    checks = tuple(CheckResult(c, status, m) if m else CheckResult(c, Status.PASSED) for c, m in zip(CHECKS, messages))
    return SubmissionResult(student, f"{student}.py", "0" * 64, "a", "1", "0", (ExerciseResult(EXERCISE, checks),))


def test_failure_messages_keep_names_with_digits_and_are_cut_between_words():
    message = "conv2d of h_t_minus_1 (uint8, float32) returned 3.5 where 2 was expected " + "word " * 80
    signature = failure_signature(CheckResult(CHECKS[0], Status.FAILED, message))
    assert signature.startswith("failed: conv2d of h_t_minus_1 (uint8, float32) returned # where # was expected")
    assert signature.endswith("word …") and len(signature) < 260


def test_one_cause_is_one_row_listing_the_checks_it_failed():
    missing = "`relu` is not defined in your submission"
    results = [failing("s1", missing, missing, missing, status=Status.MISSING),
               failing("s2", missing, missing, missing, status=Status.MISSING), failing("s3", "expected 1, got 2", "", "")]
    groups = failure_groups(results)
    assert [(g.check_ids, g.students) for g in groups] == [
        (tuple(c.id for c in CHECKS), ("s1", "s2")), (("a.x.one",), ("s3",))]


def test_class_statistics_are_of_the_final_scores():
    results = [late(failing("s1", "", "", ""), 50.0), failing("s2", "no", "", ""), failing("s3", "no", "no", "no")]
    stats = class_statistics(results)
    assert (stats.count, stats.mean, stats.median, stats.lowest, stats.highest) == (3, pytest.approx(350 / 9), 50.0,
                                                                                     0.0, pytest.approx(200 / 3))
    assert (stats.full_marks, stats.late) == (0, 1)
    html = text_of(render_summary(results))
    assert "Class statistics" in html and "median 50.0" in html and "−50 %" in html


# --- the command line -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def graded_class(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("class")
    for name in ("student_a.ipynb", "syntax_error.py"):
        shutil.copy(EXAMPLES / name, folder / name)
    out = tmp_path_factory.mktemp("reports")
    assert main(["grade", str(folder), "-a", "cnn-numpy", "-o", str(out), "-j", "1"]) == 0
    return folder, out


def grades(out: Path) -> dict[str, dict[str, str]]:
    return {r["student"]: r for r in csv.DictReader((out / "grades.csv").open(encoding="utf-8"))}


def test_grade_with_an_overrides_file_changes_every_export_and_removing_it_restores_them(graded_class, tmp_path, capsys):
    folder, out = graded_class
    before = grades(out)["syntax_error"]["final"]
    table = tmp_path / "overrides.csv"
    table.write_text("student,check,points,reason,who\nsyntax_error,total,42,plagiarism hearing outcome,Prof. Lee\n"
                     "student_a,conv.value,0,hard-coded the answer,TA Kim\n")
    assert main(["grade", str(folder), "-a", "cnn-numpy", "-o", str(out), "--overrides", str(table)]) == 0
    said = capsys.readouterr().out
    assert "are unchanged since" in said and "total set by Prof. Lee" in said     # no regrade was needed
    row = grades(out)["syntax_error"]
    assert row["final"] == "42" and "plagiarism hearing outcome" in row["overrides"]
    assert json.loads((out / "gradescope" / "syntax_error" / "results.json").read_text())["score"] == 42
    assert "plagiarism hearing outcome" in (out / "student" / "syntax_error.html").read_text()
    assert "hard-coded the answer" in (out / "student_a.html").read_text()
    assert main(["grade", str(folder), "-a", "cnn-numpy", "-o", str(out)]) == 0
    assert grades(out)["syntax_error"]["final"] == before and grades(out)["syntax_error"]["overrides"] == ""


def test_an_overrides_file_naming_an_unknown_student_stops_the_run_before_grading(graded_class, tmp_path, capsys):
    folder, out = graded_class
    table = tmp_path / "overrides.csv"
    table.write_text("student,check,points,reason,who\nstudent_zz,total,1,why,TA\n")
    assert main(["grade", str(folder), "-a", "cnn-numpy", "-o", str(tmp_path / "r"), "--overrides", str(table)]) == 2
    assert "line 2: no submission of 'student_zz'" in capsys.readouterr().err
    assert not (tmp_path / "r" / "grades.csv").exists()


def test_only_regrades_the_named_students_and_keeps_the_others(graded_class, capsys):
    folder, out = graded_class
    assert main(["grade", str(folder), "-a", "cnn-numpy", "-o", str(out), "--only", "student_a"]) == 0
    said = capsys.readouterr().out
    assert "1 of 2 submissions are unchanged" in said and set(grades(out)) == {"student_a", "syntax_error"}
    assert main(["grade", str(folder), "-a", "cnn-numpy", "-o", str(out), "--only", "student_q"]) == 2
    assert "--only: no submission of 'student_q'" in capsys.readouterr().err
