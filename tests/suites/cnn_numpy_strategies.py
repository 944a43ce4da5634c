"""Inputs for the cnn-numpy suite: hypothesis strategies for each kind of case, and fixed images.

Array values lie on a grid of 1/8 in [-10, 10]. Every product of two such values is a multiple of
1/64 below 100 in size, and every sum of up to 600 of them is an exact float32 number (22 bits), so
a correct float32 implementation matches the float64 reference exactly, whatever order it sums in,
and the default float32 tolerance holds. Wrong answers are still wrong by whole grid steps.

Strategy factories check their arguments when the suite is imported: a strategy that cannot produce
a valid case is the course author's error, reported once, not a student's failure.
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): expected values come from the reference

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from grader.errors import SpecError

GRID_STEP = 8                  # values are integers / GRID_STEP
# The activations the suite passes into the student's code by name (grader.submission.SAFE_FUNCTIONS).
ACTIVATION_NAMES = ("relu", "sigmoid", "tanh", "leaky_relu")
# Strictly increasing ones: two different filters give two different maps unless the image is 0,
# so a check that compares maps with filters cannot pass or fail by luck (ReLU can zero both).
INJECTIVE_ACTIVATIONS = ("identity", "sigmoid", "tanh", "leaky_relu")


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise SpecError(f"tests/suites/cnn_numpy_strategies.py: {message}")


def grid_values(limit: float = 10.0) -> st.SearchStrategy[float]:
    """Multiples of 1/GRID_STEP in [-limit, limit]."""
    _require(limit > 0, f"limit={limit} must be positive")
    steps = int(limit * GRID_STEP)
    return st.integers(-steps, steps).map(lambda k: k / GRID_STEP)


def grid_arrays(shape: tuple[int, ...] | st.SearchStrategy[tuple[int, ...]], limit: float | tuple[float, float] = 10.0,
                step: float = 1 / GRID_STEP) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays of ``shape`` whose values are multiples of ``step`` in [-limit, limit]
    (``limit`` may be a pair (low, high) instead).

    Drawn as integers and scaled afterwards: plain integer elements let hypothesis fill most of an
    array with one value and draw only some entries one by one, which is many times faster to
    generate (and to shrink) than drawing every element. The composites below draw one for every
    case: each shape's strategy is built once (a live run that shrinks draws thousands of cases).
    """
    return _grid_arrays(tuple(shape) if isinstance(shape, list) else shape,
                        tuple(limit) if isinstance(limit, list) else limit, step)


@functools.lru_cache(maxsize=4096)
def _grid_arrays(shape: tuple[int, ...] | st.SearchStrategy[tuple[int, ...]], limit: float | tuple[float, float],
                 step: float) -> st.SearchStrategy[np.ndarray]:
    low, high = limit if isinstance(limit, tuple) else (-limit, limit)
    _require(low <= high and step > 0, f"limit={limit}, step={step}: need low <= high and a positive step")
    ints = st.integers(int(np.ceil(low / step)), int(np.floor(high / step)))
    return hnp.arrays(np.int64, shape, elements=ints).map(lambda a: a.astype(np.float64) * step)


def activation_inputs(limit: float = 30.0) -> st.SearchStrategy[np.ndarray]:
    """1-D or 2-D float64 arrays (sides 1-6) of any finite values in [-limit, limit]."""
    return hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=6),
                      elements=st.floats(-limit, limit, allow_nan=False, allow_infinity=False))


def logits(limit: float = 10.0) -> st.SearchStrategy[np.ndarray]:
    """1-D or 2-D arrays (sides 2-6) on the grid: inputs for softmax."""
    return grid_arrays(hnp.array_shapes(min_dims=1, max_dims=2, min_side=2, max_side=6), limit)


@st.composite
def large_logits(draw: st.DrawFn) -> np.ndarray:
    """Softmax inputs in the thousands: grid values plus one large offset per row. Both parts are
    exact in float32, so x - max(x) is exact there too and only exp can go wrong (overflow)."""
    x = draw(logits(20.0))
    offsets = st.sampled_from([-3000.0, -800.0, 800.0, 3000.0])
    return x + draw(hnp.arrays(np.float64, x.shape[:-1] + (1,), elements=offsets))


