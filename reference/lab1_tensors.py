"""Reference solution of lab1-tensors: Lab 1 of the deep-learning lab manual, "Introduction to
tensors" (exercises 1-11), one function per exercise, written from torch's documentation.

This module is the specification the suite grades against. Conventions the grader fixes where the
manual's prose leaves a choice:

- ``reshape_demo(x)`` takes a 1-D tensor of ``n`` values, ``n`` a multiple of 3 (the manual's
  ``arange(1., 10.)`` has 9), and returns its seven reshapings by name; none changes the values or
  the dtype.
- Exercises 6, 8, 9 and 10 refer to the wrong exercises (the manual dropped two exercises of its
  source and kept the old numbers): exercise 6 multiplies the (7, 7) tensor of exercise 5, exercise 8
  the tensors of exercise 7, exercises 9 and 10 read the output of exercise 8.
- Products are ``A @ B.T``: the second tensor is transposed, as exercise 6's hint says.
- ``minmax`` returns ``(max, min)`` and ``argminmax`` ``(argmax, argmin)``, the latter as indices
  into the flattened tensor (torch.argmax without ``dim``).
- Randomness is torch's: ``torch.rand`` draws uniform float32 values in [0, 1); a seed goes to
  ``torch.manual_seed`` right before the draw.
"""

from __future__ import annotations

import torch


# --- Exercise 1: reshaping, viewing, stacking, squeezing, unsqueezing --------------------------------
def reshape_demo(x):
    """The 1-D tensor ``x`` (n values, n a multiple of 3) reshaped seven ways.

    reshaped (3, n/3); viewed (1, n), a view of x; stacked_rows (2, n) and stacked_columns (n, 2),
    two copies of x stacked along a new first or last axis; squeezed (n,), x viewed as (1, n, 1) with
    its 1-sized axes removed; unsqueezed_rows (1, n) and unsqueezed_columns (n, 1)."""
    n = x.shape[0]
    return {
        "reshaped": x.reshape(3, -1),
        "viewed": x.view(1, n),
        "stacked_rows": torch.stack([x, x], dim=0),
        "stacked_columns": torch.stack([x, x], dim=1),
        "squeezed": x.view(1, n, 1).squeeze(),
        "unsqueezed_rows": x.unsqueeze(0),
        "unsqueezed_columns": x.unsqueeze(1),
    }


# --- Exercise 2: permute -----------------------------------------------------------------------------
def permute_demo(x, dims):
    """``x`` with its axes reordered: axis i of the result is axis dims[i] of x (a view of x)."""
    return x.permute(*dims)


# --- Exercise 3: indexing ----------------------------------------------------------------------------
def index_demo(x):
    """Six selections from a 3-D tensor ``x`` of shape (A, B, C), B >= 2 and C >= 2."""
    return {
        "first_matrix": x[0],           # (B, C)
        "first_row": x[0, 0],           # (C,)
        "element": x[0, 0, 0],          # a 0-d tensor
        "second_column": x[:, :, 1],    # (A, B): column 1 of every matrix
        "middle": x[:, 1, 1],           # (A,)
        "last_column": x[0, :, -1],     # (B,): the last column of the first matrix
    }


# --- Exercise 4: numpy and back ----------------------------------------------------------------------
def np_to_tensor(a):
    """A tensor on ``a``'s memory, of ``a``'s dtype (float64 stays float64)."""
    return torch.from_numpy(a)


def tensor_to_np(t):
    """A numpy array on ``t``'s memory, of ``t``'s dtype."""
    return t.numpy()


# --- Exercises 5 and 6: a random (7, 7) tensor, times a (1, 7) one -----------------------------------
def make_7x7(seed=None):
    """A (7, 7) float32 tensor of uniform values in [0, 1); with ``seed``, torch.manual_seed(seed)
    first."""
    if seed is not None:
        torch.manual_seed(seed)
    return torch.rand(7, 7)


def matmul_7x7_1x7(A, B):
    """(7, 7) @ (1, 7).T -> (7, 1)."""
    return torch.matmul(A, B.T)


# --- Exercises 7-10: a pair of (2, 3) tensors on a device, their product, its extremes ---------------
def make_pair(device):
    """Two different random (2, 3) float32 tensors in [0, 1), on ``device``."""
    A = torch.rand(2, 3).to(device)
    B = torch.rand(2, 3).to(device)
    return A, B


def matmul_pair(A, B):
    """(2, 3) @ (2, 3).T -> (2, 2)."""
    return torch.matmul(A, B.T)


def minmax(M):
    """(largest value, smallest value) of ``M``."""
    return M.max(), M.min()


def argminmax(M):
    """(index of the largest value, index of the smallest value) in ``M`` flattened."""
    return M.argmax(), M.argmin()


# --- Exercise 11: squeezing a seeded (1, 1, 1, 10) tensor --------------------------------------------
def squeeze_demo():
    """torch.manual_seed(7), then a (1, 1, 1, 10) random tensor and the same with its 1-sized axes
    removed, (10,)."""
    torch.manual_seed(7)
    t = torch.rand(1, 1, 1, 10)
    return t, t.squeeze()

