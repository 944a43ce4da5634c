"""The grading suite of pa3-rnn: one ``@check`` per check in assignments/pa3-rnn/assignment.toml.

The five classifiers share one set of checks, registered per model below, so that each model is
graded in the exercise that names it. Models live in the student's worker: the suite reads their
parameters, loads its own weights into them (grader.harness.load_parameters) and trains them with
the grader's own loop; the students' MNIST train/test functions are never called. What the
suite knows about recurrent layers (parameter names, known wrong read-outs) is in pa3_rnn_models.py,
its inputs and training sets in pa3_rnn_data.py.
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): what computes answers is in pa3_rnn_private.py

import dataclasses
import math
from typing import Any, Mapping, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from grader.compare import as_array, describe
from grader.suite import (CheckFailed, check, expect, expect_close, expect_inputs_unchanged, fail, load_private,
                          load_sibling, observe)



data = load_sibling(__file__, "pa3_rnn_data")
models = load_sibling(__file__, "pa3_rnn_models")
private = load_private(__file__, "pa3_rnn_private")   # what computes answers: never sent to students
Inputs = Mapping[str, Any]

# The starter's globals that students' code reads (`h0 = torch.zeros(...).to(device)`). The grader
# sets them before every check, `device` as "cpu" whatever the notebook chose.
TEMPLATE_GLOBALS = {"batch_size": 64, "learning_rate": 1e-3, "device": "cpu", "num_epochs": 10,
                    "train_iters": 300, "test_iters": 60}

# Training: far below the checks' timeout_s (40 s); a model stopped by the budget is judged on the
# steps it made. Thresholds measured on the reference and the alternatives (final loss 0.23-0.45,
# held-out accuracy 77-84 %) and on broken models (loss >= 1.45, accuracy <= 53 %).
TRAINING_BUDGET_S = 15.0
DIGITS_MODEL = data.ModelCase(batch=0, time=8, input_dim=8, hidden_dim=32, num_layers=1, output_dim=10, seed=0)
DIGITS_STEPS, DIGITS_LR, DIGITS_MAX_LOSS, DIGITS_MIN_ACCURACY = 60, 0.02, 0.9, 0.65
# Binary addition: the reference gets all 64 sums right after 150 steps; reading the bits in the
# wrong order caps a model at 27 of 64.
ADDITION_STEPS, ADDITION_LR, ADDITION_HIDDEN, ADDITION_MIN_CORRECT = 150, 0.05, 16, 58

# How close a result must be to a known wrong answer to be recognised as that mistake. It only
# picks the message; the verdict always comes from expect_close.
_DIAGNOSIS_RTOL, _DIAGNOSIS_ATOL = 1e-4, 1e-5


# --- shared expectations -------------------------------------------------------------------------
def new_model(sub, family, case) -> Any:
    sub.define(**TEMPLATE_GLOBALS)
    return sub.new(family.class_name, **family.constructor(case))


def as_numbers(value: Any, what: str, inputs: Inputs | None = None) -> np.ndarray:
    """The student's result as a numeric array (torch tensor or numpy array); else the check fails."""
    array = as_array(value)
    if array is None or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        fail(f"{what} should be a torch tensor or numpy array of numbers; it is {describe(value)}.", inputs=inputs)
    return array


def expect_shape(array: np.ndarray, shape: tuple[int, ...], what: str, inputs: Inputs | None, why: str = "") -> None:
    expect(array.shape == tuple(shape), f"{what} has shape {array.shape}; expected {tuple(shape)}."
           + (f" {why}" if why else ""), inputs=inputs, actual=array)


def _same(actual: np.ndarray, candidate: Any) -> bool:
    candidate = np.asarray(as_array(candidate))
    return actual.shape == candidate.shape and bool(
        np.allclose(actual, candidate, rtol=_DIAGNOSIS_RTOL, atol=_DIAGNOSIS_ATOL))


