"""Comparison messages in torch.testing.assert_close's style."""

from __future__ import annotations

import numpy as np
import torch

from grader.compare import comparison_dtype, describe, mismatch
from grader.spec import DEFAULT_TOLERANCES, Tolerance


def tol(dtype: str) -> Tolerance:
    return Tolerance(*DEFAULT_TOLERANCES[dtype])


def test_equal_arrays_match():
    assert mismatch(np.ones((2, 2)), np.ones((2, 2)), tol) == []


def test_shape_is_reported_before_values():
    (line,) = mismatch(np.ones((2, 3)), np.ones((3, 3)), tol)
    assert line == "The shapes do not match: expected (3, 3), got (2, 3)."


def test_value_mismatch_counts_and_locates_the_worst_element():
    expected = np.zeros((3, 3))
    actual = expected.copy()
    actual[2, 2], actual[0, 1] = 0.71, 0.2
    lines = mismatch(actual, expected, tol)
    assert lines[0] == "Values differ. Shapes match: (3, 3)."
    assert lines[1] == "Mismatched elements: 2 / 9 (22.2%)"
    assert lines[2].startswith("Greatest absolute difference: 0.71 at index (2, 2)")


def test_float32_is_compared_at_float32_tolerance():
    expected = np.full(4, 1.0 / 3.0)
    assert comparison_dtype(expected.astype(np.float32), expected) == "float32"
    assert mismatch(expected.astype(np.float32), expected, tol) == []
    assert mismatch(expected + 1e-6, expected, tol) != []   # float64 on both sides is strict


def test_nan_only_matches_nan():
    assert mismatch(np.array([np.nan]), np.array([np.nan]), tol) == []
    assert mismatch(np.array([np.nan]), np.array([1.0]), tol) != []


def test_nested_structures_say_where():
    lines = mismatch((np.ones(2), [np.zeros(2)]), (np.ones(2), [np.ones(2)]), tol)
    assert "at [1][0]" in lines[0]


def test_wrong_kind_of_value_is_said_plainly():
    assert mismatch("oops", np.ones(2), tol) == ["Expected a number or array, got str 'oops'."]
    assert mismatch(np.ones(2), (np.ones(2),), tol)[0].startswith("Expected a tuple of 1")


def test_tensors_compare_like_arrays():
    assert mismatch(torch.ones(2, dtype=torch.float32), np.ones(2), tol) == []


def test_describe_prints_small_arrays_and_summarises_large_ones():
    assert describe(np.array([1.0, 2.0])) == "array(2,) float64 = [1., 2.]"
    assert describe(np.zeros((50, 50))).startswith("array(50, 50) float64, values in [0, 0]")
