"""Alternative correct solutions of cs231n-layers: each must score 100 %.

They are written differently from the reference on purpose, so that the suite is shown to accept
what is right rather than what looks like the reference: one vectorised (im2col through
sliding_window_view for the convolution and the pooling, one einsum per layer) that keeps its
caches in dicts of its own layout; one that computes everything in float32 with Python loops; and
one whose caches hold other things than the reference's (the raw statistics instead of x_hat, a
mask instead of x, a closure that computes the backward).
"""

from __future__ import annotations

from pathlib import Path

from . import Variant

_REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "cs231n_layers.py"

_VECTORISED = {
    "affine_forward": '''
def affine_forward(x, w, b):
    flat = x.reshape(len(x), -1)
    return flat.dot(w) + b, {"flat": flat, "shape": x.shape, "w": w}
''',
    "affine_backward": '''
def affine_backward(dout, cache):
    dx = dout.dot(cache["w"].T).reshape(cache["shape"])
    return dx, cache["flat"].T.dot(dout), np.sum(dout, axis=0)
''',
    "conv_forward_naive": '''
from numpy.lib.stride_tricks import sliding_window_view


def _patches(x_pad, HH, WW, stride):
    """(N, C, H', W', HH, WW) view of every window."""
    return sliding_window_view(x_pad, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride]


def conv_forward_naive(x, w, b, conv_param):
    s, p = conv_param["stride"], conv_param["pad"]
    x_pad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), mode="constant")
    cols = _patches(x_pad, w.shape[2], w.shape[3], s)
    out = np.einsum("ncijuv,fcuv->nfij", cols, w) + b[None, :, None, None]
    return out, {"x_shape": x.shape, "cols": cols.copy(), "w": w, "s": s, "p": p}
''',
    "conv_backward_naive": '''
def conv_backward_naive(dout, cache):
    w, s, p = cache["w"], cache["s"], cache["p"]
    N, C, H, W = cache["x_shape"]
    HH, WW = w.shape[2:]
    dw = np.einsum("ncijuv,nfij->fcuv", cache["cols"], dout)
    db = dout.sum(axis=(0, 2, 3))
    dcols = np.einsum("nfij,fcuv->ncijuv", dout, w)
    dx_pad = np.zeros((N, C, H + 2 * p, W + 2 * p))
    for u in range(HH):
        for v in range(WW):
            rows = slice(u, u + s * dout.shape[2], s)
            cols = slice(v, v + s * dout.shape[3], s)
            dx_pad[:, :, rows, cols] += dcols[:, :, :, :, u, v]
    return dx_pad[:, :, p:p + H, p:p + W], dw, db
''',
    "max_pool_forward_naive": '''
def max_pool_forward_naive(x, pool_param):
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    windows = sliding_window_view(x, (ph, pw), axis=(2, 3))[:, :, ::s, ::s]
    flat = windows.reshape(*windows.shape[:4], -1)
    where = flat.argmax(axis=-1)
    return flat.max(axis=-1), {"where": where, "shape": x.shape, "ph": ph, "pw": pw, "s": s}
''',
    "max_pool_backward_naive": '''
def max_pool_backward_naive(dout, cache):
    ph, pw, s = cache["ph"], cache["pw"], cache["s"]
    u, v = np.divmod(cache["where"], pw)
    N, C, Ho, Wo = dout.shape
    n, c, i, j = np.indices((N, C, Ho, Wo))
    dx = np.zeros(cache["shape"])
    np.add.at(dx, (n, c, i * s + u, j * s + v), dout)
    return dx
''',
    "batchnorm_forward": '''
def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    eps, momentum = bn_param.get("eps", 1e-5), bn_param.get("momentum", 0.9)
    running_mean = bn_param.get("running_mean", np.zeros(x.shape[1]))
    running_var = bn_param.get("running_var", np.zeros(x.shape[1]))
    if mode == "test":
        return (x - running_mean) / np.sqrt(running_var + eps) * gamma + beta, {}
    mu = np.mean(x, axis=0)
    xc = x - mu
    var = np.mean(xc ** 2, axis=0)
    std = np.sqrt(var + eps)
    bn_param["running_mean"] = momentum * running_mean + (1.0 - momentum) * mu
    bn_param["running_var"] = momentum * running_var + (1.0 - momentum) * var
    return xc / std * gamma + beta, {"xc": xc, "std": std, "gamma": gamma}
''',
    "batchnorm_backward": '''
def batchnorm_backward(dout, cache):
    # the computational graph, one node at a time (the notebook's first version)
    xc, std, gamma = cache["xc"], cache["std"], cache["gamma"]
    N = dout.shape[0]
    xhat = xc / std
    dbeta = dout.sum(0)
    dgamma = (dout * xhat).sum(0)
    dxhat = dout * gamma
    dxc = dxhat / std
    dstd = -(dxhat * xc).sum(0) / std ** 2
    dvar = 0.5 * dstd / std
    dxc += 2.0 * xc * dvar / N
    dx = dxc - dxc.sum(0) / N
    return dx, dgamma, dbeta
''',
    "spatial_groupnorm_forward": '''
def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    N, C, H, W = x.shape
    g = x.reshape(N * G, -1).T
    mu = g.mean(axis=0)
    var = g.var(axis=0)
    ivar = 1.0 / np.sqrt(var + gn_param.get("eps", 1e-5))
    xhat = ((g - mu) * ivar).T.reshape(N, C, H, W)
    return gamma * xhat + beta, {"xhat": xhat, "gamma": gamma, "ivar": ivar, "G": G}
''',
    "spatial_groupnorm_backward": '''
def spatial_groupnorm_backward(dout, cache):
    xhat, gamma, ivar, G = cache["xhat"], cache["gamma"], cache["ivar"], cache["G"]
    N, C, H, W = dout.shape
    dbeta = np.sum(dout, axis=(0, 2, 3), keepdims=True)
    dgamma = np.sum(dout * xhat, axis=(0, 2, 3), keepdims=True)
    dxhat = (dout * gamma).reshape(N * G, -1).T
    xh = xhat.reshape(N * G, -1).T
    M = dxhat.shape[0]
    dx = ivar / M * (M * dxhat - dxhat.sum(axis=0) - xh * (dxhat * xh).sum(axis=0))
    return dx.T.reshape(N, C, H, W), dgamma, dbeta
''',
    "layernorm_forward": '''
def layernorm_forward(x, gamma, beta, ln_param):
    # the notebook's hint: batch normalisation of the transposed input, without running averages
    xt = x.T
    mu = xt.mean(axis=0)
    xc = xt - mu
    std = np.sqrt((xc ** 2).mean(axis=0) + ln_param.get("eps", 1e-5))
    xhat = (xc / std).T
    return xhat * gamma + beta, {"xhat_t": xhat.T, "std": std, "gamma": gamma}
''',
    "layernorm_backward": '''
def layernorm_backward(dout, cache):
    xhat_t, std, gamma = cache["xhat_t"], cache["std"], cache["gamma"]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat_t.T).sum(axis=0)
    dxhat_t = (dout * gamma).T
    dx_t = (dxhat_t - dxhat_t.mean(axis=0) - xhat_t * (dxhat_t * xhat_t).mean(axis=0)) / std
    return dx_t.T, dgamma, dbeta
''',
    "svm_loss": '''
def svm_loss(x, y):
    N, C = x.shape
    loss, dx = 0.0, np.zeros_like(x)
    for i in range(N):
        for j in range(C):
            if j == y[i]:
                continue
            margin = x[i, j] - x[i, y[i]] + 1
            if margin > 0:
                loss += margin
                dx[i, j] += 1
                dx[i, y[i]] -= 1
    return loss / N, dx / N
''',
    "softmax_loss": '''
def softmax_loss(x, y):
    z = x - np.max(x, axis=1, keepdims=True)
    p = np.exp(z)
    p /= np.sum(p, axis=1, keepdims=True)
    N = x.shape[0]
    loss = -np.sum(np.log(p[np.arange(N), y])) / N
    dx = p.copy()
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx
''',
}

