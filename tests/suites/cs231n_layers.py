"""The grading suite of cs231n-layers: one ``@check`` per check in assignments/cs231n-layers/assignment.toml.

Forward passes are compared with the reference. Backward passes are graded the way the notebook
uses them: the grader calls the student's own forward, hands the cache it returned (plain data, or
a handle to what stays in the worker) back to the student's own backward unchanged, and compares
the gradients with the reference's at the same inputs. So any cache layout is fine. Where a wrong
answer has a well-known cause (`=` for `+=` in max-pool backward, an uncropped dx, a flipped kernel,
gamma (1, C, 1, 1) indexed as if it were (C,), ...) the check recognises it and names it.
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): what computes answers is in cs231n_layers_private.py

from typing import Any, Mapping

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from grader.compare import describe
from grader.errors import StudentCodeRaised
from grader.suite import (check, expect, expect_close, expect_gradients_close, expect_inputs_unchanged, fail,
                          load_private, load_sibling, options)

cases = load_sibling(__file__, "cs231n_layers_strategies")
private = load_private(__file__, "cs231n_layers_private")   # what computes answers: never sent to students

Inputs = Mapping[str, Any]


# --- shared expectations ---------------------------------------------------------------------------
def as_array(value: Any, what: str, inputs: Inputs | None = None) -> np.ndarray:
    """The student's result as a numeric array; anything else fails the check and says what it was."""
    if isinstance(value, (np.ndarray, np.generic, int, float)):
        array = np.asarray(value)
        if np.issubdtype(array.dtype, np.number):
            return array
    fail(f"{what} should be a numeric numpy array; it is {describe(value)}.", inputs=inputs)
    raise AssertionError("unreachable: fail() raises")


def parts(result: Any, count: int, names: str, what: str, inputs: Inputs | None = None) -> tuple[Any, ...]:
    """The ``count`` values of a tuple the API returns (``names`` says which, for the message)."""
    if isinstance(result, (tuple, list)) and len(result) == count:
        return tuple(result)
    fail(f"{what} should return {names}; it returned {describe(result)}.", inputs=inputs)
    raise AssertionError("unreachable: fail() raises")


def expect_shape(actual: np.ndarray, shape: tuple[int, ...], what: str, inputs: Inputs | None, why: str = "") -> None:
    expect(actual.shape == tuple(shape), f"{what} has shape {actual.shape}; expected {tuple(shape)}."
           + (f" {why}" if why else ""), inputs=inputs, actual=actual)


def forward(sub, name: str, what: str, inputs: Inputs) -> tuple[np.ndarray, Any]:
    """The student's (out, cache) for ``inputs``; out must be an array."""
    out, cache = parts(sub.function(name)(**inputs), 2, "a pair (out, cache)", what, inputs)
    return as_array(out, f"out of {what}", inputs), cache


def gradients(result: Any, names: tuple[str, ...], what: str, inputs: Inputs) -> dict[str, Any]:
    """A backward's result as {name: gradient}: one array, or a tuple of len(names) of them."""
    values = (result,) if len(names) == 1 else parts(result, len(names), "(" + ", ".join(names) + ")", what, inputs)
    return {name: value for name, value in zip(names, values)}


def _same(actual: Any, wrong: np.ndarray) -> bool:
    """``actual`` is (about) the known wrong answer: only picks a message; the verdict is expect_close's."""
    actual = np.asarray(actual) if isinstance(actual, (np.ndarray, np.generic, float, int)) else None
    return (actual is not None and actual.shape == np.shape(wrong) and np.issubdtype(actual.dtype, np.number)
            and bool(np.allclose(actual, wrong, rtol=1e-5, atol=1e-6)))