def expect_matches(actual: Any, expected: Any, what: str, inputs: Inputs,
                   diagnoses: Sequence[tuple[Any, str]]) -> None:
    """expect_close, except that a result equal to one of the known wrong answers in ``diagnoses``
    (pairs of a wrong output and its cause) fails with that cause."""
    numbers = as_numbers(actual, what, inputs)
    if not _same(numbers, expected):
        for wrong, cause in diagnoses:
            if _same(numbers, wrong):
                fail(f"{what} does not match the reference: {cause}", inputs=inputs, expected=expected, actual=actual)
    expect_close(actual, expected, what=what, inputs=inputs)


def forward(model, x: torch.Tensor, what: str, inputs: Inputs) -> np.ndarray:
    return as_numbers(model.call("forward", x=x), what, inputs)


# --- the five classifiers --------------------------------------------------------------------------
def expect_log_probabilities(sub, family, case) -> None:
    x, label = case.inputs(), family.label(case)
    inputs = {"model": label, "x": x}
    out = forward(new_model(sub, family, case), x, f"{label}.forward(x)", inputs)
    expect_shape(out, (case.batch, case.output_dim), f"{label}.forward(x) for x of shape {tuple(x.shape)}", inputs,
                 "One row of output_dim class scores per sample, from the last time step.")
    expect(bool(np.all(np.isfinite(out))), f"{label}.forward(x) contains nan or inf.", inputs=inputs, actual=out)
    sums = np.exp(out.astype(np.float64)).sum(axis=1)
    if np.allclose(sums, 1.0, atol=1e-4):
        return
    if np.all(out >= 0) and np.allclose(out.sum(axis=1), 1.0, atol=1e-4):
        cause = "its rows sum to 1, so it returns probabilities (softmax); return their logarithm, log_softmax."
    elif np.allclose(np.exp(out.astype(np.float64)).sum(axis=0), 1.0, atol=1e-4):
        cause = "exp(output) sums to 1 down each column: log_softmax runs over dim 0, the batch. Use dim=1."
    else:
        cause = "these are not log-probabilities. Apply log_softmax over dim 1 to fc's scores."
    fail(f"{label}.forward(x): the rows of exp(output) sum to {describe(sums)}, not 1: {cause}",
         inputs=inputs, actual=out)


def expect_architecture(sub, family, case) -> None:
    model = new_model(sub, family, case)
    models.expect_architecture(family, case, model.parameters(), family.label(case))


def expect_batch_first(sub, family, case) -> None:
    x, label = case.inputs(), family.label(case)
    model = new_model(sub, family, case)
    inputs = {"model": label, "x": x}
    batched = forward(model, x, f"{label}.forward(x)", inputs)
    expect_shape(batched, (case.batch, case.output_dim), f"{label}.forward(x)", inputs)
    again = forward(model, x, f"{label}.forward(x), called again", inputs)
    if not (again.shape == batched.shape and np.allclose(again, batched, rtol=1e-5, atol=1e-6)):
        fail(f"{label}: forward(x) gave {describe(batched)}, and called again on the same x, {describe(again)}. "
             f"The output must depend on x alone; what changes between two calls is a random initial state "
             f"(h0 from torch.randn: start from zeros, or pass none), dropout left on, or a state kept on self "
             f"from the previous batch (each batch starts afresh).", inputs=inputs)
    for i in range(case.batch):
        alone = forward(model, x[i:i + 1], f"{label}.forward(x[{i}:{i + 1}])", inputs)
        if not (alone.shape == (1, case.output_dim) and np.allclose(alone[0], batched[i], rtol=1e-4, atol=1e-5)):
            fail(f"{label}: row {i} of forward(x) for a batch of {case.batch} is {describe(batched[i])}, but "
                 f"forward(x[{i}:{i + 1}]), sample {i} alone, gives {describe(alone)}. A sample's output must not "
                 f"depend on the other samples: torch's recurrent layers read (T, B, D) unless built with "
                 f"batch_first=True.", inputs=inputs)


def expect_reference_output(sub, family, case, x: torch.Tensor) -> None:
    """With the reference's weights loaded into the student's model, forward(x) is the reference's."""
    label = family.label(case)
    model = new_model(sub, family, case)
    layout = models.expect_architecture(family, case, model.parameters(), label)
    answers = private.reference_outputs(family, case, x)
    sub.harness("load_parameters")(model=model, values=models.student_weights(family, case, layout))
    expect_matches(model.call("forward", x=x), answers["expected"], f"{label}.forward(x) with the reference's "
                   f"weights", {"model": label, "x": x}, [tuple(w) for w in answers["wrong"]])


