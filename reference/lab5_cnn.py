"""Reference solutions of lab5-cnn: Lab 5 of the lab manual (convolutional networks).

E1: conv_out_size, the output size of a convolution, floor((h + 2p - k) / s) + 1, and conv_demo,
F.conv2d of one (H, W) image with one (kh, kw) kernel. E2: conv_equiv, nn.Conv2d(1, 3, 3) and the
same convolution written with F.conv2d on the layer's own weight and bias. E3: CNNClassifier, the
manual's three conv-ReLU-maxpool blocks and a 64-20-10 head (149,798 parameters), and count_params.
E4: make_cnn(channels, hidden), the same network with other widths, and param_drop_pct. A1: the
network classifies a FashionMNIST stand-in; confusion(model, loader) is its confusion matrix.
"""

from __future__ import annotations

from collections import OrderedDict

import torch
import torch.nn.functional as F
from torch import nn


def conv_out_size(h, k, s=1, p=0):
    """Output side of a convolution of an h-pixel side with a k-pixel kernel, stride s, padding p
    on both sides: floor((h + 2p - k) / s) + 1. For h=6, k=3, s=2, p=0: 2."""
    return (h + 2 * p - k) // s + 1


def _as_image(image):
    """(H, W) or (1, 1, H, W) as the (1, 1, H, W) float tensor F.conv2d takes."""
    image = torch.as_tensor(image)
    image = image if image.is_floating_point() else image.float()
    return image.reshape(1, 1, *image.shape[-2:])


def conv_demo(image, kernel, stride=1, padding=0):
    """F.conv2d of an (H, W) image with a (kh, kw) kernel, no bias: the (1, 1, H', W') output."""
    x = _as_image(image)
    w = torch.as_tensor(kernel).to(x.dtype)
    return F.conv2d(x, w.reshape(1, 1, *w.shape[-2:]), stride=stride, padding=padding)


def conv_equiv(image):
    """The outputs of conv = nn.Conv2d(1, 3, 3) on the (H, W) image as (1, 1, H, W), and of F.conv2d
    with the layer's own weight and bias: two equal (1, 3, H - 2, W - 2) tensors."""
    x = _as_image(image).float()
    conv = nn.Conv2d(in_channels=1, out_channels=3, kernel_size=3)
    with torch.no_grad():
        return conv(x), F.conv2d(x, conv.weight, conv.bias)


class CNNClassifier(nn.Module):
    """The manual's network: net = three Conv2d(3x3) -> ReLU -> MaxPool2d(2, 2) blocks (1 -> 64 ->
    128 -> 64 channels), classification_head = Linear(64, 20) -> ReLU -> Linear(20, 10). A 28x28
    image becomes (64, 1, 1) features; 149,798 parameters."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 64, kernel_size=3), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Conv2d(64, 128, kernel_size=3), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Conv2d(128, 64, kernel_size=3), nn.ReLU(), nn.MaxPool2d(2, 2))
        self.classification_head = nn.Sequential(nn.Linear(64, 20), nn.ReLU(), nn.Linear(20, 10))

    def forward(self, x):
        features = self.net(x)
        return self.classification_head(features.flatten(1))


def count_params(model):
    """The number of learnable values of ``model`` (weights and biases): 149,798 for CNNClassifier()."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def make_cnn(channels=(64, 128, 64), hidden=20):
    """CNNClassifier with other widths: conv channels 1 -> c1 -> c2 -> c3 and a c3 -> hidden -> 10
    head. make_cnn((32, 64, 32)) has 38,150 parameters."""
    c1, c2, c3 = channels
    blocks = []
    for c_in, c_out in ((1, c1), (c1, c2), (c2, c3)):
        blocks += [nn.Conv2d(c_in, c_out, kernel_size=3), nn.ReLU(), nn.MaxPool2d(2, 2)]
    head = nn.Sequential(nn.Linear(c3, hidden), nn.ReLU(), nn.Linear(hidden, 10))
    return nn.Sequential(OrderedDict(net=nn.Sequential(*blocks), flatten=nn.Flatten(), classification_head=head))


def param_drop_pct(base, new):
    """How many percent fewer parameters ``new`` has than ``base``: 100 (base - new) / base."""
    return 100.0 * (base - new) / base


def confusion(model, loader):
    """The (10, 10) int64 confusion matrix of ``model`` over every (images, labels) batch of ``loader``:
    entry [t, p] counts the images of true class t that the model (the argmax of its scores) puts in p."""
    model.eval()
    truth, predicted = [], []
    with torch.no_grad():
        for images, labels in loader:
            predicted.append(model(images).argmax(dim=1))
            truth.append(torch.as_tensor(labels).reshape(-1))
    pairs = 10 * torch.cat(truth).long() + torch.cat(predicted)
    return torch.bincount(pairs, minlength=100).reshape(10, 10)