@st.composite
def dims_cases(draw: st.DrawFn) -> dict[str, int]:
    """Keyword arguments of calculate_output_activation_map_dimensions: sides 1-64, padding 0-3,
    stride 1-4 and a filter that fits the padded image."""
    height, width, padding = draw(st.integers(1, 64)), draw(st.integers(1, 64)), draw(st.integers(0, 3))
    return {"Image_Height": height, "Image_Width": width,
            "Filter_Height": draw(st.integers(1, height + 2 * padding)),
            "Filter_Width": draw(st.integers(1, width + 2 * padding)), "P": padding, "S": draw(st.integers(1, 4))}


# --- convolution ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ConvCase:
    """One call of convolution_function (the activation is chosen by each check)."""

    image: np.ndarray      # (H, W, C)
    kernel: np.ndarray     # (Fh, Fw, C)
    stride: int
    padding: int

    def with_kernel(self, kernel: np.ndarray) -> "ConvCase":
        return ConvCase(self.image, kernel, self.stride, self.padding)

    def out_shape(self) -> tuple[int, int]:
        (h, w, _), (fh, fw, _) = self.image.shape, self.kernel.shape
        return (h - fh + 2 * self.padding) // self.stride + 1, (w - fw + 2 * self.padding) // self.stride + 1

    def label(self, activation: str = "identity") -> str:
        return (f"convolution_function(input_image {self.image.shape}, stride={self.stride}, "
                f"filter {self.kernel.shape}, {activation}, padding={self.padding})")

    def as_inputs(self) -> dict[str, Any]:
        return {"input_image": self.image, "stride": self.stride, "filter": self.kernel, "padding": self.padding}


