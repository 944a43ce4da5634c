"""The bundled example class, graded end to end through the CLI and real worker processes.

This is the instructor's path (``grader grade``), and the place where hostile submissions prove
they cannot take the run down or inflate their score.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from grader.cli import main
from grader.export import result_from_dict
from grader.results import Status, SubmissionResult
from grader.spec import find_assignment, load_assignment
from variants.contract import internals_in, student_facing_internals

EXAMPLES = Path(__file__).resolve().parent.parent / "assignments" / "cnn-numpy" / "examples"


@pytest.fixture(scope="module")
def assignment() -> str:
    """cnn-numpy as the instructor has it, with its real limits: the example that loops forever costs
    two call limits (its convolution is not called again after timing out twice), and an honest
    notebook has the same room on a busy machine as in a real class run."""
    return "cnn-numpy"


@pytest.fixture(scope="module")
def reports(tmp_path_factory, assignment) -> Path:
    out = tmp_path_factory.mktemp("reports")
    assert main(["grade", str(EXAMPLES), "-a", str(assignment), "-o", str(out), "-j", "2"]) == 0
    return out


@pytest.fixture(scope="module")
def graded(reports) -> dict[str, SubmissionResult]:
    out = reports
    results = {}
    for path in sorted(out.glob("*.json")):
        result = result_from_dict(json.loads(path.read_text()))
        results[result.student] = result
        assert (out / f"{result.student}.html").is_file()
    assert (out / "index.html").is_file() and (out / "grades.csv").is_file()
    return results


def statuses(result: SubmissionResult, exercise: str) -> set[Status]:
    (ex,) = [e for e in result.exercises if e.exercise.id == f"cnn-numpy.{exercise}"]
    return {c.status for c in ex.checks}


def messages(result: SubmissionResult, exercise: str) -> str:
    (ex,) = [e for e in result.exercises if e.exercise.id == f"cnn-numpy.{exercise}"]
    return "\n".join(c.message for c in ex.checks)


def test_every_example_gets_a_complete_report(graded):
    assert set(graded) == {"student_a", "student_c", "doe_jane", "loops_forever", "exits_early",
                           "memory_hog", "patches_numpy", "syntax_error"} or len(graded) == 8
    for result in graded.values():
        assert {e.exercise.id for e in result.exercises} == {
            f"cnn-numpy.{x}" for x in ("activations", "output-dims", "conv", "emboss", "pooling",
                                       "conv-layer", "pooling-layer", "mlp", "cnn")}
        assert all(e.checks for e in result.exercises)


def test_a_correct_notebook_with_messy_cells_scores_full_marks(graded):
    result = graded["student_a"]
    assert result.percent == 100.0, [(c.check.id, c.message) for e in result.exercises for c in e.checks if not c.passed]
    skipped = " ".join(n.what for n in result.load_notes)
    assert "read_image" in skipped or "logo.jpeg" in skipped   # the cell reading a missing image did not run


def test_a_float32_module_in_a_zip_scores_full_marks(graded):
    assert graded["student_c"].percent == 100.0


def test_the_lms_named_notebook_loses_points_where_its_bugs_are(graded):
    result = graded[next(s for s in graded if s.startswith("doe_jane"))]
    assert Status.FAILED in statuses(result, "conv")
    assert Status.FAILED in statuses(result, "pooling")
    assert statuses(result, "activations") == {Status.PASSED}
    assert 0 < result.percent < 100


def test_an_infinite_loop_times_out_and_says_so(graded):
    result = graded["loops_forever"]
    assert Status.TIMEOUT in statuses(result, "conv")
    assert "ran for more than" in messages(result, "conv")
    assert result.percent < 20


def test_os_exit_is_reported_as_a_crash(graded):
    result = graded["exits_early"]
    assert Status.CRASHED in statuses(result, "pooling")
    assert "exit status 0" in messages(result, "pooling")
    assert result.percent < 20


def test_a_30_gb_allocation_fails_with_a_memory_error(graded):
    result = graded["memory_hog"]
    assert statuses(result, "mlp") <= {Status.ERROR, Status.CRASHED}
    assert "MemoryError" in messages(result, "mlp") or "memory" in messages(result, "mlp")
    assert result.percent < 20


def test_monkeypatching_numpy_earns_nothing_it_did_not_compute(graded):
    result = graded["patches_numpy"]
    assert Status.FAILED in statuses(result, "conv")
    assert statuses(result, "mlp") == {Status.MISSING}
    assert result.percent < 20


def test_a_syntax_error_is_named_and_nothing_is_graded_as_passed(graded):
    result = graded["syntax_error"]
    assert result.earned == 0
    assert "SyntaxError" in (result.load_error or "") + " ".join(n.what for n in result.load_notes)


def test_grading_again_gives_identical_results(assignment, reports, tmp_path):
    """The example with the most varied result (passes, failures with counterexamples, hidden checks)
    graded again on its own, with one job instead of two: every check comes out the same."""
    name = "doe_jane_40017_attempt_2026-10-03-14-22-10_cnn.ipynb"
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / name).write_bytes((EXAMPLES / name).read_bytes())
    again = tmp_path / "again"
    assert main(["grade", str(tmp_path / "class"), "-a", str(assignment), "-o", str(again), "-j", "1"]) == 0
    runs = [{(c["id"], c["status"], c["earned"], c["message"], json.dumps(c["counterexample"], sort_keys=True))
             for e in json.loads((folder / "doe_jane_40017.json").read_text())["exercises"] for c in e["checks"]}
            for folder in (reports, again)]
    assert runs[0] == runs[1] and len(runs[0]) == 32


def test_the_student_check_prints_nothing_of_the_suites_or_the_reference(tmp_path, capsys):
    """What ``grader check`` prints to a student whose notebook fails checks (messages, smallest
    inputs, their own tracebacks) quotes no path or code of the suites or the reference."""
    notebook = EXAMPLES / "doe_jane_40017_attempt_2026-10-03-14-22-10_cnn.ipynb"
    assert main(["check", str(notebook), "-a", "cnn-numpy", "-o", str(tmp_path)]) == 1
    printed = capsys.readouterr()
    assert "does not match" in printed.out
    assert not internals_in(printed.out + printed.err, load_assignment(find_assignment("cnn-numpy")))


def test_student_check_runs_public_checks_only_and_never_claims_all_passed(tmp_path, capsys):
    assert main(["check", str(EXAMPLES / "student_a.ipynb"), "-a", "cnn-numpy", "-o", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "\x1b[" not in printed                      # not a terminal: no colour codes
    assert "hidden checks are graded after the deadline" in printed
    assert "emboss-regression" not in printed          # a hidden check: not run, not shown
    page = (tmp_path / "student_a.html").read_text()
    assert "hidden check" in page and not re.search(r"All \d+ checks passed", page)
    public = sum(not c.hidden for c in load_assignment(find_assignment("cnn-numpy")).checks)
    assert f"{public} of {public} public checks passed" in page       # the public ones, said as such


def test_student_check_exits_non_zero_and_shows_the_failure(tmp_path, capsys):
    submission = EXAMPLES / "doe_jane_40017_attempt_2026-10-03-14-22-10_cnn.ipynb"
    assert main(["check", str(submission), "-a", "cnn-numpy", "-o", str(tmp_path), "--color", "always"]) == 1
    coloured = capsys.readouterr().out
    assert "\x1b[31m[   FAIL]\x1b[0m cnn-numpy.conv.value" in coloured and "\x1b[32m[   PASS]\x1b[0m" in coloured
    printed = re.sub(r"\x1b\[[0-9;]*m", "", coloured)
    assert "[   FAIL] cnn-numpy.conv.value" in printed and "Mismatched elements" in printed
    assert "smallest failing input:" in printed and "input_image = array(1, 1, 1)" in printed


# --- exports: what an LMS, Gradescope and a CI server read ----------------------------------------
# Gradescope's documented results.json fields (autograder specifications); anything else is ignored
# by Gradescope at best, so we write none.
GRADESCOPE_TOP = {"score", "execution_time", "output", "output_format", "test_output_format", "test_name_format",
                  "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"}
GRADESCOPE_TEST = {"score", "max_score", "status", "name", "name_format", "number", "output", "output_format",
                   "tags", "visibility", "extra_data"}
GRADESCOPE_VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}


def test_gradescope_results_use_only_documented_fields_and_add_up(reports, graded):
    for student, result in graded.items():
        data = json.loads((reports / "gradescope" / student / "results.json").read_text())
        assert set(data) <= GRADESCOPE_TOP and isinstance(data["score"], (int, float))
        assert data["visibility"] in GRADESCOPE_VISIBILITY and data["stdout_visibility"] in GRADESCOPE_VISIBILITY
        assert len(data["tests"]) == sum(len(e.checks) for e in result.exercises)
        for test in data["tests"]:
            assert set(test) <= GRADESCOPE_TEST and {"name", "score", "max_score", "output"} <= set(test)
            assert test["visibility"] in GRADESCOPE_VISIBILITY and test["status"] in {"passed", "failed"}
            assert 0 <= test["score"] <= test["max_score"]
        assert sum(t["score"] for t in data["tests"]) == pytest.approx(result.earned) == data["score"]
    buggy = next(s for s in graded if s.startswith("doe_jane"))
    hidden = [t for t in json.loads((reports / "gradescope" / buggy / "results.json").read_text())["tests"]
              if t["visibility"] != "visible"]
    assert hidden and all(t["visibility"] == "after_published" for t in hidden)


def test_the_gradebook_csv_has_one_row_per_student_and_sums_to_the_totals(reports, graded):
    import csv
    with (reports / "grades.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["student"] for r in rows] == sorted(graded)
    exercise_columns = [c for c in rows[0] if c.startswith("cnn-numpy.")]
    assert len(exercise_columns) == 9
    for row in rows:
        assert sum(float(row[c]) for c in exercise_columns) == pytest.approx(float(row["total"]))
        assert float(row["total"]) == pytest.approx(graded[row["student"]].earned)
        assert float(row["final"]) == pytest.approx(float(row["total"]))   # no [late] policy in cnn-numpy


def test_the_junit_xml_parses_with_a_testcase_per_check(reports, graded):
    from xml.etree import ElementTree as ET
    root = ET.parse(reports / "junit.xml").getroot()
    suites = {s.get("name").split(":", 1)[1]: s for s in root.iter("testsuite")}
    assert set(suites) == set(graded)
    for student, suite in suites.items():
        result = graded[student]
        cases = suite.findall("testcase")
        assert len(cases) == int(suite.get("tests")) == sum(len(e.checks) for e in result.exercises)
        bad = [c for c in cases if c.find("failure") is not None or c.find("error") is not None]
        assert len(bad) == sum(not c.passed for e in result.exercises for c in e.checks)


def test_what_students_read_quotes_nothing_of_the_suites_or_the_reference(reports, assignment):
    """Every student-facing file of the class (the hostile examples' included): no path of the
    suites, the reference or the repository, and no line of the suites' code."""
    assert not student_facing_internals(reports, load_assignment(find_assignment(assignment)))


def test_students_get_their_own_report_without_hidden_details(reports, graded):
    buggy = next(s for s in graded if s.startswith("doe_jane"))
    page = (reports / "student" / f"{buggy}.html").read_text()
    assert "hidden check" in page and "softmax-stable" not in page
    assert "softmax-stable" in (reports / f"{buggy}.html").read_text()


def test_grading_takes_the_fingerprint_the_file_gives():
    """The class's near-duplicate pairs use the fingerprint the grading process takes from the parse
    it graded (the command no longer parses every file again): it is the file's own."""
    from grader.pipeline import grade_one
    from grader.similarity import fingerprint, starter_statements
    spec = load_assignment(find_assignment("cnn-numpy"))
    path = EXAMPLES / "student_a.ipynb"
    result = grade_one(spec, path, public_only=True)
    assert result.fingerprint and list(result.fingerprint) == fingerprint(path, starter_statements(spec.starter))


def test_near_duplicates_of_a_class_come_from_the_grading_processes(tmp_path, monkeypatch):
    """Through ``grader grade -j 2``: a renamed copy is paired with its original in the class summary,
    from the fingerprints the grading processes returned: the command reads no file to take them."""
    import shutil

    import grader.similarity

    def no_second_parse(*args, **kwargs):
        raise AssertionError("the command parsed a submission again for its fingerprint")

    monkeypatch.setattr(grader.similarity, "fingerprint", no_second_parse)
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(EXAMPLES / "student_a.ipynb", folder / "student_a.ipynb")
    shutil.copy(EXAMPLES / "student_a.ipynb", folder / "copy_of_a.ipynb")
    shutil.copy(EXAMPLES / "patches_numpy.py", folder / "someone_else.py")
    out = tmp_path / "reports"
    assert main(["grade", str(folder), "-a", "cnn-numpy", "-o", str(out), "-j", "2"]) == 0
    section = (out / "index.html").read_text().split("<h2>Near-duplicate submissions</h2>", 1)[1].split("</section>", 1)[0]
    rows = re.findall(r"<tr><td>(.*?)</td>", section, flags=re.S)
    assert len(rows) == 1 and "copy_of_a" in rows[0] and "student_a" in rows[0], section


def test_grading_processes_run_with_the_command_as_it_is_when_it_grades(tmp_path, monkeypatch, capsys):
    """Grading processes are forked from a forkserver (grader.processes) that may have started long
    before, in a caller that has since changed its environment and folder: they take the command's
    as they are when the pool starts, as processes started afresh would. Seen from inside one: the
    sandbox it is told to use (this process is made to ignore the variable; the grading process
    cannot be, and refuses the mode it names)."""
    import shutil

    import grader.sandbox
    from grader.processes import start_early

    start_early()   # running before the variable is set (a no-op when an earlier test started it)
    monkeypatch.setattr(grader.sandbox, "_modes_to_try", lambda: ["bubblewrap", "namespaces"])
    monkeypatch.setenv(grader.sandbox.SANDBOX_ENV, "no-such-sandbox")
    (tmp_path / "class").mkdir()
    shutil.copy(EXAMPLES / "student_a.ipynb", tmp_path / "class" / "student_a.ipynb")
    shutil.copy(EXAMPLES / "patches_numpy.py", tmp_path / "class" / "someone_else.py")
    monkeypatch.chdir(tmp_path)
    assert main(["grade", "class", "-a", "cnn-numpy", "-o", "reports", "-j", "2"]) == 2
    assert "GRADER_SANDBOX='no-such-sandbox' is not a sandbox" in capsys.readouterr().err
