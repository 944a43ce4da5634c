"""The grading suite of rnn-scratch: one ``@check`` per check in assignments/rnn-scratch/assignment.toml.

Part 1 grades the numpy RNN with the grader's parameters (non-zero biases included) set into the
student's object. ``backward`` is given the reference forward's ``xs, hs, ps``, so a forward that
forgets a bias costs the forward check only, and its gradients are compared with torch autograd
and with finite differences. Part 2 grades the PyTorch char-RNN with the grader's weights loaded
into the student's model, and once trained by the grader's own loop on "Acknowledgement".
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): what computes answers is in rnn_scratch_private.py

from typing import Any

import numpy as np
import torch
from hypothesis import assume, given
from hypothesis import strategies as st

from grader.compare import as_array, describe
from grader.errors import StudentCodeRaised
from grader.suite import (check, expect, expect_close, expect_inputs_unchanged, fail, load_private, load_sibling,
                          matches, observe, reference)

ref = reference()   # the reference's answers, recorded with the cases where they can be (grader.oracle)
private = load_private(__file__, "rnn_scratch_private")   # what computes answers: never sent to students


cases = load_sibling(__file__, "rnn_scratch_cases")
_expect = load_sibling(__file__, "rnn_scratch_expect")
PARAMETERS, same = cases.PARAMETERS, _expect.same

# "learns-word": measured on the reference over 40 seeds × hidden 12-16, Adam at lr 0.01 reproduces
# the word after 60 steps every time (40 steps: 7 misses in 200); 150 steps leave a wide margin.
WORD = ref.TEXT
TRAINING = {"optimizer": "Adam", "lr": 0.01, "steps": 150, "budget_s": 8.0, "seed": 0}
# The reference's loss after those 150 steps, measured over 40 seeds x hidden 12, 14, 16: at most 0.021.
# A model with its recurrent layer frozen (fc alone learning) stays near 1.
WORD_MAX_LOSS = 0.1
# A greedy choice closer than this (in logits) could go either way with float32 rounding.
CLEAR_MARGIN = 1e-3


# --- numpy RNN --------------------------------------------------------------------------------------
def student_rnn(sub, case, learning_rate: float = 0.1):
    """The student's RNN for ``case``, holding the case's parameters (copies: updates are in place)."""
    rnn = sub.new("RNN", hidden_size=case.hidden_size, vocab_size=case.vocab_size,
                  seq_length=len(case.inputs), learning_rate=learning_rate)
    for name in PARAMETERS:
        rnn.set(name, case.params[name].copy())
    return rnn


@check("init.shapes")
@given(case=cases.rnn_cases())
def parameters_have_column_shapes(sub, case):
    hidden, vocab = case.hidden_size, case.vocab_size
    rnn = sub.new("RNN", hidden_size=hidden, vocab_size=vocab, seq_length=len(case.inputs), learning_rate=0.1)
    what = f"RNN(hidden_size={hidden}, vocab_size={vocab}, ...)"
    for name in PARAMETERS:
        stored, shape = rnn.get(name), case.params[name].shape
        value = as_array(stored)
        if value is None:
            fail(f"{what}.{name} should be a numpy array; it is {describe(stored)}.")
        column = f" A bias is a column: np.zeros({shape})." if name in ("b", "c") and value.shape == shape[:1] else ""
        expect(value.shape == shape, f"{what}.{name} has shape {value.shape}; expected {shape}.{column}")


@check("init.random")
@given(hidden=st.integers(2, 8), vocab=st.integers(2, 6))
def hidden_units_start_apart(sub, hidden, vocab):
    rnn = sub.new("RNN", hidden_size=hidden, vocab_size=vocab, seq_length=4, learning_rate=0.1)
    what = f"RNN(hidden_size={hidden}, vocab_size={vocab}, ...)"
    drawn = {}
    for name in ("W_xh", "W_hh", "W_yh"):
        value = as_array(rnn.get(name))
        if value is None or value.ndim != 2:
            return   # not a matrix: init.shapes says so
        drawn[name] = value.astype(np.float64)
    if {"W_xh": (hidden, vocab), "W_hh": (hidden, hidden), "W_yh": (vocab, hidden)} != \
            {k: v.shape for k, v in drawn.items()}:
        return       # other shapes: init.shapes says so
    # Unit i is row i of W_xh and W_hh and column i of W_yh: two units alike in all three get the
    # same gradients at every step, and stay alike however long the model trains.
    units = np.concatenate([drawn["W_xh"], drawn["W_hh"], drawn["W_yh"].T], axis=1)
    alike = [(i, j) for i in range(hidden) for j in range(i + 1, hidden) if np.array_equal(units[i], units[j])]
    if not alike:
        return
    constant = [n for n, v in drawn.items() if np.ptp(v) == 0]
    if len(constant) == 3:
        start = ("all zeros" if not any(v.any() for v in drawn.values())
                 else "constant (every entry of each the same)")
        cause = f"W_xh, W_hh and W_yh start {start}"
    else:
        cause = f"hidden units {alike[0][0]} and {alike[0][1]} start with the same weights (rows of W_xh and " \
                f"W_hh, columns of W_yh){f'; {len(alike)} pairs of units are alike' if len(alike) > 1 else ''}"
    fail(f"{what}: {cause}. Units that start alike get the same gradients and never become different, so the "
         f"model learns as if it had one hidden unit. Draw the weights at random, as min-char-rnn does "
         f"(`np.random.randn(hidden_size, vocab_size) * 0.01`); the biases may start at zero.")


@check("forward.biases")
@given(case=cases.rnn_cases())
def forward_adds_both_biases(sub, case):
    what, inputs = f"{case.label()}.forward(inputs={case.inputs}, hprev)", case.as_inputs()
    returned = student_rnn(sub, case).call("forward", inputs=list(case.inputs), hprev=case.hprev.copy())
    if not (isinstance(returned, (tuple, list)) and len(returned) >= 3
            and all(isinstance(d, dict) for d in returned[:3])):
        fail(f"{what} should return the dicts (xs, hs, ps); it returned {describe(returned)}.", inputs=inputs)
    _, hs, ps = returned[:3]
    steps = range(len(case.inputs))
    expect(all(t in hs and t in ps for t in steps), f"{what}: hs and ps should have the keys 0..{len(steps) - 1} "
           f"(one per step); they have {sorted(hs)} and {sorted(ps)}.", inputs=inputs)
    for states, actual in ((False, [ps[t] for t in steps]), (True, [hs[t] for t in steps])):
        key, expected = "hs" if states else "ps", _forward_of(case, states=states)
        cause = _missing_bias(case, actual, states, same(actual, expected))
        if cause:
            fail(f"{what}: {key} is what zero biases give, so {cause}. h_t = tanh(W_xh x_t + W_hh h_(t-1) + b) "
                 f"and p_t = softmax(W_yh h_t + c).", inputs=inputs, expected=expected, actual=actual)
        expect_close(actual, expected, what=f"{key} of {what}", inputs=inputs)


@check("forward.initial-state")
@given(case=cases.rnn_cases())
def forward_keeps_the_initial_state(sub, case):
    what, inputs = f"{case.label()}.forward(inputs={case.inputs}, hprev)", case.as_inputs()
    returned = student_rnn(sub, case).call("forward", inputs=list(case.inputs), hprev=case.hprev.copy())
    hs = returned[1] if isinstance(returned, (tuple, list)) and len(returned) >= 3 else None
    if not isinstance(hs, dict):
        fail(f"{what} should return the dicts (xs, hs, ps); it returned {describe(returned)}.", inputs=inputs)
    if -1 not in hs:
        fail(f"{what}: hs has no key -1 (its keys are {sorted(hs, key=str)}). The README's convention is "
             f"hs[-1] = hprev, the state the sequence starts from: backward reads hs[t - 1], and at t = 0 that is "
             f"hs[-1], so training with your own forward and backward fails on the first step.", inputs=inputs)
    expect_close(hs[-1], case.hprev, what=f"hs[-1] of {what} (it should be hprev)", inputs=inputs)


def _forward_of(case, zeroed: tuple[str, ...] = (), states: bool = False) -> list[np.ndarray]:
    """The reference forward's ps (or hs, with ``states``) by step, with the ``zeroed`` biases set to 0."""
    _, hs, ps = private.forward(case, tuple(zeroed))
    return [(hs if states else ps)[t] for t in range(len(case.inputs))]


