"""Alternative correct solutions of cnn-numpy: each must score 100 %.

They are written differently from the reference on purpose, so that the suite is shown to accept
what is right rather than what looks like the reference: one vectorised with im2col (as_strided and
one matrix product per layer), one computing everything in float32 (shift-and-add convolution),
and one in the style of a student's first attempt (Python loops, the students' own names for
functions and arguments, other helper names).
"""

from __future__ import annotations

from pathlib import Path

from . import Variant, whole_module

_REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "cnn_numpy.py"

IM2COL = '''
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
'''

FLOAT32 = '''
F32 = np.float32


def sigmoid(x):
    x = np.asarray(x, dtype=F32)
    return (F32(0.5) * (F32(1) + np.tanh(F32(0.5) * x))).astype(F32)   # no exp, so no overflow


def tanh(x):
    return np.tanh(np.asarray(x, dtype=F32))


def relu(x):
    return np.maximum(np.asarray(x, dtype=F32), F32(0))


def leaky_relu(x, alpha=0.01):
    x = np.asarray(x, dtype=F32)
    return np.where(x > 0, x, F32(alpha) * x).astype(F32)


def softmax(x):
    x = np.asarray(x, dtype=F32)
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return (e / e.sum(axis=-1, keepdims=True)).astype(F32)


def calculate_output_activation_map_dimensions(Image_Height, Image_Width, Filter_Height, Filter_Width, P=0, S=1):
    rows, _ = divmod(Image_Height - Filter_Height + 2 * P, S)
    cols, _ = divmod(Image_Width - Filter_Width + 2 * P, S)
    return rows + 1, cols + 1


def zero_pad(image, padding):
    h, w, c = image.shape
    out = np.zeros((h + 2 * padding, w + 2 * padding, c), dtype=F32)
    out[padding:padding + h, padding:padding + w] = image
    return out


def taps(volume, u, v, stride, rows, cols):
    """The (rows, cols, C) pixels that tap (u, v) of every window sees."""
    return volume[u:u + stride * (rows - 1) + 1:stride, v:v + stride * (cols - 1) + 1:stride]


def convolution_function(input_image, stride, filter, activation_function, padding=0):
    if padding < 0:
        raise ValueError("padding must be >= 0")
    if stride < 1:
        raise ValueError("stride must be >= 1")
    kernel = np.asarray(filter, dtype=F32)
    padded = zero_pad(np.asarray(input_image, dtype=F32), padding)
    (fh, fw, _), (h, w, _) = kernel.shape, padded.shape
    rows, cols = (h - fh) // stride + 1, (w - fw) // stride + 1
    out = np.zeros((rows, cols), dtype=F32)
    for u in range(fh):
        for v in range(fw):
            out += taps(padded, u, v, stride, rows, cols) @ kernel[u, v]
    return activation_function(out)


def get_embossing_filter():
    kernel = np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], dtype=F32)
    return np.dstack([kernel, kernel, kernel])


def pooling_function(activation_map, pool_type='max', stride=2, filter_size=2):
    fh, fw = (filter_size, filter_size) if np.isscalar(filter_size) else filter_size
    maps = np.asarray(activation_map, dtype=F32)
    flat = maps.ndim == 2
    volume = maps[:, :, None] if flat else maps
    rows, cols = (volume.shape[0] - fh) // stride + 1, (volume.shape[1] - fw) // stride + 1
    acc = None
    for u in range(fh):
        for v in range(fw):
            tap = taps(volume, u, v, stride, rows, cols)
            if acc is None:
                acc = tap.copy()
            else:
                acc = np.maximum(acc, tap) if pool_type == 'max' else acc + tap
    if pool_type == 'average':
        acc = acc / F32(fh * fw)
    return acc[:, :, 0] if flat else acc


def convolution_layer(input_image, number_of_filters, filter_dimensions=(3, 3), stride=1, padding=0, activation=relu):
    fh, fw = filter_dimensions
    channels = np.shape(input_image)[2]
    filters = [np.random.standard_normal((fh, fw, channels)).astype(F32) for _ in range(number_of_filters)]
    maps = np.stack([convolution_function(input_image, stride, f, activation, padding) for f in filters], axis=2)
    return maps.astype(F32), filters


def pooling_layer(activation_map, pool_type='max', stride=2, filter_size=(2, 2)):
    if pool_type == 'global_average':
        return np.asarray(activation_map, dtype=F32).mean(axis=(0, 1), dtype=F32)
    return pooling_function(activation_map, pool_type, stride, filter_size)


class MultiLayerPerceptron:
    def __init__(self, input_layer_size, no_of_hidden_layers, hidden_layer_sizes, act_function, output_size):
        sizes = [input_layer_size] + list(hidden_layer_sizes) + [output_size]
        self.weights = [(np.random.randn(n, m) / np.sqrt(n)).astype(F32) for n, m in zip(sizes[:-1], sizes[1:])]
        self.biases = [np.zeros(m, dtype=F32) for m in sizes[1:]]
        self.act_function = act_function

    def forward_prop(self, input_vector, use_softmax_in_output_layer=True):
        a = np.asarray(input_vector, dtype=F32)
        layers = list(zip(self.weights, self.biases))
        for W, b in layers[:-1]:
            a = self.act_function(a @ W.astype(F32) + b.astype(F32)).astype(F32)
        W, b = layers[-1]
        scores = a @ W.astype(F32) + b.astype(F32)
        return softmax(scores) if use_softmax_in_output_layer else scores


def CNN(input_image):
    maps, _ = convolution_layer(input_image, 16, (5, 5), 1, 0, relu)
    maps, _ = convolution_layer(pooling_layer(maps, 'max', 2, (2, 2)), 32, (3, 3), 1, 0, sigmoid)
    features = pooling_layer(pooling_layer(maps, 'max', 2, (2, 2)), 'global_average')
    return MultiLayerPerceptron(32, 1, [32], relu, 1000).forward_prop(features, True)
'''