def conv_cases(*, min_side: int = 1, max_side: int = 10, max_channels: int = 3,
               paddings: tuple[int, int] = (0, 2), strides: tuple[int, int] = (1, 3),
               min_filter: int = 1, max_filter: int | None = None) -> st.SearchStrategy[ConvCase]:
    """Images (H, W, C) with H, W in [min_side, max_side] and C in [1, max_channels]; filters
    (Fh, Fw, C) that fit the padded image, min_filter <= F <= min(H + 2P, max_filter); strides and
    paddings in the given inclusive ranges."""
    (p_lo, p_hi), (s_lo, s_hi) = paddings, strides
    top_filter = max_filter if max_filter is not None else max_side + 2 * p_hi
    _require(0 <= p_lo <= p_hi, f"paddings={paddings}: need 0 <= low <= high")
    _require(1 <= s_lo <= s_hi, f"strides={strides}: need 1 <= low <= high")
    _require(1 <= min_side <= max_side and max_channels >= 1,
             f"min_side={min_side}, max_side={max_side}, max_channels={max_channels}: need 1 <= min_side <= max_side")
    _require(min_filter <= min(top_filter, max_side + 2 * p_hi),
             f"min_filter={min_filter} is larger than max_filter={max_filter} or the largest padded image")

    @st.composite
    def build(draw: st.DrawFn) -> ConvCase:
        # the least padding with which a min_filter-sized filter fits the largest image: ceil((F - H) / 2)
        padding = draw(st.integers(max(p_lo, -((max_side - min_filter) // 2)), p_hi))
        lowest_side = max(min_side, min_filter - 2 * padding)
        height, width = draw(st.integers(lowest_side, max_side)), draw(st.integers(lowest_side, max_side))
        channels = draw(st.integers(1, max_channels))
        fh = draw(st.integers(min_filter, min(height + 2 * padding, top_filter)))
        fw = draw(st.integers(min_filter, min(width + 2 * padding, top_filter)))
        image = draw(grid_arrays((height, width, channels)))
        kernel = draw(grid_arrays((fh, fw, channels)))
        return ConvCase(image, kernel, draw(st.integers(s_lo, s_hi)), padding)
    return build()


@st.composite
def centre_tap_cases(draw: st.DrawFn) -> ConvCase:
    """An odd square filter that is 1 at its centre in every channel, 'same' padding, stride 1:
    the correct output is the image's channel sum."""
    size = draw(st.sampled_from([1, 3, 5]))
    image = draw(grid_arrays((draw(st.integers(1, 8)), draw(st.integers(1, 8)), draw(st.integers(1, 3)))))
    kernel = np.zeros((size, size, image.shape[2]))
    kernel[size // 2, size // 2, :] = 1.0
    return ConvCase(image, kernel, 1, size // 2)


@st.composite
def corner_tap_cases(draw: st.DrawFn) -> ConvCase:
    """A filter of at least 2×2 that is 1 at its top-left entry of one channel and 0 elsewhere."""
    case = draw(_CORNER_TAP_SHAPES)
    kernel = np.zeros_like(case.kernel)
    kernel[0, 0, draw(st.integers(0, kernel.shape[2] - 1))] = 1.0
    return case.with_kernel(kernel)


# built once: a composite made inside a draw has hypothesis parse its source again on every draw
_CORNER_TAP_SHAPES = conv_cases(max_side=8, paddings=(0, 1), strides=(1, 2), min_filter=2)


# --- pooling ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PoolCase:
    """One call of pooling_function or pooling_layer."""

    maps: np.ndarray                        # (H, W, C) or (H, W)
    pool_type: str
    stride: int
    filter_size: int | tuple[int, int]

    def label(self, name: str = "pooling_function") -> str:
        return (f"{name}(activation_map {self.maps.shape}, pool_type={self.pool_type!r}, "
                f"stride={self.stride}, filter_size={self.filter_size})")

    def as_inputs(self) -> dict[str, Any]:
        return {"activation_map": self.maps, "pool_type": self.pool_type, "stride": self.stride,
                "filter_size": self.filter_size}


def pool_cases(*, pool_types: tuple[str, ...] = ("max", "average"), flat: bool = False,
               square_int: bool = False, max_side: int = 12, min_channels: int = 1, max_channels: int = 3,
               limit: float | tuple[float, float] = 10.0, step: float = 1 / GRID_STEP) -> st.SearchStrategy[PoolCase]:
    """Maps (H, W, C), or (H, W) when ``flat``, with windows that fit and strides 1-3; values as in
    :func:`grid_arrays`. ``square_int`` gives filter_size as one int; otherwise as a pair (fh, fw)."""
    _require(bool(pool_types), "pool_types must not be empty")
    _require(1 <= min_channels <= max_channels, f"channels: need 1 <= {min_channels} <= {max_channels}")
    _require(max_side >= 1, f"max_side={max_side} must be at least 1")

    @st.composite
    def build(draw: st.DrawFn) -> PoolCase:
        height, width = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
        shape = (height, width) if flat else (height, width, draw(st.integers(min_channels, max_channels)))
        maps = draw(grid_arrays(shape, limit, step))
        if square_int:
            size: int | tuple[int, int] = draw(st.integers(1, min(height, width)))
        else:
            size = (draw(st.integers(1, height)), draw(st.integers(1, width)))
        return PoolCase(maps, draw(st.sampled_from(pool_types)), draw(st.integers(1, 3)), size)
    return build()


@st.composite
def constant_channel_maps(draw: st.DrawFn) -> PoolCase:
    """2-3 channels, each filled with its own constant, so a correct pooling returns the constants."""
    channels = draw(st.integers(2, 3))
    levels = draw(st.lists(grid_values(), min_size=channels, max_size=channels, unique=True))
    height, width = draw(st.integers(2, 10)), draw(st.integers(2, 10))
    maps = np.broadcast_to(np.array(levels), (height, width, channels)).copy()
    size = (draw(st.integers(1, height)), draw(st.integers(1, width)))
    return PoolCase(maps, draw(st.sampled_from(["max", "average"])), draw(st.integers(1, 3)), size)


def channel_maps() -> st.SearchStrategy[np.ndarray]:
    """(H, W, C) maps with sides 1-8 and 1-5 channels, on the grid: inputs for global average pooling."""
    return grid_arrays(st.tuples(st.integers(1, 8), st.integers(1, 8), st.integers(1, 5)))


# --- layers -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LayerCase:
    """One call of convolution_layer."""

    image: np.ndarray
    number_of_filters: int
    filter_dimensions: tuple[int, int]
    stride: int
    padding: int
    activation: str

    def out_shape(self) -> tuple[int, int]:
        (h, w, _), (fh, fw) = self.image.shape, self.filter_dimensions
        return (h - fh + 2 * self.padding) // self.stride + 1, (w - fw + 2 * self.padding) // self.stride + 1

    def label(self) -> str:
        return (f"convolution_layer(input_image {self.image.shape}, number_of_filters={self.number_of_filters}, "
                f"filter_dimensions={self.filter_dimensions}, stride={self.stride}, padding={self.padding}, "
                f"activation={self.activation})")

    def as_inputs(self) -> dict[str, Any]:
        return {"input_image": self.image, "number_of_filters": self.number_of_filters,
                "filter_dimensions": self.filter_dimensions, "stride": self.stride, "padding": self.padding,
                "activation": self.activation}


@st.composite
def layer_cases(draw: st.DrawFn, activations: tuple[str, ...] = INJECTIVE_ACTIVATIONS,
                min_filters: int = 1) -> LayerCase:
    """Small images (sides 3-8, 1-3 channels), min_filters-4 filters of at most 3×3, stride 1-2, padding 0-1."""
    height, width = draw(st.integers(3, 8)), draw(st.integers(3, 8))
    image = draw(grid_arrays((height, width, draw(st.integers(1, 3)))))
    dims = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    return LayerCase(image, draw(st.integers(min_filters, 4)), dims, draw(st.integers(1, 2)), draw(st.integers(0, 1)),
                     draw(st.sampled_from(activations)))


@dataclass(frozen=True)
class MlpCase:
    """Layer sizes, an activation and one input vector for MultiLayerPerceptron."""

    input_size: int
    hidden_sizes: tuple[int, ...]
    output_size: int
    activation: str
    x: np.ndarray

    @property
    def layer_shapes(self) -> list[tuple[int, int]]:
        sizes = [self.input_size, *self.hidden_sizes, self.output_size]
        return list(zip(sizes[:-1], sizes[1:]))

    def label(self) -> str:
        return (f"MultiLayerPerceptron({self.input_size}, {len(self.hidden_sizes)}, {list(self.hidden_sizes)}, "
                f"{self.activation}, {self.output_size})")


@st.composite
def mlp_cases(draw: st.DrawFn, limit: float = 2.0) -> MlpCase:
    """1-6 inputs, 1-3 hidden layers of 1-6 units, 2-5 outputs; x on the grid in [-limit, limit]."""
    input_size = draw(st.integers(1, 6))
    hidden = tuple(draw(st.lists(st.integers(1, 6), min_size=1, max_size=3)))
    return MlpCase(input_size, hidden, draw(st.integers(2, 5)), draw(st.sampled_from(("relu", "sigmoid", "tanh"))),
                   draw(grid_arrays((input_size,), limit)))


@st.composite
def mlp_cases_with_parameters(draw: st.DrawFn) -> tuple[MlpCase, list[np.ndarray], list[np.ndarray]]:
    """An MLP case with weights (on the grid, in [-2, 2]) and biases (every entry between 1/2 and 3
    away from zero) for each layer. Checks that set these replace the student's random draws, so
    their verdict depends on the drawn inputs only, and shrinks with them."""
    case = draw(mlp_cases())
    weights = [draw(grid_arrays(shape, 2.0)) for shape in case.layer_shapes]
    biases = []
    for _, n_out in case.layer_shapes:
        signs = draw(hnp.arrays(np.int64, (n_out,), elements=st.sampled_from([-1, 1])))
        biases.append(signs * draw(grid_arrays((n_out,), (0.5, 3.0))))
    return case, weights, biases


# --- fixed images -----------------------------------------------------------------------------------
def synthetic_logo(size: int = 128) -> np.ndarray:
    """A (size, size, 3) uint8 picture standing in for the seed's logo, which cannot be shipped:
    a vertical gradient (red), rings around the centre (green) and a shaded disc (blue).

    Integer arithmetic only, so it is the same bytes on every machine and numpy version. 128 px
    holds every value range the seed's picture has and is still larger than a report draws (so a
    failing map is cropped); a 256 px picture cost a student's loop-based convolution four times as
    long, on this one input, for no fault it would find that 128 px does not.
    """
    y, x = np.mgrid[0:size, 0:size].astype(np.int64)
    last = size - 1
    dist2 = (2 * x - last) ** 2 + (2 * y - last) ** 2          # 4·(squared distance to the centre)
    red = 255 - (200 * y) // last
    green = np.where((dist2 // (8 * size)) % 2 == 0, 230, 60)
    blue = np.where(dist2 < (size * 3 // 4) ** 2, 40 + (215 * x) // last, 250)
    return np.stack([red, green, blue], axis=-1).astype(np.uint8)
