"""The grading suite of seq-models: one ``@check`` per check in assignments/seq-models/assignment.toml.

The cells are checked the same way (the differences live in seq_models_cells.Cell): the grader
loads random parameters with non-zero biases into the student's cell, steps it through a random
sequence from a non-zero state and compares every output and state with the reference; gradients
of one step come from autograd where the cell lives; the fit functions are run with an optimizer
that cannot move the parameters (to check the epoch losses they report) and with NAdam from a
fixed starting point (to check that they train: the grader reads the trained parameters back
and measures their held-out loss in the reference cell itself; what fit returns plays no part).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch
from hypothesis import given
from hypothesis import strategies as st

from grader.compare import as_array, describe
from grader.errors import StudentCodeRaised
from grader.submission import Make
from grader.suite import (check, expect, expect_close, expect_gradients_close, expect_inputs_unchanged, fail,
                          load_private, load_sibling, observe)

__release__ = "student"   # may go to students (grader release): what computes answers is in seq_models_private.py

cells = load_sibling(__file__, "seq_models_cells")
private = load_private(__file__, "seq_models_private")   # what computes answers: never sent to students
_expect = load_sibling(__file__, "seq_models_expect")
RNN, LSTM, GRU = cells.RNN, cells.LSTM, cells.GRU
load_parameters, flat, split_step, expect_values = (_expect.load_parameters, _expect.flat, _expect.split_step,
                                                    _expect.expect_values)
in_dtype = _expect.in_dtype

BASELINE = 1 / 6        # the MSE of always predicting E[Y] = 1: Var(Y) = 2 Var(U[0, 1))


# --- data ------------------------------------------------------------------------------------------
def student_data(sub, num_samples: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    what = f"generate_data({num_samples})"
    result = sub.function("generate_data")(num_samples=num_samples)
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        fail(f"{what} should return a pair (X, Y) of lists; it returned {describe(result)}.")
    X, Y = result
    for name, values in (("X", X), ("Y", Y)):
        if not (isinstance(values, (list, tuple)) and len(values) == num_samples):
            fail(f"{what}: {name} should be a list of {num_samples} tensors; it is {describe(values)}.")
    for name, values in (("X", X), ("Y", Y)):
        for i, value in enumerate(values):
            array = as_array(value)
            if array is None or array.dtype != np.float64:
                fail(f"{what}: {name}[{i}] should be a float64 tensor; it is {describe(value)}.")
    return [as_array(x) for x in X], [as_array(y) for y in Y]


@check("data.structure")
@given(num_samples=st.integers(1, 40))
def data_has_the_documented_shapes(sub, num_samples):
    X, Y = student_data(sub, num_samples)
    for i, (x, y) in enumerate(zip(X, Y)):
        expect(x.ndim == 2 and x.shape[1] == 2 and 3 <= x.shape[0] <= 9,
               f"generate_data({num_samples}): X[{i}] has shape {x.shape}; each sequence is (L, 2) with "
               f"3 <= L <= 9 (torch.randint(3, 10, ...) draws 3 to 9).", actual=x)
        expect(y.shape == (1,), f"generate_data({num_samples}): Y[{i}] has shape {y.shape}; each target is (1,).",
               actual=y)


@check("data.marks")
@given(num_samples=st.integers(1, 40))
def data_marks_two_steps_and_sums_them(sub, num_samples):
    X, Y = student_data(sub, num_samples)
    for i, (x, y) in enumerate(zip(X, Y)):
        what = f"generate_data({num_samples}): sample {i}"
        expect(x.ndim == 2 and x.shape[-1] == 2, f"{what}: X[{i}] has shape {x.shape}; expected (L, 2).")
        values, marks = x[:, 0], x[:, 1]
        expect(bool(np.all((values >= 0) & (values < 1))), f"{what}: the values in column 0 should lie in "
               f"[0, 1) (torch.rand); they are {describe(values)}.", actual=x)
        expect(bool(np.all((marks == 0) | (marks == 1))) and int(marks.sum()) == 2,
               f"{what}: column 1 should be 0 except at exactly two distinct steps, where it is 1; it is "
               f"{marks.tolist()}." + (" Only one step is marked: the two positions must differ (take them "
               "from torch.randperm(L)[:2])." if marks.sum() == 1 else ""), actual=x)
        expected = values[marks == 1].sum()
        if y.size == 1 and np.isclose(float(y.reshape(-1)[0]), values.sum()) and not np.isclose(values.sum(), expected):
            fail(f"{what}: Y is the sum of every value in the sequence; it is the sum of the two marked values "
                 f"only, {expected:.6g}.", actual=x)
        expect_close(y.reshape(-1), np.array([expected]), what=f"Y[{i}] (the sum of the marked values)",
                     inputs={f"X[{i}]": x})


@check("data.coverage")
def data_covers_every_length_and_position(sub):
    X, _ = student_data(sub, 2000)
    lengths = {x.shape[0] for x in X}
    expect(lengths == set(range(3, 10)), f"generate_data(2000) made sequences of lengths {sorted(lengths)}; "
           f"over 2000 samples every length from 3 to 9 should appear.")
    first = any(x[0, 1] == 1 for x in X)
    last = any(x[-1, 1] == 1 for x in X)
    expect(first and last, "generate_data(2000) never marks the " + ("first" if not first else "last") +
           " step of a sequence; the two marked steps may be anywhere in it.")
    # The two positions are drawn together (randperm(L)[:2]): apart by 2 or more in about 60 % of
    # samples, so 2000 samples that never are (a chance far below 1e-100) were drawn otherwise.
    gaps = {int(np.ptp(np.flatnonzero(x[:, 1] == 1))) for x in X if int((x[:, 1] == 1).sum()) == 2}
    expect(any(gap >= 2 for gap in gaps), f"generate_data(2000) always marks two neighbouring steps (the gaps between "
           f"the marks are {sorted(gaps)}): the second mark is not drawn independently of the first. Take both "
           f"positions from torch.randperm(L)[:2].")


# --- the cells: forward ----------------------------------------------------------------------------
@st.composite
def cell_cases(draw) -> dict[str, Any]:
    return {"sizes": (draw(st.integers(1, 3)), draw(st.integers(1, 6)), draw(st.integers(1, 3))),
            "steps": draw(st.integers(1, 5)), "seed": draw(st.integers(0, 2**32 - 1))}


def state_names(cell) -> tuple[str, ...]:
    return ("h_t", "c_t") if cell.two_states else ("h_t",)


def _flat_step(cell, result, sizes, what, inputs) -> list[np.ndarray]:
    output, states = split_step(result, cell.two_states, what, inputs)
    return [flat(output, f"the output of {what}", sizes[2], inputs),
            *(flat(s, f"{name} of {what}", sizes[1], inputs) for s, name in zip(states, state_names(cell)))]


def expect_forward(sub, cell, case) -> None:
    sizes, rng = case["sizes"], np.random.default_rng(case["seed"])
    what = cell.label(sizes)
    params = cells.random_parameters(cell, sizes, case["seed"])
    model = cell.new(sub, *sizes)
    dtype = load_parameters(model, params, what)
    state = expected_state = cells.random_state(cell, rng, sizes[1])
    state = in_dtype(state, dtype)
    for t in range(case["steps"]):
        x = cells.random_vector(rng, sizes[0])
        step_what = f"{what}.forward(x, {cell.state_arg}) at step {t + 1}"
        inputs = {cell.x_arg: x, cell.state_arg: state, "parameters": "the grader's, biases non-zero"}
        result = model.call("forward", **{cell.x_arg: in_dtype(x, dtype), cell.state_arg: state})
        actual = _flat_step(cell, result, sizes, step_what, inputs)
        answers = private.step_answers(cell, params, x, expected_state)
        expect_values(actual, answers["expected"], ("the output", *state_names(cell)), step_what, inputs,
                      [tuple(w) for w in answers["wrong"]])
        state = result[1]                               # the student's own state goes into the next step
        expected_state = answers["next"]


@check("rnn.forward")
@given(case=cell_cases())
def rnn_steps_match_the_reference(sub, case):
    expect_forward(sub, RNN, case)


@check("lstm.forward")
@given(case=cell_cases())
def lstm_steps_match_the_reference(sub, case):
    expect_forward(sub, LSTM, case)


@check("gru.forward")
@given(case=cell_cases())
def gru_steps_match_the_reference(sub, case):
    expect_forward(sub, GRU, case)


# --- the cells: inputs left as they were ---------------------------------------------------------
def expect_keeps_inputs(sub, cell, case) -> None:
    """One step from a random state with the grader's parameters: the step may not change its
    input or the state it was given (an in-place ``c *= f`` on an LSTM's incoming cell state
    changes the caller's tensor: fit's shared zero state, or the state an earlier step returned)."""
    sizes, rng = case["sizes"], np.random.default_rng(case["seed"])
    model = cell.new(sub, *sizes)
    dtype = load_parameters(model, cells.random_parameters(cell, sizes, case["seed"]), cell.label(sizes))
    state = in_dtype(cells.random_state(cell, rng, sizes[1]), dtype)
    x = in_dtype(cells.random_vector(rng, sizes[0]), dtype)
    expect_inputs_unchanged(model, "forward", **{cell.x_arg: x, cell.state_arg: state},
                            fix="Compute new tensors instead of updating the ones passed in: no `*=`, `+=`, "
                                "`.mul_()`, `.add_()` or `.copy_()` on the input or the state (autograd refuses "
                                "most of those while training, too).")


@check("rnn.keeps-inputs")
@given(case=cell_cases())
def rnn_step_keeps_its_inputs(sub, case):
    expect_keeps_inputs(sub, RNN, case)


@check("lstm.keeps-inputs")
@given(case=cell_cases())
def lstm_step_keeps_its_inputs(sub, case):
    expect_keeps_inputs(sub, LSTM, case)


@check("gru.keeps-inputs")
@given(case=cell_cases())
def gru_step_keeps_its_inputs(sub, case):
    expect_keeps_inputs(sub, GRU, case)


# --- the cells: gradients --------------------------------------------------------------------------
def expect_gradients(sub, cell, case) -> None:
    """d(dy·y + dh·h_t [+ dc·c_t])/d(everything) of one step, against autograd on the reference:
    every parameter, the input x and the state passed in (both halves of the LSTM's (h, c))."""
    sizes, rng = case["sizes"], np.random.default_rng(case["seed"])
    what = f"{cell.label(sizes)}.forward"
    params = cells.random_parameters(cell, sizes, case["seed"])
    model = cell.new(sub, *sizes)
    dtype = load_parameters(model, params, cell.label(sizes))
    x, state = cells.random_vector(rng, sizes[0]), cells.random_state(cell, rng, sizes[1])
    arguments = {cell.x_arg: in_dtype(x, dtype), cell.state_arg: in_dtype(state, dtype)}
    output, states = split_step(model.call("forward", **arguments), cell.two_states, what, arguments)
    names = state_names(cell)
    dy = cells.random_vector(rng, sizes[2])
    d_states = tuple(cells.random_vector(rng, sizes[1]) for _ in names)
    # The cotangent has the shapes the student's forward returns ((1, H) or (H,)) and its nesting.
    flat(output, f"the output of {what}", sizes[2], arguments)
    for s, name in zip(states, names):
        flat(s, f"{name} of {what}", sizes[1], arguments)
    d_out = in_dtype(dy.reshape(as_array(output).shape), dtype)
    d_shaped = tuple(in_dtype(d.reshape(as_array(s).shape), dtype) for d, s in zip(d_states, states))
    cotangent = (d_out, d_shaped) if cell.two_states else (d_out, d_shaped[0])
    got = model.vjp("forward", cotangent, **arguments)

    expected = private.step_gradients(cell, params, x, state, dy, d_states)
    leaves = [name for name in expected if name not in params]

    actual = {name: got["parameters"].get(model.attribute(name)) for name in params}
    actual |= {name: got["inputs"].get(name) for name in leaves}
    actual = {name: _like(value, expected[name]) for name, value in actual.items() if value is not None}
    expect_gradients_close(actual, expected, what=f"The gradients of one step of {what} (parameters set by the "
                           "grader, biases non-zero)", inputs={**arguments, "cotangent": cotangent})


def _like(value: Any, target: torch.Tensor) -> Any:
    """``value`` in ``target``'s shape when only the layout differs ((1, H) against (H,))."""
    array = as_array(value)
    return array.reshape(tuple(target.shape)) if array is not None and array.size == target.numel() else value


@check("rnn.gradients")
@given(case=cell_cases())
def rnn_gradients_match_autograd(sub, case):
    expect_gradients(sub, RNN, case)


@check("lstm.gradients")
@given(case=cell_cases())
def lstm_gradients_match_autograd(sub, case):
    expect_gradients(sub, LSTM, case)


@check("gru.gradients")
@given(case=cell_cases())
def gru_gradients_match_autograd(sub, case):
    expect_gradients(sub, GRU, case)


# --- the cells: state shape with the student's own initialisation ----------------------------------
def own_dtype(model, cell) -> torch.dtype | None:
    """The dtype of the student's own parameters (its recurrent weight's), None when unreadable."""
    try:
        weight = model.get(cell.square_weight)
    except (AttributeError, StudentCodeRaised):
        return None
    return weight.dtype if isinstance(weight, torch.Tensor) and weight.is_floating_point() else None


def expect_state_shapes(sub, cell, hidden_size: int) -> None:
    sizes = (cells.INPUT_SIZE, hidden_size, cells.OUTPUT_SIZE)
    model = cell.new(sub, *sizes)
    rng = np.random.default_rng(hidden_size)
    dtype = own_dtype(model, cell)
    state = in_dtype(cell.zero_state(hidden_size), dtype)
    for t in range(4):
        x = in_dtype(cells.random_vector(rng, sizes[0]), dtype)
        what = f"{cell.label(sizes)}.forward at step {t + 1} (your own initial parameters, zero initial state)"
        result = model.call("forward", **{cell.x_arg: x, cell.state_arg: state})
        _flat_step(cell, result, sizes, what, {cell.x_arg: x, cell.state_arg: state})
        state = result[1]


@check("rnn.state-shape")
@given(hidden_size=st.integers(2, 6))
def rnn_state_stays_a_vector(sub, hidden_size):
    expect_state_shapes(sub, RNN, hidden_size)


@check("lstm.state-shape")
@given(hidden_size=st.integers(2, 6))
def lstm_state_stays_a_vector(sub, hidden_size):
    expect_state_shapes(sub, LSTM, hidden_size)


@check("gru.state-shape")
@given(hidden_size=st.integers(2, 6))
def gru_state_stays_a_vector(sub, hidden_size):
    expect_state_shapes(sub, GRU, hidden_size)


# --- fit: the epoch losses it reports --------------------------------------------------------------
def epoch_losses(result: Any, epochs: int, what: str) -> list[float]:
    """The per-epoch losses of fit's OrderedDict {1: loss, 2: loss, ...}, as floats."""
    expect(isinstance(result, dict), lambda: f"{what} should return an OrderedDict {{epoch: mean loss}}; it returned "
           f"{describe(result)}.")
    keys = list(result)
    zero_based = " Epochs are numbered from 1." if keys == list(range(epochs)) else ""
    expect(keys == list(range(1, epochs + 1)), f"{what} returned the keys {keys}; expected "
           f"{list(range(1, epochs + 1))}, one per epoch.{zero_based}")
    values = [np.asarray(v) if isinstance(v, (int, float)) else as_array(v) for v in result.values()]
    expect(all(v is not None and v.size == 1 for v in values), lambda: f"{what} should map each epoch to one number; "
           f"it returned {describe(list(result.values()))}.")
    return [float(v.reshape(-1)[0]) for v in values]


def expect_epoch_losses(sub, cell, seed: int) -> None:
    params = cells.random_parameters(cell, (cells.INPUT_SIZE, cells.HIDDEN_SIZE, cells.OUTPUT_SIZE), seed)
    X, Y = private.addition_problems(12, seed)
    model = cell.new(sub, cells.INPUT_SIZE, cells.HIDDEN_SIZE, cells.OUTPUT_SIZE)
    load_parameters(model, params, cell.label((cells.INPUT_SIZE, cells.HIDDEN_SIZE, cells.OUTPUT_SIZE)))
    what = f"{cell.fit_name}(SGD with lr=0, MSELoss, 12 samples, epochs=2)"
    steps_before = sub.harness("optimizer_steps")()
    result = sub.function(cell.fit_name)(opt=Make.of("SGD", params=model, lr=0.0), loss_function=Make.of("MSELoss"),
                                         **{cell.model_arg: model}, X_train=X, Y_train=Y, epochs=2)
    steps = sub.harness("optimizer_steps")() - steps_before
    actual = np.array(epoch_losses(result, 2, what))
    expect_losses_of_epochs(sub, model, cell, actual, params, X, Y, what)
    # A loop that never steps is the training check's to charge (its parameters never move), not this one's.
    expect(steps in (0, 2 * len(X)), f"{what} made {steps} optimizer step(s); expected {2 * len(X)}, one per sample "
           f"and epoch: for each sample, zero the gradients, run it from a zero state, take the loss of its final "
           f"output, backward, step." + (" It stepped once per epoch: the losses of all samples were added up "
                                         "(or averaged) before one step." if steps == 2 else ""))


def expect_losses_of_epochs(sub, model, cell, actual: np.ndarray, params, X, Y, what: str) -> None:
    """The epoch losses ``actual`` of fit with lr=0 are the mean loss of the reference cell, or of the
    student's own cell (whose mistakes the forward checks charge)."""
    expected = np.array(private.epoch_losses(cell, params, X, Y, 2))
    losses = private.per_sample_losses(cell, params, X, Y)
    inputs = {"parameters": "the grader's, fixed by lr=0", "X_train": X, "Y_train": Y}
    causes = [(losses[-1], "each epoch reports the loss of its last sample; it should be the mean over all samples."),
              (sum(losses), "each epoch reports the sum of the losses; it should be their mean (divide by the "
               "number of samples).")]
    if not np.allclose(actual, expected, rtol=1e-5):
        own = own_final_outputs(sub, model, cell, X)   # the grader runs your forward on the same samples
        if own is not None:
            targets = np.array([float(y.reshape(-1)[0]) for y in Y])
            own_mean = float(np.mean((own - targets) ** 2))
            if np.allclose(actual, [own_mean] * len(actual), rtol=1e-5):
                return   # the mean loss of the cell you wrote: the forward checks charge its mistakes
    for wrong, cause in causes:
        if np.allclose(actual, wrong, rtol=1e-5) and not np.allclose(actual, expected, rtol=1e-5):
            fail(f"{what}: {cause}", inputs=inputs, expected=expected, actual=actual)
    expect_close(actual, expected, what=f"{what}: the mean loss of each epoch (the MSE of the final output of each "
                 "sample, from a zero initial state)", inputs=inputs)


@check("rnn.epoch-loss")
def fit_rnn_reports_mean_losses(sub):
    expect_epoch_losses(sub, RNN, seed=11)


@check("lstm.epoch-loss")
def fit_lstm_reports_mean_losses(sub):
    expect_epoch_losses(sub, LSTM, seed=12)


@check("gru.epoch-loss")
def fit_gru_reports_mean_losses(sub):
    expect_epoch_losses(sub, GRU, seed=13)


# --- fit: it trains --------------------------------------------------------------------------------
# The verdict is measured here, never taken from what fit returns (made-up falling numbers would do):
# the grader loads its starting point into the student's model, reads the parameters back before
# and after fit runs, and computes their loss on held-out problems it drew itself by running the
# *reference* cell with those parameters in this process. The cells share the reference's parameter
# layout (the value checks load parameters into them by the same names), so no code of the
# student's, not even its forward or its loss, takes part in the measurement.
#
# A cell with one of the mistakes seq_models_private.DIAGNOSES names (the GRU's reset gate after the product, say)
# learns parameters for the cell it computes, which the reference cell cannot use; that mistake
# already costs the forward, gradient and epoch-loss points. So when the reference cell misses the
# bar, the grader runs the student's forward (through its own harness) on the held-out problems,
# and if a known wrong cell computes the same outputs, measures the loss again in that cell: the
# grader's code again. The student's outputs only pick which of the grader's cells to measure in,
# so they can never earn a pass that the parameters do not earn in a cell the grader wrote.
HELD_OUT_SAMPLES, HELD_OUT_SEED = 400, 7


def read_parameters(model, cell, what: str) -> dict[str, torch.Tensor]:
    """The student's parameters, read back by canonical name (or alias), as float64 tensors in the
    reference's shapes ((1, H) biases become (H,))."""
    values = {}
    for name, shape in cells.parameter_shapes(cell, (cells.INPUT_SIZE, cells.HIDDEN_SIZE, cells.OUTPUT_SIZE)).items():
        value = model.get(name)
        array = as_array(value)
        if array is None or array.size != math.prod(shape):
            fail(f"{what}: {cell.class_name}.{model.attribute(name)} should be a tensor of {math.prod(shape)} "
                 f"values (shape {shape}); it is {describe(value)}.")
        values[name] = torch.from_numpy(np.array(array, dtype=np.float64).reshape(shape))
    return values


def own_final_outputs(sub, model, cell, X) -> np.ndarray | None:
    """The last outputs of the student's own forward, run by the grader's harness in the worker.
    Student code computes them, so they never decide a verdict on their own; None when they
    cannot be had."""
    try:
        outputs = sub.harness("final_outputs")(model=model, sequences=X, initial_state=cell.zero_state(cells.HIDDEN_SIZE))
        values = np.array([float(as_array(o).reshape(-1)[0]) for o in outputs])
    except Exception:       # noqa: BLE001 - only a second opinion: the reference's measurement stands
        return None
    return values if values.shape == (len(X),) else None


def _changed(before: dict[str, torch.Tensor], after: dict[str, torch.Tensor]) -> bool:
    return any(not torch.equal(before[name], after[name]) for name in before)


def expect_training(sub, cell, *, samples: int, epochs: int, lr: float, below: float) -> None:
    """From the grader's starting point, fit with NAdam brings the held-out loss below ``below`` x
    the constant predictor's loss. The margins come from measuring the reference."""
    sizes = (cells.INPUT_SIZE, cells.HIDDEN_SIZE, cells.OUTPUT_SIZE)
    model = cell.new(sub, *sizes)
    load_parameters(model, cells.initial_parameters(cell, seed=3), cell.class_name)
    X, Y = private.addition_problems(samples, seed=2)
    X_test, Y_test = private.addition_problems(HELD_OUT_SAMPLES, seed=HELD_OUT_SEED)
    call = f"{cell.fit_name}(NAdam lr={lr}, MSELoss, {samples} samples, epochs={epochs})"
    start = read_parameters(model, cell, f"before {call}")
    before = private.held_out_loss(cell, start, X_test, Y_test)
    # What fit returns is not looked at here (epoch-loss checks its format and values).
    sub.function(cell.fit_name)(opt=Make.of("NAdam", params=model, lr=lr), loss_function=Make.of("MSELoss"),
                                **{cell.model_arg: model}, X_train=X, Y_train=Y, epochs=epochs)
    trained = read_parameters(model, cell, f"after {call}")
    after = private.held_out_loss(cell, trained, X_test, Y_test)
    bar = below * BASELINE
    measured = f"held-out loss {before:.3g} → {after:.3g} after {call}"
    observe(f"{measured} (the reference {cell.class_name} with your parameters, {HELD_OUT_SAMPLES} problems the "
            f"grader drew; bar {bar:.3g})")
    if math.isfinite(after) and after < bar:
        return
    changed = _changed(start, trained)
    finite = all(bool(torch.isfinite(v).all()) for v in trained.values())
    own = own_final_outputs(sub, model, cell, X_test) if changed and finite else None
    wrong = private.matching_wrong_cell(cell, own, start, trained, X_test, Y_test) \
        if own is not None and np.isfinite(own).all() else None
    if wrong is not None:
        cause, wrong_before, wrong_after = wrong
        observe(f"held-out loss {wrong_before:.3g} → {wrong_after:.3g} in the grader's copy of the cell your forward "
                f"computes, where {cause}")
        if wrong_after < bar:
            return
    if not changed:
        why = (f" No parameter of the model changed: is opt.step() called after every backward(), on the "
               f"optimizer {cell.fit_name} is given, with its learning rate left as it is? (Or the loss has no "
               f"gradient with respect to them.)")
    elif not finite:
        why = " Some parameters are NaN or infinite after training."
    elif after > before:
        why = " The loss grew: is opt.zero_grad() called before every backward()?"
    else:
        why = (" The loss fell, but not far enough: is opt.zero_grad() called before every backward(), and is the "
               "loss that of the final output only?")
    fail(f"{measured}: measured by the grader on {HELD_OUT_SAMPLES} held-out problems, running the reference "
         f"{cell.class_name} with the parameters your model has after training; it should end below {bar:.3g} "
         f"({below} x the {BASELINE:.3f} of always predicting 1).{why}")


@check("rnn.training")
def fit_rnn_learns_to_add(sub):
    expect_training(sub, RNN, samples=600, epochs=2, lr=0.01, below=0.75)


@check("lstm.training")
def fit_lstm_learns_to_add(sub):
    expect_training(sub, LSTM, samples=300, epochs=3, lr=0.02, below=0.3)


@check("gru.training")
def fit_gru_learns_to_add(sub):
    expect_training(sub, GRU, samples=300, epochs=3, lr=0.02, below=0.3)
