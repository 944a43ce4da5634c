"""Alternative correct solutions of cs231n-pytorch: each must score 100 %.

They are written differently from the reference on purpose, so that the suite is shown to accept
what is right rather than what looks like the reference: one that works channels-last (the
convolutions run in torch's channels_last memory format, and the barebones ConvNet also accepts
NHWC images, which it permutes; on the NCHW images the notebook and the grader use it computes the
same), one in module style (the barebones functions written with torch.flatten, einsum and
clamp, models built from nn.Sequential blocks and initialised through self.apply), and one with the
students' other names for functions and arguments, found through assignment.toml's aliases.
"""

from __future__ import annotations

from pathlib import Path

from . import Variant, whole_module

_REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "cs231n_pytorch.py"

CHANNELS_LAST = '''
import numpy as np

USE_GPU = True
dtype = torch.float32
device = torch.device("cuda" if USE_GPU and torch.cuda.is_available() else "cpu")
print_every = 100
channel_1, channel_2, num_classes = 32, 16, 10
CL = torch.channels_last


def flatten(x):
    return x.reshape(x.shape[0], -1)


def two_layer_fc(x, params):
    w1, w2 = params
    return torch.relu(flatten(x) @ w1) @ w2


def _nchw(x, in_channel):
    """NHWC images (the channels last, as numpy and PIL hold them) become NCHW; NCHW stay."""
    if x.dim() == 4 and x.shape[1] != in_channel and x.shape[-1] == in_channel:
        x = x.permute(0, 3, 1, 2)
    return x.contiguous(memory_format=CL)


def three_layer_convnet(x, params):
    conv_w1, conv_b1, conv_w2, conv_b2, fc_w, fc_b = params
    x = _nchw(x, conv_w1.shape[1])
    h = F.conv2d(x, conv_w1.contiguous(memory_format=CL), conv_b1, padding=2).clamp(min=0)
    h = F.conv2d(h, conv_w2.contiguous(memory_format=CL), conv_b2, padding=1).clamp(min=0)
    return torch.addmm(fc_b, flatten(h), fc_w)


def random_weight(shape):
    fan_in = shape[0] if len(shape) == 2 else int(np.prod(shape[1:]))
    std = (2.0 / fan_in) ** 0.5
    return torch.empty(shape, dtype=dtype, device=device).normal_(0.0, std).requires_grad_()


def zero_weight(shape):
    return torch.zeros(shape, dtype=dtype, device=device).requires_grad_()


def three_layer_convnet_params(channel_1, channel_2, num_classes, in_channel=3, height=32, width=32):
    shapes = [(channel_1, in_channel, 5, 5), (channel_1,), (channel_2, channel_1, 3, 3), (channel_2,),
              (channel_2 * height * width, num_classes), (num_classes,)]
    return [random_weight(s) if len(s) > 1 else zero_weight(s) for s in shapes]


class TwoLayerFC(nn.Module):
    def __init__(self, input_size, hidden_size, num_classes):
        super(TwoLayerFC, self).__init__()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(input_size, hidden_size), nn.ReLU(),
                                 nn.Linear(hidden_size, num_classes))
        for layer in self.net:
            if isinstance(layer, nn.Linear):
                nn.init.kaiming_normal_(layer.weight, mode="fan_in", nonlinearity="relu")

    def forward(self, x):
        return self.net(x)


class ThreeLayerConvNet(nn.Module):
    def __init__(self, in_channel, channel_1, channel_2, num_classes):
        super().__init__()
        self.in_channel = in_channel
        self.conv_1 = nn.Conv2d(in_channel, channel_1, (5, 5), padding=(2, 2))
        self.conv_2 = nn.Conv2d(channel_1, channel_2, (3, 3), padding=(1, 1))
        self.linear = nn.Linear(channel_2 * 32 * 32, num_classes)
        for module in self.modules():
            if isinstance(module, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_normal_(module.weight)
                module.bias.data.zero_()
        self.to(memory_format=CL)

    def forward(self, x):
        x = _nchw(x, self.in_channel)
        x = F.relu(self.conv_1(x))
        x = F.relu(self.conv_2(x))
        return self.linear(x.flatten(1))


def init_weights(m):
    if type(m) in [nn.Conv2d, nn.Linear]:
        with torch.no_grad():
            m.weight.copy_(random_weight(m.weight.size()))
            m.bias.copy_(zero_weight(m.bias.size()))


class Flatten(nn.Module):
    def forward(self, x):
        return flatten(x)


model = nn.Sequential(
    nn.Conv2d(3, channel_1, 5, padding=2), nn.ReLU(),
    nn.Conv2d(channel_1, channel_2, 3, padding=1), nn.ReLU(),
    Flatten(), nn.Linear(channel_2 * 32 * 32, num_classes),
).to(memory_format=CL)


def part5_model():
    # no convolutions at all: an MLP is enough for the grader's images, and allowed
    return nn.Sequential(nn.Flatten(), nn.Linear(3 * 32 * 32, 256), nn.ReLU(), nn.Dropout(0.2), nn.Linear(256, 10))
'''

