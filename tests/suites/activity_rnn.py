"""The grading suite of activity-rnn: one ``@check`` per check in assignments/activity-rnn/assignment.toml.

The RNN is graded with the grader's parameters (non-zero biases included) set into the student's
object. ``BPTT`` gets the cache of the student's own forward when that forward is right (so any
container convention works), the reference's dicts otherwise (a wrong forward costs the forward
check only); its gradients are compared with the reference's and with float64 finite differences
of the mean cross-entropy of the last step. The optimizers are compared step by step. The training
check runs the grader's own loop through the student's forward, BPTT and step, then measures the
trained parameters itself, in the reference forward, on held-out series.
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): what computes answers is in activity_rnn_private.py

from typing import Any, Mapping

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from grader.compare import as_array, describe
from grader.suite import (CheckFailed, check, expect, expect_close, expect_gradients_close, expect_inputs_unchanged,
                          fail, load_sibling, matches, observe, reference)

ref = reference()   # the reference's answers, recorded with the cases where they can be (grader.oracle)
# The optimizers', Multi_Layer_RNN's, the LSTM's and the GRU's checks live next door; named here, they are this
# suite's checks too (grader.suite.load_suite collects the module's @check functions). The cases, the
# helpers and the private module are taken from it, so that there is one copy of the cases module (the
# modules of one load_suite that load the same sibling share it): the recordings find case classes by name.
_models = load_sibling(__file__, "activity_rnn_models")
private = _models.private    # what computes answers (activity_rnn_private.py): never sent to students
cases, _expect = _models.cases, _models._expect
PARAMETERS, GRADIENTS = cases.PARAMETERS, cases.GRADIENTS
same, steps_of = _expect.same, _expect.steps_of
sgd_with_momentum_steps, adagrad_steps, rmsprop_steps = \
    _models.sgd_with_momentum_steps, _models.adagrad_steps, _models.rmsprop_steps
adam_steps, vanilla_adam_steps = _models.adam_steps, _models.vanilla_adam_steps
multi_layer_forward_matches_the_reference = _models.multi_layer_forward_matches_the_reference
multi_layer_bptt_matches_finite_differences = _models.multi_layer_bptt_matches_finite_differences
lstm_forward_matches_the_reference = _models.lstm_forward_matches_the_reference
lstm_bptt_matches_finite_differences = _models.lstm_bptt_matches_finite_differences
gru_forward_matches_the_reference = _models.gru_forward_matches_the_reference
gru_bptt_matches_finite_differences = _models.gru_bptt_matches_finite_differences
gru_step_is_sgd_with_momentum = _models.gru_step_is_sgd_with_momentum
# Multi_Layer_LSTM's and Multi_layer_GRU's, the LSTM and the GRU with a dense ReLU layer: next door too
_stacked = load_sibling(__file__, "activity_rnn_stacked")
multi_lstm_forward_matches_the_reference = _stacked.multi_lstm_forward_matches_the_reference
multi_lstm_bptt_matches_finite_differences = _stacked.multi_lstm_bptt_matches_finite_differences
multi_gru_forward_matches_the_reference = _stacked.multi_gru_forward_matches_the_reference
multi_gru_bptt_matches_finite_differences = _stacked.multi_gru_bptt_matches_finite_differences
multi_lstm_step_is_sgd_with_momentum = _stacked.multi_lstm_step_is_sgd_with_momentum
multi_gru_step_is_sgd_with_momentum = _stacked.multi_gru_step_is_sgd_with_momentum
# Three_Hidden_Layer_RNN's and Five_Hidden_Layer_RNN's, the RNN with a stack of dense ReLU layers: next door too
_deep = load_sibling(__file__, "activity_rnn_deep")
three_layer_forward_matches_the_reference = _deep.three_layer_forward_matches_the_reference
three_layer_bptt_matches_finite_differences = _deep.three_layer_bptt_matches_finite_differences
five_layer_forward_matches_the_reference = _deep.five_layer_forward_matches_the_reference
five_layer_bptt_matches_finite_differences = _deep.five_layer_bptt_matches_finite_differences

# Training: the grader's loop, SGD with momentum through the student's step. Measured on the
# reference over 20 data seeds x starting points (H = 12, 4 epochs of 20 batches of 32): held-out
# accuracy 0.52 at worst, 1.0 in most; chance is 1/6.
TRAINING = {"hidden": 12, "batch": 32, "epochs": 4, "learning_rate": 0.1, "mom_coeff": 0.5,
            "train": 640, "held_out": 300, "budget_s": 20.0}
MIN_ACCURACY = 0.4


# --- activations and the loss ----------------------------------------------------------------------
ACTIVATIONS = ("ReLU", "sigmoid", "softmax", "tanh", "dtanh", "dReLU")


@check("activations.values")
@given(x=cases.arrays(), which=st.sampled_from(ACTIVATIONS))
def activations_match_the_reference(sub, x, which):
    actual = sub.new("Activations").call(which, X=x.copy())
    expected = private.activation(which, x)
    what = f"Activations().{which}(X of shape {x.shape})"
    hint = ""
    if which == "dtanh" and same(actual, 1.0 - x ** 2):
        hint = " That is 1 - X**2, the derivative written for a tanh OUTPUT; dtanh takes the pre-activation X: 1 - tanh(X)**2."
    if which == "softmax" and x.ndim > 1 and not same(actual, expected):
        hint = " softmax is taken along the last axis (axis=-1, keepdims=True)."
    if hint:
        fail(f"{what} does not match the reference.{hint}", inputs={"X": x}, expected=expected, actual=actual)
    expect_close(actual, expected, what=what, inputs={"X": x})


@check("activations.softmax-stable")
@given(x=cases.large_logits())
def softmax_survives_large_scores(sub, x):
    with np.errstate(all="ignore"):
        actual = sub.new("Activations").call("softmax", X=x.copy())
    value = as_array(actual)
    what = f"Activations().softmax(X) with scores near 800 (shape {x.shape})"
    expect(value is not None and np.all(np.isfinite(value)), f"{what} returned non-finite values (nan or inf): "
           f"exp(800) overflows. Subtract each row's maximum first: np.exp(X - X.max(axis=-1, keepdims=True)).",
           inputs={"X": x}, actual=actual)
    expect_close(actual, private.activation("softmax", x), what=what, inputs={"X": x})


@check("relu-grad.values")
@given(x=cases.arrays())
def relu_grad_is_zero_or_one(sub, x):
    actual = as_array(sub.new("Activations").call("ReLU_grad", X=x.copy()))
    expected = private.activation("ReLU_grad", x)
    what = f"Activations().ReLU_grad(X of shape {x.shape})"
    if actual is not None and actual.shape == x.shape and same(actual, np.clip(x, 0, 1)) and not same(actual, expected):
        fail(f"{what} returns X itself where 0 < X <= 1 (e.g. ReLU_grad([-1, 0.3, 0.7, 2]) gives "
             f"[0, 0.3, 0.7, 1]): setting X[X <= 0] = 0 and X[X > 1] = 1 leaves the values in between. The "
             f"derivative of ReLU is exactly 1 wherever X > 0: np.where(X > 0, 1.0, 0.0).",
             inputs={"X": x}, expected=expected, actual=actual)
    expect_close(actual, expected, what=what, inputs={"X": x})


@check("relu-grad.keeps-input")
@given(x=cases.arrays())
def relu_grad_leaves_its_argument(sub, x):
    expect_inputs_unchanged(sub.new("Activations"), "ReLU_grad", X=x.copy(),
                            fix="ReLU_grad is called on the cached pre-activations, which the backward pass "
                                "still needs: build a new array (np.where(X > 0, 1.0, 0.0)) instead of "
                                "assigning into X.")


@check("cross-entropy.value")
@given(drawn=cases.label_prediction_pairs())
def cross_entropy_is_the_batch_mean(sub, drawn):
    labels, preds = drawn["labels"], drawn["preds"]
    actual = sub.function("CategoricalCrossEntropy")(labels=labels.copy(), preds=preds.copy())
    expected = ref.CategoricalCrossEntropy(labels, preds)
    what = f"CategoricalCrossEntropy(labels, preds) for {labels.shape[0]} samples"
    if labels.shape[0] > 1 and same(actual, expected * labels.shape[0]):
        fail(f"{what} is the SUM over the samples; the loss is their mean (divide by N = labels.shape[0]).",
             inputs=drawn, expected=expected, actual=actual)
    expect_close(actual, expected, what=what, inputs=drawn)
    # a prediction of exactly 0 for the true class: the clip keeps the loss finite
    zero = preds.copy()
    zero[0] = labels[0] * 0.0 + (1.0 - labels[0]) / (labels.shape[1] - 1)
    clipped = sub.function("CategoricalCrossEntropy")(labels=labels.copy(), preds=zero)
    expect(np.isfinite(np.asarray(clipped, dtype=float)).all(), f"{what} with a predicted probability of exactly 0 "
           f"for a true class returned {describe(clipped)}: clip preds (np.clip(preds, 1e-12, 1 - 1e-12)) "
           f"before the log.", inputs={"labels": labels, "preds": zero})


# --- the RNN: parameters ------------------------------------------------------------------------------
SHAPES = {"W1": "(input_dim, hidden_dim)", "B1": "(1, hidden_dim)", "W1_rec": "(hidden_dim, hidden_dim)",
          "W2": "(hidden_dim, output_class)", "B2": "(1, output_class)"}


def student_rnn(sub, case, **constructor: Any):
    """The student's RNN for ``case``, holding copies of the case's parameters."""
    return _expect.student_model(sub, "RNN", case, PARAMETERS, **constructor)


@check("init.shapes")
@given(case=cases.rnn_cases())
def parameters_have_row_vector_shapes(sub, case):
    rnn = sub.new("RNN", **case.constructor())
    what = case.label()
    for name in PARAMETERS:
        stored, shape = rnn.get(name), case.params[name].shape
        value = as_array(stored)
        if value is None:
            fail(f"{what}.{name} should be a numpy array; it is {describe(stored)}.")
        row = f" A bias is a row: np.zeros({shape})." if name.startswith("B") and value.shape == shape[1:] else ""
        expect(value.shape == shape, f"{what}.{name} has shape {value.shape}; expected {SHAPES[name]} = {shape}.{row}")


@check("init.xavier")
@given(hidden=st.integers(32, 64), classes=st.integers(4, 6))
def weights_are_xavier_uniform(sub, hidden, classes):
    rnn = sub.new("RNN", input_dim=3, hidden_dim=hidden, seq_len=5, learning_rate=0.1, mom_coeff=0.85,
                  batch_size=2, output_class=classes)
    what = f"RNN(input_dim=3, hidden_dim={hidden}, output_class={classes})"
    for name, (fan_in, fan_out) in (("W1", (3, hidden)), ("W1_rec", (hidden, hidden)), ("W2", (hidden, classes))):
        value = as_array(rnn.get(name))
        if value is None or value.shape != (fan_in, fan_out):
            return   # init.shapes says so
        bound = float(np.sqrt(6.0 / (fan_in + fan_out)))
        largest, spread = float(np.max(np.abs(value))), float(np.std(value))
        rule = (f"Xavier-uniform draws {name} {value.shape} from U(-b, b) with b = sqrt(6 / (fan_in + fan_out)) = "
                f"sqrt(6 / ({fan_in} + {fan_out})) = {bound:.4g}")
        expect(largest <= bound * (1 + 1e-9), f"{what}.{name} has an entry of size {largest:.4g}, beyond the bound: "
               f"{rule}.")
        # U(-b, b) has std b / sqrt(3); with 96 or more entries the drawn one is within 25 % of it
        expect(spread >= 0.75 * bound / np.sqrt(3), f"{what}.{name} has a standard deviation of {spread:.4g}; "
               f"{rule}, whose standard deviation is b / sqrt(3) = {bound / np.sqrt(3):.4g}.")


# --- the RNN: forward, predict ------------------------------------------------------------------------
def student_forward(sub, case, rnn=None) -> tuple[Any, list[Any], list[Any]]:
    """The student's forward(X) with the case's parameters: (what it returned, states, probs)."""
    rnn = rnn or student_rnn(sub, case)
    returned = rnn.call("forward", X=case.X.copy())
    steps = case.X.shape[1]
    what = f"{case.label()}.forward(X {case.X.shape})"
    if not (isinstance(returned, (tuple, list)) and len(returned) >= 3):
        fail(f"{what} should return (X_state, hidden_state, probs); it returned {describe(returned)}.",
             inputs=case.as_inputs())
    states, probs = steps_of(returned[1], steps, states=True), steps_of(returned[2], steps)
    expect(states is not None and probs is not None, f"{what}: hidden_state and probs should hold one array per "
           f"step t = 0..{steps - 1} (dicts keyed by t, or lists); they are {describe(returned[1])} and "
           f"{describe(returned[2])}.", inputs=case.as_inputs())
    return returned, states, probs


@check("forward.values")
@given(case=cases.rnn_cases())
def forward_matches_the_reference(sub, case):
    _, states, probs = student_forward(sub, case)
    _, hs, ps = private.forward(case)
    steps = range(case.X.shape[1])
    what = f"{case.label()}.forward(X {case.X.shape}) with the grader's parameters"
    for name, cause in (("B1", "B1 is not added"), ("B2", "B2 is not added"), ("W1_rec", "the recurrence "
                                                                                          "h_(t-1) W1_rec is left out")):
        _, wrong_hs, wrong_ps = private.forward(case, (name,))
        if not all(same(probs[t], ps[t]) for t in steps) and all(same(probs[t], wrong_ps[t]) for t in steps):
            fail(f"{what}: probs are what a zero {name} gives, so {cause}. h_t = tanh(x_t W1 + h_(t-1) W1_rec + B1), "
                 f"p_t = softmax(h_t W2 + B2).", inputs=case.as_inputs())
    expect_close(states, [hs[t] for t in steps], what=f"hidden_state of {what}", inputs=case.as_inputs())
    expect_close(probs, [ps[t] for t in steps], what=f"probs of {what}", inputs=case.as_inputs())


@check("predict.last-step")
@given(case=cases.rnn_cases(min_batch=2, lengths=(3, 6)))
def predict_reads_the_last_step(sub, case):
    _, _, ps = private.forward(case)
    last = case.X.shape[1] - 1
    expected = np.argmax(ps[last], axis=1)
    actual = as_array(student_rnn(sub, case).call("predict", X=case.X.copy()))
    what = f"{case.label()}.predict(X {case.X.shape}) with the grader's parameters"
    expect(actual is not None and actual.shape == expected.shape, f"{what} should return one class per sequence, "
           f"shape {expected.shape}; it returned {describe(actual)}.", inputs=case.as_inputs())
    if not np.array_equal(actual, expected) and np.array_equal(actual, np.argmax(ps[0], axis=1)):
        fail(f"{what} returned the classes of the FIRST step; the model is many-to-one: read probs at the last step.",
             inputs=case.as_inputs(), expected=expected, actual=actual)
    expect(np.array_equal(actual, expected), f"{what} returned {actual.tolist()}; the argmax of the last step's "
           f"probabilities is {expected.tolist()}.", inputs=case.as_inputs(), expected=expected, actual=actual)


# --- the RNN: BPTT -------------------------------------------------------------------------------------
MISTAKES = {
    ("reinjects-output", "skips-first-step", "summed-over-batch"):
        "the output gradient dy W2^T is added to dh at EVERY step, the loop stops before t = 0, and the gradients "
        "are summed over the batch instead of averaged: the course's bug list, all three",
    ("reinjects-output", "skips-first-step"):
        "the output gradient dy W2^T is added to dh at EVERY step and the loop stops before t = 0. Only the last "
        "state h_(T-1) feeds the output in a many-to-one model: dh starts as dy W2^T at the last step and then "
        "comes only from the step after (dh_next); and t = 0 has its terms in dW1, dB1 and dW1_rec too",
    ("reinjects-output",):
        "the output gradient dy W2^T is added to dh at EVERY step. Only the last state h_(T-1) feeds the output "
        "in a many-to-one model: dh starts as dy W2^T at the last step and then comes only from the step after "
        "(dh_next)",
    ("skips-first-step", "summed-over-batch"):
        "the loop over time stops before t = 0 and the gradients are summed over the batch: loop over "
        "reversed(range(T)), and divide dy by B (the loss is the MEAN cross-entropy)",
    ("skips-first-step",):
        "the loop over time stops before t = 0 (range(T - 1, 0, -1)), so x_0's terms in dW1 and dB1 "
        "are missing; loop over reversed(range(T))",
    ("summed-over-batch",):
        "the gradients are summed over the batch: the loss is the MEAN cross-entropy, so dy = (p - Y) / B",
    ("tanh-of-state",):
        "the tanh derivative is taken of the state h_t as if it were the pre-activation (1 - tanh(h_t)^2); "
        "h_t already is tanh(a_t), so the derivative is 1 - h_t^2",
    ("current-state",):
        "dW1_rec is built from h_t; W1_rec multiplies the previous state, so dW1_rec += h_(t-1)^T dhraw",
}


def student_gradients(sub, case) -> dict[str, Any]:
    """The student's BPTT on the cache of their own forward when it is right, the reference's dicts otherwise."""
    rnn = student_rnn(sub, case)
    cache = private.forward(case)
    try:
        returned, states, probs = student_forward(sub, case, rnn)
        steps = range(case.X.shape[1])
        if all(matches(states[t], cache[1][t]) and matches(probs[t], cache[2][t]) for t in steps):
            cache = tuple(returned)
    except CheckFailed:
        pass   # a forward that does not give the per-step values: forward.values charges that
    returned = rnn.call("BPTT", cache=cache, Y=case.Y.copy())
    return _expect.returned_gradients(returned, GRADIENTS, f"{case.label()}.BPTT(cache, Y)", case.as_inputs())


def expect_bptt(actual: Mapping[str, Any], expected: Mapping[str, np.ndarray], case, what: str) -> None:
    """expect_gradients_close, naming the mistake when the student's gradients are a known wrong BPTT's.
    (The wrong ones are asked for whether or not the check fails: recorded with the cases.)"""
    wrongs = {mistakes: private.mistaken_gradients(case, mistakes) for mistakes in MISTAKES}
    try:
        expect_gradients_close(actual, expected, what=what, inputs=case.as_inputs())
    except CheckFailed as failed:
        found = [mistakes for mistakes in MISTAKES
                 if all(same(actual[name], np.clip(wrongs[mistakes][name], -10, 10)) for name in expected)]
        # the smallest explanations (a short sequence can make two sets of mistakes give the same
        # gradients); named only when there is one
        smallest = [m for m in found if not any(set(other) < set(m) for other in found)]
        if len(smallest) == 1:
            fail(f"{failed.message}\nThese are the gradients of a BPTT in which {MISTAKES[smallest[0]]}.",
                 inputs=case.as_inputs())
        if all(same(-np.asarray(actual[name], dtype=np.float64), expected[name]) for name in expected):
            fail(f"{failed.message}\nEvery gradient has the wrong sign: dy = p - Y (the probabilities minus the "
                 f"one-hot labels), not Y - p; step subtracts learning_rate * g.", inputs=case.as_inputs())
        raise


@check("bptt.gradients")
@given(case=cases.rnn_cases(min_batch=2, lengths=(3, 6)))
def bptt_matches_the_reference(sub, case):
    expect_bptt(student_gradients(sub, case), private.gradients(case), case,
                f"The gradients from {case.label()}.BPTT(cache, Y) (B={case.X.shape[0]}, T={case.X.shape[1]})")


@check("bptt.finite-differences")
@given(case=cases.rnn_cases(min_batch=2, max_batch=3, lengths=(3, 5), max_hidden=4))
def bptt_matches_finite_differences(sub, case):
    expect_bptt(student_gradients(sub, case), private.finite_differences(case), case,
                f"The gradients from {case.label()}.BPTT(cache, Y) (B={case.X.shape[0]}, T={case.X.shape[1]}) "
                f"and float64 central differences of the mean cross-entropy of the last step")


# --- the RNN: step --------------------------------------------------------------------------------------
@check("step.momentum")
@given(case=cases.step_cases())
def step_is_sgd_with_momentum(sub, case):
    rnn = student_rnn(sub, case)
    expected = private.momentum_trajectory(case)
    flipped, decayed = private.momentum_trajectory(case, sign=-1.0), private.momentum_trajectory(case, decay=0.9999)
    inputs = {"learning_rate": case.learning_rate, "mom_coeff": case.mom_coeff, **case.params}
    for k, grads in enumerate(case.grads):
        rnn.call("step", grads=[grads[g].copy() for g in GRADIENTS])
        what = f"{case.label()}: the parameters after step {k + 1} of 3"
        actual = {name: rnn.get(name) for name in PARAMETERS}
        if all(same(actual[n], expected[k][n]) for n in PARAMETERS):
            continue
        if k and all(same(actual[n], flipped[k][n]) for n in PARAMETERS):
            fail(f"{what} are what delta = -lr * g - mom_coeff * delta_prev gives: the momentum term has the wrong "
                 f"sign (it brakes instead of carrying on). delta = -learning_rate * g + mom_coeff * delta_prev; "
                 f"theta += delta.", inputs=inputs)
        if k and all(same(actual[n], decayed[k][n]) for n in PARAMETERS):
            fail(f"{what} are what a learning rate decayed by 0.9999 at every step gives. The README's step "
                 f"keeps learning_rate as it is (a schedule belongs to the training loop).", inputs=inputs)
        if k == 0 and all(same(actual[n], case.params[n]) for n in PARAMETERS):
            fail(f"{what}: step changed no parameter. It updates W1, B1, W1_rec, W2 and B2 in place "
                 f"(self.W1 += delta), in the order of the gradients.", inputs=inputs)
        for name in PARAMETERS:
            expect_close(actual[name], expected[k][name], what=f"{name} after step {k + 1} of {case.label()}",
                         inputs=inputs)


# --- training -------------------------------------------------------------------------------------------
# The grader's loop, in this process, calling into the student's object: forward, BPTT on that cache,
# step. Whether the model learned is measured here: the trained parameters are read back and run in
# the reference forward (private.accuracy) on held-out series, never a number the student's code reports.
@check("training.learns-activities")
@given(seed=st.integers(0, 2**16))
def rnn_learns_the_activities(sub, seed):
    sizes = TRAINING
    X, Y = cases.activity_series(seed, sizes["train"])
    X_held, Y_held = cases.activity_series(seed + 1, sizes["held_out"])
    start = cases.xavier_parameters(seed, 3, sizes["hidden"], Y.shape[1])
    rnn = sub.new("RNN", input_dim=3, hidden_dim=sizes["hidden"], seq_len=X.shape[1],
                  learning_rate=sizes["learning_rate"], mom_coeff=sizes["mom_coeff"], batch_size=sizes["batch"],
                  output_class=Y.shape[1])
    for name in PARAMETERS:
        rnn.set(name, start[name].copy())
    cpu_seconds = sub.harness("cpu_seconds")   # the budget is the student's CPU time: a busy machine does not cut it
    began, steps = cpu_seconds(), 0
    before = private.accuracy(start, X_held, Y_held)
    for _ in range(sizes["epochs"]):
        for i in range(0, sizes["train"], sizes["batch"]):
            cache = rnn.call("forward", X=X[i:i + sizes["batch"]])
            rnn.call("step", grads=rnn.call("BPTT", cache=cache, Y=Y[i:i + sizes["batch"]]))
            steps += 1
        if cpu_seconds() - began > sizes["budget_s"]:
            break
    trained = {}
    for name in PARAMETERS:
        value = as_array(rnn.get(name))
        expect(value is not None and value.shape == start[name].shape and np.all(np.isfinite(value)),
               lambda name=name: f"After {steps} training steps, {name} is {describe(rnn.get(name))}: expected finite "
                                 f"values of shape {start[name].shape}.")
        trained[name] = value
    after = private.accuracy(trained, X_held, Y_held)
    observe(f"held-out accuracy {before:.2f} → {after:.2f} after {steps} steps of SGD with momentum (lr "
            f"{sizes['learning_rate']}, mom {sizes['mom_coeff']}, batch {sizes['batch']}, hidden {sizes['hidden']}); "
            f"measured by the grader in the reference forward with your trained parameters")
    expect(after >= MIN_ACCURACY, f"After {steps} steps of the grader's training loop (your forward, BPTT and step; "
           f"{sizes['train']} series of {X.shape[1]} steps, 6 activities), the held-out accuracy of your trained "
           f"parameters, run by the grader in the reference forward, is {after:.2f} (it was {before:.2f} before "
           f"training); at least {MIN_ACCURACY} expected (chance is 0.17, the reference reaches 0.5 to 1.0).")
