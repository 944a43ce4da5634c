"""The price-series checks shared by lab9-rnn and lab10-lstm (Lab 10 is Lab 9's pipeline with nn.LSTM):
make_windows, split_windows, NGTimeSeries, the model (RNNModel / LSTMModel), train and denormalize.
Each suite calls :func:`register` with its :class:`Lab` and puts the returned checks in its globals.

The student's model lives in its worker: the grader finds its recurrent layer's parameters by their
torch names (``*.weight_ih_l0``, ...) and its Linear(5, 1) by shape, loads drawn weights into them,
runs it (grader.harness.evaluate) and trains it with its own loop (train_steps, stopped on CPU time).
What computes answers is in lab_series_private.py.
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): what computes answers is in lab_series_private.py

from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np
import torch
from hypothesis import given
from hypothesis import strategies as st

from grader.compare import as_array, describe
from grader.suite import check, expect, expect_close, fail, load_private, matches, observe, reference

private = load_private(__file__, "lab_series_private")   # what computes answers: never sent to students
Inputs = Mapping[str, Any]
RECURRENT = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")
GATES = {"rnn": 1, "lstm": 4}             # rows of weight_ih_l0 per hidden unit
LAYERS = {1: "nn.RNN", 3: "nn.GRU", 4: "nn.LSTM"}
SINE_TRAINING = {"loss": "mse", "optimizer": "Adam", "lr": 0.02, "steps": 300, "batch_size": 32, "budget_s": 30.0,
                 "seed": 0}
TRAIN_LR = 0.05
TRAIN_START = 4   # drawn weights under which 4 of the 5 hidden units pass the ReLU on every window: each
#                   parameter gets a gradient, so each mistake in the loop shows in the parameters
# Where the sine training starts: drawn weights (private.series_parameters) from which the reference ends
# 100 x below the bar with the manual's ReLU and without it. From weights torch draws, 1 start in 10 of the
# 5 ReLU units is dead (the manual's quirk) and a correct model would not learn: the grader's start makes
# the check decide the code, not the draw.
SINE_START = {"rnn": 1, "lstm": 2}
# The loops take about 0.4 s of CPU on one torch thread (a worker's); the budgets leave room for a process
# whose torch spins several threads (grader record), where CPU time grows with the threads.


@dataclass(frozen=True)
class Lab:
    kind: str             # "rnn" or "lstm": the recurrent layer every model of the lab uses
    model: str            # RNNModel / LSTMModel
    names: str            # NameRNN / NameLSTM
    chars: str            # CharRNN / CharLSTM

    @property
    def gates(self) -> int:
        return GATES[self.kind]

    @property
    def layer(self) -> str:
        return LAYERS[self.gates]

    @property
    def parameter_count(self) -> int:   # 46 for nn.RNN(1, 5) + Linear(5, 1), 166 for nn.LSTM
        return self.gates * (5 + 25 + 5 + 5) + 6


def numbers(value: Any, what: str, inputs: Inputs | None = None) -> np.ndarray:
    array = as_array(value)
    if array is None or not np.issubdtype(array.dtype, np.number):
        fail(f"{what} should be a tensor or array of numbers; it is {describe(value)}.", inputs=inputs)
    return array


def mse(prediction: Any, target: Any) -> float:
    """Computed here, not in the private module: it judges the student's own outputs."""
    return float(np.mean((np.asarray(prediction, dtype=np.float64).reshape(-1) - np.asarray(target).reshape(-1)) ** 2))


def parts(value: Any, count: int, what: str, inputs: Inputs | None = None) -> tuple[Any, ...]:
    expect(isinstance(value, (tuple, list)) and len(value) == count,
           lambda: f"{what} should return {count} values; it returned {describe(value)}.", inputs=inputs)
    return tuple(value)


def shapes_of(model: Any) -> dict[str, tuple[int, ...]]:
    return {name: tuple(numbers(value, f"parameter {name}").shape) for name, value in model.parameters().items()}


