"""Inputs for the cs231n-layers suite: hypothesis strategies for each layer's cases.

Hypothesis draws the sizes, the layer's settings and a seed; the arrays come from numpy's generator
with that seed, so a failure shrinks to the smallest sizes. Values for the affine, ReLU,
convolution and pooling layers lie on a grid of 1/8 (exact in float32 at these sizes); ReLU inputs
always hold exact zeros, and pooling inputs are all different (no ties for the maximum).
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): expected values come from the reference

from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import strategies as st

SEEDS = st.integers(0, 2**16)


def _grid(rng: np.random.Generator, shape: tuple[int, ...], limit: int = 4) -> np.ndarray:
    return rng.integers(-limit * 8, limit * 8 + 1, size=shape) / 8.0


@dataclass(frozen=True)
class AffineCase:
    x: np.ndarray
    w: np.ndarray
    b: np.ndarray
    dout: np.ndarray

    def inputs(self) -> dict[str, Any]:
        return {"x": self.x, "w": self.w, "b": self.b}


@st.composite
def affine_cases(draw, min_extra_dims: int = 0, max_extra_dims: int = 2) -> AffineCase:
    """x (N, d1, ..., dk) with between min_extra_dims + 1 and max_extra_dims + 1 axes after N."""
    n = draw(st.integers(1, 4))
    dims = tuple(draw(st.lists(st.integers(1, 3), min_size=min_extra_dims + 1, max_size=max_extra_dims + 1)))
    m = draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(SEEDS))
    d = int(np.prod(dims))
    return AffineCase(_grid(rng, (n, *dims)), _grid(rng, (d, m)), _grid(rng, (m,)), _grid(rng, (n, m)))


@dataclass(frozen=True)
class ReluCase:
    x: np.ndarray
    dout: np.ndarray


@st.composite
def relu_cases(draw) -> ReluCase:
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=4)))
    rng = np.random.default_rng(draw(SEEDS))
    x = rng.integers(-4, 5, size=shape) / 2.0
    x.flat[0] = 0.0          # always an exact zero: the subgradient there is 0
    if x.size > 1:
        x.flat[-1] = 1.5     # and a positive entry
    return ReluCase(x, _grid(rng, shape) + 0.0625)   # dout never 0, so a gradient let through shows


@dataclass(frozen=True)
class ConvCase:
    x: np.ndarray
    w: np.ndarray
    b: np.ndarray
    stride: int
    pad: int
    dout: np.ndarray

    def conv_param(self) -> dict[str, int]:
        return {"stride": self.stride, "pad": self.pad}

    def inputs(self) -> dict[str, Any]:
        return {"x": self.x, "w": self.w, "b": self.b, "conv_param": self.conv_param()}

    def label(self) -> str:
        return (f"conv_forward_naive(x {self.x.shape}, w {self.w.shape}, b, "
                f"{{'stride': {self.stride}, 'pad': {self.pad}}})")


@st.composite
def conv_cases(draw, min_pad: int = 0) -> ConvCase:
    n, c, f = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    hh, ww = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    pad, stride = draw(st.integers(min_pad, 2)), draw(st.integers(1, 2))
    h = draw(st.integers(max(1, hh - 2 * pad), 6))
    w = draw(st.integers(max(1, ww - 2 * pad), 6))
    rng = np.random.default_rng(draw(SEEDS))
    h_out, w_out = 1 + (h + 2 * pad - hh) // stride, 1 + (w + 2 * pad - ww) // stride
    return ConvCase(_grid(rng, (n, c, h, w)), _grid(rng, (f, c, hh, ww)), _grid(rng, (f,)), stride, pad,
                    _grid(rng, (n, f, h_out, w_out)))


@dataclass(frozen=True)
class PoolCase:
    x: np.ndarray
    pool_height: int
    pool_width: int
    stride: int
    dout: np.ndarray

    def pool_param(self) -> dict[str, int]:
        return {"pool_height": self.pool_height, "pool_width": self.pool_width, "stride": self.stride}

    def inputs(self) -> dict[str, Any]:
        return {"x": self.x, "pool_param": self.pool_param()}

    def overlapping(self) -> bool:
        return self.stride < max(self.pool_height, self.pool_width)

    def label(self, name: str = "max_pool_forward_naive") -> str:
        return f"{name}(x {self.x.shape}, {self.pool_param()})"


@st.composite
def pool_cases(draw, overlapping: bool | None = None) -> PoolCase:
    ph, pw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    if overlapping:
        ph, pw = max(ph, 2), max(pw, 2)
        stride = draw(st.integers(1, max(ph, pw) - 1))
    else:
        stride = draw(st.integers(1, 3))
    n, c = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    h, w = draw(st.integers(ph, 7)), draw(st.integers(pw, 7))
    rng = np.random.default_rng(draw(SEEDS))
    size = n * c * h * w
    x = (rng.permutation(size) - size // 2).reshape(n, c, h, w) / 8.0     # all different: no ties
    h_out, w_out = 1 + (h - ph) // stride, 1 + (w - pw) // stride
    return PoolCase(x, ph, pw, stride, _grid(rng, (n, c, h_out, w_out)) + 0.0625)


@dataclass(frozen=True)
class NormCase:
    """A batch (N, D) or an image batch (N, C, H, W) with its per-feature gamma and beta, the
    bn_param's settings and running averages, and an upstream gradient."""
    x: np.ndarray
    gamma: np.ndarray
    beta: np.ndarray
    eps: float
    momentum: float
    running_mean: np.ndarray
    running_var: np.ndarray
    dout: np.ndarray

    def bn_param(self, mode: str) -> dict[str, Any]:
        return {"mode": mode, "eps": self.eps, "momentum": self.momentum,
                "running_mean": self.running_mean.copy(), "running_var": self.running_var.copy()}


