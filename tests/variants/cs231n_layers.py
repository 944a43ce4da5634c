"""Mutants of reference/cs231n_layers.py: one known mistake each, and the checks that must catch it.

Two are mistakes of a real submission of this assignment (gamma of shape (1, C, 1, 1) indexed as
if it were (C,) in group norm, and `=` for `+=` in max-pool backward); the rest are the usual slips
of CS231n's layers.py (an uncropped dx, a flipped kernel, a dropped term of the batchnorm gradient,
variances mixed up, ReLU's gradient at 0, an unreshaped x, an unstable or summed softmax loss, a dout
changed in place, the wrong axes for spatial batchnorm, ...). Each is written the way a student
would write it. The alternatives, which must score 100 %, are in cs231n_layers_alternatives.
"""

from __future__ import annotations

from pathlib import Path

from . import definition, edit, mutant_maker
from .cs231n_layers_alternatives import ALTERNATIVES

REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "cs231n_layers.py"

_mutant = mutant_maker("cs231n-layers")


def _changed(name: str, *changes: tuple[str, str]) -> str:
    source = definition(REFERENCE, name)
    for old, new in changes:
        source = edit(source, old, new)
    return source


_GROUPNORM_C_INDEXED = _changed(
    "spatial_groupnorm_forward",
    ("    out = gamma * x_hat + beta\n",
     "    out = gamma[None, :, None, None] * x_hat + beta[None, :, None, None]\n"))

_POOL_BACKWARD_ASSIGNS = _changed(
    "max_pool_backward_naive",
    ("dx[n, c, i * stride + u, j * stride + v] += dout[n, c, i, j]",
     "dx[n, c, i * stride + u, j * stride + v] = dout[n, c, i, j]"))

_POOL_FORWARD_NO_STRIDE = _changed(
    "max_pool_forward_naive",
    ("window = x[:, :, i * stride:i * stride + ph, j * stride:j * stride + pw]",
     "window = x[:, :, i:i + ph, j:j + pw]"))

_CONV_BACKWARD_NO_CROP = _changed(
    "conv_backward_naive",
    ("    dx = dx_pad[:, :, pad:pad + H, pad:pad + W]\n", "    dx = dx_pad\n"))

_CONV_FLIPPED = _changed(
    "conv_forward_naive",
    ("out[n, f, i, j] = np.sum(window * w[f]) + b[f]", "out[n, f, i, j] = np.sum(window * w[f, :, ::-1, ::-1]) + b[f]"))

_BN_BACKWARD_MISSING_TERM = _changed(
    "batchnorm_backward",
    ("dx = inv_std / N * (N * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0))",
     "dx = inv_std / N * (N * dx_hat - dx_hat.sum(axis=0))"))

_BN_RUNNING_VAR_UNBIASED = _changed(
    "batchnorm_forward",
    ("running_var = momentum * running_var + (1 - momentum) * var",
     "running_var = momentum * running_var + (1 - momentum) * x.var(axis=0, ddof=1)"))

_BN_EPS_OUTSIDE_SQRT = _changed(
    "batchnorm_forward",
    ("inv_std = 1.0 / np.sqrt(var + eps)", "inv_std = 1.0 / (np.sqrt(var) + eps)"))

_BN_MOMENTUM_SWAPPED = _changed(
    "batchnorm_forward",
    ("running_mean = momentum * running_mean + (1 - momentum) * mean",
     "running_mean = (1 - momentum) * running_mean + momentum * mean"))

_BN_TEST_USES_BATCH = _changed(
    "batchnorm_forward",
    ("out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta",
     "out = gamma * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps) + beta"))

_RELU_BACKWARD_AT_ZERO = _changed(
    "relu_backward", ("return np.where(x > 0, dout, 0.0)", "return dout * (x >= 0)"))

_RELU_BACKWARD_IN_PLACE = _changed(
    "relu_backward", ("    return np.where(x > 0, dout, 0.0)\n", "    dout[x <= 0] = 0\n    return dout\n"))

_RELU_FORWARD_NP_MAX = _changed(
    "relu_forward", ("return np.maximum(x, 0), x", "return np.max(x, 0), x"))

_AFFINE_NO_RESHAPE = _changed(
    "affine_forward", ("out = x.reshape(x.shape[0], -1) @ w + b", "out = x.dot(w) + b"))

_AFFINE_DX_FLAT = _changed(
    "affine_backward", ("dx = (dout @ w.T).reshape(x.shape)", "dx = dout @ w.T"))

_SOFTMAX_NO_SHIFT = _changed(
    "softmax_loss", ("shifted = x - x.max(axis=1, keepdims=True)", "shifted = x"))

_SOFTMAX_SUMMED = _changed(
    "softmax_loss",
    ("loss = -log_probs[np.arange(N), y].mean()", "loss = -log_probs[np.arange(N), y].sum()"),
    ("return loss, dx / N", "return loss, dx"))

