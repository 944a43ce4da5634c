"""The grading suite of lab4-feedforward: one ``@check`` per check in assignments/lab4-feedforward/assignment.toml.

The student's networks live in their worker: the suite reads their parameters, loads the grader's
weights into them (grader.harness.load_parameters), runs them (evaluate) and trains them with the
grader's own loop (train_steps, which stops on CPU time), then judges the numbers in this process.
No number the student's code prints is used. What computes answers (the networks' outputs by hand,
the digits stand-in for MNIST, confusion matrices) is in lab4_feedforward_private.py.
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): what computes answers is in lab4_feedforward_private.py

from typing import Any, Mapping

import numpy as np
import torch
from hypothesis import given
from hypothesis import strategies as st

from grader.compare import as_array, describe
from grader.suite import check, expect, expect_close, fail, load_private, matches, observe

private = load_private(__file__, "lab4_feedforward_private")   # what computes answers: never sent to students
Inputs = Mapping[str, Any]

XOR_X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
XOR_Y = [0.0, 1.0, 1.0, 0.0]
XOR_SHAPES = {"linear1.weight": (2, 2), "linear1.bias": (2,), "linear2.weight": (1, 2), "linear2.bias": (1,)}
# torch.manual_seed(42); XORModel() (catalog seed-003, L4-E1): where the grader's training starts.
SEED42_INIT = {"linear1.weight": [[0.5406, 0.5869], [-0.1657, 0.6496]], "linear1.bias": [-0.1549, 0.1427],
               "linear2.weight": [[-0.3443, 0.4153]], "linear2.bias": [0.6233]}
# The manual's printed "Model parameters": the network after 2 epochs of its loop, not 10000.
PRINTED = {"linear1.weight": [[0.5413, 0.5890], [-0.1679, 0.6455]], "linear1.bias": [-0.1505, 0.1357],
           "linear2.weight": [[-0.3832, 0.3738]], "linear2.bias": [0.5562]}
PRINTED_OUTPUTS = [0.578553, 0.579656, 0.511522, 0.520069]
XOR_TRAINING = {"loss": "mse", "optimizer": "Adam", "lr": 0.1, "steps": 250, "budget_s": 10.0, "seed": 0}
DIGITS_TRAINING = {"loss": "cross_entropy", "optimizer": "Adam", "lr": 1e-3, "steps": 150, "batch_size": 64,
                   "budget_s": 20.0, "seed": 0}
ACCURACY_BAR = 0.85   # the catalog's bar on the digits stand-in (95 % on real MNIST)


def floats(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, width=32, allow_nan=False, allow_infinity=False)


def matrix(rows: int, cols: int, span: float = 3.0) -> st.SearchStrategy[list[Any]]:
    row = st.lists(floats(-span, span), min_size=cols, max_size=cols)
    return st.lists(row, min_size=rows, max_size=rows)


xor_params = st.fixed_dictionaries({"linear1.weight": matrix(2, 2), "linear1.bias": matrix(1, 2).map(lambda m: m[0]),
                                    "linear2.weight": matrix(1, 2), "linear2.bias": matrix(1, 1).map(lambda m: m[0])})
xor_inputs = st.integers(1, 6).flatmap(lambda n: matrix(n, 2, 2.0))


def as_tensors(params: Mapping[str, Any]) -> dict[str, torch.Tensor]:
    return {name: torch.tensor(value, dtype=torch.float32) for name, value in params.items()}


def numbers(value: Any, what: str, inputs: Inputs | None = None) -> np.ndarray:
    array = as_array(value)
    if array is None or not np.issubdtype(array.dtype, np.number):
        fail(f"{what} should be a tensor of numbers; it is {describe(value)}.", inputs=inputs)
    return array


def column(value: Any, rows: int, what: str, inputs: Inputs) -> np.ndarray:
    """A network's output on ``rows`` inputs, (rows, 1) or (rows,), as a column."""
    array = numbers(value, what, inputs)
    expect(array.size == rows, f"{what} should hold one output per input row ({rows}); it has shape {array.shape}.",
           inputs=inputs, actual=array)
    return np.asarray(array, dtype=np.float64).reshape(rows, 1)


