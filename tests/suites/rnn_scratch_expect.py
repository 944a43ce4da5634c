"""What the rnn-scratch checks compare against, computed in the grading process: the comparison of
gradients (naming a known mistake, whose gradients rnn_scratch_private.py computes), the loading of
the grader's weights into a student's char-RNN, and greedy decoding helpers.
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): what computes answers is in rnn_scratch_private.py

import re
from typing import Any, Mapping

import numpy as np
import torch

from grader.compare import describe
from grader.suite import CheckFailed, expect, expect_gradients_close, fail, load_private, reference

ref = reference()   # the reference's answers, recorded with the cases where they can be (grader.oracle)
# what computes an answer (gradients, a wrong backward pass): never sent to students (grader.release)
private = load_private(__file__, "rnn_scratch_private")

# How close a result must be to a known wrong answer to be recognised as that mistake. Loose on
# purpose: it only picks the message; the verdict always comes from the tolerance of the check.
_DIAGNOSIS_RTOL, _DIAGNOSIS_ATOL = 1e-5, 1e-6


def same(actual: Any, candidate: Any) -> bool:
    """Whether ``actual`` is numerically ``candidate`` (loosely: only used to name a mistake)."""
    try:
        actual, candidate = np.asarray(actual, dtype=np.float64), np.asarray(candidate, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return actual.shape == candidate.shape and bool(np.allclose(actual, candidate, rtol=_DIAGNOSIS_RTOL,
                                                                atol=_DIAGNOSIS_ATOL))


# --- numpy RNN: gradients -------------------------------------------------------------------------
# Backward passes that students write wrong, each with what the report tells them.
MISTAKES = {
    "no-tanh-derivative": "the gradient reaching h_t is not multiplied by the derivative of tanh; "
                          "dhraw = (1 - hs[t] ** 2) * dh.",
    "skips-first-step": "the loop over time stops before t = 0 (range(len(inputs) - 1, 0, -1)), so the first "
                        "step's terms are missing; loop over reversed(range(len(inputs))).",
    "current-state": "dW_hh is built from hs[t]; W_hh multiplies the previous state, so "
                     "dW_hh += dhraw @ hs[t - 1].T.",
    "dc-last-step": "dc holds only one step's dy (dc = dy): the output bias is used at every step, so "
                    "dc += dy inside the loop.",
    "db-one-step-late": "db misses the contribution of step t = 0: it adds the dhraw of the step before. "
                        "Add dhraw to db right after computing it, at every step.",
}


def as_gradients(returned: Any, what: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """backward's 5-tuple as {dW_xh, dW_hh, dW_yh, db, dc}; anything else fails the check."""
    names = [f"d{name}" for name in ("W_xh", "W_hh", "W_yh", "b", "c")]
    if not (isinstance(returned, (tuple, list)) and len(returned) == len(names)):
        fail(f"{what} should return the five gradients (dW_xh, dW_hh, dW_yh, db, dc); it returned "
             f"{describe(returned)}.", inputs=inputs)
    return dict(zip(names, returned))


def expect_gradients(actual: Mapping[str, Any], expected: Mapping[str, np.ndarray], case, what: str,
                     inputs: Mapping[str, Any]) -> None:
    """expect_gradients_close on the gradients named in ``expected``; when the student's equal
    those of a known wrong backward pass, the message says which mistake that is. (The wrong ones
    are asked for whether or not the check fails: recorded with the cases, a student's own copy of
    the grader names the mistake too.)"""
    wrongs = {mistake: private.mistaken_gradients(case, mistake) for mistake in MISTAKES}
    try:
        expect_gradients_close(actual, expected, what=what, inputs=inputs)
    except CheckFailed as failed:
        for mistake, cause in MISTAKES.items():
            wrong = wrongs[mistake]
            if all(same(actual[name], wrong[name]) for name in expected):
                fail(f"{failed.message}\nThese are the gradients of a backward pass in which {cause}",
                     inputs=inputs)
        raise


# --- char-RNN: the grader's weights in the student's model ----------------------------------------
_RNN_PARAMETER = re.compile(r"(weight|bias)_(ih|hh)_l\d+")


def _student_name(reference_name: str, student: Mapping[str, Any]) -> str | None:
    """The student's parameter that plays the role of ``reference_name`` (``rnn.weight_ih_l0``,
    ``fc.bias``): the one with the same last name part, nn.RNN's and nn.Linear's told apart."""
    leaf = reference_name.rsplit(".", 1)[-1]
    found = [name for name in student if name.rsplit(".", 1)[-1] == leaf]
    if not _RNN_PARAMETER.fullmatch(leaf):
        found = [name for name in found if not _RNN_PARAMETER.fullmatch(name.rsplit(".", 1)[-1])]
    return found[0] if len(found) == 1 else None


def load_weights(sub, model, case) -> None:
    """Copy the case's weights (reference names) into the student's model (an Instance), matching
    parameters by their last name part, after checking that there are the same ones, of the same shapes."""
    student = model.parameters()
    layout = ", ".join(f"{name} {tuple(p.shape)}" for name, p in student.items()) or "none"
    names = {ours: _student_name(ours, student) for ours in case.weights}
    expect(None not in names.values() and len(student) == len(case.weights),
           f"{case.label()} has the parameters: {layout}. Expected one nn.RNN (weight_ih_l0, weight_hh_l0, "
           f"bias_ih_l0, bias_hh_l0, one set per layer) and one nn.Linear (weight, bias), nothing else.")
    for ours, name in names.items():
        expect(tuple(student[name].shape) == tuple(case.weights[ours].shape),
               f"{case.label()}: parameter {name} has shape {tuple(student[name].shape)}; expected "
               f"{tuple(case.weights[ours].shape)} (as {ours} of nn.RNN(input_size, hidden_dim, "
               f"n_layers) and nn.Linear(hidden_dim, output_size)).")
    sub.harness("load_parameters")(model=model, values={names[r]: w for r, w in case.weights.items()})


def reference_holding(params: Mapping[str, Any], constructor: Mapping[str, int]) -> ref.Model | None:
    """The reference Model of ``constructor``'s sizes holding a student's parameters (``named_parameters``
    as plain tensors, matched by their last name part as :func:`load_weights` matches them), to run
    them here in the grading process; None when they do not map one to one onto the reference's."""
    with torch.random.fork_rng():           # the reference's own initialisation, overwritten below
        model = ref.Model(**constructor)
    expected = model.state_dict()
    names = {reference: _student_name(reference, params) for reference in expected}
    if None in names.values() or len(params) != len(expected) or any(
            tuple(np.shape(params[name])) != tuple(expected[reference].shape) for reference, name in names.items()):
        return None
    model.load_state_dict({reference: torch.as_tensor(params[name]).detach().to(torch.float32).clone()
                           for reference, name in names.items()})
    return model.eval()


def as_pair(returned: Any, what: str, inputs: Mapping[str, Any], names: str) -> tuple[Any, Any]:
    if not (isinstance(returned, (tuple, list)) and len(returned) == 2):
        fail(f"{what} should return a pair ({names}); it returned {describe(returned)}.", inputs=inputs)
    return returned[0], returned[1]