def _norm_case(rng: np.random.Generator, shape: tuple[int, ...], features: int, eps: float,
               momentum: float) -> NormCase:
    x = rng.normal(rng.uniform(-3, 3), rng.uniform(0.5, 3), size=shape)
    return NormCase(x, rng.uniform(0.5, 2.0, features), rng.normal(0, 1, features), eps, momentum,
                    rng.normal(0, 1, features), rng.uniform(0.5, 2.0, features), rng.normal(0, 1, shape))


EPS = st.sampled_from([1e-5, 1e-3, 0.1])
MOMENTUM = st.sampled_from([0.9, 0.5])


@st.composite
def batchnorm_cases(draw) -> NormCase:
    n, d = draw(st.integers(2, 6)), draw(st.integers(1, 4))
    return _norm_case(np.random.default_rng(draw(SEEDS)), (n, d), d, draw(EPS), draw(MOMENTUM))


@st.composite
def spatial_cases(draw) -> NormCase:
    n, c = draw(st.integers(1, 3), label="N"), draw(st.integers(1, 3), label="C")
    h, w = draw(st.integers(1, 3)), draw(st.integers(2, 4))
    return _norm_case(np.random.default_rng(draw(SEEDS)), (n, c, h, w), c, draw(EPS), draw(MOMENTUM))


@st.composite
def layernorm_cases(draw) -> NormCase:
    """A batch (N, D) whose rows have means and spreads of their own; running averages unused."""
    n, d = draw(st.integers(1, 4)), draw(st.integers(2, 5))
    rng = np.random.default_rng(draw(SEEDS))
    x = rng.normal(rng.uniform(-3, 3, (n, 1)), rng.uniform(0.5, 3, (n, 1)), size=(n, d))
    case = _norm_case(rng, (n, d), d, draw(EPS), 0.9)
    return NormCase(x, case.gamma, case.beta, case.eps, case.momentum, case.running_mean, case.running_var,
                    case.dout)


@dataclass(frozen=True)
class GroupCase:
    x: np.ndarray
    gamma: np.ndarray       # (1, C, 1, 1), as the notebook passes it
    beta: np.ndarray
    G: int
    eps: float
    dout: np.ndarray

    def inputs(self) -> dict[str, Any]:
        return {"x": self.x, "gamma": self.gamma, "beta": self.beta, "G": self.G, "gn_param": {"eps": self.eps}}

    def label(self) -> str:
        return f"spatial_groupnorm_forward(x {self.x.shape}, gamma {self.gamma.shape}, beta {self.beta.shape}, G={self.G})"


@st.composite
def group_cases(draw) -> GroupCase:
    n, g = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    per = draw(st.integers(2 if g == 1 else 1, 2))     # C >= 2: (1, C, 1, 1) and (C,) tell apart
    h, w = draw(st.integers(1, 3)), draw(st.integers(2, 3))
    c = g * per
    rng = np.random.default_rng(draw(SEEDS))
    x = rng.normal(rng.uniform(-3, 3), rng.uniform(0.5, 3), size=(n, c, h, w))
    return GroupCase(x, rng.uniform(0.5, 2.0, (1, c, 1, 1)), rng.normal(0, 1, (1, c, 1, 1)), g, draw(EPS),
                     rng.normal(0, 1, (n, c, h, w)))


@dataclass(frozen=True)
class SoftmaxCase:
    x: np.ndarray
    y: np.ndarray


@st.composite
def softmax_cases(draw, large: bool = False) -> SoftmaxCase:
    """Scores (for softmax_loss and svm_loss) of spread about 2, never exactly at a hinge's kink;
    with ``large``, each row shifted by 800 to 3000 (exp overflows float64 beyond about 709), so
    only a softmax that subtracts the row's maximum stays finite."""
    n, c = draw(st.integers(2, 5), label="N"), draw(st.integers(2, 6))
    rng = np.random.default_rng(draw(SEEDS))
    x = rng.normal(0, 2.0, (n, c))
    if large:
        x += rng.uniform(800, 3000, (n, 1))
    return SoftmaxCase(x, rng.integers(0, c, n))


def catalog_conv_case() -> ConvCase:
    """The notebook's own conv_forward_naive test."""
    x = np.linspace(-0.1, 0.5, num=2 * 3 * 4 * 4).reshape(2, 3, 4, 4)
    w = np.linspace(-0.2, 0.3, num=3 * 3 * 4 * 4).reshape(3, 3, 4, 4)
    b = np.linspace(-0.1, 0.2, num=3)
    return ConvCase(x, w, b, 2, 1, np.zeros((2, 3, 2, 2)))


def catalog_pool_case() -> PoolCase:
    """The notebook's own max_pool_forward_naive test."""
    x = np.linspace(-0.3, 0.4, num=2 * 3 * 4 * 4).reshape(2, 3, 4, 4)
    return PoolCase(x, 2, 2, 2, np.zeros((2, 3, 2, 2)))
