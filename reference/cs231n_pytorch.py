"""Reference solution of cs231n-pytorch: the CS231n "PyTorch" notebook, parts II (barebones autograd),
III (the Module API) and IV (the Sequential API), written from the math.

This module is the specification the suite grades against. Conventions:

- Images are **NCHW**: ``(N, C, H, W)``; ``flatten`` keeps the batch axis, ``(N, C * H * W)``.
- The barebones layers have the shapes the notebook fixes: a fully connected weight is
  ``(fan_in, fan_out)`` and is used as ``x.mm(w)``; a convolution weight is ``(out, in, KH, KW)``.
- ``random_weight`` is Kaiming's normal initialisation: ``randn(shape) * sqrt(2 / fan_in)`` with
  ``fan_in = shape[0]`` for a 2-D weight and ``prod(shape[1:])`` for a convolution; it and
  ``zero_weight`` return leaf tensors with ``requires_grad=True``, of the module-level ``dtype`` on the
  module-level ``device``.
- The module models initialise every weight with ``nn.init.kaiming_normal_`` (torch's fan_in mode);
  ThreeLayerConvNet zeroes its biases.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

dtype = torch.float32
device = torch.device("cpu")
print_every = 100

channel_1 = 32      # the Sequential ConvNet of part IV: 32 5x5 filters, then 16 3x3 filters
channel_2 = 16
num_classes = 10


# --- Part II: barebones PyTorch -------------------------------------------------------------------
def flatten(x):
    """(N, ...) -> (N, prod(...)): one row per sample."""
    N = x.shape[0]
    return x.view(N, -1)


def two_layer_fc(x, params):
    """relu(flatten(x) @ w1) @ w2, no biases; params = [w1 (D, H), w2 (H, C)]."""
    w1, w2 = params
    hidden = F.relu(flatten(x).mm(w1))
    return hidden.mm(w2)


def three_layer_convnet(x, params):
    """conv 5x5 (pad 2) + relu, conv 3x3 (pad 1) + relu, flatten, fully connected.

    params = [conv_w1 (C1, C, 5, 5), conv_b1 (C1,), conv_w2 (C2, C1, 3, 3), conv_b2 (C2,),
    fc_w (C2 * H * W, classes), fc_b (classes,)]; returns (N, classes) scores."""
    conv_w1, conv_b1, conv_w2, conv_b2, fc_w, fc_b = params
    relu1 = F.relu(F.conv2d(x, conv_w1, conv_b1, padding=2))
    relu2 = F.relu(F.conv2d(relu1, conv_w2, conv_b2, padding=1))
    return flatten(relu2).mm(fc_w) + fc_b


def random_weight(shape):
    """Kaiming normal: randn * sqrt(2 / fan_in), fan_in = shape[0] (2-D) or prod(shape[1:]) (conv)."""
    if len(shape) == 2:
        fan_in = shape[0]
    else:
        fan_in = math.prod(shape[1:])
    w = torch.randn(shape, device=device, dtype=dtype) * math.sqrt(2.0 / fan_in)
    w.requires_grad = True
    return w


def zero_weight(shape):
    return torch.zeros(shape, device=device, dtype=dtype, requires_grad=True)


def three_layer_convnet_params(channel_1, channel_2, num_classes, in_channel=3, height=32, width=32):
    """The parameters three_layer_convnet trains, in its order: Kaiming weights, zero biases."""
    conv_w1 = random_weight((channel_1, in_channel, 5, 5))
    conv_b1 = zero_weight((channel_1,))
    conv_w2 = random_weight((channel_2, channel_1, 3, 3))
    conv_b2 = zero_weight((channel_2,))
    fc_w = random_weight((channel_2 * height * width, num_classes))
    fc_b = zero_weight((num_classes,))
    return [conv_w1, conv_b1, conv_w2, conv_b2, fc_w, fc_b]


# --- Part III: the Module API --------------------------------------------------------------------
class TwoLayerFC(nn.Module):
    def __init__(self, input_size, hidden_size, num_classes):
        super().__init__()
        self.fc1 = nn.Linear(input_size, hidden_size)
        nn.init.kaiming_normal_(self.fc1.weight)
        self.fc2 = nn.Linear(hidden_size, num_classes)
        nn.init.kaiming_normal_(self.fc2.weight)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(flatten(x))))


class ThreeLayerConvNet(nn.Module):
    def __init__(self, in_channel, channel_1, channel_2, num_classes):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channel, channel_1, kernel_size=5, padding=2)
        self.conv2 = nn.Conv2d(channel_1, channel_2, kernel_size=3, padding=1)
        self.fc = nn.Linear(channel_2 * 32 * 32, num_classes)
        for layer in (self.conv1, self.conv2, self.fc):
            nn.init.kaiming_normal_(layer.weight)
            nn.init.zeros_(layer.bias)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        return self.fc(flatten(x))


# --- Part IV: the Sequential API -----------------------------------------------------------------
def init_weights(m):
    """For model.apply(init_weights): Kaiming weights (random_weight) and zero biases for every
    Linear and Conv2d."""
    if isinstance(m, (nn.Linear, nn.Conv2d)):
        m.weight.data = random_weight(m.weight.size())
        m.bias.data = zero_weight(m.bias.size())


model = nn.Sequential(
    nn.Conv2d(3, channel_1, kernel_size=5, padding=2),
    nn.ReLU(),
    nn.Conv2d(channel_1, channel_2, kernel_size=3, padding=1),
    nn.ReLU(),
    nn.Flatten(),
    nn.Linear(channel_2 * 32 * 32, num_classes),
)


# --- Part V: an open-ended model -----------------------------------------------------------------
def part5_model():
    """Three conv-BN-ReLU-pool blocks (16, 32, 64 filters; 32 -> 16 -> 8 -> 4 pixels) and a linear
    read-out of 10 scores."""
    def block(c_in, c_out, k):
        return [nn.Conv2d(c_in, c_out, k, padding=k // 2), nn.BatchNorm2d(c_out), nn.ReLU(), nn.MaxPool2d(2)]

    return nn.Sequential(*block(3, 16, 5), *block(16, 32, 3), *block(32, 64, 3), nn.Flatten(),
                         nn.Linear(64 * 4 * 4, num_classes))