_FLOAT32_LOOPS = {
    "affine_forward": '''
def affine_forward(x, w, b):
    x32, w32, b32 = (np.asarray(a, dtype=np.float32) for a in (x, w, b))
    rows = x32.reshape(x32.shape[0], -1)
    out = np.zeros((rows.shape[0], w32.shape[1]), dtype=np.float32)
    for n in range(rows.shape[0]):
        for m in range(w32.shape[1]):
            out[n, m] = np.dot(rows[n], w32[:, m]) + b32[m]
    return out, (x32, w32)
''',
    "affine_backward": '''
def affine_backward(dout, cache):
    x32, w32 = cache
    d = np.asarray(dout, dtype=np.float32)
    rows = x32.reshape(x32.shape[0], -1)
    return (d @ w32.T).reshape(x32.shape), rows.T @ d, d.sum(axis=0)
''',
    "relu_forward": '''
def relu_forward(x):
    x32 = np.asarray(x, dtype=np.float32)
    out = x32.copy()
    flat = out.reshape(-1)
    for k in range(flat.size):
        if flat[k] < 0:
            flat[k] = 0
    return out, x32
''',
    "relu_backward": '''
def relu_backward(dout, cache):
    dx = np.array(dout, dtype=np.float32)
    flat, xs = dx.reshape(-1), cache.reshape(-1)
    for k in range(flat.size):
        if xs[k] <= 0:
            flat[k] = 0
    return dx
''',
    "conv_forward_naive": '''
def conv_forward_naive(x, w, b, conv_param):
    x, w, b = (np.asarray(a, dtype=np.float32) for a in (x, w, b))
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Ho, Wo = (H + 2 * pad - HH) // stride + 1, (W + 2 * pad - WW) // stride + 1
    xp = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=np.float32)
    xp[:, :, pad:pad + H, pad:pad + W] = x
    out = np.zeros((N, F, Ho, Wo), dtype=np.float32)
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    total = b[f]
                    for c in range(C):
                        for u in range(HH):
                            for v in range(WW):
                                total += xp[n, c, i * stride + u, j * stride + v] * w[f, c, u, v]
                    out[n, f, i, j] = total
    return out, (x, w, b, conv_param)
''',
    "conv_backward_naive": '''
def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    dout = np.asarray(dout, dtype=np.float32)
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    db = np.zeros_like(b)
    for n in range(N):
        for f in range(F):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    g = dout[n, f, i, j]
                    db[f] += g
                    for c in range(C):
                        for u in range(HH):
                            for v in range(WW):
                                dw[f, c, u, v] += g * xp[n, c, i * stride + u, j * stride + v]
                                dxp[n, c, i * stride + u, j * stride + v] += g * w[f, c, u, v]
    return dxp[:, :, pad:pad + H, pad:pad + W], dw, db
''',
    "max_pool_forward_naive": '''
def max_pool_forward_naive(x, pool_param):
    x = np.asarray(x, dtype=np.float32)
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H, W = x.shape
    out = np.zeros((N, C, (H - ph) // s + 1, (W - pw) // s + 1), dtype=np.float32)
    for n in range(N):
        for c in range(C):
            for i in range(out.shape[2]):
                for j in range(out.shape[3]):
                    best = x[n, c, i * s, j * s]
                    for u in range(ph):
                        for v in range(pw):
                            best = max(best, x[n, c, i * s + u, j * s + v])
                    out[n, c, i, j] = best
    return out, (x, pool_param)
''',
    "max_pool_backward_naive": '''
def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    dx = np.zeros_like(x)
    for n in range(dout.shape[0]):
        for c in range(dout.shape[1]):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    bu, bv = 0, 0
                    for u in range(ph):
                        for v in range(pw):
                            if x[n, c, i * s + u, j * s + v] > x[n, c, i * s + bu, j * s + bv]:
                                bu, bv = u, v
                    dx[n, c, i * s + bu, j * s + bv] += dout[n, c, i, j]
    return dx
''',
    "batchnorm_forward": '''
def batchnorm_forward(x, gamma, beta, bn_param):
    x, gamma, beta = (np.asarray(a, dtype=np.float32) for a in (x, gamma, beta))
    eps = np.float32(bn_param.get("eps", 1e-5))
    momentum = np.float32(bn_param.get("momentum", 0.9))
    rm = np.asarray(bn_param.get("running_mean", np.zeros(x.shape[1])), dtype=np.float32)
    rv = np.asarray(bn_param.get("running_var", np.zeros(x.shape[1])), dtype=np.float32)
    if bn_param["mode"] == "train":
        mean = x.mean(axis=0)
        var = ((x - mean) ** 2).mean(axis=0)
        xhat = (x - mean) / np.sqrt(var + eps)
        bn_param["running_mean"] = momentum * rm + (1 - momentum) * mean
        bn_param["running_var"] = momentum * rv + (1 - momentum) * var
        return gamma * xhat + beta, (xhat, gamma, var + eps)
    return gamma * (x - rm) / np.sqrt(rv + eps) + beta, None
''',
    "batchnorm_backward": '''
def batchnorm_backward(dout, cache):
    xhat, gamma, var_eps = cache
    dout = np.asarray(dout, dtype=np.float32)
    N = dout.shape[0]
    dxhat = dout * gamma
    dx = (N * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0)) / (N * np.sqrt(var_eps))
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)
''',
}

