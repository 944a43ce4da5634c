"""Alternative correct solutions of sparse-autoencoder: each must score 100 %.

They are written differently from the reference on purpose, so that the suite is shown to accept
what is right rather than what looks like the reference:

- the seed's own spellings and habits, vectorised: W_e keyed W1, W2, B1, B2, params read as
  L_hidden, Lambda, Beta, Rho, gradients keyed dW1 ... dB2, MeanRemoval in place, Normalize with
  np.interp, ToGray with a tensordot, the loss terms under other names (TikhonovRegularization,
  KL_divergence(rho, beta, hidden, grad)), ``init_params`` and ``train`` for InitParams and fit, a
  learning rate called ``lr``, forward returning lowercase keys;
- loops and float32: every step written with explicit loops over images, samples and units, in
  float32 as a student with memory to save might, the biases 1-D, the costs numpy float32;
- the hidden layer kept transposed inside (W1ᵀ, units as rows): forward and aeCost compute with
  column vectors and hand back We's layout, and Jgrad is a list in We's order.
"""

from __future__ import annotations

from pathlib import Path

from . import Variant, whole_module

REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "sparse_autoencoder.py"

SEED_STYLE = '''
import numpy as np


class ImagePreprocessing:
    def __init__(self):
        self.lum = np.array([0.2126, 0.7152, 0.0722])

    def ToGray(self, data):
        return np.tensordot(data, self.lum, axes=([-1], [0]))

    def MeanRemoval(self, data):
        mean_pixel = np.mean(data, axis=(1, 2))
        for i in range(data.shape[0]):
            data[i] -= mean_pixel[i]
        return data

    def ClipStd(self, data, std_scaler=3):
        std = np.std(data)
        return np.minimum(np.maximum(data, -std_scaler * std), std_scaler * std)

    def Normalize(self, data, min_scale=0.1, max_scale=0.9):
        return np.interp(data, (data.min(), data.max()), (min_scale, max_scale))


def sigmoid(X, grad=True):
    s = 1 / (1 + np.exp(-X))
    return s * (1 - s) if grad else s


def MSE(output, target, grad):
    m = output.shape[0]
    if grad:
        return (output - target) / m
    return 0.5 * np.sum((output - target) ** 2) / m


def TikhonovRegularization(W1, W2, Lambda, grad):
    if grad:
        return {"dW1": Lambda * W1, "dW2": Lambda * W2}
    return (Lambda / 2) * (np.sum(W1 * W1) + np.sum(W2 * W2))


def KL_divergence(rho, beta, hidden, grad):
    expected = hidden.mean(axis=0)
    if grad:
        return np.tile(beta * (-(rho / expected) + (1 - rho) / (1 - expected)), reps=(hidden.shape[0], 1)) / hidden.shape[0]
    return beta * np.sum(rho * np.log(rho / expected) + (1 - rho) * np.log((1 - rho) / (1 - expected)))


def aeCost(W_e, X, hyperparams):
    W1, W2, B1, B2 = W_e["W1"], W_e["W2"], W_e["B1"], W_e["B2"]
    lam, beta, rho = hyperparams["Lambda"], hyperparams["Beta"], hyperparams["Rho"]
    A1 = sigmoid(X.dot(W1) + B1, grad=False)
    A2 = sigmoid(A1.dot(W2) + B2, grad=False)
    J = MSE(A2, X, False) + TikhonovRegularization(W1, W2, lam, False) + KL_divergence(rho, beta, A1, False)
    dZ2 = MSE(A2, X, True) * A2 * (1 - A2)
    dZ1 = (dZ2.dot(W2.T) + KL_divergence(rho, beta, A1, True)) * A1 * (1 - A1)
    reg = TikhonovRegularization(W1, W2, lam, True)
    grads = {"dW1": X.T.dot(dZ1) + reg["dW1"], "dW2": A1.T.dot(dZ2) + reg["dW2"],
             "dB1": np.sum(dZ1, axis=0, keepdims=True), "dB2": np.sum(dZ2, axis=0, keepdims=True)}
    return J, grads


class AutoEncoder:
    def __init__(self, L_in, L_hidden, Lambda):
        self.params = {"L_in": L_in, "L_hidden": L_hidden, "Lambda": Lambda, "Beta": 1e-1, "Rho": 5e-2}
        self.lr = 9e-1
        self.W_e = self.init_params(L_in, L_hidden)

    def init_params(self, L_in, L_hidden):
        w_o = np.sqrt(6 / (L_in + L_hidden))
        return {"W1": np.random.uniform(-w_o, w_o, size=(L_in, L_hidden)),
                "B1": np.zeros((1, L_hidden)),
                "W2": np.random.uniform(-w_o, w_o, size=(L_hidden, L_in)),
                "B2": np.zeros((1, L_in))}

    def forward(self, X):
        z1 = X.dot(self.W_e["W1"]) + self.W_e["B1"]
        a1 = sigmoid(z1, grad=False)
        z2 = a1.dot(self.W_e["W2"]) + self.W_e["B2"]
        return {"z1": z1, "a1": a1, "z2": z2, "a2": sigmoid(z2, grad=False)}

    def train(self, data, epochs=5000, verbose=False):
        history = []
        for epoch in range(epochs):
            J, grads = aeCost(self.W_e, data, self.params)
            for key in self.W_e:
                self.W_e[key] -= self.lr * grads["d" + key]
            history.append(J)
        return history
'''

