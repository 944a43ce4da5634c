"""Expectations the cnn-numpy checks share: results that must be arrays of a shape, probability
vectors, layer parameters of the documented shapes, and comparisons that recognise a known
mistake and name it.

Everything here runs in the grading process on plain data that came back from the student's code.
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): expected values come from the reference

from typing import Any, Mapping, Sequence

import numpy as np

from grader.compare import describe
from grader.errors import StudentCodeRaised
from grader.suite import expect, expect_close, fail

Inputs = Mapping[str, Any]

# How close a result must be to a known wrong answer to be recognised as that mistake. Loose on
# purpose: it only picks the message; the verdict always comes from expect_close.
_DIAGNOSIS_RTOL, _DIAGNOSIS_ATOL = 1e-5, 1e-6


def as_array(value: Any, what: str, inputs: Inputs | None = None) -> np.ndarray:
    """The student's result as a numeric array; anything else fails the check and says what it was."""
    if isinstance(value, (np.ndarray, np.generic, list, tuple, int, float)):
        array = np.asarray(value)
        if np.issubdtype(array.dtype, np.number) or array.dtype == bool:
            return array
    fail(f"{what} should return a numeric numpy array; it returned {describe(value)}.", inputs=inputs)
    raise AssertionError("unreachable: fail() raises")


def expect_shape(actual: np.ndarray, shape: tuple[int, ...], what: str, inputs: Inputs | None,
                 why: str = "") -> None:
    expect(actual.shape == tuple(shape), f"{what} returned shape {actual.shape}; expected {tuple(shape)}."
           + (f" {why}" if why else ""), inputs=inputs, actual=actual)


def _same(actual: Any, candidate: np.ndarray) -> bool:
    actual = np.asarray(actual)
    if actual.shape != np.shape(candidate) or not np.issubdtype(actual.dtype, np.number):
        return False
    with np.errstate(invalid="ignore", over="ignore"):   # allclose's test on finite values, as a fast path
        if bool((np.abs(actual - candidate) <= _DIAGNOSIS_ATOL + _DIAGNOSIS_RTOL * np.abs(candidate)).all()):
            return True
    return bool(np.allclose(actual, candidate, rtol=_DIAGNOSIS_RTOL, atol=_DIAGNOSIS_ATOL))


def expect_matches(actual: Any, expected: np.ndarray, what: str, inputs: Inputs,
                   diagnoses: Sequence[tuple[np.ndarray, str]] = ()) -> None:
    """expect_close, except that when ``actual`` equals one of the known wrong answers in
    ``diagnoses`` (pairs of a wrong answer and its cause), the message names that cause."""
    if not _same(actual, expected):
        for wrong, cause in diagnoses:
            if _same(actual, wrong):
                fail(f"{what} does not match the reference: {cause}", inputs=inputs, expected=expected,
                     actual=actual)
    expect_close(actual, expected, what=what, inputs=inputs)


def expect_rows_sum_to_one(actual: np.ndarray, x: np.ndarray, what: str) -> None:
    """Each row of a softmax output (its last axis) sums to 1; says so when it is the columns that do."""
    sums = actual.sum(axis=-1)
    if np.allclose(sums, 1.0, rtol=1e-5, atol=1e-5):
        return
    columns = x.ndim == 2 and np.allclose(actual.sum(axis=0), 1.0, rtol=1e-5, atol=1e-5)
    hint = " The columns sum to 1 instead: normalise over the last axis (axis=-1), not axis 0." if columns else ""
    fail(f"{what} must sum to 1 over the last axis (each row of a 2-D input); the sums are "
         f"{describe(sums)}.{hint}", inputs={"x": x}, actual=actual)


def expect_distribution(scores: np.ndarray, shape: tuple[int, ...], what: str, inputs: Inputs) -> None:
    """``scores`` has ``shape``, is finite and non-negative, and sums to 1 at its own dtype's tolerance."""
    expect_shape(scores, shape, what, inputs)
    expect(bool(np.all(np.isfinite(scores))), f"{what} contains nan or inf.", inputs=inputs, actual=scores)
    expect(bool(np.all(scores >= 0)), f"{what} has negative entries; softmax scores are >= 0.",
           inputs=inputs, actual=scores)
    # np.sum keeps the scores' dtype, so a float32 network is held to float32's tolerance
    expect_close(np.sum(scores), 1.0, what=f"the sum of {what}", inputs=inputs)


def expect_layer_shapes(case, maps: np.ndarray, filters: list[Any]) -> None:
    """convolution_layer's maps are (H', W', K) and its K filters (Fh, Fw, C), for a LayerCase."""
    (fh, fw), channels, k = case.filter_dimensions, case.image.shape[2], case.number_of_filters
    out = case.out_shape()
    stacked_first = " They are stacked along axis 0: stack along the last axis." if maps.shape == (k, *out) else ""
    expect_shape(maps, (*out, k), case.label() + "[0] (the maps)", case.as_inputs(),
                 "The K maps are stacked as (H', W', K)." + stacked_first)
    expect(len(filters) == k, f"{case.label()} returned {len(filters)} filters; expected {k}.", inputs=case.as_inputs())
    shapes = [tuple(np.shape(f)) for f in filters]
    expect(all(s == (fh, fw, channels) for s in shapes), f"{case.label()} returned filters of shapes {shapes}; "
           f"each should be (Fh, Fw, C) = {(fh, fw, channels)}.", inputs=case.as_inputs())


def mlp_attributes(model) -> dict[str, Any]:
    """The student's model's ``weights`` and ``biases``, each read once (one the model lacks, or
    whose reading raised, is left out): the checks that look at them twice ask the worker once."""
    found = {}
    for attr in ("weights", "biases"):
        try:
            found[attr] = model.get(attr)
        except (AttributeError, StudentCodeRaised):   # AttributeError in-process, the other from a worker
            pass
    return found


def expect_mlp_parameters(model, case, found: dict[str, Any] | None = None) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The weights and biases of the student's MultiLayerPerceptron (an Instance) for an MlpCase
    (``found``: as mlp_attributes read them), failing the check unless they are lists of
    (n_in, n_out) and (n_out,) arrays, one per layer."""
    found = mlp_attributes(model) if found is None else found
    for attr in ("weights", "biases"):
        if attr not in found:
            fail(f"{case.label()} has no attribute `{attr}`: keep the parameters in self.weights and "
                 f"self.biases, lists with one array per layer.")
        if not isinstance(found[attr], (list, tuple)):
            fail(f"{case.label()}.{attr} should be a list with one array per layer; it is {describe(found[attr])}.")
    weight_shapes = [tuple(np.shape(w)) for w in found["weights"]]
    bias_shapes = [tuple(np.shape(b)) for b in found["biases"]]
    expect(weight_shapes == case.layer_shapes, f"{case.label()}.weights have shapes {weight_shapes}; expected "
           f"{case.layer_shapes}: one (n_in, n_out) matrix per layer, the output layer included.")
    expect(bias_shapes == [(n,) for _, n in case.layer_shapes], f"{case.label()}.biases have shapes "
           f"{bias_shapes}; expected {[(n,) for _, n in case.layer_shapes]}: one (n_out,) vector per layer.")
    return [np.asarray(w) for w in found["weights"]], [np.asarray(b) for b in found["biases"]]
