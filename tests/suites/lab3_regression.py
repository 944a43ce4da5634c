"""The grading suite of lab3-regression: one ``@check`` per check in assignments/lab3-regression/assignment.toml.

Every training function is called by the grader on the grader's data with the epochs and learning
rate the exercise fixes (the manual's data first, then hypothesis-drawn data), and what it returns
is compared with full-batch gradient descent computed in lab3_regression_private.py (never
shipped). The nn.Module models are also trained by the grader's own loop (grader.harness) and
measured there. Drawn numbers are float32 numbers, so float32 and float64 solutions start from the
same data.
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): what computes answers is in lab3_regression_private.py

from typing import Any, Mapping

import numpy as np
import torch
from hypothesis import assume, example, given
from hypothesis import strategies as st

from grader.compare import as_array, describe
from grader.suite import check, expect, expect_close, fail, load_private, matches, observe

private = load_private(__file__, "lab3_regression_private")   # what computes answers: never sent to students
Inputs = Mapping[str, Any]

# The manual's data (catalog seed-003, section 4).
E1_X = [12.4, 14.3, 14.5, 14.9, 16.1, 16.9, 16.5, 15.4, 17.0, 17.9, 18.8, 20.3, 22.4, 19.4, 15.5, 16.7, 17.3,
        18.4, 19.2, 17.4, 19.5, 19.7, 21.2]
E1_Y = [11.2, 12.5, 12.7, 13.1, 14.1, 14.8, 14.4, 13.4, 14.9, 15.6, 16.4, 17.7, 19.6, 16.9, 14.0, 14.6, 15.1,
        16.1, 16.8, 15.2, 17.0, 17.2, 18.6]
E3_X = [5.0, 7.0, 12.0, 16.0, 20.0]
E3_Y = [40.0, 120.0, 180.0, 210.0, 240.0]
E6_X = [[3.0, 8.0], [4.0, 5.0], [5.0, 7.0], [6.0, 3.0], [2.0, 1.0]]
E6_Y = [-3.7, 3.5, 2.5, 11.5, 5.7]
E7_X = [1.0, 5.0, 10.0, 10.0, 25.0, 50.0, 70.0, 75.0, 100.0]
E7_Y = [0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0]

NO_ZERO_GRAD = ("Is the learning rate the one given, and are the gradients zeroed after each update? .grad adds "
                "up over backward() calls until it is zeroed (optimizer.zero_grad(), or w.grad.zero_()).")


def floats(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, width=32, allow_nan=False, allow_infinity=False)


def data(n_min: int, n_max: int, x_span: float, y_span: float) -> st.SearchStrategy[dict[str, list[float]]]:
    """{"x": [...], "y": [...]} of the same length."""
    return st.integers(n_min, n_max).flatmap(lambda n: st.fixed_dictionaries({
        "x": st.lists(floats(-x_span, x_span), min_size=n, max_size=n),
        "y": st.lists(floats(-y_span, y_span), min_size=n, max_size=n)}))


def number(value: Any, what: str, inputs: Inputs) -> float:
    """A Python number, or a tensor or array of one element, as a float."""
    array = as_array(value)
    if array is None and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if array is None or array.size != 1 or not np.issubdtype(array.dtype, np.number):
        fail(f"{what} should be one number (a float, or a tensor with one element); it is {describe(value)}.",
             inputs=inputs)
    return float(array.reshape(()))


def losses_of(losses: Any, call: str, inputs: Inputs) -> list[float]:
    """The losses a training function returned, a list (or a tensor) of numbers."""
    if isinstance(losses, (list, tuple)):
        return [number(v, f"{call}: losses[{i}]", inputs) for i, v in enumerate(losses)]
    array = as_array(losses)
    if array is None:
        fail(f"{call}: losses should be a list of numbers; it is {describe(losses)}.", inputs=inputs)
    return [float(v) for v in np.asarray(array, dtype=np.float64).reshape(-1)]


def training_result(result: Any, call: str, epochs: int, inputs: Inputs) -> tuple[np.ndarray, np.ndarray]:
    """(w, b, losses) as the array [w, b] and the array of losses, one per epoch."""
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        fail(f"{call} should return a tuple (w, b, losses); it returned {describe(result)}.", inputs=inputs)
    w, b, losses = result
    wb = np.array([number(w, f"{call}: w", inputs), number(b, f"{call}: b", inputs)])
    values = losses_of(losses, call, inputs)
    if len(values) != epochs:
        fail(f"{call}: losses should hold one loss per epoch, {epochs}; it holds {len(values)}.", inputs=inputs)
    return wb, np.asarray(values, dtype=np.float64)


def expect_training(result: Any, expected: Mapping[str, Any], call: str, epochs: int, inputs: Inputs) -> None:
    wb, losses = training_result(result, call, epochs, inputs)
    drifts = epochs > 1 and matches(losses[:1], expected["losses"][:1]) and not matches(losses, expected["losses"])
    what = f"{call}: losses, one per epoch (before its update)"
    if drifts:
        fail(f"{what}: the first is right, the later ones are not. {NO_ZERO_GRAD}", inputs=inputs,
             expected=expected["losses"], actual=losses)
    expect_close(losses, expected["losses"], what=what, inputs=inputs)
    expect_close(wb, expected["wb"], what=f"{call}: the final (w, b)", inputs=inputs)
    observe(f"w = {wb[0]:.6f}, b = {wb[1]:.6f}, loss {losses[0]:.6g} -> {losses[-1]:.6g} in {epochs} epochs")


# --- E2 / A1: one gradient step by hand -------------------------------------------------------------
def expect_step(result: Any, answers: Mapping[str, Any], call: str, inputs: Inputs) -> None:
    if not isinstance(result, (tuple, list)) or len(result) != 5:
        fail(f"{call} should return (loss, w_grad, b_grad, w_new, b_new); it returned {describe(result)}.",
             inputs=inputs)
    step = np.array([number(v, f"{call}[{i}]", inputs) for i, v in enumerate(result)])
    if not matches(step, answers["expected"]) and matches(step, answers["flipped"]):
        fail(f"{call}: the gradients have the wrong sign. Whether the difference is (yp - y) or (y - yp), the "
             "loss squares it, so dL/dw = (2/N) sum (w x + b - y) x either way, and the step goes against it.",
             inputs=inputs, expected=answers["expected"], actual=step)
    expect_close(step, answers["expected"], what=f"{call}: (loss, w_grad, b_grad, w_new, b_new)", inputs=inputs)


@check("gradient-step.golden")
@given(start=st.sampled_from([(1.0, 1.0), (1.174, 1.052)]))
def gradient_step_golden(sub, start):
    """The manual's two epochs at (2, 20), (4, 40) from w = b = 1, lr 0.001 (E2 and A1)."""
    w, b = start
    inputs = {"x": [2.0, 4.0], "y": [20.0, 40.0], "w": w, "b": b, "lr": 0.001}
    result = sub.function("gradient_step")(**inputs)
    expect_step(result, private.gradient_step([2.0, 4.0], [20.0, 40.0], w, b, 0.001),
                f"gradient_step(x=[2, 4], y=[20, 40], w={w}, b={b}, lr=0.001)", inputs)


