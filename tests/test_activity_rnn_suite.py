"""The activity-rnn suite can pass and can fail (tests/variants/contract.py: the reference and every
alternative score 100 %, every mutant fails the checks that name its mistake), and the example class
gets the scores its README promises when graded through the CLI and real worker processes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import variants.activity_rnn
from grader.cli import main
from grader.spec import find_assignment, load_assignment
from variants.contract import Subject, SuiteContract, student_facing_internals

SUBJECT = Subject("activity-rnn", variants.activity_rnn, reference="reference.activity_rnn")
EXAMPLES = SUBJECT.examples


class TestSuiteContract(SuiteContract):
    subject = SUBJECT


def test_the_training_check_reports_the_accuracy_it_measured():
    (learns,) = [r for r in SUBJECT.reference_results if r.check.id == "activity-rnn.training.learns-activities"]
    assert learns.passed and learns.observations and all("→" in text for text in learns.observations)


def test_the_generated_activities_are_balanced_and_learnable_only_through_time():
    """Every class appears, and the last sample alone does not give the class away (the net must
    integrate the series)."""
    import numpy as np
    X, Y = SUBJECT.suite.module.cases.activity_series(0, 600)
    counts = Y.sum(axis=0)
    assert counts.min() > 60, counts
    # nearest class mean of the LAST sample alone: far from perfect
    labels = Y.argmax(axis=1)
    means = np.stack([X[labels == k, -1].mean(axis=0) for k in range(6)])
    guess = np.argmin(((X[:, -1, None, :] - means[None]) ** 2).sum(-1), axis=1)
    assert (guess == labels).mean() < 0.8


@pytest.mark.slow
def test_the_example_class_is_graded_by_the_cli_in_seconds(tmp_path: Path):
    """The instructor's path: worker processes, a notebook that loads an h5 file and trains for
    epochs (none of which runs), a buggy notebook and a .py module."""
    assert main(["grade", str(EXAMPLES), "-a", "activity-rnn", "-o", str(tmp_path), "-j", "1"]) == 0
    assert not student_facing_internals(tmp_path, load_assignment(find_assignment("activity-rnn")))
    graded, durations = {}, {}
    for path in tmp_path.glob("*.json"):
        result = json.loads(path.read_text())
        failed = {c["id"].removeprefix("activity-rnn.") for e in result["exercises"] for c in e["checks"]
                  if c["status"] != "passed"}
        durations[result["student"]] = result["duration_s"]
        graded[result["student"]] = (sum(c["earned"] for e in result["exercises"] for c in e["checks"]), failed)
    correct, buggy, module = "okonkwo_ada_60217", "virtanen_mikko", "santosluis"
    assert set(graded) == {correct, buggy, module}, sorted(graded)
    assert graded[correct] == (100, set()), graded[correct]
    assert graded[module] == (100, set()), graded[module]
    # the course's BPTT (re-injected output gradient, t = 0 skipped, summed over the batch), the same
    # re-injection in its Multi_Layer_RNN (which also uses its ReLU_grad), its LSTM, its GRU and their
    # multi-layer versions, its Three_Hidden_Layer_RNN's loss at every step and its Five_Hidden_Layer_RNN's
    # last output pushed back at every step, its ReLU_grad, the GRU's momentum list one entry short (B_h
    # never updated), and its Multi_Layer_LSTM.SGD with the momentum's sign flipped
    lost = {"bptt.gradients": 6, "bptt.finite-differences": 3, "relu-grad.values": 3, "relu-grad.keeps-input": 2,
            "multi-layer.bptt": 5, "three-layer.bptt": 3, "five-layer.bptt": 3, "lstm.bptt": 4, "gru.bptt": 4,
            "gru.step": 3, "multi-lstm.bptt": 3, "multi-lstm.step": 2, "multi-gru.bptt": 3}
    assert graded[buggy] == (100 - sum(lost.values()), set(lost)), graded[buggy]
    assert max(durations.values()) < 120, durations