# --- affine ----------------------------------------------------------------------------------------
@check("affine.forward")
@given(case=cases.affine_cases(min_extra_dims=1))
def affine_forward_matches(sub, case):
    what = f"affine_forward(x {case.x.shape}, w {case.w.shape}, b {case.b.shape})"
    expected = private.affine(case.x, case.w, case.b, case.dout)["out"]
    try:
        out, _ = forward(sub, "affine_forward", what, case.inputs())
    except StudentCodeRaised as raised:
        fail(f"{what} raised {raised.exc_type}: {raised.exc_message}. x has shape {case.x.shape} = (N, d1, ..., dk): "
             f"reshape it to (N, D) = {(case.x.shape[0], int(np.prod(case.x.shape[1:])))} before the product "
             f"(x.reshape(x.shape[0], -1)).", inputs=case.inputs())
    expect_shape(out, expected.shape, what, case.inputs(), "out is (N, M): x of shape (N, d1, ..., dk) is reshaped "
                 "to (N, D) before the product (x.reshape(x.shape[0], -1)).")
    expect_close(out, expected, what=what, inputs=case.inputs())


@check("affine.backward")
@given(case=cases.affine_cases())
def affine_backward_matches(sub, case):
    what = f"affine_forward(x {case.x.shape}, ...) then affine_backward(dout, cache)"
    _, cache = forward(sub, "affine_forward", what, case.inputs())
    inputs = {**case.inputs(), "dout": case.dout}
    actual = gradients(sub.function("affine_backward")(dout=case.dout, cache=cache), ("dx", "dw", "db"), what, inputs)
    expected = {k: v for k, v in private.affine(case.x, case.w, case.b, case.dout).items() if k != "out"}
    dx = actual["dx"]
    if case.x.ndim > 2 and isinstance(dx, np.ndarray) and dx.shape == (case.x.shape[0], case.w.shape[0]):
        fail(f"{what}: dx has shape {dx.shape}, the flattened (N, D); it must have the shape of x, {case.x.shape} "
             f"(dx.reshape(x.shape)).", inputs=inputs)
    expect_gradients_close(actual, expected, what=f"The gradients of {what}", inputs=inputs)


# --- relu ------------------------------------------------------------------------------------------
@check("relu.forward")
@given(case=cases.relu_cases())
def relu_forward_matches(sub, case):
    what = f"relu_forward(x {case.x.shape})"
    out, _ = forward(sub, "relu_forward", what, {"x": case.x})
    expected = private.relu(case.x, case.dout)["out"]
    expect_shape(out, expected.shape, what, {"x": case.x}, "ReLU is elementwise: out has the shape of x.")
    expect_close(out, expected, what=what, inputs={"x": case.x})


@check("relu.backward")
@given(case=cases.relu_cases())
def relu_backward_matches(sub, case):
    what = f"relu_forward(x {case.x.shape}) then relu_backward(dout, cache)"
    inputs = {"x": case.x, "dout": case.dout}
    _, cache = forward(sub, "relu_forward", what, {"x": case.x})
    dx = sub.function("relu_backward")(dout=case.dout, cache=cache)
    expected = private.relu(case.x, case.dout)["dx"]
    if _same(dx, np.where(case.x >= 0, case.dout, 0.0)) and not _same(dx, expected):
        fail(f"{what}: the gradient is passed where x == 0 too. ReLU's gradient is 0 where x <= 0 "
             f"(dout * (x > 0)).", inputs=inputs, expected=expected, actual=dx)
    expect_gradients_close({"dx": dx}, {"dx": expected}, what=f"The gradient of {what}", inputs=inputs)


# --- convolution -----------------------------------------------------------------------------------
def _conv(case) -> dict[str, Any]:
    return private.conv(case.x, case.w, case.b, case.stride, case.pad, case.dout)


def expect_conv_forward(sub, case, what: str) -> None:
    answers = _conv(case)
    out, _ = forward(sub, "conv_forward_naive", what, case.inputs())
    expect_shape(out, answers["out"].shape, what, case.inputs(),
                 "out is (N, F, H', W') with H' = 1 + (H + 2 * pad - HH) // stride, W' likewise.")
    if _same(out, answers["flipped"]) and not _same(out, answers["out"]):
        fail(f"{what}: the filter is flipped (true convolution). The layer computes out[n, f, i, j] = "
             f"sum of x_pad[n, :, i*stride + u, j*stride + v] * w[f, :, u, v] + b[f], with no flip.",
             inputs=case.inputs(), expected=answers["out"], actual=out)
    expect_close(out, answers["out"], what=what, inputs=case.inputs())


