"""Numerical gradients, for students to check their backward passes (the grader has its own)."""

import numpy as np


def eval_numerical_gradient(f, x, verbose=True, h=1e-5):
    """Central-difference gradient of the scalar function f at x (changed in place and restored)."""
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        old = x[ix]
        x[ix] = old + h
        above = f(x)
        x[ix] = old - h
        below = f(x)
        x[ix] = old
        grad[ix] = (above - below) / (2 * h)
        if verbose:
            print(ix, grad[ix])
        it.iternext()
    return grad


def eval_numerical_gradient_array(f, x, df, h=1e-5):
    """Central-difference gradient of sum(f(x) * df) with respect to x, for array-valued f."""
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        old = x[ix]
        x[ix] = old + h
        above = f(x).copy()
        x[ix] = old - h
        below = f(x).copy()
        x[ix] = old
        grad[ix] = np.sum((above - below) * df) / (2 * h)
        it.iternext()
    return grad


def rel_error(x, y):
    """Largest relative error between two arrays."""
    return np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y)))