def expect_keeps_input(sub, family, case, x: torch.Tensor) -> None:
    """forward(x) leaves x as it was: the caller's batch is reused (a training loop's next epoch)."""
    model = new_model(sub, family, case)
    expect_inputs_unchanged(model, "forward", x=x, fix=(
        "In-place operations on x (x.transpose_(0, 1), x.sub_(...), x[...] = ...) change the caller's "
        "batch; use the out-of-place forms (x.transpose(0, 1), x - ...) or build the layer with "
        "batch_first=True."))


# --- training: measured by the grader ------------------------------------------------------------------
# The grader trains the student's model with its own loop (grader.harness.train_steps), but that loop
# and the student's forward run in the worker, where the student's code could change what they
# report (patch torch.nn.functional.nll_loss, say). So the verdict is measured here: the trained
# parameters are read back as plain tensors and run in the *reference* model, in this process, on
# data the grader holds. The student's forward is run too (grader.harness.evaluate), only to choose
# the model to measure in: when it computes one of the wrong models pa3_rnn_private.ReferenceModel.known_mistakes
# names (a mistake the value checks already charge for), the grader measures the weights in its own
# copy of that model, which they were trained for. Its outputs never enter a verdict themselves.
# Where the parameters cannot be run in the reference model (they are not one torch recurrent layer
# and a Linear of the reference's shapes: the architecture check says why), the second best is all
# there is: the student's forward, run by the grader's harness, judged here.
_SAME_MODEL_RTOL, _SAME_MODEL_ATOL = 1e-3, 1e-4     # loose: it only picks the model to measure in


@dataclasses.dataclass(frozen=True)
class Measured:
    outputs: torch.Tensor       # the trained weights' outputs on the grader's data
    before: torch.Tensor        # the same model's outputs with the weights the model had before training
    where: str                  # what computed them, in words
    known_mistake: bool = False  # a wrong model's outputs, not log-probabilities: their loss means nothing


def _close(own: np.ndarray, candidate: torch.Tensor) -> bool:
    candidate = candidate.detach().numpy()
    return own.shape == candidate.shape and bool(np.allclose(own, candidate, rtol=_SAME_MODEL_RTOL,
                                                             atol=_SAME_MODEL_ATOL))


def measure(family, case, start: Mapping[str, Any], trained: Mapping[str, Any], own_before: np.ndarray,
            own: np.ndarray, x: torch.Tensor, label: str) -> Measured:
    """The outputs on ``x`` of the weights before (``start``) and after (``trained``) training, by the
    grader: in the reference model, or in the grader's copy of the known wrong model that the
    student's outputs ``own`` match; from the student's own outputs before and after (``own_before``,
    ``own``) only when the weights do not fit the reference."""
    try:
        layout = models.expect_architecture(family, case, dict(trained), label)
    except CheckFailed as exc:
        return Measured(torch.from_numpy(own), torch.from_numpy(own_before), "your own forward, run by the "
                        f"grader's harness, as your model's parameters do not fit the reference's ({exc.message})")
    after = private.reference_outputs(family, case, x, models.trained_values(layout, dict(trained)))
    initial = private.reference_outputs(family, case, x, models.trained_values(layout, dict(start)))
    expected = after["expected"]
    if not _close(own, expected):
        for (wrong, cause), (wrong_before, _) in zip(after["wrong"], initial["wrong"]):
            if _close(own, wrong):
                return Measured(wrong, wrong_before, f"the grader's copy of the model your forward computes, "
                                f"where {cause}", known_mistake=True)
    return Measured(expected, initial["expected"], f"the reference {family.class_name} with your trained weights")


