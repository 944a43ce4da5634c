"""Helpers the activity-rnn checks share: building the student's model with the case's parameters,
telling a known wrong answer apart (loosely, only to pick a message), reading a forward's per-step
values and a BPTT's gradients in any of the accepted containers, and comparing them with the
reference's, naming a known mistake where the student's values are exactly its.
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): what computes answers is in activity_rnn_private.py

from typing import Any, Mapping, Sequence

import numpy as np

from grader.compare import describe
from grader.suite import CheckFailed, expect, expect_close, expect_gradients_close, fail

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


_COUNTS = {5: "five", 7: "seven", 10: "ten", 11: "eleven", 12: "twelve", 13: "thirteen"}


def returned_gradients(returned: Any, names: Sequence[str], what: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """A BPTT's gradients keyed by ``names`` (dW1, ...): a list of them in that order, or a dict keyed
    by those names or by the parameters' (W1, ...)."""
    if isinstance(returned, dict) and all(g in returned or g[1:] in returned for g in names):
        return {g: returned[g] if g in returned else returned[g[1:]] for g in names}
    if isinstance(returned, (tuple, list)) and len(returned) == len(names):
        return dict(zip(names, returned))
    fail(f"{what} should return the {_COUNTS.get(len(names), len(names))} gradients [{', '.join(names)}]; it "
         f"returned {describe(returned)}.", inputs=inputs)


def expect_gradients_naming_mistakes(actual: Mapping[str, Any], expected: Mapping[str, np.ndarray], what: str,
                                     inputs: Mapping[str, Any], causes: Mapping[str, str],
                                     wrongs: Mapping[str, Mapping[str, np.ndarray]], clip: float) -> None:
    """expect_gradients_close; where it fails and ``actual`` are the gradients of exactly one known wrong
    BPTT (``wrongs[mistake]``, clipped to [-clip, clip] as the course clipped), the failure names its
    cause (``causes[mistake]``, which completes "a BPTT in which ...")."""
    try:
        expect_gradients_close(actual, expected, what=what, inputs=inputs)
    except CheckFailed as failed:
        found = [m for m in causes if all(same(actual[g], np.clip(wrongs[m][g], -clip, clip)) for g in expected)]
        if len(found) == 1:
            fail(f"{failed.message}\nThese are the gradients of a BPTT in which {causes[found[0]]}.", inputs=inputs)
        raise


def expect_forward(returned: Any, names: Sequence[str], expected: Sequence[Any], steps: int, what: str,
                   inputs: Mapping[str, Any], wrong_probs: Mapping[str, Sequence[np.ndarray]]) -> None:
    """A forward that returns ``names`` (the states, then probs), one array per step t = 0..steps-1 each
    (see steps_of), equal to ``expected`` (indexable by t, in the same order). Where the probabilities
    are wrong and exactly a known mistake's (``wrong_probs``: its cause, a sentence -> its probs), the
    failure says the cause."""
    if not (isinstance(returned, (tuple, list)) and len(returned) == len(names)):
        fail(f"{what} should return ({', '.join(names)}); it returned {describe(returned)}.", inputs=inputs)
    values = [steps_of(value, steps, states=index < len(names) - 1) for index, value in enumerate(returned)]
    expect(None not in values, f"{what}: {', '.join(names[:-1])} and {names[-1]} should hold one array per step "
           f"t = 0..{steps - 1} (dicts keyed by t, or lists).", inputs=inputs)
    probs, right = values[-1], [expected[-1][t] for t in range(steps)]
    if not all(same(probs[t], right[t]) for t in range(steps)):
        for cause, wrong in wrong_probs.items():
            if all(same(probs[t], wrong[t]) for t in range(steps)):
                fail(f"{what}: {cause}", inputs=inputs)
    for name, actual, values_expected in zip(names, values, expected):
        expect_close(actual, [values_expected[t] for t in range(steps)], what=f"{name} of {what}", inputs=inputs)
