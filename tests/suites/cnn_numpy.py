"""The grading suite of cnn-numpy: one ``@check`` per check in assignments/cnn-numpy/assignment.toml.

Each check calls the student's code through ``sub`` with the reference's keyword names and compares
here, in the grading process. Where a wrong answer has a well-known cause (no filter multiply, loops
that ignore the padding, pooling across channels, ...) the check recognises it and says so; the
inputs come from cnn_numpy_strategies.py, which explains why array values lie on a 1/8 grid.
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): expected values come from the reference

import dataclasses
from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from grader.compare import describe
from grader.errors import StudentCodeRaised
from grader.submission import SAFE_FUNCTIONS, Fn
from grader.suite import (check, expect, expect_close, expect_inputs_unchanged, fail, load_sibling, matches,
                          reference)

ref = reference()   # the reference's answers, recorded with the cases where they can be (grader.oracle)


cases = load_sibling(__file__, "cnn_numpy_strategies")
_expect = load_sibling(__file__, "cnn_numpy_expect")
as_array, expect_shape, expect_matches = _expect.as_array, _expect.expect_shape, _expect.expect_matches
expect_rows_sum_to_one, expect_distribution = _expect.expect_rows_sum_to_one, _expect.expect_distribution
expect_layer_shapes, expect_mlp_parameters = _expect.expect_layer_shapes, _expect.expect_mlp_parameters
mlp_attributes = _expect.mlp_attributes


# --- activations -----------------------------------------------------------------------------------
@check("activations.elementwise")
@given(x=cases.activation_inputs())
def elementwise_activations_match(sub, x):
    for name in ("sigmoid", "tanh", "relu"):
        expect_close(sub.function(name)(x=x), getattr(ref, name)(x), what=f"{name}(x)", inputs={"x": x})


@check("activations.leaky-relu")
@given(x=cases.activation_inputs(), alpha=st.integers(1, 50).map(lambda k: k / 100))
def leaky_relu_uses_its_slope(sub, x, alpha):
    leaky = sub.function("leaky_relu")
    expect_close(leaky(x=x), ref.leaky_relu(x), what="leaky_relu(x) (default alpha=0.01)", inputs={"x": x})
    expect_close(leaky(x=x, alpha=alpha), ref.leaky_relu(x, alpha), what=f"leaky_relu(x, alpha={alpha})",
                 inputs={"x": x, "alpha": alpha})


@check("activations.keep-input")
@given(x=cases.activation_inputs())
def activations_leave_their_input_alone(sub, x):
    for name in ("sigmoid", "tanh", "relu", "leaky_relu", "softmax"):
        expect_inputs_unchanged(sub, name, x=x, fix="Build a new array (`np.maximum(x, 0)`, `np.where(...)`) "
                                                    "or work on a copy (`x = x.copy()`).")


def _softmax_is_right(sub, x: np.ndarray) -> None:
    actual = as_array(sub.function("softmax")(x=x), "softmax(x)", {"x": x})
    expect(bool(np.all(np.isfinite(actual))), "softmax(x) returned nan or inf: exp overflows for large inputs; "
           "subtract the maximum of each row before taking exp.", inputs={"x": x}, actual=actual)
    expect_shape(actual, x.shape, "softmax(x)", {"x": x}, "softmax keeps the shape of its input.")
    expect_rows_sum_to_one(actual, x, "softmax(x)")
    expect_close(actual, ref.softmax(x), what="softmax(x)", inputs={"x": x})


@check("activations.softmax")
@given(x=cases.logits())
def softmax_normalises_the_last_axis(sub, x):
    _softmax_is_right(sub, x)


@check("activations.softmax-stable")
@given(x=cases.large_logits())
def softmax_survives_large_inputs(sub, x):
    _softmax_is_right(sub, x)


# --- output size -----------------------------------------------------------------------------------
@check("output-dims.formula")
@given(case=cases.dims_cases())
def output_dims_follow_the_formula(sub, case):
    expected = ref.calculate_output_activation_map_dimensions(**case)
    actual = sub.function("calculate_output_activation_map_dimensions")(**case)
    pair = tuple(np.asarray(actual).ravel().tolist()) if isinstance(actual, (tuple, list, np.ndarray)) else None
    args = ", ".join(f"{k}={v}" for k, v in case.items())
    expect(pair == expected, f"calculate_output_activation_map_dimensions({args}) returned {actual!r}; expected "
           f"{expected} = ((H - Fh + 2P) // S + 1, (W - Fw + 2P) // S + 1).", inputs=case)


# --- convolution -----------------------------------------------------------------------------------
def student_conv(sub, case, activation: str = "identity") -> Any:
    return sub.function("convolution_function")(input_image=case.image, stride=case.stride, filter=case.kernel,
                                                activation_function=Fn(activation), padding=case.padding)


def reference_conv(case, activation: str = "identity", kernel: np.ndarray | None = None) -> np.ndarray:
    return ref.convolution_function(case.image, case.stride, case.kernel if kernel is None else kernel,
                                    SAFE_FUNCTIONS[activation], case.padding)


@check("conv.value")
@given(case=cases.conv_cases())
def conv_matches_reference(sub, case):
    expected = reference_conv(case)
    expect_close(student_conv(sub, case), expected, what=case.label(), inputs=case.as_inputs())


@check("conv.shape")
@given(case=cases.conv_cases())
def conv_has_the_output_size(sub, case):
    actual = as_array(student_conv(sub, case), case.label(), case.as_inputs())
    expect_shape(actual, case.out_shape(), case.label(), case.as_inputs(),
                 "The map is 2-D, ((H - Fh + 2P) // S + 1, (W - Fw + 2P) // S + 1).")


@check("conv.activation")
@given(case=cases.conv_cases(), name=st.sampled_from(cases.ACTIVATION_NAMES))
def conv_applies_the_activation(sub, case, name):
    expected = reference_conv(case, name)
    actual = student_conv(sub, case, name)
    if not matches(actual, expected) and _is(actual, _activated(sub, case, name)):
        return   # the activation is applied to your own map: whether that map is right is conv.value's to say
    expect_matches(actual, expected, case.label(name), case.as_inputs(),
                   [(reference_conv(case), f"the {name} passed as activation_function was not applied to the map.")])


def _activated(sub, case, name: str) -> np.ndarray | None:
    """``name`` applied (by the grader) to the student's own map for ``case`` with no activation; None
    when that call fails or returns no array. Checks of one step compare with it, so that a mistake
    in the convolution itself is charged by the convolution's checks only."""
    plain = _own(student_conv, sub, case)
    try:
        return None if plain is None else SAFE_FUNCTIONS[name](np.asarray(plain, dtype=np.float64))
    except (TypeError, ValueError):   # not numbers
        return None


