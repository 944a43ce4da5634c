"""The grading suite of cs231n-pytorch: one ``@check`` per check in assignments/cs231n-pytorch/assignment.toml.

Functions of part II are called with the grader's inputs and parameters and compared with the
reference; models of parts III and IV live in the student's worker: the suite reads their
parameter shapes, loads its own weights into them (grader.harness.load_parameters) and compares
their outputs. Initialisations are judged by their statistics over tens of thousands of values,
with bounds 8 standard errors wide (see STANDARD_ERRORS). What computes answers is in
cs231n_pytorch_private.py.
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): what computes answers is in cs231n_pytorch_private.py

import math
from typing import Any, Mapping, Sequence

import numpy as np
import torch
from hypothesis import given
from hypothesis import strategies as st

from grader.compare import as_array, describe
from grader.submission import Instance
from grader.suite import check, expect, expect_close, fail, load_private, load_sibling, observe

data = load_sibling(__file__, "cs231n_pytorch_data")
private = load_private(__file__, "cs231n_pytorch_private")   # what computes answers: never sent to students
Inputs = Mapping[str, Any]

# The notebook's globals that students' code reads (`torch.randn(shape, device=device, dtype=dtype)`).
# The grader sets `device` to the CPU before every check, whatever the notebook chose (a Colab
# notebook says 'cuda'); `dtype` is a torch.dtype, which cannot travel, so the notebook's own
# `dtype = torch.float32` is kept by the loader and used.
TEMPLATE_GLOBALS = {"device": "cpu", "print_every": 100}

# Statistics of an initialisation: a bound is STANDARD_ERRORS standard errors of the estimate wide
# (the mean's is std/sqrt(n), the root mean square's std/sqrt(2n), the kurtosis's sqrt(24/n)). Under
# the normal approximation a correct draw leaves one with probability 1.2e-15.
STANDARD_ERRORS = 8.0

# How close a result must be to a known wrong answer to be recognised as that mistake. It only
# picks the message; the verdict always comes from expect_close.
_DIAGNOSIS_RTOL, _DIAGNOSIS_ATOL = 1e-4, 1e-5


# --- shared --------------------------------------------------------------------------------------
def prepare(sub) -> None:
    sub.define(**TEMPLATE_GLOBALS)


def as_numbers(value: Any, what: str, inputs: Inputs | None = None) -> np.ndarray:
    array = as_array(value)
    if array is None or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        fail(f"{what} should be a torch tensor; it is {describe(value)}.", inputs=inputs)
    return array


def requires_grad(value: Any) -> bool:
    """Whether the tensor the student's code returned requires grad (over the wire: its flag)."""
    info = getattr(value, "grader_info", None)
    return bool(info.requires_grad) if info is not None else bool(getattr(value, "requires_grad", False))


def device_of(value: Any) -> str:
    info = getattr(value, "grader_info", None)
    return str(info.device) if info is not None else str(getattr(value, "device", "?"))


def expect_shape(array: np.ndarray, shape: tuple[int, ...], what: str, inputs: Inputs | None, why: str = "") -> None:
    expect(array.shape == tuple(shape), f"{what} has shape {array.shape}; expected {tuple(shape)}."
           + (f" {why}" if why else ""), inputs=inputs, actual=array)


def _same(actual: np.ndarray, candidate: Any) -> bool:
    candidate = np.asarray(as_array(candidate))
    return actual.shape == candidate.shape and bool(
        np.allclose(actual, candidate, rtol=_DIAGNOSIS_RTOL, atol=_DIAGNOSIS_ATOL))


def expect_matches(actual: Any, answers: Mapping[str, Any], what: str, inputs: Inputs) -> None:
    """expect_close against answers["expected"], except that a result equal to one of the known
    wrong answers fails with its cause."""
    numbers = as_numbers(actual, what, inputs)
    expected = answers["expected"]
    if not _same(numbers, expected):
        for wrong, cause in answers["wrong"]:
            if _same(numbers, wrong):
                fail(f"{what} does not match the reference: {cause}", inputs=inputs, expected=expected, actual=actual)
    expect_close(actual, expected, what=what, inputs=inputs)


def tensor(rng: np.random.Generator, *shape: int, scale: float = 1.0) -> torch.Tensor:
    return torch.from_numpy((scale * rng.standard_normal(shape)).astype(np.float32))


