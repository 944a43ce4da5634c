"""Reports and exports: what each audience sees, escaping, and data that round-trips."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import replace
from types import MappingProxyType

import pytest

from grader.errors import InternalError
from grader.export import (read_result_json, result_from_dict, result_to_dict, write_result_json,
                           write_summary_csv)
from grader.report import (STATUS_LABELS, render_student_report, render_summary, write_student_report,
                           write_summary)
from grader.results import (Binding, CheckResult, Counterexample, ExerciseResult, LoadNote, Status,
                            SubmissionResult)
from grader.spec import Check, Exercise, Tolerance

CONV, POOL = "demo.conv", "demo.pool"
C_VALUE = Check(f"{CONV}.value", CONV, 3.0, description="output matches the reference",
                tolerance=MappingProxyType({"float32": Tolerance(1e-4, 1e-5)}))
C_SHAPE = Check(f"{CONV}.shape", CONV, 1.0, description="output shape follows the formula")
C_SLOW = Check(f"{CONV}.large", CONV, 2.0, description="large inputs in time", timeout_s=2.0)
C_SECRET = Check(f"{CONV}.secret", CONV, 2.0, hidden=True, description="SECRET-DESCRIPTION")
C_POOL = Check(f"{POOL}.value", POOL, 2.0, description="pooling matches the reference")
EX_CONV = Exercise(CONV, "Convolution", ("convolution_function",), (C_VALUE, C_SHAPE, C_SLOW, C_SECRET))
EX_POOL = Exercise(POOL, "Max pooling", ("max_pool",), (C_POOL,))


def a_result(student: str = "tova_quill", secret: Status = Status.FAILED) -> SubmissionResult:
    """A passing check, a failing one with a counterexample, a timeout, a hidden check, a missing name."""
    conv = ExerciseResult(EX_CONV, (
        CheckResult(C_VALUE, Status.FAILED, "Mismatched elements: 4 / 9 (44.4%)",
                    Counterexample((("image", "array (1, 1, 1) float64"), ("stride", "2")),
                                   expected="[[0.5]]", actual="[[0.25]]"),
                    duration_s=0.0123, output="debug: shape (1, 1)\n", seed=11),
        CheckResult(C_SHAPE, Status.PASSED, duration_s=0.004, seed=12),
        CheckResult(C_SLOW, Status.TIMEOUT, "ran past the 2 s limit", duration_s=2.0, seed=13),
        CheckResult(C_SECRET, secret, "SECRET-MESSAGE", duration_s=0.01, output="SECRET-OUTPUT", seed=14),
    ), bindings=(Binding("convolution_function", "conv2d",
                         ("`convolution_function` found under the name `conv2d`",
                          "argument `filter` matched to your `kernel`")),))
    pool = ExerciseResult(EX_POOL, (CheckResult(C_POOL, Status.MISSING, "`max_pool` is not defined", seed=15),),
                          bindings=(Binding("max_pool", None),))
    return SubmissionResult(student=student, path=f"submissions/{student}.ipynb", sha256="ab" * 32,
                            assignment="demo", assignment_version="3", grader_version="0.1.0",
                            exercises=(conv, pool), duration_s=2.5,
                            load_notes=(LoadNote("cell 4, line 1", "skipped: not a definition"),),
                            sandbox="bubblewrap", seeds={C_POOL.id: 15, C_VALUE.id: 11})


def an_unloadable(student: str = "odo_brenn") -> SubmissionResult:
    exercises = tuple(ExerciseResult(ex, tuple(CheckResult(c, Status.NOT_RUN, "could not load") for c in ex.checks))
                      for ex in (EX_CONV, EX_POOL))
    return SubmissionResult(student=student, path=f"{student}.py", sha256="cd" * 32, assignment="demo",
                            assignment_version="3", grader_version="0.1.0", exercises=exercises,
                            load_error="SyntaxError: invalid syntax (line 3)")


def all_passed(hidden: bool) -> SubmissionResult:
    checks = (C_VALUE, C_SHAPE, C_SLOW) + ((C_SECRET,) if hidden else ())
    ex = Exercise(CONV, "Convolution", ("convolution_function",), checks)
    return replace(a_result(), exercises=(ExerciseResult(ex, tuple(CheckResult(c, Status.PASSED) for c in checks)),))


def text_of(html: str) -> str:
    """The page's words, tags removed and whitespace folded, for asserting on sentences."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- student report ------------------------------------------------------------------------------