def _missing_bias(case, actual: list[Any], states: bool, right: bool) -> str | None:
    """Which bias the student's forward leaves out, when its ps (or hs) are what that gives; None when
    they are ``right``. (The wrong forwards are asked for either way: recorded with the cases, a
    student's own copy of the grader names the mistake too.)"""
    wrongs = [(_forward_of(case, zeroed, states), cause) for zeroed, cause in (
        (("b",), "b is not added"), (("c",), "c is not added"), (("b", "c"), "neither b nor c is added"))]
    return None if right else next((cause for wrong, cause in wrongs if same(actual, wrong)), None)


def student_gradients(sub, case) -> dict[str, Any]:
    """The student's backward on the reference forward's (xs, hs, ps), as {dW_xh, ..., dc}."""
    xs, hs, ps = private.forward(case)
    returned = student_rnn(sub, case).call("backward", xs=xs, hs=hs, ps=ps, targets=list(case.targets))
    return _expect.as_gradients(returned, f"{case.label()}.backward(xs, hs, ps, targets={case.targets})",
                              case.as_inputs())


def expect_autograd_gradients(sub, case, names: tuple[str, ...]) -> None:
    expected = private.autograd_gradients(case)
    what = f"{', '.join(names)} from {case.label()}.backward (targets={case.targets})"
    _expect.expect_gradients(student_gradients(sub, case), {n: expected[n] for n in names}, case, what,
                             case.as_inputs())