STUDENT_LOOPS = '''
import math


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def tanh(z):
    return np.tanh(z)


def relu(z):
    out = z.copy()          # writes in place, into its own copy: activations.keep-input must pass it
    out[out < 0] = 0
    return out


def leaky_relu(z, alpha=0.01):
    out = np.array(z, dtype=float)
    out[out < 0] *= alpha
    return out


def softmax(logits):
    logits = np.asarray(logits, dtype=float)
    rows = logits.reshape(-1, logits.shape[-1])
    result = np.empty_like(rows)
    for r in range(rows.shape[0]):
        biggest = max(rows[r])
        exps = [math.exp(v - biggest) for v in rows[r]]
        total = sum(exps)
        result[r] = [e / total for e in exps]
    return result.reshape(logits.shape)


def output_dims(H, W, Fh, Fw, P=0, S=1):
    return math.floor((H - Fh + 2 * P) / S) + 1, math.floor((W - Fw + 2 * P) / S) + 1


def pad_image(image, p):
    h, w, c = image.shape
    padded = np.zeros((h + 2 * p, w + 2 * p, c))
    padded[p:p + h, p:p + w, :] = image
    return padded


def extract_window(volume, top, left, height, width):
    return volume[top:top + height, left:left + width]


def conv2d(image, stride, kernel, act, padding=0):
    if padding < 0:
        raise ValueError("Padding cannot be negative")
    if stride <= 0:
        raise ValueError("Stride must be positive")
    kh, kw, _ = kernel.shape
    padded = pad_image(image, padding)
    out_h, out_w = output_dims(image.shape[0], image.shape[1], kh, kw, padding, stride)
    feature_map = np.zeros((out_h, out_w))
    for r in range(out_h):
        for c in range(out_w):
            window = extract_window(padded, r * stride, c * stride, kh, kw)
            feature_map[r, c] = np.sum(window * kernel)
    return act(feature_map)


def get_emboss_filter():
    emboss = np.zeros((3, 3, 3))
    for ch in range(3):
        emboss[:, :, ch] = [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]]
    return emboss


def pool(feature_map, mode="max", stride=2, pool_size=2):
    if type(pool_size) is int:
        pool_size = (pool_size, pool_size)
    ph, pw = pool_size
    was_2d = len(feature_map.shape) == 2
    if was_2d:
        feature_map = feature_map.reshape(feature_map.shape[0], feature_map.shape[1], 1)
    h, w, channels = feature_map.shape
    out_h, out_w = (h - ph) // stride + 1, (w - pw) // stride + 1
    pooled = np.zeros((out_h, out_w, channels))
    for ch in range(channels):
        for r in range(out_h):
            for c in range(out_w):
                window = extract_window(feature_map[:, :, ch], r * stride, c * stride, ph, pw)
                pooled[r, c, ch] = np.max(window) if mode == "max" else np.mean(window)
    if was_2d:
        return pooled[:, :, 0]
    return pooled


def conv_layer(image, num_filters, filter_size=(3, 3), stride=1, padding=0, activation=relu):
    kernels = []
    maps = []
    for _ in range(num_filters):
        kernel = np.random.randn(filter_size[0], filter_size[1], image.shape[2])
        kernels.append(kernel)
        maps.append(conv2d(image, stride, kernel, activation, padding))
    return np.dstack(maps), kernels


def pooling_layer(activation_map, pool_type="max", stride=2, filter_size=(2, 2)):
    if pool_type == "global_average":
        channels = activation_map.shape[2]
        return np.array([np.mean(activation_map[:, :, ch]) for ch in range(channels)])
    return pool(activation_map, pool_type, stride, filter_size)


class MLP:
    def __init__(self, input_size, no_of_hidden_layers, hidden_sizes, act_func, output_size):
        self.act_func = act_func
        self.weights = []
        self.biases = []
        previous = input_size
        for size in list(hidden_sizes) + [output_size]:
            self.weights.append(np.random.randn(previous, size) * 0.1)
            self.biases.append(np.zeros(size))
            previous = size

    def forward(self, x, use_softmax=True):
        out = np.array(x, dtype=float)
        for layer in range(len(self.weights)):
            out = np.dot(out, self.weights[layer]) + self.biases[layer]
            if layer < len(self.weights) - 1:
                out = self.act_func(out)
        if use_softmax:
            out = softmax(out)
        return out


def CNN(img):
    out, _ = conv_layer(img, 16, (5, 5), 1, 0, relu)
    out = pool(out, "max", 2, (2, 2))
    out, _ = conv_layer(out, 32, (3, 3), 1, 0, sigmoid)
    out = pool(out, "max", 2, (2, 2))
    features = pooling_layer(out, "global_average")
    net = MLP(32, 1, [32], relu, 1000)
    return net.forward(features, use_softmax=True)
'''

ALTERNATIVES: tuple[Variant, ...] = (
    whole_module(_REFERENCE, "vectorised_im2col", IM2COL,
                 "as_strided windows and one matrix product per layer; tanh from sigmoid; log-sum-exp softmax"),
    whole_module(_REFERENCE, "float32_throughout", FLOAT32,
                 "every array float32 (inputs cast, results float32); shift-and-add convolution and pooling"),
    whole_module(_REFERENCE, "student_loops_own_names", STUDENT_LOOPS,
                 "Python loops; conv2d, pool, conv_layer, output_dims, MLP.forward and the students' "
                 "argument names, found through the aliases in assignment.toml"),
)
