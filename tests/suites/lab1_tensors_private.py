"""lab1-tensors' private helpers: what computes an answer of the lab (the reference's results on the
grader's inputs, torch's seeded draws, and the results of the known wrong versions the suite names),
kept from students (grader.release ships only modules marked for them). The suite calls these
through grader.oracle (load_private), so their results are recorded with the cases.

Seeded draws use a torch.Generator of their own: ``torch.rand(shape, generator=Generator().manual_seed(s))``
gives what ``torch.manual_seed(s); torch.rand(shape)`` gives, without touching the global generator.
"""

from __future__ import annotations

from typing import Any, Sequence

import torch

from grader.suite import reference

ref = reference()


def seeded_uniform(seed: int, shapes: Sequence[Sequence[int]]) -> list[torch.Tensor]:
    """``torch.manual_seed(seed)`` once, then ``torch.rand(shape)`` for each shape in turn."""
    generator = torch.Generator().manual_seed(seed)
    return [torch.rand(*shape, generator=generator) for shape in shapes]


def make_7x7(seed: int) -> dict[str, Any]:
    expected = seeded_uniform(seed, [(7, 7)])[0]
    normal = torch.randn(7, 7, generator=torch.Generator().manual_seed(seed))
    return {"expected": expected,
            "wrong": [(normal, "that is torch.randn's draw: normal values, not torch.rand's uniform ones in [0, 1).")]}


@torch.no_grad()
def reshape_demo(x: torch.Tensor) -> dict[str, Any]:
    expected = ref.reshape_demo(x)
    n = x.shape[0]
    return {"expected": expected,
            "wrong": [({**expected, "stacked_columns": torch.stack([x, x]).reshape(n, 2)},
                       "stacked_columns is the stack of rows reshaped to (n, 2), which puts x[0] next to x[1]. "
                       "Stack along a new last axis instead (torch.stack([x, x], dim=1)): row i is then (x[i], x[i]).")]}


@torch.no_grad()
def permute_demo(x: torch.Tensor, dims: Sequence[int]) -> dict[str, Any]:
    regrouped = x.reshape([x.shape[d] for d in dims])
    return {"expected": ref.permute_demo(x, tuple(dims)),
            "wrong": [(regrouped, "that is x reshaped to the permuted shape: reshape (and view) keep the values "
                                  "in their order and only regroup them, while permute moves the axes.")]}


@torch.no_grad()
def index_demo(x: torch.Tensor) -> dict[str, Any]:
    expected = ref.index_demo(x)
    wrong = []
    if x.shape[2] > 3:   # the manual's (1, 3, 3) example has its last column at index 2
        wrong.append(({**expected, "last_column": x[0, :, 2]},
                      "last_column is column 2, the last one only when there are three columns: use index -1."))
    return {"expected": expected, "wrong": wrong}


@torch.no_grad()
def matmul_7x7_1x7(A: torch.Tensor, B: torch.Tensor) -> dict[str, Any]:
    return {"expected": ref.matmul_7x7_1x7(A, B),
            "wrong": [(A.T @ B.T, "that is A.T @ B.T: the (7, 7) tensor A was transposed (or permuted, as in "
                                  "exercise 2, which the manual's 'tensor from 2' points to by mistake). Transpose "
                                  "only the (1, 7) tensor: A @ B.T.")]}


@torch.no_grad()
def matmul_pair(A: torch.Tensor, B: torch.Tensor) -> dict[str, Any]:
    return {"expected": ref.matmul_pair(A, B),
            "wrong": [(B @ A.T, "that is B @ A.T, the transpose of A @ B.T: keep A first."),
                      (A @ A.T, "that is A @ A.T: B, the second tensor, is not used."),
                      (B @ B.T, "that is B @ B.T: A, the first tensor, is not used.")]}


@torch.no_grad()
def minmax(M: torch.Tensor) -> dict[str, Any]:
    largest, smallest = ref.minmax(M)
    return {"expected": (largest, smallest),
            "wrong": [((smallest, largest), "that is (min, max); the grader's order is (max, min).")]}


@torch.no_grad()
def argminmax(M: torch.Tensor) -> dict[str, Any]:
    largest, smallest = ref.argminmax(M)
    values = ref.minmax(M)
    return {"expected": (largest, smallest),
            "wrong": [((smallest, largest), "that is (argmin, argmax); the grader's order is (argmax, argmin)."),
                      (values, "those are the largest and smallest values, not their indices.")]}