@check("backward.weights")
@given(case=cases.rnn_cases())
def backward_weight_gradients_match_autograd(sub, case):
    expect_autograd_gradients(sub, case, ("dW_xh", "dW_hh", "dW_yh"))


@check("backward.biases")
@given(case=cases.rnn_cases())
def backward_bias_gradients_match_autograd(sub, case):
    expect_autograd_gradients(sub, case, ("db", "dc"))


@check("backward.no-side-effects")
@given(case=cases.rnn_cases())
def backward_leaves_its_inputs_and_itself_alone(sub, case):
    xs, hs, ps = private.forward(case)
    rnn = student_rnn(sub, case)
    arguments = {"xs": xs, "hs": hs, "ps": ps, "targets": list(case.targets)}
    what = f"{case.label()}.backward(xs, hs, ps, targets={case.targets})"
    first = _expect.as_gradients(expect_inputs_unchanged(
        rnn, "backward", fix="Copy before changing: dy = np.copy(ps[t]), then dy[targets[t]] -= 1.", **arguments),
        what, case.as_inputs())
    second = _expect.as_gradients(rnn.call("backward", **arguments), what + " called again", case.as_inputs())
    changed = [name for name in first if not matches(second[name], first[name])]
    expect(not changed, f"{what}, called a second time on the same RNN with the same values, returned other "
           f"{', '.join(changed)}: something is kept on the object from one call to the next (gradients summed "
           f"into self and never reset?). Start every backward from zeros.", inputs=case.as_inputs())


@check("backward.finite-differences")
@given(case=cases.rnn_cases(lengths=(4, 8)))
def backward_matches_finite_differences(sub, case):
    expected = private.finite_differences(case)
    _expect.expect_gradients(student_gradients(sub, case), {f"d{n}": g for n, g in expected.items()}, case,
                           f"The gradients from {case.label()}.backward (targets={case.targets}) and finite "
                           f"differences of the loss", case.as_inputs())