def recurrent_names(shapes: Mapping[str, tuple[int, ...]], class_name: str) -> dict[str, str]:
    """The student's names of the recurrent layer's four parameters, by torch's suffixes."""
    found = {}
    for suffix in RECURRENT:
        names = [name for name in shapes if name.endswith(suffix)]
        expect(len(names) == 1, f"{class_name} should hold one recurrent layer (torch's nn.RNN / nn.LSTM, whose "
               f"parameters are weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0); its parameters are "
               f"{dict(shapes)}.")
        found[suffix] = names[0]
    return found


def series_names(model: Any, lab: Lab) -> dict[str, str]:
    """Canonical name (private.series_parameters) -> the student's, for RNNModel / LSTMModel."""
    shapes = shapes_of(model)
    names = recurrent_names(shapes, lab.model)
    rest = {name: shape for name, shape in shapes.items() if name not in names.values()}
    for canonical, shape in (("fc.weight", (1, 5)), ("fc.bias", (1,))):
        matching = [name for name, s in rest.items() if s == shape]
        expect(len(matching) == 1, f"{lab.model} should end with one nn.Linear(5, 1) (weight (1, 5), bias (1,)); "
               f"besides the recurrent layer its parameters are {rest}.")
        names[canonical] = matching[0]
    return names


def load_series_parameters(sub, model: Any, lab: Lab, params: Mapping[str, np.ndarray]) -> dict[str, str]:
    names = series_names(model, lab)
    sub.harness("load_parameters")(model=model, values={names[k]: torch.from_numpy(v) for k, v in params.items()})
    return names


def register(lab: Lab) -> dict[str, Callable[..., None]]:
    """E1's checks for ``lab``, by function name, for the suite's globals (load_suite finds them there)."""
    checks = [*_window_checks(), *_model_checks(lab), _train_check(lab), _denormalize_check()]
    return {fn.__name__: fn for fn in checks}


# --- make_windows, split_windows, NGTimeSeries -------------------------------------------------------------
window_cases = st.tuples(st.integers(1, 12), st.integers(2, 50), st.integers(0, 2 ** 16)).flatmap(
    lambda t: st.tuples(st.just(t[0]), st.just(t[0] + t[1]), st.one_of(st.none(), st.integers(1, t[1])),
                        st.just(t[2])))


def expect_windows(sub, series: np.ndarray, seq_len: int | None, n: int | None) -> None:
    length, window = len(series), seq_len or 10
    count = length - window if n is None else n
    args = {"series": series, **({"seq_len": seq_len} if seq_len else {}), **({"n": n} if n is not None else {})}
    call = "make_windows(series" + "".join(f", {k}={v}" for k, v in args.items() if k != "series") + ")"
    inputs = {"series": f"{length} points", "seq_len": window, "n": n}
    X, Y = (numbers(v, f"{call}[{i}]", inputs) for i, v in enumerate(parts(sub.function("make_windows")(**args), 2,
                                                                                 call, inputs)))
    want_X, want_Y = private.windows(series, window, n)
    expect(X.shape == want_X.shape and Y.reshape(-1).shape == want_Y.shape,
           f"{call} on a series of {length} points should give X {want_X.shape} and Y {want_Y.shape} (one window "
           f"for each of {'the first n' if n is not None else f'the len(series) - {window}'} start days); it gave X "
           f"{X.shape} and Y {Y.shape}. Is the number of windows hard-coded (range(0, 5900))?", inputs=inputs)
    expect_close(X, want_X, what=f"{call}: X[i] = series[i:i + {window}]", inputs=inputs)
    if not matches(Y.reshape(-1), want_Y) and matches(Y.reshape(-1), series[window - 1:window - 1 + count]):
        fail(f"{call}: Y[i] is series[i + {window - 1}], the window's own last day. The target is the day after the "
             f"window, Y[i] = series[i + {window}] (the manual's comment is off by one).", inputs=inputs,
             expected=want_Y, actual=Y)
    expect_close(Y.reshape(-1), want_Y, what=f"{call}: Y[i] = series[i + {window}]", inputs=inputs)


