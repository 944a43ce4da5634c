# Lab 3: linear and logistic regression
# Chidi Okafor, reg. no. 52817

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(0)

# ---------------- Q2 / additional Q1: gradients by hand ----------------
def gradient_step(x, y, w, b, lr=0.001):
    x = np.array(x, dtype=float)
    y = np.array(y, dtype=float)
    yp = w * x + b
    n = len(x)
    loss = np.sum((yp - y) ** 2) / n
    dw = 2 / n * np.sum((yp - y) * x)
    db = 2 / n * np.sum(yp - y)
    return loss, dw, db, w - lr * dw, b - lr * db

w, b = 1.0, 1.0
for epoch in range(2):
    loss, dw, db, w, b = gradient_step([2, 4], [20, 40], w, b)
    print("epoch", epoch, "loss", loss, "grads", dw, db, "w,b", w, b)

# ---------------- Q1 ----------------
x = torch.tensor([12.4, 14.3, 14.5, 14.9, 16.1, 16.9, 16.5, 15.4, 17.0, 17.9, 18.8, 20.3, 22.4, 19.4, 15.5, 16.7,
                  17.3, 18.4, 19.2, 17.4, 19.5, 19.7, 21.2])
y = torch.tensor([11.2, 12.5, 12.7, 13.1, 14.1, 14.8, 14.4, 13.4, 14.9, 15.6, 16.4, 17.7, 19.6, 16.9, 14.0, 14.6,
                  15.1, 16.1, 16.8, 15.2, 17.0, 17.2, 18.6])


def train_linreg(x, y, lr=0.001, epochs=100):
    x = torch.as_tensor(x, dtype=torch.float32)
    y = torch.as_tensor(y, dtype=torch.float32)
    w = torch.tensor([1.0], requires_grad=True)
    b = torch.tensor([1.0], requires_grad=True)
    loss_list = []
    for epoch in range(epochs):
        loss = 0.0
        for j in range(len(x)):
            y_p = w * x[j] + b
            loss += (y_p - y[j]) ** 2
        loss = loss / len(x)
        loss_list.append(loss.item())
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
        w.grad.zero_()
        b.grad.zero_()
    return w.item(), b.item(), loss_list


w, b, loss_list = train_linreg(x, y)
print("w =", w, "b =", b)
plt.plot(loss_list)
plt.xlabel("epoch")
plt.ylabel("loss")
plt.show()

# ---------------- Q3 ----------------
x = torch.tensor([5.0, 7.0, 12.0, 16.0, 20.0])
y = torch.tensor([40.0, 120.0, 180.0, 210.0, 240.0])
learning_rate = torch.tensor(0.001)


class RegressionModel:
    def __init__(self, lr=0.001):
        self.w = torch.tensor([1.0], requires_grad=True)
        self.b = torch.tensor([1.0], requires_grad=True)
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
        return torch.mean((yp - y) ** 2)


def train_regression(x, y, epochs=100):
    model = RegressionModel()
    losses = []
    for epoch in range(epochs):
        yp = model.forward(x)
        loss = model.criterion(y, yp)
        losses.append(loss.item())
        loss.backward()
        model.update()
        model.reset_grad()
    return model.w.item(), model.b.item(), losses


w, b, losses = train_regression(x, y)
print(w, b)
plt.plot(losses)
plt.show()

# ---------------- Q4 ----------------
class RegressionDataset(Dataset):
    def __init__(self, x, y):
        self.x = torch.as_tensor(x, dtype=torch.float32)
        self.y = torch.as_tensor(y, dtype=torch.float32)

    def __len__(self):
        return len(self.x)

    def __getitem__(self, idx):
        return self.x[idx], self.y[idx]


class LinearRegressionModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([1.0]))
        self.b = nn.Parameter(torch.tensor([1.0]))

    def forward(self, x):
        return self.w * x + self.b


def train_linear(x, y, epochs=100, lr=0.001):
    dataset = RegressionDataset(x, y)
    loader = DataLoader(dataset, batch_size=len(dataset), shuffle=False)
    model = LinearRegressionModel()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    criterion = nn.MSELoss()
    losses = []
    for epoch in range(epochs):
        for inputs, labels in loader:
            optimizer.zero_grad()
            outputs = model(inputs)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return model.w.item(), model.b.item(), losses


print(train_linear(x, y)[:2])

# ---------------- Q5 ----------------
class LinearNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(1, 1)
        self.linear.weight.data.fill_(1.0)
        self.linear.bias.data.fill_(1.0)

    def forward(self, x):
        return self.linear(x)


# ---------------- Q6 ----------------
def multiple_regression(X, y):
    X = np.array(X, dtype=float)
    y = np.array(y, dtype=float)
    A = np.c_[X, np.ones(len(X))]
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    return coef[:-1], coef[-1]


X = [[3, 8], [4, 5], [5, 7], [6, 3], [2, 1]]
Y = [-3.7, 3.5, 2.5, 11.5, 5.7]
coef, intercept = multiple_regression(X, Y)
print("prediction at (3, 2):", coef[0] * 3 + coef[1] * 2 + intercept)

# ---------------- Q7 ----------------
class LogisticRegressionModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(1, 1)
        self.linear.weight.data.fill_(1.0)
        self.linear.bias.data.fill_(1.0)

    def forward(self, x):
        return torch.sigmoid(self.linear(x))


def train_logistic(x, y, epochs=1000, lr=0.1):
    x = torch.as_tensor(x, dtype=torch.float32).view(-1, 1)
    y = torch.as_tensor(y, dtype=torch.float32).view(-1, 1)
    model = LogisticRegressionModel()
    criterion = nn.BCELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return model.linear.weight.item(), model.linear.bias.item(), losses


w, b, losses = train_logistic([1, 5, 10, 10, 25, 50, 70, 75, 100], [0, 0, 0, 0, 0, 1, 1, 1, 1])
print("boundary", -b / w)
plt.plot(losses)
plt.show()