@check("conv.forward")
@given(case=cases.conv_cases())
def conv_forward_matches(sub, case):
    expect_conv_forward(sub, case, case.label())


@check("conv.backward")
@given(case=cases.conv_cases())
def conv_backward_matches(sub, case):
    what = case.label() + " then conv_backward_naive(dout, cache)"
    inputs = {**case.inputs(), "dout": case.dout}
    _, cache = forward(sub, "conv_forward_naive", what, case.inputs())
    actual = gradients(sub.function("conv_backward_naive")(dout=case.dout, cache=cache), ("dx", "dw", "db"),
                       what, inputs)
    expected = {k: v for k, v in _conv(case).items() if k in ("dx", "dw", "db")}
    n, c, h, w = case.x.shape
    padded = (n, c, h + 2 * case.pad, w + 2 * case.pad)
    if case.pad and isinstance(actual["dx"], np.ndarray) and actual["dx"].shape == padded:
        fail(f"{what}: dx has shape {padded}, the padded input's; crop the padding off "
             f"(dx_pad[:, :, pad:-pad, pad:-pad]) so that dx has the shape of x, {case.x.shape}.", inputs=inputs)
    expect_gradients_close(actual, expected, what=f"The gradients of {what}", inputs=inputs)


@check("conv.regression")
def conv_forward_catalog_case(sub):
    case = cases.catalog_conv_case()
    expect_conv_forward(sub, case, "conv_forward_naive on the notebook's test case (x = linspace(-0.1, 0.5), "
                                   "w = linspace(-0.2, 0.3), stride 2, pad 1)")


# --- max pooling -----------------------------------------------------------------------------------
def _pool(case) -> dict[str, Any]:
    return private.pool(case.x, case.pool_height, case.pool_width, case.stride, case.dout)


def expect_pool_forward(sub, case, what: str) -> None:
    expected = _pool(case)["out"]
    out, _ = forward(sub, "max_pool_forward_naive", what, case.inputs())
    expect_shape(out, expected.shape, what, case.inputs(),
                 "out is (N, C, H', W') with H' = 1 + (H - pool_height) // stride, W' likewise.")
    expect_close(out, expected, what=what, inputs=case.inputs())


@check("max-pool.forward")
@given(case=cases.pool_cases())
def max_pool_forward_matches(sub, case):
    expect_pool_forward(sub, case, case.label())


@check("max-pool.backward")
@given(case=st.one_of(cases.pool_cases(overlapping=True), cases.pool_cases()))
def max_pool_backward_matches(sub, case):
    what = case.label() + " then max_pool_backward_naive(dout, cache)"
    inputs = {**case.inputs(), "dout": case.dout}
    _, cache = forward(sub, "max_pool_forward_naive", what, case.inputs())
    dx = sub.function("max_pool_backward_naive")(dout=case.dout, cache=cache)
    answers = _pool(case)
    if case.overlapping() and _same(dx, answers["assigned"]) and not _same(dx, answers["dx"]):
        fail(f"{what}: the windows overlap (stride {case.stride} < pool {max(case.pool_height, case.pool_width)}): "
             f"the gradients of overlapping windows that share a maximum must be added (dx[...] += dout[...]), "
             f"not assigned (=), which keeps only the last window's.", inputs=inputs, expected=answers["dx"],
             actual=dx)
    expect_gradients_close({"dx": dx}, {"dx": answers["dx"]}, what=f"The gradient of {what}", inputs=inputs)


@check("max-pool.regression")
def max_pool_catalog_case(sub):
    expect_pool_forward(sub, cases.catalog_pool_case(), "max_pool_forward_naive on the notebook's test case "
                                                        "(x = linspace(-0.3, 0.4), 2x2 pool, stride 2)")