@check("gradient-step.value")
@given(case=data(1, 6, 5.0, 20.0), w=floats(-3, 3), b=floats(-3, 3), lr=st.sampled_from([0.001, 0.01, 0.1]))
def gradient_step_value(sub, case, w, b, lr):
    inputs = {**case, "w": w, "b": b, "lr": lr}
    result = sub.function("gradient_step")(x=torch.tensor(case["x"], dtype=torch.float64),
                                           y=torch.tensor(case["y"], dtype=torch.float64), w=w, b=b, lr=lr)
    expect_step(result, private.gradient_step(case["x"], case["y"], w, b, lr), "gradient_step(x, y, w, b, lr)", inputs)


# --- E1: linear regression by autograd ------------------------------------------------------------------
@check("linreg.golden")
def linreg_golden(sub):
    """The manual's 23 points, lr 0.001, 100 epochs: w = 0.820030, b = 0.987891, L0 = 10.153913."""
    inputs = {"x": "the manual's 23 points", "lr": 0.001, "epochs": 100}
    result = sub.function("train_linreg")(x=torch.tensor(E1_X), y=torch.tensor(E1_Y), lr=0.001, epochs=100)
    expect_training(result, private.gradient_descent(E1_X, E1_Y, 0.001, 100), "train_linreg(x, y, lr=0.001, epochs=100)",
                    100, inputs)


