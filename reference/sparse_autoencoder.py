"""Reference for the assignment ``sparse-autoencoder``: preprocessing of natural-image patches and a
sparse autoencoder in numpy, with its gradients written by hand.

Preprocessing (``ImagePreprocessing``), on RGB patches given channels last, (N, H, W, 3):

- ``ToGray``: luminosity Y = 0.2126 R + 0.7152 G + 0.0722 B, giving (N, H, W);
- ``MeanRemoval``: each image minus its own mean (over its pixels);
- ``ClipStd``: clip to [-s·σ, s·σ], σ the standard deviation of all pixels of all images;
- ``Normalize``: map [min, max] of the data linearly (and increasingly) onto [min_scale, max_scale].

The autoencoder (row vectors: data is (N, L_in)), every unit a sigmoid:

- ``We = {"W1": (L_in, L_hid), "W2": (L_hid, L_in), "b1": (1, L_hid), "b2": (1, L_in)}``;
- A1 = σ(X W1 + b1), A2 = σ(A1 W2 + b2); the target is the input X;
- J = 1/(2N) Σ||X − A2||² + (λ/2)(ΣW1² + ΣW2²) + β Σ_b KL(ρ ‖ ρ̂_b), ρ̂ = A1.mean(axis=0);
- each loss term's ``grad=True`` form is its derivative with respect to its first array argument(s):
  ``MSE`` w.r.t. ``pred``, ``TykhonowRegularization`` w.r.t. W1 and W2, ``KL_divergence`` w.r.t. A1;
- ``aeCost(We, data, params)`` returns (J, Jgrad) with Jgrad keyed like We.
"""

from __future__ import annotations

import numpy as np

GRAY_WEIGHTS = (0.2126, 0.7152, 0.0722)


# --- part A: preprocessing -------------------------------------------------------------------------
class ImagePreprocessing:
    """The preprocessing steps, in the order they are applied."""

    def __init__(self):
        self.weights = GRAY_WEIGHTS

    def ToGray(self, data):
        """(N, H, W, 3) RGB -> (N, H, W) luminosity."""
        data = np.asarray(data, dtype=np.float64)
        return data[..., 0] * 0.2126 + data[..., 1] * 0.7152 + data[..., 2] * 0.0722

    def MeanRemoval(self, data):
        """Each image minus its own mean."""
        data = np.asarray(data, dtype=np.float64)
        means = data.reshape(len(data), -1).mean(axis=1)
        return data - means.reshape((-1,) + (1,) * (data.ndim - 1))

    def ClipStd(self, data, std_scaler=3):
        """Clip to ±std_scaler standard deviations of all the data."""
        data = np.asarray(data, dtype=np.float64)
        bound = std_scaler * np.std(data)
        return np.clip(data, -bound, bound)

    def Normalize(self, data, min_scale=0.1, max_scale=0.9):
        """Map the data's range linearly onto [min_scale, max_scale]."""
        data = np.asarray(data, dtype=np.float64)
        low, high = data.min(), data.max()
        return (data - low) / (high - low) * (max_scale - min_scale) + min_scale

    def Flatten(self, data):
        return np.reshape(data, (len(data), -1))


# --- part B: the sparse autoencoder ----------------------------------------------------------------
def sigmoid(x, grad=False):
    s = 1.0 / (1.0 + np.exp(-x))
    return s * (1.0 - s) if grad else s


def MSE(pred, label, grad=False):
    """1/(2N) Σ (pred − label)²; with grad, its derivative with respect to pred."""
    pred, label = np.asarray(pred, dtype=np.float64), np.asarray(label, dtype=np.float64)
    n = pred.shape[0]
    if grad:
        return (pred - label) / n
    return 0.5 * np.sum((pred - label) ** 2) / n


def TykhonowRegularization(W1, W2, lambd, grad=False):
    """(λ/2)(ΣW1² + ΣW2²); with grad, {"dW1": λ W1, "dW2": λ W2}."""
    W1, W2 = np.asarray(W1, dtype=np.float64), np.asarray(W2, dtype=np.float64)
    if grad:
        return {"dW1": lambd * W1, "dW2": lambd * W2}
    return 0.5 * lambd * (np.sum(W1 ** 2) + np.sum(W2 ** 2))