# --- batch normalisation ---------------------------------------------------------------------------
def _bn(case, spatial: bool = False) -> dict[str, Any]:
    return private.batchnorm(case.x, case.gamma, case.beta, case.eps, case.momentum, case.running_mean,
                             case.running_var, case.dout, spatial)


def _bn_inputs(case, mode: str) -> dict[str, Any]:
    return {"x": case.x, "gamma": case.gamma, "beta": case.beta, "bn_param": case.bn_param(mode)}


def expect_train_forward(sub, case, name: str) -> None:
    inputs = _bn_inputs(case, "train")
    what = f"{name}(x {case.x.shape}, gamma, beta, bn_param with mode 'train', eps={case.eps}, momentum={case.momentum})"
    result, after = sub.call_keeping_inputs(name, **inputs)
    out, _ = parts(result, 2, "a pair (out, cache)", what, inputs)
    answers = _bn(case, spatial=name.startswith("spatial"))
    out = as_array(out, f"out of {what}", inputs)
    expect_shape(out, case.x.shape, what, inputs, "Normalisation keeps the shape of x.")
    expect_close(out, answers["out"], what=what, inputs=inputs)
    param = after.get("bn_param")
    if not isinstance(param, dict) or "running_mean" not in param or "running_var" not in param:
        fail(f"{what}: bn_param should still hold 'running_mean' and 'running_var' after the call; it is "
             f"{describe(param)}.", inputs=inputs)
    for key, swapped, why in (("running_mean", answers["swapped_mean"], "the momentum weighs the batch's mean and "
                               "(1 - momentum) the running one; it is the other way round: "
                               "running = momentum * running + (1 - momentum) * batch."),
                              ("running_var", answers["unbiased_var"], "it is updated with the unbiased variance "
                               "(ddof=1) while the batch is normalised with the biased one; use the same biased "
                               "variance (x.var(axis=0)) in both.")):
        if _same(param[key], swapped) and not _same(param[key], answers[key]):
            fail(f"{what}: bn_param['{key}'] after the call is wrong: {why}", inputs=inputs,
                 expected=answers[key], actual=param[key])
        expect_close(param[key], answers[key], what=f"bn_param['{key}'] after {what}", inputs=inputs)


@check("batchnorm.train-forward")
@given(case=cases.batchnorm_cases())
def batchnorm_train_forward_matches(sub, case):
    expect_train_forward(sub, case, "batchnorm_forward")


@check("batchnorm.test-mode")
@given(case=cases.batchnorm_cases())
def batchnorm_test_mode_uses_running_averages(sub, case):
    inputs = _bn_inputs(case, "test")
    what = f"batchnorm_forward(x {case.x.shape}, gamma, beta, bn_param with mode 'test')"
    out, _ = forward(sub, "batchnorm_forward", what, inputs)
    answers = _bn(case)
    if _same(out, answers["out"]) and not _same(out, answers["test_out"]):
        fail(f"{what}: the output is normalised with the batch's own mean and variance; in 'test' mode use "
             f"bn_param's running_mean and running_var.", inputs=inputs, expected=answers["test_out"], actual=out)
    expect_close(out, answers["test_out"], what=what, inputs=inputs)


def expect_norm_backward(sub, case, name: str, answers: dict[str, Any], inputs: dict[str, Any], what: str) -> None:
    _, cache = forward(sub, name.replace("backward", "forward"), what, inputs)
    actual = gradients(sub.function(name)(dout=case.dout, cache=cache), ("dx", "dgamma", "dbeta"), what,
                       {**inputs, "dout": case.dout})
    expect_gradients_close(actual, {k: answers[k] for k in ("dx", "dgamma", "dbeta")},
                           what=f"The gradients of {what}", inputs={**inputs, "dout": case.dout})


@check("batchnorm.backward")
@given(case=cases.batchnorm_cases())
def batchnorm_backward_matches(sub, case):
    expect_norm_backward(sub, case, "batchnorm_backward", _bn(case), _bn_inputs(case, "train"),
                         f"batchnorm_forward(x {case.x.shape}, ..., mode 'train') then batchnorm_backward(dout, cache)")