def test_instructor_report_shows_scores_and_every_check():
    html = render_student_report(a_result())
    words = text_of(html)
    assert "1 / 10 points" in words and "(10.0 %)" in words
    assert "1 / 8 points" in words and "0 / 2 points" in words   # per exercise
    for check in (C_VALUE, C_SHAPE, C_SLOW, C_SECRET, C_POOL):
        assert check.id in html
    assert "SECRET-MESSAGE" in html and "SECRET-OUTPUT" in html and "SECRET-DESCRIPTION" in html
    assert "bubblewrap" in words and "cell 4, line 1: skipped: not a definition" in words


def test_counterexample_is_shown_with_inputs_expected_and_actual():
    html = render_student_report(a_result())
    assert re.search(r"<code>image</code> →</th><td><pre>array \(1, 1, 1\) float64</pre>", html)
    assert '<pre class="expected">[[0.5]]</pre>' in html and '<pre class="actual">[[0.25]]</pre>' in html
    assert '<pre class="message">Mismatched elements: 4 / 9 (44.4%)</pre>' in html


def test_each_status_has_its_own_text_label():
    assert set(STATUS_LABELS) == set(Status) and len(set(STATUS_LABELS.values())) == len(Status)
    words = text_of(render_student_report(a_result()))
    for status in (Status.PASSED, Status.FAILED, Status.TIMEOUT, Status.MISSING):
        assert STATUS_LABELS[status] in words
    assert STATUS_LABELS[Status.NOT_RUN] in text_of(render_student_report(an_unloadable()))


def test_aliases_argument_matching_and_missing_names_are_said_plainly():
    html = render_student_report(a_result(), audience="student")
    words = text_of(html)
    assert "Note: convolution_function found under the name conv2d" in words
    assert "argument <code>filter</code> matched to your <code>kernel</code>" in html
    assert "Missing: max_pool is not defined in your submission" in words


def test_durations_seeds_and_tolerance_overrides_are_shown():
    words = text_of(render_student_report(a_result()))
    assert "time 12 ms · seed 11 · float32 tolerance rtol=0.0001, atol=1e-05" in words
    assert "time 2,000 ms" in words


def test_student_audience_sees_a_count_of_hidden_checks_and_nothing_else():
    html = render_student_report(a_result(secret=Status.PASSED), audience="student")
    assert C_SECRET.id not in html
    assert not any(s in html for s in ("SECRET-MESSAGE", "SECRET-OUTPUT", "SECRET-DESCRIPTION"))
    assert "1 hidden check: 1 passed" in text_of(html)
    assert C_VALUE.id in html and "Mismatched elements" in html   # public details stay


def test_hidden_checks_not_run_here_are_said_to_be_graded_later():
    public_only = a_result()
    conv = public_only.exercises[0]
    conv = replace(conv, checks=tuple(r for r in conv.checks if not r.check.hidden))
    html = render_student_report(replace(public_only, exercises=(conv, public_only.exercises[1])), audience="student")
    assert "1 hidden check: not run here; they are graded after the deadline" in text_of(html)


def test_never_all_passed_for_students_when_hidden_checks_exist():
    student = text_of(render_student_report(all_passed(hidden=True), audience="student")).lower()
    assert "all checks passed" not in student and "all tests passed" not in student
    assert "3 of 3 public checks passed. 1 hidden check is counted separately below." in student
    instructor = text_of(render_student_report(all_passed(hidden=True))).lower()
    no_hidden = text_of(render_student_report(all_passed(hidden=False), audience="student")).lower()
    assert "all 4 checks passed." in instructor and "all 3 checks passed." in no_hidden


def test_load_error_is_shown_at_the_top():
    html = render_student_report(an_unloadable())
    error = html.index("Your submission could not be loaded")
    assert 'role="alert"' in html and error < html.index("<section class=\"exercise\"")
    assert "SyntaxError: invalid syntax (line 3)" in html


def test_student_output_is_escaped():
    evil = "<script>alert('x')</script>"
    result = a_result()
    conv = result.exercises[0]
    failed = replace(conv.checks[0], message=evil, output=evil,
                     counterexample=Counterexample(((evil, evil),), expected=evil, actual=evil))
    conv = replace(conv, bindings=(Binding("f", evil, (f"`{evil}` found",)),))
    result = replace(result, student="mira<b>", load_error=evil, load_notes=(LoadNote(evil, evil),),
                     exercises=(replace(conv, checks=(failed, *conv.checks[1:])), result.exercises[1]))
    html = render_student_report(result)
    assert "<script" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html