@check("update.all-parameters")
@given(case=cases.update_cases())
def update_is_sgd_on_all_parameters(sub, case):
    hidden, vocab = case.params["W_xh"].shape
    rnn = sub.new("RNN", hidden_size=hidden, vocab_size=vocab, seq_length=1, learning_rate=case.learning_rate)
    for name in PARAMETERS:
        rnn.set(name, case.params[name].copy())
    rnn.call("update_model", **{name: g.copy() for name, g in case.grads.items()})
    actual, expected = {name: rnn.get(name) for name in PARAMETERS}, case.expected()
    inputs = {"learning_rate": case.learning_rate, **case.grads}
    unchanged = [name for name in PARAMETERS if same(actual[name], case.params[name])]
    expect(not unchanged, f"{case.label()} left {', '.join(unchanged)} unchanged: update_model must update all "
           f"five parameters, b and c included (param -= learning_rate * dparam).", inputs=inputs)
    for name in PARAMETERS:
        sign_step = case.params[name] - case.learning_rate * np.sign(case.grads[f"d{name}"])
        if not same(actual[name], expected[name]) and same(actual[name], sign_step):
            fail(f"{case.label()}: {name} moved by learning_rate * sign(d{name}), which is Adagrad's first step. "
                 f"update_model is plain SGD: {name} -= learning_rate * d{name}.", inputs=inputs,
                 expected=expected[name], actual=actual[name])
        expect_close(actual[name], expected[name], what=f"{name} after {case.label()}", inputs=inputs)


# --- one-hot encoding -------------------------------------------------------------------------------
def expect_one_hot(sub, kwargs: dict[str, Any]) -> np.ndarray:
    what = "one_hot_encode({})".format(", ".join(f"{k}={v}" for k, v in kwargs.items()))
    returned = sub.function("one_hot_encode")(**kwargs)
    actual, expected = as_array(returned), ref.one_hot_encode(**kwargs)
    expect(actual is not None, lambda: f"{what} should return a numpy array (or tensor); it returned {describe(returned)}.",
           inputs=kwargs)
    expect(actual.shape == expected.shape, f"{what} returned shape {actual.shape}; expected "
           f"(batch_size, seq_len, dict_size) = {expected.shape}.", inputs=kwargs, actual=actual)
    only_first = expected.copy()
    only_first[1:] = 0.0
    if kwargs["batch_size"] > 1 and same(actual, only_first):
        fail(f"{what} encoded only the first sequence; the others are all zeros. The `return` is probably inside "
             f"the loop over the batch: return after the loop.", inputs=kwargs, expected=expected, actual=actual)
    expect_close(actual, expected, what=what, inputs=kwargs)
    return actual


@check("one-hot.single")
@given(kwargs=cases.one_hot_cases(batch=(1, 1)))
def one_hot_encodes_a_sequence(sub, kwargs):
    actual = expect_one_hot(sub, kwargs)
    expect(actual.dtype == np.float32, f"one_hot_encode returned {actual.dtype} features; make them float32 "
           f"(np.zeros(..., dtype=np.float32)), the dtype of nn.RNN's weights.", inputs=kwargs)


@check("one-hot.batch")
@given(kwargs=cases.one_hot_cases(batch=(2, 4)))
def one_hot_encodes_every_sequence(sub, kwargs):
    expect_one_hot(sub, kwargs)


# --- the PyTorch model ------------------------------------------------------------------------------
def model_forward(model, case, x: torch.Tensor) -> tuple[Any, Any]:
    """The student's model(x) as (out, hidden); a batch-first mix-up is named."""
    what = f"{case.label()}.forward(x {tuple(x.shape)})"
    inputs = {"x": x}
    try:
        returned = model.call("forward", x=x)
    except StudentCodeRaised as raised:
        if "Expected hidden size" in raised.exc_message:
            fail(f"{what} raised {raised.exc_type}: {raised.exc_message}. x is (batch, seq_len, V): nn.RNN reads "
                 f"it as (seq_len, batch, V) unless it is built with batch_first=True.", inputs=inputs)
        raise
    return _expect.as_pair(returned, what, inputs, "out, hidden")