def weights(seed: int, shapes: Sequence[tuple[int, ...]]) -> list[torch.Tensor]:
    """The grader's weights for layers of ``shapes``: N(0, 1/fan_in), so activations stay O(1)."""
    rng = np.random.default_rng(seed)
    out = []
    for shape in shapes:
        inputs_per_unit = math.prod(shape[1:]) if len(shape) > 1 else 4
        out.append(tensor(rng, *shape, scale=1.0 / math.sqrt(inputs_per_unit)))
    return out


# --- statistics of an initialisation ----------------------------------------------------------------
def kaiming_verdict(w: np.ndarray, std: float) -> str | None:
    """None when ``w``'s mean and root mean square are those of N(0, std^2) within the bounds;
    else what is wrong, in words."""
    values = w.astype(np.float64).ravel()
    n = values.size
    mean, rms = float(values.mean()), float(np.sqrt(np.mean(values ** 2)))
    if not (math.isfinite(mean) and math.isfinite(rms)):
        return f"it holds nan or inf ({describe(w)})"
    mean_bound, rms_bound = STANDARD_ERRORS / math.sqrt(n), STANDARD_ERRORS / math.sqrt(2 * n)
    if abs(mean) / std > mean_bound:
        return (f"its mean is {mean:.4g}, {abs(mean) / std:.3g} standard deviations from 0 (at most {mean_bound:.3g} "
                f"over {n} values)")
    ratio = rms / std
    if abs(ratio - 1) > rms_bound:
        return (f"its root mean square is {rms:.4g}, {ratio:.3g} times sqrt(2 / fan_in) = {std:.4g} (within "
                f"1 ± {rms_bound:.3g} over {n} values)")
    return None


def kurtosis_verdict(w: np.ndarray) -> str | None:
    values = w.astype(np.float64).ravel()
    n = values.size
    second = float(np.mean(values ** 2))
    kurtosis = float(np.mean(values ** 4)) / second ** 2 if second > 0 else float("nan")
    bound = STANDARD_ERRORS * math.sqrt(24 / n)
    if math.isfinite(kurtosis) and abs(kurtosis - 3) <= bound:
        return None
    hint = (" That is a uniform distribution's (1.8): draw with torch.randn (or kaiming_normal_), not rand / "
            "kaiming_uniform_." if math.isfinite(kurtosis) and abs(kurtosis - 1.8) < 0.2 else "")
    return (f"its kurtosis E[w^4] / E[w^2]^2 over {n} values is {kurtosis:.3g}; a normal distribution's is 3 "
            f"(within ± {bound:.2g}).{hint}")


# --- Part II: barebones ----------------------------------------------------------------------------
@st.composite
def flatten_cases(draw) -> dict[str, Any]:
    trailing = draw(st.lists(st.integers(1, 5), min_size=1, max_size=3))
    return {"N": draw(st.integers(1, 6)), "trailing": trailing, "seed": draw(st.integers(0, 2 ** 16))}


@check("flatten.value")
@given(case=flatten_cases())
def flatten_value(sub, case):
    prepare(sub)
    rng = np.random.default_rng(case["seed"])
    shape = (case["N"], *case["trailing"])
    x = tensor(rng, *shape)
    inputs = {"x": x}
    out = as_numbers(sub.function("flatten")(x=x), "flatten(x)", inputs)
    expected = private.flatten(x)
    expect_shape(out, tuple(expected.shape), f"flatten(x) for x of shape {tuple(x.shape)}", inputs,
                 "One row per sample: x.view(N, -1) (or reshape), where N = x.shape[0]; view(-1) mixes the batch "
                 "into one row.")
    expect_close(out, expected, what="flatten(x)", inputs=inputs)


@st.composite
def image_cases(draw) -> dict[str, int]:
    case = {"N": draw(st.integers(1, 4)), "C": draw(st.integers(1, 3)), "H": draw(st.integers(4, 8)),
            "W": draw(st.integers(4, 8)), "hidden": draw(st.integers(2, 12)), "c1": draw(st.integers(2, 6)),
            "c2": draw(st.integers(2, 6)), "classes": draw(st.integers(2, 7)), "seed": draw(st.integers(0, 2 ** 16))}
    return case


