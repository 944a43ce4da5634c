"""CS231n PyTorch notebook, parts II-IV, as a module (exported from my notebook)."""
import math

import torch
import torch.nn.functional as F
from torch import nn

dtype = torch.float32
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print_every = 100


def flatten(x):
    return x.reshape(x.size(0), -1)


def two_layer_fc(x, params):
    w1, w2 = params
    return torch.clamp(flatten(x) @ w1, min=0) @ w2


def three_layer_convnet(x, params):
    conv_w1, conv_b1, conv_w2, conv_b2, fc_w, fc_b = params
    h = F.relu(F.conv2d(x, conv_w1, conv_b1, stride=1, padding=2))
    h = F.relu(F.conv2d(h, conv_w2, conv_b2, stride=1, padding=1))
    return flatten(h) @ fc_w + fc_b


def random_weight(shape):
    fan_in = shape[0] if len(shape) == 2 else math.prod(shape[1:])
    return (math.sqrt(2.0 / fan_in) * torch.randn(shape, dtype=dtype, device=device)).requires_grad_()


def zero_weight(shape):
    return torch.zeros(shape, dtype=dtype, device=device).requires_grad_()


def three_layer_convnet_params(channel_1, channel_2, num_classes, in_channel=3, height=32, width=32):
    return [random_weight((channel_1, in_channel, 5, 5)), zero_weight((channel_1,)),
            random_weight((channel_2, channel_1, 3, 3)), zero_weight((channel_2,)),
            random_weight((channel_2 * height * width, num_classes)), zero_weight((num_classes,))]


class TwoLayerFC(nn.Module):
    def __init__(self, input_size, hidden_size, num_classes):
        super().__init__()
        self.hidden = nn.Linear(input_size, hidden_size)
        self.out = nn.Linear(hidden_size, num_classes)
        for layer in (self.hidden, self.out):
            nn.init.kaiming_normal_(layer.weight)

    def forward(self, x):
        return self.out(F.relu(self.hidden(flatten(x))))


class ThreeLayerConvNet(nn.Module):
    def __init__(self, in_channel, channel_1, channel_2, num_classes):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(in_channel, channel_1, 5, padding=2), nn.ReLU(),
            nn.Conv2d(channel_1, channel_2, 3, padding=1), nn.ReLU(),
        )
        self.head = nn.Linear(channel_2 * 32 * 32, num_classes)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_normal_(m.weight)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        return self.head(flatten(self.body(x)))


def init_weights(m):
    if isinstance(m, (nn.Conv2d, nn.Linear)):
        with torch.no_grad():
            m.weight.copy_(random_weight(m.weight.shape))
            m.bias.zero_()


channel_1 = 32
channel_2 = 16
model = nn.Sequential(
    nn.Conv2d(3, channel_1, kernel_size=5, padding=2), nn.ReLU(),
    nn.Conv2d(channel_1, channel_2, kernel_size=3, padding=1), nn.ReLU(),
    nn.Flatten(), nn.Linear(channel_2 * 32 * 32, 10),
)


class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        return F.relu(x + self.bn2(self.conv2(out)))


def part5_model():
    """A small residual network: stem, two residual stages with pooling, global average pooling."""
    return nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        ResidualBlock(16),
        nn.Conv2d(16, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        ResidualBlock(32), nn.MaxPool2d(2),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10),
    )


if __name__ == "__main__":
    from torch import optim
    model.apply(init_weights)
    optimizer = optim.SGD(model.parameters(), lr=1e-2, momentum=0.9, nesterov=True)
    print(model(torch.zeros(2, 3, 32, 32, dtype=dtype)).shape)
