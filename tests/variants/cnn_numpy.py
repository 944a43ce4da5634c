"""Mutants of reference/cnn_numpy.py: one known mistake each, and the checks that must catch it.

Most are mistakes seen in real submissions of this assignment (summing the window without the
filter, loops bounded by the unpadded image, pooling across channels, dividing by 255, an emboss
filter stacked on the wrong axis); the rest are the usual slips (wrong softmax axis, missing bias,
an activation on the output layer, a flipped kernel, an off-by-one size). Each is written the way
a student would write it. The alternatives, which must score 100 %, are in cnn_numpy_alternatives.
"""

from __future__ import annotations

from pathlib import Path

from . import Variant, edit, mutant_maker
from .cnn_numpy_alternatives import ALTERNATIVES

REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "cnn_numpy.py"

# A loop convolution in the style of many submissions; the mutants below change one line of it.
_LOOP_CONV = '''
def convolution_function(input_image, stride, filter, activation_function, padding=0):
    if padding < 0:
        raise ValueError("padding must not be negative")
    height, width, _ = input_image.shape
    fh, fw, _ = filter.shape
    padded = np.pad(input_image, ((padding, padding), (padding, padding), (0, 0)))
    out_h, out_w = calculate_output_activation_map_dimensions(height, width, fh, fw, padding, stride)
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            window = padded[i * stride:i * stride + fh, j * stride:j * stride + fw, :]
            out[i, j] = np.sum(window * filter)
    return activation_function(out)
'''

# A loop pooling in the same style.
_LOOP_POOL = '''
def pooling_function(activation_map, pool_type="max", stride=2, filter_size=2):
    fh, fw = (filter_size, filter_size) if isinstance(filter_size, int) else filter_size
    maps = activation_map[:, :, np.newaxis] if activation_map.ndim == 2 else activation_map
    height, width, channels = maps.shape
    out = np.zeros(((height - fh) // stride + 1, (width - fw) // stride + 1, channels))
    for c in range(channels):
        for i in range(out.shape[0]):
            for j in range(out.shape[1]):
                region = maps[i * stride:i * stride + fh, j * stride:j * stride + fw, c]
                out[i, j, c] = region.max() if pool_type == "max" else region.mean()
    return out[:, :, 0] if activation_map.ndim == 2 else out
'''

# The reference MLP's forward pass as students write it, with the mistakes spliced in below.
_MLP = '''
class MultiLayerPerceptron:
    def __init__(self, input_layer_size, no_of_hidden_layers, hidden_layer_sizes, act_function, output_size):
        sizes = [input_layer_size] + list(hidden_layer_sizes) + [output_size]
        self.weights = [np.random.randn(a, b) for a, b in zip(sizes[:-1], sizes[1:])]
        self.biases = [np.zeros(b) for b in sizes[1:]]
        self.act_function = act_function

    def forward_prop(self, input_vector, use_softmax_in_output_layer=True):
        x = input_vector
        for W, b in zip(self.weights[:-1], self.biases[:-1]):
            x = self.act_function(x @ W + b)
        x = x @ self.weights[-1] + self.biases[-1]
        return softmax(x) if use_softmax_in_output_layer else x
'''


_edit, _mutant = edit, mutant_maker("cnn-numpy")


_UNPADDED_LOOPS = _edit(_edit(
    _LOOP_CONV,
    "    for i in range(out_h):\n        for j in range(out_w):",
    "    for i in range(0, height - fh + 1, stride):\n        for j in range(0, width - fw + 1, stride):"),
    "window = padded[i * stride:i * stride + fh, j * stride:j * stride + fw, :]\n"
    "            out[i, j] = np.sum(window * filter)",
    "window = padded[i:i + fh, j:j + fw, :]\n"
    "            out[i // stride, j // stride] = np.sum(window * filter)")

