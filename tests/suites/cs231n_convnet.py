"""The grading suite of cs231n-convnet: one ``@check`` per check in assignments/cs231n-convnet/assignment.toml.

The grader builds the student's ThreeLayerConvNet, sets parameters of its own into ``model.params``
and compares what ``loss`` returns with the reference network's, computed here. The network is made of
the student's own layers (cs231n/layers.py, graded by cs231n-layers): where those differ from the
reference, a value is also accepted when it equals the composition of the student's own layer functions,
as they are in cnn.py's namespace, called by this suite in the network's order (conv - relu - pool -
affine - relu - affine - softmax_loss): a wrong layer is charged once, by cs231n-layers, and the report
says so. Training is the grader's own Adam loop driving the student's loss and gradients; the accuracy is
measured by the grader on the parameters it reads back, never taken from the student's code.
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): what computes answers is in cs231n_convnet_private.py

from typing import Any, Mapping

import numpy as np

from grader.compare import describe
from grader.errors import StudentCodeRaised, StudentError
from grader.suite import check, expect, expect_close, expect_gradients_close, fail, load_private, matches, observe

private = load_private(__file__, "cs231n_convnet_private")

KEYS = ("W1", "b1", "W2", "b2", "W3", "b3")
WEIGHTS = ("W1", "W2", "W3")
LAYERS = ("conv_forward_naive", "conv_backward_naive", "relu_forward", "relu_backward", "max_pool_forward_naive",
          "max_pool_backward_naive", "affine_forward", "affine_backward", "softmax_loss")
POOL = {"pool_height": 2, "pool_width": 2, "stride": 2}
SMALL = {"input_dim": (3, 8, 8), "num_filters": 4, "filter_size": 3, "hidden_dim": 10, "num_classes": 5}
OWN_NOTE = ("Your own layers (cs231n/layers.py) differ from the reference's; this check accepted the network "
            "they make, since cs231n-layers grades the layers themselves")


# --- the grader's parameters and data --------------------------------------------------------------
def shapes_for(input_dim, num_filters, filter_size, hidden_dim, num_classes) -> dict[str, tuple[int, ...]]:
    C, H, W = input_dim
    return {"W1": (num_filters, C, filter_size, filter_size), "b1": (num_filters,),
            "W2": (num_filters * (H // 2) * (W // 2), hidden_dim), "b2": (hidden_dim,),
            "W3": (hidden_dim, num_classes), "b3": (num_classes,)}


def grader_params(config: Mapping[str, Any], seed: int, scale: float = 0.3, biases: float = 0.1) -> dict[str, np.ndarray]:
    """Parameters of the shapes ``config`` asks for, weights of about ``scale``, biases not 0."""
    rng = np.random.default_rng(seed)
    params = {}
    for key, shape in shapes_for(**config).items():
        fan_in = int(np.prod(shape[1:])) if key == "W1" else shape[0]
        params[key] = (rng.normal(0, scale / np.sqrt(fan_in) * 3, size=shape) if key.startswith("W")
                       else rng.normal(0, biases, size=shape))
    return params


def images(config: Mapping[str, Any], n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, *config["input_dim"])), rng.integers(0, config["num_classes"], size=n)


# --- the student's network -------------------------------------------------------------------------
def _missing_layers(raised: StudentCodeRaised) -> bool:
    text = f"{raised.exc_type}: {raised.exc_message}"
    return ("cs231n.layers" in text or (raised.exc_type == "NameError" and any(f"'{n}'" in text for n in
                                                                                  (*LAYERS, "conv_relu_pool_forward",
                                                                                   "affine_relu_forward"))))


def student(sub, what: str, call, inputs: Mapping[str, Any] | None = None) -> Any:
    """``call()`` (the student's code), with a clear message when cnn.py cannot find its layers."""
    try:
        return call()
    except StudentCodeRaised as raised:
        notes = " ".join(str(note) for note in getattr(sub, "load_notes", None) or [])
        if "relative import" in notes:
            fail(f"{what} raised {raised.exc_type}: {raised.exc_message}. cnn.py's relative imports "
                 f"(from ..layers import *) did not load, so the layers they bring are not defined: write them as "
                 f"absolute imports, from cs231n.layers import * (and likewise cs231n.fast_layers, "
                 f"cs231n.layer_utils).", inputs=inputs)
        if _missing_layers(raised):
            fail(f"{what} raised {raised.exc_type}: {raised.exc_message}. cnn.py uses the layers of your "
                 f"cs231n/layers.py, which the grader did not find in your submission: submit your course folder (or a "
                 f"zip of it) holding cs231n/layers.py and cs231n/classifiers/cnn.py, not cnn.py alone.", inputs=inputs)
        raise


def model(sub, config: Mapping[str, Any], params: Mapping[str, np.ndarray] | None, reg: float = 0.0,
          weight_scale: float = 1e-3, dtype: str = "float64"):
    """The student's ThreeLayerConvNet for ``config``, holding ``params`` (when given) in model.params. The
    dtype travels as its name ("float64"; a numpy type cannot be sent to the worker): astype accepts it."""
    what = (f"ThreeLayerConvNet(input_dim={config['input_dim']}, num_filters={config['num_filters']}, "
            f"filter_size={config['filter_size']}, hidden_dim={config['hidden_dim']}, "
            f"num_classes={config['num_classes']}, weight_scale={weight_scale}, reg={reg})")
    net = student(sub, what, lambda: sub.new("ThreeLayerConvNet", **config, weight_scale=weight_scale, reg=reg,
                                             dtype=dtype))
    if params is not None:
        net.set("params", {k: np.array(v, dtype=np.float64) for k, v in params.items()})
    return net, what


def as_array(value: Any, what: str, inputs: Mapping[str, Any] | None = None) -> np.ndarray:
    if isinstance(value, (np.ndarray, np.generic, int, float)):
        array = np.asarray(value)
        if np.issubdtype(array.dtype, np.number):
            return array
    fail(f"{what} should be a numeric numpy array; it is {describe(value)}.", inputs=inputs)
    raise AssertionError("unreachable: fail() raises")


def loss_and_grads(sub, net, what: str, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, dict[str, Any]]:
    inputs = {"X": X, "y": y}
    result = student(sub, f"{what}.loss(X, y)", lambda: net.call("loss", X=X.copy(), y=y.copy()), inputs)
    if not (isinstance(result, (tuple, list)) and len(result) == 2 and isinstance(result[1], dict)):
        fail(f"{what}.loss(X, y) should return a pair (loss, grads), grads a dict; it returned {describe(result)}.",
             inputs=inputs)
    value, grads = result
    missing = [k for k in KEYS if k not in grads]
    expect(not missing, f"{what}.loss(X, y): grads has no {', '.join(missing)}; it needs the gradient of every "
           f"parameter (keys {', '.join(KEYS)}).", inputs=inputs)
    return as_array(value, f"the loss of {what}.loss(X, y)", inputs), {k: grads[k] for k in KEYS}


def own_pass(sub, params: Mapping[str, np.ndarray], X: np.ndarray, y: np.ndarray | None = None,
             reg: float = 0.0) -> dict[str, Any] | None:
    """The network composed by the grader from the student's own layer functions (as cnn.py's namespace
    has them); None when they are not all there or one raises."""
    try:
        f = {name: sub.function(name) for name in LAYERS}
        W1, b1, W2, b2, W3, b3 = (params[k] for k in KEYS)
        a1, conv = f["conv_forward_naive"](x=X, w=W1, b=b1, conv_param={"stride": 1, "pad": (W1.shape[2] - 1) // 2})
        r1, relu1 = f["relu_forward"](x=a1)
        p1, pool = f["max_pool_forward_naive"](x=r1, pool_param=dict(POOL))
        a2, fc2 = f["affine_forward"](x=p1, w=W2, b=b2)
        h2, relu2 = f["relu_forward"](x=a2)
        scores, fc3 = f["affine_forward"](x=h2, w=W3, b=b3)
        if y is None:
            return {"scores": np.asarray(scores)}
        value, dscores = f["softmax_loss"](x=scores, y=y)
        dh2, dW3, db3 = f["affine_backward"](dout=dscores, cache=fc3)
        dp1, dW2, db2 = f["affine_backward"](dout=f["relu_backward"](dout=dh2, cache=relu2), cache=fc2)
        da1 = f["relu_backward"](dout=f["max_pool_backward_naive"](dout=dp1, cache=pool), cache=relu1)
        _, dW1, db1 = f["conv_backward_naive"](dout=da1, cache=conv)
    except (StudentError, TypeError, ValueError, KeyError):
        return None
    squares = sum(float(np.sum(params[k] ** 2)) for k in WEIGHTS)
    grads = {"W1": dW1 + reg * params["W1"], "b1": db1, "W2": dW2 + reg * params["W2"], "b2": db2,
             "W3": dW3 + reg * params["W3"], "b3": db3}
    return {"scores": np.asarray(scores), "loss": float(value) + 0.5 * reg * squares, "grads": grads}


def _all_match(actual: Mapping[str, Any], expected: Mapping[str, Any]) -> bool:
    return all(matches(actual.get(k), expected[k]) for k in expected)


def excused_by_own_layers(actual: Mapping[str, Any], expected: Mapping[str, Any], own: Mapping[str, Any] | None) -> bool:
    """The student's values are the reference's, or else those of their own layers where those differ
    from the reference's (then the report notes it: cs231n-layers charges the layers)."""
    if _all_match(actual, expected):
        return True
    if own is not None and not _all_match(own, expected) and _all_match(actual, own):
        observe(OWN_NOTE + ".")
        return True
    return False


# --- params ----------------------------------------------------------------------------------------
@check("params.shapes")
def params_have_the_shapes_of_the_network(sub):
    for config in (SMALL, {"input_dim": (1, 12, 10), "num_filters": 6, "filter_size": 5, "hidden_dim": 7,
                           "num_classes": 3}):
        net, what = model(sub, config, None)
        params = net.get("params")
        expect(isinstance(params, dict), f"{what}: self.params should be a dict; it is {describe(params)}.")
        for key, shape in shapes_for(**config).items():
            expect(key in params, f"{what}: self.params has no '{key}' (it has {', '.join(map(str, params))}).")
            actual = np.shape(params[key])
            why = ""
            if key == "W2":
                why = (f" The convolution pads (filter_size - 1) // 2 = {(config['filter_size'] - 1) // 2} with "
                       f"stride 1, so it keeps H x W = {config['input_dim'][1]} x {config['input_dim'][2]}; the 2x2 "
                       f"pool halves them: W2 has num_filters * (H // 2) * (W // 2) rows.")
            expect(actual == shape, f"{what}: self.params['{key}'] has shape {actual}; expected {shape}.{why}")


@check("params.init")
def params_are_initialised_from_the_normal(sub):
    config = {"input_dim": (3, 16, 16), "num_filters": 16, "filter_size": 5, "hidden_dim": 50, "num_classes": 10}
    scale = 0.02
    net, what = model(sub, config, None, weight_scale=scale, dtype="float32")
    params = net.get("params")
    expect(isinstance(params, dict), f"{what}: self.params should be a dict; it is {describe(params)}.")
    # A correct initialisation fails this check with probability below 1e-9: three weight arrays, two bounds
    # each on the sum of squares (Laurent and Massart's chi-square bounds) and one on the mean (Gaussian tail).
    x = float(np.log(9 / 1e-9))
    for key in WEIGHTS:
        expect(key in params, f"{what}: self.params has no '{key}'.")
        w = as_array(params[key], f"self.params['{key}'] of {what}").astype(np.float64).ravel()
        n = w.size
        s = float(np.sum(w ** 2)) / scale ** 2
        low, high = n - 2 * np.sqrt(n * x), n + 2 * np.sqrt(n * x) + 2 * x
        std = float(np.sqrt(np.mean(w ** 2)))
        hint = ""
        if abs(std - np.sqrt(scale)) < 0.2 * np.sqrt(scale):
            hint = (f" It is about sqrt(weight_scale) = {np.sqrt(scale):.4f}: weight_scale is the standard deviation, "
                    f"not the variance (weight_scale * np.random.randn(...)).")
        expect(low <= s <= high, f"{what}: self.params['{key}'] has a root mean square of {std:.5f}; weights drawn "
               f"from N(0, weight_scale^2) have {scale} (this one's {n} entries would be within "
               f"[{scale * np.sqrt(low / n):.5f}, {scale * np.sqrt(high / n):.5f}] but with probability below "
               f"1e-9).{hint}")
        bound = scale * np.sqrt(2 * x / n)
        expect(abs(float(w.mean())) <= bound, f"{what}: the mean of self.params['{key}'] is {w.mean():.5f}; weights "
               f"drawn from N(0, weight_scale^2) have mean 0 (within {bound:.5f} but with probability below 1e-9).")
    for key in ("b1", "b2", "b3"):
        expect(key in params, f"{what}: self.params has no '{key}'.")
        b = as_array(params[key], f"self.params['{key}'] of {what}")
        expect(bool(np.all(b == 0)), f"{what}: self.params['{key}'] is not all zeros "
               f"({int(np.sum(b != 0))} of {b.size} entries are not 0): the biases start at 0 (np.zeros).")


# --- scores ----------------------------------------------------------------------------------------
@check("scores.forward")
def scores_match_the_reference(sub):
    for seed, n in ((1, 3), (2, 5)):
        params = grader_params(SMALL, seed)
        X, _ = images(SMALL, n, seed + 10)
        net, what = model(sub, SMALL, params)
        inputs = {"X": X, "params": params}
        scores = as_array(student(sub, f"{what}.loss(X)", lambda net=net, X=X: net.call("loss", X=X.copy()), inputs),
                          f"{what}.loss(X) with y = None", inputs)
        answers = private.scores(params, X)
        expected = answers["scores"]
        expect(scores.shape == expected.shape, f"{what}.loss(X) returned shape {scores.shape}; expected the scores "
               f"{expected.shape} = (N, num_classes).", inputs=inputs)
        if matches(scores, answers["probabilities"]) and not matches(scores, expected):
            fail(f"{what}.loss(X) returned the softmax probabilities (each row sums to 1); with y = None it returns "
                 f"the scores, the output of the last affine layer, before any softmax.", inputs=inputs,
                 expected=expected, actual=scores)
        own = own_pass(sub, params, X)
        if excused_by_own_layers({"scores": scores}, {"scores": expected}, own and {"scores": own["scores"]}):
            continue
        expect_close(scores, expected, what=f"The scores of {what}.loss(X) (conv with padding (filter_size - 1) // 2 "
                     f"- relu - 2x2 max pool - affine - relu - affine)", inputs=inputs)


# --- loss ------------------------------------------------------------------------------------------
def expect_loss(sub, params, X, y, reg: float) -> None:
    net, what = model(sub, SMALL, params, reg=reg)
    inputs = {"X": X, "y": y, "params": params, "reg": reg}
    value, grads = loss_and_grads(sub, net, what, X, y)
    answers = private.loss(params, X, y, reg)
    expect(value.size == 1, f"the loss of {what}.loss(X, y) should be one number; it has shape {value.shape}.",
           inputs=inputs)
    value = value.reshape(())
    for key, why in (("summed", f"the loss is summed over the {len(y)} samples; it is their mean (divide by N; "
                                f"softmax_loss averages already)"),
                     ("biases_regularised", "the biases are regularised too; the L2 term is "
                                            "0.5 * reg * (|W1|^2 + |W2|^2 + |W3|^2), the weights only"),
                     ("no_half", "the L2 term is reg * sum(W^2); it is 0.5 * reg * sum(W^2), whose gradient is "
                                 "reg * W")):
        if reg == 0 and key != "summed":
            continue
        if matches(value, answers[key]) and not matches(value, answers["loss"]):
            fail(f"{what}.loss(X, y): {why}.", inputs=inputs, expected=answers["loss"], actual=value)
    if reg and matches(grads["W3"], answers["dW3_without_reg"]) and not matches(grads["W3"], answers["grads"]["W3"]):
        fail(f"{what}.loss(X, y): grads['W3'] lacks the regularisation's reg * W3.", inputs=inputs,
             expected=answers["grads"]["W3"], actual=grads["W3"])
    expected = {"loss": answers["loss"], **answers["grads"]}
    own = own_pass(sub, params, X, y, reg)
    if excused_by_own_layers({"loss": value, **grads}, expected, own and {"loss": own["loss"], **own["grads"]}):
        return
    expect_close(value, answers["loss"], what=f"the loss of {what}.loss(X, y)", inputs=inputs)
    expect_gradients_close(grads, answers["grads"], what=f"The gradients of {what}.loss(X, y)", inputs=inputs)


@check("loss.data")
def loss_and_gradients_without_regularisation(sub):
    for seed, n in ((3, 4), (4, 6)):
        X, y = images(SMALL, n, seed + 10)
        expect_loss(sub, grader_params(SMALL, seed), X, y, 0.0)


@check("loss.reg")
def loss_and_gradients_with_regularisation(sub):
    for seed, n, reg in ((5, 4, 0.7), (6, 3, 2.5)):
        X, y = images(SMALL, n, seed + 10)
        expect_loss(sub, grader_params(SMALL, seed), X, y, reg)


@check("loss.sanity")
def small_weights_give_log_of_the_classes(sub):
    config = {"input_dim": (3, 16, 16), "num_filters": 8, "filter_size": 5, "hidden_dim": 20, "num_classes": 10}
    params = grader_params(config, 7, scale=1e-3, biases=0.0)
    X, y = images(config, 20, 17)
    net, what = model(sub, config, params)
    value, _ = loss_and_grads(sub, net, what, X, y)
    inputs = {"X": X, "y": y}
    expect(value.size == 1, f"the loss of {what}.loss(X, y) should be one number; it has shape {value.shape}.",
           inputs=inputs)
    value = float(value.reshape(()))
    hint = " It is about N times log(10): average the loss over the N samples." if abs(value / 20 - np.log(10)) < 0.05 else ""
    expect(abs(value - np.log(10)) < 1e-2, f"{what}.loss(X, y) with weights of scale 1e-3, zero biases and reg = 0 "
           f"is {value:.5f}; with scores near 0 every class has probability 1/10, so the loss is log(10) = "
           f"{np.log(10):.5f}.{hint}", inputs=inputs)


# --- gradient check --------------------------------------------------------------------------------
@check("gradients.numeric")
def gradients_agree_with_finite_differences(sub):
    config = {"input_dim": (3, 8, 8), "num_filters": 3, "filter_size": 3, "hidden_dim": 7, "num_classes": 10}
    reg, h = 0.3, 1e-6
    params = grader_params(config, 8, scale=1.0, biases=0.3)
    X, y = images(config, 2, 18)
    net, what = model(sub, config, params, reg=reg)
    value, grads = loss_and_grads(sub, net, what, X, y)
    rng = np.random.default_rng(19)

    def loss_at(values):
        net.set("params", values)
        return float(np.asarray(student(sub, f"{what}.loss(X, y)", lambda: net.call("loss", X=X.copy(), y=y.copy()))[0]))

    worst = []
    for key in KEYS:
        analytic = as_array(grads[key], f"grads['{key}'] of {what}.loss(X, y)").astype(np.float64)
        expect(analytic.shape == params[key].shape, f"{what}.loss(X, y): grads['{key}'] has shape {analytic.shape}; "
               f"expected {params[key].shape}, the shape of params['{key}'].")
        for _ in range(3):
            v = rng.normal(size=params[key].shape)
            v /= np.linalg.norm(v)
            plus = loss_at({**params, key: params[key] + h * v})
            minus = loss_at({**params, key: params[key] - h * v})
            numeric, exact = (plus - minus) / (2 * h), float(np.sum(analytic * v))
            error = abs(numeric - exact) / max(abs(numeric), abs(exact), 1e-6)
            worst.append((error, key, numeric, exact))
    error, key, numeric, exact = max(worst)
    if error < 1e-5:
        return
    net.set("params", params)
    own = own_pass(sub, params, X, y, reg)
    if own is not None:
        own = {"loss": own["loss"], **own["grads"]}
        answers = private.loss(params, X, y, reg)
        if not _all_match(own, {"loss": answers["loss"], **answers["grads"]}) and _all_match({"loss": value, **grads}, own):
            observe(OWN_NOTE + " (the network your layers make is exactly what you return: the finite differences "
                    "disagree with it because of the layers).")
            return
    fail(f"{what}, float64, reg = {reg}: along a random direction of params['{key}'], the central difference "
         f"(h = {h}) of your loss is {numeric:.8g} and your gradient gives {exact:.8g} (relative error {error:.2g}; "
         f"at most 1e-5 is expected). grads['{key}'] is not the derivative of the loss you return"
         + (": check the regularisation's share, 0.5 * reg * sum(W^2) in the loss and reg * W in the gradient."
            if key in WEIGHTS else "."), inputs={"X": X, "y": y, "params": params, "reg": reg})


# --- training --------------------------------------------------------------------------------------
TRAIN = {"input_dim": (3, 8, 8), "num_filters": 4, "filter_size": 3, "hidden_dim": 30, "num_classes": 4}


def training_set(n: int = 50, seed: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """``n`` images of 4 classes: a template per class plus noise as large as the template."""
    rng = np.random.default_rng(seed)
    templates = rng.normal(size=(TRAIN["num_classes"], *TRAIN["input_dim"]))
    y = np.arange(n) % TRAIN["num_classes"]
    return templates[y] + rng.normal(size=(n, *TRAIN["input_dim"])), y


@check("training.overfit")
def the_graders_adam_overfits_a_small_set(sub):
    X, y = training_set()
    params = grader_params(TRAIN, 21, scale=0.5, biases=0.0)
    net, what = model(sub, TRAIN, params)
    steps, lr, beta1, beta2, eps = 60, 1e-2, 0.9, 0.999, 1e-8
    m = {k: np.zeros_like(v) for k, v in params.items()}
    s = {k: np.zeros_like(v) for k, v in params.items()}
    for t in range(1, steps + 1):
        net.set("params", params)
        _, grads = loss_and_grads(sub, net, what, X, y)
        for k in KEYS:
            g = as_array(grads[k], f"grads['{k}']").astype(np.float64)
            expect(g.shape == params[k].shape, f"{what}.loss(X, y): grads['{k}'] has shape {g.shape}; expected "
                   f"{params[k].shape}.")
            m[k] = beta1 * m[k] + (1 - beta1) * g
            s[k] = beta2 * s[k] + (1 - beta2) * g * g
            params[k] = params[k] - lr * (m[k] / (1 - beta1 ** t)) / (np.sqrt(s[k] / (1 - beta2 ** t)) + eps)
    net.set("params", params)
    back = net.get("params")
    read = {k: as_array(back.get(k) if isinstance(back, dict) else None, f"model.params['{k}'] after training")
            for k in KEYS}
    accuracy = private.accuracy(read, X, y)
    if accuracy < 0.9:
        own = own_pass(sub, read, X)
        reference_scores = private.scores(read, X)["scores"]
        if own is not None and not matches(own["scores"], reference_scores):
            own_accuracy = float(np.mean(np.argmax(own["scores"], axis=1) == y))
            if own_accuracy >= 0.9:
                observe(OWN_NOTE + f": the accuracy {own_accuracy:.2f} was measured with your layers' forward.")
                return
    expect(accuracy >= 0.9, f"{steps} full-batch steps of Adam (lr {lr}) on {len(y)} images {TRAIN['input_dim']} of "
           f"{TRAIN['num_classes']} classes, driven by the gradients of your {what}.loss(X, y), reached a training "
           f"accuracy of {accuracy:.2f} (measured by the grader's forward on the parameters read back); a correct "
           f"network reaches at least 0.9.")
