import numpy as np

# Assignment 2 layers. Forward functions return (out, cache), backward functions the gradients.


def affine_forward(x, w, b):
    num_train = x.shape[0]
    x_flat = np.reshape(x, (num_train, -1))
    out = x_flat.dot(w) + b
    return out, (x, w, b)


def affine_backward(dout, cache):
    x, w, b = cache
    num_train = x.shape[0]
    dx = np.reshape(dout.dot(w.T), x.shape)
    dw = np.reshape(x, (num_train, -1)).T.dot(dout)
    db = np.sum(dout, axis=0)
    return dx, dw, db


def relu_forward(x):
    out = x.copy()
    out[out < 0] = 0
    return out, x


def relu_backward(dout, cache):
    x = cache
    dx = dout
    dx[x <= 0] = 0
    return dx


def svm_loss(x, y):
    num_train = x.shape[0]
    scores_y = x[range(num_train), y].reshape(-1, 1)
    margins = np.maximum(0, x - scores_y + 1)
    margins[range(num_train), y] = 0
    loss = margins.sum() / num_train
    mask = (margins > 0).astype(float)
    mask[range(num_train), y] = -mask.sum(axis=1)
    dx = mask / num_train
    return loss, dx


def softmax_loss(x, y):
    num_train = x.shape[0]
    scores = x - np.max(x, axis=1).reshape(-1, 1)
    exp_scores = np.exp(scores)
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    loss = np.sum(-scores[range(num_train), y] + np.log(np.sum(exp_scores, axis=1))) / num_train
    dx = probs
    dx[range(num_train), y] -= 1
    dx = dx / num_train
    return loss, dx


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))

    out, cache = None, None
    if mode == "train":
        # step by step, as in the computational graph
        mu = 1.0 / N * np.sum(x, axis=0)
        xmu = x - mu
        sq = xmu ** 2
        var = 1.0 / N * np.sum(sq, axis=0)
        sqrtvar = np.sqrt(var + eps)
        ivar = 1.0 / sqrtvar
        xhat = xmu * ivar
        out = gamma * xhat + beta
        cache = (xhat, gamma, xmu, ivar, sqrtvar, var, eps)
        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var = momentum * running_var + (1 - momentum) * var
    elif mode == "test":
        xhat = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * xhat + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    xhat, gamma, xmu, ivar, sqrtvar, var, eps = cache
    N, D = dout.shape
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * xhat, axis=0)
    dxhat = dout * gamma
    divar = np.sum(dxhat * xmu, axis=0)
    dxmu1 = dxhat * ivar
    dsqrtvar = -1.0 / (sqrtvar ** 2) * divar
    dvar = 0.5 * 1.0 / np.sqrt(var + eps) * dsqrtvar
    dsq = 1.0 / N * np.ones((N, D)) * dvar
    dxmu2 = 2 * xmu * dsq
    dx1 = dxmu1 + dxmu2
    dmu = -1 * np.sum(dxmu1 + dxmu2, axis=0)
    dx2 = 1.0 / N * np.ones((N, D)) * dmu
    dx = dx1 + dx2
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, ln_param):
    # layer norm = batch norm on the transpose (without the running averages)
    eps = ln_param.get("eps", 1e-5)
    xt = x.T
    mean = xt.mean(axis=0)
    var = xt.var(axis=0)
    std = np.sqrt(var + eps)
    x_norm = ((xt - mean) / std).T
    out = gamma * x_norm + beta
    return out, (x_norm, gamma, std)


def layernorm_backward(dout, cache):
    x_norm, gamma, std = cache
    dbeta = dout.sum(axis=0)
    dgamma = np.sum(dout * x_norm, axis=0)
    dxn = (dout * gamma).T
    xn = x_norm.T
    D = dxn.shape[0]
    dx = (D * dxn - dxn.sum(axis=0) - xn * np.sum(dxn * xn, axis=0)) / (D * std)
    return dx.T, dgamma, dbeta


def conv_forward_naive(x, w, b, conv_param):
    N, C, H, W = x.shape
    F, C, HH, WW = w.shape
    S = conv_param["stride"]
    P = conv_param["pad"]
    Hp = 1 + (H + 2 * P - HH) // S
    Wp = 1 + (W + 2 * P - WW) // S
    out = np.zeros((N, F, Hp, Wp))
    xpad = np.pad(x, ((0, 0), (0, 0), (P, P), (P, P)), "constant", constant_values=0)
    for n in range(N):
        for f in range(F):
            for hp in range(Hp):
                for wp in range(Wp):
                    region = xpad[n, :, hp * S:hp * S + HH, wp * S:wp * S + WW]
                    out[n, f, hp, wp] = np.sum(region * w[f, :, :, :]) + b[f]
    return out, (x, w, b, conv_param)


