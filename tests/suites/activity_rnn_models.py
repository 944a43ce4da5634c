"""activity-rnn checks beyond the vanilla RNN: the optimizers (three chained steps each), the RNN with
a dense ReLU layer (Multi_Layer_RNN), the LSTM and the GRU (forward, BPTT, step). Loaded by tests/suites/activity_rnn.py, which
registers these checks with its own.
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): what computes answers is in activity_rnn_private.py

from typing import Any

import numpy as np
from hypothesis import given

from grader.compare import as_array, describe
from grader.suite import CheckFailed, check, expect, expect_close, fail, load_private, load_sibling, matches

private = load_private(__file__, "activity_rnn_private")   # what computes answers: never sent to students
cases = load_sibling(__file__, "activity_rnn_cases")
_expect = load_sibling(__file__, "activity_rnn_expect")
same, steps_of, student_model = _expect.same, _expect.steps_of, _expect.student_model
returned_gradients, expect_forward = _expect.returned_gradients, _expect.expect_forward
expect_gradients_naming_mistakes = _expect.expect_gradients_naming_mistakes
FINITE_DIFFERENCES = "and float64 central differences of the mean cross-entropy of the last step"


# --- optimizers -----------------------------------------------------------------------------------------
OPTIMIZER_MISTAKES = {
    "SGD": ("sgd-sign", "the momentum term has the wrong sign: delta = lr * g - mom_coeff * delta_prev with "
                        "theta -= delta brakes instead of carrying on (anti-momentum). delta = -learning_rate * g + "
                        "mom_coeff * delta_prev; theta += delta; return the deltas as the new velocities."),
    "RMSprop": ("rmsprop-swapped", "the decay is swapped: cache = 0.1 * cache + 0.9 * g^2 forgets almost "
                                   "everything. cache = decay * cache + (1 - decay) * g^2 with decay = 0.9."),
    "Adam": ("adam-no-correction", "these are VanillaAdam's steps: the bias correction is missing. m_hat = m / "
                                   "(1 - beta1**t), v_hat = v / (1 - beta2**t), t the step number (1 first)."),
    "VanillaAdam": ("vanilla-corrected", "these are Adam's bias-corrected steps; VanillaAdam has no bias "
                                         "correction: theta -= lr * m / (sqrt(v) + 1e-8)."),
}
STATE_NAMES = {"SGD": ("velocities",), "AdaGrad": ("cache",), "RMSprop": ("cache",), "Adam": ("m", "v"),
               "VanillaAdam": ("m", "v")}


def run_optimizer(sub, name: str, case) -> None:
    """Three chained steps of the student's optimizer ``name``, each fed the parameters and state the
    student's previous step returned, compared with the reference's chain. The state is compared too,
    but for SGD's velocities (their sign is a convention; the parameters show a wrong momentum)."""
    expected = private.optimizer_trajectory(case, name)
    mistake, cause = OPTIMIZER_MISTAKES.get(name, (None, None))
    wrong = private.mistaken_optimizer_params(case, mistake) if mistake else None
    states = STATE_NAMES[name]
    params, state = [p.copy() for p in case.params], [case.zeros() for _ in states]
    for k, grads in enumerate(case.grads):
        kwargs = {"params": params, "grads": [g.copy() for g in grads], **dict(zip(states, state)),
                  "learning_rate": case.learning_rate}
        if name == "SGD":
            kwargs["mom_coeff"] = case.mom_coeff
        if name == "Adam":
            kwargs["t"] = k + 1
        inputs = dict(kwargs)
        returned = sub.function(name)(**{key: _copied(value) for key, value in kwargs.items()})
        what = f"{name}(...) step {k + 1} of 3 (learning_rate={case.learning_rate}" + \
            (f", mom_coeff={case.mom_coeff})" if name == "SGD" else ")")
        if not (isinstance(returned, (tuple, list)) and len(returned) == 1 + len(states)
                and all(isinstance(r, (list, tuple)) and len(r) == len(case.params) for r in returned)):
            fail(f"{what} should return ({', '.join(('params', *states))}), lists of {len(case.params)} arrays; "
                 f"it returned {describe(returned)}.", inputs=inputs)
        actual = [as_array(a) for a in returned[0]]
        right = matches(actual, list(expected[k][0]))
        if not right and wrong is not None and all(same(a, w) for a, w in zip(actual, wrong[k])):
            fail(f"{what}: {cause}", inputs=inputs, expected=list(expected[k][0]), actual=actual)
        expect_close(actual, list(expected[k][0]), what=f"the parameters after {what}", inputs=inputs)
        if name != "SGD":
            for index, key in enumerate(states, start=1):
                expect_close([as_array(a) for a in returned[index]], list(expected[k][index]),
                             what=f"{key} after {what}", inputs=inputs)
        params, state = [np.array(a, dtype=np.float64) for a in actual], \
            [[np.array(as_array(a), dtype=np.float64) for a in returned[index]] for index in range(1, 1 + len(states))]