LOOPS_FLOAT32 = '''
import math

import numpy as np


class ImagePreprocessing:
    def __init__(self):
        pass

    def ToGray(self, data):
        data = np.asarray(data, dtype=np.float32)
        gray = np.zeros(data.shape[:-1], dtype=np.float32)
        for channel, weight in enumerate((0.2126, 0.7152, 0.0722)):
            gray += np.float32(weight) * data[..., channel]
        return gray

    def MeanRemoval(self, data):
        out = np.array(data, dtype=np.float32)
        for i in range(len(out)):
            out[i] = out[i] - out[i].astype(np.float64).mean()
        return out

    def ClipStd(self, data, std_scaler=3):
        data = np.array(data, dtype=np.float32)
        limit = np.float32(std_scaler * data.astype(np.float64).std())
        data[data > limit] = limit
        data[data < -limit] = -limit
        return data

    def Normalize(self, data, min_scale=0.1, max_scale=0.9):
        data = np.asarray(data, dtype=np.float64)
        lo, hi = data.min(), data.max()
        return ((data - lo) / (hi - lo) * (max_scale - min_scale) + min_scale).astype(np.float32)


def MSE(pred, label, grad=False):
    pred, label = np.asarray(pred, dtype=np.float32), np.asarray(label, dtype=np.float32)
    if grad:
        return (pred - label) / np.float32(len(pred))
    total = np.float32(0.0)
    for row in range(len(pred)):
        total += np.float32(0.5) * np.sum((pred[row] - label[row]) ** 2)
    return total / np.float32(len(pred))


def TykhonowRegularization(W1, W2, lambd, grad=False):
    W1, W2 = np.asarray(W1, dtype=np.float32), np.asarray(W2, dtype=np.float32)
    if grad:
        return np.float32(lambd) * W1, np.float32(lambd) * W2
    return np.float32(lambd / 2) * (np.sum(W1 ** 2) + np.sum(W2 ** 2))


def KL_divergence(rho, beta, A1, grad=False):
    A1 = np.asarray(A1, dtype=np.float32)
    n, units = A1.shape
    out = np.zeros_like(A1) if grad else np.float32(0.0)
    for b in range(units):
        r = float(A1[:, b].mean())
        if grad:
            out[:, b] = beta * (-rho / r + (1 - rho) / (1 - r)) / n
        else:
            out += np.float32(beta * (rho * math.log(rho / r) + (1 - rho) * math.log((1 - rho) / (1 - r))))
    return out


def sigmoid32(x):
    return (1.0 / (1.0 + np.exp(-x))).astype(np.float32)


def aeCost(We, data, params):
    W1, W2 = np.asarray(We["W1"], np.float32), np.asarray(We["W2"], np.float32)
    b1, b2 = np.asarray(We["b1"], np.float32).reshape(-1), np.asarray(We["b2"], np.float32).reshape(-1)
    X = np.asarray(data, dtype=np.float32)
    n = len(X)
    A1 = np.zeros((n, len(b1)), np.float32)
    A2 = np.zeros((n, len(b2)), np.float32)
    for m in range(n):
        A1[m] = sigmoid32(X[m] @ W1 + b1)
        A2[m] = sigmoid32(A1[m] @ W2 + b2)
    J = MSE(A2, X) + TykhonowRegularization(W1, W2, params["lambda"]) + KL_divergence(params["rho"], params["beta"], A1)
    dA1_kl = KL_divergence(params["rho"], params["beta"], A1, grad=True)
    dW1, dW2 = TykhonowRegularization(W1, W2, params["lambda"], grad=True)
    db1, db2 = np.zeros_like(b1), np.zeros_like(b2)
    for m in range(n):
        d2 = (A2[m] - X[m]) / n * A2[m] * (1 - A2[m])
        d1 = (W2 @ d2 + dA1_kl[m]) * A1[m] * (1 - A1[m])
        dW2 += np.outer(A1[m], d2)
        dW1 += np.outer(X[m], d1)
        db2 += d2
        db1 += d1
    return np.float32(J), {"W1": dW1, "W2": dW2, "b1": db1, "b2": db2}


class Autoencoder:
    def __init__(self, input_size, hidden_size, lambd, beta=0.1, rho=0.05):
        self.params = {"L_in": input_size, "L_hid": hidden_size, "lambda": lambd, "beta": beta, "rho": rho}
        self.learning_rate = 0.9
        self.W_e = self.InitParams(input_size, hidden_size)

    def InitParams(self, input_size, hidden_size):
        r = math.sqrt(6 / (input_size + hidden_size))
        return {"W1": (np.random.rand(input_size, hidden_size) * 2 * r - r).astype(np.float32),
                "W2": (np.random.rand(hidden_size, input_size) * 2 * r - r).astype(np.float32),
                "b1": np.zeros(hidden_size, np.float32), "b2": np.zeros(input_size, np.float32)}

    def forward(self, X):
        X = np.asarray(X, dtype=np.float32)
        Z1 = X @ self.W_e["W1"].astype(np.float32) + np.reshape(self.W_e["b1"], -1)
        A1 = sigmoid32(Z1)
        Z2 = A1 @ self.W_e["W2"].astype(np.float32) + np.reshape(self.W_e["b2"], -1)
        return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": sigmoid32(Z2)}

    def fit(self, data, epochs=5000, verbose=False):
        costs = []
        for _ in range(epochs):
            J, grads = aeCost(self.W_e, data, self.params)
            costs.append(float(J))
            self.W_e = {k: (np.asarray(self.W_e[k], np.float32).reshape(grads[k].shape)
                            - np.float32(self.learning_rate) * grads[k]) for k in grads}
        return costs
'''

