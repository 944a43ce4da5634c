"""Reference for cs231n-convnet: CS231n assignment 2's ThreeLayerConvNet (cs231n/classifiers/cnn.py).

A student submits cnn.py, which imports the layers of their own cs231n/layers.py. So that a variant of
this module is a whole submission, the layers it uses are here too: the grader's own copy, written
from the math (loops over the kernel's offsets, vectorised over images, channels and positions).

conv (F filters, 'same' padding (filter_size - 1) // 2, stride 1) -> relu -> 2x2 max pool, stride 2
-> affine -> relu -> affine -> softmax. loss(X) returns the scores (N, C); loss(X, y) returns
(loss, grads): the mean cross-entropy plus 0.5 * reg * (|W1|^2 + |W2|^2 + |W3|^2), biases not
regularised, and the gradient of every parameter.
"""

from __future__ import annotations

import numpy as np


def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1) @ w + b
    return out, (x, w, b)


def affine_backward(dout, cache):
    x, w, b = cache
    dx = (dout @ w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T @ dout
    return dx, dw, dout.sum(axis=0)


def relu_forward(x):
    return np.maximum(x, 0), x


def relu_backward(dout, cache):
    return np.where(cache > 0, dout, 0.0)


def conv_forward_naive(x, w, b, conv_param):
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, F, H_out, W_out), dtype=np.result_type(x, w))
    for u in range(HH):
        for v in range(WW):
            patch = x_pad[:, :, u:u + stride * H_out:stride, v:v + stride * W_out:stride]
            out += np.einsum("nchw,fc->nfhw", patch, w[:, :, u, v])
    return out + b[None, :, None, None], (x, w, b, conv_param)


def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dx_pad = np.zeros(x_pad.shape, dtype=np.result_type(dout, w))
    dw = np.zeros(w.shape, dtype=np.result_type(dout, x))
    for u in range(HH):
        for v in range(WW):
            rows = slice(u, u + stride * H_out, stride)
            cols = slice(v, v + stride * W_out, stride)
            dw[:, :, u, v] = np.einsum("nchw,nfhw->fc", x_pad[:, :, rows, cols], dout)
            dx_pad[:, :, rows, cols] += np.einsum("nfhw,fc->nchw", dout, w[:, :, u, v])
    return dx_pad[:, :, pad:pad + H, pad:pad + W], dw, dout.sum(axis=(0, 2, 3))


def max_pool_forward_naive(x, pool_param):
    ph, pw, stride = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H, W = x.shape
    H_out, W_out = 1 + (H - ph) // stride, 1 + (W - pw) // stride
    out = np.full((N, C, H_out, W_out), -np.inf, dtype=x.dtype)
    for u in range(ph):
        for v in range(pw):
            out = np.maximum(out, x[:, :, u:u + stride * H_out:stride, v:v + stride * W_out:stride])
    return out, (x, pool_param)


def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    ph, pw, stride = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    _, _, H_out, W_out = dout.shape
    out, _ = max_pool_forward_naive(x, pool_param)
    dx = np.zeros(x.shape, dtype=np.result_type(dout, x))
    taken = np.zeros(out.shape, dtype=bool)          # a window sends its gradient to its first maximum
    for u in range(ph):
        for v in range(pw):
            rows = slice(u, u + stride * H_out, stride)
            cols = slice(v, v + stride * W_out, stride)
            here = (x[:, :, rows, cols] == out) & ~taken
            dx[:, :, rows, cols] += np.where(here, dout, 0.0)
            taken |= here
    return dx


def softmax_loss(x, y):
    shifted = x - x.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    N = x.shape[0]
    loss = -log_probs[np.arange(N), y].mean()
    dx = np.exp(log_probs)
    dx[np.arange(N), y] -= 1
    return loss, dx / N


class ThreeLayerConvNet:
    """conv - relu - 2x2 max pool - affine - relu - affine - softmax, on images (N, C, H, W)."""

    def __init__(self, input_dim=(3, 32, 32), num_filters=32, filter_size=7, hidden_dim=100, num_classes=10,
                 weight_scale=1e-3, reg=0.0, dtype=np.float32):
        self.params = {}
        self.reg = reg
        self.dtype = dtype
        C, H, W = input_dim
        self.params["W1"] = weight_scale * np.random.randn(num_filters, C, filter_size, filter_size)
        self.params["b1"] = np.zeros(num_filters)
        self.params["W2"] = weight_scale * np.random.randn(num_filters * (H // 2) * (W // 2), hidden_dim)
        self.params["b2"] = np.zeros(hidden_dim)
        self.params["W3"] = weight_scale * np.random.randn(hidden_dim, num_classes)
        self.params["b3"] = np.zeros(num_classes)
        for k, v in self.params.items():
            self.params[k] = v.astype(dtype)

    def loss(self, X, y=None):
        W1, b1 = self.params["W1"], self.params["b1"]
        W2, b2 = self.params["W2"], self.params["b2"]
        W3, b3 = self.params["W3"], self.params["b3"]
        conv_param = {"stride": 1, "pad": (W1.shape[2] - 1) // 2}
        pool_param = {"pool_height": 2, "pool_width": 2, "stride": 2}

        a1, conv_cache = conv_forward_naive(X, W1, b1, conv_param)
        r1, relu1_cache = relu_forward(a1)
        p1, pool_cache = max_pool_forward_naive(r1, pool_param)
        a2, fc2_cache = affine_forward(p1, W2, b2)
        h2, relu2_cache = relu_forward(a2)
        scores, fc3_cache = affine_forward(h2, W3, b3)
        if y is None:
            return scores

        loss, dscores = softmax_loss(scores, y)
        loss += 0.5 * self.reg * (np.sum(W1 * W1) + np.sum(W2 * W2) + np.sum(W3 * W3))
        grads = {}
        dh2, grads["W3"], grads["b3"] = affine_backward(dscores, fc3_cache)
        grads["W3"] += self.reg * W3
        da2 = relu_backward(dh2, relu2_cache)
        dp1, grads["W2"], grads["b2"] = affine_backward(da2, fc2_cache)
        grads["W2"] += self.reg * W2
        dr1 = max_pool_backward_naive(dp1, pool_cache)
        da1 = relu_backward(dr1, relu1_cache)
        _, grads["W1"], grads["b1"] = conv_backward_naive(da1, conv_cache)
        grads["W1"] += self.reg * W1
        return loss, grads