def expect_learns_digits(sub, family) -> None:
    digits, label = data.digits(), family.label(DIGITS_MODEL)
    model = new_model(sub, family, DIGITS_MODEL)
    start = model.parameters()
    own_before = as_numbers(sub.harness("evaluate")(model=model, inputs=digits.test_x),
                            f"{label} on the held-out digits")
    # Cross-entropy, not NLL: on log-probabilities it is the same loss (log_softmax leaves them as they
    # are), and a model that returns scores instead still trains, so that mistake costs the
    # log-probabilities checks only and not this one too.
    run = sub.harness("train_steps")(model=model, inputs=digits.train_x, targets=digits.train_y, loss="cross_entropy",
                                     optimizer="Adam", lr=DIGITS_LR, steps=DIGITS_STEPS, batch_size=64,
                                     budget_s=TRAINING_BUDGET_S, seed=0)
    expect(run["stopped"] != "diverged", f"{label}: the training loss became {run['losses'][-1]} after "
           f"{run['steps']} steps.")
    own = as_numbers(sub.harness("evaluate")(model=model, inputs=digits.test_x), f"{label} on the held-out digits")
    expect_shape(own, (len(digits.test_y), 10), f"{label}.forward(x) for x of shape {digits.test_x.shape}", None)
    test_x, test_y = torch.from_numpy(digits.test_x), torch.from_numpy(digits.test_y)
    measured = measure(family, DIGITS_MODEL, start, model.parameters(), own_before, own, test_x, label)
    loss_before, loss = (float(F.cross_entropy(o.double(), test_y)) for o in (measured.before, measured.outputs))
    accuracy_before, accuracy = (float((o.argmax(dim=1) == test_y).double().mean()) for o in
                                 (measured.before, measured.outputs))
    summary = (f"held-out loss {loss_before:.3g} → {loss:.3g}, accuracy {accuracy_before:.0%} → {accuracy:.0%} on "
               f"{len(test_y)} digits, after {run['steps']} steps of the grader's training ({run['stopped']})")
    observe(f"{summary}; measured in {measured.where}")
    # A known wrong model returns something else than log-probabilities (scores, probabilities): it is
    # judged on its accuracy alone, as its cross-entropy is not the loss it was trained on.
    loss_ok = measured.known_mistake or (math.isfinite(loss) and loss <= DIGITS_MAX_LOSS)
    if loss_ok and accuracy >= DIGITS_MIN_ACCURACY:
        return
    started = {name: as_array(value) for name, value in start.items()}
    constant = [name for name, value in started.items() if value is not None and value.ndim == 2 and value.size > 1
                and float(np.ptp(value.astype(np.float64))) == 0.0]
    cause = (f"Its weight matrices {', '.join(constant)} started with every entry the same (all zero?): every hidden "
             f"unit then gets the same gradient and they never become different. Keep torch's own initialisation "
             f"or draw the weights at random." if constant else
             "The batch-first and matches-reference checks say whether forward reads the last time step of a "
             "batch_first layer; if they pass, the training itself is the place to look: the initialisation, "
             "the parameters, or a forward that lets gradients through only part of the sequence (detach(), "
             "torch.no_grad() or .data on the state between steps).")
    fail(f"{label} did not learn the digits: trained with Adam (lr {DIGITS_LR}) for {run['steps']} steps on 8x8 "
         f"digits read row by row, its {summary} (measured in {measured.where}); expected a loss of at most "
         f"{DIGITS_MAX_LOSS} and {DIGITS_MIN_ACCURACY:.0%} right (the reference reaches about 80 %). {cause}")


def _register_classifier_checks(family) -> dict[str, Any]:
    """The five checks of one classifier, as module-level functions for load_suite to find."""
    prefix = family.exercise

    @check(f"{prefix}.log-probabilities")
    @given(case=data.classifier_cases())
    def log_probabilities(sub, case):
        expect_log_probabilities(sub, family, case)

    @check(f"{prefix}.architecture")
    @given(case=data.classifier_cases(), layers=st.integers(1, 3))
    def architecture(sub, case, layers):
        expect_architecture(sub, family, dataclasses.replace(case, num_layers=layers))

    @check(f"{prefix}.batch-first")
    @given(case=data.classifier_cases(min_batch=2))
    def batch_first(sub, case):
        expect_batch_first(sub, family, case)

    @check(f"{prefix}.matches-reference")
    @given(case=data.classifier_cases())
    def matches_reference(sub, case):
        expect_reference_output(sub, family, case, case.inputs())

    @check(f"{prefix}.keeps-input")
    @given(case=data.classifier_cases())
    def keeps_input(sub, case):
        expect_keeps_input(sub, family, case, case.inputs())

    @check(f"{prefix}.learns-digits")
    def learns_digits(sub):
        expect_learns_digits(sub, family)

    checks = (log_probabilities, architecture, batch_first, matches_reference, keeps_input, learns_digits)
    return {f"{family.class_name}_{fn.__name__}": fn for fn in checks}


