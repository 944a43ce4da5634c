"""Honest cnn-numpy solution the hostile cases are built on (from tests/variants/cnn_numpy_alternatives.py):
every case replaces one or two of these definitions with an attack; this file alone scores 100 %."""

import numpy as np
from numpy.lib.stride_tricks import as_strided


def sigmoid(x):
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    positive = x >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-x[positive]))
    e = np.exp(x[~positive])           # only for x < 0, where it cannot overflow
    out[~positive] = e / (1.0 + e)
    return out


def tanh(x):
    return 2.0 * sigmoid(2.0 * np.asarray(x, dtype=float)) - 1.0


def relu(x):
    x = np.asarray(x, dtype=float)
    return x * (x > 0)


def leaky_relu(x, alpha=0.01):
    x = np.asarray(x, dtype=float)
    return np.where(x >= 0, x, x * alpha)


def softmax(x):
    x = np.asarray(x, dtype=float)
    top = x.max(axis=-1, keepdims=True)
    log_total = top + np.log(np.exp(x - top).sum(axis=-1, keepdims=True))
    return np.exp(x - log_total)


def calculate_output_activation_map_dimensions(Image_Height, Image_Width, Filter_Height, Filter_Width, P=0, S=1):
    rows = int(np.floor((Image_Height + 2 * P - Filter_Height) / S)) + 1
    cols = int(np.floor((Image_Width + 2 * P - Filter_Width) / S)) + 1
    return rows, cols


def patches(volume, fh, fw, stride):
    """(H', W', fh, fw, C) view of every window of a contiguous HWC volume."""
    volume = np.ascontiguousarray(volume)
    h, w, c = volume.shape
    rows, cols = (h - fh) // stride + 1, (w - fw) // stride + 1
    s_h, s_w, s_c = volume.strides
    return as_strided(volume, (rows, cols, fh, fw, c), (s_h * stride, s_w * stride, s_h, s_w, s_c), writeable=False)


def im2col(image, fh, fw, stride, padding):
    if padding < 0 or stride < 1:
        raise ValueError(f"invalid padding={padding} or stride={stride}")
    padded = np.pad(np.asarray(image, dtype=float), [(padding, padding), (padding, padding), (0, 0)])
    windows = patches(padded, fh, fw, stride)
    return windows.reshape(windows.shape[0], windows.shape[1], -1)


def convolution_function(input_image, stride, filter, activation_function, padding=0):
    kernel = np.asarray(filter, dtype=float)
    columns = im2col(input_image, kernel.shape[0], kernel.shape[1], stride, padding)
    return activation_function(columns @ kernel.reshape(-1))


def get_embossing_filter():
    kernel = np.array([[-2.0, -1.0, 0.0], [-1.0, 1.0, 1.0], [0.0, 1.0, 2.0]])
    return np.broadcast_to(kernel[..., None], (3, 3, 3)).copy()


def pooling_function(activation_map, pool_type='max', stride=2, filter_size=2):
    fh, fw = (int(n) for n in np.broadcast_to(filter_size, (2,)))
    maps = np.asarray(activation_map)
    volume = maps.reshape(maps.shape[0], maps.shape[1], -1)
    windows = patches(volume, fh, fw, stride)
    pooled = windows.max(axis=(2, 3)) if pool_type == 'max' else windows.mean(axis=(2, 3))
    return pooled.reshape(pooled.shape[:2] + maps.shape[2:])


def convolution_layer(input_image, number_of_filters, filter_dimensions=(3, 3), stride=1, padding=0, activation=relu):
    fh, fw = filter_dimensions
    bank = np.random.default_rng().standard_normal((number_of_filters, fh, fw, np.shape(input_image)[2]))
    columns = im2col(input_image, fh, fw, stride, padding)
    maps = activation(columns @ bank.reshape(number_of_filters, -1).T)
    return maps, list(bank)


def pooling_layer(activation_map, pool_type='max', stride=2, filter_size=(2, 2)):
    if pool_type == 'global_average':
        h, w = np.shape(activation_map)[:2]
        return np.sum(activation_map, axis=(0, 1)) / (h * w)
    return pooling_function(activation_map, pool_type, stride, filter_size)


class MultiLayerPerceptron:
    def __init__(self, input_layer_size, no_of_hidden_layers, hidden_layer_sizes, act_function, output_size):
        rng = np.random.default_rng()
        widths = [input_layer_size, *hidden_layer_sizes, output_size]
        self.weights = [rng.normal(0.0, np.sqrt(2.0 / n_in), (n_in, n_out)) for n_in, n_out in zip(widths, widths[1:])]
        self.biases = [np.zeros(n_out) for n_out in widths[1:]]
        self.act_function = act_function

    def forward_prop(self, input_vector, use_softmax_in_output_layer=True):
        h = np.asarray(input_vector, dtype=float)
        last = len(self.weights) - 1
        for k, (W, b) in enumerate(zip(self.weights, self.biases)):
            z = np.dot(h, W) + b
            h = z if k == last else self.act_function(z)
        return softmax(h) if use_softmax_in_output_layer else h


def CNN(input_image):
    x, _ = convolution_layer(input_image, 16, (5, 5), 1, 0, relu)
    x = pooling_layer(x, 'max', 2, (2, 2))
    x, _ = convolution_layer(x, 32, (3, 3), 1, 0, sigmoid)
    x = pooling_layer(pooling_layer(x, 'max', 2, (2, 2)), 'global_average')
    return MultiLayerPerceptron(32, 1, [32], relu, 1000).forward_prop(x)
