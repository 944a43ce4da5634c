"""The grading suite of lab1-tensors: one ``@check`` per check in assignments/lab1-tensors/assignment.toml.

Every function is called in the student's worker with tensors the grader builds from drawn shapes,
dtypes and seeds, and with the lab manual's own printed inputs as explicit examples (``arange``
values, the seed-0 and seed-1234 tensors of the manual's source). A tensor comes back as its values,
dtype, device and requires_grad flag, and is judged here. What computes answers is in
lab1_tensors_private.py.

Not graded, because no check can see it: whether a result shares memory with its input (``view``,
``permute``, ``torch.from_numpy``, ``.numpy()``). A result crosses from the worker as a copy of its
values, and the grader's harness (grader.harness.HARNESS) has no routine that compares storages where
the student's tensors live. The README says so to students.
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): what computes answers is in lab1_tensors_private.py

import math
from typing import Any, Callable, Mapping

import numpy as np
import torch
from hypothesis import example, given
from hypothesis import strategies as st

from grader.compare import as_array, describe, dtype_name
from grader.suite import check, expect, expect_close, fail, load_private, matches

private = load_private(__file__, "lab1_tensors_private")   # what computes answers: never sent to students
Inputs = Mapping[str, Any]

SEEDS = st.integers(0, 2 ** 16)
DTYPES = st.sampled_from(["float32", "float64", "int64"])
FLOATS = st.sampled_from(["float32", "float64"])
# The seed of a case that holds the manual's own input: 1, 2, 3, ... (arange), or for the products
# the tensors the manual's source draws after torch.manual_seed(0) and torch.manual_seed(1234).
MANUAL = -1


# --- inputs ---------------------------------------------------------------------------------------
def array(seed: int, shape: tuple[int, ...], dtype: str, distinct: bool = False) -> np.ndarray:
    """Values of ``shape`` and ``dtype`` drawn from ``seed`` (all different with ``distinct``, so a
    largest and a smallest value are unique); seed MANUAL gives 1, 2, 3, ... as the manual prints."""
    size = math.prod(shape)
    rng = np.random.default_rng(max(seed, 0))
    if seed == MANUAL:
        values = np.arange(1, size + 1)
    elif distinct:
        values = (rng.permutation(size) - size // 2) * (0.75 if dtype != "int64" else 1)
    elif dtype == "int64":
        values = rng.integers(-20, 21, size)
    else:
        values = rng.standard_normal(size)
    return np.asarray(values).reshape(shape).astype(dtype)


def tensor(seed: int, shape: tuple[int, ...], dtype: str, distinct: bool = False) -> torch.Tensor:
    return torch.from_numpy(array(seed, shape, dtype, distinct))


# --- what came back -------------------------------------------------------------------------------
def is_tensor(value: Any) -> bool:
    return isinstance(value, torch.Tensor)


def shape_of(value: Any) -> tuple[int, ...] | None:
    """The shape of an array-like result (a Python number is a scalar, shape ()); None otherwise."""
    found = as_array(value)
    if found is not None:
        return tuple(found.shape)
    return () if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def device_of(value: Any) -> str:
    """The device a tensor was on where the student's code made it (over the wire: its record)."""
    info = getattr(value, "grader_info", None)
    return str(info.device) if info is not None else str(getattr(value, "device", "?"))


def expect_entries(result: Any, keys: list[str], what: str, inputs: Inputs) -> dict[str, Any]:
    """``result`` as a dict that has (at least) ``keys``."""
    expect(isinstance(result, dict), lambda: f"{what} should return a dict with the keys {', '.join(keys)}; it "
           f"returned {describe(result)}.", inputs=inputs)
    missing = [k for k in keys if k not in result]
    expect(not missing, f"{what} returned a dict without {', '.join(map(repr, missing))}; the keys are "
           f"{', '.join(map(repr, keys))} (see the README).", inputs=inputs)
    return {k: result[k] for k in keys}


def expect_pair(result: Any, what: str, inputs: Inputs) -> list[Any]:
    """``result`` as two values: a tuple or list of two, or a tensor of two values."""
    if isinstance(result, (tuple, list)) and len(result) == 2:
        return list(result)
    values = as_array(result)
    if values is not None and values.shape == (2,):
        return [values[0], values[1]]
    fail(f"{what} should return two values, as a tuple; it returned {describe(result)}.", inputs=inputs)
    raise AssertionError("unreachable")