@check("spatial-batchnorm.forward")
@given(case=cases.spatial_cases())
def spatial_batchnorm_forward_matches(sub, case):
    expect_train_forward(sub, case, "spatial_batchnorm_forward")


@check("spatial-batchnorm.backward")
@given(case=cases.spatial_cases())
def spatial_batchnorm_backward_matches(sub, case):
    expect_norm_backward(sub, case, "spatial_batchnorm_backward", _bn(case, spatial=True), _bn_inputs(case, "train"),
                         f"spatial_batchnorm_forward(x {case.x.shape}, ..., mode 'train') then "
                         f"spatial_batchnorm_backward(dout, cache)")


# --- layer normalisation ---------------------------------------------------------------------------
def _ln(case) -> dict[str, Any]:
    return private.layernorm(case.x, case.gamma, case.beta, case.eps, case.dout)


def _ln_inputs(case) -> dict[str, Any]:
    return {"x": case.x, "gamma": case.gamma, "beta": case.beta, "ln_param": {"eps": case.eps}}


@check("layernorm.forward")
@given(case=cases.layernorm_cases())
def layernorm_forward_matches(sub, case):
    what, inputs = f"layernorm_forward(x {case.x.shape}, gamma, beta, {{'eps': {case.eps}}})", _ln_inputs(case)
    out, _ = forward(sub, "layernorm_forward", what, inputs)
    expect_shape(out, case.x.shape, what, inputs, "Normalisation keeps the shape of x.")
    batch = _bn(case)["out"]
    if _same(out, batch) and not _same(out, _ln(case)["out"]):
        fail(f"{what}: each feature is normalised over the batch (axis 0), as batchnorm does; layer norm "
             f"normalises each sample over its features (axis 1).", inputs=inputs, expected=_ln(case)["out"],
             actual=out)
    expect_close(out, _ln(case)["out"], what=what, inputs=inputs)


@check("layernorm.backward")
@given(case=cases.layernorm_cases())
def layernorm_backward_matches(sub, case):
    expect_norm_backward(sub, case, "layernorm_backward", _ln(case), _ln_inputs(case),
                         f"layernorm_forward(x {case.x.shape}, ...) then layernorm_backward(dout, cache)")


# --- group normalisation ---------------------------------------------------------------------------
def _gn(case) -> dict[str, Any]:
    return private.groupnorm(case.x, case.gamma, case.beta, case.G, case.eps, case.dout)


@check("groupnorm.forward")
@given(case=cases.group_cases())
def groupnorm_forward_matches(sub, case):
    what, inputs = case.label(), case.inputs()
    out, _ = forward(sub, "spatial_groupnorm_forward", what, inputs)
    expected = _gn(case)["out"]
    if out.shape != case.x.shape and out.ndim > 4 and out.shape[-4:] == case.x.shape:
        fail(f"{what} returned shape {out.shape}; expected {case.x.shape}, the shape of x. gamma of shape "
             f"{case.gamma.shape} = (1, C, 1, 1) indexed as gamma[None, :, None, None] (as if it were (C,)) "
             f"gains three axes and broadcasts the output to {out.shape}: use gamma and beta as they are "
             f"(gamma * x_hat + beta).", inputs=inputs, actual=out)
    expect_shape(out, case.x.shape, what, inputs, "Group normalisation keeps the shape of x.")
    expect_close(out, expected, what=what, inputs=inputs)


@check("groupnorm.backward")
@given(case=cases.group_cases())
def groupnorm_backward_matches(sub, case):
    what = case.label() + " then spatial_groupnorm_backward(dout, cache)"
    inputs = {**case.inputs(), "dout": case.dout}
    _, cache = forward(sub, "spatial_groupnorm_forward", what, case.inputs())
    actual = gradients(sub.function("spatial_groupnorm_backward")(dout=case.dout, cache=cache),
                       ("dx", "dgamma", "dbeta"), what, inputs)
    c = case.x.shape[1]
    for key in ("dgamma", "dbeta"):
        if isinstance(actual[key], np.ndarray) and actual[key].shape == (c,):
            fail(f"{what}: {key} has shape ({c},); it must have the shape of {key[1:]}, (1, {c}, 1, 1) "
                 f"(sum with keepdims=True over axes (0, 2, 3)).", inputs=inputs)
    answers = _gn(case)
    expect_gradients_close(actual, {k: answers[k] for k in ("dx", "dgamma", "dbeta")},
                           what=f"The gradients of {what}", inputs=inputs)