MUTANTS: tuple[Variant, ...] = (
    # --- activations and output size ---
    _mutant("sigmoid_wrong_sign", "sigmoid computed as 1 / (1 + e^x)", ("activations.elementwise",),
            sigmoid="def sigmoid(x):\n    return 1 / (1 + np.exp(x))\n"),
    _mutant("leaky_relu_fixed_slope", "slope 0.1 written in, alpha ignored", ("activations.leaky-relu",),
            leaky_relu="def leaky_relu(x, alpha=0.01):\n    return np.maximum(0.1 * x, x)\n"),
    _mutant("relu_in_place", "zeroes the negatives of the array it was given", ("activations.keep-input",),
            relu="def relu(x):\n    x[x < 0] = 0\n    return x\n"),
    _mutant("leaky_relu_in_place", "scales the negatives of the array it was given", ("activations.keep-input",),
            leaky_relu="def leaky_relu(x, alpha=0.01):\n    x[x < 0] *= alpha\n    return x\n"),
    _mutant("softmax_over_axis_0", "normalises the columns of a 2-D input", ("activations.softmax",),
            touches=("activations.softmax-stable",),
            softmax="def softmax(x):\n    e = np.exp(x - np.max(x, axis=0))\n    return e / np.sum(e, axis=0)\n"),
    _mutant("softmax_without_shift", "exp overflows for inputs in the hundreds", ("activations.softmax-stable",),
            softmax="def softmax(x):\n    e = np.exp(x)\n    return e / np.sum(e, axis=-1, keepdims=True)\n"),
    _mutant("output_dims_ignore_padding", "leaves 2P out of the size formula", ("output-dims.formula",),
            calculate_output_activation_map_dimensions='''
            def calculate_output_activation_map_dimensions(Image_Height, Image_Width, Filter_Height, Filter_Width,
                                                           P=0, S=1):
                return (Image_Height - Filter_Height) // S + 1, (Image_Width - Filter_Width) // S + 1
            '''),
    # --- convolution: one line of the loop version changed each time ---
    _mutant("conv_no_filter_multiply", "sums each window without multiplying by the filter",
            ("conv.uses-filter", "conv.value"),
            touches=("conv.cross-correlation", "conv.emboss-regression", "conv.padding-border"),
            convolution_function=_edit(_LOOP_CONV, "np.sum(window * filter)", "np.sum(window)")),
    _mutant("conv_unpadded_loop_bounds", "loops bounded by the unpadded image: the last 2P rows/columns stay 0",
            ("conv.padding-border",),
            touches=("conv.value", "conv.uses-filter", "conv.cross-correlation", "conv.emboss-regression"),
            convolution_function=_UNPADDED_LOOPS),
    _mutant("conv_off_by_one_size", "output size without the + 1", ("conv.shape",),
            touches=("conv.value", "conv.padding-border", "conv.uses-filter", "conv.cross-correlation",
                     "conv.emboss-regression"),
            convolution_function=_edit(
                _LOOP_CONV, "calculate_output_activation_map_dimensions(height, width, fh, fw, padding, stride)",
                "(height + 2 * padding - fh) // stride, (width + 2 * padding - fw) // stride")),
    _mutant("conv_flips_kernel", "true convolution: the kernel is flipped", ("conv.cross-correlation",),
            touches=("conv.value", "conv.padding-border", "conv.emboss-regression"),
            convolution_function=_edit(_LOOP_CONV, "np.sum(window * filter)", "np.sum(window * filter[::-1, ::-1, :])")),
    _mutant("conv_ignores_activation", "activation_function is never applied", ("conv.activation",),
            convolution_function=_edit(_LOOP_CONV, "return activation_function(out)", "return out")),
    _mutant("conv_accepts_negative_padding", "pads only when padding > 0 and never checks for < 0",
            ("conv.rejects-negative-padding",),
            convolution_function=_edit(
                _edit(_LOOP_CONV, '    if padding < 0:\n        raise ValueError("padding must not be negative")\n', ""),
                "padded = np.pad(", "padded = input_image if padding <= 0 else np.pad(")),
    _mutant("conv_output_in_input_dtype", "the map has the image's dtype: uint8 pictures wrap around",
            ("conv.emboss-regression",),
            convolution_function=_edit(_LOOP_CONV, "np.zeros((out_h, out_w))",
                                       "np.zeros((out_h, out_w), dtype=input_image.dtype)")),
    _mutant("emboss_stacked_on_axis_0", "filter[:, :, c] is not the emboss kernel", ("emboss.filter",),
            get_embossing_filter="def get_embossing_filter():\n"
                                 "    return np.array([EMBOSS_KERNEL, EMBOSS_KERNEL, EMBOSS_KERNEL])\n"),
    # --- pooling: one line of the loop version changed each time ---
    _mutant("pooling_stride_is_window", "uses the window size as the stride", ("pooling.max",),
            touches=("pooling.average", "pooling.channels-separate", "pooling.no-rescaling", "pooling.flat-map-int-size"),
            pooling_function=_edit(_LOOP_POOL, "    out = np.zeros(", "    stride = fh\n    out = np.zeros(")),
    _mutant("average_pooling_takes_max", "`== 'max' or 'average'` is always true, so average takes the max",
            ("pooling.average",),
            touches=("pooling.no-rescaling", "pooling.flat-map-int-size"),
            pooling_function=_edit(_LOOP_POOL, 'if pool_type == "max" else', 'if pool_type == "max" or "average" else')),
    _mutant("pooling_across_channels", "each window covers every channel: all channels come out equal",
            ("pooling.channels-separate",),
            touches=("pooling.max", "pooling.average", "pooling.no-rescaling"),
            pooling_function=_edit(_LOOP_POOL, "j * stride + fw, c]", "j * stride + fw, :]")),
    _mutant("pooling_divides_by_255", "an unrequested rescale of every window", ("pooling.no-rescaling",),
            touches=("pooling.max", "pooling.average", "pooling.channels-separate", "pooling.flat-map-int-size"),
            pooling_function=_edit(_LOOP_POOL, "j * stride + fw, c]", "j * stride + fw, c] / 255.0")),
    _mutant("pooling_rejects_flat_map", "tests ndim == 3 where it means 2, so a 2-D map cannot be unpacked",
            ("pooling.flat-map-int-size",),
            touches=("pooling.max", "pooling.average", "pooling.channels-separate", "pooling.no-rescaling",
                     "pooling-layer.windowed", "cnn.output"),
            pooling_function=_edit(_LOOP_POOL, "if activation_map.ndim == 2 else activation_map\n",
                                   "if activation_map.ndim == 3 else activation_map\n")),
    # --- layers ---
    _mutant("conv_layer_returns_other_filters", "draws a new filter for each map instead of using filters[k]",
            ("conv-layer.maps-match-filters",), convolution_layer='''
            def convolution_layer(input_image, number_of_filters, filter_dimensions=(3, 3), stride=1, padding=0,
                                  activation=relu):
                fh, fw = filter_dimensions
                channels = input_image.shape[2]
                filters = [np.random.randn(fh, fw, channels) for _ in range(number_of_filters)]
                maps = [convolution_function(input_image, stride, np.random.randn(fh, fw, channels), activation,
                                             padding) for _ in filters]
                return np.stack(maps, axis=-1), filters
            '''),
    _mutant("conv_layer_one_filter_k_times", "draws one filter before the loop and convolves with it K times",
            ("conv-layer.random-filters",), convolution_layer='''
            def convolution_layer(input_image, number_of_filters, filter_dimensions=(3, 3), stride=1, padding=0,
                                  activation=relu):
                fh, fw = filter_dimensions
                kernel = np.random.randn(fh, fw, input_image.shape[2])
                filters = [kernel for _ in range(number_of_filters)]
                maps = [convolution_function(input_image, stride, k, activation, padding) for k in filters]
                return np.stack(maps, axis=-1), filters
            '''),
    _mutant("conv_layer_stacks_on_axis_0", "maps come back as (K, H', W')", ("conv-layer.shape",),
            touches=("cnn.output",),
            convolution_layer='''
            def convolution_layer(input_image, number_of_filters, filter_dimensions=(3, 3), stride=1, padding=0,
                                  activation=relu):
                fh, fw = filter_dimensions
                filters = [np.random.randn(fh, fw, input_image.shape[2]) for _ in range(number_of_filters)]
                maps = [convolution_function(input_image, stride, k, activation, padding) for k in filters]
                return np.array(maps), filters
            '''),
    _mutant("gap_over_wrong_axes", "averages over width and channels instead of height and width",
            ("pooling-layer.global-average",),
            touches=("pooling-layer.gap-regression", "cnn.output"),
            pooling_layer='''
            def pooling_layer(activation_map, pool_type="max", stride=2, filter_size=(2, 2)):
                if pool_type == "global_average":
                    return np.mean(activation_map, axis=(1, 2))
                return pooling_function(activation_map, pool_type, stride, filter_size)
            '''),
    _mutant("pooling_layer_drops_stride", "passes its filter_size on but pools with the default stride 2",
            ("pooling-layer.windowed",), pooling_layer='''
            def pooling_layer(activation_map, pool_type="max", stride=2, filter_size=(2, 2)):
                if pool_type == "global_average":
                    return np.mean(activation_map, axis=(0, 1))
                return pooling_function(activation_map, pool_type, filter_size=filter_size)
            '''),
    _mutant("gap_accumulates_in_input_dtype", "sums a uint8 picture in uint8, which wraps around",
            ("pooling-layer.gap-regression",), pooling_layer='''
            def pooling_layer(activation_map, pool_type="max", stride=2, filter_size=(2, 2)):
                if pool_type == "global_average":
                    total = np.zeros(activation_map.shape[2], dtype=activation_map.dtype)
                    for row in activation_map:
                        for pixel in row:
                            total += pixel
                    return total / (activation_map.shape[0] * activation_map.shape[1])
                return pooling_function(activation_map, pool_type, stride, filter_size)
            '''),
    # --- multi-layer perceptron and the whole network ---
    _mutant("mlp_transposed_weights", "weights stored as (n_out, n_in)", ("mlp.parameters",),
            MultiLayerPerceptron=_edit(_edit(_edit(
                _MLP, "np.random.randn(a, b)", "np.random.randn(b, a)"),
                "x @ W + b", "W @ x + b"), "x @ self.weights[-1]", "self.weights[-1] @ x")),
    _mutant("mlp_drops_biases", "biases are created but never added", ("mlp.biases",),
            MultiLayerPerceptron=_edit(_edit(
                _MLP, "self.act_function(x @ W + b)", "self.act_function(x @ W)"),
                "x = x @ self.weights[-1] + self.biases[-1]", "x = x @ self.weights[-1]")),
    _mutant("mlp_activation_on_output", "the output layer goes through the activation too",
            ("mlp.linear-output", "mlp.forward"),
            MultiLayerPerceptron=_edit(_MLP, "x = x @ self.weights[-1] + self.biases[-1]",
                                       "x = self.act_function(x @ self.weights[-1] + self.biases[-1])")),
    _mutant("mlp_keeps_activations", "forward_prop appends to a list kept on self and reads it from index 0: "
            "every later call answers with the first input's activations", ("mlp.forward",),
            MultiLayerPerceptron=_edit(_MLP, """        x = input_vector
        for W, b in zip(self.weights[:-1], self.biases[:-1]):
            x = self.act_function(x @ W + b)
        x = x @ self.weights[-1] + self.biases[-1]""", """        if not hasattr(self, "activations"):
            self.activations = []
        self.activations.append(input_vector)
        for i, (W, b) in enumerate(zip(self.weights[:-1], self.biases[:-1])):
            self.activations.append(self.act_function(self.activations[i] @ W + b))
        x = self.activations[len(self.weights) - 1] @ self.weights[-1] + self.biases[-1]""")),
    _mutant("mlp_ignores_softmax_flag", "never applies the softmax, whatever the flag says", ("mlp.softmax",),
            touches=("cnn.output",),
            MultiLayerPerceptron=_edit(_MLP, "return softmax(x) if use_softmax_in_output_layer else x",
                                       "return x")),
    _mutant("cnn_without_softmax", "returns the logits, not probabilities", ("cnn.output",), CNN='''
            def CNN(input_image):
                maps, _ = convolution_layer(input_image, 16, (5, 5), 1, 0, relu)
                maps = pooling_layer(maps, "max", 2, (2, 2))
                maps, _ = convolution_layer(maps, 32, (3, 3), 1, 0, sigmoid)
                maps = pooling_layer(maps, "max", 2, (2, 2))
                features = pooling_layer(maps, "global_average")
                return MultiLayerPerceptron(32, 1, [32], relu, 1000).forward_prop(features, False)
            '''),
)

__all__ = ["ALTERNATIVES", "MUTANTS", "REFERENCE"]