def expect_shapes(result: Mapping[str, Any], shapes: Mapping[str, tuple[int, ...]], what: str, inputs: Inputs,
                  hint: Callable[[str, tuple[int, ...] | None], str]) -> None:
    for key, shape in shapes.items():
        got = shape_of(result[key])
        if got != shape:
            fail(f"{what}[{key!r}] has shape {got if got is not None else describe(result[key])}; expected {shape}. "
                 f"{hint(key, got)}".rstrip(), inputs=inputs)


def expect_answer(actual: Any, answers: Mapping[str, Any], what: str, inputs: Inputs) -> None:
    """expect_close against answers["expected"], except that a result equal to one of the known
    wrong answers fails with its cause."""
    expected = answers["expected"]
    if not matches(actual, expected):
        for wrong, cause in answers["wrong"]:
            if matches(actual, wrong):
                fail(f"{what} is not right: {cause}", inputs=inputs, expected=expected, actual=actual)
    expect_close(actual, expected, what=what, inputs=inputs)


def expect_each_answer(result: Mapping[str, Any], answers: Mapping[str, Any], what: str, inputs: Inputs) -> None:
    """expect_answer for each entry of a dict answer, with the known wrong dicts that differ there."""
    for key, value in answers["expected"].items():
        wrong = [(w[key], cause) for w, cause in answers["wrong"] if not matches(w[key], value)]
        expect_answer(result[key], {"expected": value, "wrong": wrong}, f"{what}[{key!r}]", inputs)


# --- Exercise 1: reshape_demo ---------------------------------------------------------------------------
@st.composite
def vector_cases(draw) -> dict[str, Any]:
    return {"n": 3 * draw(st.integers(1, 5)), "dtype": draw(DTYPES), "seed": draw(SEEDS)}


MANUAL_VECTOR = {"n": 9, "dtype": "float32", "seed": MANUAL}    # the manual's torch.arange(1., 10.)
RESHAPE_KEYS = ["reshaped", "viewed", "stacked_rows", "stacked_columns", "squeezed", "unsqueezed_rows",
                "unsqueezed_columns"]


def reshape_shapes(n: int) -> dict[str, tuple[int, ...]]:
    return {"reshaped": (3, n // 3), "viewed": (1, n), "stacked_rows": (2, n), "stacked_columns": (n, 2),
            "squeezed": (n,), "unsqueezed_rows": (1, n), "unsqueezed_columns": (n, 1)}


def reshape_hint(n: int) -> Callable[[str, tuple[int, ...] | None], str]:
    def hint(key: str, got: tuple[int, ...] | None) -> str:
        if key.startswith("stacked") and got == (2 * n,):
            return "torch.cat joins tensors along an axis they already have; torch.stack adds a new axis."
        if key == "squeezed" and got is not None and len(got) > 1:
            return "squeeze() without an argument removes every axis of size 1; squeeze(0) removes only the first."
        if key == "reshaped":
            return "Three rows, as many columns as it takes: x.reshape(3, -1) ((3, 3) for the manual's 9 values)."
        return ""
    return hint


@check("reshape.shapes")
@given(case=vector_cases())
@example(case=MANUAL_VECTOR)
def reshape_shapes_match(sub, case):
    x = tensor(case["seed"], (case["n"],), case["dtype"])
    inputs = {"x": x}
    result = expect_entries(sub.function("reshape_demo")(x=x), RESHAPE_KEYS, "reshape_demo(x)", inputs)
    expect_shapes(result, reshape_shapes(case["n"]), "reshape_demo(x)", inputs, reshape_hint(case["n"]))


@check("reshape.values")
@given(case=vector_cases())
@example(case=MANUAL_VECTOR)
def reshape_values_match(sub, case):
    x = tensor(case["seed"], (case["n"],), case["dtype"])
    inputs = {"x": x}
    result = expect_entries(sub.function("reshape_demo")(x=x), RESHAPE_KEYS, "reshape_demo(x)", inputs)
    expect_each_answer(result, private.reshape_demo(x), "reshape_demo(x)", inputs)


# --- Exercise 2: permute_demo ---------------------------------------------------------------------------
@st.composite
def permute_cases(draw) -> dict[str, Any]:
    ndim = draw(st.integers(2, 4))
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=ndim, max_size=ndim)))
    return {"shape": shape, "dims": tuple(draw(st.permutations(range(ndim)))), "dtype": draw(DTYPES),
            "seed": draw(SEEDS)}


