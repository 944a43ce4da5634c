"""The grading suite of sparse-autoencoder: one ``@check`` per check in
assignments/sparse-autoencoder/assignment.toml.

Part A grades each preprocessing step on its own, given what the reference's previous step gives,
so one mistake costs one step. Part B grades the autoencoder with the grader's parameters (non-zero
biases included) set into the student's object or passed to ``aeCost``: the forward pass, each loss
term and its gradient, then J and Jgrad, against the reference and against finite differences.
Part C runs the student's ``fit`` on generated patches and measures the cost of the parameters it
leaves behind with the reference, never with a number the student's code reports.
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): what computes answers is in sparse_autoencoder_private.py

from typing import Any, Mapping

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from grader.compare import as_array, describe
from grader.errors import StudentError
from grader.suite import (CheckFailed, check, expect, expect_close, expect_gradients_close, fail, load_private, load_sibling,
                          observe, reference)

ref = reference()   # the reference's answers, recorded with the cases where they can be (grader.oracle)
private = load_private(__file__, "sparse_autoencoder_private")   # what computes answers: never sent to students
cases = load_sibling(__file__, "sparse_autoencoder_cases")

ORDER = ("W1", "W2", "b1", "b2")
# How close a result must be to a known wrong answer to be recognised as that mistake. Loose on
# purpose: it only picks the message; the verdict always comes from the tolerance of the check.
_DIAGNOSIS_RTOL, _DIAGNOSIS_ATOL = 1e-5, 1e-7

# "train.lowers-cost": on 64 generated patches (L_in 256), the reference's cost falls from 2.4-3.3 to
# about 2.06 in 40 epochs at learning rate 0.9 (hidden 8 and 16, several seeds): at least 0.3.
TRAINING = {"n": 64, "epochs": 40, "learning_rate": 0.9, "lambda": 5e-4, "min_drop": 0.2}


def same(actual: Any, candidate: Any) -> bool:
    """Whether ``actual`` is numerically ``candidate`` (loosely: only used to name a mistake)."""
    try:
        actual, candidate = np.asarray(actual, dtype=np.float64), np.asarray(candidate, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return actual.shape == candidate.shape and bool(np.allclose(actual, candidate, rtol=_DIAGNOSIS_RTOL,
                                                                atol=_DIAGNOSIS_ATOL))


def _array(value: Any, what: str, inputs: Mapping[str, Any]) -> np.ndarray:
    found = as_array(value)
    if found is None:
        fail(f"{what} should be a numpy array; it is {describe(value)}.", inputs=inputs)
    return np.asarray(found)


def _scalar(value: Any, what: str, inputs: Mapping[str, Any]) -> Any:
    """One number, as a numpy scalar of the student's dtype (a float32 J is compared as float32)."""
    found = np.asarray(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else as_array(value)
    if found is None or np.size(found) != 1 or np.asarray(found).dtype.kind not in "fiu":
        fail(f"{what} should be one number; it is {describe(value)}.", inputs=inputs)
    found = np.asarray(found)
    return found.reshape(())[()] if found.dtype.kind == "f" else np.float64(found.reshape(())[()])


# --- part A: preprocessing -------------------------------------------------------------------------
def preprocess(sub, method: str, inputs: dict[str, Any]) -> np.ndarray:
    returned = sub.new("ImagePreprocessing").call(method, **{k: _copied(v) for k, v in inputs.items()})
    return _array(returned, f"ImagePreprocessing().{method}(...) (what it returns)", inputs)


def _copied(value: Any) -> Any:
    return value.copy() if isinstance(value, np.ndarray) else value


@check("preprocess.gray")
@given(data=cases.rgb_batches())
def gray_is_the_luminosity(sub, data):
    inputs = {"data": data}
    actual, expected = preprocess(sub, "ToGray", inputs), private.preprocessed("ToGray", data)
    what = f"ToGray(data of shape {data.shape})"
    expect(actual.shape == expected.shape, f"{what} returned shape {actual.shape}; expected (N, H, W) = "
           f"{expected.shape}: one gray value per pixel.", inputs=inputs, actual=actual)
    if same(actual, private.gray_bgr(data)) and not same(actual, expected):
        fail(f"{what}: the weights are applied to the channels in reverse (BGR) order. The last axis is R, G, B: "
             f"Y = 0.2126·data[..., 0] + 0.7152·data[..., 1] + 0.0722·data[..., 2].", inputs=inputs,
             expected=expected, actual=actual)
    expect_close(actual, expected, what=what, inputs=inputs)


@check("preprocess.mean-removal")
@given(data=cases.gray_batches(min_n=2))
def each_image_loses_its_own_mean(sub, data):
    inputs = {"data": data}
    actual, expected = preprocess(sub, "MeanRemoval", inputs), private.preprocessed("MeanRemoval", data)
    what = f"MeanRemoval(data of shape {data.shape})"
    expect(actual.shape == expected.shape, f"{what} returned shape {actual.shape}; expected {expected.shape}.",
           inputs=inputs, actual=actual)
    if same(actual, private.mean_of_all(data)) and not same(actual, expected):
        fail(f"{what}: one mean, of the whole data set, is removed from every image. Remove each image's own "
             f"mean: data - data.mean(axis=(1, 2), keepdims=True).", inputs=inputs, expected=expected, actual=actual)
    means = actual.reshape(len(actual), -1).mean(axis=1)
    zero = 1e-5 * max(1.0, float(np.max(np.abs(data))))
    expect(bool(np.all(np.abs(means) < zero)), f"{what}: the images' means afterwards are {np.round(means, 6)}; "
           f"every image's mean should be 0.", inputs=inputs, expected=expected, actual=actual)
    expect_close(actual, expected, what=what, inputs=inputs)


@check("preprocess.clip")
@given(data=cases.centred_batches(), std_scaler=st.sampled_from([2, 2.5, 3]))
def clipping_is_at_three_sigma(sub, data, std_scaler):
    inputs = {"data": data, "std_scaler": std_scaler}
    actual = preprocess(sub, "ClipStd", inputs)
    expected = private.preprocessed("ClipStd", data, std_scaler)
    sigma = float(np.std(data))
    what = f"ClipStd(data, std_scaler={std_scaler}) (σ of the data = {sigma:.3g})"
    expect(actual.shape == expected.shape, f"{what} returned shape {actual.shape}; expected {expected.shape}.",
           inputs=inputs, actual=actual)
    if same(actual, private.clipped_at(data, std_scaler)) and not same(actual, expected):
        fail(f"{what}: the data is clipped at ±{std_scaler}, not at ±{std_scaler}σ = ±{std_scaler * sigma:.3g}. "
             f"σ = np.std(data) over all pixels of all images.", inputs=inputs, expected=expected, actual=actual)
    bound = std_scaler * sigma
    expect(float(np.max(np.abs(actual))) <= bound * (1 + 1e-6), f"{what}: the largest |value| is "
           f"{np.max(np.abs(actual)):.4g}, beyond {std_scaler}σ = {bound:.4g}.", inputs=inputs,
           expected=expected, actual=actual)
    expect_close(actual, expected, what=what, inputs=inputs)


@check("preprocess.normalize")
@given(data=cases.centred_batches())
def normalize_maps_the_range_increasingly(sub, data):
    clipped = private.preprocessed("ClipStd", data, 3)
    inputs = {"data": clipped, "min_scale": 0.1, "max_scale": 0.9}
    actual, expected = preprocess(sub, "Normalize", inputs), private.preprocessed("Normalize", clipped, 0.1, 0.9)
    what = "Normalize(data, min_scale=0.1, max_scale=0.9)"
    expect(actual.shape == expected.shape, f"{what} returned shape {actual.shape}; expected {expected.shape}.",
           inputs=inputs, actual=actual)
    if same(actual, 1.0 - expected):
        fail(f"{what} inverts the intensities: the output is 1 − the right one, so the brightest pixel comes out "
             f"at 0.1 and the darkest at 0.9. The range [0.1, 0.9] is right, which is why printing min and max "
             f"does not show it; the names of min and max are probably swapped. Use (data − data.min()) / "
             f"(data.max() − data.min()) · (max_scale − min_scale) + min_scale.", inputs=inputs,
             expected=expected, actual=actual)
    low, high = float(actual.min()), float(actual.max())
    expect(abs(low - 0.1) < 1e-6 and abs(high - 0.9) < 1e-6, f"{what} gives values from {low:.6g} to {high:.6g}; "
           f"expected exactly 0.1 to 0.9.", inputs=inputs, expected=expected, actual=actual)
    order = np.argsort(clipped.reshape(-1), kind="stable")
    steps = np.diff(actual.reshape(-1)[order])
    expect(bool(np.all(steps >= -1e-9)), f"{what} is not increasing in its input: a brighter pixel must stay "
           f"brighter.", inputs=inputs, expected=expected, actual=actual)
    expect_close(actual, expected, what=what, inputs=inputs)


# --- part B: the autoencoder -----------------------------------------------------------------------
def _canonical(key: Any) -> str | None:
    """W1, W2, b1, b2 from what a student calls them: W1 / w1 / dW1, B1 / b1 / db1 / dB1."""
    text = str(key)
    for name in ORDER:
        if text.lower() in (name.lower(), "d" + name.lower()):
            return name
    return None


def as_parameters(value: Any, what: str, inputs: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A dict of W1, W2, b1, b2 (student's keys read case-insensitively, a leading d allowed), or a
    sequence of four in that order."""
    if isinstance(value, dict):
        found = {_canonical(k): v for k, v in value.items() if _canonical(k)}
        missing = [k for k in ORDER if k not in found]
        if missing:
            fail(f"{what} should have the keys W1, W2, b1, b2 (as We has them); it has {sorted(map(str, value))}.",
                 inputs=inputs)
        return found
    if isinstance(value, (tuple, list)) and len(value) == 4:
        return dict(zip(ORDER, value))
    fail(f"{what} should be a dict with the keys W1, W2, b1, b2; it is {describe(value)}.", inputs=inputs)


def student_keys(sub) -> dict[str, Any]:
    """How the student's own Autoencoder names W1, W2, b1, b2 in W_e (B1, dict order...), so that the
    grader's parameters are set under the names the student's code reads; the canonical names when
    that cannot be found out."""
    try:
        own = sub.new("Autoencoder", input_size=4, hidden_size=2, lambd=0.0).get("W_e")
    except StudentError:
        own = None
    if isinstance(own, dict):
        keys = {_canonical(k): k for k in own if _canonical(k)}
        if set(keys) == set(ORDER):
            return keys
    return {name: name for name in ORDER}


def in_their_keys(sub, we: Mapping[str, np.ndarray]) -> dict[Any, np.ndarray]:
    return {their: we[ours].copy() for ours, their in student_keys(sub).items()}


def autoencoder_holding(sub, we: Mapping[str, np.ndarray], lambd: float = 0.0):
    l_in, l_hid = we["W1"].shape
    ae = sub.new("Autoencoder", input_size=l_in, hidden_size=l_hid, lambd=lambd)
    ae.set("W_e", in_their_keys(sub, we))
    return ae


@check("init.shapes")
@given(l_in=st.integers(2, 64), l_hid=st.integers(1, 16))
def init_has_shapes_bounds_and_zero_biases(sub, l_in, l_hid):
    we, what = initial(sub, l_in, l_hid)
    bound = np.sqrt(6.0 / (l_in + l_hid))
    shapes = {"W1": [(l_in, l_hid)], "W2": [(l_hid, l_in)], "b1": [(1, l_hid), (l_hid,)], "b2": [(1, l_in), (l_in,)]}
    for name, allowed in shapes.items():
        expect(we[name].shape in allowed, f"{what}: {name} has shape {we[name].shape}; expected {allowed[0]}.")
    for name in ("b1", "b2"):
        expect(not we[name].any(), f"{what}: {name} should start at zero; it has {np.count_nonzero(we[name])} "
               f"non-zero entries.")
    for name in ("W1", "W2"):
        largest = float(np.max(np.abs(we[name])))
        expect(largest <= bound * (1 + 1e-6), f"{what}: {name} has an entry of size {largest:.4g}, beyond the bound "
               f"sqrt(6 / (L_in + L_hid)) = {bound:.4g}. (6 / sqrt(L_in + L_hid) is a misprint of that formula.)")


def initial(sub, l_in: int, l_hid: int) -> tuple[dict[str, np.ndarray], str]:
    """What InitParams(l_in, l_hid) returns (or, returning nothing, leaves in W_e), as float arrays."""
    what = f"InitParams(input_size={l_in}, hidden_size={l_hid})"
    ae = sub.new("Autoencoder", input_size=l_in, hidden_size=l_hid, lambd=0.0)
    returned = ae.call("InitParams", input_size=l_in, hidden_size=l_hid)
    if returned is None:
        returned, what = ae.get("W_e"), what + " (left in W_e)"
    found = as_parameters(returned, what)
    return {name: _array(value, f"{name} of {what}", {}).astype(np.float64) for name, value in found.items()}, what


@check("init.random")
@given(l_in=st.integers(2, 64), l_hid=st.integers(2, 16))
def init_draws_distinct_weights(sub, l_in, l_hid):
    we, what = initial(sub, l_in, l_hid)
    for name in ("W1", "W2"):
        if we[name].ndim != 2:
            return   # init.shapes says so
        expect(we[name].any(), f"{what}: {name} is all zeros. Every hidden unit then computes the same thing and "
               f"gets the same gradient, so they never become different: draw the weights at random, uniform on "
               f"±sqrt(6 / (L_in + L_hid)).")
        expect(np.ptp(we[name]) > 0, f"{what}: every entry of {name} is {we[name].flat[0]:.4g}: hidden units that "
               f"start alike stay alike. Draw the weights at random.")
    if we["W1"].shape == (l_in, l_hid):
        columns = we["W1"].T
        alike = [(i, j) for i in range(l_hid) for j in range(i + 1, l_hid) if np.array_equal(columns[i], columns[j])]
        expect(not alike, f"{what}: hidden units {alike[0] if alike else ''} start with the same weights (columns "
               f"of W1). Draw every weight on its own.")


@check("forward.values")
@given(we=cases.weights(), n=st.integers(1, 8), seed=st.integers(0, 2 ** 16))
def forward_matches_the_reference(sub, we, n, seed):
    data = cases.inputs_for(we, n, seed)
    inputs = {**we, "X": data}
    returned = autoencoder_holding(sub, we).call("forward", X=data.copy())
    what = f"forward(X of shape {data.shape}) with the grader's W1, W2, b1, b2"
    if isinstance(returned, dict):
        found = {str(k).upper(): v for k, v in returned.items()}
    elif isinstance(returned, (tuple, list)) and len(returned) == 4:
        found = dict(zip(("Z1", "A1", "Z2", "A2"), returned))
    else:
        found = {}
    if not {"A1", "A2"} <= set(found):
        fail(f"{what} should return a dict with Z1, A1, Z2, A2; it returned {describe(returned)}.", inputs=inputs)
    expected = private.forward(we, data)
    for key in ("A1", "A2"):
        expect_close(found[key], expected[key], what=f"{key} of {what}", inputs=inputs)


# --- the loss terms --------------------------------------------------------------------------------
@check("loss.mse")
@given(drawn=cases.predictions())
def mse_value_and_gradient(sub, drawn):
    pred, label = drawn
    inputs = {"pred": pred, "label": label}
    value = _scalar(sub.function("MSE")(pred=pred.copy(), label=label.copy(), grad=False), "MSE(pred, label)", inputs)
    expect_close(value, ref.MSE(pred, label), what=f"MSE(pred, label) for N = {len(pred)} rows "
                 f"(1/(2N) Σ (pred − label)²)", inputs=inputs)
    grad = _array(sub.function("MSE")(pred=pred.copy(), label=label.copy(), grad=True), "MSE(..., grad=True)", inputs)
    expected = ref.MSE(pred, label, grad=True)
    what = "MSE(pred, label, grad=True), the derivative with respect to pred"
    if same(grad, 0.5 * expected):
        fail(f"{what} is half the right one: the ½ of the value and the 2 of the square's derivative cancel, "
             f"so the gradient is (pred − label) / N, not ½ (pred − label) / N.", inputs=inputs,
             expected=expected, actual=grad)
    if same(grad, expected * len(pred)) and len(pred) > 1:
        fail(f"{what} is N = {len(pred)} times the right one: the value is averaged over the N rows, and so is "
             f"its gradient, (pred − label) / N.", inputs=inputs, expected=expected, actual=grad)
    expect_close(grad, expected, what=what, inputs=inputs)


def _pair(returned: Any, what: str, inputs: Mapping[str, Any]) -> tuple[Any, Any]:
    if isinstance(returned, dict):
        found = {_canonical(k): v for k, v in returned.items()}
        if {"W1", "W2"} <= set(found):
            return found["W1"], found["W2"]
    if isinstance(returned, (tuple, list)) and len(returned) == 2:
        return returned[0], returned[1]
    fail(f"{what} should return {{'dW1': ..., 'dW2': ...}}; it returned {describe(returned)}.", inputs=inputs)


@check("loss.tikhonov")
@given(we=cases.weights(), lambd=st.sampled_from([1e-4, 5e-4, 1e-2, 0.3]))
def tikhonov_value_and_gradient(sub, we, lambd):
    W1, W2 = we["W1"], we["W2"]
    inputs = {"W1": W1, "W2": W2, "lambd": lambd}
    call = sub.function("TykhonowRegularization")
    value = _scalar(call(W1=W1.copy(), W2=W2.copy(), lambd=lambd, grad=False), "TykhonowRegularization(...)", inputs)
    expected = ref.TykhonowRegularization(W1, W2, lambd)
    what = f"TykhonowRegularization(W1, W2, lambd={lambd})"
    if same(value, 2 * expected):
        fail(f"{what} = {value:.6g} is λ(ΣW1² + ΣW2²), twice the term of the cost: it is (λ/2)(ΣW1² + ΣW2²) "
             f"(Keras's l2(λ) has no ½; this cost has).", inputs=inputs, expected=expected, actual=value)
    expect_close(value, expected, what=what, inputs=inputs)
    dW1, dW2 = _pair(call(W1=W1.copy(), W2=W2.copy(), lambd=lambd, grad=True), what + " with grad=True", inputs)
    right = ref.TykhonowRegularization(W1, W2, lambd, grad=True)
    expect_close(dW1, right["dW1"], what=f"dW1 of {what} with grad=True (λ W1)", inputs=inputs)
    expect_close(dW2, right["dW2"], what=f"dW2 of {what} with grad=True (λ W2)", inputs=inputs)


@check("loss.kl")
@given(A1=cases.activations(), rho=st.sampled_from([0.05, 0.1, 0.3]), beta=st.sampled_from([0.1, 1.0, 3.0]))
def kl_value_and_gradient(sub, A1, rho, beta):
    inputs = {"rho": rho, "beta": beta, "A1": A1}
    call = sub.function("KL_divergence")
    what = f"KL_divergence(rho={rho}, beta={beta}, A1 of shape {A1.shape})"
    value = _scalar(call(rho=rho, beta=beta, A1=A1.copy(), grad=False), what, inputs)
    expected = ref.KL_divergence(rho, beta, A1)
    grad = _array(call(rho=rho, beta=beta, A1=A1.copy(), grad=True), what + " with grad=True", inputs)
    hard_coded = (f" The gradient has {grad.shape[0]} rows for N = {A1.shape[0]} samples: N is hard-coded; "
                  f"take it from A1.shape[0].") if grad.ndim == 2 and grad.shape[0] != A1.shape[0] else ""
    if A1.shape[1] > 1 and same(value, private.kl_scalar(rho, beta, A1)) and not same(value, expected):
        fail(f"{what} = {value:.6g} uses one ρ̂, the mean of all of A1, for every hidden unit. Sparsity is per "
             f"unit: ρ̂_b = A1.mean(axis=0), one mean per hidden unit over the samples, and the term is "
             f"β Σ_b KL(ρ ‖ ρ̂_b).{hard_coded}", inputs=inputs, expected=expected, actual=value)
    expect_close(value, expected, what=what, inputs=inputs)
    right = ref.KL_divergence(rho, beta, A1, grad=True)
    expect(not hard_coded, f"{what} with grad=True:{hard_coded}", inputs=inputs)
    if same(grad, -right):
        fail(f"{what} with grad=True has the wrong sign: d/dρ̂ KL(ρ ‖ ρ̂) = −ρ/ρ̂ + (1 − ρ)/(1 − ρ̂).",
             inputs=inputs, expected=right, actual=grad)
    if same(grad, right * A1.shape[0]):
        fail(f"{what} with grad=True is N = {A1.shape[0]} times the right one: ρ̂_b is a mean over the N "
             f"samples, so each sample's share of the gradient is (β/N)(−ρ/ρ̂_b + (1 − ρ)/(1 − ρ̂_b)).",
             inputs=inputs, expected=right, actual=grad)
    expect_close(grad, right, what=f"{what} with grad=True, the derivative with respect to A1", inputs=inputs)


# --- aeCost ----------------------------------------------------------------------------------------
GRADIENT_MISTAKES = {
    "lambda-over-n": "the Tikhonov gradient λW is divided by N with the data term: its gradient is λW, added "
                     "after the data term's average, not λW/N.",
    "half-mse": "the data term's gradient is halved: the derivative of 1/(2N) Σ(A2 − X)² with respect to A2 is "
                "(A2 − X)/N, the ½ cancels with the square's 2.",
    "biases-regularised": "the biases are regularised too: the Tikhonov term has the weights only, so the bias "
                          "gradients have no λ b.",
}


def student_cost(sub, we, data, params, gradients: bool = True) -> tuple[Any, dict[str, Any], dict[str, Any], str]:
    """(J, Jgrad by W1/W2/b1/b2, the inputs to show, what) of the student's aeCost; without
    ``gradients``, Jgrad is not read (None)."""
    inputs = {"We": we, "data": data, "params": {k: params[k] for k in ("L_in", "L_hid", "lambda", "beta", "rho")}}
    l_in, l_hid = we["W1"].shape
    what = (f"aeCost(We, data of shape {data.shape}, params) with L_in={l_in}, L_hid={l_hid}, "
            f"λ={params['lambda']}, β={params['beta']}, ρ={params['rho']}")
    returned = sub.function("aeCost")(We=in_their_keys(sub, we), data=data.copy(), params=dict(params))
    if not (isinstance(returned, (tuple, list)) and len(returned) == 2):
        if isinstance(returned, dict) and {"J", "J_grad"} <= set(returned):
            returned = (returned["J"], returned["J_grad"])
        else:
            fail(f"{what} should return (J, Jgrad); it returned {describe(returned)}.", inputs=inputs)
    J = _scalar(returned[0], f"J from {what}", inputs)
    grad = returned[1]
    if not gradients:
        return J, {}, inputs, what
    if isinstance(grad, (tuple, list)) and len(grad) == 4:
        shapes = [tuple(np.shape(g)) for g in grad]
        wanted = [we[k].shape for k in ORDER]
        if shapes != wanted and sorted(shapes) == sorted(wanted):
            fail(f"{what} returns Jgrad in another order than We: its shapes are {shapes}, We's are {wanted} "
                 f"(W1, W2, b1, b2). A solver that steps We[k] -= lr · Jgrad[k] must find each gradient where its "
                 f"parameter is.", inputs=inputs)
    found = as_parameters(grad, f"Jgrad from {what}", inputs)
    for name in ORDER:
        array = as_array(found[name])
        if array is not None and array.shape != we[name].shape and array.size == we[name].size:
            found[name] = np.reshape(array, we[name].shape)   # b1 as (L_hid,) is fine
    return J, found, inputs, what


def expect_jgrad(actual, expected, names, we, data, params, what, inputs, mistakes=True) -> None:
    wrongs = private.gradient_mistakes(we, data, params) if mistakes else {}
    try:
        expect_gradients_close({n: actual[n] for n in names}, {n: expected[n] for n in names}, what=what,
                               inputs=inputs)
    except CheckFailed as failed:
        for mistake, cause in GRADIENT_MISTAKES.items():
            if mistake in wrongs and all(same(actual[n], wrongs[mistake][n]) for n in names):
                fail(f"{failed.message}\nThese are the gradients of an aeCost in which {cause}", inputs=inputs)
        raise


@check("aecost.value")
@given(drawn=cases.cost_cases())
def cost_value_matches(sub, drawn):
    we, data, params = drawn
    J, _, inputs, what = student_cost(sub, we, data, params, gradients=False)
    expected, _ = ref.aeCost(we, data, params)
    with_biases = expected + 0.5 * params["lambda"] * (np.sum(we["b1"] ** 2) + np.sum(we["b2"] ** 2))
    if same(J, with_biases) and not same(J, expected):
        fail(f"J from {what} is {J:.8g}: the Tikhonov term includes the biases. It is (λ/2)(ΣW1² + ΣW2²), the "
             f"weights only.", inputs=inputs, expected=expected, actual=J)
    expect_close(J, expected, what=f"J from {what}", inputs=inputs)


@check("aecost.gradient")
@given(drawn=cases.cost_cases())
def weight_gradients_match(sub, drawn):
    we, data, params = drawn
    _, grad, inputs, what = student_cost(sub, we, data, params)
    _, expected = ref.aeCost(we, data, params)
    expect_jgrad(grad, expected, ("W1", "W2"), we, data, params, f"dJ/dW1 and dJ/dW2 from {what}", inputs)


@check("aecost.bias-gradients")
@given(drawn=cases.cost_cases())
def bias_gradients_match(sub, drawn):
    we, data, params = drawn
    _, grad, inputs, what = student_cost(sub, we, data, params)
    _, expected = ref.aeCost(we, data, params)
    expect_jgrad(grad, expected, ("b1", "b2"), we, data, params, f"dJ/db1 and dJ/db2 from {what}", inputs)


@check("aecost.finite-differences")
@given(seed=st.integers(0, 2 ** 16))
def gradients_match_finite_differences(sub, seed):
    rng = np.random.default_rng(seed)
    l_in, l_hid, n = 16, 5, 20
    bound = np.sqrt(6 / (l_in + l_hid))
    we = {"W1": rng.uniform(-bound, bound, (l_in, l_hid)), "W2": rng.uniform(-bound, bound, (l_hid, l_in)),
          "b1": rng.normal(0, 0.3, (1, l_hid)), "b2": rng.normal(0, 0.3, (1, l_in))}
    data = rng.uniform(0.1, 0.9, (n, l_in))
    params = cases.params_for(we, {"lambda": 5e-4, "beta": 0.1, "rho": 0.05})
    _, grad, inputs, what = student_cost(sub, we, data, params)
    expected = private.finite_differences(we, data, params)
    expect_jgrad(grad, expected, ORDER, we, data, params,
                 f"Jgrad from {what} and central finite differences of J (float64)", inputs)


# --- part C: training ------------------------------------------------------------------------------
@check("train.lowers-cost")
@given(l_hid=st.sampled_from([8, 16]), seed=st.integers(0, 2 ** 16))
def fit_lowers_the_cost(sub, l_hid, seed):
    gray = private.preprocessed("ToGray", cases.channels_last(cases.patches(seed, TRAINING["n"])))
    data = private.training_data(gray)
    rng = np.random.default_rng(seed)
    bound = np.sqrt(6 / (256 + l_hid))
    start = {"W1": rng.uniform(-bound, bound, (256, l_hid)), "W2": rng.uniform(-bound, bound, (l_hid, 256)),
             "b1": np.zeros((1, l_hid)), "b2": np.zeros((1, 256))}
    params = cases.params_for(start, {"lambda": TRAINING["lambda"], "beta": 0.1, "rho": 0.05})
    ae = autoencoder_holding(sub, start, lambd=TRAINING["lambda"])
    if ae.has("learning_rate"):
        ae.set("learning_rate", TRAINING["learning_rate"])
    ae.call("fit", data=data.copy(), epochs=TRAINING["epochs"])
    trained = {k: np.asarray(as_array(v), dtype=np.float64) if as_array(v) is not None else v
               for k, v in as_parameters(ae.get("W_e"), "W_e after fit").items()}
    wrong = [k for k in ORDER if not isinstance(trained[k], np.ndarray) or trained[k].size != start[k].size]
    expect(not wrong, f"After fit, W_e's {', '.join(wrong)} no longer have the sizes they started with.")
    trained = {k: trained[k].reshape(start[k].shape) for k in ORDER}
    before, _ = ref.aeCost(start, data, params)
    after, _ = ref.aeCost(trained, data, params)
    what = (f"fit(data, epochs={TRAINING['epochs']}) on {TRAINING['n']} generated 16×16 patches (L_in=256, "
            f"L_hid={l_hid}, λ={TRAINING['lambda']}, β=0.1, ρ=0.05, learning rate {TRAINING['learning_rate']})")
    observe(f"L_hid={l_hid}: J {before:.4g} → {after:.4g} after {what}; measured by the grader with the reference's "
            f"cost on the W_e your fit left")
    if same(after, before):
        fail(f"After {what}, W_e is where it started (J = {before:.4g}): the updates never reach self.W_e. "
             f"`W = W - lr * dW` on a loop variable makes a new array; write it back (self.W_e[k] = ...).")
    expect(np.isfinite(after) and after <= before - TRAINING["min_drop"], f"After {what}, the cost of the weights "
           f"your fit left, measured by the grader, went from {before:.4g} to {after:.4g}; the reference lowers it by "
           f"at least 0.3 in these epochs (a drop of {TRAINING['min_drop']} is asked for).")