for _family in models.CLASSIFIERS:
    globals().update(_register_classifier_checks(_family))


# --- sequence_generator ----------------------------------------------------------------------------
def generated(sub, name: str, count: int, inputs: Inputs) -> list[np.ndarray]:
    """Call generator ``name`` with ``inputs``; its ``count`` results as numpy arrays of their own dtype."""
    call = f"{name}({', '.join(f'{k}={v}' for k, v in inputs.items())})"
    result = sub.function(name)(**inputs)
    expect(isinstance(result, (tuple, list)) and len(result) == count,
           lambda: f"{call} should return a tuple of {count} arrays; it returned {describe(result)}.", inputs=inputs)
    return [as_numbers(value, f"{call}[{i}]", inputs) for i, value in enumerate(result)]


def sequence_case() -> st.SearchStrategy[dict[str, int]]:
    return st.integers(3, 9).flatmap(lambda L: st.fixed_dictionaries(
        {"L": st.just(L), "batch_size": st.integers(8, 24), "K": st.integers(0, L - 1)}))


def expect_one_hot(array: np.ndarray, what: str, inputs: Inputs) -> None:
    ones = np.sum(array == 1, axis=-1)
    expect(bool(np.all((array == 0) | (array == 1))) and bool(np.all(ones == 1)),
           f"{what} should be one-hot: ten entries, one 1 and nine 0s. Found rows with {sorted(set(ones.ravel().tolist()))} "
           f"ones" + (" (a row holds several 1s: index x[i, t, random_seq[i, t]], not x[i, :, random_seq[i]])"
                      if np.any(ones > 1) else "") + ".", inputs=inputs, actual=array)


@check("sequence-generator.shapes")
@given(case=sequence_case())
def sequence_generator_shapes(sub, case):
    seq, x, y = generated(sub, "sequence_generator", 3, case)
    B, L = case["batch_size"], case["L"]
    expect_shape(seq, (B, L), "random_seq", case, "One row of L digits per sample.")
    expect(np.issubdtype(seq.dtype, np.integer), f"random_seq should hold integers; its dtype is {seq.dtype}.",
           inputs=case)
    expect_shape(x, (B, L, 10), "x", case, "One one-hot vector of 10 per digit.")
    expect(x.dtype == np.float32, f"x should be float32 (the models' dtype); it is {x.dtype}. "
           f"Convert it with .float() or .astype(np.float32).", inputs=case)
    expect_shape(y, (B, 10), "y", case, "One one-hot vector of 10 per sample: the digit at index K.")


@check("sequence-generator.one-hot-input")
@given(case=sequence_case())
def sequence_generator_one_hot_input(sub, case):
    seq, x, _ = generated(sub, "sequence_generator", 3, case)
    expect_one_hot(x, "every x[i, t]", case)
    expect(np.array_equal(x.argmax(axis=-1), seq), "x[i, t] should have its 1 at index random_seq[i, t]; "
           "x.argmax(-1) differs from random_seq.", inputs=case, expected=seq, actual=x.argmax(axis=-1))


@check("sequence-generator.target-at-k")
@given(case=sequence_case())
def sequence_generator_target_at_k(sub, case):
    seq, _, y = generated(sub, "sequence_generator", 3, case)
    K = case["K"]
    expect_one_hot(y, "every y[i]", case)
    target = y.argmax(axis=-1)
    if np.array_equal(target, seq[:, K]):
        return
    shifted = [(k, name) for k, name in ((K - 1, "K - 1"), (K + 1, "K + 1"))
               if -case["L"] <= k < case["L"] and np.array_equal(target, seq[:, k])]
    hint = (f" y holds random_seq[i, {shifted[0][1]}]: K counts from 0 (K=0 is the first digit, K=1 the second)."
            if shifted else "")
    fail(f"y[i] should be the one-hot code of random_seq[i, K] with K={K}.{hint}", inputs=case,
         expected=seq[:, K], actual=target)