def shapes_of(model: Any) -> dict[str, tuple[int, ...]]:
    return {name: tuple(numbers(value, f"parameter {name}").shape) for name, value in model.parameters().items()}


def expect_xor_shapes(model: Any, class_name: str) -> None:
    shapes = shapes_of(model)
    expect(shapes == XOR_SHAPES, f"{class_name}()'s parameters should be linear1 = nn.Linear(2, 2) and linear2 = "
           f"nn.Linear(2, 1): {XOR_SHAPES}; they are {shapes}.")


def expect_xor_forward(sub, class_name: str, params: Mapping[str, Any], X: list[Any], activation: str) -> None:
    inputs = {"params": params, "X": X}
    model = sub.new(class_name)
    sub.harness("load_parameters")(model=model, values=as_tensors(params))
    out = column(sub.harness("evaluate")(model=model, inputs=torch.tensor(X)), len(X), f"{class_name}()(X)", inputs)
    expected = private.xor_forward(params, X, activation)
    wrong = private.with_output_sigmoid(params, X, activation)
    if not matches(out, expected) and matches(out, wrong):
        fail(f"{class_name}()(X) has a sigmoid after linear2: the network ends with linear2, no output activation "
             "(the loss is MSELoss on the raw output).", inputs=inputs, expected=expected, actual=out)
    expect_close(out, expected, what=f"{class_name}()(X) = linear2({activation}(linear1(X)))", inputs=inputs)


def _register_xor_checks(exercise: str, class_name: str, activation: str) -> dict[str, Any]:
    """The architecture and forward checks of one XOR network (E1's sigmoid one, E2's ReLU one), as
    module-level functions for load_suite to find. E2's is not trained: with 2 hidden ReLUs the
    manual's loop gets stuck at seed 42 (loss 0.1328)."""

    @check(f"{exercise}.architecture")
    def architecture(sub):
        expect_xor_shapes(sub.new(class_name), class_name)

    @check(f"{exercise}.forward")
    @given(params=xor_params, X=xor_inputs)
    def forward(sub, params, X):
        expect_xor_forward(sub, class_name, params, X, activation)

    return {f"{class_name}_{fn.__name__}": fn for fn in (architecture, forward)}


# --- E1: XORModel and count_params; E2: XORModelReLU ---------------------------------------------------
for _exercise, _class_name, _activation in (("xor", "XORModel", "sigmoid"), ("xor-relu", "XORModelReLU", "relu")):
    globals().update(_register_xor_checks(_exercise, _class_name, _activation))


@check("xor.init")
def xor_init(sub):
    """nn.Linear's own initialisation, U(-1/sqrt(2), 1/sqrt(2)) for fan-in 2: never only [0, 1)."""
    values = np.concatenate([np.asarray(numbers(v, f"parameter {k}"), dtype=np.float64).ravel()
                             for _ in range(20) for k, v in sub.new("XORModel").parameters().items()])
    bound = 1 / np.sqrt(2) + 1e-6
    observe(f"{values.size} initial values in [{values.min():.4f}, {values.max():.4f}]")
    expect(values.min() < 0 and np.abs(values).max() <= bound,
           f"over 20 new XORModel()s the initial weights and biases lie in [{values.min():.4f}, {values.max():.4f}]; "
           f"nn.Linear(2, ...) draws them from U(-1/sqrt(2), 1/sqrt(2)) = (-0.7071, 0.7071), negative ones too. "
           "A weight's value is not confined to 0..1: keep nn.Linear's initialisation.")


@check("xor.converges")
def xor_converges(sub):
    model = sub.new("XORModel")
    sub.harness("load_parameters")(model=model, values=as_tensors(SEED42_INIT))
    run = sub.harness("train_steps")(model=model, inputs=torch.tensor(XOR_X), targets=torch.tensor(XOR_Y),
                                     **XOR_TRAINING)
    out = column(sub.harness("evaluate")(model=model, inputs=torch.tensor(XOR_X)), 4, "XORModel()(X)", {})
    losses = run["losses"]
    observe(f"loss {losses[0]:.4g} -> {losses[-1]:.4g} in {run['steps']} steps; outputs {np.round(out.ravel(), 4)}")
    expect(bool(np.all(np.abs(out.ravel() - np.array(XOR_Y)) < 0.1)),
           f"from torch.manual_seed(42)'s initial weights, {XOR_TRAINING['steps']} full-batch Adam steps (lr "
           f"{XOR_TRAINING['lr']}) of MSE on the 4 XOR rows should bring every output within 0.1 of [0, 1, 1, 0]; "
           f"they are {np.round(out.ravel(), 4)} ({run['stopped']}).")