@check("model.shapes")
@given(drawn=cases.models_with_batches())
def model_returns_flat_logits_and_hidden(sub, drawn):
    case, x = drawn
    (batch, steps, _), what = x.shape, f"{case.label()}.forward(x {tuple(x.shape)})"
    out, hidden = model_forward(sub.new("Model", **case.constructor()), case, x)
    out_shape, hidden_shape = tuple(np.shape(out)), tuple(np.shape(hidden))
    unflat = " Flatten the RNN's output with out.contiguous().view(-1, hidden_dim) before fc." \
        if out_shape == (batch, steps, case.vocab) else ""
    expect(out_shape == (batch * steps, case.vocab), f"{what} returned out of shape {out_shape}; expected "
           f"(batch * seq_len, output_size) = {(batch * steps, case.vocab)}.{unflat}", inputs={"x": x})
    swapped = " Build nn.RNN with batch_first=True." if hidden_shape == (case.layers, steps, case.hidden) else ""
    expect(hidden_shape == (case.layers, batch, case.hidden), f"{what} returned hidden of shape {hidden_shape}; "
           f"expected (n_layers, batch, hidden_dim) = {(case.layers, batch, case.hidden)}.{swapped}", inputs={"x": x})


@check("model.matches-reference")
@given(drawn=cases.models_with_batches())
def model_matches_reference_with_the_same_weights(sub, drawn):
    case, x = drawn
    model = sub.new("Model", **case.constructor())
    _expect.load_weights(sub, model, case)
    out, hidden = model_forward(model, case, x)
    expected_out, expected_hidden = private.model_outputs(case, x)
    what = f"{case.label()}.forward(x {tuple(x.shape)}) with the grader's weights"
    expect_close(out, expected_out, what=f"out of {what}", inputs={"x": x})
    expect_close(hidden, expected_hidden, what=f"hidden of {what} (the state after the last step, from a zero "
                 f"initial state)", inputs={"x": x})


# --- predict and output -----------------------------------------------------------------------------
def student_model_like(sub, case):
    """The student's Model holding the case's weights, with the template's vocabulary defined."""
    model = sub.new("Model", **case.constructor())
    _expect.load_weights(sub, model, case)
    sub.define(char2int=dict(ref.char2int), int2char=dict(ref.int2char), dict_size=ref.dict_size)
    return model


def own_prediction(model, prefix: str) -> tuple[str, Any] | None:
    """predict's answer computed by the grader from the student's own Model: the prefix one-hot
    encoded (float32, batch first, by the grader), the model called once, the argmax of the last
    step's scores. None when the model cannot give one (it raises, or its scores are not one row
    per step). Predict is then graded on what it does with the model, not on the model."""
    x = torch.zeros((1, len(prefix), ref.dict_size), dtype=torch.float32)
    for t, c in enumerate(prefix):
        x[0, t, ref.char2int[c]] = 1.0
    try:
        out, hidden = model.call("forward", x=x)
        index = int(np.argmax(np.asarray(as_array(out))[-1]))
    except (StudentCodeRaised, TypeError, ValueError, IndexError):
        return None
    return (ref.int2char[index], hidden) if index in ref.int2char else None