@check("conv.padding-border")
@given(case=cases.conv_cases(paddings=(1, 2), strides=(1, 1)))
def conv_computes_the_padded_border(sub, case):
    expected = reference_conv(case)
    # what loops over the unpadded image (range(H - Fh + 1)) leave behind: zeros at the bottom and right
    rows, cols = (max(side - f + 1, 0) for side, f in zip(case.image.shape[:2], case.kernel.shape[:2]))
    unwritten = expected.copy()
    unwritten[rows:, :] = 0.0
    unwritten[:, cols:] = 0.0
    expect_matches(student_conv(sub, case), expected, case.label(), case.as_inputs(),
                   [(unwritten, f"the last rows and columns are 0. Your loops seem to stop at the unpadded size "
                                f"(H - Fh + 1 = {rows}); with padding they must cover all {expected.shape[0]} rows "
                                f"and {expected.shape[1]} columns of the output.")])


@check("conv.uses-filter")
@given(case=cases.centre_tap_cases())
def conv_multiplies_by_the_filter(sub, case):
    expected = reference_conv(case)     # the channel sum of the image
    expect_matches(student_conv(sub, case), expected, case.label() + " with a centre-tap filter", case.as_inputs(),
                   [(reference_conv(case, kernel=np.ones_like(case.kernel)),
                     "each value is the plain sum of its window: multiply the window by the filter before summing.")])


@check("conv.cross-correlation")
@given(case=cases.corner_tap_cases())
def conv_does_not_flip_the_filter(sub, case):
    expected = reference_conv(case)
    expect_matches(student_conv(sub, case), expected, case.label() + " with a corner-tap filter", case.as_inputs(),
                   [(reference_conv(case, kernel=case.kernel[::-1, ::-1, :]),
                     "the filter is flipped (true convolution). Here out[i, j] = sum of "
                     "X[i*S + u, j*S + v, c] * K[u, v, c], with no flip (cross-correlation).")])