@check("sequence-generator.digit-range")
def sequence_generator_digit_range(sub):
    case = {"L": 9, "batch_size": 64, "K": 1}
    seq, _, _ = generated(sub, "sequence_generator", 3, case)
    values = sorted(int(v) for v in np.unique(seq))
    missing = sorted(set(range(10)) - set(values))
    expect(values == list(range(10)), f"the 576 digits of a batch of 64 sequences of length 9 take the values "
           f"{values}; every digit 0..9 should occur." + (
               f" {missing} never occurs: np.random.randint(0, 9) draws 0..8 (its upper bound is excluded); "
               f"use randint(0, 10)." if missing == [9] else ""), inputs=case)


# --- binary_sequence_generator ---------------------------------------------------------------------
def binary_case() -> st.SearchStrategy[dict[str, int]]:
    return st.fixed_dictionaries({"L": st.integers(1, 8), "batch_size": st.integers(4, 24)})


def decoded(bits: np.ndarray) -> np.ndarray:
    """(B, T) bits, least significant first -> (B,) numbers."""
    return (bits.astype(np.int64) << np.arange(bits.shape[-1])).sum(axis=-1)


def binary_batch(sub, case) -> tuple[np.ndarray, np.ndarray]:
    x, y = generated(sub, "binary_sequence_generator", 2, case)
    B, T = case["batch_size"], case["L"] + 1
    expect(x.shape == (B, T, 2) and y.shape == (B, T), f"x should be (B, L + 1, 2) = {(B, T, 2)} and y (B, L + 1) = "
           f"{(B, T)}; they are {x.shape} and {y.shape}."
           + (" With L bits the carry of a + b is lost: write every number on L + 1 bits."
              if x.shape[1:2] == (T - 1,) or y.shape[1:] == (T - 1,) else ""), inputs=case)
    return x, y


@check("binary-generator.shapes")
@given(case=binary_case())
def binary_generator_shapes(sub, case):
    x, _ = binary_batch(sub, case)
    expect(x.dtype == np.float32, f"x should be float32 (the model's dtype); it is {x.dtype}. Convert it with "
           f".float() or .astype(np.float32).", inputs=case)


@check("binary-generator.bits")
@given(case=binary_case())
def binary_generator_bits(sub, case):
    x, y = binary_batch(sub, case)
    for what, array in (("x", x), ("y", y)):
        expect(bool(np.all((array == 0) | (array == 1))), f"{what} should hold bits, 0 or 1; it holds "
               f"{sorted(set(np.unique(array).tolist()))[:8]}.", inputs=case, actual=array)
    top = x[:, -1, :]
    padded_first = bool(np.all(x[:, 0, :] == 0))
    expect(bool(np.all(top == 0)), f"the top input bit x[:, L, :] should be 0: a and b are below 2^L = "
           f"{2 ** case['L']}, and the extra bit is room for the carry of the sum. Found a 1 there."
           + (" The zero padding sits at t = 0 instead: the bits are most significant first; reverse them."
              if padded_first else ""), inputs=case, actual=top)


@check("binary-generator.sum-lsb-first")
@given(case=binary_case())
def binary_generator_sum_lsb_first(sub, case):
    x, y = binary_batch(sub, case)
    a, b, c = decoded(x[:, :, 0]), decoded(x[:, :, 1]), decoded(y)
    if np.array_equal(a + b, c):
        return
    msb_first = np.array_equal(decoded(x[:, ::-1, 0]) + decoded(x[:, ::-1, 1]), decoded(y[:, ::-1]))
    bad = int(np.argmax(a + b != c))
    fail(f"read least significant bit first (bit t is worth 2^t), sample {bad} says {a[bad]} + {b[bad]} = {c[bad]}."
         + (" The sums are right when read most significant bit first: reverse the bits (LSB first), so the "
            "network meets each carry before it is needed." if msb_first else ""), inputs=case,
         expected=a + b, actual=c)