def _copied(value: Any) -> Any:
    return [np.array(a, dtype=np.float64) for a in value] if isinstance(value, list) else value


@check("optimizers.sgd")
@given(case=cases.optimizer_cases())
def sgd_with_momentum_steps(sub, case):
    run_optimizer(sub, "SGD", case)


@check("optimizers.adagrad")
@given(case=cases.optimizer_cases())
def adagrad_steps(sub, case):
    run_optimizer(sub, "AdaGrad", case)


@check("optimizers.rmsprop")
@given(case=cases.optimizer_cases())
def rmsprop_steps(sub, case):
    run_optimizer(sub, "RMSprop", case)


@check("optimizers.adam")
@given(case=cases.optimizer_cases())
def adam_steps(sub, case):
    run_optimizer(sub, "Adam", case)


@check("optimizers.vanilla-adam")
@given(case=cases.optimizer_cases())
def vanilla_adam_steps(sub, case):
    run_optimizer(sub, "VanillaAdam", case)


# --- RNN, dense ReLU, softmax ---------------------------------------------------------------------------------
MULTI_PARAMETERS = cases.MULTI_PARAMETERS
MULTI_MISTAKES = {
    "relu-grad-x": "the dense layer's ReLU derivative is z itself where 0 < z <= 1 (the course's ReLU_grad: "
                   "X[X <= 0] = 0; X[X > 1] = 1). It is exactly 1 wherever z > 0 (see relu-grad.values)",
    "reinjects-output": "the dense layer's gradient d_dense W2^T is added to dh at EVERY step; only h_(T-1) feeds "
                        "the dense layer that the loss reads, so dh starts there and then comes only from the "
                        "step after",
}


def student_multi(sub, case):
    return student_model(sub, case.model, case, MULTI_PARAMETERS)


@check("multi-layer.forward")
@given(case=cases.multi_cases())
def multi_layer_forward_matches_the_reference(sub, case):
    returned = student_multi(sub, case).call("forward", X=case.X.copy())
    steps = case.X.shape[1]
    what = f"{case.label()}.forward(X {case.X.shape}) with the grader's parameters"
    if not (isinstance(returned, (tuple, list)) and len(returned) == 3):
        fail(f"{what} should return (X_state, hidden_state, probs); it returned {describe(returned)}.",
             inputs=case.as_inputs())
    states, probs = steps_of(returned[1], steps, states=True), steps_of(returned[2], steps)
    expect(states is not None and probs is not None, f"{what}: hidden_state and probs should hold one array per "
           f"step t = 0..{steps - 1} (dicts keyed by t, or lists).", inputs=case.as_inputs())
    _, hs, ps = private.multi_forward(case)
    expect_close(states, [hs[t] for t in range(steps)], what=f"hidden_state of {what}", inputs=case.as_inputs())
    expect_close(probs, [ps[t] for t in range(steps)], what=f"probs of {what} (softmax(ReLU(h_t W2 + B2) W3 + B3))",
                 inputs=case.as_inputs())


@check("multi-layer.bptt")
@given(case=cases.multi_cases())
def multi_layer_bptt_matches_finite_differences(sub, case):
    expect_stack_bptt(sub, case, MULTI_MISTAKES)


