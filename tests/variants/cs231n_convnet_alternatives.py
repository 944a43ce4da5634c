"""Alternative correct submissions of cs231n-convnet: each must score 100 %.

One builds the network from the course's sandwich layers (conv_relu_pool_forward, affine_relu_forward, as
layer_utils has them) instead of one layer at a time; one computes in float64 whatever dtype it is given,
with its parameters made in a loop; one pools before the relu (the same network: relu and max pooling
commute). And one is a correct cnn.py on a wrong layers.py (the kernel flipped in conv_forward_naive): it
loses points in cs231n-layers, and none here, since the convnet's checks accept the network the student's
own layers make.
"""

from __future__ import annotations

from pathlib import Path

from . import Variant, definition, edit

_REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "cs231n_convnet.py"
_NET = definition(_REFERENCE, "ThreeLayerConvNet")

_SANDWICH = '''
def conv_relu_pool_forward(x, w, b, conv_param, pool_param):
    a, conv_cache = conv_forward_naive(x, w, b, conv_param)
    s, relu_cache = relu_forward(a)
    out, pool_cache = max_pool_forward_naive(s, pool_param)
    return out, (conv_cache, relu_cache, pool_cache)


def conv_relu_pool_backward(dout, cache):
    conv_cache, relu_cache, pool_cache = cache
    ds = max_pool_backward_naive(dout, pool_cache)
    return conv_backward_naive(relu_backward(ds, relu_cache), conv_cache)


def affine_relu_forward(x, w, b):
    a, fc_cache = affine_forward(x, w, b)
    out, relu_cache = relu_forward(a)
    return out, (fc_cache, relu_cache)


def affine_relu_backward(dout, cache):
    fc_cache, relu_cache = cache
    return affine_backward(relu_backward(dout, relu_cache), fc_cache)


class ThreeLayerConvNet(object):
    def __init__(self, input_dim=(3, 32, 32), num_filters=32, filter_size=7, hidden_dim=100, num_classes=10,
                 weight_scale=1e-3, reg=0.0, dtype=np.float32):
        self.params = {}
        self.reg = reg
        self.dtype = dtype
        C, H, W = input_dim
        self.params['W1'] = np.random.normal(0, weight_scale, (num_filters, C, filter_size, filter_size))
        self.params['b1'] = np.zeros(num_filters)
        self.params['W2'] = np.random.normal(0, weight_scale, (num_filters * H * W // 4, hidden_dim))
        self.params['b2'] = np.zeros(hidden_dim)
        self.params['W3'] = np.random.normal(0, weight_scale, (hidden_dim, num_classes))
        self.params['b3'] = np.zeros(num_classes)
        for k, v in self.params.items():
            self.params[k] = v.astype(dtype)

    def loss(self, X, y=None):
        W1, b1 = self.params['W1'], self.params['b1']
        W2, b2 = self.params['W2'], self.params['b2']
        W3, b3 = self.params['W3'], self.params['b3']
        filter_size = W1.shape[2]
        conv_param = {'stride': 1, 'pad': (filter_size - 1) // 2}
        pool_param = {'pool_height': 2, 'pool_width': 2, 'stride': 2}

        out1, cache1 = conv_relu_pool_forward(X, W1, b1, conv_param, pool_param)
        out2, cache2 = affine_relu_forward(out1, W2, b2)
        scores, cache3 = affine_forward(out2, W3, b3)
        if y is None:
            return scores

        loss, dout = softmax_loss(scores, y)
        for W in (W1, W2, W3):
            loss += 0.5 * self.reg * np.sum(W ** 2)
        grads = {}
        dout, grads['W3'], grads['b3'] = affine_backward(dout, cache3)
        dout, grads['W2'], grads['b2'] = affine_relu_backward(dout, cache2)
        _, grads['W1'], grads['b1'] = conv_relu_pool_backward(dout, cache1)
        for name in ('W1', 'W2', 'W3'):
            grads[name] = grads[name] + self.reg * self.params[name]
        return loss, grads
'''