_SPATIAL_BN_WRONG_AXES = _changed(
    "spatial_batchnorm_forward",
    ("flat = x.transpose(0, 2, 3, 1).reshape(-1, C)", "flat = x.reshape(-1, C)"),
    ("return out.reshape(N, H, W, C).transpose(0, 3, 1, 2), cache", "return out.reshape(N, C, H, W), cache"))

_SPATIAL_BN_BACKWARD_NOT_TRANSPOSED = _changed(
    "spatial_batchnorm_backward",
    ("return dx.reshape(N, H, W, C).transpose(0, 3, 1, 2), dgamma, dbeta",
     "return dx.reshape(N, C, H, W), dgamma, dbeta"))

_GROUPNORM_DGAMMA_FLAT = _changed(
    "spatial_groupnorm_backward",
    ("dbeta = dout.sum(axis=(0, 2, 3), keepdims=True)", "dbeta = dout.sum(axis=(0, 2, 3))"),
    ("dgamma = (dout * x_hat).sum(axis=(0, 2, 3), keepdims=True)", "dgamma = (dout * x_hat).sum(axis=(0, 2, 3))"))

_LAYERNORM_OVER_BATCH = _changed(
    "layernorm_forward",
    ("    mean = x.mean(axis=1, keepdims=True)\n    var = x.var(axis=1, keepdims=True)\n",
     "    mean = x.mean(axis=0, keepdims=True)\n    var = x.var(axis=0, keepdims=True)\n"))

_LAYERNORM_BACKWARD_BATCH_SUMS = _changed(
    "layernorm_backward",
    ("    dx = inv_std / D * (D * dx_hat - dx_hat.sum(axis=1, keepdims=True)\n"
     "                        - x_hat * (dx_hat * x_hat).sum(axis=1, keepdims=True))\n",
     "    N = dout.shape[0]\n"
     "    dx = inv_std / N * (N * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0))\n"))

_SVM_OWN_MARGIN = _changed(
    "svm_loss",
    ("    margins[np.arange(N), y] = 0.0\n    loss = margins.sum() / N\n",
     "    loss = margins.sum() / N\n    margins[np.arange(N), y] = 0.0\n"))

_DROPOUT_OTHER_CONVENTION = _changed(
    "dropout_forward", ("mask = (np.random.rand(*x.shape) < p) / p", "mask = (np.random.rand(*x.shape) >= p) / (1 - p)"))

_DROPOUT_NOT_INVERTED = _changed(
    "dropout_forward", ("mask = (np.random.rand(*x.shape) < p) / p", "mask = np.random.rand(*x.shape) < p"))

_DROPOUT_IN_TEST_MODE = _changed(
    "dropout_forward",
    ("    if mode == \"train\":\n        mask = (np.random.rand(*x.shape) < p) / p\n        out = x * mask\n"
     "    else:\n        mask = None\n        out = x\n",
     "    mask = (np.random.rand(*x.shape) < p) / p\n    out = x * mask\n"))

_DROPOUT_SEED_IGNORED = _changed(
    "dropout_forward", ("    if \"seed\" in dropout_param:\n        np.random.seed(dropout_param[\"seed\"])\n", ""))

_DROPOUT_BACKWARD_NO_MASK = _changed(
    "dropout_backward", ("        return dout * mask\n", "        return dout / dropout_param[\"p\"]\n"))

