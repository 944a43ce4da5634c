"""Reference solutions of lab9-rnn: Lab 9 of the lab manual (recurrent networks with nn.RNN).

E1: a price series cut into windows of ``seq_len`` days that predict the next day (make_windows), the
windows split in order (split_windows), a Dataset of them (NGTimeSeries), RNNModel = nn.RNN(1, 5) +
Linear(5, 1) (46 parameters), its training loop (train) and min-max denormalisation (denormalize).
E2: a surname classifier over one-hot letters (unicode_to_ascii, letter_to_index, line_to_tensor,
NameRNN, predict). E3: a next-character predictor (build_vocab, CharRNN, predict_next).
"""

from __future__ import annotations

import math
import string
import unicodedata

import numpy as np
import torch
from torch import nn

all_letters = string.ascii_letters + " .,;'"
n_letters = len(all_letters)   # 57


# --- E1: the price series ------------------------------------------------------------------------------
def make_windows(series, seq_len=10, n=None):
    """X[i] = series[i:i + seq_len], Y[i] = series[i + seq_len] (the day after the window), for the first
    ``n`` windows (all len(series) - seq_len of them when n is None). Returns float arrays (n, seq_len), (n,)."""
    y = np.asarray(series, dtype=np.float64).reshape(-1)
    count = len(y) - seq_len if n is None else n
    X = np.stack([y[i:i + seq_len] for i in range(count)]) if count > 0 else np.zeros((0, seq_len))
    return X, y[seq_len:seq_len + count].copy()


def split_windows(X, Y, test_size=0.1):
    """(X_train, X_test, Y_train, Y_test): the first windows for training, the last ceil(test_size * n)
    for testing, in order (train_test_split(..., shuffle=False))."""
    n_test = math.ceil(test_size * len(X))
    cut = len(X) - n_test
    return X[:cut], X[cut:], Y[:cut], Y[cut:]


class NGTimeSeries(torch.utils.data.Dataset):
    """Windows X (n, seq_len) and targets Y (n,) as a Dataset: item i is (x (seq_len, 1), y ()) in float32."""

    def __init__(self, x, y):
        self.x = torch.tensor(np.asarray(x), dtype=torch.float32)
        self.y = torch.tensor(np.asarray(y), dtype=torch.float32)
        self.len = self.x.shape[0]

    def __getitem__(self, idx):
        return self.x[idx].unsqueeze(-1), self.y[idx]

    def __len__(self):
        return self.len


class RNNModel(nn.Module):
    """nn.RNN(1, 5, batch_first=True); the last step's hidden state through ReLU and Linear(5, 1).
    x (B, T, 1) -> (B, 1)."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(input_size=1, hidden_size=5, num_layers=1, batch_first=True)
        self.fc1 = nn.Linear(5, 1)

    def forward(self, x):
        output, _ = self.rnn(x)
        return self.fc1(torch.relu(output[:, -1, :]))


def train(model, loader, epochs, lr):
    """Adam(lr) on the mean squared error of model(x) (B, 1) against y (B,), one step per batch of
    ``loader`` ((x, y) pairs), zeroing the gradients before each. Returns each epoch's last loss."""
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    criterion = nn.MSELoss()
    losses = []
    for _ in range(epochs):
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = criterion(model(xb).reshape(-1), yb.reshape(-1))
            loss.backward()
            optimizer.step()
        losses.append(loss.item())
    return losses


def denormalize(v, minm, maxm):
    """The inverse of min-max scaling (y - minm) / (maxm - minm)."""
    return v * (maxm - minm) + minm


# --- E2: the surname classifier ----------------------------------------------------------------------------
def unicode_to_ascii(s):
    """Drop accents and every character not in all_letters: 'Ślusàrski' -> 'Slusarski'."""
    return "".join(c for c in unicodedata.normalize("NFD", s)
                   if unicodedata.category(c) != "Mn" and c in all_letters)


def letter_to_index(letter):
    """The position of ``letter`` in all_letters: 'a' -> 0, 'J' -> 35."""
    return all_letters.find(letter)


def line_to_tensor(line):
    """One one-hot row per letter: (len(line), 1, n_letters)."""
    tensor = torch.zeros(len(line), 1, n_letters)
    for i, letter in enumerate(line):
        tensor[i][0][letter_to_index(letter)] = 1
    return tensor


class NameRNN(nn.Module):
    """nn.RNN over a line tensor (L, 1, input_size); the last hidden state through Linear and log_softmax:
    (1, output_size) log-probabilities."""

    def __init__(self, input_size=57, hidden_size=128, output_size=18):
        super().__init__()
        self.rnn = nn.RNN(input_size, hidden_size)
        self.out = nn.Linear(hidden_size, output_size)

    def forward(self, line_tensor):
        output, _ = self.rnn(line_tensor)
        return torch.log_softmax(self.out(output[-1]), dim=1)


def predict(model, name, categories):
    """The category whose log-probability model(line_to_tensor(name)) is highest."""
    with torch.no_grad():
        return categories[int(model(line_to_tensor(name)).argmax())]


# --- E3: the next-character predictor -------------------------------------------------------------------
def build_vocab(text):
    """stoi {char: index} and itos {index: char} over the sorted distinct characters of ``text``."""
    chars = sorted(set(text))
    return {c: i for i, c in enumerate(chars)}, {i: c for i, c in enumerate(chars)}


class CharRNN(nn.Module):
    """Embedding(vocab_size, hidden_size), nn.RNN, Linear back to the vocabulary: (B, T) indices ->
    (B, T, vocab_size) logits of the next character at every step."""

    def __init__(self, vocab_size, hidden_size=32):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, hidden_size)
        self.rnn = nn.RNN(hidden_size, hidden_size, batch_first=True)
        self.fc = nn.Linear(hidden_size, vocab_size)

    def forward(self, x):
        output, _ = self.rnn(self.embed(x))
        return self.fc(output)


def predict_next(model, prefix, stoi, itos):
    """The most likely character after ``prefix``: the argmax of the logits at its last step."""
    x = torch.tensor([[stoi[c] for c in prefix]])
    with torch.no_grad():
        return itos[int(model(x)[0, -1].argmax())]