_OTHER_CACHES = {
    "affine_forward": '''
def affine_forward(x, w, b):
    flat = x.reshape(x.shape[0], -1)

    def backward(dout):
        return (dout @ w.T).reshape(x.shape), flat.T @ dout, dout.sum(axis=0)
    return flat @ w + b, backward
''',
    "affine_backward": '''
def affine_backward(dout, cache):
    return cache(dout)
''',
    "relu_forward": '''
def relu_forward(x):
    mask = x > 0
    return x * mask, mask
''',
    "relu_backward": '''
def relu_backward(dout, cache):
    return dout * cache
''',
    "spatial_batchnorm_forward": '''
def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    # straight on the 4-D array, without batchnorm_forward; the cache holds the raw statistics
    mode, eps = bn_param["mode"], bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    C = x.shape[1]
    g, b = gamma.reshape(1, C, 1, 1), beta.reshape(1, C, 1, 1)
    if mode == "test":
        mean = bn_param["running_mean"].reshape(1, C, 1, 1)
        var = bn_param["running_var"].reshape(1, C, 1, 1)
        return g * (x - mean) / np.sqrt(var + eps) + b, None
    mean = x.mean(axis=(0, 2, 3), keepdims=True)
    var = x.var(axis=(0, 2, 3), keepdims=True)
    bn_param["running_mean"] = momentum * bn_param["running_mean"] + (1 - momentum) * mean.ravel()
    bn_param["running_var"] = momentum * bn_param["running_var"] + (1 - momentum) * var.ravel()
    return g * (x - mean) / np.sqrt(var + eps) + b, [x, mean, var, eps, g]
''',
    "spatial_batchnorm_backward": '''
def spatial_batchnorm_backward(dout, cache):
    x, mean, var, eps, g = cache
    m = x.shape[0] * x.shape[2] * x.shape[3]
    axes = (0, 2, 3)
    xhat = (x - mean) / np.sqrt(var + eps)
    dxhat = dout * g
    dx = (m * dxhat - dxhat.sum(axis=axes, keepdims=True)
          - xhat * (dxhat * xhat).sum(axis=axes, keepdims=True)) / (m * np.sqrt(var + eps))
    return dx, (dout * xhat).sum(axis=axes), dout.sum(axis=axes)
''',
}

