"""Alternative correct solutions of lab4-feedforward: each must score 100 %.

One numpy-first: manual_forward in numpy (returning an array of shape (N,)), the ReLU network written
out as a class of its own, count_params by numpy.prod over the shapes, MNISTFFN as an nn.Sequential
that starts with nn.Flatten, and the confusion matrix counted with numpy. One torch-first with the
names students use instead (assignment.toml's aliases): an `activation` argument behind XorModel and
XORModelRelu, count_parameters(net), manual_output(state_dict, x, act) by F.linear, MLP(hidden1,
hidden2) flattening with view(-1, 784), and confusion_matrix(net, dataloader) by torch.bincount.
"""

from __future__ import annotations

from pathlib import Path

from . import whole_module

_REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "lab4_feedforward.py"

NUMPY_FIRST = '''
import numpy as np
import torch
from torch import nn


class XORModel(nn.Module):
    def __init__(self):
        super(XORModel, self).__init__()
        self.linear1 = nn.Linear(2, 2)
        self.activation1 = nn.Sigmoid()
        self.linear2 = nn.Linear(2, 1)

    def forward(self, x):
        x = self.linear1(x)
        x = self.activation1(x)
        x = self.linear2(x)
        return x


class XORModelReLU(nn.Module):
    def __init__(self):
        super(XORModelReLU, self).__init__()
        self.linear1 = nn.Linear(2, 2)
        self.activation1 = nn.ReLU()
        self.linear2 = nn.Linear(2, 1)

    def forward(self, x):
        return self.linear2(self.activation1(self.linear1(x)))


def count_params(model):
    return int(sum(np.prod(p.shape) for p in model.parameters()))


def manual_forward(params, X, activation="sigmoid"):
    p = {k: v.detach().cpu().numpy().astype(np.float64) for k, v in params.items()}
    X = np.asarray(X, dtype=np.float64)
    outputs = []
    for row in X:
        h = p["linear1.weight"].dot(row) + p["linear1.bias"]
        h = np.maximum(h, 0.0) if activation == "relu" else 1.0 / (1.0 + np.exp(-h))
        outputs.append(float(p["linear2.weight"].dot(h)[0] + p["linear2.bias"][0]))
    return np.array(outputs)


class MNISTFFN(nn.Module):
    def __init__(self, h1=100, h2=100):
        super().__init__()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(784, h1), nn.ReLU(), nn.Linear(h1, h2), nn.ReLU(),
                                 nn.Linear(h2, 10))

    def forward(self, x):
        return self.net(x)


def confusion(model, loader):
    all_true, all_pred = [], []
    with torch.no_grad():
        for images, labels in loader:
            all_pred.append(model(images).argmax(1).numpy())
            all_true.append(np.asarray(labels))
    cm = np.zeros((10, 10), dtype=np.int64)
    for t, p in zip(np.concatenate(all_true), np.concatenate(all_pred)):
        cm[t][p] += 1
    return torch.from_numpy(cm)
'''

TORCH_FIRST_ALIASES = '''
import torch
import torch.nn.functional as F
from torch import nn


class XorModel(nn.Module):
    def __init__(self, activation="sigmoid"):
        super().__init__()
        self.linear1 = nn.Linear(2, 2)
        self.activation1 = nn.ReLU() if activation == "relu" else nn.Sigmoid()
        self.linear2 = nn.Linear(2, 1)

    def forward(self, x):
        return self.linear2(self.activation1(self.linear1(x)))


class XORModelRelu(XorModel):
    def __init__(self):
        super().__init__(activation="relu")


def count_parameters(net):
    return sum(p.numel() for p in net.parameters())


def manual_output(state_dict, x, act="sigmoid"):
    x = torch.as_tensor(x, dtype=torch.float32)
    hidden = F.linear(x, state_dict["linear1.weight"], state_dict["linear1.bias"])
    hidden = F.relu(hidden) if act == "relu" else torch.sigmoid(hidden)
    return F.linear(hidden, state_dict["linear2.weight"], state_dict["linear2.bias"])


class MLP(nn.Module):
    def __init__(self, hidden1, hidden2):
        super().__init__()
        self.layer1 = nn.Linear(784, hidden1)
        self.layer2 = nn.Linear(hidden1, hidden2)
        self.out = nn.Linear(hidden2, 10)

    def forward(self, x):
        x = x.view(-1, 784)
        x = F.relu(self.layer1(x))
        x = F.relu(self.layer2(x))
        return self.out(x)


def confusion_matrix(net, dataloader):
    counts = torch.zeros(100, dtype=torch.long)
    net.eval()
    with torch.no_grad():
        for xb, yb in dataloader:
            pred = torch.argmax(net(xb), dim=1)
            counts += torch.bincount(10 * yb.long() + pred, minlength=100)
    return counts.view(10, 10)
'''

ALTERNATIVES = (
    whole_module(_REFERENCE, "numpy_first", NUMPY_FIRST,
                 "numpy for the hand computation, a separate ReLU class, nn.Sequential with nn.Flatten, numpy counts"),
    whole_module(_REFERENCE, "torch_first_aliases", TORCH_FIRST_ALIASES,
                 "the students' other names, an activation argument, F.linear, view(-1, 784), torch.bincount"),
)