def KL_divergence(rho, beta, A1, grad=False):
    """β Σ_b KL(ρ ‖ ρ̂_b) with ρ̂_b the mean activation of hidden unit b over the N samples of A1
    (N, L_hid); with grad, its derivative with respect to A1, shape (N, L_hid)."""
    A1 = np.asarray(A1, dtype=np.float64)
    n = A1.shape[0]
    rho_hat = A1.mean(axis=0)
    if grad:
        per_unit = beta * (-rho / rho_hat + (1.0 - rho) / (1.0 - rho_hat)) / n
        return np.tile(per_unit, (n, 1))
    return beta * np.sum(rho * np.log(rho / rho_hat) + (1.0 - rho) * np.log((1.0 - rho) / (1.0 - rho_hat)))


def aeCost(We, data, params):
    """(J, Jgrad) of the sparse autoencoder with weights We on data (N, L_in); params holds
    L_in, L_hid, lambda, beta and rho. Jgrad has We's keys."""
    W1, W2, b1, b2 = (np.asarray(We[key], dtype=np.float64) for key in ("W1", "W2", "b1", "b2"))
    lambd, beta, rho = params["lambda"], params["beta"], params["rho"]
    X = np.asarray(data, dtype=np.float64)
    Z1 = X @ W1 + b1
    A1 = sigmoid(Z1)
    Z2 = A1 @ W2 + b2
    A2 = sigmoid(Z2)
    J = MSE(A2, X) + TykhonowRegularization(W1, W2, lambd) + KL_divergence(rho, beta, A1)
    dZ2 = MSE(A2, X, grad=True) * sigmoid(Z2, grad=True)
    tikhonov = TykhonowRegularization(W1, W2, lambd, grad=True)
    dW2 = A1.T @ dZ2 + tikhonov["dW2"]
    db2 = dZ2.sum(axis=0, keepdims=True)
    dZ1 = (dZ2 @ W2.T + KL_divergence(rho, beta, A1, grad=True)) * sigmoid(Z1, grad=True)
    dW1 = X.T @ dZ1 + tikhonov["dW1"]
    db1 = dZ1.sum(axis=0, keepdims=True)
    return J, {"W1": dW1, "W2": dW2, "b1": db1, "b2": db2}


class Autoencoder:
    """One hidden layer of sigmoids, trained by full-batch gradient descent on aeCost."""

    def __init__(self, input_size, hidden_size, lambd, beta=0.1, rho=0.05):
        self.params = {"L_in": input_size, "L_hid": hidden_size, "lambda": lambd, "beta": beta, "rho": rho}
        self.learning_rate = 0.9
        self.W_e = self.InitParams(input_size, hidden_size)

    def InitParams(self, input_size, hidden_size):
        """Weights uniform on ±sqrt(6 / (L_pre + L_post)), biases zero."""
        bound = np.sqrt(6.0 / (input_size + hidden_size))
        return {"W1": np.random.uniform(-bound, bound, (input_size, hidden_size)),
                "W2": np.random.uniform(-bound, bound, (hidden_size, input_size)),
                "b1": np.zeros((1, hidden_size)),
                "b2": np.zeros((1, input_size))}

    def forward(self, X):
        Z1 = X @ self.W_e["W1"] + self.W_e["b1"]
        A1 = sigmoid(Z1)
        Z2 = A1 @ self.W_e["W2"] + self.W_e["b2"]
        A2 = sigmoid(Z2)
        return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}

    def step(self, grads):
        for key in self.W_e:
            self.W_e[key] = self.W_e[key] - self.learning_rate * grads[key]

    def fit(self, data, epochs=5000, verbose=False):
        """Full-batch gradient descent; returns the cost before each step."""
        losses = []
        for epoch in range(epochs):
            J, grads = aeCost(self.W_e, data, self.params)
            losses.append(J)
            self.step(grads)
            if verbose and epoch % 100 == 0:
                print(f"epoch {epoch}: J = {J:.4f}")
        return losses
