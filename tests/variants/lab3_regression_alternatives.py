"""Alternative correct solutions of lab3-regression: each must score 100 %.

One numpy-first: the gradient step and the fits in numpy, tensors only where autograd or nn.Module is
asked for, the residual written (y - yp) as A1 has it, E1's loss accumulated sample by sample as the
manual's sample does, w and b of RegressionModel as 0-d tensors, a Dataset that returns tensors of
shape (1,), the logistic model with nn.Parameter w and b, the least squares fit by the normal
equations. One torch-first with the names students use instead (assignment.toml's aliases):
torch.autograd.grad instead of backward(), F.mse_loss, zeroing by grad = None, nn.Linear's parameters
set with nn.init.constant_, tensors returned instead of floats, the fit by torch.linalg.pinv, and
F.binary_cross_entropy for the logistic loss.
"""

from __future__ import annotations

from pathlib import Path

from . import whole_module

_REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "lab3_regression.py"

NUMPY_FIRST = '''
import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset


def gradient_step(x, y, w, b, lr=0.001):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    diff = y - (w * x + b)                    # A1: (y - yp); the square does not care
    loss = np.sum(diff ** 2) / len(x)
    dw = -2 * np.sum(diff * x) / len(x)
    db = -2 * np.sum(diff) / len(x)
    return float(loss), float(dw), float(db), w - lr * dw, b - lr * db


def train_linreg(x, y, lr=0.001, epochs=100):
    x = torch.tensor(np.asarray(x, dtype=np.float32))
    y = torch.tensor(np.asarray(y, dtype=np.float32))
    w = torch.tensor(1.0, requires_grad=True)
    b = torch.tensor(1.0, requires_grad=True)
    loss_list = []
    for epoch in range(epochs):
        loss = 0.0
        for j in range(len(x)):
            loss = loss + (w * x[j] + b - y[j]) ** 2
        loss = loss / len(x)
        loss_list.append(float(loss))
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
        w.grad.zero_()
        b.grad.zero_()
    return float(w), float(b), loss_list


class RegressionModel:
    def __init__(self):
        self.w = torch.tensor(1.0, requires_grad=True)
        self.b = torch.tensor(1.0, requires_grad=True)

    def forward(self, x):
        return self.w * x + self.b

    def update(self):
        with torch.no_grad():
            self.w -= 0.001 * self.w.grad
            self.b -= 0.001 * self.b.grad

    def reset_grad(self):
        self.w.grad.zero_()
        self.b.grad.zero_()

    def criterion(self, y, yp):
        return torch.mean((y - yp) ** 2)


def train_regression(x, y, epochs=100):
    model = RegressionModel()
    x = torch.as_tensor(x).float()
    y = torch.as_tensor(y).float()
    losses = []
    for _ in range(epochs):
        loss = model.criterion(y, model.forward(x))
        losses.append(loss.item())
        loss.backward()
        model.update()
        model.reset_grad()
    return model.w.item(), model.b.item(), losses


class LinearRegressionModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([1.0]))
        self.b = nn.Parameter(torch.tensor([1.0]))

    def forward(self, x):
        return x * self.w + self.b


class RegressionDataset(Dataset):
    def __init__(self, x, y):
        self.x = np.asarray(x, dtype=np.float32)
        self.y = np.asarray(y, dtype=np.float32)

    def __len__(self):
        return self.x.shape[0]

    def __getitem__(self, i):
        return torch.tensor([self.x[i]]), torch.tensor([self.y[i]])


def train_linear(x, y, epochs=100, lr=0.001):
    dataset = RegressionDataset(x, y)
    loader = DataLoader(dataset, batch_size=len(dataset))
    model = LinearRegressionModel()
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    criterion = nn.MSELoss()
    losses = []
    for _ in range(epochs):
        for xb, yb in loader:
            loss = criterion(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
    return model.w.item(), model.b.item(), losses


class LinearNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(1, 1)
        with torch.no_grad():
            self.linear.weight.fill_(1.0)
            self.linear.bias.fill_(1.0)

    def forward(self, x):
        return self.linear(x)


def multiple_regression(X, y):
    A = np.column_stack([np.asarray(X, dtype=float), np.ones(len(X))])
    theta = np.linalg.solve(A.T @ A, A.T @ np.asarray(y, dtype=float))
    return theta[:-1], theta[-1]


class LogisticRegressionModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.ones(1))
        self.b = nn.Parameter(torch.ones(1))

    def forward(self, x):
        return torch.sigmoid(x * self.w + self.b)


def train_logistic(x, y, epochs=1000, lr=0.1):
    x = torch.as_tensor(x, dtype=torch.float32).view(-1, 1)
    y = torch.as_tensor(y, dtype=torch.float32).view(-1, 1)
    model = LogisticRegressionModel()
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    bce = nn.BCELoss()
    losses = []
    for _ in range(epochs):
        loss = bce(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return model.w.item(), model.b.item(), losses
'''

