"""Helpers the activity-rnn checks share: building the student's model with the case's parameters,
telling a known wrong answer apart (loosely, only to pick a message) and reading a
forward's per-step values in any of the accepted containers.
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): what computes answers is in activity_rnn_private.py

from typing import Any

import numpy as np

# How close a result must be to a known wrong answer to be recognised as that mistake (only picks
# the message; the verdict always comes from the check's tolerance).
_DIAGNOSIS_RTOL, _DIAGNOSIS_ATOL = 1e-5, 1e-6


def same(actual: Any, candidate: Any) -> bool:
    """Whether ``actual`` is numerically ``candidate`` (loosely: only used to name a mistake)."""
    try:
        actual, candidate = np.asarray(actual, dtype=np.float64), np.asarray(candidate, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return actual.shape == candidate.shape and bool(np.allclose(actual, candidate, rtol=_DIAGNOSIS_RTOL,
                                                                atol=_DIAGNOSIS_ATOL))


def steps_of(value: Any, steps: int, states: bool = False) -> list[Any] | None:
    """A forward's per-step values as a list of ``steps`` arrays: a dict keyed 0..steps-1, or a list
    of ``steps`` (of ``steps + 1`` with the initial state first, for the states); None otherwise."""
    if isinstance(value, dict):
        return [value[t] for t in range(steps)] if all(t in value for t in range(steps)) else None
    if isinstance(value, (list, tuple)):
        if len(value) == steps:
            return list(value)
        if states and len(value) == steps + 1:
            return list(value[1:])
    return None


def student_model(sub, class_name: str, case, parameters: tuple[str, ...], **constructor: Any):
    """The student's ``class_name`` for ``case``, holding copies of the case's ``parameters``."""
    model = sub.new(class_name, **{**case.constructor(), **constructor})
    for name in parameters:
        model.set(name, case.params[name].copy())
    return model