@check("binary-generator.operand-range")
def binary_generator_operand_range(sub):
    case = {"L": 3, "batch_size": 256}
    x, _ = binary_batch(sub, case)
    for column, name in ((0, "a"), (1, "b")):
        values = sorted(int(v) for v in np.unique(decoded(x[:, :, column])))
        expect(values == list(range(8)), f"over 256 samples with L = 3, {name} takes the values {values}; it should "
               f"take every value 0..7 = 2^L - 1." + (
                   " 7 never occurs: randint's upper bound is excluded, use np.random.randint(0, 2**L)."
                   if values == list(range(7)) else ""), inputs=case)
    # a and b drawn independently: of the 64 pairs, 256 samples show about 63; fewer than 40 has a
    # probability far below 1e-14. A b made from a (a copy, a shift, a + 1) shows at most 8.
    pairs = set(zip(decoded(x[:, :, 0]).tolist(), decoded(x[:, :, 1]).tolist()))
    expect(len(pairs) >= 40, f"over 256 samples with L = 3, only {len(pairs)} of the 64 pairs (a, b) occur: b is not "
           f"drawn independently of a" + (" (b equals a in every sample: draw each with its own randint call)."
                                          if all(a == b for a, b in pairs) else "."), inputs=case)


# --- Binary_LSTM -----------------------------------------------------------------------------------
@check("binary-lstm.output")
@given(case=data.binary_lstm_cases())
def binary_lstm_output(sub, case):
    family, x = models.BINARY_LSTM, data.bit_inputs(case)
    label, inputs = models.BINARY_LSTM.label(case), {"x": x}
    out = forward(new_model(sub, family, case), x, f"{label}.forward(x)", inputs)
    expect_shape(out, (case.batch, case.time, 1), f"{label}.forward(x) for x of shape {tuple(x.shape)}", inputs,
                 "One probability per sample and time step: the sum's bit at that step.")
    expect(bool(np.all(np.isfinite(out))) and bool(np.all((out >= 0) & (out <= 1))),
           f"{label}.forward(x) should return probabilities between 0 and 1; its values lie in "
           f"[{out.min():.4g}, {out.max():.4g}]. Apply a sigmoid to fc's output at every step.",
           inputs=inputs, actual=out)


@check("binary-lstm.matches-reference")
@given(case=data.binary_lstm_cases())
def binary_lstm_matches_reference(sub, case):
    expect_reference_output(sub, models.BINARY_LSTM, case, data.bit_inputs(case))


@check("binary-lstm.keeps-input")
@given(case=data.binary_lstm_cases())
def binary_lstm_keeps_input(sub, case):
    expect_keeps_input(sub, models.BINARY_LSTM, case, data.bit_inputs(case))


# Backpropagation through time, tested on the student's forward against itself: autograd's derivative
# of the last step's output with respect to each earlier step's input, along a random direction, is
# compared with the finite difference of forward's own outputs. Whatever forward computes (right or
# one of the mistakes the value checks charge), the two agree unless forward cuts the graph between
# steps. float32: a central difference with step 1e-2 is within about 1e-4 of the derivative here.
BPTT_STEP, BPTT_RTOL, BPTT_ATOL = 1e-2, 0.05, 1e-3


