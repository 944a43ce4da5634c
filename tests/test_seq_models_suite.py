"""The seq-models suite can pass and can fail (tests/variants/contract.py: the reference and every
alternative score 100 %, every mutant fails the checks that name its mistake). The last test grades
the example submissions through the CLI and real worker processes.
"""

from __future__ import annotations

import json

import pytest

import variants.seq_models
from grader.spec import find_assignment, load_assignment
from variants.contract import Subject, SuiteContract, student_facing_internals

SUBJECT = Subject("seq-models", variants.seq_models, reference="reference.seq_models")
EXAMPLES = SUBJECT.examples


class TestSuiteContract(SuiteContract):
    subject = SUBJECT


def test_the_training_checks_report_the_held_out_loss_the_grader_measured():
    """Not the losses fit returns: the mutant fit_fakes_falling_losses shows those are not believed."""
    training = [r for r in SUBJECT.reference_results if r.check.id.endswith(".training")]
    assert len(training) == 3
    assert all(r.passed and "held-out loss" in " ".join(r.observations) for r in training), training


@pytest.mark.slow
def test_the_examples_graded_through_workers_score_as_expected(tmp_path):
    """The instructor's path: ``grader grade`` runs each exercise in a sandboxed worker."""
    from grader.cli import main
    assert main(["grade", str(EXAMPLES), "-a", "seq-models", "-o", str(tmp_path), "-j", "2"]) == 0
    assert not student_facing_internals(tmp_path, load_assignment(find_assignment("seq-models")))
    scores = {}
    for path in tmp_path.glob("*.json"):
        result = json.loads(path.read_text())
        scores[result["student"]] = {c["id"]: c["status"] for e in result["exercises"] for c in e["checks"]}
    correct, buggy, module = (next(v for k, v in scores.items() if k.startswith(who)) for who in ("roe", "poe", "kim"))
    assert set(correct.values()) == {"passed"}, correct
    assert set(module.values()) == {"passed"}, module
    # b_h unused, LSTM gate biases unused, GRU reset around W_hh h + b_h: with the grader's non-zero
    # biases the cells and their gradients differ. The losses fit reports are the means of the
    # student's own cells (the grader runs their forward to see it), so epoch-loss does not charge the
    # cell again. Training still works: the grader measures the RNN and LSTM in the reference cells
    # (the unused biases stay 0) and the GRU in its own copy of torch's GRU, which the student's
    # forward computes
    broken = {f"seq-models.{cell}.{what}" for cell in ("rnn", "lstm", "gru") for what in ("forward", "gradients")}
    assert {c for c, status in buggy.items() if status != "passed"} == broken, buggy