MODULE_STYLE = '''
import math
from collections import OrderedDict

dtype = torch.float32
device = torch.device("cpu")


def flatten(x):
    return torch.flatten(x, start_dim=1)


def two_layer_fc(x, params):
    hidden = torch.einsum("nd,dh->nh", flatten(x), params[0]).clamp(min=0)
    return torch.einsum("nh,hc->nc", hidden, params[1])


def three_layer_convnet(x, params):
    conv_w1, conv_b1, conv_w2, conv_b2, fc_w, fc_b = params
    conv1 = nn.functional.conv2d(x, conv_w1, bias=conv_b1, stride=1, padding=conv_w1.shape[-1] // 2)
    conv2 = nn.functional.conv2d(F.relu(conv1), conv_w2, bias=conv_b2, padding=conv_w2.shape[-1] // 2)
    return torch.einsum("nd,dc->nc", flatten(F.relu(conv2)), fc_w) + fc_b


def random_weight(shape):
    if len(shape) == 2:
        fan_in = shape[0]
    else:
        fan_in = math.prod(shape[1:])
    w = torch.randn(*shape, device=device, dtype=dtype) / math.sqrt(fan_in / 2.0)
    return w.requires_grad_(True)


def zero_weight(shape):
    return torch.zeros(*shape, device=device, dtype=dtype, requires_grad=True)


def three_layer_convnet_params(channel_1, channel_2, num_classes, in_channel=3, height=32, width=32):
    conv_w1 = random_weight((channel_1, in_channel, 5, 5))
    conv_b1 = zero_weight((channel_1,))
    conv_w2 = random_weight((channel_2, channel_1, 3, 3))
    conv_b2 = zero_weight((channel_2,))
    fc_w = random_weight((channel_2 * height * width, num_classes))
    fc_b = zero_weight((num_classes,))
    return [conv_w1, conv_b1, conv_w2, conv_b2, fc_w, fc_b]


def _kaiming(module):
    if isinstance(module, (nn.Linear, nn.Conv2d)):
        nn.init.kaiming_normal_(module.weight)


class TwoLayerFC(nn.Module):
    def __init__(self, input_size, hidden_size, num_classes):
        super().__init__()
        self.hidden = nn.Sequential(nn.Flatten(), nn.Linear(input_size, hidden_size), nn.ReLU())
        self.scores = nn.Linear(hidden_size, num_classes)
        self.apply(_kaiming)

    def forward(self, x):
        return self.scores(self.hidden(x))


class ThreeLayerConvNet(nn.Module):
    def __init__(self, in_channel, channel_1, channel_2, num_classes):
        super().__init__()
        self.features = nn.Sequential(OrderedDict([
            ("conv1", nn.Conv2d(in_channel, channel_1, kernel_size=5, padding=2)), ("relu1", nn.ReLU()),
            ("conv2", nn.Conv2d(channel_1, channel_2, kernel_size=3, padding=1)), ("relu2", nn.ReLU()),
        ]))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(channel_2 * 32 * 32, num_classes))
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            nn.init.kaiming_normal_(m.weight)
            nn.init.zeros_(m.bias)

    def forward(self, x):
        return self.classifier(self.features(x))


def init_weights(m):
    if isinstance(m, (nn.Linear, nn.Conv2d)):
        nn.init.kaiming_normal_(m.weight)       # fan_in = in_features for a Linear
        nn.init.constant_(m.bias, 0.0)


channel_1 = 32
channel_2 = 16
learning_rate = 1e-2
model = nn.Sequential(OrderedDict([
    ("conv1", nn.Conv2d(3, channel_1, kernel_size=5, padding=2)), ("relu1", nn.ReLU()),
    ("conv2", nn.Conv2d(channel_1, channel_2, kernel_size=3, padding=1)), ("relu2", nn.ReLU()),
    ("flatten", nn.Flatten()), ("fc", nn.Linear(channel_2 * 32 * 32, 10)),
]))


class Part5Net(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 32, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(32)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(64)
        self.dropout = nn.Dropout(0.25)
        self.fc = nn.Linear(64 * 8 * 8, num_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        return self.fc(self.dropout(torch.flatten(x, 1)))


def part5_model():
    return Part5Net()
'''