def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    N, C, H, W = x.shape
    F, C, HH, WW = w.shape
    S = conv_param["stride"]
    P = conv_param["pad"]
    _, _, Hp, Wp = dout.shape
    xpad = np.pad(x, ((0, 0), (0, 0), (P, P), (P, P)), "constant", constant_values=0)
    dxpad = np.zeros(xpad.shape)
    dw = np.zeros(w.shape)
    db = np.zeros(b.shape)
    for n in range(N):
        for f in range(F):
            db[f] += np.sum(dout[n, f])
            for hp in range(Hp):
                for wp in range(Wp):
                    region = xpad[n, :, hp * S:hp * S + HH, wp * S:wp * S + WW]
                    dw[f] += region * dout[n, f, hp, wp]
                    dxpad[n, :, hp * S:hp * S + HH, wp * S:wp * S + WW] += w[f] * dout[n, f, hp, wp]
    dx = dxpad[:, :, P:P + H, P:P + W]
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    N, C, H, W = x.shape
    PH = pool_param["pool_height"]
    PW = pool_param["pool_width"]
    S = pool_param["stride"]
    Hp = 1 + (H - PH) // S
    Wp = 1 + (W - PW) // S
    out = np.zeros((N, C, Hp, Wp))
    for n in range(N):
        for c in range(C):
            for hp in range(Hp):
                for wp in range(Wp):
                    out[n, c, hp, wp] = np.max(x[n, c, hp * S:hp * S + PH, wp * S:wp * S + PW])
    return out, (x, pool_param)


def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    N, C, H, W = x.shape
    PH = pool_param["pool_height"]
    PW = pool_param["pool_width"]
    S = pool_param["stride"]
    _, _, Hp, Wp = dout.shape
    dx = np.zeros(x.shape)
    for n in range(N):
        for c in range(C):
            for hp in range(Hp):
                for wp in range(Wp):
                    region = x[n, c, hp * S:hp * S + PH, wp * S:wp * S + PW]
                    ind = np.unravel_index(np.argmax(region), (PH, PW))
                    dx[n, c, hp * S + ind[0], wp * S + ind[1]] = dout[n, c, hp, wp]
    return dx


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    N, C, H, W = x.shape
    x_new = np.transpose(x, (0, 2, 3, 1)).reshape(N * H * W, C)
    out, cache = batchnorm_forward(x_new, gamma, beta, bn_param)
    out = np.transpose(out.reshape(N, H, W, C), (0, 3, 1, 2))
    return out, cache


def spatial_batchnorm_backward(dout, cache):
    N, C, H, W = dout.shape
    dout_new = np.transpose(dout, (0, 2, 3, 1)).reshape(N * H * W, C)
    dx, dgamma, dbeta = batchnorm_backward(dout_new, cache)
    dx = np.transpose(dx.reshape(N, H, W, C), (0, 3, 1, 2))
    return dx, dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    eps = gn_param.get("eps", 1e-5)
    N, C, H, W = x.shape
    x_group = np.reshape(x, (N * G, C // G * H * W)).T
    mu = np.mean(x_group, axis=0)
    xmu = x_group - mu
    var = np.var(x_group, axis=0)
    sqrtvar = np.sqrt(var + eps)
    ivar = 1.0 / sqrtvar
    xhat = xmu * ivar
    xhat = np.reshape(xhat.T, (N, C, H, W))
    out = gamma[np.newaxis, :, np.newaxis, np.newaxis] * xhat + beta[np.newaxis, :, np.newaxis, np.newaxis]
    cache = (xhat, gamma, xmu, ivar, sqrtvar, var, eps, G)
    return out, cache


def spatial_groupnorm_backward(dout, cache):
    xhat, gamma, xmu, ivar, sqrtvar, var, eps, G = cache
    N, C, H, W = dout.shape
    dbeta = np.sum(dout, axis=(0, 2, 3), keepdims=True)
    dgamma = np.sum(dout * xhat, axis=(0, 2, 3), keepdims=True)
    dxhat = np.reshape(dout * gamma, (N * G, C // G * H * W)).T
    xhat_g = np.reshape(xhat, (N * G, C // G * H * W)).T
    M = dxhat.shape[0]
    dx = 1.0 / M * ivar * (M * dxhat - np.sum(dxhat, axis=0) - xhat_g * np.sum(dxhat * xhat_g, axis=0))
    dx = np.reshape(dx.T, (N, C, H, W))
    return dx, dgamma, dbeta


def dropout_forward(x, dropout_param):
    p, mode = dropout_param['p'], dropout_param['mode']
    if 'seed' in dropout_param:
        np.random.seed(dropout_param['seed'])
    mask = None
    out = x
    if mode == 'train':
        mask = (np.random.random_sample(x.shape) < p) / p
        out = x * mask
    cache = (dropout_param, mask)
    return out.astype(x.dtype, copy=False), cache


def dropout_backward(dout, cache):
    dropout_param, mask = cache
    if dropout_param['mode'] == 'train':
        return dout * mask
    return dout