@check("two-layer-fc.value")
@given(case=image_cases())
def two_layer_fc_value(sub, case):
    prepare(sub)
    rng = np.random.default_rng(case["seed"])
    x = tensor(rng, case["N"], case["C"], case["H"], case["W"])
    D = case["C"] * case["H"] * case["W"]
    params = weights(case["seed"] + 1, [(D, case["hidden"]), (case["hidden"], case["classes"])])
    params = [params[0] * math.sqrt(D / case["hidden"]), params[1]]    # N(0, 1/D) for a (D, hidden) weight
    inputs = {"x": x, "params": params}
    out = sub.function("two_layer_fc")(x=x, params=params)
    numbers = as_numbers(out, "two_layer_fc(x, params)", inputs)
    expect_shape(numbers, (case["N"], case["classes"]), "two_layer_fc(x, params)", inputs)
    expect_matches(out, private.two_layer_fc(x, params), "two_layer_fc(x, params)", inputs)


def convnet_params(case: Mapping[str, int], seed: int) -> list[torch.Tensor]:
    C, c1, c2, classes = case["C"], case["c1"], case["c2"], case["classes"]
    D = c2 * case["H"] * case["W"]
    w1, b1, w2, b2, fc_w, fc_b = weights(seed, [(c1, C, 5, 5), (c1,), (c2, c1, 3, 3), (c2,), (classes, D),
                                                (classes,)])
    return [w1, b1, w2, b2, fc_w.T.contiguous(), fc_b]    # fc_w is (D, classes) in part II


@check("three-layer-convnet.shape")
@given(case=image_cases())
def three_layer_convnet_shape(sub, case):
    prepare(sub)
    x = tensor(np.random.default_rng(case["seed"]), case["N"], case["C"], case["H"], case["W"])
    params = convnet_params(case, case["seed"] + 1)
    inputs = {"x": x, "params": params}
    out = as_numbers(sub.function("three_layer_convnet")(x=x, params=params), "three_layer_convnet(x, params)",
                     inputs)
    expect_shape(out, (case["N"], case["classes"]), f"three_layer_convnet(x, params) for x of shape "
                 f"{tuple(x.shape)}", inputs, "One row of class scores per sample.")


@check("three-layer-convnet.value")
@given(case=image_cases())
def three_layer_convnet_value(sub, case):
    prepare(sub)
    x = tensor(np.random.default_rng(case["seed"]), case["N"], case["C"], case["H"], case["W"])
    params = convnet_params(case, case["seed"] + 1)
    inputs = {"x": x, "params": params}
    out = sub.function("three_layer_convnet")(x=x, params=params)
    expect_matches(out, private.three_layer_convnet(x, params), "three_layer_convnet(x, params)", inputs)


# Shapes for random_weight: fan_in and fan_out at least 2x apart, and 40,000 values or more.
WEIGHT_SHAPES = [(800, 64), (100, 512), (640, 3, 5, 5), (256, 32, 3, 3), (32, 160, 3, 3), (1200, 40)]


def expected_std(shape: Sequence[int]) -> float:
    fan_in = shape[0] if len(shape) == 2 else math.prod(shape[1:])
    return math.sqrt(2.0 / fan_in)


@check("random-weight.tensor")
@given(shape=st.sampled_from([(5, 7), (3, 2, 5, 5), (1, 1), (12, 4), (6, 3, 3, 3), (64, 10)]))
def random_weight_tensor(sub, shape):
    prepare(sub)
    inputs = {"shape": shape}
    w = sub.function("random_weight")(shape=shape)
    numbers = as_numbers(w, f"random_weight({shape})", inputs)
    expect_shape(numbers, shape, f"random_weight({shape})", inputs)
    expect(numbers.dtype == np.float32, f"random_weight({shape}) has dtype {numbers.dtype}; it should be the "
           f"notebook's dtype, float32 (torch.randn(shape, dtype=dtype, device=device)).", inputs=inputs)
    expect(device_of(w) == "cpu", f"random_weight({shape}) is on {device_of(w)}; the grader set device = 'cpu': "
           f"create the tensor on `device`.", inputs=inputs)
    expect(requires_grad(w), f"random_weight({shape}) does not require grad: autograd would not compute its "
           f"gradient and training would never update it. Set w.requires_grad = True after scaling (a "
           f"tensor made by randn(..., requires_grad=True) * scale is no longer a leaf).", inputs=inputs)


