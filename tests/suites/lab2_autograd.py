"""The grading suite of lab2-autograd: one ``@check`` per check in assignments/lab2-autograd/assignment.toml.

Every exercise has a function that returns the hand-derived derivative (``*_manual``) and one that
returns the graph's value and its derivative by autograd (``*_autograd``). Both are called at
hypothesis-drawn points and at the points the lab manual prints (``@example``), and compared with
the closed forms in lab2_autograd_private.py (never shipped), which also name the known mistakes.

Drawn numbers are float32 numbers (``width=32``), so a student who computes in float32, as
``torch.tensor(x)`` does, works on exactly the grader's point; the tolerance is float32's whether
the answer comes back as a tensor or as a Python float (assignment.toml).
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): what computes answers is in lab2_autograd_private.py

import math
from dataclasses import dataclass
from functools import partial
from typing import Any, Callable, Mapping

import numpy as np
import torch
from hypothesis import example, given
from hypothesis import strategies as st

from grader.compare import as_array, describe
from grader.suite import check, expect_close, fail, load_private, matches

private = load_private(__file__, "lab2_autograd_private")   # what computes answers: never sent to students
Inputs = Mapping[str, Any]

NO_GRADIENT = ("A tensor's .grad is None until backward() has run on a result computed from it, and only a leaf "
               "tensor created with requires_grad=True keeps one (an intermediate's .grad, such as z.grad, stays "
               "None). Call backward() on the output first, then read the input's .grad.")
NO_RESULT = "Does the function end with a return statement?"


def floats(low: float, high: float) -> st.SearchStrategy[float]:
    """Numbers that float32 holds exactly, so float32 and float64 solutions start from the same point."""
    return st.floats(low, high, width=32, allow_nan=False, allow_infinity=False)


def call_text(name: str, point: Inputs) -> str:
    return f"{name}({', '.join(f'{k}={v:.7g}' for k, v in point.items())})"


# --- reading what came back -------------------------------------------------------------------------
def number(value: Any, what: str, inputs: Inputs, if_none: str) -> np.ndarray:
    """``value`` as a 0-d array of its own dtype: a Python number, or a tensor or array of one element."""
    if value is None:
        fail(f"{what} is None. {if_none}", inputs=inputs)
    array = as_array(value)
    if array is None and isinstance(value, (int, float)) and not isinstance(value, bool):
        array = np.asarray(float(value))
    if array is None or not np.issubdtype(array.dtype, np.number):
        fail(f"{what} should be a number (a float, or a tensor with one element); it is {describe(value)}.",
             inputs=inputs)
    if array.size != 1:
        fail(f"{what} should be one number; it is {describe(value)}.", inputs=inputs)
    return array.reshape(())


def numbers(value: Any, what: str, inputs: Inputs, if_none: str, *, n: int) -> np.ndarray:
    """``value`` as a 1-D array of n numbers: a tensor or array of n elements, or a list of n numbers."""
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            fail(f"{what} should hold {n} numbers, one per point; it holds {len(value)}.", inputs=inputs)
        return np.array([number(v, f"{what}[{i}]", inputs, if_none) for i, v in enumerate(value)])
    if value is None:
        fail(f"{what} is None. {if_none}", inputs=inputs)
    array = as_array(value)
    if array is None or not np.issubdtype(array.dtype, np.number) or array.size != n:
        fail(f"{what} should hold {n} numbers, one per point (a 1-D tensor); it is {describe(value)}.", inputs=inputs)
    return array.reshape(n)


def items(result: Any, n: int, what: str, names: str, inputs: Inputs) -> tuple[Any, ...]:
    """The n items of a returned tuple (or list)."""
    if not isinstance(result, (tuple, list)) or len(result) != n:
        fail(f"{what} should return a tuple {names}; it returned {describe(result)}.", inputs=inputs)
    return tuple(result)


Reader = Callable[[Any, str, Inputs, str], np.ndarray]     # number, or numbers with n given


def expect_value_and_derivative(result: Any, answers: Mapping[str, Any], call: str, names: tuple[str, str],
                                read: Reader, inputs: Inputs) -> None:
    """What an autograd function returned, (value, derivative), each read by ``read`` and compared
    with answers["value"] and answers["grad"]."""
    returned = items(result, 2, call, f"({names[0]}, {names[1]})", inputs)
    for i, (key, if_none) in enumerate((("value", NO_RESULT), ("grad", NO_GRADIENT))):
        what = f"{call}[{i}], {names[i]}"
        expect_answer(read(returned[i], what, inputs, if_none), answers[key], what, inputs)


def expect_answer(actual: Any, answer: Mapping[str, Any], what: str, inputs: Inputs) -> None:
    """expect_close against answer["expected"], except that a number equal to one of the known wrong
    answers fails with its cause."""
    expected = answer["expected"]
    if not matches(actual, expected):
        for wrong, cause in answer["wrong"]:
            if matches(actual, wrong):
                fail(f"{what} is not right: {cause}", inputs=inputs, expected=expected, actual=actual)
    expect_close(actual, expected, what=what, inputs=inputs)


# --- the exercises with one output and one derivative ---------------------------------------------------
@dataclass(frozen=True)
class Graph:
    """One scalar exercise: the student's two functions, how its points are drawn, and the points the
    manual prints (graded for everyone, first)."""

    exercise: str                    # "p1": checks p1.manual and p1.autograd
    stem: str                        # "dz_dx": the functions dz_dx_manual and dz_dx_autograd
    value: str                       # the output's name, "z"
    derivative: str                  # "dz/dx"
    points: st.SearchStrategy[dict[str, float]]
    printed: tuple[dict[str, float], ...]


def _one(low: float, high: float) -> st.SearchStrategy[dict[str, float]]:
    return st.fixed_dictionaries({"x": floats(low, high)})


def _wxb(v_away_from_zero: bool) -> st.SearchStrategy[dict[str, float]]:
    drawn = st.fixed_dictionaries({"w": floats(-4, 4), "x": floats(-4, 4), "b": floats(-4, 4)})
    # ReLU has no derivative at v = w x + b = 0 (autograd says 0 there): the grader never asks
    return drawn.filter(lambda p: abs(p["w"] * p["x"] + p["b"]) >= 0.01) if v_away_from_zero else drawn


_PRINTED_WXB = ({"w": 2.0, "x": 3.0, "b": 1.0}, {"w": 0.5, "x": 2.0, "b": -0.3}, {"w": -1.0, "x": 2.0, "b": 0.5})

GRAPHS = (
    Graph("p1", "dz_dx", "z", "dz/dx", _one(-10, 10), ({"x": 3.5},)),
    Graph("p2", "df_dx", "f", "df/dx", _one(-10, 10), ({"x": 1.0},)),
    Graph("p3", "dy_dx", "y", "dy/dx", _one(-10, 10), ({"x": 2.0},)),
    Graph("p4", "grad_sigmoid", "s", "ds/dx", _one(-10, 10), ({"x": 2.0},)),
    Graph("e1", "dz_da", "z", "dz/da", st.fixed_dictionaries({"a": floats(-3, 3), "b": floats(-3, 3)}),
          ({"a": 1.0, "b": 1.0}, {"a": 2.0, "b": 3.0}, {"a": 0.5, "b": -1.0})),
    Graph("e2", "da_dw_relu", "a", "da/dw", _wxb(True), _PRINTED_WXB),
    Graph("e3", "da_dw_sigmoid", "a", "da/dw", _wxb(False), _PRINTED_WXB),
    Graph("e5", "grad_poly", "y", "dy/dx", _one(-3, 3), tuple({"x": x} for x in (2.0, 0.0, 1.0, -1.0, 3.0))),
)


def with_printed(points: tuple[dict[str, float], ...]) -> Callable[[Any], Any]:
    def add(fn: Any) -> Any:
        for point in reversed(points):
            fn = example(point=point)(fn)
        return fn
    return add


def _register_graph_checks(graph: Graph) -> dict[str, Any]:
    """The two checks of one scalar exercise, as module-level functions for load_suite to find."""
    answers_at = getattr(private, graph.exercise)

    @check(f"{graph.exercise}.manual")
    @with_printed(graph.printed)
    @given(point=graph.points)
    def manual(sub, point):
        name = f"{graph.stem}_manual"
        answers = answers_at(**point)
        what = f"{call_text(name, point)}, {graph.derivative}"
        got = number(sub.function(name)(**point), what, point, NO_RESULT)
        expect_answer(got, answers["grad"], what, point)

    @check(f"{graph.exercise}.autograd")
    @with_printed(graph.printed)
    @given(point=graph.points)
    def autograd(sub, point):
        name = f"{graph.stem}_autograd"
        expect_value_and_derivative(sub.function(name)(**point), answers_at(**point), call_text(name, point),
                                    (graph.value, graph.derivative), number, point)

    return {f"{graph.exercise}_{fn.__name__}": fn for fn in (manual, autograd)}


for _graph in GRAPHS:
    globals().update(_register_graph_checks(_graph))


# --- E4: f = exp(-x^2 - 2x - sin x), verified at several points at once -----------------------------------
PRINTED_E4 = [0.0, 1.0, -1.0, 0.5, 2.0]
e4_points = st.lists(floats(-3, 2), min_size=1, max_size=6)


def e4_input(points: list[float]) -> dict[str, torch.Tensor]:
    return {"x": torch.tensor(points, dtype=torch.float32)}


@check("e4.manual")
@example(points=PRINTED_E4)
@given(points=e4_points)
def e4_manual(sub, points):
    inputs = e4_input(points)
    what = "grad_f4_manual(x), f'(x) at each point"
    got = numbers(sub.function("grad_f4_manual")(**inputs), what, inputs, NO_RESULT, n=len(points))
    expect_answer(got, private.e4(points)["grad"], what, inputs)


@check("e4.autograd")
@example(points=PRINTED_E4)
@given(points=e4_points)
def e4_autograd(sub, points):
    inputs = e4_input(points)
    expect_value_and_derivative(sub.function("grad_f4_autograd")(**inputs), private.e4(points), "grad_f4_autograd(x)",
                                ("f at each point", "df/dx at each point"), partial(numbers, n=len(points)), inputs)


# --- E6: f = tanh(ln(1 + z 2x / sin y)) -----------------------------------------------------------------
@st.composite
def e6_points(draw) -> dict[str, float]:
    """Points where f is defined and not at the edge of its domain: |sin y| >= 0.2 and 1 + d >= 0.1."""
    x, z = draw(floats(-3, 3)), draw(floats(-3, 3))
    y = draw(floats(-3, 3).filter(lambda y: abs(math.sin(y)) >= 0.2))
    if 1 + 2 * x * z / math.sin(y) < 0.1:
        z = -z if 1 - 2 * x * z / math.sin(y) >= 0.1 else 0.0
    return {"x": x, "y": y, "z": z}


PRINTED_E6 = ({"x": 0.5, "y": math.pi / 2, "z": 2.0}, {"x": 1.0, "y": 1.0, "z": 1.0}, {"x": 2.0, "y": 1.0, "z": 3.0})
NODES = ("a", "b", "c", "d", "e", "f")


@check("e6.intermediates")
@with_printed(PRINTED_E6)
@given(point=e6_points())
def e6_intermediates(sub, point):
    call = call_text("f6_intermediates", point)
    got = sub.function("f6_intermediates")(**point)
    if isinstance(got, (tuple, list)) and len(got) == len(NODES):
        got = dict(zip(NODES, got))
    if not isinstance(got, dict) or sorted(map(str, got)) != list(NODES):
        fail(f"{call} should return a dict with the keys {', '.join(NODES)} (the graph's nodes); it returned "
             f"{describe(got)}.", inputs=point)
    nodes = {k: number(got[k], f"{call}[{k!r}]", point, NO_RESULT) for k in NODES}
    expect_answer(nodes, private.e6_intermediates(**point), call, point)


def expect_e6_gradient(got: tuple[Any, ...], first: int, call: str, point: Inputs, if_none: str,
                       answer: Mapping[str, Any]) -> None:
    """(df/dx, df/dy, df/dz), items first to first + 2 of what ``call`` returned, against ``answer``."""
    grads = tuple(number(g, f"{call}[{first + i}], df/d{v}", point, if_none) for i, (g, v) in enumerate(zip(got, "xyz")))
    expect_answer(grads, answer, f"{call}, (df/dx, df/dy, df/dz)", point)


@check("e6.manual")
@with_printed(PRINTED_E6)
@given(point=e6_points())
def e6_manual(sub, point):
    call = call_text("grads_f6_manual", point)
    got = items(sub.function("grads_f6_manual")(**point), 3, call, "(df/dx, df/dy, df/dz)", point)
    expect_e6_gradient(got, 0, call, point, NO_RESULT, private.e6(**point)["grad"])


@check("e6.autograd")
@with_printed(PRINTED_E6)
@given(point=e6_points())
def e6_autograd(sub, point):
    call = call_text("grads_f6_autograd", point)
    result = sub.function("grads_f6_autograd")(**point)
    if isinstance(result, (tuple, list)) and len(result) == 2 and isinstance(result[1], (tuple, list)):
        result = (result[0], *result[1])     # (f, (df/dx, df/dy, df/dz)) is read as (f, df/dx, df/dy, df/dz)
    f, *got = items(result, 4, call, "(f, df/dx, df/dy, df/dz)", point)
    answers = private.e6(**point)
    expect_answer(number(f, f"{call}[0], f", point, NO_RESULT), answers["value"], f"{call}[0], f", point)
    expect_e6_gradient(tuple(got), 1, call, point, NO_GRADIENT, answers["grad"])