TRANSPOSED_INSIDE = '''
import numpy as np

WEIGHTS = np.array([0.2126, 0.7152, 0.0722])


class ImagePreprocessing:
    def __init__(self):
        pass

    def ToGray(self, data):
        return np.einsum("nhwc,c->nhw", np.asarray(data, dtype=float), WEIGHTS)

    def MeanRemoval(self, data):
        data = np.asarray(data, dtype=float)
        return data - data.mean(axis=tuple(range(1, data.ndim)), keepdims=True)

    def ClipStd(self, data, std_scaler=3):
        s = std_scaler * np.asarray(data, dtype=float).std()
        return np.clip(data, -s, s)

    def Normalize(self, data, min_scale=0.1, max_scale=0.9):
        span = np.ptp(data)
        return min_scale + (max_scale - min_scale) * (data - np.min(data)) / span


def MSE(pred, label, grad=False):
    diff = np.subtract(pred, label)
    return diff / len(diff) if grad else float(np.vdot(diff, diff)) / (2 * len(diff))


def TykhonowRegularization(W1, W2, lambd, grad=False):
    if grad:
        return {"W1": lambd * np.asarray(W1), "W2": lambd * np.asarray(W2)}
    return lambd / 2 * (np.linalg.norm(W1) ** 2 + np.linalg.norm(W2) ** 2)


def KL_divergence(rho, beta, A1, grad=False):
    rho_hat = np.mean(A1, axis=0, keepdims=True)
    if grad:
        return np.broadcast_to(beta * ((1 - rho) / (1 - rho_hat) - rho / rho_hat) / len(A1), np.shape(A1)).copy()
    return float(beta * np.sum(rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat))))


def _logistic(z):
    return 0.5 * (1 + np.tanh(0.5 * z))


def aeCost(We, data, params):
    V = np.asarray(We["W1"], dtype=float).T          # (L_hid, L_in): one hidden unit per row
    U = np.asarray(We["W2"], dtype=float).T          # (L_in, L_hid)
    c1 = np.reshape(We["b1"], (-1, 1))
    c2 = np.reshape(We["b2"], (-1, 1))
    X = np.asarray(data, dtype=float).T              # samples as columns
    n = X.shape[1]
    H = _logistic(V @ X + c1)
    Y = _logistic(U @ H + c2)
    J = MSE(Y.T, X.T) + TykhonowRegularization(V, U, params["lambda"]) + KL_divergence(params["rho"], params["beta"], H.T)
    delta2 = (Y - X) / n * Y * (1 - Y)
    delta1 = (U.T @ delta2 + KL_divergence(params["rho"], params["beta"], H.T, grad=True).T) * H * (1 - H)
    dV = delta1 @ X.T + params["lambda"] * V
    dU = delta2 @ H.T + params["lambda"] * U
    return J, [dV.T, dU.T, delta1.sum(axis=1)[None, :], delta2.sum(axis=1)[None, :]]


class Autoencoder:
    def __init__(self, input_size, hidden_size, lambd, beta=0.1, rho=0.05):
        self.params = dict(L_in=input_size, L_hid=hidden_size, beta=beta, rho=rho)
        self.params["lambda"] = lambd
        self.learning_rate = 0.9
        self.InitParams(input_size, hidden_size)

    def InitParams(self, input_size, hidden_size):
        rng = np.random.default_rng()
        limit = (6 / (input_size + hidden_size)) ** 0.5
        self.W_e = {"W1": rng.uniform(-limit, limit, (hidden_size, input_size)).T.copy(),
                    "W2": rng.uniform(-limit, limit, (input_size, hidden_size)).T.copy(),
                    "b1": np.zeros((1, hidden_size)), "b2": np.zeros((1, input_size))}
        return None

    def forward(self, X):
        H = _logistic(self.W_e["W1"].T @ np.asarray(X, dtype=float).T + np.reshape(self.W_e["b1"], (-1, 1)))
        Y = _logistic(self.W_e["W2"].T @ H + np.reshape(self.W_e["b2"], (-1, 1)))
        return (np.log(H / (1 - H)).T, H.T, np.log(Y / (1 - Y)).T, Y.T)

    def fit(self, data, epochs=5000, verbose=False):
        names = ("W1", "W2", "b1", "b2")
        for _ in range(epochs):
            _, grads = aeCost(self.W_e, data, self.params)
            for name, g in zip(names, grads):
                self.W_e[name] = self.W_e[name] - self.learning_rate * g
'''

ALTERNATIVES: tuple[Variant, ...] = (
    whole_module(REFERENCE, "seed_spellings_vectorised", SEED_STYLE,
                 "the seed's names and keys (B1, dW1, L_hidden, Lambda, lr, train), MeanRemoval in place, np.interp"),
    whole_module(REFERENCE, "loops_float32", LOOPS_FLOAT32,
                 "explicit loops over images, samples and units, all in float32, 1-D biases"),
    whole_module(REFERENCE, "transposed_inside", TRANSPOSED_INSIDE,
                 "column vectors inside (W1 kept as W1ᵀ while computing), Jgrad a list in We's order, "
                 "InitParams filling W_e and returning nothing, forward returning a tuple"),
)
