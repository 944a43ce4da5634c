"""Reference solutions of lab10-lstm: Lab 10 of the lab manual, Lab 9's three tasks with nn.LSTM.

E1: the last ``seq_len`` days of a price series predict the next one (make_windows, split_windows,
NGTimeSeries, train, denormalize), with LSTMModel = nn.LSTM(1, 5) + Linear(5, 1): 166 parameters.
E2: a surname classifier (unicode_to_ascii, letter_to_index, line_to_tensor, NameLSTM, predict).
E3: a next-character predictor (build_vocab, CharLSTM, predict_next). Optional: one LSTM step from
the gate equations with torch's weight layout, gates stacked (i, f, g, o) (lstm_step).
"""

from __future__ import annotations

import string
import unicodedata

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

all_letters = string.ascii_letters + " .,;'"
n_letters = len(all_letters)   # 57


# --- E1 -------------------------------------------------------------------------------------------------
def make_windows(series, seq_len=10, n=None):
    """(X, Y): X[i] = series[i:i + seq_len], Y[i] = series[i + seq_len], i < n (default: every window)."""
    values = np.asarray(series, dtype=np.float64).ravel()
    n = len(values) - seq_len if n is None else n
    index = np.arange(n)[:, None] + np.arange(seq_len)[None, :]
    return values[index], values[index[:, -1] + 1]


def split_windows(X, Y, test_size=0.1):
    """The last ceil(test_size * n) windows are the test set, the rest (first) the training set."""
    n_train = len(X) - int(np.ceil(test_size * len(X)))
    return X[:n_train], X[n_train:], Y[:n_train], Y[n_train:]


class NGTimeSeries(torch.utils.data.Dataset):
    """Item i: (window i as a float32 (seq_len, 1) tensor, its target as a float32 scalar tensor)."""

    def __init__(self, x, y):
        self.x = torch.as_tensor(np.asarray(x, dtype=np.float32))
        self.y = torch.as_tensor(np.asarray(y, dtype=np.float32))

    def __len__(self):
        return len(self.x)

    def __getitem__(self, idx):
        return self.x[idx][:, None], self.y[idx]


class LSTMModel(nn.Module):
    """nn.LSTM(1, 5, batch_first=True), ReLU of the last step, Linear(5, 1): (B, T, 1) -> (B, 1)."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(input_size=1, hidden_size=5, num_layers=1, batch_first=True)
        self.fc1 = nn.Linear(5, 1)

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        return self.fc1(F.relu(h_n[-1]))


def train(model, loader, epochs, lr):
    """For each batch (x, y): zero the gradients, MSE of model(x) against y, backward, an Adam(lr) step."""
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for _ in range(epochs):
        total = 0.0
        for x, y in loader:
            optimizer.zero_grad()
            loss = F.mse_loss(model(x).squeeze(-1), y.view(-1))
            loss.backward()
            optimizer.step()
            total += loss.item()
        history.append(total)
    return history


def denormalize(v, minm, maxm):
    """min-max scaling undone: minm + v (maxm - minm)."""
    return minm + (maxm - minm) * v


# --- E2 -------------------------------------------------------------------------------------------------
def unicode_to_ascii(s):
    """'Ślusàrski' -> 'Slusarski': NFD, combining marks dropped, only all_letters kept."""
    decomposed = unicodedata.normalize("NFD", s)
    return "".join(ch for ch in decomposed if ch in all_letters and not unicodedata.combining(ch))


def letter_to_index(letter):
    """all_letters.index(letter): 'a' -> 0, 'J' -> 35."""
    return all_letters.index(letter)


def line_to_tensor(line):
    """(len(line), 1, 57) one-hot rows."""
    index = torch.tensor([letter_to_index(c) for c in line], dtype=torch.long)
    return F.one_hot(index, n_letters).float().unsqueeze(1)


class NameLSTM(nn.Module):
    """An nn.LSTM reads the letters (L, 1, input_size); Linear + log_softmax of the last hidden state."""

    def __init__(self, input_size=57, hidden_size=128, output_size=18):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size)
        self.h2o = nn.Linear(hidden_size, output_size)

    def forward(self, line_tensor):
        _, (h_n, _) = self.lstm(line_tensor)
        return F.log_softmax(self.h2o(h_n[-1]), dim=1)


def predict(model, name, categories):
    """categories[argmax model(line_to_tensor(name))]."""
    model.eval()
    with torch.no_grad():
        scores = model(line_to_tensor(name))
    return categories[scores.argmax(dim=1).item()]


# --- E3 -------------------------------------------------------------------------------------------------
def build_vocab(text):
    """(stoi, itos) with itos a list: itos[stoi[c]] == c, characters in sorted order."""
    itos = sorted(set(text))
    return {c: i for i, c in enumerate(itos)}, itos


class CharLSTM(nn.Module):
    """One-hot characters into nn.LSTM(vocab_size, hidden_size, batch_first=True), Linear to logits."""

    def __init__(self, vocab_size, hidden_size=32):
        super().__init__()
        self.vocab_size = vocab_size
        self.lstm = nn.LSTM(vocab_size, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, x):
        hidden, _ = self.lstm(F.one_hot(x.long(), self.vocab_size).float())
        return self.head(hidden)


def predict_next(model, prefix, stoi, itos):
    """itos[argmax of the logits after the last character of prefix]."""
    model.eval()
    with torch.no_grad():
        logits = model(torch.tensor([[stoi[c] for c in prefix]], dtype=torch.long))
    return itos[logits[0, -1].argmax().item()]


# --- optional: one LSTM step by hand -------------------------------------------------------------------------
def lstm_step(x, h, c, weight_ih, weight_hh, bias_ih, bias_hh):
    """(h', c') of nn.LSTM's cell: gates = x W_ih^T + b_ih + h W_hh^T + b_hh, chunked (i, f, g, o);
    c' = sigmoid(f) c + sigmoid(i) tanh(g), h' = sigmoid(o) tanh(c')."""
    gates = x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh
    i, f, g, o = gates.chunk(4, dim=-1)
    c_next = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c_next), c_next