@check("xor.count-params")
@given(h1=st.integers(1, 64), h2=st.integers(1, 32))
def count_params_value(sub, h1, h2):
    count = sub.function("count_params")
    xor = _int(count(model=sub.new("XORModel")))
    expect(xor == 9, f"count_params(XORModel()) should be 9 (2*2 + 2 weights and biases of linear1, 2*1 + 1 of "
           f"linear2); it is {xor}. Biases are learnable parameters too.")
    model = sub.new("MNISTFFN", h1=h1, h2=h2)
    own = sum(int(np.prod(shape)) for shape in shapes_of(model).values())
    got = _int(count(model=model))
    expect(got == own, f"count_params(MNISTFFN(h1={h1}, h2={h2})) is {got}; its parameters hold {own} values.",
           inputs={"h1": h1, "h2": h2})


def _int(value: Any) -> int:
    array = as_array(value)
    if array is None and isinstance(value, (int, float)):
        return int(value)
    if array is None or array.size != 1:
        fail(f"count_params should return one integer; it returned {describe(value)}.")
    return int(array.reshape(()))


# --- E3: manual_forward --------------------------------------------------------------------------------
def expect_manual(sub, params: Mapping[str, Any], X: list[Any], activation: str) -> None:
    inputs = {"params": params, "X": X, "activation": activation}
    call = f"manual_forward(params, X, activation={activation!r})"
    out = column(sub.function("manual_forward")(params=as_tensors(params), X=torch.tensor(X), activation=activation),
                 len(X), call, inputs)
    expected = private.xor_forward(params, X, activation)
    if not matches(out, expected) and matches(out, private.with_output_sigmoid(params, X, activation)):
        fail(f"{call} applies the sigmoid after linear2 too: y = W2 act(W1 x + b1) + b2, as model(X) computes it.",
             inputs=inputs, expected=expected, actual=out)
    expect_close(out, expected, what=f"{call} = W2 {activation}(W1 x + b1) + b2", inputs=inputs)


@check("manual.golden")
def manual_golden(sub):
    """The manual's printed parameters give [0.578553, 0.579656, 0.511522, 0.520069]."""
    expect_manual(sub, PRINTED, XOR_X, "sigmoid")


@check("manual.value")
@given(params=xor_params, X=xor_inputs, activation=st.sampled_from(["sigmoid", "relu"]))
def manual_value(sub, params, X, activation):
    expect_manual(sub, params, X, activation)


# --- E4: MNISTFFN and confusion ----------------------------------------------------------------------------
@check("mnist.params")
@given(sizes=st.sampled_from([(100, 100), (128, 64), (256, 128), (512, 256), (64, 32)]))
def mnist_params(sub, sizes):
    h1, h2 = sizes
    shapes = shapes_of(sub.new("MNISTFFN", h1=h1, h2=h2))
    total = sum(int(np.prod(shape)) for shape in shapes.values())
    expected = private.mlp_param_count(h1, h2)
    observe(f"MNISTFFN({h1}, {h2}): {total} parameters")
    expect(total == expected, f"MNISTFFN(h1={h1}, h2={h2}) has {total} parameters; 784 -> {h1} -> {h2} -> 10 with "
           f"biases has 784*{h1} + {h1} + {h1}*{h2} + {h2} + 10*{h2} + 10 = {expected}. Its shapes: {shapes}.",
           inputs={"h1": h1, "h2": h2})