@check("random-weight.kaiming-std")
@given(shape=st.sampled_from(WEIGHT_SHAPES))
def random_weight_kaiming_std(sub, shape):
    prepare(sub)
    inputs = {"shape": shape}
    w = as_numbers(sub.function("random_weight")(shape=shape), f"random_weight({shape})", inputs)
    expect_shape(w, shape, f"random_weight({shape})", inputs)
    verdict = kaiming_verdict(w, expected_std(shape))
    if verdict is None:
        return
    fan = shape[1] if len(shape) == 2 else shape[0] * math.prod(shape[2:])
    hint = (" That is sqrt(2 / fan_out): fan_in is shape[0] for a (fan_in, fan_out) weight and prod(shape[1:]) "
            "for a convolution." if kaiming_verdict(w, math.sqrt(2.0 / fan)) is None else "")
    fail(f"random_weight({shape}) should be Kaiming's normal draw, randn * sqrt(2 / fan_in) with fan_in = "
         f"{'shape[0]' if len(shape) == 2 else 'prod(shape[1:])'}; {verdict}.{hint}", inputs=inputs)


@check("random-weight.normal")
@given(shape=st.sampled_from([(800, 64), (256, 32, 3, 3)]))
def random_weight_normal(sub, shape):
    prepare(sub)
    inputs = {"shape": shape}
    w = as_numbers(sub.function("random_weight")(shape=shape), f"random_weight({shape})", inputs)
    expect_shape(w, shape, f"random_weight({shape})", inputs)
    verdict = kurtosis_verdict(w)
    expect(verdict is None, lambda: f"random_weight({shape}) should be drawn from a normal distribution; {verdict}",
           inputs=inputs)


@check("zero-weight.zeros")
@given(shape=st.sampled_from([(5,), (7, 3), (2, 3, 5, 5), (10,), (1,), (16, 8, 3, 3)]))
def zero_weight_zeros(sub, shape):
    prepare(sub)
    inputs = {"shape": shape}
    w = sub.function("zero_weight")(shape=shape)
    numbers = as_numbers(w, f"zero_weight({shape})", inputs)
    expect_shape(numbers, shape, f"zero_weight({shape})", inputs)
    expect(numbers.dtype == np.float32, f"zero_weight({shape}) has dtype {numbers.dtype}; it should be float32.",
           inputs=inputs)
    expect(bool(np.all(numbers == 0)), f"zero_weight({shape}) should hold zeros; it holds {describe(numbers)}.",
           inputs=inputs, actual=numbers)
    expect(requires_grad(w), f"zero_weight({shape}) does not require grad (torch.zeros(..., requires_grad=True)).",
           inputs=inputs)


@st.composite
def convnet_param_cases(draw) -> dict[str, int]:
    return {"channel_1": draw(st.integers(2, 12).filter(lambda c: c != 32)), "channel_2": draw(st.integers(2, 12)),
            "num_classes": draw(st.integers(2, 10)), "in_channel": draw(st.integers(1, 4)),
            "height": draw(st.integers(4, 12)), "width": draw(st.integers(4, 12))}


@check("convnet-params.shapes")
@given(case=convnet_param_cases())
def convnet_params_shapes(sub, case):
    prepare(sub)
    c1, c2, C = case["channel_1"], case["channel_2"], case["num_classes"]
    expected = [(c1, case["in_channel"], 5, 5), (c1,), (c2, c1, 3, 3), (c2,), (c2 * case["height"] * case["width"], C),
                (C,)]
    names = ["conv_w1", "conv_b1", "conv_w2", "conv_b2", "fc_w", "fc_b"]
    got = sub.function("three_layer_convnet_params")(**case)
    expect(isinstance(got, (list, tuple)) and len(got) == 6, lambda: f"three_layer_convnet_params(...) should "
           f"return the list [conv_w1, conv_b1, conv_w2, conv_b2, fc_w, fc_b]; it returned {describe(got)}.",
           inputs=case)
    for name, value, shape in zip(names, got, expected):
        array = as_numbers(value, name, case)
        hint = ("It reads 32 input channels: use channel_1, not the value 32 of the notebook's run."
                if name == "conv_w2" and array.shape[1:2] == (32,) else "")
        expect_shape(array, shape, name, case, hint)
        expect(requires_grad(value), f"{name} does not require grad, so training would never update it.", inputs=case)
        if name.startswith(("conv_b", "fc_b")):
            expect(bool(np.all(array == 0)), f"{name} should start at zero (zero_weight); it holds "
                   f"{describe(array)}.", inputs=case)
        else:
            expect(bool(np.any(array != 0)) and bool(np.all(np.isfinite(array))), f"{name} should be a random "
                   f"Kaiming draw (random_weight); it holds {describe(array)}.", inputs=case)


# --- Parts III and IV: models in the worker ------------------------------------------------------------
def shapes_of(params: Mapping[str, Any]) -> list[tuple[int, ...]]:
    return [tuple(np.asarray(as_array(v)).shape) for v in params.values()]