_BOOLEAN_MASK = {
    "dropout_forward": '''
def dropout_forward(x, dropout_param):
    # the mask kept as booleans, drawn from a Generator of its own; the scale applied separately
    keep = dropout_param["p"]
    rng = np.random.default_rng(dropout_param.get("seed"))
    if dropout_param["mode"] != "train":
        return x.copy(), {"train": False}
    mask = rng.random(x.shape) < keep
    return np.where(mask, x / keep, 0.0), {"train": True, "mask": mask, "keep": keep}
''',
    "dropout_backward": '''
def dropout_backward(dout, cache):
    if not cache["train"]:
        return dout.copy()
    return np.where(cache["mask"], dout / cache["keep"], 0.0)
''',
}

ALTERNATIVES = [
    Variant("vectorised_dict_caches", _VECTORISED, (), "im2col with sliding_window_view and einsum, np.add.at "
            "for max-pool backward, the staged batchnorm backward, and dict caches of its own layout"),
    Variant("float32_loops", _FLOAT32_LOOPS, (), "everything in float32, with Python loops down to single entries"),
    Variant("other_caches", _OTHER_CACHES, (), "a closure as the affine layer's cache, a boolean mask as ReLU's, "
            "and spatial batchnorm on the 4-D array with a list of raw statistics as its cache"),
    Variant("dropout_boolean_mask", _BOOLEAN_MASK, (), "dropout whose cache holds a boolean mask (the scale applied "
            "apart), drawn from np.random.default_rng(seed)"),
]

__all__ = ["ALTERNATIVES"]
