"""Expectations the seq-models checks share: loading the grader's parameters into a student's cell,
reading a step's result, and comparing states with the reference while naming known mistakes.

Shapes are compared leniently where the difference is harmless: a (1, H) bias or a (1, H) state is
as good as an (H,) one, so values are compared after ``reshape(-1)``. An (H, H) state is not: it is
what adding a (1, H) bias row to an (H, 1) column gives, and it is named as such.
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): what computes answers is in seq_models_private.py

from typing import Any, Mapping, Sequence

import numpy as np
import torch

from grader.compare import as_array, describe
from grader.suite import expect_close, fail

Inputs = Mapping[str, Any]

# How close a result must be to a known wrong answer to be recognised as that mistake. It only
# picks the message; the verdict always comes from expect_close.
_DIAGNOSIS_RTOL, _DIAGNOSIS_ATOL = 1e-5, 1e-6


def load_parameters(model, values: Mapping[str, torch.Tensor], what: str) -> torch.dtype | None:
    """Overwrite each of the student's parameters (found by canonical name or alias) with
    ``values``, reshaped to the student's own shape when only the layout differs ((1, H) biases).
    Returns the dtype the student's parameters have (None when they are not floating tensors):
    the steps are then fed in it (:func:`in_dtype`), as a float32 model expects."""
    dtype = None
    for name, value in values.items():
        theirs = model.get(name)
        shape = tuple(getattr(theirs, "shape", ()))
        if int(np.prod(shape, dtype=np.int64)) != value.numel():
            fail(f"{what}.{model.attribute(name)} has shape {shape}; it should have {value.numel()} entries "
                 f"(shape {tuple(value.shape)}).")
        model.set(name, value.reshape(shape))
        if dtype is None and isinstance(theirs, torch.Tensor) and theirs.is_floating_point():
            dtype = theirs.dtype
    return dtype


def in_dtype(value: Any, dtype: torch.dtype | None) -> Any:
    """``value`` (a tensor, or a tuple of them) in the model's floating ``dtype``; as it is when
    that is float64, the grader's own, or unknown. The README accepts float32 cells, and a float32
    cell is fed float32 steps (torch refuses to multiply a float32 matrix by a float64 vector)."""
    if dtype is None or dtype == torch.float64:
        return value
    if isinstance(value, tuple):
        return tuple(in_dtype(v, dtype) for v in value)
    return value.to(dtype) if isinstance(value, torch.Tensor) and value.is_floating_point() else value


def flat(value: Any, what: str, size: int, inputs: Inputs) -> np.ndarray:
    """``value`` as a flat array of ``size`` entries (its dtype kept), or the check fails saying why."""
    array = as_array(value)
    if array is None:
        fail(f"{what} should be a tensor; it is {describe(value)}.", inputs=inputs)
    if array.size != size:
        square = array.shape == (size, size) and size > 1
        cause = (" It is an (H, H) matrix: a (1, H) bias added to an (H, 1) column broadcasts to (H, H). Keep "
                 "every vector of the step in one layout, e.g. all (H,), or all (1, H) with x @ W.T.") if square else ""
        fail(f"{what} has shape {tuple(array.shape)}; expected {size} values, shape ({size},).{cause}",
             inputs=inputs, actual=value)
    return array.reshape(-1)


def split_step(result: Any, two_states: bool, what: str, inputs: Inputs) -> tuple[Any, tuple[Any, ...]]:
    """(output, states) from what forward returned: (y, h), or (y, (h, c)) for the LSTM."""
    shape = "(output, (h_t, c_t))" if two_states else "(y_t, h_t)"
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        fail(f"{what} should return a pair {shape}; it returned {describe(result)}.", inputs=inputs)
    output, state = result
    if not two_states:
        return output, (state,)
    if not (isinstance(state, (tuple, list)) and len(state) == 2):
        fail(f"{what} should return {shape}; its second element is {describe(state)}.", inputs=inputs)
    return output, tuple(state)


def _same(actual: np.ndarray, candidate: np.ndarray) -> bool:
    return actual.shape == candidate.shape and bool(
        np.allclose(actual, candidate, rtol=_DIAGNOSIS_RTOL, atol=_DIAGNOSIS_ATOL))


def expect_values(actual: Sequence[np.ndarray], expected: Sequence[np.ndarray], names: Sequence[str], what: str,
                  inputs: Inputs, diagnoses: Sequence[tuple[Sequence[np.ndarray], str]] = ()) -> None:
    """Each of ``actual`` matches ``expected`` (flat arrays named ``names``); when all of them equal
    a known wrong answer from ``diagnoses`` (wrong values, cause), the message names the cause."""
    if not all(_same(a, e) for a, e in zip(actual, expected)):
        for wrong, cause in diagnoses:
            if all(_same(a, w) for a, w in zip(actual, wrong)):
                fail(f"{what} does not match the reference: {cause}", inputs=inputs)
    for a, e, name in zip(actual, expected, names):
        expect_close(a, e, what=f"{name} of {what}", inputs=inputs)