@check("conv.rejects-negative-padding")
@given(case=cases.conv_cases(min_side=5, max_filter=2, paddings=(0, 0)), padding=st.integers(-2, -1))
def conv_rejects_negative_padding(sub, case, padding):
    bad = cases.ConvCase(case.image, case.kernel, case.stride, padding)
    try:
        returned = student_conv(sub, bad)
    except StudentCodeRaised as raised:
        # ValueError only: a stub that raises NotImplementedError must not earn these points
        expect(raised.exc_type == "ValueError", f"{bad.label()} raised {raised.exc_type}; a negative padding "
               f"should raise ValueError.", inputs=bad.as_inputs())
        return
    fail(f"{bad.label()} returned {describe(returned)} instead of raising an error: a negative padding has "
         f"no meaning (raise ValueError).", inputs=bad.as_inputs())


@check("conv.emboss-regression")
def conv_embosses_a_picture(sub):
    case = cases.ConvCase(cases.synthetic_logo(), ref.get_embossing_filter(), 1, 1)
    expected = reference_conv(case)
    expect_close(student_conv(sub, case), expected, what=case.label() + " (128x128 uint8 picture, emboss filter)",
                 inputs=case.as_inputs())


@check("emboss.filter")
def emboss_filter_is_stacked_per_channel(sub):
    what = "get_embossing_filter()"
    actual = as_array(sub.function("get_embossing_filter")(), what)
    expected = ref.get_embossing_filter()
    expect_shape(actual, expected.shape, what, None, "It is an (Fh, Fw, C) filter for a 3-channel image.")
    expect_matches(actual, expected, what, {}, [(np.stack([ref.EMBOSS_KERNEL] * 3, axis=0),
                   "the kernel is stacked along axis 0, so filter[:, :, c] is not the emboss kernel. "
                   "Filters are (Fh, Fw, C): stack the three copies along the last axis.")])


# --- pooling ---------------------------------------------------------------------------------------
def student_pool(sub, case, name: str = "pooling_function") -> Any:
    return sub.function(name)(activation_map=case.maps, pool_type=case.pool_type, stride=case.stride,
                              filter_size=case.filter_size)


def reference_pool(case, pool_type: str | None = None) -> np.ndarray:
    return ref.pooling_function(case.maps, pool_type or case.pool_type, case.stride, case.filter_size)


@check("pooling.max")
@given(case=cases.pool_cases(pool_types=("max",)))
def max_pooling_matches(sub, case):
    expected = reference_pool(case)
    expect_close(student_pool(sub, case), expected, what=case.label(), inputs=case.as_inputs())


@check("pooling.average")
@given(case=cases.pool_cases(pool_types=("average",)))
def average_pooling_matches(sub, case):
    expected = reference_pool(case)
    expect_matches(student_pool(sub, case), expected, case.label(), case.as_inputs(),
                   [(reference_pool(case, "max"), "average pooling returned the maximum of each window.")])


@check("pooling.channels-separate")
@given(case=cases.constant_channel_maps())
def pooling_keeps_channels_apart(sub, case):
    expected = reference_pool(case)
    actual = as_array(student_pool(sub, case), case.label(), case.as_inputs())
    expect_shape(actual, expected.shape, case.label(), case.as_inputs())
    identical = all(np.array_equal(actual[..., 0], actual[..., c]) for c in range(actual.shape[-1]))
    expect(not identical, f"{case.label()}: the channels were filled with the different constants "
           f"{case.maps[0, 0].tolist()}, but every output channel is the same. Pool each channel on its own "
           f"(window[:, :, c]), not all channels at once.", inputs=case.as_inputs(), expected=expected, actual=actual)
    expect_close(actual, expected, what=case.label(), inputs=case.as_inputs())


@check("pooling.no-rescaling")
@given(case=cases.pool_cases(limit=(0, 255), step=1))
def pooling_does_not_rescale(sub, case):
    expected = reference_pool(case)
    expect_matches(student_pool(sub, case), expected, case.label() + " on values 0-255", case.as_inputs(),
                   [(expected / 255.0, "the pooled values are divided by 255. Pooling takes the max or mean "
                                       "of the values as they are; it does not rescale them.")])


@check("pooling.flat-map-int-size")
@given(case=cases.pool_cases(flat=True, square_int=True))
def pooling_accepts_flat_maps_and_int_sizes(sub, case):
    expected = reference_pool(case)
    actual = as_array(student_pool(sub, case), case.label(), case.as_inputs())
    expect_shape(actual, expected.shape, case.label(), case.as_inputs(), "A 2-D map gives a 2-D result.")
    expect_close(actual, expected, what=case.label(), inputs=case.as_inputs())