def expect_parameters(params: Mapping[str, Any], expected: Sequence[tuple[int, ...]], label: str, layers: str,
                      ordered: bool = False) -> dict[str, int]:
    """The student's parameter name for each expected shape (index into ``expected``); fails with the
    shapes found when they are not those of ``layers``."""
    found = shapes_of(params)
    same = found == list(expected) if ordered else sorted(found) == sorted(expected)
    if not same:
        listing = ", ".join(f"{name} {shape}" for name, shape in zip(params, found)) or "none"
        fail(f"{label}: the parameters should be those of {layers}: shapes {', '.join(map(str, expected))}"
             f"{' in this order' if ordered else ''}. Found {listing}.")
    return {name: list(expected).index(shape) for name, shape in zip(params, found)}


def load(sub, model: Any, params: Mapping[str, Any], expected: Sequence[tuple[int, ...]], values: Sequence[torch.Tensor],
         label: str, layers: str, ordered: bool = False) -> None:
    where = expect_parameters(params, expected, label, layers, ordered)
    sub.harness("load_parameters")(model=model, values={name: values[i] for name, i in where.items()})


def fc_sizes(case: Mapping[str, int]) -> dict[str, int]:
    return {"input_size": case["C"] * case["H"] * case["W"], "hidden_size": case["hidden"],
            "num_classes": case["classes"]}


def fc_shapes(sizes: Mapping[str, int]) -> list[tuple[int, ...]]:
    D, H, C = sizes["input_size"], sizes["hidden_size"], sizes["num_classes"]
    return [(H, D), (H,), (C, H), (C,)]


@st.composite
def distinct_fc_cases(draw) -> dict[str, int]:
    case = draw(image_cases())
    D = case["C"] * case["H"] * case["W"]
    hidden = draw(st.integers(2, 12).filter(lambda h: h != D))
    classes = draw(st.integers(2, 7).filter(lambda c: c not in (D, hidden)))
    return {**case, "hidden": hidden, "classes": classes}


FC_LAYERS = "Linear(input_size, hidden_size) and Linear(hidden_size, num_classes)"


@check("two-layer-fc-module.architecture")
@given(case=distinct_fc_cases())
def two_layer_fc_module_architecture(sub, case):
    prepare(sub)
    sizes = fc_sizes(case)
    model = sub.new("TwoLayerFC", **sizes)
    expect_parameters(model.parameters(), fc_shapes(sizes), f"TwoLayerFC({sizes})", FC_LAYERS)


@check("two-layer-fc-module.matches-reference")
@given(case=distinct_fc_cases())
def two_layer_fc_module_matches_reference(sub, case):
    prepare(sub)
    sizes = fc_sizes(case)
    model = sub.new("TwoLayerFC", **sizes)
    values = weights(case["seed"] + 1, fc_shapes(sizes))
    load(sub, model, model.parameters(), fc_shapes(sizes), values, f"TwoLayerFC({sizes})", FC_LAYERS)
    x = tensor(np.random.default_rng(case["seed"]), case["N"], case["C"], case["H"], case["W"])
    inputs = {"x": x}
    expect_matches(model.call("forward", x=x), private.two_layer_fc_module(sizes, values, x),
                   "TwoLayerFC.forward(x) with the grader's weights", inputs)


def expect_kaiming_weights(params: Mapping[str, Any], label: str, kurtosis_of_largest: bool = False) -> None:
    """Every weight (2-D or 4-D parameter) of ``params`` is kaiming_normal_ (fan_in mode)."""
    largest = None
    for name, value in params.items():
        w = np.asarray(as_array(value))
        if w.ndim not in (2, 4):
            continue
        fan_in = math.prod(w.shape[1:])
        verdict = kaiming_verdict(w, math.sqrt(2.0 / fan_in))
        if verdict is not None:
            default = kaiming_verdict(w, math.sqrt(1 / (3 * fan_in))) is None
            fail(f"{label}: {name} should be drawn by nn.init.kaiming_normal_ (std sqrt(2 / fan_in), fan_in = "
                 f"{fan_in}); {verdict}." + (" That is torch's default initialisation (kaiming_uniform_ with "
                                             "a = sqrt(5), std sqrt(1 / (3 fan_in))): call nn.init.kaiming_normal_ "
                                             "on the weight." if default else ""))
        if largest is None or w.size > largest[1].size:
            largest = (name, w)
    if kurtosis_of_largest and largest is not None:
        verdict = kurtosis_verdict(largest[1])
        expect(verdict is None, lambda: f"{label}: {largest[0]} should be drawn from a normal distribution "
               f"(kaiming_normal_); {verdict}")