_FLOAT64 = '''
class ThreeLayerConvNet:
    """Everything in float64, whatever dtype it is given."""

    def __init__(self, input_dim=(3, 32, 32), num_filters=32, filter_size=7, hidden_dim=100, num_classes=10,
                 weight_scale=1e-3, reg=0.0, dtype=np.float32):
        C, H, W = input_dim
        shapes = [(num_filters, C, filter_size, filter_size), (num_filters * (H // 2) * (W // 2), hidden_dim),
                  (hidden_dim, num_classes)]
        self.params = {}
        for i, shape in enumerate(shapes, start=1):
            self.params["W%d" % i] = np.random.randn(*shape).astype(np.float64) * weight_scale
            self.params["b%d" % i] = np.zeros(shape[-1] if i > 1 else num_filters, dtype=np.float64)
        self.reg = float(reg)
        self.dtype = np.float64

    def loss(self, X, y=None):
        p = {k: np.asarray(v, dtype=np.float64) for k, v in self.params.items()}
        X = np.asarray(X, dtype=np.float64)
        pad = (p["W1"].shape[-1] - 1) // 2
        c, c_cache = conv_forward_naive(X, p["W1"], p["b1"], {"stride": 1, "pad": pad})
        r, r_cache = relu_forward(c)
        q, q_cache = max_pool_forward_naive(r, {"pool_height": 2, "pool_width": 2, "stride": 2})
        h, h_cache = affine_forward(q, p["W2"], p["b2"])
        hr, hr_cache = relu_forward(h)
        scores, s_cache = affine_forward(hr, p["W3"], p["b3"])
        if y is None:
            return scores
        data_loss, d = softmax_loss(scores, y)
        reg_loss = 0.5 * self.reg * sum(np.sum(p[k] * p[k]) for k in ("W1", "W2", "W3"))
        g = {}
        d, g["W3"], g["b3"] = affine_backward(d, s_cache)
        d, g["W2"], g["b2"] = affine_backward(relu_backward(d, hr_cache), h_cache)
        d = relu_backward(max_pool_backward_naive(d, q_cache), r_cache)
        _, g["W1"], g["b1"] = conv_backward_naive(d, c_cache)
        for k in ("W1", "W2", "W3"):
            g[k] += self.reg * p[k]
        return data_loss + reg_loss, g
'''

_POOL_BEFORE_RELU = edit(_NET, '''        r1, relu1_cache = relu_forward(a1)
        p1, pool_cache = max_pool_forward_naive(r1, pool_param)
''', '''        m1, pool_cache = max_pool_forward_naive(a1, pool_param)
        p1, relu1_cache = relu_forward(m1)
''')
_POOL_BEFORE_RELU = edit(_POOL_BEFORE_RELU, '''        dr1 = max_pool_backward_naive(dp1, pool_cache)
        da1 = relu_backward(dr1, relu1_cache)
''', '''        dm1 = relu_backward(dp1, relu1_cache)
        da1 = max_pool_backward_naive(dm1, pool_cache)
''')

_CONV_FLIPPED = edit(definition(_REFERENCE, "conv_forward_naive"),
                     'out += np.einsum("nchw,fc->nfhw", patch, w[:, :, u, v])',
                     'out += np.einsum("nchw,fc->nfhw", patch, w[:, :, HH - 1 - u, WW - 1 - v])')

ALTERNATIVES = [
    Variant("sandwich_layers", {"ThreeLayerConvNet": _SANDWICH}, (), "the course's sandwich layers "
            "(conv_relu_pool, affine_relu) instead of one layer at a time, np.random.normal initialisation"),
    Variant("float64_everywhere", {"ThreeLayerConvNet": _FLOAT64}, (), "parameters made in a loop and everything "
            "computed in float64, whatever dtype it is given"),
    Variant("pool_before_relu", {"ThreeLayerConvNet": _POOL_BEFORE_RELU}, (), "max pooling before the relu: the "
            "same network, since relu is monotonic (an equivalent 'mutant')"),
    Variant("wrong_conv_layer_correct_net", {"conv_forward_naive": _CONV_FLIPPED}, (), "a correct cnn.py on a "
            "layers.py whose conv_forward_naive flips the kernel (its backward is the reference's): cs231n-layers "
            "charges it; the convnet's checks accept the network the student's own layers make"),
]

__all__ = ["ALTERNATIVES"]