def expect_split(sub, X: np.ndarray, Y: np.ndarray) -> None:
    n = len(X)
    train, test = private.split_counts(n, 0.1)
    call = f"split_windows(X ({n}, {X.shape[1]}), Y ({n},), test_size=0.1)"
    out = [numbers(v, f"{call}[{i}]") for i, v in enumerate(parts(sub.function("split_windows")(X=X, Y=Y, test_size=0.1),
                                                                  4, call))]
    sizes = [len(v) for v in out]
    expect(sizes == [train, test, train, test], f"{call} should give (X_train, X_test, Y_train, Y_test) of "
           f"{train}, {test}, {train} and {test} rows (the test set is the last ceil(0.1 n)); they have {sizes}.")
    for value, expected, what in zip(out, (X[:train], X[train:], Y[:train], Y[train:]),
                                     ("X_train", "X_test", "Y_train", "Y_test")):
        expect_close(value.reshape(expected.shape), expected, what=f"{call}: {what}, in order (no shuffling)")


def _window_checks() -> list[Callable[..., None]]:
    @check("windows.value")
    @given(case=window_cases)
    def windows_value(sub, case):
        seq_len, length, n, seed = case
        expect_windows(sub, private.price_series(length, seed), seq_len, n)

    @check("windows.golden")
    def windows_golden(sub):
        """The catalog's sizes: 5910 days give 5900 windows of 10 with Y[i] = y[i + 10]; split 5310 / 590."""
        series = private.price_series(5910, 3)
        expect_windows(sub, series, None, None)
        expect_split(sub, *private.windows(series, 10, None))

    @check("split.in-order")
    @given(n=st.integers(5, 200), seed=st.integers(0, 2 ** 16))
    def split_in_order(sub, n, seed):
        expect_split(sub, *private.windows(private.price_series(n + 10, seed), 10, None))

    @check("dataset.items")
    @given(n=st.integers(1, 12), seed=st.integers(0, 2 ** 16))
    def dataset_items(sub, n, seed):
        # The grader reads the tensors the Dataset keeps (self.x, self.y, as the manual names them): a
        # worker's object can be asked for attributes and named methods, not for len() or dataset[i].
        X, Y = private.windows(private.price_series(n + 10, seed), 10, None)
        inputs = {"x": f"windows ({n}, 10)", "y": f"targets ({n},)"}
        dataset = sub.new("NGTimeSeries", x=X, y=Y)
        for attr, expected, shapes in (("x", X, ((n, 10), (n, 10, 1))), ("y", Y, ((n,), (n, 1)))):
            value = numbers(dataset.get(attr), f"NGTimeSeries(x, y).{dataset.attribute(attr)}", inputs)
            what = f"NGTimeSeries(x, y).{dataset.attribute(attr)}"
            expect(value.dtype == np.float32, f"{what} should be a float32 tensor (the model's weights are float32; "
                   f"float64 windows make nn.RNN raise); it is {value.dtype}.", inputs=inputs)
            expect(value.shape in shapes, f"{what} should have shape {' or '.join(map(str, shapes))}; it has "
                   f"{value.shape}.", inputs=inputs)
            expect_close(value.reshape(expected.shape), expected, what=f"{what}, in the order given", inputs=inputs)

    return [windows_value, windows_golden, split_in_order, dataset_items]