# --- softmax loss ----------------------------------------------------------------------------------
def expect_softmax_loss(sub, case) -> None:
    inputs = {"x": case.x, "y": case.y}
    what = f"softmax_loss(x {case.x.shape}, y)"
    loss, dx = parts(sub.function("softmax_loss")(**inputs), 2, "a pair (loss, dx)", what, inputs)
    loss = as_array(loss, f"the loss of {what}", inputs)
    expected = private.softmax(case.x, case.y)
    expect(bool(np.all(np.isfinite(loss))), f"{what} returned a loss of {describe(loss)}: exp overflows for large "
           f"scores; subtract each row's maximum before taking exp.", inputs=inputs, actual=loss)
    n = case.x.shape[0]
    if _same(loss, n * expected["loss"]) and not _same(loss, expected["loss"]):
        fail(f"{what}: the loss is the sum over the {n} samples; it is their mean (divide by N, and dx too).",
             inputs=inputs, expected=expected["loss"], actual=loss)
    expect_shape(loss, (), f"the loss of {what}", inputs, "The loss is a scalar.")
    expect_close(loss, expected["loss"], what=f"the loss of {what}", inputs=inputs)
    expect_gradients_close({"x": dx}, {"x": expected["dx"]}, what=f"The gradient dx of {what}", inputs=inputs)


@check("softmax.loss")
@given(case=cases.softmax_cases())
def softmax_loss_matches(sub, case):
    expect_softmax_loss(sub, case)


@check("softmax.stable")
@given(case=cases.softmax_cases(large=True))
def softmax_loss_survives_large_scores(sub, case):
    expect_softmax_loss(sub, case)


@check("svm.loss")
@given(case=cases.softmax_cases())
def svm_loss_matches(sub, case):
    inputs = {"x": case.x, "y": case.y}
    what = f"svm_loss(x {case.x.shape}, y)"
    loss, dx = parts(sub.function("svm_loss")(**inputs), 2, "a pair (loss, dx)", what, inputs)
    loss = as_array(loss, f"the loss of {what}", inputs)
    expected = private.svm(case.x, case.y)
    if _same(loss, expected["with_own_margin"]) and not _same(loss, expected["loss"]):
        fail(f"{what}: the loss is 1 too large: the correct class's own margin, x_y - x_y + 1 = 1, is counted. "
             f"The sum runs over j != y (set margins[range(N), y] = 0).", inputs=inputs,
             expected=expected["loss"], actual=loss)
    expect_shape(loss, (), f"the loss of {what}", inputs, "The loss is a scalar.")
    expect_close(loss, expected["loss"], what=f"the loss of {what}", inputs=inputs)
    expect_gradients_close({"x": dx}, {"x": expected["dx"]}, what=f"The gradient dx of {what}", inputs=inputs)


# --- dropout ---------------------------------------------------------------------------------------
# What dropout_param['p'] means is the course's choice (assignment.toml [options] dropout_p): the
# probability of keeping a unit ("keep", CS231n since 2018) or of dropping one ("drop", 2017).
_CONVENTIONS = {"keep": "the probability of keeping a unit", "drop": "the probability of dropping a unit"}
_DROPOUT_PS = (0.25, 0.6, 0.9)      # not 0.5, where the two meanings of p agree
_FALSE_FAILURE = 1e-9               # a correct dropout fails the statistics check with at most this probability


def _convention() -> str:
    value = options().get("dropout_p", "keep")
    if value not in _CONVENTIONS:
        raise ValueError(f"assignment.toml [options] dropout_p = {value!r}: expected \"keep\" or \"drop\"")
    return value


