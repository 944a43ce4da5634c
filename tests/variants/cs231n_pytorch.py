"""Mutants of reference/cs231n_pytorch.py: one known mistake each, and the checks that must catch it.

Two come from a real submission of this notebook: an ``init_weights`` that calls random_weight and
zero_weight but never assigns their results (a no-op: the model keeps torch's default
initialisation), and the ConvNet's parameter setup with ``random_weight((channel_2, 32, 3, 3))``,
the 32 of the notebook's run written in place of channel_1. The others are the slips these
exercises invite, each written the way a student would write it. The alternatives, which must score
100 %, are in cs231n_pytorch_alternatives.py.
"""

from __future__ import annotations

from pathlib import Path

from . import definition, edit, mutant_maker
from .cs231n_pytorch_alternatives import ALTERNATIVES

REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "cs231n_pytorch.py"

_mutant = mutant_maker("cs231n-pytorch")


def _changed(name: str, old: str, new: str) -> str:
    return edit(definition(REFERENCE, name), old, new)


MUTANTS = (
    _mutant("init_weights_no_op", "init_weights calls random_weight / zero_weight and throws the results away",
            ("init-weights.kaiming-and-zero",),
            init_weights=_changed("init_weights", "        m.weight.data = random_weight(m.weight.size())\n"
                                  "        m.bias.data = zero_weight(m.bias.size())",
                                  "        random_weight(m.weight.size())\n        zero_weight(m.bias.size())")),
    _mutant("params_hard_coded_32", "conv_w2 = random_weight((channel_2, 32, 3, 3)): the run's 32 for channel_1",
            ("convnet-params.shapes",),
            three_layer_convnet_params=_changed("three_layer_convnet_params",
                                                "random_weight((channel_2, channel_1, 3, 3))",
                                                "random_weight((channel_2, 32, 3, 3))")),
    _mutant("random_weight_fan_out", "Kaiming with fan_out: shape[1] for a 2-D weight, shape[0] * kh * kw for conv",
            ("random-weight.kaiming-std",),
            touches=("init-weights.kaiming-and-zero",),
            random_weight=_changed("random_weight", "        fan_in = shape[0]\n    else:\n"
                                   "        fan_in = math.prod(shape[1:])",
                                   "        fan_in = shape[1]\n    else:\n"
                                   "        fan_in = shape[0] * math.prod(shape[2:])")),
    _mutant("random_weight_no_grad", "random_weight's tensor does not require grad",
            ("random-weight.tensor",),
            touches=("convnet-params.shapes",),
            random_weight=_changed("random_weight", "    w.requires_grad = True\n", "")),
    _mutant("random_weight_uniform", "Kaiming uniform: rand in [-sqrt(6/fan_in), sqrt(6/fan_in)], the right variance",
            ("random-weight.normal",),
            random_weight=_changed("random_weight",
                                   "torch.randn(shape, device=device, dtype=dtype) * math.sqrt(2.0 / fan_in)",
                                   "(2 * torch.rand(shape, device=device, dtype=dtype) - 1) * math.sqrt(6.0 / fan_in)")),
    _mutant("zero_weight_ones", "zero_weight returns torch.ones",
            ("zero-weight.zeros",),
            touches=("convnet-params.shapes", "init-weights.kaiming-and-zero"),
            zero_weight=_changed("zero_weight", "torch.zeros(", "torch.ones(")),
    _mutant("flatten_view_all", "flatten returns x.view(-1): the whole batch in one row",
            ("flatten.value",),
            touches=("two-layer-fc.value", "three-layer-convnet.shape", "three-layer-convnet.value",
                     "two-layer-fc-module.matches-reference", "three-layer-convnet-module.matches-reference"),
            flatten=_changed("flatten", "x.view(N, -1)", "x.view(-1)")),
    _mutant("two_layer_fc_no_relu", "two_layer_fc without the relu between the layers",
            ("two-layer-fc.value",),
            two_layer_fc=_changed("two_layer_fc", "F.relu(flatten(x).mm(w1))", "flatten(x).mm(w1)")),
    _mutant("convnet_no_relu_after_conv2", "three_layer_convnet forgets the relu after the second convolution",
            ("three-layer-convnet.value",),
            three_layer_convnet=_changed("three_layer_convnet", "F.relu(F.conv2d(relu1, conv_w2, conv_b2, padding=1))",
                                         "F.conv2d(relu1, conv_w2, conv_b2, padding=1)")),
    _mutant("convnet_padding_0", "three_layer_convnet convolves without padding: the maps shrink",
            ("three-layer-convnet.shape", "three-layer-convnet.value"),
            three_layer_convnet=_changed("three_layer_convnet", "padding=2", "padding=0")),
    _mutant("convnet_softmax", "three_layer_convnet returns softmax probabilities instead of scores",
            ("three-layer-convnet.value",),
            three_layer_convnet=_changed("three_layer_convnet", "return flatten(relu2).mm(fc_w) + fc_b",
                                         "return F.softmax(flatten(relu2).mm(fc_w) + fc_b, dim=1)")),
    _mutant("module_fc_no_relu", "TwoLayerFC.forward without the relu",
            ("two-layer-fc-module.matches-reference",),
            TwoLayerFC=_changed("TwoLayerFC", "self.fc2(F.relu(self.fc1(flatten(x))))", "self.fc2(self.fc1(flatten(x)))")),
    _mutant("module_fc_hidden_out", "TwoLayerFC's fc2 is Linear(hidden_size, hidden_size)",
            ("two-layer-fc-module.architecture",),
            touches=("two-layer-fc-module.matches-reference", "two-layer-fc-module.init"),
            TwoLayerFC=_changed("TwoLayerFC", "nn.Linear(hidden_size, num_classes)", "nn.Linear(hidden_size, hidden_size)")),
    _mutant("module_fc_default_init", "TwoLayerFC keeps torch's default initialisation",
            ("two-layer-fc-module.init",),
            TwoLayerFC=edit(_changed("TwoLayerFC", "        nn.init.kaiming_normal_(self.fc1.weight)\n", ""),
                            "        nn.init.kaiming_normal_(self.fc2.weight)\n", "")),
    _mutant("module_bias_default", "ThreeLayerConvNet leaves the biases at torch's default (not zero)",
            ("three-layer-convnet-module.init",),
            ThreeLayerConvNet=_changed("ThreeLayerConvNet", "            nn.init.zeros_(layer.bias)\n", "")),
    _mutant("module_kaiming_uniform", "ThreeLayerConvNet draws its weights with kaiming_uniform_",
            ("three-layer-convnet-module.init",),
            ThreeLayerConvNet=_changed("ThreeLayerConvNet", "nn.init.kaiming_normal_(layer.weight)",
                                       "nn.init.kaiming_uniform_(layer.weight, nonlinearity='relu')")),
    _mutant("module_conv2_kernel_5", "ThreeLayerConvNet's second convolution is 5x5 with padding 2",
            ("three-layer-convnet-module.architecture",),
            touches=("three-layer-convnet-module.matches-reference", "three-layer-convnet-module.init",
                     "init-weights.kaiming-and-zero"),
            ThreeLayerConvNet=_changed("ThreeLayerConvNet", "kernel_size=3, padding=1", "kernel_size=5, padding=2")),
    _mutant("module_forward_softmax", "ThreeLayerConvNet.forward returns softmax probabilities",
            ("three-layer-convnet-module.matches-reference",),
            ThreeLayerConvNet=_changed("ThreeLayerConvNet", "return self.fc(flatten(x))",
                                       "return F.softmax(self.fc(flatten(x)), dim=1)")),
    _mutant("sequential_no_flatten", "the Sequential ConvNet has no Flatten before its Linear layer",
            ("sequential-convnet.matches-reference",),
            model=_changed("model", "    nn.Flatten(),\n", "")),
    _mutant("sequential_channels_swapped", "the Sequential ConvNet has 16 filters, then 32",
            ("sequential-convnet.architecture",),
            touches=("sequential-convnet.matches-reference",),
            model=_changed("model", "nn.Conv2d(3, channel_1, kernel_size=5, padding=2),\n    nn.ReLU(),\n"
                           "    nn.Conv2d(channel_1, channel_2, kernel_size=3, padding=1),\n    nn.ReLU(),\n"
                           "    nn.Flatten(),\n    nn.Linear(channel_2 * 32 * 32",
                           "nn.Conv2d(3, channel_2, kernel_size=5, padding=2),\n    nn.ReLU(),\n"
                           "    nn.Conv2d(channel_2, channel_1, kernel_size=3, padding=1),\n    nn.ReLU(),\n"
                           "    nn.Flatten(),\n    nn.Linear(channel_1 * 32 * 32")),
    _mutant("part5_layers_in_a_list", "part5_model's layers kept in a plain Python list: the model has no parameters",
            ("open-ended.learns-cifar-like",),
            part5_model='''
            def part5_model():
                class Part5(nn.Module):
                    def __init__(self):
                        super().__init__()
                        self.layers = [nn.Conv2d(3, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                                       nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                       nn.Flatten(), nn.Linear(32 * 8 * 8, 10)]

                    def forward(self, x):
                        for layer in self.layers:
                            x = layer(x)
                        return x

                return Part5()
            '''),
    _mutant("part5_linear", "part5_model stacks convolutions without any nonlinearity or pooling: a linear map",
            ("open-ended.learns-cifar-like",),
            part5_model='''
            def part5_model():
                return nn.Sequential(nn.Conv2d(3, 8, 5, padding=2), nn.Conv2d(8, 8, 3, padding=1), nn.Flatten(),
                                     nn.Linear(8 * 32 * 32, num_classes))
            '''),
)

__all__ = ["ALTERNATIVES", "MUTANTS", "REFERENCE"]