# --- the model ----------------------------------------------------------------------------------------
def _model_checks(lab: Lab) -> list[Callable[..., None]]:
    @check("model.params")
    def model_params(sub):
        shapes = shapes_of(sub.new(lab.model))
        total = sum(int(np.prod(s)) for s in shapes.values())
        observe(f"{lab.model}(): {total} parameters")
        names = recurrent_names(shapes, lab.model)
        rows = shapes[names["weight_ih_l0"]][0]
        expect(shapes[names["weight_ih_l0"]] == (5 * lab.gates, 1) and shapes[names["weight_hh_l0"]] == (5 * lab.gates, 5),
               f"{lab.model}'s recurrent layer should be {lab.layer}(input_size=1, hidden_size=5): weight_ih_l0 "
               f"({5 * lab.gates}, 1), weight_hh_l0 ({5 * lab.gates}, 5); it has {shapes[names['weight_ih_l0']]} and "
               f"{shapes[names['weight_hh_l0']]}" + (f" (that is an {LAYERS[rows // 5]})." if rows % 5 == 0 and
                                                     rows // 5 in LAYERS and rows // 5 != lab.gates else "."))
        expect(total == lab.parameter_count, f"{lab.model}() has {total} parameters; {lab.layer}(1, 5) and "
               f"Linear(5, 1) have {lab.parameter_count} (nn.RNN 46, nn.GRU 126, nn.LSTM 166). Its parameters: {shapes}.")

    @check("model.forward")
    @given(batch=st.integers(1, 5), steps=st.integers(1, 12), seed=st.integers(0, 2 ** 16))
    def model_forward(sub, batch, steps, seed):
        params = private.series_parameters(lab.kind, seed)
        x = np.random.default_rng(seed).uniform(0, 1, (batch, steps, 1)).astype(np.float32)
        inputs = {"x": f"({batch}, {steps}, 1)", "weights": f"drawn (seed {seed})"}
        model = sub.new(lab.model)
        load_series_parameters(sub, model, lab, params)
        out = numbers(sub.harness("evaluate")(model=model, inputs=torch.from_numpy(x)), f"{lab.model}()(x)", inputs)
        expect(out.shape == (batch, 1), f"{lab.model}()(x) for x ({batch}, {steps}, 1) should be ({batch}, 1); it is "
               f"{out.shape}. Is the layer batch_first=True, and is the last step's output taken?", inputs=inputs)
        expected = private.series_forward(lab.kind, params, x)
        if matches(out, private.series_forward(lab.kind, params, x, relu=False)):
            return   # the Linear on the last hidden state without the manual's ReLU: accepted
        if steps > 1 and matches(out, private.series_forward(lab.kind, params, x, step=0)):
            fail(f"{lab.model}()(x) reads the first step, output[:, 0, :]; the prediction comes from the last step, "
                 "output[:, -1, :], after the whole window.", inputs=inputs, expected=expected, actual=out)
        expect_close(out, expected, what=f"{lab.model}()(x) = fc(relu(h_T)), h_T the last step's hidden state",
                     inputs=inputs)

    @check("model.learns-sine")
    def model_learns_sine(sub):
        # Deterministic: the grader's starting weights, the loop's batches from a fixed seed. From them the
        # reference ends at 0.0075 (nn.RNN) / 0.0014 (nn.LSTM) of the bar, and 0.0038 / 0.0019 without the
        # ReLU: a correct model fails only if float rounding moved it 100-fold, which we take as never.
        data = private.sine_windows()
        model = sub.new(lab.model)
        load_series_parameters(sub, model, lab, private.series_parameters(lab.kind, SINE_START[lab.kind]))
        evaluate = sub.harness("evaluate")
        before = mse(numbers(evaluate(model=model, inputs=torch.from_numpy(data["test_x"])), "output"),
                             data["test_y"])
        run = sub.harness("train_steps")(model=model, inputs=torch.from_numpy(data["train_x"]),
                                         targets=torch.from_numpy(data["train_y"]), **SINE_TRAINING)
        out = numbers(evaluate(model=model, inputs=torch.from_numpy(data["test_x"])), f"{lab.model}()(x)")
        after = mse(out, data["test_y"])
        baseline = mse(data["test_x"][:, -1, 0], data["test_y"])
        observe(f"held-out MSE {before:.4g} -> {after:.4g} in {run['steps']} steps ({run['stopped']}); repeating the "
                f"last day gives {baseline:.4g}")
        expect(out.size == len(data["test_y"]) and after < min(before, baseline),
               f"{lab.model}(), trained by the grader from its own starting weights ({run['steps']} Adam steps of MSE, "
               f"lr {SINE_TRAINING['lr']}, batches of 32) on windows of a sine, reaches a held-out MSE of {after:.4g}: it "
               f"should fall below its initial {before:.4g} and below {baseline:.4g}, what repeating the last day of the "
               "window gives.")

    return [model_params, model_forward, model_learns_sine]


# --- train ------------------------------------------------------------------------------------------
def _train_check(lab: Lab) -> Callable[..., None]:
    @check("train.zero-grad")
    def train_zero_grad(sub):
        """Two steps of the student's train from the grader's weights equal the reference's two Adam
        steps; with the gradients accumulated (no zero_grad) the second step differs."""
        params = private.series_parameters(lab.kind, TRAIN_START)
        rng = np.random.default_rng(6)
        batches = [(torch.from_numpy(rng.uniform(0, 1, (4, 10, 1)).astype(np.float32)),
                    torch.from_numpy(rng.uniform(0, 1, 4).astype(np.float32))) for _ in range(2)]
        model = sub.new(lab.model)
        names = load_series_parameters(sub, model, lab, params)
        call = f"train(model, loader, epochs=1, lr={TRAIN_LR}) on a loader of two batches of 4 windows"
        sub.function("train")(model=model, loader=batches, epochs=1, lr=TRAIN_LR)
        after = model.parameters()
        actual = {k: numbers(after[names[k]], f"parameter {names[k]}") for k in params}
        wanted = [private.trained_parameters(lab.kind, params, batches, TRAIN_LR, relu) for relu in (True, False)]
        # the hint's wrong answer is asked for on every run, so that it is recorded with the cases too
        stale = private.trained_parameters(lab.kind, params, batches, TRAIN_LR, zero_grad=False)
        if any(all(matches(actual[k], want[k]) for k in params) for want in wanted):
            return
        if all(matches(actual[k], stale[k]) for k in params):
            fail(f"{call}: the second step used the sum of both batches' gradients. Call optimizer.zero_grad() "
                 "before each loss.backward(): without it the gradients accumulate over every step.")
        if all(matches(actual[k], np.asarray(params[k])) for k in params):
            fail(f"{call} did not change the model's parameters: does it call optimizer.step() on an optimizer "
                 "over model.parameters(), with the lr it is given?")
        expected = wanted[0]
        for k in params:
            expect_close(actual[k], expected[k], what=f"{call}: parameter {names[k]} after two steps of "
                         "Adam(lr) on the MSE of model(x) against y (zero_grad, forward, loss, backward, step per batch)")

    return train_zero_grad


# --- denormalize --------------------------------------------------------------------------------------
def _denormalize_check() -> Callable[..., None]:
    ref = reference()

    @check("denormalize.value")
    @given(length=st.integers(2, 30), seed=st.integers(0, 2 ** 16))
    def denormalize_value(sub, length, seed):
        series = private.price_series(length, seed)
        minm, maxm = float(series.min()), float(series.max() + 0.5)
        scaled = (series - minm) / (maxm - minm)
        inputs = {"v": f"{length} min-max scaled values", "minm": minm, "maxm": maxm}
        out = numbers(sub.function("denormalize")(v=scaled, minm=minm, maxm=maxm), "denormalize(v, minm, maxm)", inputs)
        expect_close(out, ref.denormalize(scaled, minm, maxm), what="denormalize(v, minm, maxm) = v * (maxm - minm) + "
                     "minm, the inverse of (y - minm) / (maxm - minm)", inputs=inputs)
        expect_close(out, series, what="denormalize((y - minm) / (maxm - minm), minm, maxm) gives y back", inputs=inputs)

    return denormalize_value