@pytest.mark.parametrize("audience", ["instructor", "student"])
def test_report_is_self_contained(audience):
    html = render_student_report(a_result(), audience=audience) + render_summary([a_result(), an_unloadable()])
    assert "http://" not in html and "https://" not in html
    assert "<script" not in html and "<link" not in html and "src=" not in html
    # and were a student's text ever to get through unescaped, the page could still load nothing
    csp = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">"
    assert html.count(csp) == 2 and html.index(csp) < html.index("<title>")


def test_unknown_audience_is_refused():
    with pytest.raises(ValueError, match="audience='teacher'"):
        render_student_report(a_result(), audience="teacher")


def test_report_files_are_named_after_the_student(tmp_path):
    path = write_student_report(a_result(), tmp_path / "reports")
    assert path == tmp_path / "reports" / "tova_quill.html" and "tova_quill" in path.read_text()
    with pytest.raises(InternalError, match="cannot be a report file name"):
        write_student_report(a_result(student="../escape"), tmp_path)


# --- class overview ------------------------------------------------------------------------------
def test_summary_has_versions_scores_links_and_status_counts(tmp_path):
    results = [a_result(), an_unloadable()]
    path = write_summary(results, tmp_path)
    html = path.read_text()
    words = text_of(html)
    assert path.name == "index.html"
    assert "demo: class overview" in words and "assignment version 3 · grader 0.1.0 · 2 submissions" in words
    assert '<a href="tova_quill.html">tova_quill</a>' in html and '<a href="odo_brenn.html">' in html
    assert "1 / 10" in words and "0 / 10" in words and "(could not be loaded)" in words
    counts = re.search(r'<table class="counts">.*?</table>', html, re.S).group(0)
    assert [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', counts)] == [1, 2, 0, 1, 0, 1, 5, 0]


def test_summary_of_no_results_says_so():
    assert "No submissions were graded." in render_summary([])


# --- exports -------------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [a_result, an_unloadable, lambda: all_passed(hidden=True)])
def test_json_round_trip_gives_an_equal_result(make, tmp_path):
    result = make()
    assert result_from_dict(json.loads(json.dumps(result_to_dict(result)))) == result
    assert read_result_json(write_result_json(result, tmp_path / "r.json")) == result


def test_round_trip_keeps_spec_checks_that_have_no_result():
    result = a_result()
    conv = result.exercises[0]
    public_only = replace(result, exercises=(replace(conv, checks=conv.checks[:3]), result.exercises[1]))
    back = result_from_dict(result_to_dict(public_only))
    assert back == public_only and back.exercises[0].exercise.checks == EX_CONV.checks


def test_json_has_enum_values_inlined_specs_and_computed_scores():
    d = result_to_dict(a_result())
    assert (d["earned"], d["possible"], d["percent"]) == (1.0, 10.0, 10.0)
    conv = d["exercises"][0]
    assert (conv["earned"], conv["possible"], conv["percent"]) == (1.0, 8.0, 12.5)
    value = conv["checks"][0]
    assert value["status"] == "failed" and value["points"] == 3.0 and value["earned"] == 0.0
    assert value["tolerance"] == {"float32": {"rtol": 1e-4, "atol": 1e-5}}
    assert value["counterexample"]["inputs"][0] == {"name": "image", "description": "array (1, 1, 1) float64"}
    assert list(d["seeds"]) == sorted(d["seeds"])


def test_json_is_deterministic(tmp_path):
    first = write_result_json(a_result(), tmp_path / "a.json").read_bytes()
    assert write_result_json(a_result(), tmp_path / "b.json").read_bytes() == first
    assert not list(tmp_path.glob("*.partial"))


def test_a_record_in_another_format_is_refused():
    with pytest.raises(ValueError, match="not a grader results record"):
        result_from_dict({"format": "something-else/9"})


def test_csv_has_one_row_per_student_and_exercises_sum_to_the_total(tmp_path):
    results = [a_result(), an_unloadable(), all_passed(hidden=False)]
    path = write_summary_csv(results, tmp_path / "grades.csv")
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
    assert reader.fieldnames == ["student", CONV, POOL, "total", "possible", "percent", "submitted_at",
                                 "late_penalty_percent", "final", "overrides"]
    assert [r["student"] for r in rows] == ["tova_quill", "odo_brenn", "tova_quill"]
    for row, result in zip(rows, results):
        earned = sum(float(row[e]) for e in (CONV, POOL) if row[e] != "")
        assert earned == pytest.approx(float(row["total"])) == pytest.approx(result.earned)
        assert float(row["possible"]) == result.possible
        assert float(row["percent"]) == pytest.approx(result.percent, abs=0.05)
    assert rows[2][POOL] == ""   # that result has no pooling exercise
