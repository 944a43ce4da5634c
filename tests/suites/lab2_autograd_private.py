"""lab2-autograd's private helpers: the exercises' values and derivatives in closed form (float64),
and the answers of the known mistakes that a hint names, kept from students (grader.release ships
only modules marked for them). The suite calls these through grader.oracle (load_private), so their
results are recorded with the cases and a student's copy of the grader looks them up.

Each function returns, for one point, ``{"value": answer, "grad": answer}`` where an answer is
``{"expected": number, "wrong": [(number, cause), ...]}``: the right number and the numbers that
known mistakes give, with what each mistake is. The suite says the cause when a student's number
is one of the wrong ones, and compares with the expected one either way.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

Answer = dict[str, Any]

VALUE_IS_THE_DERIVATIVE = ("the first item is the derivative, not the graph's output: return (value, derivative), "
                           "the output first and then the gradient autograd left in .grad.")
DERIVATIVE_IS_THE_VALUE = ("the second item is the graph's output, not its derivative: return (value, derivative), "
                           "and read the derivative from the input's .grad after backward().")


def _answer(expected: Any, *wrong: tuple[Any, str]) -> Answer:
    return {"expected": expected, "wrong": list(wrong)}


def _scalar(value: float, grad: float, wrong_value: tuple[tuple[float, str], ...] = (),
            wrong_grad: tuple[tuple[float, str], ...] = ()) -> dict[str, Answer]:
    """The answers of an exercise with one output and one derivative, with the two mix-ups every
    such exercise invites (the derivative returned as the value, and the other way round)."""
    return {"value": _answer(value, *wrong_value, (grad, VALUE_IS_THE_DERIVATIVE)),
            "grad": _answer(grad, *wrong_grad, (value, DERIVATIVE_IS_THE_VALUE))}


def p1(x: float) -> dict[str, Answer]:
    """y = x^2, z = 2y + 3."""
    z, dz = 2 * x ** 2 + 3, 4 * x
    z_is_14 = (dz, "this is dz/dx = 4x, not z = 2x^2 + 3. At x = 3.5, z = 27.5 and dz/dx = 14: the manual's "
                   "'for input x = 3.5, will make z = 14' mixes the two up. Return z itself first, then x.grad.")
    return _scalar(z, dz, wrong_value=(z_is_14,),
                   wrong_grad=((2.2 * x, "the manual's 'dz/dx = 2.2x' is 2 * 2x (dz/dy = 2 times dy/dx = 2x), "
                                         "not 2.2 times x."),
                               (2 * x, "that is dy/dx = 2x; z = 2y + 3 multiplies it by dz/dy = 2.")))


def p2(x: float) -> dict[str, Answer]:
    """f = (x - 2)^2."""
    return _scalar((x - 2) ** 2, 2 * (x - 2),
                   wrong_grad=((2 * x, "the chain rule multiplies 2(x - 2) by d(x - 2)/dx = 1: f'(x) = 2(x - 2), "
                                       "not 2x."),
                               (2 * x - 2, "f'(x) = 2(x - 2) = 2x - 4, not 2x - 2.")))


def p3(x: float) -> dict[str, Answer]:
    """y = x^2 + 5."""
    return _scalar(x ** 2 + 5, 2 * x,
                   wrong_grad=((2 * x + 5, "the constant 5 has derivative 0: dy/dx = 2x."),))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def p4(x: float) -> dict[str, Answer]:
    """s = 1 / (1 + exp(-x)) through a = -x, b = e^a, c = 1 + b."""
    s = _sigmoid(x)
    grad = s * (1 - s)
    return _scalar(s, grad,
                   wrong_value=((_sigmoid(-x), "that is sigmoid(-x) = 1 / (1 + e^x): the first step is a = -x."),),
                   wrong_grad=((-grad, "the sign is wrong: along the chain, ds/dc = -1/c^2 and da/dx = -1, whose "
                                       "product is positive."),
                               (s, "that is sigmoid(x) itself; its derivative is sigmoid(x) (1 - sigmoid(x)).")))


def e1(a: float, b: float) -> dict[str, Answer]:
    """x = 2a + 3b, y = 5a^2 + 3b^3, z = 2x + 3y."""
    x, y = 2 * a + 3 * b, 5 * a ** 2 + 3 * b ** 3
    return _scalar(2 * x + 3 * y, 4 + 30 * a,
                   wrong_grad=((6 + 27 * b ** 2, "that is dz/db = 6 + 27b^2 (b.grad); the exercise asks dz/da "
                                                 "(a.grad)."),
                               (2 + 30 * a, "dz/da = dz/dx * dx/da + dz/dy * dy/da = 2 * 2 + 3 * 10a: the first term "
                                            "is 4, not 2."),
                               (4 + 10 * a, "dz/dy = 3 multiplies dy/da = 10a: dz/da = 4 + 30a.")))


def e2(w: float, x: float, b: float) -> dict[str, Answer]:
    """a = ReLU(w x + b)."""
    v = w * x + b
    a, grad = max(v, 0.0), (x if v > 0 else 0.0)
    return _scalar(a, grad,
                   wrong_value=((v, "ReLU is missing: a = max(w x + b, 0)."),),
                   wrong_grad=((x, "ReLU's derivative is 0 where w x + b < 0: da/dw = x only where w x + b > 0."),
                               (1.0 if v > 0 else 0.0, "da/dw is ReLU'(v) times dv/dw = x, not ReLU'(v) alone.")))


def e3(w: float, x: float, b: float) -> dict[str, Answer]:
    """a = sigmoid(w x + b)."""
    v = w * x + b
    s = _sigmoid(v)
    relu = (max(v, 0.0), "that is ReLU(w x + b), the graph of exercise 2; this one uses the sigmoid.")
    return _scalar(s, x * s * (1 - s),
                   wrong_value=(relu,),
                   wrong_grad=((s * (1 - s), "sigma'(v) = sigma(v) (1 - sigma(v)) still has to be multiplied by "
                                             "dv/dw = x."),
                               (x if v > 0 else 0.0, "that is the ReLU graph's da/dw (exercise 2); this one uses "
                                                     "the sigmoid.")))


def _f4(x: np.ndarray) -> np.ndarray:
    return np.exp(-x ** 2 - 2 * x - np.sin(x))


def e4(points: list[float]) -> dict[str, Answer]:
    """f = exp(-x^2 - 2x - sin x) at every point."""
    x = np.asarray(points, dtype=np.float64)
    f = _f4(x)
    grad = -(2 * x + 2 + np.cos(x)) * f
    accumulated = []
    if len(x) > 1:
        accumulated.append((np.cumsum(grad), "each gradient is the sum of this point's and all the earlier points' "
                                             "(the first one is right): x.grad accumulates over backward() calls. "
                                             "Zero it (x.grad.zero_()) before each backward(), or use a fresh "
                                             "tensor with requires_grad=True for each point."))
    return {"value": _answer(f, (grad, VALUE_IS_THE_DERIVATIVE)),
            "grad": _answer(grad, *accumulated,
                            (-(2 * x + 2 - np.cos(x)) * f, "the derivative of sin(x) is +cos(x): "
                                                           "f'(x) = -(2x + 2 + cos x) f(x)."),
                            ((2 * x + 2 + np.cos(x)) * f, "the minus sign of the exponent's derivative is lost: "
                                                          "f'(x) = -(2x + 2 + cos x) f(x)."),
                            (f, DERIVATIVE_IS_THE_VALUE))}


def e5(x: float) -> dict[str, Answer]:
    """y = 8x^4 + 3x^3 + 7x^2 + 6x + 3."""
    y = 8 * x ** 4 + 3 * x ** 3 + 7 * x ** 2 + 6 * x + 3
    return _scalar(y, 32 * x ** 3 + 9 * x ** 2 + 14 * x + 6,
                   wrong_value=((y - 2, "the constant term is 3, not 1 (the manual's derivation writes '+1' for it; "
                                        "the derivative does not change, the value does: y(2) = 195)."),),
                   wrong_grad=((32 * x ** 3 + 3 * x ** 2 + 14 * x + 6, "the derivative of 3x^3 is 9x^2."),
                               (32 * x ** 3 + 9 * x ** 2 + 14 * x + 6 + 3, "the constant 3 has derivative 0.")))


def e6_nodes(x: float, y: float, z: float, *, c_of: Any = None, log: Any = math.log1p) -> dict[str, float]:
    """The graph's nodes; ``c_of(a, b)`` and ``log(d)`` (of d, standing for ln(d + 1)) replace the
    right steps to compute what a mistake gives."""
    a, b = 2 * x, math.sin(y)
    c = a / b if c_of is None else c_of(a, b)
    d = z * c
    e = log(d)
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": math.tanh(e)}


def e6_intermediates(x: float, y: float, z: float) -> Answer:
    wrong = [(e6_nodes(x, y, z, log=lambda d: math.log10(d + 1)),
              "e is the natural logarithm ln(d + 1) (torch.log, math.log), not log10.")]
    flipped_d = z * math.sin(y) / (2 * x) if x != 0 else -1.0
    if flipped_d > -1:
        wrong.append((e6_nodes(x, y, z, c_of=lambda a, b: b / a), "c = a / b = 2x / sin(y), not b / a."))
    return _answer(e6_nodes(x, y, z), *wrong)


def e6(x: float, y: float, z: float) -> dict[str, Answer]:
    """f = tanh(ln(1 + z 2x / sin y)); the gradient in the order x, y, z."""
    n = e6_nodes(x, y, z)
    df_dd = (1 - n["f"] ** 2) / (n["d"] + 1)
    grad = (df_dd * z * 2 / n["b"], df_dd * z * (-n["a"] / n["b"] ** 2) * math.cos(y), df_dd * n["c"])
    no_cos = (grad[0], grad[1] / math.cos(y) if math.cos(y) != 0 else math.inf, grad[2])
    log10_f = e6_nodes(x, y, z, log=lambda d: math.log10(d + 1))["f"]
    return {"value": _answer(n["f"], (log10_f, "e is the natural logarithm ln(d + 1), not log10.")),
            "grad": _answer(grad, (no_cos, "df/dy misses the last factor of the chain, db/dy = cos(y)."),
                            ((grad[0], -grad[1], grad[2]), "df/dy has the wrong sign: dc/db = -a / b^2."),
                            ((grad[2], grad[1], grad[0]), "the gradients are in the order z, y, x; the grader reads "
                                                          "them as x, y, z."))}
