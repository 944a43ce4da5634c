"""Mutants of reference/lab1_tensors.py: one known mistake each, and the checks that must catch it.

The lab manual's real bug in this lab is its stale numbering: exercise 6 multiplies "the tensor from
2", exercise 8 "the tensors you created in 6", exercises 9 and 10 read "the output of 7" (the manual
dropped two exercises of its source and kept the old numbers). The mutants ``stale_ref_*`` are what
a student who follows those references writes: exercise 2's permute applied to the (7, 7) tensor
before the product, and a product of the wrong tensors. The others are the slips these exercises
invite (cat for stack, reshape for permute, torch.Tensor for from_numpy, randn for rand, a seed set
outside the function), each written the way a student would write it. The alternatives, which must
score 100 %, are in lab1_tensors_alternatives.py.

A mutant that returns a copy where the lab asks for a view (``x.reshape(...).clone()`` for ``view``,
``torch.tensor(a)`` for ``torch.from_numpy(a)``) is not here: it computes the same values, and the
grader cannot see whether a result shares memory with its input (see the suite's docstring).
"""

from __future__ import annotations

from pathlib import Path

from . import definition, edit, mutant_maker
from .lab1_tensors_alternatives import ALTERNATIVES

REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "lab1_tensors.py"

_mutant = mutant_maker("lab1-tensors")


def _changed(name: str, old: str, new: str) -> str:
    return edit(definition(REFERENCE, name), old, new)


