"""Alternative correct solutions of lab5-cnn: each must score 100 %.

One numpy-first: the output size by math.floor, the convolution by hand over a numpy-padded image
(returning the (H', W') map), nn.Conv2d without a bias against F.conv2d without one (the manual's "you
may ignore bias"), CNNClassifier with one attribute per layer flattened by view(x.size(0), -1), a
numpy parameter count, make_cnn as a class of its own, and the confusion matrix counted in numpy. One
torch-first with the names students use instead (assignment.toml's aliases): conv_output_size(H,
kernel_size, stride, padding), convolve(img, weight, s, p) returning (H', W'), compare_conv(x) on a
(1, 1, H, W) copy, a CNN class whose widths are arguments (nn.Flatten in its head), build_cnn(chans,
hidden_size) = CNN(chans, hidden_size), count_parameters, percentage_drop(original, reduced) and
confusion_matrix(net, dataloader), one torch.bincount per true class.
"""

from __future__ import annotations

from pathlib import Path

from . import whole_module

_REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "lab5_cnn.py"

NUMPY_FIRST = '''
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def conv_out_size(h, k, s=1, p=0):
    return int(math.floor((h + 2 * p - k) / s)) + 1


def conv_demo(image, kernel, stride=1, padding=0):
    img = np.pad(np.asarray(image, dtype=np.float64), padding)
    ker = np.asarray(kernel, dtype=np.float64)
    kh, kw = ker.shape
    out_h = (img.shape[0] - kh) // stride + 1
    out_w = (img.shape[1] - kw) // stride + 1
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            patch = img[i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[i, j] = np.sum(patch * ker)
    return out


def conv_equiv(image):
    img = torch.as_tensor(image, dtype=torch.float32).unsqueeze(0).unsqueeze(0)
    conv = nn.Conv2d(1, 3, kernel_size=3, bias=False)
    out1 = conv(img)
    out2 = F.conv2d(img, conv.weight)
    return out1.detach(), out2.detach()


class CNNClassifier(nn.Module):
    def __init__(self):
        super(CNNClassifier, self).__init__()
        self.conv1 = nn.Conv2d(1, 64, kernel_size=3)
        self.conv2 = nn.Conv2d(64, 128, kernel_size=3)
        self.conv3 = nn.Conv2d(128, 64, kernel_size=3)
        self.pool = nn.MaxPool2d(kernel_size=2, stride=2)
        self.fc1 = nn.Linear(64, 20)
        self.fc2 = nn.Linear(20, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = self.pool(F.relu(self.conv3(x)))
        x = x.view(x.size(0), -1)
        return self.fc2(F.relu(self.fc1(x)))


def count_params(model):
    return int(sum(np.prod(list(p.shape)) for p in model.parameters()))


class SmallCNN(nn.Module):
    def __init__(self, c1, c2, c3, hidden):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(1, c1, 3), nn.ReLU(), nn.MaxPool2d(2),
                                 nn.Conv2d(c1, c2, 3), nn.ReLU(), nn.MaxPool2d(2),
                                 nn.Conv2d(c2, c3, 3), nn.ReLU(), nn.MaxPool2d(2))
        self.classification_head = nn.Sequential(nn.Linear(c3, hidden), nn.ReLU(), nn.Linear(hidden, 10))

    def forward(self, x):
        features = self.net(x)
        return self.classification_head(features.view(features.shape[0], -1))


def make_cnn(channels=(64, 128, 64), hidden=20):
    return SmallCNN(channels[0], channels[1], channels[2], hidden)


def param_drop_pct(base, new):
    return (1 - new / base) * 100


def confusion(model, loader):
    y_true, y_pred = [], []
    with torch.no_grad():
        for images, labels in loader:
            y_pred.extend(model(images).argmax(1).tolist())
            y_true.extend(np.asarray(labels).tolist())
    cm = np.zeros((10, 10), dtype=np.int64)
    for t, p in zip(y_true, y_pred):
        cm[t, p] += 1
    return cm
'''

TORCH_FIRST_ALIASES = '''
import torch
import torch.nn.functional as F
from torch import nn


def conv_output_size(H, kernel_size, stride=1, padding=0):
    return int(torch.div(torch.tensor(H + 2 * padding - kernel_size), stride, rounding_mode="floor")) + 1


def convolve(img, weight, s=1, p=0):
    x = img[None, None]
    return F.conv2d(x, weight[None, None], bias=None, stride=s, padding=p)[0, 0]


def compare_conv(x):
    x = x.reshape(1, 1, x.shape[0], x.shape[1]).clone()
    layer = nn.Conv2d(in_channels=1, out_channels=3, kernel_size=(3, 3), stride=1, padding=0)
    with torch.no_grad():
        by_module = layer(x)
        by_function = F.conv2d(x, layer.weight, bias=layer.bias, stride=1, padding=0)
    return [by_module, by_function]


class CNN(nn.Module):
    def __init__(self, chans=(64, 128, 64), hidden_size=20):
        super().__init__()
        layers, c_in = [], 1
        for c in chans:
            layers += [nn.Conv2d(c_in, c, 3), nn.ReLU(), nn.MaxPool2d((2, 2), stride=2)]
            c_in = c
        self.net = nn.Sequential(*layers)
        self.classification_head = nn.Sequential(nn.Flatten(), nn.Linear(c_in, hidden_size), nn.ReLU(),
                                                 nn.Linear(hidden_size, 10))

    def forward(self, x):
        return self.classification_head(self.net(x))


def build_cnn(chans=(64, 128, 64), hidden_size=20):
    return CNN(chans, hidden_size)


def count_parameters(net):
    return sum(p.numel() for p in net.parameters())


def percentage_drop(original, reduced):
    return 100 * (original - reduced) / original


def confusion_matrix(net, dataloader):
    net.eval()
    with torch.no_grad():
        batches = [(yb.long(), net(xb).argmax(dim=1)) for xb, yb in dataloader]
    labels = torch.cat([y for y, _ in batches])
    preds = torch.cat([p for _, p in batches])
    return torch.stack([torch.bincount(preds[labels == c], minlength=10) for c in range(10)])
'''

ALTERNATIVES = (
    whole_module(_REFERENCE, "numpy_first", NUMPY_FIRST,
                 "math.floor, a hand-written numpy convolution, no bias on either side, one attribute per layer, "
                 "a class for make_cnn, numpy counts"),
    whole_module(_REFERENCE, "torch_first_aliases", TORCH_FIRST_ALIASES,
                 "the students' other names, a CNN class with its widths as arguments, nn.Flatten, a bincount per class"),
)