@check("two-layer-fc-module.init")
@given(sizes=st.sampled_from([{"input_size": 400, "hidden_size": 200, "num_classes": 300},
                              {"input_size": 160, "hidden_size": 512, "num_classes": 100}]))
def two_layer_fc_module_init(sub, sizes):
    prepare(sub)
    model = sub.new("TwoLayerFC", **sizes)
    params = model.parameters()
    expect_parameters(params, fc_shapes(sizes), f"TwoLayerFC({sizes})", FC_LAYERS)
    expect_kaiming_weights(params, f"TwoLayerFC({sizes})")


def convnet_sizes(case: Mapping[str, int]) -> dict[str, int]:
    return {"in_channel": case["C"], "channel_1": case["c1"], "channel_2": case["c2"], "num_classes": case["classes"]}


def convnet_shapes(sizes: Mapping[str, int], H: int = 32, W: int = 32) -> list[tuple[int, ...]]:
    C, c1, c2, k = sizes["in_channel"], sizes["channel_1"], sizes["channel_2"], sizes["num_classes"]
    return [(c1, C, 5, 5), (c1,), (c2, c1, 3, 3), (c2,), (k, c2 * H * W), (k,)]


@st.composite
def distinct_convnet_cases(draw) -> dict[str, int]:
    c1 = draw(st.integers(2, 6))
    c2 = draw(st.integers(2, 6).filter(lambda c: c != c1))
    classes = draw(st.integers(2, 7).filter(lambda k: k not in (c1, c2)))
    return {"N": draw(st.integers(1, 3)), "C": draw(st.integers(1, 3)), "H": 32, "W": 32, "c1": c1, "c2": c2,
            "classes": classes, "seed": draw(st.integers(0, 2 ** 16))}


CONV_LAYERS = ("Conv2d(in_channel, channel_1, 5), Conv2d(channel_1, channel_2, 3) and "
               "Linear(channel_2 * 32 * 32, num_classes)")


@check("three-layer-convnet-module.architecture")
@given(case=distinct_convnet_cases())
def three_layer_convnet_module_architecture(sub, case):
    prepare(sub)
    sizes = convnet_sizes(case)
    model = sub.new("ThreeLayerConvNet", **sizes)
    expect_parameters(model.parameters(), convnet_shapes(sizes), f"ThreeLayerConvNet({sizes})", CONV_LAYERS)


def module_values(sizes: Mapping[str, int], seed: int) -> list[torch.Tensor]:
    return weights(seed, convnet_shapes(sizes))


@check("three-layer-convnet-module.matches-reference")
@given(case=distinct_convnet_cases())
def three_layer_convnet_module_matches_reference(sub, case):
    prepare(sub)
    sizes = convnet_sizes(case)
    model = sub.new("ThreeLayerConvNet", **sizes)
    values = module_values(sizes, case["seed"] + 1)
    load(sub, model, model.parameters(), convnet_shapes(sizes), values, f"ThreeLayerConvNet({sizes})", CONV_LAYERS)
    x = tensor(np.random.default_rng(case["seed"]), case["N"], case["C"], 32, 32)
    expect_matches(model.call("forward", x=x), private.convnet_module(sizes, values, x),
                   "ThreeLayerConvNet.forward(x) with the grader's weights", {"x": x})


@check("three-layer-convnet-module.init")
@given(sizes=st.sampled_from([{"in_channel": 3, "channel_1": 32, "channel_2": 16, "num_classes": 10},
                              {"in_channel": 8, "channel_1": 24, "channel_2": 12, "num_classes": 7}]))
def three_layer_convnet_module_init(sub, sizes):
    prepare(sub)
    label = f"ThreeLayerConvNet({sizes})"
    model = sub.new("ThreeLayerConvNet", **sizes)
    params = model.parameters()
    expect_parameters(params, convnet_shapes(sizes), label, CONV_LAYERS)
    for name, value in params.items():
        b = np.asarray(as_array(value))
        if b.ndim == 1 and not np.all(b == 0):
            fail(f"{label}: the bias {name} should start at zero (nn.init.zeros_ or .data.zero_()); it holds "
                 f"{describe(b)}.")
    expect_kaiming_weights(params, label, kurtosis_of_largest=True)


