"""Alternative correct solutions of lab9-rnn: each must score 100 %.

One numpy-first: windows by sliding_window_view, the split by scikit-learn's train_test_split without
shuffling, RNNModel without the manual's ReLU (accepted), a loss on y.view(-1, 1), the classifier
stepping its nn.RNN one letter at a time from an explicit zero state (the PyTorch tutorial's way), and
a CharRNN on one-hot inputs with itos a list. One torch-first with the names students use instead
(assignment.toml's aliases): create_sequences(data, window_size, n_samples), train_model(net,
train_loader, num_epochs, learning_rate), denormalise, letterToIndex, lineToTensor, class RNN(n_letters,
n_hidden, n_categories), build_vocabulary(corpus), predict_next_char(net, text, char2idx, idx2char).
"""

from __future__ import annotations

from pathlib import Path

from . import whole_module

_REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "lab9_rnn.py"

NUMPY_FIRST = '''
import string
import unicodedata

import numpy as np
import torch
import torch.nn as nn
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.model_selection import train_test_split
from torch.utils.data import Dataset

all_letters = string.ascii_letters + " .,;'"
n_letters = len(all_letters)


def make_windows(series, seq_len=10, n=None):
    y = np.asarray(series, dtype=float)
    X = sliding_window_view(y[:-1], seq_len)
    Y = y[seq_len:]
    if n is not None:
        X, Y = X[:n], Y[:n]
    return X, Y


def split_windows(X, Y, test_size=0.1):
    return train_test_split(X, Y, test_size=test_size, shuffle=False)


class NGTimeSeries(Dataset):
    """Windows kept as (n, 10, 1) float32, targets as (n,)."""

    def __init__(self, x, y):
        windows = np.asarray(x, dtype=np.float32)
        self.x = torch.from_numpy(windows[..., np.newaxis].copy())
        self.y = torch.from_numpy(np.asarray(y, dtype=np.float32).copy())

    def __getitem__(self, idx):
        return self.x[idx], self.y[idx]

    def __len__(self):
        return len(self.y)


class RNNModel(nn.Module):
    """No ReLU between the last hidden state and the Linear (accepted)."""

    def __init__(self):
        super().__init__()
        self.recurrent = nn.RNN(1, 5, batch_first=True)
        self.head = nn.Linear(5, 1)

    def forward(self, x):
        states = self.recurrent(x)[0]
        return self.head(states[:, x.shape[1] - 1])


def train(model, loader, epochs, lr):
    criterion = nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for i in range(epochs):
        for j, data in enumerate(loader):
            x, y = data
            y_pred = model(x.view(-1, 10, 1))
            loss = criterion(y_pred, y.view(-1, 1))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if i % 50 == 0:
            print(i, "th iteration : ", loss.item())


def denormalize(v, minm, maxm):
    return np.asarray(v) * (maxm - minm) + minm


def unicode_to_ascii(s):
    decomposed = unicodedata.normalize('NFD', s)
    return ''.join([ch for ch in decomposed if not unicodedata.combining(ch) and ch in all_letters])


def letter_to_index(letter):
    return {ch: k for k, ch in enumerate(all_letters)}[letter]


def line_to_tensor(line):
    codes = np.array([letter_to_index(ch) for ch in line])
    one_hot = np.zeros((len(line), 1, n_letters), dtype=np.float32)
    one_hot[np.arange(len(line)), 0, codes] = 1
    return torch.from_numpy(one_hot)


class NameRNN(nn.Module):
    def __init__(self, input_size=57, hidden_size=128, output_size=18):
        super().__init__()
        self.hidden_size = hidden_size
        self.rnn = nn.RNN(input_size, hidden_size)
        self.h2o = nn.Linear(hidden_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, line_tensor):
        hidden = torch.zeros(1, 1, self.hidden_size)
        for i in range(line_tensor.size(0)):
            output, hidden = self.rnn(line_tensor[i].unsqueeze(0), hidden)
        return self.softmax(self.h2o(hidden[0]))


def predict(model, name, categories):
    with torch.no_grad():
        output = model(line_to_tensor(name))
    topv, topi = output.topk(1, 1, True)
    return categories[topi[0][0].item()]


def build_vocab(text):
    itos = sorted(list(set(text)))
    stoi = {ch: i for i, ch in enumerate(itos)}
    return stoi, itos


class CharRNN(nn.Module):
    def __init__(self, vocab_size, hidden_size=32):
        super().__init__()
        self.vocab_size = vocab_size
        self.rnn = nn.RNN(vocab_size, hidden_size, batch_first=True)
        self.fc = nn.Linear(hidden_size, vocab_size)

    def forward(self, x):
        one_hot = torch.nn.functional.one_hot(x, self.vocab_size).float()
        out, _ = self.rnn(one_hot)
        return self.fc(out)


def predict_next(model, prefix, stoi, itos):
    x = torch.tensor([[stoi[ch] for ch in prefix]])
    with torch.no_grad():
        logits = model(x)
    probs = torch.softmax(logits[0, -1], dim=0).numpy()
    return itos[int(np.argmax(probs))]
'''

