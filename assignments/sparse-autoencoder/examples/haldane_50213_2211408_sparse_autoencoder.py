"""Question 1: sparse autoencoder (vectorised numpy)."""
import numpy as np

GRAY = np.array([0.2126, 0.7152, 0.0722])


class ImagePreprocessing:
    def __init__(self):
        self.gray_weights = GRAY

    def ToGray(self, data):
        return np.asarray(data, dtype=float) @ self.gray_weights

    def MeanRemoval(self, data):
        return data - data.mean(axis=(1, 2), keepdims=True)

    def ClipStd(self, data, std_scaler=3):
        limit = std_scaler * data.std()
        return np.clip(data, -limit, limit)

    def Normalize(self, data, min_scale=0.1, max_scale=0.9):
        return min_scale + (data - data.min()) * (max_scale - min_scale) / (data.max() - data.min())


def logistic(z):
    return 1.0 / (1.0 + np.exp(-z))


def mse(pred, target, grad=False):
    n = len(pred)
    return (pred - target) / n if grad else np.sum((pred - target) ** 2) / (2 * n)


def tikhonov(W1, W2, lam, grad=False):
    if grad:
        return lam * W1, lam * W2
    return lam * (np.sum(W1 ** 2) + np.sum(W2 ** 2)) / 2


def kl_divergence(rho, beta, hidden, grad=False):
    n = len(hidden)
    rho_hat = hidden.mean(axis=0)
    if grad:
        return np.ones_like(hidden) * beta * ((1 - rho) / (1 - rho_hat) - rho / rho_hat) / n
    return beta * np.sum(rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat)))


def ae_cost(W_e, X, params):
    W1, W2, b1, b2 = W_e["W1"], W_e["W2"], W_e["b1"], W_e["b2"]
    lam, beta, rho = params["lambda"], params["beta"], params["rho"]
    h = logistic(X @ W1 + b1)
    out = logistic(h @ W2 + b2)
    J = mse(out, X) + tikhonov(W1, W2, lam) + kl_divergence(rho, beta, h)
    d_out = mse(out, X, grad=True) * out * (1 - out)
    d_h = (d_out @ W2.T + kl_divergence(rho, beta, h, grad=True)) * h * (1 - h)
    gW1, gW2 = tikhonov(W1, W2, lam, grad=True)
    grads = {"W1": X.T @ d_h + gW1, "W2": h.T @ d_out + gW2,
             "b1": d_h.sum(axis=0, keepdims=True), "b2": d_out.sum(axis=0, keepdims=True)}
    return J, grads


class SparseAutoencoder:
    def __init__(self, L_in, L_hid, lam, beta=0.1, rho=0.05):
        self.params = {"L_in": L_in, "L_hid": L_hid, "lambda": lam, "beta": beta, "rho": rho}
        self.lr = 0.9
        self.We = self.init_params(L_in, L_hid)

    def init_params(self, L_in, L_hid):
        r = np.sqrt(6.0 / (L_in + L_hid))
        return {"W1": np.random.uniform(-r, r, (L_in, L_hid)), "W2": np.random.uniform(-r, r, (L_hid, L_in)),
                "b1": np.zeros((1, L_hid)), "b2": np.zeros((1, L_in))}

    def forward(self, X):
        Z1 = X @ self.We["W1"] + self.We["b1"]
        A1 = logistic(Z1)
        Z2 = A1 @ self.We["W2"] + self.We["b2"]
        return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": logistic(Z2)}

    def fit(self, data, epochs=5000):
        history = []
        for _ in range(epochs):
            J, grads = ae_cost(self.We, data, self.params)
            for k in self.We:
                self.We[k] = self.We[k] - self.lr * grads[k]
            history.append(J)
        return history


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    X = rng.uniform(0.1, 0.9, (100, 64))
    print(SparseAutoencoder(64, 10, 5e-4).fit(X, 50)[-1])
