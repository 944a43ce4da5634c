import numpy as np


def affine_forward(x, w, b):
    N = x.shape[0]
    x_row = np.reshape(x, (N, -1))
    out = np.dot(x_row, w) + b
    return out, (x, w, b)


def affine_backward(dout, cache):
    x, w, b = cache
    N = x.shape[0]
    dx = np.reshape(np.dot(dout, w.T), x.shape)
    dw = np.dot(np.reshape(x, (N, -1)).T, dout)
    db = np.sum(dout, axis=0)
    return dx, dw, db


def relu_forward(x):
    return x * (x > 0), x


def relu_backward(dout, cache):
    return np.where(cache > 0, dout, 0)


def conv_forward_naive(x, w, b, conv_param):
    S, P = conv_param['stride'], conv_param['pad']
    N, C, H, W = x.shape
    F, C, HH, WW = w.shape
    H_new = 1 + (H + 2 * P - HH) // S
    W_new = 1 + (W + 2 * P - WW) // S
    x_padded = np.pad(x, [(0, 0), (0, 0), (P, P), (P, P)], mode='constant')
    out = np.zeros((N, F, H_new, W_new))
    for f in range(F):
        for r in range(H_new):
            for c in range(W_new):
                field = x_padded[:, :, r * S:r * S + HH, c * S:c * S + WW]
                out[:, f, r, c] = np.sum(field * w[f], axis=(1, 2, 3)) + b[f]
    return out, (x, w, b, conv_param)


def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    S, P = conv_param['stride'], conv_param['pad']
    N, C, H, W = x.shape
    F, C, HH, WW = w.shape
    _, _, H_new, W_new = dout.shape
    x_padded = np.pad(x, [(0, 0), (0, 0), (P, P), (P, P)], mode='constant')
    dx_padded = np.zeros(x_padded.shape)
    dw = np.zeros(w.shape)
    db = np.sum(dout, axis=(0, 2, 3))
    for f in range(F):
        for r in range(H_new):
            for c in range(W_new):
                field = x_padded[:, :, r * S:r * S + HH, c * S:c * S + WW]
                g = dout[:, f, r, c][:, None, None, None]
                dw[f] += np.sum(field * g, axis=0)
                dx_padded[:, :, r * S:r * S + HH, c * S:c * S + WW] += w[f][None] * g
    return dx_padded[:, :, P:P + H, P:P + W], dw, db


def max_pool_forward_naive(x, pool_param):
    PH, PW, S = pool_param['pool_height'], pool_param['pool_width'], pool_param['stride']
    N, C, H, W = x.shape
    H_new, W_new = 1 + (H - PH) // S, 1 + (W - PW) // S
    out = np.zeros((N, C, H_new, W_new))
    for r in range(H_new):
        for c in range(W_new):
            out[:, :, r, c] = x[:, :, r * S:r * S + PH, c * S:c * S + PW].max(axis=(2, 3))
    return out, (x, pool_param)


def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    PH, PW, S = pool_param['pool_height'], pool_param['pool_width'], pool_param['stride']
    N, C, H, W = x.shape
    _, _, H_new, W_new = dout.shape
    dx = np.zeros(x.shape)
    for n in range(N):
        for ch in range(C):
            for r in range(H_new):
                for c in range(W_new):
                    field = x[n, ch, r * S:r * S + PH, c * S:c * S + PW]
                    i, j = np.unravel_index(field.argmax(), field.shape)
                    dx[n, ch, r * S + i, c * S + j] += dout[n, ch, r, c]
    return dx


def softmax_loss(x, y):
    probs = np.exp(x - np.max(x, axis=1, keepdims=True))
    probs /= np.sum(probs, axis=1, keepdims=True)
    N = x.shape[0]
    loss = -np.mean(np.log(probs[np.arange(N), y]))
    dx = probs.copy()
    dx[np.arange(N), y] -= 1
    return loss, dx / N
