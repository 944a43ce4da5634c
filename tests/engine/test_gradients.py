"""Gradient comparison tables and float64 finite differences."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from grader.gradients import finite_difference_gradients, gradient_mismatch
from grader.spec import DEFAULT_TOLERANCES, Check, Tolerance
from grader.suite import CheckFailed, expect_gradients_close, running_check

from conftest import tiny_assignment  # tests/engine is on sys.path (rootdir-relative test modules)


def tol(dtype: str) -> Tolerance:
    return Tolerance(*DEFAULT_TOLERANCES[dtype])


RNG = np.random.default_rng(7)
PARAMS = {"W_xh": RNG.standard_normal((4, 3)), "W_hh": RNG.standard_normal((4, 4)) * 0.5,
          "b": RNG.standard_normal(4)}
XS = RNG.standard_normal((5, 3))
TARGET = RNG.standard_normal(4)


def rnn_loss(params, lib=np):
    """Sum of squared error of the last hidden state of a tanh RNN over XS."""
    h = lib.zeros(4, dtype=lib.float64) if lib is torch else np.zeros(4)
    for x in XS:
        x = torch.as_tensor(x) if lib is torch else x
        h = lib.tanh(params["W_xh"] @ x + params["W_hh"] @ h + params["b"])
    target = torch.as_tensor(TARGET) if lib is torch else TARGET
    return ((h - target) ** 2).sum()


def autograd_gradients():
    tensors = {k: torch.tensor(v, requires_grad=True) for k, v in PARAMS.items()}
    rnn_loss(tensors, lib=torch).backward()
    return {k: t.grad.numpy() for k, t in tensors.items()}


def test_finite_differences_agree_with_autograd_in_float64():
    numeric = finite_difference_gradients(rnn_loss, PARAMS)
    assert gradient_mismatch(numeric, autograd_gradients(), lambda d: Tolerance(1e-6, 1e-8)) == []


def test_finite_differences_leave_the_parameters_unchanged():
    before = {k: v.copy() for k, v in PARAMS.items()}
    finite_difference_gradients(rnn_loss, PARAMS)
    assert all(np.array_equal(before[k], PARAMS[k]) for k in PARAMS)


def test_a_wrong_gradient_is_a_small_table_of_the_worst_entries():
    expected = autograd_gradients()
    actual = dict(expected, b=expected["b"] * 0.5)      # e.g. a db missing a step's contribution
    lines = gradient_mismatch(actual, expected, tol)
    assert lines[0] == "Gradients differ in 1 of 3 tensors (b)."
    assert lines[1].split() == ["gradient", "index", "yours", "expected", "difference"]
    assert all(line.split()[0] == "b" for line in lines[2:]) and 2 <= len(lines) <= 8


def test_missing_and_misshapen_gradients_are_said_plainly():
    expected = autograd_gradients()
    assert "No gradient for b" in gradient_mismatch({k: expected[k] for k in ("W_xh", "W_hh")}, expected, tol)[0]
    bad = dict(expected, W_hh=expected["W_hh"].T[:3])
    assert "has shape (3, 4); expected (4, 4)" in gradient_mismatch(bad, expected, tol)[0]


def test_float32_gradients_are_compared_at_float32_tolerance():
    expected = autograd_gradients()
    assert gradient_mismatch({k: v.astype(np.float32) for k, v in expected.items()}, expected, tol) == []


def test_expect_gradients_close_fails_the_running_check_with_the_table():
    check = Check(id="tiny.rnn.grad", exercise_id="tiny.rnn", points=1)
    expected = autograd_gradients()
    with running_check(tiny_assignment(), check):
        expect_gradients_close(expected, expected)
        with pytest.raises(CheckFailed) as info:
            expect_gradients_close(dict(expected, b=np.zeros(4)), expected, what="backward(...) gradients")
    assert info.value.message.startswith("backward(...) gradients do not match.\nGradients differ in 1 of 3")
