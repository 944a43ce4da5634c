"""The rnn-scratch suite can pass and can fail (tests/variants/contract.py: the reference and every
alternative score 100 %, every mutant fails the checks that name its mistake), and the example class
gets the scores its README promises when graded through the CLI and real worker processes.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

import variants.rnn_scratch
from grader.cli import main
from grader.export import result_from_dict
from grader.results import Status
from grader.spec import find_assignment, load_assignment
from variants.contract import Subject, SuiteContract, student_facing_internals

SUBJECT = Subject("rnn-scratch", variants.rnn_scratch, reference="reference.rnn_scratch")
ASSIGNMENT, REFERENCE_MODULE, EXAMPLES = SUBJECT.assignment, SUBJECT.reference, SUBJECT.examples


class TestSuiteContract(SuiteContract):
    subject = SUBJECT


def test_the_word_training_check_reports_its_losses():
    (learns,) = [r for r in SUBJECT.reference_results if r.check.id == "rnn-scratch.sample.learns-word"]
    assert learns.passed and learns.observations and all("→" in text for text in learns.observations)


def test_the_starter_vocabulary_is_the_one_the_grader_sets():
    """predict and output read char2int/int2char/dict_size; the starter must build the same ones."""
    notebook = nbformat.read(ASSIGNMENT.starter, as_version=4)
    (cell,) = [c.source for c in notebook.cells if c.cell_type == "code" and c.source.startswith("text = ")]
    namespace: dict = {}
    exec(cell, namespace)
    assert (namespace["char2int"], namespace["int2char"], namespace["dict_size"]) == (
        REFERENCE_MODULE.char2int, REFERENCE_MODULE.int2char, REFERENCE_MODULE.dict_size)


@pytest.mark.slow
def test_the_example_class_gets_its_scores_through_the_cli(tmp_path: Path):
    assert main(["grade", str(EXAMPLES), "-a", "rnn-scratch", "-o", str(tmp_path), "-j", "2"]) == 0
    assert not student_facing_internals(tmp_path, load_assignment(find_assignment("rnn-scratch")))
    results = {}
    for path in tmp_path.glob("*.json"):
        result = result_from_dict(json.loads(path.read_text()))
        results[result.student] = {c.check.id.removeprefix("rnn-scratch."): c.status
                                   for e in result.exercises for c in e.checks}
    assert set(results) == {"roe_richard_40231", "smith_alex", "kimlee"}, sorted(results)
    for student in ("roe_richard_40231", "kimlee"):      # correct: a notebook, and an alternative .py
        assert set(results[student].values()) == {Status.PASSED}, (student, results[student])
    lost = {check for check, status in results["smith_alex"].items() if status != Status.PASSED}
    assert lost == {"backward.biases", "backward.finite-differences", "update.all-parameters"}, lost
