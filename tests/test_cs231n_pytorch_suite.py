"""The cs231n-pytorch suite can pass and can fail (tests/variants/contract.py: the reference and every
alternative score 100 %, every mutant fails the checks that name its mistake). The last test grades
the example class through the CLI and real worker processes, the way an instructor does.
"""

from __future__ import annotations

import json

import pytest

import variants.cs231n_pytorch
from grader.cli import main
from grader.spec import find_assignment, load_assignment
from variants.contract import Subject, SuiteContract, student_facing_internals

SUBJECT = Subject("cs231n-pytorch", variants.cs231n_pytorch, reference="reference.cs231n_pytorch")
EXAMPLES = SUBJECT.examples


class TestSuiteContract(SuiteContract):
    subject = SUBJECT


def test_the_real_submissions_mistakes_are_mutants():
    """The two mistakes of the seed's submission are among the mutants, each charged to its own check."""
    mutants = {m.name: m for m in SUBJECT.mutants}
    assert mutants["init_weights_no_op"].must_fail == ("cs231n-pytorch.init-weights.kaiming-and-zero",)
    assert mutants["params_hard_coded_32"].must_fail == ("cs231n-pytorch.convnet-params.shapes",)


@pytest.mark.slow
def test_the_example_class_is_graded_by_the_cli_in_seconds(tmp_path):
    """The instructor's path: worker processes, a Colab notebook (device = cuda) that downloads
    CIFAR-10 and trains (none of which runs), a buggy notebook and a .py module."""
    assert main(["grade", str(EXAMPLES), "-a", "cs231n-pytorch", "-o", str(tmp_path), "-j", "1"]) == 0
    assert not student_facing_internals(tmp_path, load_assignment(find_assignment("cs231n-pytorch")))
    graded, durations = {}, {}
    for path in tmp_path.glob("*.json"):
        result = json.loads(path.read_text())
        failed = {c["id"].removeprefix("cs231n-pytorch.") for e in result["exercises"] for c in e["checks"]
                  if c["status"] != "passed"}
        durations[result["student"]] = result["duration_s"]
        graded[result["student"]] = (sum(c["earned"] for e in result["exercises"] for c in e["checks"]), failed,
                                     " ".join(n["what"] for n in result["load_notes"]))
    correct, buggy, module = "nakamura_hana_73310", "ferreira_lucas", "oseikwame"
    assert set(graded) == {correct, buggy, module}, set(graded)
    assert graded[correct][:2] == (100, set()), graded[correct]
    assert "torchvision" in graded[correct][2]     # its import fails in the worker: a load note, no points lost
    assert graded[module][:2] == (100, set()), graded[module]
    # the seed's two mistakes: init_weights that assigns nothing, conv_w2 with 32 input channels
    lost = {"init-weights.kaiming-and-zero": 8, "convnet-params.shapes": 5}
    assert graded[buggy][:2] == (100 - sum(lost.values()), set(lost)), graded[buggy]
    assert max(durations.values()) < 120, durations


def test_the_open_ended_model_is_measured_by_the_grader():
    """Part V's verdict is the grader's accuracy on held-out images, and the reference clears the bar."""
    result = next(r for r in SUBJECT.reference_results if r.check.id.endswith("open-ended.learns-cifar-like"))
    assert result.passed and "held-out accuracy" in " ".join(result.observations), result.observations
