"""Reference solutions of lab4-feedforward: Lab 4 of the lab manual (feed-forward networks).

E1: XORModel, a 2-2-1 network with a sigmoid hidden layer and no output activation, and
count_params. E2: the same network with ReLU (XORModelReLU). E3: manual_forward, the network's output
computed by hand from a state_dict. E4: MNISTFFN(h1, h2), a two-hidden-layer MLP for 28x28 digits, and
confusion(model, loader), the 10x10 confusion matrix with rows the true class.
"""

from __future__ import annotations

import torch
from torch import nn


class XORModel(nn.Module):
    """linear1 = Linear(2, 2), activation1 = Sigmoid, linear2 = Linear(2, 1); no output activation."""

    def __init__(self):
        super().__init__()
        self.linear1 = nn.Linear(2, 2)
        self.activation1 = nn.Sigmoid()
        self.linear2 = nn.Linear(2, 1)

    def forward(self, x):
        return self.linear2(self.activation1(self.linear1(x)))


class XORModelReLU(XORModel):
    """XORModel with activation1 = ReLU (E2); still 9 parameters."""

    def __init__(self):
        super().__init__()
        self.activation1 = nn.ReLU()


def count_params(model):
    """The number of learnable values of ``model``: weights and biases, those with requires_grad."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def manual_forward(params, X, activation="sigmoid"):
    """W2 act(W1 x + b1) + b2 for every row x of X, from a state_dict's linear1.* and linear2.*.
    Returns a column (N, 1), as model(X) does."""
    X = torch.as_tensor(X, dtype=torch.float32)
    W1, b1 = torch.as_tensor(params["linear1.weight"]), torch.as_tensor(params["linear1.bias"])
    W2, b2 = torch.as_tensor(params["linear2.weight"]), torch.as_tensor(params["linear2.bias"])
    z = X @ W1.to(X.dtype).T + b1.to(X.dtype)
    hidden = torch.relu(z) if activation == "relu" else 1 / (1 + torch.exp(-z))
    return hidden @ W2.to(X.dtype).T + b2.to(X.dtype)


class MNISTFFN(nn.Module):
    """784 -> h1 -> ReLU -> h2 -> ReLU -> 10 logits; images (B, 1, 28, 28) or rows (B, 784)."""

    def __init__(self, h1=128, h2=64):
        super().__init__()
        self.fc1 = nn.Linear(28 * 28, h1)
        self.fc2 = nn.Linear(h1, h2)
        self.fc3 = nn.Linear(h2, 10)

    def forward(self, x):
        x = x.reshape(x.shape[0], -1)
        return self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(x)))))


def confusion(model, loader):
    """(10, 10) int64 counts over every batch (images, labels) of ``loader``: row = true class,
    column = predicted class (the argmax of the model's logits)."""
    matrix = torch.zeros(10, 10, dtype=torch.int64)
    model.eval()
    with torch.no_grad():
        for images, labels in loader:
            predicted = model(images).argmax(dim=1)
            for true, guess in zip(torch.as_tensor(labels).reshape(-1).tolist(), predicted.tolist()):
                matrix[true, guess] += 1
    return matrix