MANUAL_PERMUTE = {"shape": (2, 3, 5), "dims": (2, 0, 1), "dtype": "float32", "seed": MANUAL}


def permute_input(case: Mapping[str, Any]) -> tuple[torch.Tensor, tuple[int, ...], Inputs]:
    x = tensor(case["seed"], case["shape"], case["dtype"])
    return x, case["dims"], {"x": x, "dims": case["dims"]}


@check("permute.shape")
@given(case=permute_cases())
@example(case=MANUAL_PERMUTE)
def permute_shape_matches(sub, case):
    x, dims, inputs = permute_input(case)
    got = shape_of(sub.function("permute_demo")(x=x, dims=dims))
    expected = tuple(x.shape[d] for d in dims)
    expect(got == expected, f"permute_demo(x, dims={dims}) for x of shape {tuple(x.shape)} has shape {got}; "
           f"expected {expected}: axis i of the result is axis dims[i] of x (x.permute(2, 0, 1) of a (2, 3, 5) "
           f"tensor is (5, 2, 3)).", inputs=inputs)


@check("permute.values")
@given(case=permute_cases())
@example(case=MANUAL_PERMUTE)
def permute_values_match(sub, case):
    x, dims, inputs = permute_input(case)
    out = sub.function("permute_demo")(x=x, dims=dims)
    expect_answer(out, private.permute_demo(x, dims), f"permute_demo(x, dims={dims})", inputs)


# --- Exercise 3: index_demo -----------------------------------------------------------------------------
@st.composite
def index_cases(draw) -> dict[str, Any]:
    shape = (draw(st.integers(1, 3)), draw(st.integers(2, 4)), draw(st.integers(3, 5)))
    return {"shape": shape, "dtype": draw(DTYPES), "seed": draw(SEEDS)}


MANUAL_INDEX = {"shape": (1, 3, 3), "dtype": "int64", "seed": MANUAL}   # torch.arange(1, 10).reshape(1, 3, 3)
INDEX_KEYS = ["first_matrix", "first_row", "element", "second_column", "middle", "last_column"]


def index_hint(key: str, got: tuple[int, ...] | None) -> str:
    if key == "second_column":
        return "x[:, 1] is row 1 of every matrix; column 1 of every matrix is x[:, :, 1]."
    if key == "element":
        return "One value: x[0, 0, 0] (a 0-d tensor), or its .item()."
    return ""


@check("index.shapes")
@given(case=index_cases())
@example(case=MANUAL_INDEX)
def index_shapes_match(sub, case):
    x = tensor(case["seed"], case["shape"], case["dtype"])
    inputs = {"x": x}
    A, B, C = case["shape"]
    result = expect_entries(sub.function("index_demo")(x=x), INDEX_KEYS, "index_demo(x)", inputs)
    shapes = {"first_matrix": (B, C), "first_row": (C,), "element": (), "second_column": (A, B), "middle": (A,),
              "last_column": (B,)}
    expect_shapes(result, shapes, "index_demo(x)", inputs, index_hint)


@check("index.values")
@given(case=index_cases())
@example(case=MANUAL_INDEX)
def index_values_match(sub, case):
    x = tensor(case["seed"], case["shape"], case["dtype"])
    inputs = {"x": x}
    result = expect_entries(sub.function("index_demo")(x=x), INDEX_KEYS, "index_demo(x)", inputs)
    expect_each_answer(result, private.index_demo(x), "index_demo(x)", inputs)


# --- Exercise 4: numpy to torch and back --------------------------------------------------------------------
@st.composite
def array_cases(draw) -> dict[str, Any]:
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    return {"shape": shape, "dtype": draw(DTYPES), "seed": draw(SEEDS)}


