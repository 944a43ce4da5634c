"""seq-models' private helpers: what computes an answer of the exercise in another form (the addition
problem as generate_data makes it, a GRU step with a mistake or without, the forward loop of a cell),
kept from students (grader.release ships only modules marked for them). The suite calls these through
grader.oracle (load_private), so their results are recorded with the cases, and a student's copy of
the grader looks them up.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Callable

import numpy as np
import torch

from grader.suite import load_sibling

cells = load_sibling(__file__, "seq_models_cells")
RNN, LSTM, GRU = cells.RNN, cells.LSTM, cells.GRU
WrongCell = tuple[Callable[[dict, torch.Tensor, Any], tuple[torch.Tensor, Any]], str]
_SAME_CELL_RTOL, _SAME_CELL_ATOL = 1e-3, 1e-4     # loose: float32 cells; it only picks a cell


# --- data and the reference's measurements ------------------------------------------------------------
def addition_problems(count: int, seed: int) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """``count`` samples of the addition problem, the way generate_data makes them."""
    rng = np.random.default_rng(seed)
    X, Y = [], []
    for _ in range(count):
        length = int(rng.integers(3, 10))
        sequence = np.zeros((length, 2))
        sequence[:, 0] = rng.random(length)
        marked = rng.permutation(length)[:2]
        sequence[marked, 1] = 1.0
        X.append(torch.from_numpy(sequence))
        Y.append(torch.tensor([sequence[marked, 0].sum()]))
    return X, Y


def reference_epoch_losses(cell, parameters: dict[str, torch.Tensor], X, Y, epochs: int) -> OrderedDict:
    """What fit returns when the optimizer does not move the parameters (SGD with lr = 0)."""
    model = cell.reference(parameters)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)
    fit = getattr(cells.ref, cell.fit_name)
    return fit(optimizer, torch.nn.MSELoss(), model, X, Y, epochs)


def per_sample_losses(cell, parameters: dict[str, torch.Tensor], X, Y) -> list[float]:
    """The MSE of the final output of each sample, for recognising a wrong epoch summary."""
    model = cell.reference(parameters)
    losses = []
    with torch.no_grad():
        for x, y in zip(X, Y):
            state = cell.zero_state(parameters[cell.square_weight].shape[0])
            for x_t in x:
                output, state = model(x_t, state)
            losses.append(float(torch.nn.functional.mse_loss(output, y)))
    return losses


def held_out_loss(cell, parameters: dict[str, torch.Tensor], X, Y) -> float:
    """The mean over (X, Y) of the MSE of the final output of the *reference* cell holding
    ``parameters``: the training checks' measurement, made here in the grading process."""
    return float(np.mean(per_sample_losses(cell, parameters, X, Y)))


def epoch_losses(cell, parameters: dict[str, torch.Tensor], X, Y, epochs: int) -> list[float]:
    """reference_epoch_losses as a list, epoch by epoch."""
    return [float(v) for v in reference_epoch_losses(cell, parameters, X, Y, epochs).values()]


# --- one step of a cell, right and with the mistakes students make ----------------------------------
def _with(transform: Callable[[dict], dict], cell) -> Callable:
    """A wrong cell: the reference with its parameters rearranged by ``transform``."""
    return lambda params, x, state: cell.reference(transform(params))(x, state)


def _zeroed(*names: str) -> Callable[[dict], dict]:
    return lambda p: {k: torch.zeros_like(v) if k in names else v for k, v in p.items()}


def _swapped(pairs: dict[str, str]) -> Callable[[dict], dict]:
    return lambda p: {k: p[pairs.get(k, k)] for k in p}


def _softmax_output(params, x, h):
    y, h_t = RNN.reference(params)(x, h)
    return torch.softmax(y, dim=0), h_t


