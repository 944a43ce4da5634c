"""The course's "fast" layers, so notebooks that import them load. In the grader they are the
student's own naive layers under the fast names, looked up when called (a notebook may import this
before it defines its layers): only the naive ones are graded, and a fast implementation handed
out here would be an answer to them."""

import cs231n.layers as _layers

__all__ = ["conv_forward_fast", "conv_backward_fast", "max_pool_forward_fast", "max_pool_backward_fast",
           "conv_forward_im2col", "conv_backward_im2col", "conv_forward_strides", "conv_backward_strides"]


def conv_forward_fast(x, w, b, conv_param):
    return _layers.conv_forward_naive(x, w, b, conv_param)


def conv_backward_fast(dout, cache):
    return _layers.conv_backward_naive(dout, cache)


def max_pool_forward_fast(x, pool_param):
    return _layers.max_pool_forward_naive(x, pool_param)


def max_pool_backward_fast(dout, cache):
    return _layers.max_pool_backward_naive(dout, cache)


conv_forward_im2col = conv_forward_strides = conv_forward_fast
conv_backward_im2col = conv_backward_strides = conv_backward_fast