MANUAL_ARRAY = {"shape": (7,), "dtype": "float64", "seed": MANUAL}    # the manual's np.arange(1.0, 8.0)


@check("np-to-tensor.values")
@given(case=array_cases())
@example(case=MANUAL_ARRAY)
def np_to_tensor_values(sub, case):
    a = array(case["seed"], case["shape"], case["dtype"])
    inputs = {"a": a}
    out = sub.function("np_to_tensor")(a=a)
    expect(is_tensor(out), lambda: f"np_to_tensor(a) should return a torch tensor; it returned {describe(out)} "
           f"({type(out).__name__}).", inputs=inputs)
    expect_close(out, a, what="np_to_tensor(a)", inputs=inputs)


@check("np-to-tensor.dtype")
@given(case=array_cases())
@example(case=MANUAL_ARRAY)
def np_to_tensor_dtype(sub, case):
    a = array(case["seed"], case["shape"], case["dtype"])
    got = dtype_name(sub.function("np_to_tensor")(a=a))
    expect(got == a.dtype.name, f"np_to_tensor(a) for a {a.dtype.name} array has dtype {got}; it should keep the "
           f"array's dtype. torch.from_numpy(a) does (float64 stays float64, and the tensor shares the array's "
           f"memory); torch.Tensor(a), torch.FloatTensor(a) and .float() always make float32.", inputs={"a": a})


@check("tensor-to-np.values")
@given(case=array_cases())
@example(case=MANUAL_ARRAY)
def tensor_to_np_values(sub, case):
    t = tensor(case["seed"], case["shape"], case["dtype"])
    inputs = {"t": t}
    out = sub.function("tensor_to_np")(t=t)
    expect(isinstance(out, np.ndarray), lambda: f"tensor_to_np(t) should return a numpy array (t.numpy()); it "
           f"returned {describe(out)} ({type(out).__name__}).", inputs=inputs)
    expect_close(out, t, what="tensor_to_np(t)", inputs=inputs)


@check("tensor-to-np.dtype")
@given(case=array_cases())
@example(case=MANUAL_ARRAY)
def tensor_to_np_dtype(sub, case):
    t = tensor(case["seed"], case["shape"], case["dtype"])
    out = sub.function("tensor_to_np")(t=t)
    try:
        got = dtype_name(out) if as_array(out) is not None else np.asarray(out).dtype.name
    except (TypeError, ValueError):
        got = type(out).__name__
    expected = dtype_name(t)
    expect(got == expected, f"tensor_to_np(t) for a {expected} tensor has dtype {got}; it should keep the tensor's "
           f"dtype, as t.numpy() does (np.array(t.tolist()) makes float64 of float32 values).", inputs={"t": t})


# --- Exercises 5 and 6: a random (7, 7) tensor and its product with a (1, 7) one --------------------------
def expect_uniform(value: Any, shape: tuple[int, ...], what: str) -> np.ndarray:
    """A float32 tensor of ``shape`` with values in [0, 1), as torch.rand draws them."""
    expect(is_tensor(value), lambda: f"{what} should be a torch tensor; it is {describe(value)}.")
    values = np.asarray(as_array(value))
    expect(values.shape == shape, f"{what} has shape {values.shape}; expected {shape}.", actual=value)
    expect(values.dtype == np.float32, f"{what} has dtype {dtype_name(value)}; torch.rand draws float32 (the "
           f"default dtype).", actual=value)
    expect(bool(np.all((values >= 0) & (values < 1))), lambda: f"{what} has values outside [0, 1): "
           f"{describe(values)}. torch.rand draws uniformly from [0, 1); torch.randn is normal.", actual=value)
    return values


@check("make-7x7.tensor")
def make_7x7_tensor(sub):
    first = expect_uniform(sub.function("make_7x7")(), (7, 7), "make_7x7()")
    second = expect_uniform(sub.function("make_7x7")(), (7, 7), "make_7x7() called again")
    expect(not np.array_equal(first, second), "make_7x7() returned the same values twice: without a seed, each "
           "call should draw new ones (seed only when a seed is given).")


@check("make-7x7.seeded")
@given(seed=SEEDS)
@example(seed=0)
def make_7x7_seeded(sub, seed):
    out = sub.function("make_7x7")(seed=seed)
    expect_answer(out, private.make_7x7(seed), f"make_7x7(seed={seed}) (torch.manual_seed({seed}), then "
                  f"torch.rand(7, 7))", {"seed": seed})


