"""Mutants of reference/lab4_feedforward.py: one known mistake each, and the checks that must catch it.

From the lab manual and its catalog (seed-003, sections 5 and 12): weights drawn in [0, 1) (the text's
"a weight's value is from 0 to 1"), an output activation added to XORModel, count_params counting only
the weight matrices, manual_forward with the activation after the output layer too, a confusion matrix
with rows the predicted class, MNISTFFN without flattening its (B, 1, 28, 28) input. (train_one_epoch
called before its definition is a script-level mistake: the buggy example submission carries it and
still loads.) The alternatives, which must score 100 %, are in lab4_feedforward_alternatives.py.
"""

from __future__ import annotations

from pathlib import Path

from . import definition, edit, mutant_maker
from .lab4_feedforward_alternatives import ALTERNATIVES

REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "lab4_feedforward.py"

_mutant = mutant_maker("lab4-feedforward")


def _changed(name: str, old: str, new: str) -> str:
    return edit(definition(REFERENCE, name), old, new)


# XORModelReLU inherits XORModel's forward in the reference; where a mutant breaks that forward, the
# ReLU class keeps a correct one of its own, so the fault stays E1's.
_RELU_OWN_FORWARD = _changed("XORModelReLU", "        self.activation1 = nn.ReLU()\n",
                             "        self.activation1 = nn.ReLU()\n\n    def forward(self, x):\n"
                             "        return self.linear2(torch.relu(self.linear1(x)))\n")

MUTANTS = (
    # --- the manual's bugs ----------------------------------------------------------------------------
    _mutant("init_unit_interval", "XORModel redraws its weights uniformly in [0, 1), as the manual's text "
            "('a weight's value is from 0 to 1') suggests", ("xor.init",),
            XORModel=_changed("XORModel", "        self.linear2 = nn.Linear(2, 1)\n",
                              "        self.linear2 = nn.Linear(2, 1)\n        for p in self.parameters():\n"
                              "            nn.init.uniform_(p, 0.0, 1.0)\n")),
    _mutant("output_sigmoid", "XORModel puts a sigmoid after linear2 too", ("xor.forward",),
            touches=("xor.converges",),   # squashed outputs come within 0.1 of 0 and 1 slowly, if at all
            XORModel=_changed("XORModel", "return self.linear2(self.activation1(self.linear1(x)))",
                              "return torch.sigmoid(self.linear2(self.activation1(self.linear1(x))))"),
            XORModelReLU=_RELU_OWN_FORWARD),
    _mutant("count_weights_only", "count_params counts the weight matrices only, not the biases",
            ("xor.count-params",),
            count_params=_changed("count_params", "if p.requires_grad", "if p.requires_grad and p.dim() > 1")),
    _mutant("manual_output_activation", "manual_forward applies the activation after the output layer too",
            ("manual.golden", "manual.value"),
            manual_forward=_changed("manual_forward", "return hidden @ W2.to(X.dtype).T + b2.to(X.dtype)",
                                    "out = hidden @ W2.to(X.dtype).T + b2.to(X.dtype)\n"
                                    "    return torch.relu(out) if activation == 'relu' else torch.sigmoid(out)")),
    _mutant("confusion_transposed", "confusion counts rows by the predicted class, columns by the true one",
            ("confusion.value",),
            confusion=_changed("confusion", "matrix[true, guess] += 1", "matrix[guess, true] += 1")),
    _mutant("mnist_no_flatten", "MNISTFFN.forward does not flatten: (B, 1, 28, 28) images break nn.Linear(784, h1)",
            ("mnist.forward",),
            MNISTFFN=_changed("MNISTFFN", "        x = x.reshape(x.shape[0], -1)\n", "")),
    # --- the slips each exercise invites ----------------------------------------------------------------
    _mutant("xor_no_output_bias", "XORModel's linear2 has no bias", ("xor.architecture",),
            touches=("xor.forward", "xor.converges", "xor.count-params"),
            XORModel=_changed("XORModel", "nn.Linear(2, 1)", "nn.Linear(2, 1, bias=False)"),
            XORModelReLU=_RELU_OWN_FORWARD.replace("super().__init__()",
                                                   "nn.Module.__init__(self)\n        self.linear1 = nn.Linear(2, 2)\n"
                                                   "        self.linear2 = nn.Linear(2, 1)")),
    _mutant("hidden_detached", "XORModel detaches the hidden layer: only linear2 learns, and XOR is not linear",
            ("xor.converges",),
            XORModel=_changed("XORModel", "self.activation1(self.linear1(x))", "self.activation1(self.linear1(x)).detach()"),
            XORModelReLU=_RELU_OWN_FORWARD),
    _mutant("relu_keeps_sigmoid", "XORModelReLU keeps the sigmoid", ("xor-relu.forward",),
            XORModelReLU=_changed("XORModelReLU", "nn.ReLU()", "nn.Sigmoid()")),
    _mutant("relu_wider_hidden", "XORModelReLU widens the hidden layer to 4 units (17 parameters, not 9)",
            ("xor-relu.architecture",), touches=("xor-relu.forward",),
            XORModelReLU=_changed("XORModelReLU", "        self.activation1 = nn.ReLU()\n",
                                  "        self.activation1 = nn.ReLU()\n        self.linear1 = nn.Linear(2, 4)\n"
                                  "        self.linear2 = nn.Linear(4, 1)\n")),
    _mutant("mnist_no_bias", "MNISTFFN's layers have no biases", ("mnist.params",),
            MNISTFFN=_changed("MNISTFFN", "        self.fc3 = nn.Linear(h2, 10)\n",
                              "        self.fc3 = nn.Linear(h2, 10)\n        for layer in (self.fc1, self.fc2, self.fc3):\n"
                              "            layer.bias = None\n")),
    _mutant("mnist_softmax_saturated", "MNISTFFN returns 0.01 * softmax of its logits: cross-entropy on near-flat "
            "probabilities barely trains", ("mnist.learns-digits",),
            MNISTFFN=_changed("MNISTFFN", "return self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(x)))))",
                              "return 0.01 * torch.softmax(self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(x))))), 1)")),
)

__all__ = ["ALTERNATIVES", "MUTANTS", "REFERENCE"]