def expect_stack_bptt(sub, case, causes: dict[str, str]) -> None:
    """The student's ``case.model`` (an RNN with dense ReLU layers) returns from BPTT(cache, Y) the gradients
    of float64 finite differences of the last step's mean cross-entropy, in the order of the case's
    parameters; ``cache`` is what their own forward returned when it is right, the reference's dicts
    otherwise. A known wrong BPTT (``causes``: private.multi_mistaken_gradients' mistakes) is named."""
    model = student_model(sub, case.model, case, tuple(case.params))
    cache = private.multi_forward(case)
    wrongs = {mistake: private.multi_mistaken_gradients(case, mistake) for mistake in causes}
    expected = private.multi_finite_differences(case)
    try:
        returned = model.call("forward", X=case.X.copy())
        steps = range(case.X.shape[1])
        states, probs = steps_of(returned[1], len(steps), states=True), steps_of(returned[2], len(steps))
        if all(matches(states[t], cache[1][t]) and matches(probs[t], cache[2][t]) for t in steps):
            cache = tuple(returned)
    except (CheckFailed, TypeError, IndexError, KeyError):
        pass   # the forward check charges a forward that does not give the per-step values
    returned = model.call("BPTT", cache=cache, Y=case.Y.copy())
    what = f"{case.label()}.BPTT(cache, Y) (B={case.X.shape[0]}, T={case.X.shape[1]})"
    actual = returned_gradients(returned, tuple(f"d{name}" for name in case.params), what, case.as_inputs())
    expect_gradients_naming_mistakes(actual, expected, f"The gradients from {what} {FINITE_DIFFERENCES}",
                                     case.as_inputs(), causes, wrongs, clip=10)


# --- the LSTM -------------------------------------------------------------------------------------------
LSTM_PARAMETERS = cases.LSTM_PARAMETERS
LSTM_GRADIENTS = tuple(f"d{name}" for name in LSTM_PARAMETERS)


def student_lstm(sub, case):
    return student_model(sub, "LSTM", case, LSTM_PARAMETERS)


LSTM_FORWARD_MISTAKES = {
    "stacks-h-first": "these are the probabilities of gates fed z = [h_(t-1), x_t]. The README stacks x first: "
                      "z = np.concatenate([x_t, h_prev], axis=1), the first input_dim rows of W_f, W_i, W_c, W_o act "
                      "on x_t.",
}


def lstm_forward_mistakes(case) -> dict[str, list[np.ndarray]]:
    """The probs of each known wrong LSTM forward for ``case``, keyed by the sentence that names it."""
    return {LSTM_FORWARD_MISTAKES["stacks-h-first"]: private.lstm_forward_swapped(case)}


@check("lstm.forward")
@given(case=cases.lstm_cases())
def lstm_forward_matches_the_reference(sub, case):
    returned = student_lstm(sub, case).call("forward", X=case.X.copy())
    expect_forward(returned, ("hidden_state", "cell_state", "probs"), private.lstm_forward(case), case.X.shape[1],
                   f"{case.label()}.forward(X {case.X.shape}) with the grader's parameters", case.as_inputs(),
                   lstm_forward_mistakes(case))


LSTM_MISTAKES = {
    "reinjects-output": "the output gradient dy W^T is added to dh at EVERY step; only h_(T-1) feeds the output, "
                        "so dh starts as dy W^T at the last step and then comes only from the step after",
    "skips-first-step": "the loop over time stops before t = 0, so the first step's terms are missing; loop over "
                        "reversed(range(T))",
}


@check("lstm.bptt")
@given(case=cases.lstm_cases())
def lstm_bptt_matches_finite_differences(sub, case):
    returned = student_lstm(sub, case).call("BPTT", X=case.X.copy(), Y=case.Y.copy())
    what = f"{case.label()}.BPTT(X, Y) (B={case.X.shape[0]}, T={case.X.shape[1]})"
    actual = returned_gradients(returned, LSTM_GRADIENTS, what, case.as_inputs())
    expected = private.lstm_finite_differences(case)
    wrongs = {mistake: private.lstm_mistaken_gradients(case, mistake) for mistake in LSTM_MISTAKES}
    expect_gradients_naming_mistakes(actual, expected, f"The gradients from {what} {FINITE_DIFFERENCES}",
                                     case.as_inputs(), LSTM_MISTAKES, wrongs, clip=15)


# --- the GRU --------------------------------------------------------------------------------------------
GRU_PARAMETERS = cases.GRU_PARAMETERS
GRU_GRADIENTS = tuple(f"d{name}" for name in GRU_PARAMETERS)
GRU_FORWARD_MISTAKES = {
    "swapped": "these are the probabilities of h_t = (1 - z) h_(t-1) + z h~: z and 1 - z are swapped. In the "
               "README's convention z keeps the old state: h_t = z * h_prev + (1 - z) * h~.",
    "reset-after": "these are the probabilities of h~ = tanh(x W_h + r * (h_(t-1) U_h) + B_h): the reset gate "
                   "is applied after the product. The README's reset gate scales the old state first: "
                   "h~ = tanh(x W_h + (r * h_prev) @ U_h + B_h).",
}


