"""Reference for the assignment ``cnn-numpy``: the building blocks of a small CNN, in numpy.

Conventions, the same as in the students' starter notebook:

- images and activation maps are HWC arrays, one image at a time (no batch axis);
- a filter is (Fh, Fw, C) and is applied by cross-correlation (no flip) over a zero-padded image;
- activations are functions of an array; ``softmax`` normalises over the last axis.

Every sliding window comes from one ``sliding_window_view`` of the (padded) map; a convolution is
then one ``einsum`` over the window axes and a pooling one reduction over them.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

Activation = Callable[[np.ndarray], np.ndarray]


# --- activations -----------------------------------------------------------------------------------
def sigmoid(x):
    """1 / (1 + e^-x), elementwise. Written as exp(-log(1 + e^-x)) so that no step overflows."""
    return np.exp(-np.logaddexp(0.0, -np.asarray(x, dtype=np.float64)))


def tanh(x):
    """The hyperbolic tangent, elementwise."""
    return np.tanh(x)


def relu(x):
    """max(x, 0), elementwise."""
    return np.maximum(x, 0)


def leaky_relu(x, alpha=0.01):
    """x where x > 0 and alpha * x elsewhere, elementwise."""
    x = np.asarray(x)
    return np.where(x > 0, x, alpha * x)


def softmax(x):
    """exp(x) normalised to sum to 1 over the last axis.

    The row maximum is subtracted first: the result is the same, and exp never overflows.
    """
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


ACTIVATIONS = {"identity": lambda x: x, "sigmoid": sigmoid, "tanh": tanh, "relu": relu,
               "leaky_relu": leaky_relu}


def _activation(activation: Any) -> Activation:
    """A callable activation; a name such as ``"relu"`` is looked up in ACTIVATIONS."""
    if callable(activation):
        return activation
    if activation in ACTIVATIONS:
        return ACTIVATIONS[activation]
    raise ValueError(f"activation={activation!r}: pass a function or one of {', '.join(ACTIVATIONS)}")


# --- geometry --------------------------------------------------------------------------------------
def calculate_output_activation_map_dimensions(Image_Height, Image_Width, Filter_Height, Filter_Width, P=0, S=1):
    """(H_out, W_out) of a Fh×Fw filter slid with stride S over an image zero-padded by P on each side.

    H_out = (H - Fh + 2P) // S + 1, and the same for widths: (256, 256, 3, 3, P=1, S=1) -> (256, 256).
    """
    return (Image_Height - Filter_Height + 2 * P) // S + 1, (Image_Width - Filter_Width + 2 * P) // S + 1


def _check_geometry(stride: int, padding: int) -> None:
    if padding < 0:
        raise ValueError(f"padding={padding} must not be negative")
    if stride < 1:
        raise ValueError(f"stride={stride} must be at least 1")


def _pair(size: int | Sequence[int]) -> tuple[int, int]:
    """(height, width) of a window given as an int (square) or as a pair."""
    if np.ndim(size) == 0:
        return int(size), int(size)
    height, width = size
    return int(height), int(width)


def _windows(maps: np.ndarray, height: int, width: int, stride: int) -> np.ndarray:
    """Every height×width window of an HWC array, ``stride`` apart: shape (H', W', C, height, width).

    Taking every window and then every ``stride``-th one gives (H - height) // stride + 1 rows,
    the output size formula.
    """
    if height > maps.shape[0] or width > maps.shape[1]:
        raise ValueError(f"a {height}x{width} window does not fit in a {maps.shape[0]}x{maps.shape[1]} map")
    return sliding_window_view(maps, (height, width), axis=(0, 1))[::stride, ::stride]


# --- convolution -----------------------------------------------------------------------------------
def convolution_function(input_image, stride, filter, activation_function, padding=0):
    """activation_function(A), A[i, j] = sum over u, v, c of X[i*S + u, j*S + v, c] * K[u, v, c].

    X is ``input_image`` (H, W, C) zero-padded by ``padding`` rows and columns on every side, K is
    ``filter`` (Fh, Fw, C), S is ``stride``. Returns an (H_out, W_out) map; raises ValueError for a
    negative padding, a stride below 1, or a filter whose channels do not match the image's.
    """
    _check_geometry(stride, padding)
    image = np.asarray(input_image, dtype=np.float64)
    kernel = np.asarray(filter, dtype=np.float64)
    if image.ndim != 3 or kernel.ndim != 3 or image.shape[2] != kernel.shape[2]:
        raise ValueError(f"expected an (H, W, C) image and an (Fh, Fw, C) filter, "
                         f"got {image.shape} and {kernel.shape}")
    padded = np.pad(image, ((padding, padding), (padding, padding), (0, 0)))
    windows = _windows(padded, kernel.shape[0], kernel.shape[1], stride)
    return activation_function(np.einsum("ijcuv,uvc->ij", windows, kernel))


EMBOSS_KERNEL = np.array([[-2, -1, 0],
                          [-1, 1, 1],
                          [0, 1, 2]], dtype=np.float64)


def get_embossing_filter():
    """The 3×3 emboss kernel for each of 3 channels: shape (3, 3, 3), [:, :, c] == EMBOSS_KERNEL."""
    return np.repeat(EMBOSS_KERNEL[:, :, np.newaxis], 3, axis=2)


# --- pooling ---------------------------------------------------------------------------------------
def pooling_function(activation_map, pool_type="max", stride=2, filter_size=2):
    """The max or the mean of every filter_size window, ``stride`` apart, channel by channel.

    (H, W, C) -> (H', W', C) and (H, W) -> (H', W'), with H' = (H - fh) // stride + 1.
    ``filter_size`` is an int (square window) or (fh, fw). Values are not rescaled.
    """
    reducers = {"max": np.max, "average": np.mean}
    if pool_type not in reducers:
        raise ValueError(f"pool_type={pool_type!r}: use 'max' or 'average'")
    _check_geometry(stride, 0)
    height, width = _pair(filter_size)
    maps = np.asarray(activation_map)
    flat = maps.ndim == 2
    if flat:
        maps = maps[:, :, np.newaxis]
    pooled = reducers[pool_type](_windows(maps, height, width, stride), axis=(-2, -1))
    return pooled[:, :, 0] if flat else pooled


# --- layers ----------------------------------------------------------------------------------------
def convolution_layer(input_image, number_of_filters, filter_dimensions=(3, 3), stride=1, padding=0,
                      activation=relu):
    """K = ``number_of_filters`` filters of shape (Fh, Fw, C), drawn from N(0, 1) with numpy's global
    generator, each applied with :func:`convolution_function`.

    Returns ``(maps, filters)``: maps is (H', W', K) with maps[:, :, k] the map of filters[k].
    """
    height, width = _pair(filter_dimensions)
    act = _activation(activation)
    channels = np.shape(input_image)[2]
    filters = [np.random.standard_normal((height, width, channels)) for _ in range(number_of_filters)]
    maps = [convolution_function(input_image, stride, kernel, act, padding) for kernel in filters]
    return np.stack(maps, axis=-1), filters


def pooling_layer(activation_map, pool_type="max", stride=2, filter_size=(2, 2)):
    """``'global_average'``: the mean of each channel, shape (C,). ``'max'``/``'average'``:
    :func:`pooling_function` with the given stride and window."""
    if pool_type == "global_average":
        return np.mean(activation_map, axis=(0, 1))
    return pooling_function(activation_map, pool_type, stride, filter_size)


def _hidden_sizes(count: int, sizes: int | Sequence[int]) -> list[int]:
    """hidden_layer_sizes as a list of ``count`` ints; a single int means ``count`` equal layers."""
    if np.ndim(sizes) == 0:
        return [int(sizes)] * count
    sizes = [int(n) for n in sizes]
    if len(sizes) != count:
        raise ValueError(f"no_of_hidden_layers={count}, but hidden_layer_sizes has {len(sizes)} entries")
    return sizes


class MultiLayerPerceptron:
    """A fully connected network on row vectors.

    Hidden layer k computes act(x @ weights[k] + biases[k]); the output layer is linear, followed by
    a softmax when asked. ``weights[k]`` is (n_in, n_out) and ``biases[k]`` is (n_out,).
    """

    def __init__(self, input_layer_size, no_of_hidden_layers, hidden_layer_sizes, act_function, output_size):
        sizes = [input_layer_size, *_hidden_sizes(no_of_hidden_layers, hidden_layer_sizes), output_size]
        # N(0, 1/fan_in): logits of order one, so the softmax is not saturated from the start
        self.weights = [np.random.standard_normal((n_in, n_out)) / np.sqrt(n_in)
                        for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        self.biases = [np.zeros(n_out) for n_out in sizes[1:]]
        self.act_function = _activation(act_function)

    def forward_prop(self, input_vector, use_softmax_in_output_layer=True):
        """Output scores (n_out,) for one input (n_in,); a batch (N, n_in) gives (N, n_out)."""
        x = np.asarray(input_vector, dtype=np.float64)
        for weight, bias in zip(self.weights[:-1], self.biases[:-1]):
            x = self.act_function(x @ weight + bias)
        logits = x @ self.weights[-1] + self.biases[-1]
        return softmax(logits) if use_softmax_in_output_layer else logits


def CNN(input_image):
    """Class probabilities (1000,) for one HWC image, from randomly initialised layers:

    conv 16@5x5 ReLU -> max pool 2/2 -> conv 32@3x3 sigmoid -> max pool 2/2 -> global average pool
    -> MLP 32 -> 32 (ReLU) -> 1000 -> softmax. A 224x224x3 image goes 220x220x16 -> 110x110x16
    -> 108x108x32 -> 54x54x32 -> (32,) -> (1000,). The smallest image it accepts is 12x12.
    """
    maps, _ = convolution_layer(input_image, 16, (5, 5), stride=1, padding=0, activation=relu)
    maps = pooling_layer(maps, "max", stride=2, filter_size=(2, 2))
    maps, _ = convolution_layer(maps, 32, (3, 3), stride=1, padding=0, activation=sigmoid)
    maps = pooling_layer(maps, "max", stride=2, filter_size=(2, 2))
    features = pooling_layer(maps, "global_average")
    classifier = MultiLayerPerceptron(32, 1, [32], relu, 1000)
    return classifier.forward_prop(features, use_softmax_in_output_layer=True)
