"""layers.py: the layers of a small convolutional network, forward and backward, in numpy.

Fill in every function marked TODO. Conventions (the same as the CS231n assignment 2 notebook):

- every ``*_forward`` returns a pair ``(out, cache)``; ``cache`` is whatever your backward needs
  (a tuple, a dict, ...), and the grader hands it back to your ``*_backward`` unchanged;
- every ``*_backward(dout, cache)`` returns the gradients of the forward's inputs, each with the
  shape of that input, and leaves ``dout`` as it got it;
- images are (N, C, H, W) and filters (F, C, HH, WW); the convolution is a cross-correlation
  (no flipped kernel).

Check your work with ``grader check layers.py``.
"""



def affine_forward(x, w, b):
    """x (N, d_1, ..., d_k), w (D, M) with D = d_1 * ... * d_k, b (M,).

    Returns (out, cache): out (N, M) = x reshaped to (N, D) @ w + b."""
    # TODO
    raise NotImplementedError


def affine_backward(dout, cache):
    """dout (N, M) and the cache of affine_forward. Returns (dx, dw, db), dx with the shape of x."""
    # TODO
    raise NotImplementedError


def relu_forward(x):
    """Returns (out, cache): out = max(x, 0) elementwise."""
    # TODO
    raise NotImplementedError


def relu_backward(dout, cache):
    """Returns dx: dout where the forward's x > 0, 0 where x <= 0."""
    # TODO
    raise NotImplementedError


def conv_forward_naive(x, w, b, conv_param):
    """x (N, C, H, W), w (F, C, HH, WW), b (F,), conv_param {'stride': s, 'pad': p} (zero padding).

    Returns (out, cache): out (N, F, H', W'), H' = 1 + (H + 2p - HH) // s, W' = 1 + (W + 2p - WW) // s."""
    # TODO
    raise NotImplementedError


def conv_backward_naive(dout, cache):
    """Returns (dx, dw, db) of conv_forward_naive; dx has the shape of x (without the padding)."""
    # TODO
    raise NotImplementedError


def max_pool_forward_naive(x, pool_param):
    """x (N, C, H, W), pool_param {'pool_height', 'pool_width', 'stride'}.

    Returns (out, cache): out (N, C, H', W'), H' = 1 + (H - pool_height) // stride, W' likewise."""
    # TODO
    raise NotImplementedError


def max_pool_backward_naive(dout, cache):
    """Returns dx: each window's gradient goes to the position of its maximum (windows may overlap)."""
    # TODO
    raise NotImplementedError


def batchnorm_forward(x, gamma, beta, bn_param):
    """x (N, D), gamma and beta (D,), bn_param {'mode': 'train' or 'test', 'eps', 'momentum',
    'running_mean', 'running_var'}.

    'train': normalise with the batch's mean and (biased) variance, and update bn_param's running
    averages: running = momentum * running + (1 - momentum) * batch statistic.
    'test': normalise with bn_param's running_mean and running_var.
    Returns (out, cache)."""
    # TODO
    raise NotImplementedError


def batchnorm_backward(dout, cache):
    """Returns (dx, dgamma, dbeta) of batchnorm_forward in 'train' mode."""
    # TODO
    raise NotImplementedError


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """x (N, C, H, W), gamma and beta (C,): batch normalisation of each channel over (N, H, W).

    Returns (out, cache)."""
    # TODO
    raise NotImplementedError


def spatial_batchnorm_backward(dout, cache):
    """Returns (dx, dgamma, dbeta): dx (N, C, H, W), dgamma and dbeta (C,)."""
    # TODO
    raise NotImplementedError


def layernorm_forward(x, gamma, beta, ln_param):
    """x (N, D), gamma and beta (D,), ln_param {'eps'}: each sample (row) normalised over its D
    features. Returns (out, cache)."""
    # TODO
    raise NotImplementedError


def layernorm_backward(dout, cache):
    """Returns (dx, dgamma, dbeta): dx (N, D), dgamma and dbeta (D,)."""
    # TODO
    raise NotImplementedError


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """x (N, C, H, W), gamma and beta (1, C, 1, 1), G groups of C // G channels, gn_param {'eps'}.

    Each group of each image is normalised over its channels and pixels. Returns (out, cache),
    out with the shape of x."""
    # TODO
    raise NotImplementedError


def spatial_groupnorm_backward(dout, cache):
    """Returns (dx, dgamma, dbeta): dx (N, C, H, W), dgamma and dbeta (1, C, 1, 1)."""
    # TODO
    raise NotImplementedError


def softmax_loss(x, y):
    """x (N, C) class scores, y (N,) labels in 0..C-1.

    Returns (loss, dx): the mean over the N samples of the softmax cross-entropy, and its gradient."""
    # TODO
    raise NotImplementedError


def svm_loss(x, y):
    """x (N, C) class scores, y (N,) labels in 0..C-1.

    Returns (loss, dx): the mean over the N samples of sum over j != y of max(0, x_j - x_y + 1),
    and its gradient."""
    # TODO
    raise NotImplementedError


def dropout_forward(x, dropout_param):
    """Inverted dropout. dropout_param: 'p' the probability of KEEPING each unit (see the README's
    conventions: the assignment's option dropout_p says which meaning of p this course uses),
    'mode' 'train' or 'test', and optionally 'seed' (call np.random.seed(seed) when it is given).

    Returns (out, cache). In 'train' mode each unit is kept with probability p and the kept ones are
    scaled by 1 / p, so that out's expectation is x; in 'test' mode out is x."""
    # TODO
    raise NotImplementedError


def dropout_backward(dout, cache):
    """dout and the cache of dropout_forward. Returns dx: dout through the same mask and scale in
    'train' mode, dout in 'test' mode."""
    # TODO
    raise NotImplementedError