MUTANTS = [
    _mutant("groupnorm_gamma_indexed_as_c", "gamma and beta of shape (1, C, 1, 1) indexed as gamma[None, :, None, "
            "None]: the output broadcasts to (1, 1, 1, N, C, H, W) (seen in a real submission)",
            ("groupnorm.forward",),
            spatial_groupnorm_forward=_GROUPNORM_C_INDEXED),
    _mutant("max_pool_backward_assigns", "`=` instead of `+=` in max_pool_backward_naive: wrong where windows "
            "overlap (seen in a real submission)", ("max-pool.backward",),
            max_pool_backward_naive=_POOL_BACKWARD_ASSIGNS),
    _mutant("max_pool_forward_ignores_stride", "windows taken at x[i:i + ph, j:j + pw], the stride forgotten",
            ("max-pool.forward", "max-pool.regression"), max_pool_forward_naive=_POOL_FORWARD_NO_STRIDE),
    _mutant("conv_backward_no_crop", "dx returned with the padding still on", ("conv.backward",),
            conv_backward_naive=_CONV_BACKWARD_NO_CROP),
    _mutant("conv_forward_flipped_kernel", "the kernel flipped (a true convolution)",
            ("conv.forward", "conv.regression"), conv_forward_naive=_CONV_FLIPPED),
    _mutant("batchnorm_backward_missing_term", "dx without the term through the variance "
            "(- x_hat * sum(dx_hat * x_hat))", ("batchnorm.backward",), touches=("spatial-batchnorm.backward",),
            batchnorm_backward=_BN_BACKWARD_MISSING_TERM),
    _mutant("batchnorm_running_var_unbiased", "the batch normalised with the biased variance, the running "
            "variance updated with the unbiased one (ddof=1)", ("batchnorm.train-forward",),
            touches=("spatial-batchnorm.forward",), batchnorm_forward=_BN_RUNNING_VAR_UNBIASED),
    _mutant("batchnorm_eps_outside_sqrt", "1 / (sqrt(var) + eps) instead of 1 / sqrt(var + eps)",
            ("batchnorm.train-forward",), touches=("spatial-batchnorm.forward", "batchnorm.backward",
                                                   "spatial-batchnorm.backward"),
            batchnorm_forward=_BN_EPS_OUTSIDE_SQRT),
    _mutant("batchnorm_momentum_swapped", "running_mean = (1 - momentum) * running + momentum * batch mean",
            ("batchnorm.train-forward",), touches=("spatial-batchnorm.forward",),
            batchnorm_forward=_BN_MOMENTUM_SWAPPED),
    _mutant("batchnorm_test_uses_batch_stats", "test mode normalises with the batch's mean and variance",
            ("batchnorm.test-mode",), batchnorm_forward=_BN_TEST_USES_BATCH),
    _mutant("relu_backward_passes_at_zero", "relu_backward lets the gradient through where x == 0 (x >= 0)",
            ("relu.backward",), relu_backward=_RELU_BACKWARD_AT_ZERO),
    _mutant("relu_backward_changes_dout", "relu_backward zeroes dout in place and returns it",
            ("keep-input.dout",), relu_backward=_RELU_BACKWARD_IN_PLACE),
    _mutant("relu_forward_np_max", "np.max(x, 0) (a reduction over axis 0) instead of np.maximum(x, 0)",
            ("relu.forward",), relu_forward=_RELU_FORWARD_NP_MAX),
    _mutant("affine_forward_no_reshape", "x.dot(w) without reshaping x (N, d1, ..., dk) to (N, D)",
            ("affine.forward",), touches=("affine.backward",), affine_forward=_AFFINE_NO_RESHAPE),
    _mutant("affine_backward_dx_flat", "dx left as (N, D) instead of the shape of x", ("affine.backward",),
            affine_backward=_AFFINE_DX_FLAT),
    _mutant("softmax_loss_no_shift", "exp of the raw scores (no max subtracted): overflows",
            ("softmax.stable",), softmax_loss=_SOFTMAX_NO_SHIFT),
    _mutant("softmax_loss_summed", "the loss and dx summed over the N samples instead of averaged",
            ("softmax.loss",), touches=("softmax.stable",), softmax_loss=_SOFTMAX_SUMMED),
    _mutant("spatial_batchnorm_wrong_axes", "x.reshape(-1, C) without moving C last: normalises the wrong "
            "entries together", ("spatial-batchnorm.forward",), touches=("spatial-batchnorm.backward",),
            spatial_batchnorm_forward=_SPATIAL_BN_WRONG_AXES),
    _mutant("spatial_batchnorm_backward_not_transposed", "dx reshaped to (N, C, H, W) without transposing back "
            "from (N, H, W, C)", ("spatial-batchnorm.backward",),
            spatial_batchnorm_backward=_SPATIAL_BN_BACKWARD_NOT_TRANSPOSED),
    _mutant("groupnorm_dgamma_flat", "dgamma and dbeta summed to (C,) instead of (1, C, 1, 1)",
            ("groupnorm.backward",), spatial_groupnorm_backward=_GROUPNORM_DGAMMA_FLAT),
    _mutant("layernorm_over_the_batch", "the mean and variance taken over axis 0 (batchnorm's axes)",
            ("layernorm.forward",), touches=("layernorm.backward",), layernorm_forward=_LAYERNORM_OVER_BATCH),
    _mutant("layernorm_backward_batch_sums", "batchnorm's dx formula (sums over axis 0) reused for layer norm",
            ("layernorm.backward",), layernorm_backward=_LAYERNORM_BACKWARD_BATCH_SUMS),
    _mutant("svm_counts_own_margin", "the correct class's own margin (1 per sample) summed into the loss "
            "before it is zeroed", ("svm.loss",), svm_loss=_SVM_OWN_MARGIN),
    _mutant("dropout_p_is_drop_probability", "p taken as the probability of dropping a unit (the 2017 notebook's "
            "convention) where the course's option dropout_p = \"keep\"", ("dropout.train",),
            dropout_forward=_DROPOUT_OTHER_CONVENTION),
    _mutant("dropout_not_inverted", "the kept units not scaled by 1 / p (plain dropout, not inverted)",
            ("dropout.train",), dropout_forward=_DROPOUT_NOT_INVERTED),
    _mutant("dropout_in_test_mode", "the mask drawn and applied in 'test' mode too", ("dropout.test-mode",),
            dropout_forward=_DROPOUT_IN_TEST_MODE),
    _mutant("dropout_seed_ignored", "dropout_param['seed'] never used: every call draws a new mask",
            ("dropout.seed",), dropout_forward=_DROPOUT_SEED_IGNORED),
    _mutant("dropout_backward_ignores_mask", "dropout_backward scales dout by 1 / p everywhere, the dropped units "
            "included", ("dropout.backward",), dropout_backward=_DROPOUT_BACKWARD_NO_MASK),
]

__all__ = ["ALTERNATIVES", "MUTANTS", "REFERENCE"]
