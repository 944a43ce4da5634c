"""Gradients: compare them with a small table, and compute them by finite differences.

Hand-written backpropagation (numpy BPTT, ``*_backward`` layers) is checked two ways: against
autograd on the reference forward, and against central finite differences in float64. Either way
a mismatch is reported as a table of the worst entries, never a dumped Jacobian::

    Gradients differ in 1 of 5 tensors (db).
    gradient  index   yours       expected    difference
    db        (2, 0)  0.0         -0.31416    0.31416
"""

from __future__ import annotations

from typing import Callable, Mapping

import numpy as np

from grader.compare import ToleranceFor, as_array, comparison_dtype

TABLE_ROWS = 6


def finite_difference_gradients(loss: Callable[[Mapping[str, np.ndarray]], float],
                                params: Mapping[str, np.ndarray], eps: float = 1e-6) -> dict[str, np.ndarray]:
    """d loss / d param for every entry of every parameter, by central differences in float64.

    ``loss`` takes a dict of arrays (the same names as ``params``) and returns a scalar. The cost is
    two calls per entry, so keep the parameters small (a few hundred entries in all).
    """
    base = {name: np.array(value, dtype=np.float64) for name, value in params.items()}
    grads = {}
    for name, value in base.items():
        grad = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            original = value[index]
            value[index] = original + eps
            plus = float(loss(base))
            value[index] = original - eps
            minus = float(loss(base))
            value[index] = original
            grad[index] = (plus - minus) / (2 * eps)
        grads[name] = grad
    return grads


def gradient_mismatch(actual: Mapping[str, object], expected: Mapping[str, object],
                      tolerance_for: ToleranceFor) -> list[str]:
    """Lines describing how the gradients in ``actual`` differ from ``expected``; empty if they match."""
    missing = [name for name in expected if name not in actual]
    if missing:
        return [f"No gradient for {', '.join(missing)} (got gradients for: {', '.join(map(str, actual)) or 'nothing'})."]
    rows: list[tuple[float, str, tuple[int, ...], float, float]] = []
    wrong: list[str] = []
    for name, exp_value in expected.items():
        exp, act = as_array(exp_value), as_array(actual[name])
        exp = np.asarray(exp_value) if exp is None else exp
        if act is None:
            return [f"The gradient for {name} is not an array or tensor (got {type(actual[name]).__name__})."]
        if act.shape != exp.shape:
            return [f"The gradient for {name} has shape {tuple(act.shape)}; expected {tuple(exp.shape)} (the shape of {name})."]
        tol = tolerance_for(comparison_dtype(actual[name], exp_value))
        a, e = act.astype(np.float64), exp.astype(np.float64)
        close = np.isclose(a, e, rtol=tol.rtol, atol=tol.atol, equal_nan=True)
        if close.all():
            continue
        wrong.append(name)
        diff = np.where(np.isnan(a - e), np.inf, np.abs(a - e))
        for flat in np.argsort(np.where(close, -1.0, diff), axis=None)[::-1][:TABLE_ROWS]:
            index = np.unravel_index(flat, close.shape) if close.ndim else ()
            if not close[index]:
                rows.append((float(diff[index]), name, tuple(int(i) for i in index), float(a[index]), float(e[index])))
    if not wrong:
        return []
    rows.sort(key=lambda r: -r[0])
    return [f"Gradients differ in {len(wrong)} of {len(expected)} tensors ({', '.join(wrong)}).",
            *_table(rows[:TABLE_ROWS])]


def worst_gradient(actual: Mapping[str, object], expected: Mapping[str, object],
                   tolerance_for: ToleranceFor) -> str | None:
    """The name of the gradient, out of tolerance, with the greatest absolute difference (the one
    the report draws when it is too large to print); None when none can be compared that way."""
    worst, largest = None, -1.0
    for name, exp_value in expected.items():
        act, exp = as_array(actual.get(name)), as_array(exp_value)
        if act is None or exp is None or act.shape != exp.shape or not exp.size:
            continue
        tol = tolerance_for(comparison_dtype(actual[name], exp_value))
        a, e = act.astype(np.float64), exp.astype(np.float64)
        if np.isclose(a, e, rtol=tol.rtol, atol=tol.atol, equal_nan=True).all():
            continue
        diff = float(np.nanmax(np.where(np.isnan(a - e), np.inf, np.abs(a - e))))
        if diff > largest:
            worst, largest = name, diff
    return worst


def _table(rows: list[tuple[float, str, tuple[int, ...], float, float]]) -> list[str]:
    cells = [("gradient", "index", "yours", "expected", "difference")]
    cells += [(name, str(index), f"{yours:.6g}", f"{expected:.6g}", f"{diff:.3g}")
              for diff, name, index, yours, expected in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(5)]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in cells]
