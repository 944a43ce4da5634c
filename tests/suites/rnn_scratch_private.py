"""rnn-scratch's private helpers: what computes an answer of the exercise in another form, kept from
students (grader.release ships only modules marked for them). The suite calls these through
grader.oracle (load_private), so their results are recorded with the cases, and a student's copy of
the grader looks them up: autograd and finite-difference gradients of the numpy RNN's loss, the
gradients of the backward passes students get wrong, and the reference forward pass.
"""

from __future__ import annotations

from typing import Any


import numpy as np
import torch

from grader.gradients import finite_difference_gradients
from grader.suite import reference

ref = reference()


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


def finite_differences(case) -> dict[str, np.ndarray]:
    """dL/d(parameter) by finite differences of the loss through the reference forward."""
    def loss(params: dict[str, np.ndarray]) -> float:
        rnn = case.reference()
        for name, value in params.items():
            setattr(rnn, name, value)
        _, _, ps = rnn.forward(case.inputs, case.hprev)
        return -sum(float(np.log(ps[t][target, 0])) for t, target in enumerate(case.targets))
    return finite_difference_gradients(loss, case.params)




def forward(case, zeroed: tuple[str, ...] = ()) -> tuple[dict[int, np.ndarray], dict[int, np.ndarray], dict[int, np.ndarray]]:
    """The reference forward's (xs, hs, ps) for ``case``, with the ``zeroed`` biases set to 0."""
    rnn = case.reference()
    for name in zeroed:
        setattr(rnn, name, np.zeros_like(case.params[name]))
    return rnn.forward(case.inputs, case.hprev)


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


# --- char-RNN: greedy decoding (what predict and output compute) ----------------------------------
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


# --- char-RNN: what the checks compare with, from a case (the grader's weights): recorded answers -----
def model_outputs(case, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The reference Model's (out, hidden) for ``x``, holding the case's weights."""
    with torch.no_grad():
        out, hidden = case.reference()(x)
    return out, hidden


def prediction(case, prefix: str) -> dict[str, Any]:
    """What predict gives after ``prefix`` with the case's weights: the character and hidden state,
    how clear the choice is (logits), and the character a predict reading the first step gives."""
    model = case.reference()
    char, hidden = ref.predict(model, list(prefix))
    return {"char": char, "hidden": hidden.detach() if isinstance(hidden, torch.Tensor) else hidden,
            "margin": margin(model, prefix), "after_first": greedy_char(model, prefix, step=0)}


def greedy_decoding(case, start: str, out_len: int) -> dict[str, Any]:
    """What output gives with the case's weights, how clear its least clear choice is, and the texts
    of the decoding mistakes students make, each with its cause."""
    model = case.reference()
    return {"text": ref.output(model, out_len, start), "margin": greedy_margin(model, start, out_len),
            "wrong": known_wrong_outputs(model, out_len, start)}