@check("predict.argmax")
@given(case=cases.vocabulary_models(), prefix=cases.prefixes())
def predict_picks_the_most_likely_next_char(sub, case, prefix):
    expected = private.prediction(case, prefix)
    assume(expected["margin"] > CLEAR_MARGIN)
    what = f"predict(model, {list(prefix)}) for {case.label()} with the grader's weights"
    inputs = {"character": list(prefix)}
    model = student_model_like(sub, case)
    returned = sub.function("predict")(model=model, character=list(prefix))
    char, hidden = _expect.as_pair(returned, what, inputs, "char, hidden")
    expected_char, expected_hidden = expected["char"], expected["hidden"]
    if char != expected_char or not matches(hidden, expected_hidden):
        own = own_prediction(model, prefix)
        if own is not None and char == own[0] and matches(hidden, own[1]):
            return   # what your Model gives, read as predict must read it: the Model's checks charge its mistakes
    hint = " That is the prediction after the first character: take the last step's scores, out[-1]." \
        if char == expected["after_first"] != expected_char else ""
    expect(char == expected_char, f"{what} returned {char!r}; the most likely next character is "
           f"{expected_char!r}.{hint}", inputs=inputs)
    expect_close(hidden, expected_hidden, what=f"the hidden state returned by {what}", inputs=inputs)


@check("sample.greedy")
@given(case=cases.vocabulary_models(), start=cases.prefixes(1, 3), extra=st.integers(1, 6))
def output_extends_the_start_greedily(sub, case, start, extra):
    out_len = len(start) + extra
    decoded = private.greedy_decoding(case, start, out_len)
    assume(decoded["margin"] > CLEAR_MARGIN)
    what, inputs = f"output(model, {out_len}, {start!r}) for {case.label()} with the grader's weights", \
        {"out_len": out_len, "start": start}
    model = student_model_like(sub, case)
    text = sub.function("output")(model=model, out_len=out_len, start=start)
    expected = decoded["text"]
    expect(isinstance(text, str), lambda: f"{what} should return a str; it returned {describe(text)}.", inputs=inputs)
    expect(text.startswith(start), f"{what} returned {text!r}, which does not begin with the start {start!r}: "
           f"the text returned includes the start.", inputs=inputs, expected=expected, actual=text)
    expect(len(text) == out_len, f"{what} returned {text!r} of length {len(text)}; expected {out_len} "
           f"characters, the start included.", inputs=inputs, expected=expected, actual=text)
    if text != expected and text == decoded_by_own_predict(sub, model, start, out_len):
        return   # greedy decoding with your own predict: a mistake in predict is predict.argmax's to charge
    causes = [cause for wrong, cause in decoded["wrong"] if wrong == text]
    if text != expected and len(causes) == 1:       # two mistakes giving the same text: name neither
        fail(f"{what} returned {text!r}, {causes[0]}", inputs=inputs, expected=expected, actual=text)
    expect(text == expected, f"{what} returned {text!r}; greedy decoding gives {expected!r}.", inputs=inputs,
           expected=expected, actual=text)


def decoded_by_own_predict(sub, model, start: str, out_len: int) -> str | None:
    """Greedy decoding as output() must do it, run by the grader with the student's own predict:
    each next character is predict(model, text so far). None when predict does not give one."""
    chars = list(start)
    try:
        for _ in range(out_len - len(start)):
            returned = sub.function("predict")(model=model, character=list(chars))
            char = returned[0] if isinstance(returned, (tuple, list)) and returned else None
            if not isinstance(char, str):
                return None
            chars.append(char)
    except StudentCodeRaised:
        return None
    return "".join(chars)


