"""Compare what the student's code returned with the reference, in the trusted process.

Messages follow ``torch.testing.assert_close``: attributes first (type, shape, dtype), then
"Mismatched elements: k / n", then the greatest difference and where it is.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from grader.spec import Tolerance

ToleranceFor = Callable[[str], Tolerance]

# Looser dtype first: comparisons happen at the looser of the two.
_LOOSENESS = ["bfloat16", "float16", "float32", "float64"]
_DTYPE_NAMES: dict[np.dtype, str] = {}


def as_array(value: Any) -> np.ndarray | None:
    """numpy view of an array-like value (numpy array, torch tensor, numpy scalar); else None."""
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, np.generic):
        return np.asarray(value)
    if type(value).__module__.startswith("torch") and hasattr(value, "detach"):
        tensor = value.detach().cpu()
        if str(tensor.dtype) == "torch.bfloat16":
            tensor = tensor.float()
        return tensor.numpy()
    return None


def dtype_name(value: Any) -> str:
    if type(value) is np.ndarray:
        dtype = value.dtype
        name = _DTYPE_NAMES.get(dtype)
        if name is None:   # numpy makes .name in Python each time it is asked: once per dtype here
            name = dtype.name
            if len(_DTYPE_NAMES) < 256:
                _DTYPE_NAMES[dtype] = name
        return name
    if type(value).__module__.startswith("torch") and hasattr(value, "dtype"):
        return str(value.dtype).removeprefix("torch.")
    arr = as_array(value)
    return str(arr.dtype) if arr is not None else type(value).__name__


def comparison_dtype(actual: Any, expected: Any) -> str:
    """The looser float dtype of the two, ``float64`` when neither is a float array."""
    names = [dtype_name(actual), dtype_name(expected)]
    for name in _LOOSENESS:
        if name in names:
            return name
    return "float64"


def mismatch(actual: Any, expected: Any, tolerance_for: ToleranceFor, path: str = "") -> list[str]:
    """Lines describing how ``actual`` differs from ``expected``; empty when they match."""
    where = f" at {path}" if path else ""
    if isinstance(expected, (tuple, list)):
        if not isinstance(actual, (tuple, list)):
            return [f"Expected a {type(expected).__name__} of {len(expected)}{where}, got {_kind(actual)}."]
        if len(actual) != len(expected):
            return [f"Expected {len(expected)} items{where}, got {len(actual)}."]
        for i, (a, e) in enumerate(zip(actual, expected)):
            lines = mismatch(a, e, tolerance_for, f"{path}[{i}]")
            if lines:
                return lines
        return []
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"Expected a dict{where}, got {_kind(actual)}."]
        if set(actual) != set(expected):
            return [f"Keys differ{where}: expected {sorted(map(str, expected))}, got {sorted(map(str, actual))}."]
        for key in expected:
            lines = mismatch(actual[key], expected[key], tolerance_for, f"{path}[{key!r}]")
            if lines:
                return lines
        return []
    if isinstance(expected, str) or expected is None or isinstance(expected, bool):
        return [] if actual == expected else [f"Expected {expected!r}{where}, got {_short(actual)}."]
    return _mismatch_numeric(actual, expected, tolerance_for, where)


def _mismatch_numeric(actual: Any, expected: Any, tolerance_for: ToleranceFor, where: str) -> list[str]:
    exp = as_array(expected)
    if exp is None:
        exp = np.asarray(expected)
    act = as_array(actual)
    if act is None:
        if isinstance(actual, (int, float, complex)) and not isinstance(actual, bool):
            act = np.asarray(actual)
        else:
            return [f"Expected a number or array{where}, got {_kind(actual)}."]
    if act.shape != exp.shape:
        return [f"The shapes do not match{where}: expected {tuple(exp.shape)}, got {tuple(act.shape)}."]
    if not (np.issubdtype(act.dtype, np.number) or act.dtype == bool):
        return [f"Expected numbers{where}, got an array of dtype {act.dtype}."]
    tol = tolerance_for(comparison_dtype(actual, expected))
    a = act.astype(np.float64) if act.dtype != np.complex128 else act
    e = exp.astype(np.float64) if exp.dtype != np.complex128 else exp
    # isclose's own test on finite values, without its handling of inf and NaN: where it holds for
    # every element, isclose does too (an inf or NaN anywhere makes it fail, and isclose decides)
    with np.errstate(invalid="ignore", over="ignore"):
        if (np.abs(a - e) <= tol.atol + tol.rtol * np.abs(e)).all():
            return []
    close = np.isclose(a, e, rtol=tol.rtol, atol=tol.atol, equal_nan=True)
    if close.all():
        return []
    n, bad = close.size, int((~close).sum())
    diff = np.abs(a - e)
    diff = np.where(np.isnan(diff), np.inf, diff)
    worst = np.unravel_index(int(np.argmax(np.where(close, -1.0, diff))), close.shape) if close.ndim else ()
    shape = f"Shapes match: {tuple(exp.shape)}." if exp.ndim else "Both are scalars."
    expected_at = abs(float(e[worst]))
    rel = f"{diff[worst] / expected_at:.4g}" if expected_at > 0 else "n/a"
    return [
        f"Values differ{where}. {shape}",
        f"Mismatched elements: {bad} / {n} ({100.0 * bad / n:.1f}%)",
        f"Greatest absolute difference: {diff[worst]:.4g} at index {tuple(int(i) for i in worst)} "
        f"(up to {tol.atol + tol.rtol * abs(float(e[worst])):.3g} allowed; {tol})",
        f"Greatest relative difference: {rel} (expected {_num(e[worst])}, got {_num(a[worst])})",
    ]


def describe(value: Any, max_elements: int = 36) -> str:
    """A short, readable rendering: small arrays in full, larger ones by shape, dtype and range."""
    arr = as_array(value)
    if arr is not None:
        head = f"array{tuple(arr.shape)} {dtype_name(value)}"
        if arr.size <= max_elements:
            body = np.array2string(arr, precision=4, suppress_small=True, separator=", ", max_line_width=100)
            return f"{head} =\n{body}" if arr.ndim > 1 else f"{head} = {body}"
        if arr.size and np.issubdtype(arr.dtype, np.number):
            if np.issubdtype(arr.dtype, np.floating) and np.isnan(arr).all():
                return f"{head}, all NaN"
            return f"{head}, values in [{_num(np.nanmin(arr))}, {_num(np.nanmax(arr))}]"
        return head
    if isinstance(value, (tuple, list)):
        inner = ", ".join(describe(v, max_elements=8) for v in value[:6])
        more = ", …" if len(value) > 6 else ""
        return f"{type(value).__name__} of {len(value)}: [{inner}{more}]"
    return _short(value)


def _num(x: Any) -> str:
    return f"{float(x):.6g}" if np.isfinite(x) else str(float(x))


def _kind(value: Any) -> str:
    return f"{type(value).__name__} {_short(value)}"


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