def gru_forward_mistakes(case) -> dict[str, list[np.ndarray]]:
    """The probs of each known wrong GRU forward for ``case``, keyed by the sentence that names it."""
    return {cause: private.gru_mistaken_probs(case, variant) for variant, cause in GRU_FORWARD_MISTAKES.items()}


def student_gru(sub, case):
    return student_model(sub, "GRU", case, GRU_PARAMETERS)


@check("gru.forward")
@given(case=cases.gru_cases())
def gru_forward_matches_the_reference(sub, case):
    returned = student_gru(sub, case).call("forward", X=case.X.copy())
    expect_forward(returned, ("hidden_state", "probs"), private.gru_forward(case), case.X.shape[1],
                   f"{case.label()}.forward(X {case.X.shape}) with the grader's parameters", case.as_inputs(),
                   gru_forward_mistakes(case))


GRU_MISTAKES = {"reinjects-output": LSTM_MISTAKES["reinjects-output"]}


@check("gru.bptt")
@given(case=cases.gru_cases())
def gru_bptt_matches_finite_differences(sub, case):
    returned = student_gru(sub, case).call("BPTT", X=case.X.copy(), Y=case.Y.copy())
    what = f"{case.label()}.BPTT(X, Y) (B={case.X.shape[0]}, T={case.X.shape[1]})"
    actual = returned_gradients(returned, GRU_GRADIENTS, what, case.as_inputs())
    expected = private.gru_finite_differences(case)
    wrongs = {mistake: private.gru_mistaken_gradients(case, mistake) for mistake in GRU_MISTAKES}
    expect_gradients_naming_mistakes(actual, expected, f"The gradients from {what} {FINITE_DIFFERENCES}",
                                     case.as_inputs(), GRU_MISTAKES, wrongs, clip=15)


@check("gru.step")
@given(case=cases.gru_cases(max_batch=2, lengths=(2, 2)))
def gru_step_is_sgd_with_momentum(sub, case):
    expect_momentum_steps(sub, case)


def expect_momentum_steps(sub, case) -> None:
    """Three calls of the student's ``case.model``'s step(grads), grads in the order of its parameters
    (BPTT's), move every parameter as SGD with momentum does from delta = 0; momentum with the wrong sign
    and a parameter never updated are named."""
    names = tuple(case.params)
    model = student_model(sub, case.model, case, names)
    expected = private.momentum_trajectory(case)
    flipped = private.momentum_trajectory(case, sign=-1.0)
    inputs = {"learning_rate": case.learning_rate, "mom_coeff": case.mom_coeff, **case.params}
    for k, grads in enumerate(case.grads):
        model.call("step", grads=[grads[f"d{name}"].copy() for name in names])
        what = f"{case.label()}: the parameters after step {k + 1} of 3"
        actual = {name: model.get(name) for name in names}
        if all(same(actual[n], expected[k][n]) for n in names):
            continue
        if k and all(same(actual[n], flipped[k][n]) for n in names):
            fail(f"{what} are what delta = -lr * g - mom_coeff * delta_prev gives (the same as delta = lr * g - "
                 f"mom_coeff * delta_prev; theta -= delta): the momentum term has the wrong sign, so it brakes "
                 f"instead of carrying on. delta = -learning_rate * g + mom_coeff * delta_prev; theta += delta.",
                 inputs=inputs)
        still = [n for n in names if same(actual[n], case.params[n])]
        if still and all(same(actual[n], expected[k][n]) for n in names if n not in still):
            fail(f"{what}: {', '.join(still)} never changed while the other parameters follow SGD with momentum. "
                 f"Is a list (of previous updates, of parameters) one entry short? zip stops at the shortest list, "
                 f"silently; keep one previous update per parameter, all {len(names)} of them.",
                 inputs=inputs)
        for name in names:
            expect_close(actual[name], expected[k][name], what=f"{name} after step {k + 1} of {case.label()}",
                         inputs=inputs)