# --- layers ----------------------------------------------------------------------------------------
def student_layer(sub, case) -> tuple[np.ndarray, list[Any]]:
    """The student's (maps, filters) for a LayerCase; filters may come back as a list or one array."""
    result = sub.function("convolution_layer")(
        input_image=case.image, number_of_filters=case.number_of_filters, filter_dimensions=case.filter_dimensions,
        stride=case.stride, padding=case.padding, activation=Fn(case.activation))
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        fail(f"{case.label()} should return a pair (maps, filters); it returned {describe(result)}.",
             inputs=case.as_inputs())
    maps, filters = result
    filters = list(filters) if isinstance(filters, (tuple, list)) else list(as_array(filters, case.label()))
    return as_array(maps, case.label(), case.as_inputs()), filters


@check("conv-layer.shape")
@given(case=cases.layer_cases())
def conv_layer_returns_stacked_maps(sub, case):
    maps, filters = student_layer(sub, case)
    if maps.shape != (*case.out_shape(), case.number_of_filters) and len(filters) == case.number_of_filters:
        # the size your convolution_function gives, stacked as asked: its size is conv.shape's to charge
        own = _own(student_conv, sub, cases.ConvCase(case.image, np.asarray(filters[0]), case.stride, case.padding))
        if own is not None and maps.shape == (*np.shape(own), case.number_of_filters):
            return
    expect_layer_shapes(case, maps, filters)


@check("conv-layer.random-filters")
@given(case=cases.layer_cases(min_filters=2))
def conv_layer_draws_each_filter(sub, case):
    _, filters = student_layer(sub, case)
    arrays = [np.asarray(f, dtype=np.float64) for f in filters]
    expect(len(arrays) == case.number_of_filters, f"{case.label()} returned {len(arrays)} filters; expected "
           f"{case.number_of_filters}.", inputs=case.as_inputs())
    expect(not all(np.all(f == 0) for f in arrays), f"{case.label()} returned filters that are all zero: the "
           f"filters are random (np.random.randn), so that each map sees something.", inputs=case.as_inputs())
    same = [(i, j) for i in range(len(arrays)) for j in range(i) if np.array_equal(arrays[i], arrays[j])]
    expect(not same, f"{case.label()} returned filters[{same[0][1] if same else 0}] and filters[{same[0][0] if same else 0}] "
           f"equal: each of the K filters is a draw of its own (draw inside the loop, or all K at once), or the K "
           f"maps are copies of one.", inputs=case.as_inputs())


@check("conv-layer.maps-match-filters")
@given(case=cases.layer_cases())
def conv_layer_maps_come_from_its_filters(sub, case):
    maps, filters = student_layer(sub, case)
    k_maps = case.number_of_filters
    expect(maps.ndim == 3 and k_maps in (maps.shape[0], maps.shape[-1]) and len(filters) == k_maps,
           f"{case.label()} returned maps of shape {maps.shape} and {len(filters)} filters; expected {k_maps} "
           f"maps stacked as (H', W', K) and {k_maps} filters.", inputs=case.as_inputs())
    convs = [cases.ConvCase(case.image, np.asarray(kernel), case.stride, case.padding) for kernel in filters]
    expected = [reference_conv(conv, case.activation) for conv in convs]
    if maps.shape[-1] != k_maps or not all(matches(maps[:, :, k], e) for k, e in enumerate(expected)):
        # Right given what conv-layer.shape and the conv checks charge: the maps stacked on the first
        # axis, or each one what the student's own convolution_function gives for its filter.
        own: dict[int, Any] = {}
        for stacked in ([maps] if maps.shape[-1] == k_maps else []) + \
                       ([np.moveaxis(maps, 0, -1)] if maps.shape[0] == k_maps else []):
            if all(matches(stacked[:, :, k], e) or _is(stacked[:, :, k], own.setdefault(
                    k, _own(student_conv, sub, convs[k], case.activation))) for k, e in enumerate(expected)):
                return
    for k, kernel in enumerate(filters):
        expect_matches(maps[:, :, k] if maps.shape[-1] == k_maps else maps[k], expected[k],
                       f"maps[:, :, {k}] of {case.label()} (it must be the convolution of the image with "
                       f"the filters[{k}] returned next to it)", {**case.as_inputs(), f"filters[{k}]": kernel},
                       [(reference_conv(convs[k]), f"the {case.activation} activation was not applied.")])