def _from_zero(cell, which: int | None = None) -> Callable:
    """The reference step with the state passed in ignored: all of it (``which`` None) or the
    ``which``-th of an LSTM's (h, c), as if the cell kept its own state (zeros at first)."""
    def step(params, x, state):
        if which is None:
            state = tuple(torch.zeros_like(s) for s in state) if isinstance(state, tuple) else torch.zeros_like(state)
        else:
            state = tuple(torch.zeros_like(s) if i == which else s for i, s in enumerate(state))
        return cell.reference(params)(x, state)
    return step


_IGNORED = ("; a state kept on self between calls, or a fresh zero state made inside forward, does this. "
            "Use the argument: each call continues from the state it is given.")


def _gru_variant(reset: str = "before", swap_z: bool = False) -> Callable:
    """The GRU with the reset gate applied ``before`` the product (the reference), ``after`` it,
    r * (W_hh h), or around product and bias as torch.nn.GRUCell does (``torch``), r * (W_hh h + b_h);
    with ``swap_z``, z and 1 - z swapped."""
    def step(p, x, h):
        z = torch.sigmoid(p["W_xz"] @ x + p["W_hz"] @ h + p["b_z"])
        r = torch.sigmoid(p["W_xr"] @ x + p["W_hr"] @ h + p["b_r"])
        hidden = {"before": lambda: p["W_hh"] @ (r * h) + p["b_h"], "after": lambda: r * (p["W_hh"] @ h) + p["b_h"],
                  "torch": lambda: r * (p["W_hh"] @ h + p["b_h"])}[reset]()
        candidate = torch.tanh(p["W_xh"] @ x + hidden)
        h_t = z * h + (1 - z) * candidate if swap_z else (1 - z) * h + z * candidate
        return p["Wout"] @ h_t + p["bout"], h_t
    return step


DIAGNOSES: dict[str, list[WrongCell]] = {
    "rnn": [(_with(_zeroed("b_h"), RNN), "b_h is not added: h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h). (A "
             "forgotten bias does not show while it is zero-initialised, so the grader sets it non-zero.)"),
            (_with(_zeroed("b_y"), RNN), "b_y is not added to the output: y_t = W_hy h_t + b_y."),
            (_softmax_output, "a softmax is applied to the output. This is a regression: y_t = W_hy h_t + b_y, "
             "with no activation."),
            (_from_zero(RNN), "the state passed in is not used: the step starts from h = 0" + _IGNORED)],
    "lstm": [(_with(_zeroed("b_i", "b_f", "b_c_tilda", "b_o"), LSTM), "the gate biases b_i, b_f, b_c_tilda "
              "and b_o are not used. (They do not show while zero-initialised; the grader sets them non-zero.)"),
             (_with(_swapped({"W_xi": "W_xf", "W_xf": "W_xi", "W_hi": "W_hf", "W_hf": "W_hi", "b_i": "b_f",
                              "b_f": "b_i"}), LSTM),
              "the input and forget gates are swapped: c_t = f * c_{t-1} + i * c_tilda, with f from W_xf, W_hf, "
              "b_f and i from W_xi, W_hi, b_i."),
             (_from_zero(LSTM, 1), "the c passed in is not used: the step starts from c = 0" + _IGNORED),
             (_from_zero(LSTM), "the (h, c) passed in is not used: the step starts from zeros" + _IGNORED)],
    "gru": [(_with(_zeroed("b_r", "b_z", "b_h"), GRU), "the biases b_r, b_z and b_h are not used. (They do not "
             "show while zero-initialised; the grader sets them non-zero.)"),
            (_gru_variant(reset="after"), "the reset gate is applied after the matrix product, "
             "r * (W_hh h). This assignment applies it to the state first: tanh(W_xh x + W_hh (r * h) + b_h)."),
            (_gru_variant(reset="torch"), "the reset gate multiplies the matrix product and its bias, "
             "r * (W_hh h + b_h), as torch.nn.GRUCell does. This assignment applies it to the state first: "
             "tanh(W_xh x + W_hh (r * h) + b_h)."),
            (_gru_variant(swap_z=True), "z and 1 - z are swapped: h_t = (1 - z) * h_{t-1} + z * h_candidate."),
            (_from_zero(GRU), "the state passed in is not used: the step starts from h = 0" + _IGNORED)],
}