TORCH_FIRST_ALIASES = '''
import string
import unicodedata

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

all_letters = string.ascii_letters + " .,;'"
n_letters = 57


def create_sequences(data, window_size=10, n_samples=None):
    data = torch.as_tensor(np.asarray(data, dtype=np.float64))
    windows = data.unfold(0, window_size, 1)[:-1]
    targets = data[window_size:]
    if n_samples is not None:
        windows, targets = windows[:n_samples], targets[:n_samples]
    return windows.numpy(), targets.numpy()


def split_data(x, y, test_fraction=0.1):
    n_test = int(np.ceil(len(x) * test_fraction))
    return x[:len(x) - n_test], x[len(x) - n_test:], y[:len(y) - n_test], y[len(y) - n_test:]


class NGTimeSeries(torch.utils.data.Dataset):
    def __init__(self, X, Y):
        self.X = torch.from_numpy(np.asarray(X)).float().unsqueeze(-1)
        self.Y = torch.from_numpy(np.asarray(Y)).float()

    def __getitem__(self, index):
        return self.X[index], self.Y[index]

    def __len__(self):
        return self.X.shape[0]


class RNNModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(1, 5, 1, batch_first=True)
        self.fc = nn.Linear(5, 1)

    def forward(self, x):
        _, h_n = self.rnn(x)
        return self.fc(F.relu(h_n[-1]))


def train_model(net, train_loader, num_epochs, learning_rate):
    opt = torch.optim.Adam(net.parameters(), lr=learning_rate)
    losses = []
    for _ in range(num_epochs):
        for xb, yb in train_loader:
            opt.zero_grad()
            loss = F.mse_loss(net(xb).squeeze(1), yb)
            loss.backward()
            opt.step()
            losses.append(loss.item())
    return losses


def denormalise(x, min_val, max_val):
    return x * (max_val - min_val) + min_val


def unicodeToAscii(s):
    out = []
    for ch in unicodedata.normalize('NFKD', s):
        if not unicodedata.combining(ch) and ch in all_letters:
            out.append(ch)
    return ''.join(out)


def letterToIndex(c):
    return all_letters.index(c)


def lineToTensor(name):
    idx = torch.tensor([letterToIndex(c) for c in name])
    return F.one_hot(idx, num_classes=n_letters).float().view(len(name), 1, n_letters)


class RNN(nn.Module):
    def __init__(self, n_letters=57, n_hidden=128, n_categories=18):
        super().__init__()
        self.rnn = nn.RNN(n_letters, n_hidden, num_layers=1)
        self.fc = nn.Linear(n_hidden, n_categories)

    def forward(self, x):
        out, hidden = self.rnn(x)
        return F.log_softmax(self.fc(hidden.squeeze(0)), dim=-1)


def classify(net, surname, all_categories):
    net.eval()
    with torch.no_grad():
        return all_categories[net(lineToTensor(surname)).argmax().item()]


def build_vocabulary(corpus):
    chars = sorted(set(corpus))
    return dict(zip(chars, range(len(chars)))), dict(enumerate(chars))


class CharRNN(nn.Module):
    def __init__(self, n_vocab, n_hidden=64):
        super().__init__()
        self.emb = nn.Embedding(n_vocab, 8)
        self.rnn = nn.RNN(8, n_hidden, batch_first=True)
        self.out = nn.Linear(n_hidden, n_vocab)

    def forward(self, x):
        h, _ = self.rnn(self.emb(x))
        return self.out(h)


def predict_next_char(net, text, char2idx, idx2char):
    net.eval()
    x = torch.tensor([char2idx[c] for c in text]).unsqueeze(0)
    with torch.no_grad():
        return idx2char[net(x)[:, -1, :].argmax(dim=-1).item()]
'''

ALTERNATIVES = [
    whole_module(_REFERENCE, "numpy_first", NUMPY_FIRST, "sliding_window_view, sklearn's split, no ReLU, a "
                 "classifier stepped one letter at a time, one-hot characters, itos a list"),
    whole_module(_REFERENCE, "torch_first_aliases", TORCH_FIRST_ALIASES, "Tensor.unfold windows, h_n of the RNN, "
                 "F.one_hot letters, and the names students use (create_sequences, train_model, RNN, classify, ...)"),
]