def _keep(p: float) -> float:
    """The probability of keeping a unit for dropout_param['p'] = p, in the course's convention."""
    return p if _convention() == "keep" else 1.0 - p


def _dropout_x(shape: tuple[int, ...] = (400, 250), seed: int = 2311) -> np.ndarray:
    """Units of magnitude 0.5 to 1.5 and random sign: none is 0, so a 0 in out is a dropped unit."""
    rng = np.random.default_rng(seed)
    return rng.uniform(0.5, 1.5, size=shape) * rng.choice([-1.0, 1.0], size=shape)


def _dropout_label(p: float, mode: str, seed: int, shape: tuple[int, ...]) -> str:
    return f"dropout_forward(x {shape}, {{'p': {p}, 'mode': '{mode}', 'seed': {seed}}})"


def _dropout_out(sub, x: np.ndarray, p: float, mode: str, seed: int) -> tuple[np.ndarray, Any, str, dict]:
    what = _dropout_label(p, mode, seed, x.shape)
    inputs = {"x": x, "dropout_param": {"p": p, "mode": mode, "seed": seed}}
    out, cache = forward(sub, "dropout_forward", what, inputs)
    expect_shape(out, x.shape, what, inputs, "Dropout keeps the shape of x.")
    return out, cache, what, inputs


@check("dropout.train")
def dropout_train_statistics(sub):
    convention = _convention()
    other = "drop" if convention == "keep" else "keep"
    x = _dropout_x()
    n = x.size
    delta = _FALSE_FAILURE / (2 * len(_DROPOUT_PS))      # two bounds per p: the union stays below 1e-9
    # Hoeffding: P(|zeros / n - (1 - q)| >= t) <= 2 exp(-2 n t^2)
    t = float(np.sqrt(np.log(2 / delta) / (2 * n)))
    for k, p in enumerate(_DROPOUT_PS):
        q = _keep(p)
        out, _, what, inputs = _dropout_out(sub, x, p, "train", 100 + k)
        zeros = float(np.mean(out == 0))
        if abs(zeros - (1 - q)) > t:
            if abs(zeros - q) <= t:
                fail(f"{what} dropped {zeros:.2%} of the units: p was used as {_CONVENTIONS[other]} (the convention "
                     f"dropout_p = \"{other}\"). This course's convention is dropout_p = \"{convention}\" (assignment "
                     f"option dropout_p): p is {_CONVENTIONS[convention]}, so {1 - q:.0%} of the units should be dropped.",
                     inputs=inputs)
            fail(f"{what} dropped {zeros:.2%} of the units; with p = {p} ({_CONVENTIONS[convention]}, the course's "
                 f"dropout_p = \"{convention}\") a unit is dropped with probability {1 - q:g}, so the fraction of "
                 f"zeros should be within {t:.4f} of {1 - q:g} (a correct dropout misses this with probability "
                 f"below 1e-9).", inputs=inputs)
        kept = out != 0
        if np.allclose(out[kept], x[kept], rtol=1e-6, atol=0) and q < 1:
            fail(f"{what}: the kept units are x itself; the course's dropout is inverted: divide them by the keep probability "
                 f"({q:g}) in 'train' mode, so that out's expectation is x and 'test' mode needs no scaling.",
                 inputs=inputs)
        expect_close(out[kept], x[kept] / q, what=f"the kept units of {what} (x / {q:g}, inverted dropout)",
                     inputs=inputs)
        # Hoeffding on the sum: out_i lies in an interval of width |x_i| / q around 0, with mean x_i
        s = float(np.sqrt(np.log(2 / delta) / 2 * np.sum(x ** 2)) / q)
        expect(abs(float(out.sum() - x.sum())) <= s,
               f"{what}: the mean of out is {out.mean():.5f} and the mean of x {x.mean():.5f}; inverted "
               f"dropout keeps the mean (they differ by more than {s / n:.5f}, which a correct dropout does "
               f"with probability below 1e-9): each unit is kept with the same probability whatever its value.",
               inputs=inputs)