@check("linreg.value")
@given(case=data(2, 8, 3.0, 6.0), lr=st.sampled_from([0.01, 0.05]), epochs=st.integers(1, 15))
def linreg_value(sub, case, lr, epochs):
    inputs = {**case, "lr": lr, "epochs": epochs}
    result = sub.function("train_linreg")(x=torch.tensor(case["x"]), y=torch.tensor(case["y"]), lr=lr, epochs=epochs)
    expect_training(result, private.gradient_descent(case["x"], case["y"], lr, epochs),
                    f"train_linreg(x, y, lr={lr}, epochs={epochs})", epochs, inputs)


# --- E3: RegressionModel ------------------------------------------------------------------------------------
def requires_grad(value: Any) -> bool:
    info = getattr(value, "grader_info", None)
    return bool(info.requires_grad) if info is not None else bool(getattr(value, "requires_grad", False))


@check("regression-model.init")
def regression_model_init(sub):
    model = sub.new("RegressionModel")
    for name in ("w", "b"):
        value = model.get(name)
        if as_array(value) is None:
            fail(f"RegressionModel().{name} should be a tensor; it is {describe(value)}.")
        expect(requires_grad(value), f"RegressionModel().{name} should be created with requires_grad=True, so that "
                                     "backward() computes its gradient.")
        expect(bool(np.all(as_array(value) == 1)) and as_array(value).size == 1,
               f"RegressionModel().{name} should start at 1 (the exercise fixes w = b = 1, not torch.rand); "
               f"it is {describe(value)}.")


@check("regression-model.forward")
@given(w=floats(-5, 5), b=floats(-5, 5), x=st.lists(floats(-10, 10), min_size=1, max_size=8))
def regression_model_forward(sub, w, b, x):
    model = sub.new("RegressionModel")
    model.set("w", torch.tensor([w], requires_grad=True))
    model.set("b", torch.tensor([b], requires_grad=True))
    inputs = {"w": w, "b": b, "x": x}
    out = model.call("forward", x=torch.tensor(x))
    actual = as_array(out)
    if actual is None:
        fail(f"forward(x) should return a tensor; it returned {describe(out)}.", inputs=inputs)
    expect_close(actual.reshape(-1), private.affine(w, b, x), what="forward(x) = w * x + b", inputs=inputs)


@check("regression-model.criterion")
@given(case=data(1, 8, 10.0, 10.0))
def regression_model_criterion(sub, case):
    model = sub.new("RegressionModel")
    out = model.call("criterion", y=torch.tensor(case["y"]), yp=torch.tensor(case["x"]))
    inputs = {"y": case["y"], "yp": case["x"]}
    expect_close(number(out, "criterion(y, yp)", inputs), private.mean_squared_error(case["y"], case["x"]),
                 what="criterion(y, yp), the mean of (yp - y)^2", inputs=inputs)


@check("regression-model.training")
@example(case={"x": E3_X, "y": E3_Y}, epochs=100)
@given(case=data(2, 6, 10.0, 50.0), epochs=st.integers(2, 20))
def regression_model_training(sub, case, epochs):
    inputs = {**case, "epochs": epochs}
    result = sub.function("train_regression")(x=torch.tensor(case["x"]), y=torch.tensor(case["y"]), epochs=epochs)
    expect_training(result, private.gradient_descent(case["x"], case["y"], 0.001, epochs),
                    f"train_regression(x, y, epochs={epochs})", epochs, inputs)