# init_weights: layers of the student's own TwoLayerFC and ThreeLayerConvNet (the grader cannot
# build a torch layer in the worker itself: grader.harness has no factory for one), their weights and
# biases first set to 7 by the grader, so that only what init_weights writes can pass.
INIT_LINEAR = {"input_size": 200, "hidden_size": 400, "num_classes": 10}        # fc1: (400, 200)
INIT_CONV = {"in_channel": 3, "channel_1": 32, "channel_2": 144, "num_classes": 10}   # conv2: (144, 32, 3, 3)


def layers_of(sub, instance: Instance, class_name: str) -> list[Any]:
    """The student's submodules that hold exactly a weight and a bias (their Linear and Conv2d
    layers, however nested), as handles the grader can pass back."""
    found = []
    pending = [instance]
    while pending:
        module = pending.pop(0)
        children = module.get("_modules")
        if not isinstance(children, Mapping):
            continue
        for child in children.values():
            if child is None:
                continue
            params = sub.harness("named_parameters")(model=child)
            if set(params) == {"weight", "bias"}:
                found.append((child, params))
            elif params:
                pending.append(Instance(sub, class_name, child))
    return found


def init_case(sub, which: str) -> tuple[Any, tuple[int, ...], str]:
    if which == "linear":
        owner = sub.new("TwoLayerFC", **INIT_LINEAR)
        label, shape = f"the Linear(200, 400) layer of TwoLayerFC({INIT_LINEAR})", (400, 200)
        layers = layers_of(sub, owner, "TwoLayerFC")
    else:
        owner = sub.new("ThreeLayerConvNet", **INIT_CONV)
        label, shape = f"the Conv2d(32, 144, 3) layer of ThreeLayerConvNet({INIT_CONV})", (144, 32, 3, 3)
        layers = layers_of(sub, owner, "ThreeLayerConvNet")
    for handle, params in layers:
        if tuple(np.asarray(as_array(params["weight"])).shape) == shape:
            return handle, shape, label
    fail(f"init_weights is tried on {label}, and no layer with a weight of shape {shape} and a bias was found "
         f"there (its architecture check says why).")
    raise AssertionError("unreachable")


@check("init-weights.kaiming-and-zero")
@given(which=st.sampled_from(["linear", "conv"]))
def init_weights_kaiming_and_zero(sub, which):
    prepare(sub)
    layer, shape, label = init_case(sub, which)
    sevens = {"weight": torch.full(shape, 7.0), "bias": torch.full(shape[:1], 7.0)}
    sub.harness("load_parameters")(model=layer, values=sevens)
    sub.function("init_weights")(m=layer)
    params = sub.harness("named_parameters")(model=layer)
    w, b = (np.asarray(as_array(params.get(k))) for k in ("weight", "bias"))
    inputs = {"m": label}
    if np.all(w == 7) and np.all(b == 7):
        fail(f"init_weights(m) left {label} as it was (every weight and bias still 7, as the grader set them). "
             f"Calling random_weight(m.weight.size()) and zero_weight(...) makes new tensors and throws them "
             f"away: assign them to the layer's weight and bias (their .data, or copy_ under torch.no_grad()).",
             inputs=inputs)
    expect(w.shape == shape and b.shape == shape[:1], f"init_weights(m) changed the shapes of {label}: weight "
           f"{w.shape}, bias {b.shape}; expected {shape} and {shape[:1]}.", inputs=inputs)
    expect(bool(np.all(b == 0)), lambda: f"init_weights(m) should set the bias of {label} to zero; it holds "
           f"{describe(b)}.", inputs=inputs)
    stds = [math.sqrt(2.0 / math.prod(shape[1:]))]
    if len(shape) == 2:
        stds.append(math.sqrt(2.0 / shape[0]))    # random_weight(m.weight.size()) reads out_features as fan_in
    verdicts = [kaiming_verdict(w, std) for std in stds]
    if any(v is None for v in verdicts):
        return
    fail(f"init_weights(m) should give {label} Kaiming normal weights, std sqrt(2 / fan_in) = {stds[0]:.4g}"
         + (f" (or {stds[1]:.4g}, what random_weight(m.weight.size()) gives)" if len(stds) > 1 else "")
         + f"; {verdicts[0]}.", inputs=inputs)


SEQUENTIAL = {"in_channel": 3, "channel_1": 32, "channel_2": 16, "num_classes": 10}
SEQUENTIAL_LAYERS = "Conv2d(3, 32, 5, padding=2), Conv2d(32, 16, 3, padding=1) and Linear(16 * 32 * 32, 10)"


