"""The cnn-numpy suite can pass and can fail (tests/variants/contract.py: the reference and every
alternative score 100 %, every mutant fails the checks that name its mistake), and what is
particular to this assignment. Grading through worker processes is tested in test_example_class.py.
"""

from __future__ import annotations

import zlib

import numpy as np
import pytest

import variants.cnn_numpy
from variants import Variant, build_variant, load_variant
from variants.contract import Subject, SuiteContract

SUBJECT = Subject("cnn-numpy", variants.cnn_numpy, reference="reference.cnn_numpy")


class TestSuiteContract(SuiteContract):
    subject = SUBJECT


def test_a_variant_that_names_an_undefined_function_is_refused():
    with pytest.raises(ValueError, match="convolve_function"):
        build_variant(SUBJECT.reference_path, Variant("typo", {"convolve_function": "def convolve_function(): pass"}))


def test_the_regression_picture_never_changes():
    """Grades depend on it: a change to synthetic_logo must be deliberate (and bump the version)."""
    picture = SUBJECT.suite.module.cases.synthetic_logo()
    assert picture.shape == (128, 128, 3) and picture.dtype == np.uint8
    assert zlib.crc32(picture.tobytes()) == 0x7AC8448A, hex(zlib.crc32(picture.tobytes()))


def test_an_answer_that_changes_between_calls_is_the_students_failure_and_quotes_no_suite_code():
    """relu is wrong on its first call only (a value kept between calls): hypothesis finds the failure,
    cannot reproduce it on the same input, and reports it as flaky. That is the student's code
    answering differently, a failure with the first run's message; not an error in the suite, and
    nothing of the suite (its file, code or function names) is quoted."""
    from grader.checks import run_check
    from grader.results import Status
    from grader.submission import LocalSubmission
    module = load_variant(SUBJECT.reference_path, Variant("first_call_wrong", {"relu": """
CALLS = [0]

def relu(x):
    CALLS[0] += 1
    return np.maximum(x, 0) + (1.0 if CALLS[0] == 1 else 0.0)
"""}))
    check = next(c for c in SUBJECT.assignment.checks if c.id == "cnn-numpy.activations.elementwise")
    result = run_check(SUBJECT.suite, check, LocalSubmission(SUBJECT.assignment, module, reference=SUBJECT.reference))
    assert result.status is Status.FAILED
    assert result.message.startswith("Your code gives different results for the same input")
    assert "The run that failed:\nrelu(x) does not match the reference." in result.message
    for internal in ("tests/suites", "cnn_numpy.py", "Traceback", "elementwise_activations_match", "Flaky"):
        assert internal not in result.message
    assert result.counterexample is not None and result.counterexample.inputs[0][0] == "x"