# --- E4: nn.Module, Dataset and DataLoader, SGD -----------------------------------------------------------------
@check("linear-module.parameters")
@given(x=st.lists(floats(-10, 10), min_size=1, max_size=8))
def linear_module_parameters(sub, x):
    model = sub.new("LinearRegressionModel")
    params = sub.harness("named_parameters")(model=model)
    values = {name: as_array(value) for name, value in params.items()}
    expect(set(values) == {"w", "b"} and all(v.size == 1 for v in values.values()),
           f"LinearRegressionModel should have two nn.Parameter of one element, w and b; it has "
           f"{', '.join(f'{k} {tuple(v.shape)}' for k, v in values.items()) or 'none'}.")
    expect(all(bool(np.all(v == 1)) for v in values.values()),
           f"w and b should start at 1; they are {', '.join(f'{k} = {v.reshape(-1)}' for k, v in values.items())}.")
    out = sub.harness("evaluate")(model=model, inputs=torch.tensor(x))
    expect_close(as_array(out).reshape(-1), private.affine(1.0, 1.0, x), what="model(x) = w * x + b at w = b = 1",
                 inputs={"x": x})


def expect_trained_parameters(params: Mapping[str, Any], expected: np.ndarray, label: str) -> None:
    values = {name: np.asarray(as_array(value), dtype=np.float64).reshape(-1) for name, value in params.items()}
    wb = [values.get(key) for key in label.split()]
    if any(v is None or v.size != 1 for v in wb):
        fail(f"the model should have the parameters {label}, one number each; it has "
             f"{', '.join(f'{k} {v.shape}' for k, v in values.items()) or 'none'}.")
    expect_close(np.concatenate(wb), expected, what=f"({', '.join(label.split())}) after the grader's training")


def trained_by_grader(sub, class_name: str, x: torch.Tensor, y: torch.Tensor, **how: Any) -> Any:
    """A fresh model of the student's class, trained by the grader's own loop (grader.harness) with full
    batches: ``how`` gives the loss, the optimizer, lr and steps."""
    model = sub.new(class_name)
    run = sub.harness("train_steps")(model=model, inputs=x, targets=y, **how)
    observe(f"loss {run['losses'][0]:.6g} -> {run['losses'][-1]:.6g} in {run['steps']} steps ({run['stopped']})")
    expect(run["stopped"] == "steps", f"the grader's training stopped early ({run['stopped']}) after {run['steps']} steps.")
    return model


@check("linear-module.trains")
def linear_module_trains(sub):
    """Trained by the grader: SGD lr 0.001, 100 full-batch steps of MSE on the manual's 5 points."""
    model = trained_by_grader(sub, "LinearRegressionModel", torch.tensor(E3_X), torch.tensor(E3_Y), loss="mse",
                              optimizer="SGD", lr=0.001, steps=100)
    expect_trained_parameters(sub.harness("named_parameters")(model=model),
                              private.gradient_descent(E3_X, E3_Y, 0.001, 100)["wb"], "w b")


@check("linear-module.train-linear")
@example(case={"x": E3_X, "y": E3_Y}, epochs=100)
@given(case=data(2, 6, 10.0, 50.0), epochs=st.integers(2, 20))
def linear_module_train_linear(sub, case, epochs):
    inputs = {**case, "epochs": epochs, "lr": 0.001}
    result = sub.function("train_linear")(x=torch.tensor(case["x"]), y=torch.tensor(case["y"]), epochs=epochs,
                                          lr=0.001)
    expect_training(result, private.gradient_descent(case["x"], case["y"], 0.001, epochs),
                    f"train_linear(x, y, epochs={epochs}, lr=0.001)", epochs, inputs)