MUTANTS = (
    # --- the manual's stale references (bug 1 of the catalog) -------------------------------------------
    _mutant("stale_ref_e6_permutes_A", "exercise 6 read as 'the tensor from 2': the (7, 7) tensor is permuted "
            "(exercise 2) before the product, A.permute(1, 0) @ B.T", ("matmul-7x7.values",),
            matmul_7x7_1x7=_changed("matmul_7x7_1x7", "torch.matmul(A, B.T)", "torch.matmul(A.permute(1, 0), B.T)")),
    _mutant("stale_ref_e8_wrong_tensors", "exercise 8 read as 'the tensors you created in 6' (one there): A "
            "multiplied with its own transpose, B unused", ("matmul-pair.values",),
            matmul_pair=_changed("matmul_pair", "torch.matmul(A, B.T)", "torch.matmul(A, A.T)")),
    # --- exercise 1 --------------------------------------------------------------------------------------------
    _mutant("reshape_hard_coded_3x3", "reshaped is x.reshape(3, 3), the manual's nine values only",
            ("reshape.shapes", "reshape.values"),
            reshape_demo=_changed("reshape_demo", "x.reshape(3, -1)", "x.reshape(3, 3)")),
    _mutant("stack_rows_by_cat", "stacked_rows is torch.cat([x, x]): joined along x's axis, (2n,)",
            ("reshape.shapes", "reshape.values"),
            reshape_demo=_changed("reshape_demo", "torch.stack([x, x], dim=0)", "torch.cat([x, x], dim=0)")),
    _mutant("stack_columns_by_reshape", "stacked_columns is the rows stack reshaped to (n, 2)",
            ("reshape.values",),
            reshape_demo=_changed("reshape_demo", "torch.stack([x, x], dim=1)", "torch.stack([x, x]).reshape(n, 2)")),
    _mutant("squeeze_first_axis_only", "squeezed is view(1, n, 1).squeeze(0): the last axis of size 1 stays",
            ("reshape.shapes", "reshape.values"),
            reshape_demo=_changed("reshape_demo", "x.view(1, n, 1).squeeze()", "x.view(1, n, 1).squeeze(0)")),
    # --- exercises 2 and 3 -------------------------------------------------------------------------------------
    _mutant("permute_by_reshape", "permute_demo reshapes x to the permuted shape: the values keep their order",
            ("permute.values",),
            permute_demo=_changed("permute_demo", "x.permute(*dims)", "x.reshape([x.shape[d] for d in dims])")),
    _mutant("permute_inverse", "permute_demo moves axis i to position dims[i] (movedim), the inverse permutation",
            ("permute.shape", "permute.values"),
            permute_demo=_changed("permute_demo", "x.permute(*dims)", "torch.movedim(x, tuple(range(x.dim())), dims)")),
    _mutant("index_row_for_column", "second_column is x[:, 1], row 1 of every matrix", ("index.shapes", "index.values"),
            index_demo=_changed("index_demo", "x[:, :, 1]", "x[:, 1]")),
    _mutant("index_last_column_2", "last_column is x[0, :, 2], the last column of the manual's 3 x 3 only",
            ("index.values",),
            index_demo=_changed("index_demo", "x[0, :, -1]", "x[0, :, 2]")),
    # --- exercise 4 ----------------------------------------------------------------------------------------------
    _mutant("np_to_tensor_float32", "np_to_tensor is torch.Tensor(a): always float32", ("np-to-tensor.dtype",),
            np_to_tensor=_changed("np_to_tensor", "torch.from_numpy(a)", "torch.Tensor(a)")),
    _mutant("np_to_tensor_round_trip", "np_to_tensor does all of exercise 4, to a tensor and back: it returns "
            "torch.from_numpy(a).numpy(), an array", ("np-to-tensor.values",),
            np_to_tensor=_changed("np_to_tensor", "torch.from_numpy(a)", "torch.from_numpy(a).numpy()")),
    _mutant("tensor_to_np_list", "tensor_to_np returns t.tolist(), a Python list",
            ("tensor-to-np.values", "tensor-to-np.dtype"),
            tensor_to_np=_changed("tensor_to_np", "t.numpy()", "t.tolist()")),
    _mutant("tensor_to_np_via_list", "tensor_to_np is np.array(t.tolist()): float32 becomes float64",
            ("tensor-to-np.dtype",),
            tensor_to_np="import numpy as np\n\n\n" + _changed("tensor_to_np", "t.numpy()", "np.array(t.tolist())")),
    # --- exercises 5 and 6 -----------------------------------------------------------------------------------------
    _mutant("make_7x7_randn", "make_7x7 draws torch.randn: normal values, not uniform in [0, 1)",
            ("make-7x7.tensor", "make-7x7.seeded"),
            make_7x7=_changed("make_7x7", "torch.rand(7, 7)", "torch.randn(7, 7)")),
    _mutant("make_7x7_numpy_seed", "make_7x7 seeds numpy's generator (np.random.seed), not torch's",
            ("make-7x7.seeded",),
            make_7x7="import numpy as np\n\n\n" + _changed("make_7x7", "        torch.manual_seed(seed)",
                                                          "        np.random.seed(seed)")),
    _mutant("matmul_elementwise", "matmul_7x7_1x7 is A * B: element by element, broadcast to (7, 7)",
            ("matmul-7x7.shape", "matmul-7x7.values"),
            matmul_7x7_1x7=_changed("matmul_7x7_1x7", "torch.matmul(A, B.T)", "A * B")),
    # --- exercises 7-10 -----------------------------------------------------------------------------------------
    _mutant("make_pair_one_tensor", "make_pair returns one tensor twice: A = B = torch.rand(2, 3)",
            ("make-pair.tensors",),
            make_pair=_changed("make_pair", "    B = torch.rand(2, 3).to(device)\n", "    B = A\n")),
    _mutant("matmul_pair_transposed", "matmul_pair is B @ A.T, the transpose of A @ B.T", ("matmul-pair.values",),
            matmul_pair=_changed("matmul_pair", "torch.matmul(A, B.T)", "torch.matmul(B, A.T)")),
    _mutant("matmul_pair_3x3", "matmul_pair transposes the first tensor: A.T @ B, (3, 3)",
            ("matmul-pair.shape", "matmul-pair.values"),
            matmul_pair=_changed("matmul_pair", "torch.matmul(A, B.T)", "torch.matmul(A.T, B)")),
    _mutant("minmax_swapped", "minmax returns (min, max)", ("minmax.values",),
            minmax=_changed("minmax", "M.max(), M.min()", "M.min(), M.max()")),
    _mutant("argminmax_per_row", "argminmax returns each row's argmax and argmin (dim=1)", ("argminmax.values",),
            argminmax=_changed("argminmax", "M.argmax(), M.argmin()", "M.argmax(dim=1), M.argmin(dim=1)")),
    _mutant("argminmax_values", "argminmax returns the values, M.max() and M.min(), not their indices",
            ("argminmax.values",),
            argminmax=_changed("argminmax", "M.argmax(), M.argmin()", "M.max(), M.min()")),
    # --- exercise 11 -----------------------------------------------------------------------------------------------
    _mutant("squeeze_seed_outside", "the seed is set once in a cell above squeeze_demo, not inside it",
            ("squeeze-demo.seed-7",),
            squeeze_demo="torch.manual_seed(7)   # the cell above\n\n\n"
                         + _changed("squeeze_demo", "    torch.manual_seed(7)\n", "")),
    _mutant("squeeze_seed_after_draw", "torch.manual_seed(7) comes after torch.rand", ("squeeze-demo.seed-7",),
            squeeze_demo=_changed("squeeze_demo", "    torch.manual_seed(7)\n    t = torch.rand(1, 1, 1, 10)\n",
                                  "    t = torch.rand(1, 1, 1, 10)\n    torch.manual_seed(7)\n")),
    _mutant("squeeze_dim_0", "squeeze_demo's second tensor is t.squeeze(0): (1, 1, 10)", ("squeeze-demo.shapes",),
            squeeze_demo=_changed("squeeze_demo", "t.squeeze()", "t.squeeze(0)")),
)

__all__ = ["ALTERNATIVES", "MUTANTS", "REFERENCE"]
