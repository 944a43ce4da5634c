"""The pa3-rnn suite can pass and can fail (tests/variants/contract.py: the reference and every
alternative score 100 %, every mutant fails the checks that name its mistake). The last test grades
the example class through the CLI and real worker processes, the way an instructor does.
"""

from __future__ import annotations

import json

import pytest

import variants.pa3_rnn
from grader.cli import main
from grader.spec import find_assignment, load_assignment
from variants.contract import Subject, SuiteContract, student_facing_internals

SUBJECT = Subject("pa3-rnn", variants.pa3_rnn, reference="reference.pa3_rnn")
EXAMPLES = SUBJECT.examples


class TestSuiteContract(SuiteContract):
    subject = SUBJECT


def test_every_training_check_reports_its_losses():
    training = [r for r in SUBJECT.reference_results if r.check.id.endswith(("learns-digits", "learns-addition"))]
    assert training and all(r.passed and "→" in " ".join(r.observations) for r in training)


@pytest.mark.slow
def test_the_example_class_is_graded_by_the_cli_in_seconds(tmp_path):
    """The instructor's path: worker processes, notebooks that download MNIST and train for epochs
    (none of which runs), a buggy notebook and a .py module."""
    assert main(["grade", str(EXAMPLES), "-a", "pa3-rnn", "-o", str(tmp_path), "-j", "1"]) == 0
    assert not student_facing_internals(tmp_path, load_assignment(find_assignment("pa3-rnn")))
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
            "bidirectional-lstm.keeps-input": 1, "bidirectional-lstm.learns-digits": 2}
    assert graded[buggy][:2] == (100 - sum(lost.values()), set(lost)), graded[buggy]
    # about 12 s each on an idle 2-core machine; an MNIST epoch alone would take minutes
    assert max(durations.values()) < 120, durations