@check("binary-lstm.backprop-through-time")
@given(case=data.binary_lstm_cases(min_time=2))
def binary_lstm_backprop_through_time(sub, case):
    family, x = models.BINARY_LSTM, data.bit_inputs(case)
    label = family.label(case)
    inputs = {"model": label, "x": x}
    model = new_model(sub, family, case)
    try:    # the suite's weights where the parameters fit (else the model's own: its architecture is another check's)
        layout = models.expect_architecture(family, case, model.parameters(), label)
        sub.harness("load_parameters")(model=model, values=models.student_weights(family, case, layout))
    except CheckFailed:
        pass
    out = forward(model, x, f"{label}.forward(x)", inputs)
    if out.ndim < 2 or out.shape[:2] != (case.batch, case.time):
        fail(f"{label}.forward(x) has shape {out.shape}: its time steps cannot be told apart, so the gradient "
             f"through time cannot be measured (the output check says what shape is expected).", inputs=inputs)
    rng = np.random.default_rng(case.seed + 2)
    weights = np.zeros(out.shape, dtype=np.float32)     # the cotangent: the last step's outputs only
    weights[:, -1] = rng.standard_normal(weights[:, -1].shape)
    got = model.vjp("forward", torch.from_numpy(weights), x=x)
    grad = as_array(got["inputs"].get("x"))
    if grad is None or grad.shape != tuple(x.shape):
        fail(f"{label}.forward(x): autograd gave no gradient for x of shape {tuple(x.shape)} "
             f"({describe(grad)}).", inputs=inputs)
    for t in range(case.time - 1):
        direction = np.zeros(tuple(x.shape), dtype=np.float32)
        direction[:, t] = rng.standard_normal((case.batch, x.shape[2]))
        step = torch.from_numpy(BPTT_STEP * direction)
        plus, minus = (forward(model, x + sign * step, f"{label}.forward(x)", inputs) for sign in (1, -1))
        observed = float(np.sum(weights * (plus.astype(np.float64) - minus) / (2 * BPTT_STEP)))
        by_autograd = float(np.sum(grad.astype(np.float64) * direction))
        if abs(by_autograd - observed) > BPTT_RTOL * abs(observed) + BPTT_ATOL:
            fail(f"{label}.forward(x): the output at the last step (t = {case.time - 1}) changes with the input at "
                 f"step t = {t} — by {observed:.4g} along a random direction, measured on forward's own outputs — "
                 f"but autograd's gradient through your forward says {by_autograd:.4g}. Something in forward cuts "
                 f"the graph between time steps (detach(), torch.no_grad(), .data, .item() or a numpy round trip "
                 f"on the state), so training cannot reach earlier steps through the state.",
                 inputs=inputs)


@dataclasses.dataclass(frozen=True)
class Addition:
    x: np.ndarray           # float32 (64, 4, 2): the bits of a and b, least significant first
    y: np.ndarray           # float32 (64, 4): the bits of a + b


@check("binary-lstm.learns-addition")
def binary_lstm_learns_addition(sub):
    table, family = Addition(*private.addition()), models.BINARY_LSTM
    case = data.ModelCase(batch=0, time=0, input_dim=2, hidden_dim=ADDITION_HIDDEN, num_layers=1, output_dim=1, seed=0)
    model, label = new_model(sub, family, case), family.label(case)
    start = model.parameters()
    own_before = as_numbers(sub.harness("evaluate")(model=model, inputs=table.x), f"{label}(x)")
    run = sub.harness("train_steps")(model=model, inputs=table.x, targets=table.y, loss="bce", optimizer="Adam",
                                     lr=ADDITION_LR, steps=ADDITION_STEPS, budget_s=TRAINING_BUDGET_S, seed=0)
    own = as_numbers(sub.harness("evaluate")(model=model, inputs=table.x), f"{label}(x)")
    expect_shape(own, (*table.y.shape, 1), f"{label}.forward(x)", None)
    x, y = torch.from_numpy(table.x), torch.from_numpy(table.y)
    measured = measure(family, case, start, model.parameters(), own_before, own, x, label)
    loss_before, loss = (float(F.binary_cross_entropy(o[..., 0].double().clamp(0, 1), y.double()))
                         for o in (measured.before, measured.outputs))
    right_before, correct = (int(((o[..., 0] > 0.5) == (y == 1)).all(dim=1).sum()) for o in
                             (measured.before, measured.outputs))
    summary = (f"loss {loss_before:.3g} → {loss:.3g}, {right_before} → {correct} of 64 sums right, after "
               f"{run['steps']} steps of the grader's training ({run['stopped']})")
    observe(f"{summary}; measured in {measured.where}")
    expect(correct >= ADDITION_MIN_CORRECT,
           f"after {run['steps']} steps of Adam (lr {ADDITION_LR}) with binary cross-entropy on all 64 sums of "
           f"two 3-bit numbers, {label} gets {correct} of 64 sums exactly right (all 4 bits), measured in "
           f"{measured.where}; {ADDITION_MIN_CORRECT} expected (the reference gets 64). Its {summary}.")