OWN_NAMES = '''
dtype = torch.float32
device = "cpu"


def flat(tensor):
    return tensor.reshape(tensor.size(0), -1)


def two_layer_fc(X, weights):
    return F.relu(flat(X).matmul(weights[0])).matmul(weights[1])


def three_layer_convnet(X, weights):
    h1 = F.relu(F.conv2d(X, weights[0], weights[1], padding=2))
    h2 = F.relu(F.conv2d(h1, weights[2], weights[3], padding=1))
    return flat(h2).matmul(weights[4]) + weights[5]


def random_weights(size):
    fan_in = size[0] if len(size) == 2 else size[1] * size[2] * size[3]
    return (torch.randn(size, dtype=dtype, device=device) * (2.0 / fan_in) ** 0.5).requires_grad_()


def zero_weights(size):
    return torch.zeros(size, dtype=dtype, device=device, requires_grad=True)


def make_convnet_params(c1, c2, n_classes, in_channels=3, H=32, W=32):
    return [random_weights((c1, in_channels, 5, 5)), zero_weights((c1,)),
            random_weights((c2, c1, 3, 3)), zero_weights((c2,)),
            random_weights((c2 * H * W, n_classes)), zero_weights((n_classes,))]


class TwoLayerFc(nn.Module):
    def __init__(self, in_size, hidden_dim, n_classes):
        super().__init__()
        self.layer1 = nn.Linear(in_size, hidden_dim)
        self.layer2 = nn.Linear(hidden_dim, n_classes)
        nn.init.kaiming_normal_(self.layer1.weight)
        nn.init.kaiming_normal_(self.layer2.weight)

    def forward(self, X):
        return self.layer2(F.relu(self.layer1(flat(X))))


class ThreeLayerCNN(nn.Module):
    def __init__(self, in_channels, c1, c2, n_classes):
        super().__init__()
        self.layers = nn.ModuleList([nn.Conv2d(in_channels, c1, 5, padding=2), nn.Conv2d(c1, c2, 3, padding=1)])
        self.out = nn.Linear(c2 * 32 * 32, n_classes)
        for layer in [*self.layers, self.out]:
            nn.init.kaiming_normal_(layer.weight)
            layer.bias.data.fill_(0.0)

    def forward(self, X):
        for conv in self.layers:
            X = F.relu(conv(X))
        return self.out(flat(X))


def weights_init(module):
    if type(module) == nn.Conv2d or type(module) == nn.Linear:
        module.weight.data = random_weights(module.weight.size())
        module.bias.data = zero_weights(module.bias.size())


seq_model = nn.Sequential(nn.Conv2d(3, 32, 5, 1, 2), nn.ReLU(), nn.Conv2d(32, 16, 3, 1, 1), nn.ReLU(),
                          nn.Flatten(), nn.Linear(16 * 32 * 32, 10))


def build_part5_model():
    return nn.Sequential(nn.Conv2d(3, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(64 * 8 * 8, 10))
'''

ALTERNATIVES: tuple[Variant, ...] = (
    whole_module(_REFERENCE, "channels_last", CHANNELS_LAST,
                 "convolutions in the channels_last memory format, NHWC images permuted to NCHW, "
                 "addmm, normal_ in place, copy_ under no_grad in init_weights, a Flatten module of its own; "
                 "an MLP for part V"),
    whole_module(_REFERENCE, "module_style", MODULE_STYLE,
                 "torch.flatten, einsum, clamp; models of nn.Sequential blocks (an OrderedDict) initialised "
                 "through self.apply; init_weights with nn.init.kaiming_normal_ (fan_in = in_features); a "
                 "module class with F.max_pool2d and dropout for part V"),
    whole_module(_REFERENCE, "own_names", OWN_NAMES,
                 "flat, random_weights, zero_weights, make_convnet_params, TwoLayerFc, ThreeLayerCNN, "
                 "weights_init, seq_model, build_part5_model and the students' argument names (assignment.toml's "
                 "aliases)"),
)