@st.composite
def product_cases(draw) -> dict[str, Any]:
    return {"dtype": draw(FLOATS), "seed": draw(SEEDS)}


MANUAL_PRODUCT = {"dtype": "float32", "seed": MANUAL}


def product_inputs(case: Mapping[str, Any], shapes: tuple[tuple[int, int], tuple[int, int]],
                   manual_seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Two tensors of ``shapes``; for the manual's case, those its source draws after
    torch.manual_seed(manual_seed), seeded once for both (the products the manual's source prints)."""
    if case["seed"] == MANUAL:
        A, B = private.seeded_uniform(manual_seed, list(shapes))
        return A, B
    return tensor(case["seed"], shapes[0], case["dtype"]), tensor(case["seed"] + 1, shapes[1], case["dtype"])


SEVEN_BY_SEVEN = ((7, 7), (1, 7))   # exercises 5 and 6; the manual's source seeds 0
PAIR = ((2, 3), (2, 3))             # exercise 7; the manual's source seeds 1234


def product_hint(got: tuple[int, ...] | None, operand: tuple[int, ...]) -> str:
    if got == operand:
        return ("`*` (torch.mul) multiplies element by element; a matrix product is `@` (torch.matmul) of A and B "
                "transposed.")
    if got == (3, 3):
        return "That is A.T @ B: the grader's convention is A @ B.T, which transposes the second tensor."
    if got is not None and len(got) == 2 and got[::-1] != got:
        return "That is the transpose of the answer (B @ A.T): keep A first, A @ B.T."
    return ""


def expect_product_shape(sub, name: str, A: torch.Tensor, B: torch.Tensor, expected: tuple[int, ...]) -> None:
    """The student's ``name``(A, B) has the shape of A @ B.T."""
    got = shape_of(sub.function(name)(A=A, B=B))
    expect(got == expected, f"{name}(A, B) for A {tuple(A.shape)} and B {tuple(B.shape)} has shape {got}; expected "
           f"{expected}, A @ B.T. {product_hint(got, tuple(A.shape))}".rstrip(), inputs={"A": A, "B": B})


def expect_product_values(sub, name: str, A: torch.Tensor, B: torch.Tensor) -> None:
    """The student's ``name``(A, B) equals the reference's, with the known wrong products named."""
    answers = getattr(private, name)(A, B)     # the private module names its helpers after the exercises
    expect_answer(sub.function(name)(A=A, B=B), answers, f"{name}(A, B)", {"A": A, "B": B})


@check("matmul-7x7.shape")
@given(case=product_cases())
@example(case=MANUAL_PRODUCT)
def matmul_7x7_shape(sub, case):
    expect_product_shape(sub, "matmul_7x7_1x7", *product_inputs(case, SEVEN_BY_SEVEN, 0), (7, 1))


@check("matmul-7x7.values")
@given(case=product_cases())
@example(case=MANUAL_PRODUCT)
def matmul_7x7_values(sub, case):
    expect_product_values(sub, "matmul_7x7_1x7", *product_inputs(case, SEVEN_BY_SEVEN, 0))


# --- Exercises 7-10: a pair of tensors on a device, their product, its extremes -----------------------------
@check("make-pair.tensors")
def make_pair_tensors(sub):
    # The grader's workers have no GPU: the device asked for is the CPU (see the README).
    result = expect_pair(sub.function("make_pair")(device="cpu"), "make_pair(device='cpu')", {"device": "cpu"})
    drawn = []
    for name, value in zip("AB", result):
        what = f"{name} of make_pair(device='cpu')"
        drawn.append(expect_uniform(value, (2, 3), what))
        expect(device_of(value) == "cpu", f"{what} is on {device_of(value)}; it should be on the device asked for "
               f"(torch.rand(2, 3, device=device), or .to(device)).")
    expect(not np.array_equal(*drawn), "make_pair returned the same values twice: A = B = torch.rand(2, 3) is one "
           "tensor under two names; draw each of them.", actual=result[1])


@check("matmul-pair.shape")
@given(case=product_cases())
@example(case=MANUAL_PRODUCT)
def matmul_pair_shape(sub, case):
    expect_product_shape(sub, "matmul_pair", *product_inputs(case, PAIR, 1234), (2, 2))


@check("matmul-pair.values")
@given(case=product_cases())
@example(case=MANUAL_PRODUCT)
def matmul_pair_values(sub, case):
    expect_product_values(sub, "matmul_pair", *product_inputs(case, PAIR, 1234))


@st.composite
def matrix_cases(draw) -> dict[str, Any]:
    shape = (draw(st.integers(1, 4)), draw(st.integers(2, 4)))
    return {"shape": shape, "dtype": draw(DTYPES), "seed": draw(SEEDS)}


MANUAL_MATRIX = {"shape": (2, 2), "dtype": "float32", "seed": MANUAL}


def matrix(case: Mapping[str, Any]) -> torch.Tensor:
    """A matrix whose values are all different; for the manual's case, the product of its seed-1234
    pair, as exercise 8 computes it."""
    if case["seed"] == MANUAL:
        return private.matmul_pair(*product_inputs(case, PAIR, 1234))["expected"]
    return tensor(case["seed"], case["shape"], case["dtype"], distinct=True)


@check("minmax.values")
@given(case=matrix_cases())
@example(case=MANUAL_MATRIX)
def minmax_values(sub, case):
    M = matrix(case)
    inputs = {"M": M}
    pair = expect_pair(sub.function("minmax")(M=M), "minmax(M)", inputs)
    expect_answer(tuple(pair), private.minmax(M), "minmax(M), (max, min),", inputs)


@check("argminmax.values")
@given(case=matrix_cases())
@example(case=MANUAL_MATRIX)
def argminmax_values(sub, case):
    M = matrix(case)
    inputs = {"M": M}
    pair = expect_pair(sub.function("argminmax")(M=M), "argminmax(M)", inputs)
    for value in pair:
        if shape_of(value) != ():
            fail(f"argminmax(M) should return two single indices into M flattened (M.argmax(), M.argmin()); it "
                 f"returned {describe(value)}. With dim=..., argmax gives one index per row or column.", inputs=inputs)
    expect_answer(tuple(pair), private.argminmax(M), "argminmax(M), (argmax, argmin) of M flattened,", inputs)


# --- Exercise 11: a seeded (1, 1, 1, 10) tensor, squeezed ------------------------------------------------
@check("squeeze-demo.shapes")
def squeeze_demo_shapes(sub):
    t, s = expect_pair(sub.function("squeeze_demo")(), "squeeze_demo()", {})
    expect(shape_of(t) == (1, 1, 1, 10), f"the first tensor of squeeze_demo() has shape {shape_of(t)}; expected "
           f"(1, 1, 1, 10) (torch.rand(1, 1, 1, 10)).", actual=t)
    got = shape_of(s)
    expect(got == (10,), f"the second tensor of squeeze_demo() has shape {got}; expected (10,), every axis of size 1 "
           f"removed." + (" squeeze(0) removes only the first; squeeze() removes all of them."
                          if got is not None and len(got) > 1 else ""), actual=s)
    expect_close(s, np.asarray(as_array(t)).reshape(10), what="the second tensor of squeeze_demo(), the first one "
                 "squeezed,")


@check("squeeze-demo.seed-7")
def squeeze_demo_seed_7(sub):
    expected = private.seeded_uniform(7, [(10,)])[0]
    for call in ("squeeze_demo()", "squeeze_demo() called again"):
        t = expect_pair(sub.function("squeeze_demo")(), call, {})[0]
        values = as_array(t)
        expect(values is not None and values.size == 10, f"the first tensor of {call} should hold 10 values; it is "
               f"{describe(t)}.")
        drawn = np.asarray(values).reshape(10)
        if not matches(drawn, expected):
            fail(f"the first tensor of {call} does not hold torch.manual_seed(7)'s draw. Call torch.manual_seed(7) "
                 f"inside squeeze_demo, right before torch.rand(1, 1, 1, 10): the grader seeds torch differently "
                 f"before every check, so a seed set elsewhere in the notebook does not reach the function.",
                 expected=expected, actual=drawn)
