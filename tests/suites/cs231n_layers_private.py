"""cs231n-layers' private helpers: the reference's answers in a form that can be recorded (each a pure
function of the drawn inputs: no bn_param changed in place, no cache handed out) and the known wrong
answers that name a mistake. Kept from students (grader release ships only modules marked for
them); the suite calls these through grader.oracle (load_private), so their results are recorded
with the cases and a student's copy of the grader looks them up.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.suite import reference

ref = reference()


def affine(x, w, b, dout) -> dict[str, Any]:
    out, cache = ref.affine_forward(x, w, b)
    dx, dw, db = ref.affine_backward(dout, cache)
    return {"out": out, "dx": dx, "dw": dw, "db": db}


def relu(x, dout) -> dict[str, Any]:
    out, cache = ref.relu_forward(x)
    return {"out": out, "dx": ref.relu_backward(dout, cache)}


def conv(x, w, b, stride, pad, dout) -> dict[str, Any]:
    out, cache = ref.conv_forward_naive(x, w, b, {"stride": stride, "pad": pad})
    dx, dw, db = ref.conv_backward_naive(dout, cache)
    flipped, _ = ref.conv_forward_naive(x, w[:, :, ::-1, ::-1].copy(), b, {"stride": stride, "pad": pad})
    return {"out": out, "dx": dx, "dw": dw, "db": db, "flipped": flipped}


def pool(x, pool_height, pool_width, stride, dout) -> dict[str, Any]:
    param = {"pool_height": pool_height, "pool_width": pool_width, "stride": stride}
    out, cache = ref.max_pool_forward_naive(x, param)
    dx = ref.max_pool_backward_naive(dout, cache)
    # what `=` in place of `+=` gives: the last window that picks a position overwrites the others
    assigned = np.zeros_like(x)
    n_all, c_all = np.indices(x.shape[:2])
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = x[:, :, i * stride:i * stride + pool_height, j * stride:j * stride + pool_width]
            flat = window.reshape(*x.shape[:2], -1).argmax(axis=2)
            u, v = np.unravel_index(flat, (pool_height, pool_width))
            assigned[n_all, c_all, i * stride + u, j * stride + v] = dout[:, :, i, j]
    return {"out": out, "dx": dx, "assigned": assigned}


def _bn_param(mode, eps, momentum, running_mean, running_var) -> dict[str, Any]:
    return {"mode": mode, "eps": eps, "momentum": momentum, "running_mean": running_mean.copy(),
            "running_var": running_var.copy()}


def batchnorm(x, gamma, beta, eps, momentum, running_mean, running_var, dout, spatial=False) -> dict[str, Any]:
    forward = ref.spatial_batchnorm_forward if spatial else ref.batchnorm_forward
    backward = ref.spatial_batchnorm_backward if spatial else ref.batchnorm_backward
    param = _bn_param("train", eps, momentum, running_mean, running_var)
    out, cache = forward(x, gamma, beta, param)
    dx, dgamma, dbeta = backward(dout, cache)
    test_param = _bn_param("test", eps, momentum, running_mean, running_var)
    test_out, _ = forward(x, gamma, beta, test_param)
    axes = (0, 2, 3) if spatial else (0,)
    unbiased = x.var(axis=axes, ddof=1) if x.size // len(gamma) > 1 else x.var(axis=axes)
    return {"out": out, "running_mean": param["running_mean"], "running_var": param["running_var"],
            "dx": dx, "dgamma": dgamma, "dbeta": dbeta, "test_out": test_out,
            "swapped_mean": (1 - momentum) * running_mean + momentum * x.mean(axis=axes),
            "unbiased_var": momentum * running_var + (1 - momentum) * unbiased}


def groupnorm(x, gamma, beta, G, eps, dout) -> dict[str, Any]:
    out, cache = ref.spatial_groupnorm_forward(x, gamma, beta, G, {"eps": eps})
    dx, dgamma, dbeta = ref.spatial_groupnorm_backward(dout, cache)
    return {"out": out, "dx": dx, "dgamma": dgamma, "dbeta": dbeta}


def softmax(x, y) -> dict[str, Any]:
    loss, dx = ref.softmax_loss(x, y)
    return {"loss": loss, "dx": dx}


def layernorm(x, gamma, beta, eps, dout) -> dict[str, Any]:
    out, cache = ref.layernorm_forward(x, gamma, beta, {"eps": eps})
    dx, dgamma, dbeta = ref.layernorm_backward(dout, cache)
    return {"out": out, "dx": dx, "dgamma": dgamma, "dbeta": dbeta}


def svm(x, y) -> dict[str, Any]:
    loss, dx = ref.svm_loss(x, y)
    # with the correct class's own margin (1 per sample) left in the sum
    return {"loss": loss, "dx": dx, "with_own_margin": loss + 1.0}