def _own(step, *args) -> Any:
    """What the student's own function for a step the checked one builds on returns (``step`` is
    one of the student_* helpers); None when it raises. A result equal to it is the checked
    function's right answer given that step: a mistake in the step is charged by that step's checks."""
    try:
        return step(*args)
    except StudentCodeRaised:
        return None


def _is(actual: Any, own: Any) -> bool:
    """``actual`` matches (as expect_close compares) the student's own result ``own``; never when
    there is none (None). This is follow-through credit: a step that is right given the student's
    own earlier step earns its points, whatever that step returned (even zeros), and the earlier
    step's checks charge its mistake."""
    return own is not None and matches(actual, own)


@check("pooling-layer.global-average")
@given(maps=cases.channel_maps())
def global_average_pooling_is_the_channel_mean(sub, maps):
    expect_global_average(sub, maps, f"pooling_layer(activation_map {maps.shape}, pool_type='global_average')")


def expect_global_average(sub, maps: np.ndarray, what: str) -> None:
    inputs = {"activation_map": maps, "pool_type": "global_average"}
    expected = ref.pooling_layer(maps, "global_average")
    actual = as_array(sub.function("pooling_layer")(**inputs), what, inputs)
    expect_shape(actual, expected.shape, what, inputs,
                 "Global average pooling gives one value per channel: the mean over axes (0, 1).")
    expect_close(actual, expected, what=what, inputs=inputs)


@check("pooling-layer.windowed")
@given(case=cases.pool_cases())
def pooling_layer_pools_windows(sub, case):
    expected = ref.pooling_layer(case.maps, case.pool_type, case.stride, case.filter_size)
    actual = student_pool(sub, case, "pooling_layer")
    if not matches(actual, expected) and _is(actual, _own(student_pool, sub, case)):
        return   # what your pooling_function gives: its mistakes are charged by the pooling checks
    expect_close(actual, expected, what=case.label("pooling_layer"), inputs=case.as_inputs())


@check("pooling-layer.gap-regression")
def global_average_of_a_picture(sub):
    expect_global_average(sub, cases.synthetic_logo(),
                          "pooling_layer(128x128x3 uint8 picture, pool_type='global_average')")


# --- multi-layer perceptron ------------------------------------------------------------------------
def student_mlp(sub, case):
    return sub.new("MultiLayerPerceptron", input_layer_size=case.input_size,
                   no_of_hidden_layers=len(case.hidden_sizes), hidden_layer_sizes=list(case.hidden_sizes),
                   act_function=Fn(case.activation), output_size=case.output_size)


@ref.answer
def reference_mlp(case, weights: list[np.ndarray], biases: list[np.ndarray], use_softmax: bool) -> np.ndarray:
    """The reference forward pass with the given parameters (the student's own, or ones we set):
    recorded with the cases when they are ours (drawn), so a student's bundle has the answer."""
    model = ref.MultiLayerPerceptron(case.input_size, len(case.hidden_sizes), list(case.hidden_sizes),
                                     SAFE_FUNCTIONS[case.activation], case.output_size)
    model.weights, model.biases = list(weights), list(biases)
    return model.forward_prop(case.x, use_softmax)


def mlp_forward(model, case, use_softmax: bool) -> Any:
    return model.call("forward_prop", input_vector=case.x, use_softmax_in_output_layer=use_softmax)


@check("mlp.parameters")
@given(case=cases.mlp_cases())
def mlp_parameters_have_layer_shapes(sub, case):
    expect_mlp_parameters(student_mlp(sub, case), case)


def transposed_throughout(found, case) -> bool:
    """Whether the student keeps every weight matrix as (n_out, n_in), consistently, where the
    README asks for (n_in, n_out) (``found``: the model's attributes, mlp_attributes).
    mlp.parameters charges that; the other MLP checks then read and set the matrices the
    student's way, so the forward pass is graded on its own."""
    try:
        shapes = [tuple(np.shape(w)) for w in found["weights"]]
    except (KeyError, TypeError):
        return False
    flipped = [(n_out, n_in) for n_in, n_out in case.layer_shapes]
    return shapes == flipped != case.layer_shapes