def sequential_shapes() -> list[tuple[int, ...]]:
    c1, c2, k = SEQUENTIAL["channel_1"], SEQUENTIAL["channel_2"], SEQUENTIAL["num_classes"]
    return [(c1, 3, 5, 5), (c1,), (c2, c1, 3, 3), (c2,), (k, c2 * 32 * 32), (k,)]


@check("sequential-convnet.architecture")
def sequential_convnet_architecture(sub):
    prepare(sub)
    params = sub.harness("named_parameters")(model=sub.own("model"))
    expect_parameters(params, sequential_shapes(), "model", SEQUENTIAL_LAYERS, ordered=True)


@check("sequential-convnet.matches-reference")
@given(seed=st.integers(0, 2 ** 16), N=st.integers(1, 3))
def sequential_convnet_matches_reference(sub, seed, N):
    prepare(sub)
    model = sub.own("model")
    values = weights(seed + 1, sequential_shapes())
    params = sub.harness("named_parameters")(model=model)
    load(sub, model, params, sequential_shapes(), values, "model", SEQUENTIAL_LAYERS, ordered=True)
    x = tensor(np.random.default_rng(seed), N, 3, 32, 32)
    out = sub.harness("evaluate")(model=model, inputs=x)
    expect_matches(out, private.sequential(values, x), "model(x) with the grader's weights", {"x": x})



# --- Part V: an open-ended model, trained and measured by the grader --------------------------------
# The grader trains the model part5_model() returns with its own loop (grader.harness.train_steps:
# Adam, lr 1e-3, batches of 64, cross-entropy on the model's scores) on generated CIFAR-like images
# (cs231n_pytorch_data.py), then runs it in eval mode on held-out images and compares the argmax with
# labels that never leave this process. Measured on 2 CPU cores with one torch thread: the reference
# (three conv-BN-ReLU-pool blocks) makes its 100 steps in about 5 s and gets 99 % of the held-out
# images; a linear classifier about 40 %, a two-layer MLP about 90 %.
PART5_STEPS, PART5_LR, PART5_BATCH, PART5_BUDGET_S, PART5_MIN_ACCURACY = 100, 1e-3, 64, 20.0, 0.70


@check("open-ended.learns-cifar-like")
def open_ended_learns_cifar_like(sub):
    prepare(sub)
    images = data.cifar_like()
    model = sub.new("part5_model")
    label = "part5_model()"

    def accuracy(what: str) -> float:
        scores = as_numbers(sub.harness("evaluate")(model=model, inputs=images.test_x), what)
        expect_shape(scores, (len(images.test_y), 10), f"{label}(x) for x of shape {images.test_x.shape}", None,
                     "One row of 10 class scores per image.")
        return float(np.mean(scores.argmax(axis=1) == images.test_y))

    expect(bool(model.parameters()), f"{label} has no parameters, so training cannot change it: layers kept in a "
           f"plain Python list or dict are not registered with the module; hold them in nn.ModuleList, "
           f"nn.Sequential or attributes of the module.")
    before = accuracy(f"{label} on the held-out images")
    run = sub.harness("train_steps")(model=model, inputs=images.train_x, targets=images.train_y,
                                     loss="cross_entropy", optimizer="Adam", lr=PART5_LR, steps=PART5_STEPS,
                                     batch_size=PART5_BATCH, budget_s=PART5_BUDGET_S, seed=0)
    expect(run["stopped"] != "diverged", f"{label}: the training loss became {run['losses'][-1]} after "
           f"{run['steps']} steps.")
    after = accuracy(f"{label} on the held-out images, after training")
    losses = run["losses"]
    summary = (f"held-out accuracy {before:.0%} → {after:.0%} on {len(images.test_y)} images, training loss "
               f"{losses[0]:.3g} → {losses[-1]:.3g}, after {run['steps']} steps")
    # the CPU seconds only in the observation: the verdict's message is the same on every run
    observe(f"{summary} in {run['seconds']:.1f} s of CPU ({run['stopped']})")
    expect(after >= PART5_MIN_ACCURACY, f"after {run['steps']} steps of Adam (lr {PART5_LR}, batches of "
           f"{PART5_BATCH}, at most {PART5_BUDGET_S:g} s of CPU time) on {len(images.train_y)} generated CIFAR-like images, "
           f"{label} classifies {after:.0%} of {len(images.test_y)} held-out images correctly; "
           f"{PART5_MIN_ACCURACY:.0%} expected (a three-block ConvNet gets 99 %, a linear classifier about 40 %). "
           f"Its {summary}.")