# --- E5: nn.Linear --------------------------------------------------------------------------------------------
@check("nn-linear.architecture")
def nn_linear_architecture(sub):
    params = sub.harness("named_parameters")(model=sub.new("LinearNN"))
    shapes = {name: tuple(np.shape(as_array(value))) for name, value in params.items()}
    expect(shapes == {"linear.weight": (1, 1), "linear.bias": (1,)},
           f"LinearNN should hold one nn.Linear(1, 1) named linear (parameters linear.weight (1, 1) and "
           f"linear.bias (1,)); it has {shapes or 'no parameters'}.")
    expect(all(bool(np.all(as_array(v) == 1)) for v in params.values()),
           "linear.weight and linear.bias should be set to 1 (nn.init.ones_ or fill_ under torch.no_grad()), so "
           "that training starts where the exercise fixes it.")


@check("nn-linear.trains")
def nn_linear_trains(sub):
    """Trained by the grader: SGD lr 0.001, 100 full-batch steps on the 23 points as a column (23, 1)."""
    model = trained_by_grader(sub, "LinearNN", torch.tensor(E1_X).reshape(-1, 1), torch.tensor(E1_Y).reshape(-1, 1),
                              loss="mse", optimizer="SGD", lr=0.001, steps=100)
    expect_trained_parameters(sub.harness("named_parameters")(model=model),
                              private.gradient_descent(E1_X, E1_Y, 0.001, 100)["wb"], "linear.weight linear.bias")


# --- E6: multiple regression ------------------------------------------------------------------------------------
def expect_least_squares(sub, X: list[list[float]], y: list[float], inputs: Inputs) -> None:
    result = sub.function("multiple_regression")(X=torch.tensor(X, dtype=torch.float64),
                                                 y=torch.tensor(y, dtype=torch.float64))
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        fail(f"multiple_regression(X, y) should return (w, b); it returned {describe(result)}.", inputs=inputs)
    w = as_array(result[0])
    if w is None or w.size != len(X[0]):
        fail(f"w should hold one weight per column of X, {len(X[0])}; it is {describe(result[0])}.", inputs=inputs)
    fitted = np.append(np.asarray(w, dtype=np.float64).reshape(-1), number(result[1], "b", inputs))
    expect_close(fitted, private.least_squares(X, y), what="(w_1, ..., w_d, b) of the least squares fit", inputs=inputs)


@check("multiple.golden")
def multiple_golden(sub):
    """The manual's five points: w = (2.281630, -1.672100), b = 2.799561, so y(3, 2) = 6.300251."""
    expect_least_squares(sub, E6_X, E6_Y, {"X": E6_X, "y": E6_Y})


@st.composite
def regression_problems(draw) -> dict[str, Any]:
    d = draw(st.integers(1, 3))
    n = draw(st.integers(d + 2, 8))
    X = draw(st.lists(st.lists(floats(-5, 5), min_size=d, max_size=d), min_size=n, max_size=n))
    return {"X": X, "y": draw(st.lists(floats(-10, 10), min_size=n, max_size=n))}


@check("multiple.value")
@given(case=regression_problems())
def multiple_value(sub, case):
    design = np.hstack([np.asarray(case["X"]), np.ones((len(case["X"]), 1))])
    assume(np.linalg.cond(design) < 1e3)      # a nearly singular design has no well-defined fit
    expect_least_squares(sub, case["X"], case["y"], case)


# --- E7: logistic regression ----------------------------------------------------------------------------------------
def weight_and_bias(params: Mapping[str, Any]) -> tuple[str, str]:
    """The names of the model's weight and bias: linear.weight / linear.bias, or w / b."""
    names = list(params)
    w = [n for n in names if n.split(".")[-1] in ("weight", "w")]
    b = [n for n in names if n.split(".")[-1] in ("bias", "b")]
    if len(names) != 2 or len(w) != 1 or len(b) != 1:
        fail("LogisticRegressionModel should have two parameters, a weight and a bias (an nn.Linear(1, 1), or "
             f"nn.Parameter w and b); it has {', '.join(names) or 'none'}.")
    return w[0], b[0]