TORCH_FIRST_ALIASES = '''
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, Dataset


def grad_step(x, y, w, b, learning_rate=0.001):
    x = torch.as_tensor(x, dtype=torch.float64)
    y = torch.as_tensor(y, dtype=torch.float64)
    wt = torch.tensor(float(w), dtype=torch.float64, requires_grad=True)
    bt = torch.tensor(float(b), dtype=torch.float64, requires_grad=True)
    loss = F.mse_loss(wt * x + bt, y)
    gw, gb = torch.autograd.grad(loss, (wt, bt))
    return loss, gw, gb, wt.detach() - learning_rate * gw, bt.detach() - learning_rate * gb


def linear_regression(x, y, learning_rate=0.001, n_epochs=100):
    x = torch.as_tensor(x, dtype=torch.float32)
    y = torch.as_tensor(y, dtype=torch.float32)
    params = [torch.ones(1, requires_grad=True), torch.ones(1, requires_grad=True)]
    losses = []
    for _ in range(n_epochs):
        loss = F.mse_loss(params[0] * x + params[1], y)
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for p, g in zip(params, grads):
                p.sub_(learning_rate * g)
        losses.append(loss.detach())
    return params[0].detach(), params[1].detach(), torch.stack(losses).reshape(-1)


class RegressionModel:
    lr = 0.001

    def __init__(self):
        self.w = torch.tensor([1.0], requires_grad=True)
        self.b = torch.tensor([1.0], requires_grad=True)

    def forward(self, x):
        return torch.add(torch.mul(self.w, x), self.b)

    def step(self):
        with torch.no_grad():
            self.w.sub_(self.lr * self.w.grad)
            self.b.sub_(self.lr * self.b.grad)

    def zero_grad(self):
        self.w.grad = None
        self.b.grad = None

    def criterion(self, y_true, y_pred):
        return F.mse_loss(y_pred, y_true)


def train_regression_model(x, y, num_epochs=100):
    model = RegressionModel()
    losses = []
    for _ in range(num_epochs):
        loss = model.criterion(y, model.forward(x))
        loss.backward()
        model.step()
        model.zero_grad()
        losses.append(loss.item())
    return model.w, model.b, losses


class LinearRegression(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.ones(1))
        self.b = nn.Parameter(torch.ones(1))

    def forward(self, x):
        return self.w * x + self.b


class MyDataset(Dataset):
    def __init__(self, x, y):
        self.data = list(zip(torch.as_tensor(x).float(), torch.as_tensor(y).float()))

    def __len__(self):
        return len(self.data)

    def __getitem__(self, idx):
        return self.data[idx]


def fit(x, y, num_epochs=100, learning_rate=0.001):
    loader = DataLoader(MyDataset(x, y), batch_size=len(x), shuffle=False)
    model = LinearRegression()
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
    history = []
    for _ in range(num_epochs):
        for inputs, targets in loader:
            optimizer.zero_grad()
            loss = F.mse_loss(model(inputs), targets)
            loss.backward()
            optimizer.step()
            history.append(loss.item())
    return model.w.item(), model.b.item(), history


class LinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(in_features=1, out_features=1)
        nn.init.constant_(self.linear.weight, 1.0)
        nn.init.constant_(self.linear.bias, 1.0)

    def forward(self, x):
        return self.linear(x)


def multiple_linear_regression(features, y):
    X = torch.as_tensor(features, dtype=torch.float64)
    A = torch.cat([X, torch.ones(X.shape[0], 1, dtype=torch.float64)], dim=1)
    theta = torch.linalg.pinv(A) @ torch.as_tensor(y, dtype=torch.float64)
    return theta[:-1], theta[-1]


class LogisticRegression(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(1, 1)
        nn.init.ones_(self.linear.weight)
        nn.init.ones_(self.linear.bias)

    def forward(self, x):
        return torch.sigmoid(self.linear(x))


def train_logreg(x, y, n_epochs=1000, learning_rate=0.1):
    x = torch.as_tensor(x, dtype=torch.float32).reshape(-1, 1)
    y = torch.as_tensor(y, dtype=torch.float32).reshape(-1, 1)
    model = LogisticRegression()
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
    losses = []
    for _ in range(n_epochs):
        optimizer.zero_grad()
        loss = F.binary_cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return model.linear.weight.item(), model.linear.bias.item(), losses
'''

ALTERNATIVES = (
    whole_module(_REFERENCE, "numpy_first", NUMPY_FIRST,
                 "numpy for the step and the fit, (y - yp) residuals, per-sample loss accumulation, 0-d w and b, "
                 "nn.Parameter w and b in the logistic model, the normal equations"),
    whole_module(_REFERENCE, "torch_first_aliases", TORCH_FIRST_ALIASES,
                 "the students' other names, torch.autograd.grad, F.mse_loss, grad = None, tensors returned, pinv"),
)
