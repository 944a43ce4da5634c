"""What the rnn-scratch checks compare against, computed in the grading process: autograd
gradients of the numpy RNN's loss, the gradients of the backward passes students get wrong (to
name the mistake), the loading of the grader's weights into a student's char-RNN, and greedy
decoding helpers.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping

import numpy as np
import torch

from grader.compare import describe
from grader.suite import CheckFailed, expect, expect_gradients_close, fail, reference

ref = reference()   # the reference's answers, recorded with the cases where they can be (grader.oracle)

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
def autograd_gradients(case) -> dict[str, np.ndarray]:
    """dL/d(parameter) by torch autograd in float64, for L = -sum_t log softmax(W_yh h_t + c)[target_t]
    with h_t = tanh(W_xh x_t + W_hh h_{t-1} + b): the math, independent of the reference's backward."""
    params = {name: torch.tensor(value, dtype=torch.float64, requires_grad=True) for name, value in case.params.items()}
    h = torch.tensor(case.hprev, dtype=torch.float64)
    loss = torch.zeros((), dtype=torch.float64)
    for index, target in zip(case.inputs, case.targets):
        # W_xh @ onehot(index) is column `index` of W_xh
        h = torch.tanh(params["W_xh"][:, index:index + 1] + params["W_hh"] @ h + params["b"])
        loss = loss - torch.log_softmax(params["W_yh"] @ h + params["c"], dim=0)[target, 0]
    loss.backward()
    return {f"d{name}": p.grad.numpy() for name, p in params.items()}


def reference_loss(case) -> Callable[[Mapping[str, np.ndarray]], float]:
    """The loss as a function of the five parameters, through the reference forward (for finite
    differences)."""
    def loss(params: Mapping[str, np.ndarray]) -> float:
        rnn = case.reference()
        for name, value in params.items():
            setattr(rnn, name, value)
        _, _, ps = rnn.forward(case.inputs, case.hprev)
        return -sum(float(np.log(ps[t][target, 0])) for t, target in enumerate(case.targets))
    return loss


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


def mistaken_gradients(case, mistake: str) -> dict[str, np.ndarray]:
    """The gradients a backward pass with ``mistake`` (a key of MISTAKES) returns."""
    rnn = case.reference()
    xs, hs, ps = rnn.forward(case.inputs, case.hprev)
    grads = {f"d{name}": np.zeros_like(value) for name, value in case.params.items()}
    dh_next, dh_raw = np.zeros_like(case.hprev), np.zeros_like(case.hprev)
    last = len(case.targets) - 1
    for t in range(last, 0 if mistake == "skips-first-step" else -1, -1):
        dy = ps[t].copy()
        dy[case.targets[t]] -= 1.0
        grads["dW_yh"] += dy @ hs[t].T
        grads["dc"] = dy if mistake == "dc-last-step" else grads["dc"] + dy
        if mistake == "db-one-step-late":
            grads["db"] += dh_raw
        dh = rnn.W_yh.T @ dy + dh_next
        dh_raw = dh if mistake == "no-tanh-derivative" else (1.0 - hs[t] ** 2) * dh
        if mistake != "db-one-step-late":
            grads["db"] += dh_raw
        grads["dW_xh"] += dh_raw @ xs[t].T
        grads["dW_hh"] += dh_raw @ hs[t if mistake == "current-state" else t - 1].T
        dh_next = rnn.W_hh.T @ dh_raw
    return grads


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
    those of a known wrong backward pass, the message says which mistake that is."""
    try:
        expect_gradients_close(actual, expected, what=what, inputs=inputs)
    except CheckFailed as failed:
        for mistake, cause in MISTAKES.items():
            wrong = mistaken_gradients(case, mistake)
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


# --- char-RNN: greedy decoding --------------------------------------------------------------------
def step_logits(model: torch.nn.Module, text: str, step: int = -1) -> torch.Tensor:
    """The (reference) model's scores for the character after ``text[:step + 1]``, fed all of ``text``."""
    indices = [[ref.char2int[c] for c in text]]
    with torch.no_grad():
        out, _ = model(torch.from_numpy(ref.one_hot_encode(indices, ref.dict_size, len(text), 1)))
    return out[step]


def greedy_char(model: torch.nn.Module, text: str, step: int = -1) -> str:
    return ref.int2char[int(torch.argmax(step_logits(model, text, step)))]


def margin(model: torch.nn.Module, text: str) -> float:
    """How far the best next character after ``text`` is ahead of the second best (in logits)."""
    top = torch.topk(step_logits(model, text), 2).values
    return float(top[0] - top[1])


def greedy_margin(model: torch.nn.Module, start: str, out_len: int) -> float:
    """The smallest margin over the steps of ref.output(model, out_len, start): a greedy text whose
    every choice is clear does not depend on float32 rounding."""
    text = ref.output(model, out_len, start)
    return min((margin(model, text[:k]) for k in range(len(start), out_len)), default=np.inf)


def known_wrong_outputs(model: torch.nn.Module, out_len: int, start: str) -> list[tuple[str, str]]:
    """What output() gives with the sampling mistakes students make, each with its cause."""
    from_last, from_first = start, start
    while len(from_last) < out_len:
        from_last += greedy_char(model, from_last[-1])
        from_first += greedy_char(model, from_first, step=0)
    return [(from_last, "predicting each character from the previous character alone; predict from the whole "
                        "text so far, predict(model, chars)."),
            (from_first, "every prediction is the one after the first character: predict must use the last "
                         "step's scores, out[-1].")]