def _reference_step(step, params, x, state) -> list[np.ndarray]:
    with torch.no_grad():
        output, new_state = step(params, x, state)
    states = new_state if isinstance(new_state, tuple) else (new_state,)
    return [output.numpy(), *(s.numpy() for s in states)]


def step_answers(cell, params: dict[str, torch.Tensor], x: torch.Tensor, state: Any) -> dict[str, Any]:
    """One step of the reference cell holding ``params``: its output and states (as arrays), the state
    it passes on, and what each wrong cell DIAGNOSES names gives, with its cause."""
    expected = _reference_step(lambda p, x_t, s: cell.reference(p)(x_t, s), params, x, state)
    with torch.no_grad():
        following = cell.reference(params)(x, state)[1]
    return {"expected": expected, "next": following,
            "wrong": [(_reference_step(variant, params, x, state), cause) for variant, cause in DIAGNOSES[cell.key]]}


def step_gradients(cell, params: dict[str, torch.Tensor], x: torch.Tensor, state: Any, dy: torch.Tensor,
                   d_states: tuple[torch.Tensor, ...]) -> dict[str, torch.Tensor]:
    """d(dy·y + dh·h_t [+ dc·c_t])/d(every parameter, x and the state passed in) of one step of the
    reference cell, by autograd."""
    reference = cell.reference(params)
    state_leaves = tuple(s.clone().requires_grad_(True) for s in (state if cell.two_states else (state,)))
    leaves = {cell.x_arg: x.clone().requires_grad_(True)}
    leaves |= ({f"{cell.state_arg}.{i}": s for i, s in enumerate(state_leaves)} if cell.two_states
               else {cell.state_arg: state_leaves[0]})
    y, new_state = reference(leaves[cell.x_arg], state_leaves if cell.two_states else state_leaves[0])
    new_states = new_state if cell.two_states else (new_state,)
    total = (y * dy).sum() + sum((s * d).sum() for s, d in zip(new_states, d_states))
    wrt = dict(reference.named_parameters()) | leaves
    return {name: g.detach() for name, g in zip(wrt, torch.autograd.grad(total, list(wrt.values())))}


# --- training: the cell the student's forward computes -------------------------------------------------
def final_outputs(step: Callable, cell, X) -> np.ndarray:
    """The last output of the grader's cell ``step(x_t, state)`` on each sequence of ``X``, from a zero state."""
    outputs = []
    with torch.no_grad():
        for x in X:
            state, output = cell.zero_state(cells.HIDDEN_SIZE), None
            for x_t in x:
                output, state = step(x_t, state)
            outputs.append(float(output.reshape(-1)[0]))
    return np.array(outputs)


def _mse(outputs: np.ndarray, Y) -> float:
    return float(np.mean((outputs - np.array([float(y[0]) for y in Y])) ** 2))


def matching_wrong_cell(cell, own: np.ndarray, start: dict[str, torch.Tensor], trained: dict[str, torch.Tensor],
                        X, Y) -> tuple[str, float, float] | None:
    """(the mistake, held-out loss before and after, measured in the grader's wrong cell) when the
    student's final outputs ``own`` are those of one of the wrong cells DIAGNOSES names."""
    for variant, cause in DIAGNOSES[cell.key]:
        outputs = final_outputs(lambda x_t, state, v=variant: v(trained, x_t, state), cell, X)
        if np.allclose(own, outputs, rtol=_SAME_CELL_RTOL, atol=_SAME_CELL_ATOL):
            before = _mse(final_outputs(lambda x_t, state, v=variant: v(start, x_t, state), cell, X), Y)
            return cause, before, _mse(outputs, Y)
    return None
