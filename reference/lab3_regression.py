"""Reference solution of lab3-regression: Lab 3 of the lab manual (linear and logistic regression),
written from the math and torch's documentation.

Conventions the grader fixes where the manual leaves them open:

- The loss of every regression is the mean squared error L = (1/N) sum (w x + b - y)^2 over the
  whole data (full batch); a gradient step is w <- w - lr dL/dw, b <- b - lr dL/db.
- Every model starts from w = b = 1 (the manual's text; its code draws torch.rand).
- ``x`` of the one-input models is a 1-D tensor (N,) for RegressionModel and LinearRegressionModel,
  and a column (N, 1) for the nn.Linear models (LinearNN, LogisticRegressionModel).
- Training functions return ``(w, b, losses)``: the final parameters as floats and the loss of
  every epoch, measured before that epoch's update.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset


# --- E2 / A1: one gradient step by hand -----------------------------------------------------------
def gradient_step(x, y, w, b, lr=0.001):
    """One full-batch gradient step of L = mean((w x + b - y)^2) from (w, b), derived by hand.

    Returns (loss, w_grad, b_grad, w_new, b_new); at x = [2, 4], y = [20, 40], w = b = 1:
    (757, -174, -52, 1.174, 1.052)."""
    x = torch.as_tensor(x, dtype=torch.float64)
    y = torch.as_tensor(y, dtype=torch.float64)
    residual = w * x + b - y
    loss = (residual ** 2).mean()
    w_grad = (2 * residual * x).mean()
    b_grad = (2 * residual).mean()
    return loss.item(), w_grad.item(), b_grad.item(), w - lr * w_grad.item(), b - lr * b_grad.item()


# --- E1: linear regression by autograd ------------------------------------------------------------
def train_linreg(x, y, lr=0.001, epochs=100):
    """Full-batch gradient descent on the mean squared error from w = b = 1, gradients by autograd."""
    x = torch.as_tensor(x, dtype=torch.float32)
    y = torch.as_tensor(y, dtype=torch.float32)
    w = torch.ones(1, requires_grad=True)
    b = torch.ones(1, requires_grad=True)
    losses = []
    for _ in range(epochs):
        loss = ((w * x + b - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
        w.grad.zero_()
        b.grad.zero_()
        losses.append(loss.item())
    return w.item(), b.item(), losses


# --- E3: the regression as a class of its own -------------------------------------------------------
class RegressionModel:
    """w and b as leaf tensors (requires_grad) starting at 1; update() is a gradient step with self.lr."""

    def __init__(self, lr=0.001):
        self.w = torch.ones(1, requires_grad=True)
        self.b = torch.ones(1, requires_grad=True)
        self.lr = lr

    def forward(self, x):
        return self.w * x + self.b

    def update(self):
        with torch.no_grad():
            self.w -= self.lr * self.w.grad
            self.b -= self.lr * self.b.grad

    def reset_grad(self):
        self.w.grad.zero_()
        self.b.grad.zero_()

    def criterion(self, y, yp):
        return ((yp - y) ** 2).mean()


def train_regression(x, y, epochs=100):
    """RegressionModel trained full batch: forward, criterion, backward, update, reset_grad."""
    x = torch.as_tensor(x, dtype=torch.float32)
    y = torch.as_tensor(y, dtype=torch.float32)
    model = RegressionModel()
    losses = []
    for _ in range(epochs):
        loss = model.criterion(y, model.forward(x))
        loss.backward()
        model.update()
        model.reset_grad()
        losses.append(loss.item())
    return model.w.item(), model.b.item(), losses


# --- E4: nn.Module, Dataset, DataLoader and torch.optim.SGD ----------------------------------------
class LinearRegressionModel(nn.Module):
    """w x + b with nn.Parameter w and b, both starting at 1."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.ones(1))
        self.b = nn.Parameter(torch.ones(1))

    def forward(self, x):
        return self.w * x + self.b


class RegressionDataset(Dataset):
    """The pairs (x[i], y[i])."""

    def __init__(self, x, y):
        self.x = torch.as_tensor(x, dtype=torch.float32)
        self.y = torch.as_tensor(y, dtype=torch.float32)

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], self.y[i]


def train_linear(x, y, epochs=100, lr=0.001):
    """LinearRegressionModel trained with SGD on batches of the whole data set (no shuffling)."""
    data = RegressionDataset(x, y)
    loader = DataLoader(data, batch_size=len(data), shuffle=False)
    model = LinearRegressionModel()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    losses = []
    for _ in range(epochs):
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return model.w.item(), model.b.item(), losses


# --- E5: nn.Linear ----------------------------------------------------------------------------------
class LinearNN(nn.Module):
    """self.linear = nn.Linear(1, 1) with weight and bias set to 1; x is a column (N, 1)."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(1, 1)
        nn.init.ones_(self.linear.weight)
        nn.init.ones_(self.linear.bias)

    def forward(self, x):
        return self.linear(x)


# --- E6: multiple linear regression ---------------------------------------------------------------
def multiple_regression(X, y):
    """Least squares fit of y ~ X w + b for X (N, d): returns (w (d,), b)."""
    X = torch.as_tensor(X, dtype=torch.float64)
    y = torch.as_tensor(y, dtype=torch.float64)
    design = torch.cat([X, torch.ones(len(X), 1, dtype=torch.float64)], dim=1)
    solution = torch.linalg.lstsq(design, y.reshape(-1, 1)).solution.reshape(-1)
    return solution[:-1], solution[-1].item()


# --- E7: logistic regression ------------------------------------------------------------------------
class LogisticRegressionModel(nn.Module):
    """sigmoid(w x + b) by nn.Linear(1, 1), weight and bias starting at 1; x is a column (N, 1)."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(1, 1)
        nn.init.ones_(self.linear.weight)
        nn.init.ones_(self.linear.bias)

    def forward(self, x):
        return torch.sigmoid(self.linear(x))


def train_logistic(x, y, epochs=1000, lr=0.1):
    """LogisticRegressionModel trained full batch with SGD on the mean binary cross-entropy.

    The manual's data are separable, so w and b never settle: what training must reach is the
    boundary -b / w between the classes, not particular weights. Returns (w, b, losses)."""
    x = torch.as_tensor(x, dtype=torch.float32).reshape(-1, 1)
    y = torch.as_tensor(y, dtype=torch.float32).reshape(-1, 1)
    model = LogisticRegressionModel()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.BCELoss()
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return model.linear.weight.item(), model.linear.bias.item(), losses
