"""The cnn-numpy suite can pass and can fail (tests/variants/contract.py: the reference and every
alternative score 100 %, every mutant fails the checks that name its mistake), and what is
particular to this assignment. Grading through worker processes is tested in test_example_class.py.
"""

from __future__ import annotations

import zlib

import numpy as np
import pytest

import variants.cnn_numpy
from variants import Variant, build_variant
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
