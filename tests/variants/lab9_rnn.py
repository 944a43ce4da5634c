"""Mutants of reference/lab9_rnn.py: one known mistake each, and the checks that must catch it.

The mistakes Lab 9 shares with Lab 10 (the manual's missing zero_grad, data[:, 0] on the batch, the
off-by-one target, the hard-coded 5900, and the slips each exercise invites) are written once in
lab_series_mutants.py. The alternatives, which must score 100 %, are in lab9_rnn_alternatives.py.
"""

from __future__ import annotations

from pathlib import Path

from . import mutant_maker
from .lab9_rnn_alternatives import ALTERNATIVES
from .lab_series_mutants import shared_mutants

REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "lab9_rnn.py"

_mutant = mutant_maker("lab9-rnn")

MUTANTS = (
    *shared_mutants(_mutant, "RNN", "RNNModel", "NameRNN", "CharRNN"),
    _mutant("model_gru", "RNNModel uses nn.GRU(1, 5): 126 parameters, not 46", ("model.params",),
            touches=("model.forward", "model.learns-sine", "train.zero-grad"),
            RNNModel="class RNNModel(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
                     "        self.rnn = nn.GRU(1, 5, batch_first=True)\n        self.fc1 = nn.Linear(5, 1)\n\n"
                     "    def forward(self, x):\n        output, _ = self.rnn(x)\n"
                     "        return self.fc1(torch.relu(output[:, -1, :]))\n"),
)

__all__ = ["ALTERNATIVES", "MUTANTS", "REFERENCE"]