@check("logistic.forward")
@given(w=floats(-2, 2), b=floats(-5, 5), x=st.lists(floats(-10, 10), min_size=1, max_size=8))
def logistic_forward(sub, w, b, x):
    model = sub.new("LogisticRegressionModel")
    params = sub.harness("named_parameters")(model=model)
    w_name, b_name = weight_and_bias(params)
    values = {w_name: torch.full(np.shape(as_array(params[w_name])), w),
              b_name: torch.full(np.shape(as_array(params[b_name])), b)}
    sub.harness("load_parameters")(model=model, values=values)
    out = sub.harness("evaluate")(model=model, inputs=torch.tensor(x).reshape(-1, 1))
    expect_close(np.asarray(as_array(out)).reshape(-1), private.logistic(w, b, x), what="model(x) = sigmoid(w x + b)",
                 inputs={"w": w, "b": b, "x": x})


def expect_separates(p: np.ndarray, grid: np.ndarray, what: str) -> None:
    """Probabilities on the grid 0..100: in (0, 1), rising, crossing 0.5 between 25 and 50."""
    expect(bool(np.all((p >= 0) & (p <= 1))), f"{what}: the probabilities should lie in [0, 1]; they range over "
                                               f"[{p.min():.4g}, {p.max():.4g}].")
    above = grid[p > 0.5]
    boundary = float(above.min()) if above.size else float("nan")
    observe(f"{what}: p(x) > 0.5 from x = {boundary:g}")
    expect(bool(np.all(p[grid <= 25] < 0.5)) and bool(np.all(p[grid >= 50] > 0.5)),
           f"{what}: the decision boundary p(x) = 0.5 should lie between the classes, in (25, 50); p > 0.5 from "
           f"x = {boundary:g} on the grader's grid. The data are separable, so w and b grow without end: what "
           "training must reach is the boundary, not particular weights.")


GRID = np.linspace(0.0, 100.0, 201)


@check("logistic.boundary")
def logistic_boundary(sub):
    """Trained by the grader: Adam lr 0.1, 500 full-batch steps of BCE on the manual's 9 points."""
    model = trained_by_grader(sub, "LogisticRegressionModel", torch.tensor(E7_X).reshape(-1, 1),
                              torch.tensor(E7_Y).reshape(-1, 1), loss="bce", optimizer="Adam", lr=0.1, steps=500)
    p = sub.harness("evaluate")(model=model, inputs=torch.tensor(GRID, dtype=torch.float32).reshape(-1, 1))
    expect_separates(np.asarray(as_array(p), dtype=np.float64).reshape(-1), GRID, "after the grader's training")


@check("logistic.train-logistic")
def logistic_train_logistic(sub):
    """The student's train_logistic on the manual's data, 1000 epochs at lr 0.1: the boundary -b / w."""
    inputs = {"x": E7_X, "y": E7_Y, "epochs": 1000, "lr": 0.1}
    result = sub.function("train_logistic")(x=torch.tensor(E7_X), y=torch.tensor(E7_Y), epochs=1000, lr=0.1)
    wb, losses = training_result(result, "train_logistic(x, y, epochs=1000, lr=0.1)", 1000, inputs)
    expect(bool(losses[-1] < losses[0]), f"the loss should fall; it went {losses[0]:.4g} -> {losses[-1]:.4g}.",
           inputs=inputs)
    w, b = wb
    boundary = -b / w if w > 0 else float("nan")
    observe(f"w = {w:.4g}, b = {b:.4g}: the boundary -b / w = {boundary:.4g}")
    expect(w > 0 and 25 < boundary < 50,
           f"with the returned w = {w:.4g}, b = {b:.4g}, sigmoid(w x + b) should rise through 0.5 between the classes, "
           f"w > 0 and the boundary -b / w in (25, 50); it is {boundary:.4g}. The data are separable, so w and b grow "
           "without end: what training must reach is the boundary, not particular weights.", inputs=inputs)