@check("dropout.test-mode")
def dropout_test_mode_is_the_identity(sub):
    x = _dropout_x((50, 40), seed=7)
    out, _, what, inputs = _dropout_out(sub, x, 0.6, "test", 3)
    if np.any(out == 0):
        fail(f"{what}: {int(np.sum(out == 0))} of the {x.size} units are 0: in 'test' mode dropout does nothing "
             f"(out = x); the mask is drawn only in 'train' mode.", inputs=inputs, expected=x, actual=out)
    expect_close(out, x, what=f"{what}: in 'test' mode out is x (inverted dropout scales in 'train' mode only)",
                 inputs=inputs)


@check("dropout.seed")
def dropout_same_seed_same_mask(sub):
    x = _dropout_x((60, 50), seed=8)
    first, _, what, inputs = _dropout_out(sub, x, 0.6, "train", 42)
    second, _, _, _ = _dropout_out(sub, x, 0.6, "train", 42)
    expect(bool(np.array_equal(first == 0, second == 0)),
           f"{what}, called twice, dropped different units ({int(np.sum((first == 0) != (second == 0)))} of {x.size} "
           f"differ): with dropout_param['seed'] given, seed numpy's generator with it (np.random.seed(seed)) before "
           f"drawing the mask, so that the same seed gives the same mask.", inputs=inputs)


@check("dropout.backward")
def dropout_backward_uses_the_mask(sub):
    x = _dropout_x((80, 60), seed=9)
    dout = np.random.default_rng(10).normal(size=x.shape)
    for k, p in enumerate(_DROPOUT_PS):
        out, cache, what, inputs = _dropout_out(sub, x, p, "train", 200 + k)
        what = f"{what} then dropout_backward(dout, cache)"
        inputs = {**inputs, "dout": dout}
        dx = sub.function("dropout_backward")(dout=dout, cache=cache)
        expected = dout * (out / x)        # the mask and the scale this forward applied
        if isinstance(dx, np.ndarray) and dx.shape == x.shape and np.any((out == 0) & (dx != 0)):
            fail(f"{what}: dx is not 0 where the forward dropped the unit ({int(np.sum((out == 0) & (dx != 0)))} "
                 f"units): a dropped unit has no gradient; dx = dout * mask, with the same scaled mask the forward "
                 f"multiplied x by (keep it in the cache).", inputs=inputs, expected=expected, actual=dx)
        if _same(dx, dout * (out != 0)) and not _same(dx, expected):
            fail(f"{what}: dx is dout where the unit was kept, without the forward's scale 1 / {_keep(p):g}: "
                 f"dx = dout * mask, the same scaled mask the forward multiplied x by.", inputs=inputs,
                 expected=expected, actual=dx)
        expect_gradients_close({"dx": dx}, {"dx": expected},
                               what=f"The gradient of {what} (dout times your forward's mask and scale, out / x)",
                               inputs=inputs)


# --- inputs left alone -----------------------------------------------------------------------------
@check("keep-input.dout")
@given(relu=cases.relu_cases(), affine=cases.affine_cases(max_extra_dims=0), pool=cases.pool_cases(), bn=cases.batchnorm_cases())
def backward_passes_leave_dout_alone(sub, relu, affine, pool, bn):
    fix = "Build a new array (`np.where(x > 0, dout, 0)`, `dout * mask`) or work on a copy (`dx = dout.copy()`)."
    expect_inputs_unchanged(sub, "relu_forward", x=relu.x, fix="Build a new array (`np.maximum(x, 0)`).")
    for name, forward_name, case, inputs in (
            ("relu_backward", "relu_forward", relu, {"x": relu.x}),
            ("affine_backward", "affine_forward", affine, affine.inputs()),
            ("max_pool_backward_naive", "max_pool_forward_naive", pool, pool.inputs()),
            ("batchnorm_backward", "batchnorm_forward", bn, _bn_inputs(bn, "train"))):
        _, cache = forward(sub, forward_name, f"{forward_name} (before {name})", inputs)
        expect_inputs_unchanged(sub, name, fix=fix, dout=case.dout, cache=cache)