# The grader trains the model with its own loop (grader.harness.train_steps), in the worker, next to
# the student's code; what that loop reports, and what the student's output() returns, the student's
# code could have shaped. So whether the model learned is measured here: the trained parameters come
# back as plain tensors and run in the reference Model, in this process, for the loss and for greedy
# decoding (ref.output). output() must then give the same word. Only when the parameters do not fit
# the reference Model (model.matches-reference says why) is the second best all there is: the loop's
# losses and the student's output().
@check("sample.learns-word")
@given(hidden=st.integers(12, 16))
def model_learns_the_word(sub, hidden):
    indices = [ref.char2int[c] for c in WORD]
    x = torch.from_numpy(ref.one_hot_encode([indices[:-1]], ref.dict_size, len(WORD) - 1, 1))
    targets = torch.tensor([indices[1:]])
    constructor = {"input_size": ref.dict_size, "output_size": ref.dict_size, "hidden_dim": hidden, "n_layers": 1}
    model = sub.new("Model", **constructor)
    start = _expect.reference_holding(model.parameters(), constructor)
    run = sub.harness("train_steps")(model=model, inputs=x, targets=targets, loss="cross_entropy", **TRAINING)
    trained = _expect.reference_holding(model.parameters(), constructor)
    steps = (f"After {run['steps']} steps of the grader's training (Adam, lr {TRAINING['lr']}) on {WORD[:-1]!r} → "
             f"{WORD[1:]!r} with hidden_dim={hidden}")
    if start is not None and trained is not None:
        with torch.no_grad():
            before, after = (float(torch.nn.functional.cross_entropy(m(x)[0], targets.reshape(-1)))
                             for m in (start, trained))
        decoded = ref.output(trained, len(WORD), WORD[0])
        observe(f"hidden_dim={hidden}: loss {before:.3g} → {after:.3g} in {run['steps']} steps (stopped: "
                f"{run['stopped']}), greedy text {decoded!r}; measured by the grader in the reference Model with "
                f"your trained weights")
        expect(after <= WORD_MAX_LOSS and decoded == WORD, f"{steps}, your model did not learn the word: the "
               f"grader ran your trained weights in the reference Model, where the loss went from {before:.3g} to "
               f"{after:.3g} (at most {WORD_MAX_LOSS} expected; the reference reaches 0.02) and greedy decoding "
               f"from {WORD[0]!r} gives {decoded!r} ({WORD!r} expected).")
        cause = (f" The model did learn it (the grader's greedy decoding of your trained weights gives {WORD!r}), "
                 f"so look at predict and output.")
    else:
        losses = run["losses"]
        observe(f"hidden_dim={hidden}: loss {losses[0]:.3g} → {losses[-1]:.3g} in {run['steps']} steps (stopped: "
                f"{run['stopped']}), as the grader's loop reports it from your worker: your parameters do not fit "
                f"the reference Model (see model.matches-reference), so the grader cannot measure them itself")
        expect(run["stopped"] != "diverged", f"{steps}, the loss became {losses[-1]}.")
        cause = (f" The loss is still {losses[-1]:.3g}: the model did not learn the word." if losses[-1] > 0.1 else
                 f" The model did learn it (loss {losses[-1]:.3g}), so look at predict and output.")
    sub.define(char2int=dict(ref.char2int), int2char=dict(ref.int2char), dict_size=ref.dict_size)
    text = sub.function("output")(model=model, out_len=len(WORD), start=WORD[0])
    if trained is not None and decoded == WORD and text != WORD \
            and text == decoded_by_own_predict(sub, model, WORD[0], len(WORD)):
        return   # it learned (measured above); output decodes as your predict reads: predict.argmax charges that
    expect(text == WORD, f"{steps}, output(model, {len(WORD)}, {WORD[0]!r}) returned {text!r}; expected "
           f"{WORD!r}.{cause}", inputs={"out_len": len(WORD), "start": WORD[0]}, expected=WORD, actual=text)
    if trained is not None:
        # A second prompt, whose answer the grader computes from the same trained weights: a constant
        # "Acknowledgement" cannot pass both.
        begin, length = "e", 6
        wanted = ref.output(trained, length, begin)
        other = sub.function("output")(model=model, out_len=length, start=begin)
        expect(other == wanted, f"{steps}, output(model, {length}, {begin!r}) returned {other!r}; greedy decoding "
               f"of your trained weights in the reference Model gives {wanted!r}. Does output() really run the "
               f"model from the start character it is given?", inputs={"out_len": length, "start": begin},
               expected=wanted, actual=other)