@check("mnist.forward")
@given(batch=st.integers(1, 5), seed=st.integers(0, 2 ** 16))
def mnist_forward(sub, batch, seed):
    inputs = {"batch": batch, "seed": seed}
    images = torch.from_numpy(np.random.default_rng(seed).random((batch, 1, 28, 28), dtype=np.float32))
    model = sub.new("MNISTFFN", h1=32, h2=16)
    square = numbers(sub.harness("evaluate")(model=model, inputs=images), "MNISTFFN(32, 16)(x (B, 1, 28, 28))", inputs)
    expect(square.shape == (batch, 10), f"MNISTFFN(32, 16) on images ({batch}, 1, 28, 28) should return logits "
           f"({batch}, 10); it returned shape {square.shape}. Flatten each image to 784 values in forward "
           "(x.view(x.size(0), -1) or nn.Flatten()).", inputs=inputs)
    flat = sub.harness("evaluate")(model=model, inputs=images.reshape(batch, 784))
    expect_close(flat, square, what=f"MNISTFFN(32, 16) on the same images as rows ({batch}, 784)", inputs=inputs)


def trained_digits_model(sub, h1: int, h2: int, steps: int) -> tuple[Any, dict[str, Any]]:
    data = private.digits()
    model = sub.new("MNISTFFN", h1=h1, h2=h2)
    run = sub.harness("train_steps")(model=model, inputs=torch.from_numpy(data["train_x"]),
                                     targets=torch.from_numpy(data["train_y"]), **{**DIGITS_TRAINING, "steps": steps})
    return model, run


@check("mnist.learns-digits")
def mnist_learns_digits(sub):
    data = private.digits()
    model, run = trained_digits_model(sub, 128, 64, DIGITS_TRAINING["steps"])
    logits = numbers(sub.harness("evaluate")(model=model, inputs=torch.from_numpy(data["test_x"])), "MNISTFFN's logits")
    expect(logits.shape == (len(data["test_y"]), 10), f"MNISTFFN's logits should have shape "
           f"({len(data['test_y'])}, 10); they have {logits.shape}.")
    accuracy = float(np.mean(logits.argmax(axis=1) == data["test_y"]))
    observe(f"loss {run['losses'][0]:.3g} -> {run['losses'][-1]:.3g} in {run['steps']} steps; held-out accuracy "
            f"{accuracy:.3f}")
    expect(accuracy >= ACCURACY_BAR, f"MNISTFFN(128, 64), trained by the grader ({run['steps']} Adam steps of "
           f"cross-entropy, batches of 64), classifies {accuracy:.1%} of the held-out digits; at least "
           f"{ACCURACY_BAR:.0%} is expected.")


@check("confusion.value")
@given(batch_size=st.sampled_from([32, 50, 64]), count=st.integers(100, 300))
def confusion_value(sub, batch_size, count):
    """On the student's own MNISTFFN, briefly trained: the matrix its predictions imply."""
    data = private.digits()
    images, labels = data["test_x"][:count], data["test_y"][:count]
    model, _ = trained_digits_model(sub, 32, 16, 20)
    logits = numbers(sub.harness("evaluate")(model=model, inputs=torch.from_numpy(images)), "MNISTFFN's logits")
    loader = [(torch.from_numpy(images[i:i + batch_size]), torch.from_numpy(labels[i:i + batch_size]))
              for i in range(0, count, batch_size)]
    inputs = {"images": f"{count} digits", "batch_size": batch_size}
    out = numbers(sub.function("confusion")(model=model, loader=loader), "confusion(model, loader)", inputs)
    expected = private.confusion_of(labels, logits)
    expect(out.shape == (10, 10), f"confusion(model, loader) should be (10, 10); it has shape {out.shape}.",
           inputs=inputs)
    expect(np.issubdtype(out.dtype, np.integer), f"confusion(model, loader) should hold integer counts (a "
           f"LongTensor); its dtype is {out.dtype}.", inputs=inputs)
    if not np.array_equal(out, expected) and np.array_equal(out, expected.T):
        fail("confusion(model, loader) is transposed: row i should count the images whose TRUE class is i, column "
             "j those predicted j (so the row sums are the class counts).", inputs=inputs, expected=expected, actual=out)
    expect_close(out, expected, what=f"confusion(model, loader) over {count} digits in batches of {batch_size}",
                 inputs=inputs)