@check("mlp.forward")
@given(case=cases.mlp_cases())
def mlp_forward_matches_reference(sub, case):
    model = student_mlp(sub, case)
    found = mlp_attributes(model)
    if transposed_throughout(found, case) and "biases" in found:
        weights, biases = [np.asarray(w).T for w in found["weights"]], found["biases"]
    else:
        weights, biases = expect_mlp_parameters(model, case, found)
    biases = [np.asarray(b) for b in biases]
    expected = reference_mlp(case, weights, biases, use_softmax=True)
    actual = mlp_forward(model, case, True)
    if not matches(actual, expected) and _is(actual, reference_mlp(case, weights, biases, use_softmax=False)):
        return   # the right scores without the softmax: the flag is mlp.softmax's to charge
    expect_close(actual, expected, what=f"{case.label()}.forward_prop(x) "
                 "with your weights and biases", inputs={"x": case.x})
    # The same object again, on another input: a forward pass that keeps what it computed on self
    # (a list of activations it appends to and then indexes from the start) answers the first call.
    other = dataclasses.replace(case, x=(1.0 - case.x)[..., ::-1].copy())
    second = mlp_forward(model, other, True)
    if not matches(second, reference_mlp(other, weights, biases, use_softmax=True)):
        again = " (it is the first call's answer again)" if _is(second, actual) else ""
        fail(f"{case.label()}.forward_prop(x) matched the reference, but a second call on the same object with "
             f"another input x2 did not{again}. Each call must start from its own input: do not keep activations "
             f"on self between calls (a list that grows and is read from index 0), or reset them at the start "
             f"of forward_prop.", inputs={"x": case.x, "x2": other.x})


def student_mlp_with(sub, case, weights: list[np.ndarray], biases: list[np.ndarray]):
    """The student's MLP with its parameters replaced by ours (after checking the shapes it made)."""
    model = student_mlp(sub, case)
    found = mlp_attributes(model)
    transposed = transposed_throughout(found, case)
    if not transposed:
        expect_mlp_parameters(model, case, found)
    model.set("weights", [w.T.copy() for w in weights] if transposed else weights)
    model.set("biases", biases)
    return model


@check("mlp.biases")
@given(drawn=cases.mlp_cases_with_parameters())
def mlp_adds_its_biases(sub, drawn):
    case, weights, biases = drawn
    expected = reference_mlp(case, weights, biases, use_softmax=False)
    without_biases = reference_mlp(case, weights, [0 * b for b in biases], use_softmax=False)
    actual = mlp_forward(student_mlp_with(sub, case, weights, biases), case, False)
    if not matches(actual, expected) and _is(actual, SAFE_FUNCTIONS[case.activation](expected)):
        return   # the biases are added; the activation on the output layer is mlp.linear-output's to charge
    expect_matches(actual, expected, f"{case.label()}.forward_prop(x, False) with non-zero biases",
                   {"x": case.x, "weights": weights, "biases": biases},
                   [(without_biases, "the output is what zero biases give: every layer must add its bias, "
                                     "x @ W + b.")])


@check("mlp.linear-output")
@given(drawn=cases.mlp_cases_with_parameters())
def mlp_output_layer_is_linear(sub, drawn):
    case, weights, biases = drawn
    expected = reference_mlp(case, weights, biases, use_softmax=False)
    actual = mlp_forward(student_mlp_with(sub, case, weights, biases), case, False)
    if not matches(actual, expected) and _is(actual, reference_mlp(case, weights, [0 * b for b in biases], use_softmax=False)):
        return   # the output layer is linear; the missing biases are mlp.biases's to charge
    expect_matches(actual, expected, f"{case.label()}.forward_prop(x, False)",
                   {"x": case.x, "weights": weights, "biases": biases},
                   [(SAFE_FUNCTIONS[case.activation](expected), f"the {case.activation} is applied to the output "
                     "layer too; the output layer is linear (x @ W + b), only hidden layers use act_function.")])


@check("mlp.softmax")
@given(case=cases.mlp_cases(limit=10.0))
def mlp_softmax_output_is_a_distribution(sub, case):
    what = f"{case.label()}.forward_prop(x)"
    scores = as_array(mlp_forward(student_mlp(sub, case), case, True), what, {"x": case.x})
    expect_distribution(scores, (case.output_size,), what, {"x": case.x})


@check("cnn.output")
def cnn_returns_class_probabilities(sub):
    for side in (16, 32):       # the smallest size the network accepts is 12
        image = np.random.default_rng(side).random((side, side, 3))      # the same picture for everyone
        what = f"CNN(input_image {image.shape})"
        scores = as_array(sub.function("CNN")(input_image=image), what, {"input_image": image})
        expect_distribution(scores, (1000,), what, {"input_image": image})
