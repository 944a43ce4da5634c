"""The pa3-rnn suite can pass and can fail: the reference and every alternative score 100 %, and
every mutant fails the checks that name its mistake. The last test grades the example class
through the CLI and real worker processes, the way an instructor does.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import types
from pathlib import Path

import nbformat
import pytest
import torch

from grader.checks import run_check
from grader.cli import main
from grader.results import CheckResult
from grader.spec import find_assignment, load_assignment
from grader.submission import LocalSubmission
from grader.suite import load_suite
from variants import Variant, build_variant, load_variant, top_level_spans
from variants.pa3_rnn import ALTERNATIVES, MUTANTS, REFERENCE

ASSIGNMENT = load_assignment(find_assignment("pa3-rnn"))
SUITE = load_suite(ASSIGNMENT)
REFERENCE_MODULE = importlib.import_module("reference.pa3_rnn")
CHECK_IDS = {c.id for c in ASSIGNMENT.checks}
EXAMPLES = Path(__file__).resolve().parent.parent / "assignments" / "pa3-rnn" / "examples"


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """Grade in-process as the worker does (OMP_NUM_THREADS=1): tiny recurrent layers train several
    times faster on one thread than on two that keep handing work to each other."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def grade(module) -> list[CheckResult]:
    """Every check of the assignment, run in this process on ``module``."""
    submission = LocalSubmission(ASSIGNMENT, module, reference=REFERENCE_MODULE)
    return [run_check(SUITE, check, submission) for check in ASSIGNMENT.checks]


def report(results: list[CheckResult]) -> str:
    return "\n\n".join(f"{r.check.id} [{r.status.value}]\n{r.message}" for r in results)


def test_points_add_up_to_100_and_every_exercise_has_a_public_check():
    assert sum(c.points for c in ASSIGNMENT.checks) == 100
    for exercise in ASSIGNMENT.exercises:
        assert any(not c.hidden for c in exercise.checks), exercise.id


def test_the_reference_scores_full_marks():
    results = grade(REFERENCE_MODULE)
    failed = [r for r in results if not r.passed]
    assert not failed, report(failed)
    training = [r for r in results if r.check.id.endswith(("learns-digits", "learns-addition"))]
    assert all("→" in " ".join(r.observations) for r in training)   # every training check shows its losses


def test_every_check_is_shown_to_fail_by_some_mutant():
    named = {check for mutant in MUTANTS for check in mutant.must_fail}
    assert not CHECK_IDS - named, f"no mutant proves these checks can fail: {sorted(CHECK_IDS - named)}"


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda v: v.name)
def test_a_mutant_fails_the_checks_that_name_its_mistake(mutant: Variant):
    assert mutant.must_fail and set(mutant.must_fail) <= CHECK_IDS, f"{mutant.name}: unknown check ids"
    results = grade(load_variant(REFERENCE, mutant))
    failed = {r.check.id for r in results if not r.passed}
    caught = [r for r in results if r.check.id in mutant.must_fail]
    assert set(mutant.must_fail) <= failed, (
        f"{mutant.name} ({mutant.note}) passed {sorted(set(mutant.must_fail) - failed)}\n" + report(caught))
    assert sum(r.earned for r in results) < 100


@pytest.mark.parametrize("alternative", ALTERNATIVES, ids=lambda v: v.name)
def test_an_alternative_correct_solution_scores_full_marks(alternative: Variant):
    failed = [r for r in grade(load_variant(REFERENCE, alternative)) if not r.passed]
    assert not failed, f"{alternative.name} ({alternative.note}):\n" + report(failed)


def test_the_starter_notebook_earns_nothing():
    """Every check can fail: a submission of the starter's stubs (NotImplementedError) passes none."""
    notebook = nbformat.read(ASSIGNMENT.starter, as_version=4)
    starter = types.ModuleType("starter")
    for cell in notebook.cells:
        body = ast.parse(cell.source).body if cell.cell_type == "code" else []
        if body and all(isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef))
                        for node in body):
            exec(compile(cell.source, "starter.ipynb", "exec"), starter.__dict__)
    passed = [r for r in grade(starter) if r.passed]
    assert not passed, report(passed)


def test_a_mutant_differs_from_the_reference_only_where_it_says():
    reference = REFERENCE.read_text()
    reference_spans = top_level_spans(reference)
    for mutant in MUTANTS:
        source = build_variant(REFERENCE, mutant)
        changed = {name for name, span in top_level_spans(source).items()
                   if _definition(source, span) != _definition(reference, reference_spans.get(name))}
        assert changed == set(mutant.replaces), mutant.name


def _definition(source: str, span: tuple[int, int] | None) -> str | None:
    if span is None:
        return None
    return "".join(source.splitlines(keepends=True)[span[0] - 1:span[1]])


def test_the_starter_defines_every_name_with_the_reference_signature():
    notebook = nbformat.read(ASSIGNMENT.starter, as_version=4)
    code = "\n\n".join(c.source for c in notebook.cells if c.cell_type == "code" and "def " in c.source)
    defined = {node.name: node for node in ast.parse(code).body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    for name in {n for e in ASSIGNMENT.exercises for n in e.names}:
        node = defined[name]
        if isinstance(node, ast.ClassDef):
            node = next(f for f in node.body if isinstance(f, ast.FunctionDef) and f.name == "__init__")
        expected = [p for p in inspect.signature(getattr(REFERENCE_MODULE, name)).parameters if p != "self"]
        assert [a.arg for a in node.args.args if a.arg != "self"] == expected, name


@pytest.mark.slow
def test_the_example_class_is_graded_by_the_cli_in_seconds(tmp_path):
    """The instructor's path: worker processes, notebooks that download MNIST and train for epochs
    (none of which runs), a buggy notebook and a .py module."""
    assert main(["grade", str(EXAMPLES), "-a", "pa3-rnn", "-o", str(tmp_path), "-j", "1"]) == 0
    graded, durations = {}, {}
    for path in tmp_path.glob("*.json"):
        result = json.loads(path.read_text())
        failed = {c["id"].removeprefix("pa3-rnn.") for e in result["exercises"] for c in e["checks"]
                  if c["status"] != "passed"}
        durations[result["student"]] = result["duration_s"]
        graded[result["student"]] = (sum(c["earned"] for e in result["exercises"] for c in e["checks"]), failed,
                                     " ".join(n["what"] for n in result["load_notes"]))
    correct, buggy, module = "mehta_riya_51822", "okafor_tunde", "lindqvisterik"
    assert set(graded) == {correct, buggy, module}
    assert graded[correct][:2] == (100, set()), graded[correct]
    assert "No module named 'torchvision'" in graded[correct][2]    # a load note, no points lost
    assert graded[module][:2] == (100, set()), graded[module]
    # randint(0, 9); bits most significant first; a bidirectional LSTM whose zero states have
    # num_layers rows instead of 2 * num_layers, so its forward raises (its parameters are right)
    lost = {"sequence-generator.digit-range": 3, "binary-generator.bits": 2, "binary-generator.sum-lsb-first": 4,
            "binary-generator.operand-range": 3, "bidirectional-lstm.log-probabilities": 2,
            "bidirectional-lstm.batch-first": 2, "bidirectional-lstm.matches-reference": 3,
            "bidirectional-lstm.learns-digits": 2}
    assert graded[buggy][:2] == (100 - sum(lost.values()), set(lost)), graded[buggy]
    # about 12 s each on an idle 2-core machine; an MNIST epoch alone would take minutes
    assert max(durations.values()) < 120, durations
