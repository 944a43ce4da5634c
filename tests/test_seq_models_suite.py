"""The seq-models suite can pass and can fail: the reference and every alternative score 100 %, and
every mutant fails the checks that name its mistake.

Most of it is the quick, in-process layer (LocalSubmission: trusted code, called directly); the
last test grades the example submissions through the CLI and real worker processes.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import types

import nbformat
import pytest

from grader.checks import run_check
from grader.results import CheckResult
from grader.spec import find_assignment, load_assignment
from grader.submission import LocalSubmission
from grader.suite import load_suite
from variants import Variant, build_variant, load_variant, top_level_spans
from variants.seq_models import ALTERNATIVES, MUTANTS, REFERENCE

ASSIGNMENT = load_assignment(find_assignment("seq-models"))
SUITE = load_suite(ASSIGNMENT)
REFERENCE_MODULE = importlib.import_module("reference.seq_models")
CHECK_IDS = {c.id for c in ASSIGNMENT.checks}
# Training takes seconds per check; a mutant runs the ones its must_fail names, and every other check.
TRAINING_CHECKS = {c for c in CHECK_IDS if c.endswith(".training")}


def grade(module, skip: frozenset[str] = frozenset()) -> list[CheckResult]:
    """Every check of the assignment but those in ``skip``, run in this process on ``module``."""
    submission = LocalSubmission(ASSIGNMENT, module, reference=REFERENCE_MODULE)
    return [run_check(SUITE, check, submission) for check in ASSIGNMENT.checks if check.id not in skip]


def report(results: list[CheckResult]) -> str:
    return "\n\n".join(f"{r.check.id} [{r.status.value}]\n{r.message}" for r in results)


def test_points_add_up_to_100_and_every_exercise_has_a_public_check():
    assert sum(c.points for c in ASSIGNMENT.checks) == 100
    for exercise in ASSIGNMENT.exercises:
        assert any(not c.hidden for c in exercise.checks), exercise.id


def test_the_reference_scores_full_marks():
    failed = [r for r in grade(REFERENCE_MODULE) if not r.passed]
    assert not failed, report(failed)


def test_every_check_is_shown_to_fail_by_some_mutant():
    named = {check for mutant in MUTANTS for check in mutant.must_fail}
    assert not CHECK_IDS - named, f"no mutant proves these checks can fail: {sorted(CHECK_IDS - named)}"


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda v: v.name)
def test_a_mutant_fails_the_checks_that_name_its_mistake(mutant: Variant):
    assert mutant.must_fail and set(mutant.must_fail) <= CHECK_IDS, f"{mutant.name}: unknown check ids"
    results = grade(load_variant(REFERENCE, mutant), frozenset(TRAINING_CHECKS - set(mutant.must_fail)))
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
        if body and all(isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)) for node in body):
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
        expected = [p for p in _params(getattr(REFERENCE_MODULE, name)) if p != "self"]
        assert [a.arg for a in node.args.args if a.arg != "self"] == expected, name


def _params(obj) -> list[str]:
    return list(inspect.signature(obj).parameters)


EXAMPLES = ASSIGNMENT.root / "examples"


@pytest.mark.slow
def test_the_examples_graded_through_workers_score_as_expected(tmp_path):
    """The instructor's path: ``grader grade`` runs each exercise in a sandboxed worker."""
    from grader.cli import main
    assert main(["grade", str(EXAMPLES), "-a", "seq-models", "-o", str(tmp_path), "-j", "2"]) == 0
    scores = {}
    for path in tmp_path.glob("*.json"):
        result = json.loads(path.read_text())
        scores[result["student"]] = {c["id"]: c["status"] for e in result["exercises"] for c in e["checks"]}
    correct, buggy, module = (next(v for k, v in scores.items() if k.startswith(who)) for who in ("roe", "poe", "kim"))
    assert set(correct.values()) == {"passed"}, correct
    assert set(module.values()) == {"passed"}, module
    # b_h unused, LSTM gate biases unused, GRU reset after the product: with the grader's non-zero
    # biases the cells, their gradients and the losses fit reports all differ; training still works
    broken = {f"seq-models.{cell}.{what}" for cell in ("rnn", "lstm", "gru")
              for what in ("forward", "gradients", "epoch-loss")}
    assert {c for c, status in buggy.items() if status != "passed"} == broken, buggy
