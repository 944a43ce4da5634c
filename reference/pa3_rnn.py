"""Reference solution of pa3-rnn: torch's built-in recurrent layers as classifiers, and two
sequence tasks (remember the digit at index K, add two binary numbers).

This module is the specification the suite grades against. Conventions:

- Every recurrent layer is built with ``batch_first=True``: inputs are ``(batch, time, features)``.
- A classifier reads the output of the **last time step**, ``out[:, -1, :]``, also when it is
  bidirectional (the course template's choice: the backward half of that vector has seen only the
  last step), applies ``fc`` and returns **log-probabilities** (``log_softmax`` over the classes).
- Initial states are zeros (torch's default when none is passed).
- Binary numbers are written **least significant bit first** on L+1 bits, so that the sum of two
  L-bit numbers fits and an RNN reading left to right meets each carry before it is needed.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

NUM_DIGITS = 10     # sequence_generator's alphabet: the digits 0..9


def _last_step_log_probabilities(out: torch.Tensor, fc: nn.Linear) -> torch.Tensor:
    """(B, T, F) recurrent outputs -> (B, C) log-probabilities from the last time step."""
    return F.log_softmax(fc(out[:, -1, :]), dim=1)


class vanilla_RNN(nn.Module):
    """A tanh RNN of ``num_layers`` layers and a linear read-out of its last output."""

    def __init__(self, input_dim, hidden_dim, num_layers, output_dim):
        super().__init__()
        self.rnn = nn.RNN(input_dim, hidden_dim, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_dim, output_dim)

    def forward(self, x):
        out, _ = self.rnn(x)
        return _last_step_log_probabilities(out, self.fc)


class vanilla_LSTM(nn.Module):
    """An LSTM of ``num_layers`` layers and a linear read-out of its last output."""

    def __init__(self, input_dim, hidden_dim, num_layers, output_dim):
        super().__init__()
        self.lstm = nn.LSTM(input_dim, hidden_dim, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_dim, output_dim)

    def forward(self, x):
        out, _ = self.lstm(x)
        return _last_step_log_probabilities(out, self.fc)


class vanilla_GRU(nn.Module):
    """A GRU of ``num_layers`` layers and a linear read-out of its last output."""

    def __init__(self, input_dim, hidden_dim, num_layers, output_dim):
        super().__init__()
        self.gru = nn.GRU(input_dim, hidden_dim, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_dim, output_dim)

    def forward(self, x):
        out, _ = self.gru(x)
        return _last_step_log_probabilities(out, self.fc)


class bidirectional_RNN(nn.Module):
    """A bidirectional tanh RNN; ``fc`` reads both directions' outputs at the last step (2H)."""

    def __init__(self, input_dim, hidden_dim, num_layers, output_dim):
        super().__init__()
        self.rnn = nn.RNN(input_dim, hidden_dim, num_layers, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden_dim, output_dim)

    def forward(self, x):
        out, _ = self.rnn(x)
        return _last_step_log_probabilities(out, self.fc)


class bidirectional_LSTM(nn.Module):
    """A bidirectional LSTM; ``fc`` reads both directions' outputs at the last step (2H)."""

    def __init__(self, input_dim, hidden_dim, num_layers, output_dim):
        super().__init__()
        self.lstm = nn.LSTM(input_dim, hidden_dim, num_layers, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden_dim, output_dim)

    def forward(self, x):
        out, _ = self.lstm(x)
        return _last_step_log_probabilities(out, self.fc)


def sequence_generator(L, batch_size=64, K=1):
    """A batch of random digit sequences for "remember the digit at index K".

    Returns ``(random_seq, x, y)``: ``random_seq`` (B, L) digits drawn uniformly from 0..9
    inclusive, ``x`` float32 (B, L, 10) their one-hot codes, ``y`` (B, 10) the one-hot code of
    ``random_seq[:, K]`` (K counts from 0).
    """
    random_seq = np.random.randint(0, NUM_DIGITS, size=(batch_size, L))
    one_hot = np.eye(NUM_DIGITS, dtype=np.float32)
    x = torch.from_numpy(one_hot[random_seq])
    y = torch.from_numpy(one_hot[random_seq[:, K]].astype(np.int64))
    return torch.from_numpy(random_seq), x, y


def _bits_lsb_first(numbers: np.ndarray, width: int) -> np.ndarray:
    """(B,) non-negative integers -> (B, width) of 0/1, least significant bit first."""
    return (numbers[:, None] >> np.arange(width)) & 1


def binary_sequence_generator(L, batch_size=64):
    """A batch of binary additions a + b = c with a, b uniform in 0..2^L - 1.

    Returns ``(x, y)``: ``x`` float32 (B, L+1, 2) with the bits of a in ``x[:, :, 0]`` and of b in
    ``x[:, :, 1]``, ``y`` (B, L+1) the bits of c; all least significant bit first, zero-padded to
    L+1 bits (c < 2^(L+1), so its carry has room; the top input bit is always 0).
    """
    a = np.random.randint(0, 2 ** L, size=batch_size)
    b = np.random.randint(0, 2 ** L, size=batch_size)
    x = np.stack([_bits_lsb_first(a, L + 1), _bits_lsb_first(b, L + 1)], axis=-1)
    y = _bits_lsb_first(a + b, L + 1)
    return torch.from_numpy(x.astype(np.float32)), torch.from_numpy(y)


class Binary_LSTM(nn.Module):
    """An LSTM that reads two bits per step and predicts the sum's bit at every step."""

    def __init__(self, input_dim=2, hidden_dim=128, num_layers=1):
        super().__init__()
        self.lstm = nn.LSTM(input_dim, hidden_dim, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_dim, 1)

    def forward(self, x):
        """(B, T, 2) bits -> (B, T, 1) probabilities that each bit of the sum is 1."""
        out, _ = self.lstm(x)
        return torch.sigmoid(self.fc(out))
