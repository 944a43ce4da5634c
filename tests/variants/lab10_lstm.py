"""Mutants of reference/lab10_lstm.py: one known mistake each, and the checks that must catch it.

Lab 10 repeats Lab 9 with nn.LSTM, and with it Lab 9's mistakes (lab_series_mutants.py). Its own: the
manual's ``super(RNNModel, self).__init__()`` inside LSTMModel, a class copied from Lab 9 (a NameError
where RNNModel is not defined, a TypeError where it is), and the optional LSTM step reading the gates in
the order (i, f, o, g). The alternatives, which must score 100 %, are in lab10_lstm_alternatives.py.
"""

from __future__ import annotations

from pathlib import Path

from . import definition, edit, mutant_maker
from .lab10_lstm_alternatives import ALTERNATIVES
from .lab_series_mutants import shared_mutants

REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "lab10_lstm.py"

_mutant = mutant_maker("lab10-lstm")
_MODEL_CHECKS = ("model.params", "model.forward", "model.learns-sine", "train.zero-grad")

MUTANTS = (
    *shared_mutants(_mutant, "LSTM", "LSTMModel", "NameLSTM", "CharLSTM"),
    _mutant("super_of_rnn_model", "the manual's super(RNNModel, self).__init__() in LSTMModel: a NameError "
            "(no RNNModel here); every check that builds the model fails", _MODEL_CHECKS,
            LSTMModel=edit(definition(REFERENCE, "LSTMModel"), "super().__init__()", "super(RNNModel, self).__init__()")),
    _mutant("lstm_gates_ifog", "lstm_step reads the gate chunks as (i, f, o, g)", ("cell.value",),
            lstm_step=edit(definition(REFERENCE, "lstm_step"), "i, f, g, o = gates.chunk(4, dim=-1)",
                           "i, f, o, g = gates.chunk(4, dim=-1)")),
)

__all__ = ["ALTERNATIVES", "MUTANTS", "REFERENCE"]
