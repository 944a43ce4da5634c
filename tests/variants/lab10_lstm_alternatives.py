"""Alternative correct solutions of lab10-lstm: each must score 100 %.

One in the manual's style: a for loop over range(n) for the windows, train_test_split without
shuffling, LSTMModel taking output[:, -1, :] with the ReLU, its __init__ calling super(LSTMModel,
self) (the manual's line, corrected), the classifier with a tutorial-style LogSoftmax module, and the
LSTM step as four separate gate matrices sliced out of weight_ih. One numpy-first with the names
students use (assignment.toml's aliases): create_dataset(values, lookback), no ReLU before the Linear,
an LSTM classifier class called LSTM, the vocabulary dicts char2idx / idx2char, and lstm_cell in numpy.
"""

from __future__ import annotations

from pathlib import Path

from . import whole_module

_REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "lab10_lstm.py"

MANUALS_STYLE = '''
import string
import unicodedata

import numpy as np
import torch
import torch.nn as nn
from sklearn.model_selection import train_test_split
from torch.utils.data import Dataset

all_letters = string.ascii_letters + " .,;'"
n_letters = len(all_letters)


def make_windows(series, seq_len=10, n=None):
    if n is None:
        n = len(series) - seq_len
    X = np.zeros((n, seq_len))
    Y = np.zeros(n)
    for i in range(0, n):
        X[i] = series[i:i + seq_len]
        j = i + seq_len - 1
        Y[i] = series[j + 1]
    return X, Y


def split_windows(X, Y, test_size=0.1):
    return train_test_split(X, Y, test_size=test_size, shuffle=False)


class NGTimeSeries(Dataset):
    def __init__(self, x, y):
        super().__init__()
        self.x = torch.FloatTensor(x)
        self.y = torch.FloatTensor(y)

    def __len__(self):
        return self.x.size(0)

    def __getitem__(self, idx):
        window = self.x[idx]
        return window.view(window.size(0), 1), self.y[idx]


class LSTMModel(nn.Module):
    def __init__(self):
        super(LSTMModel, self).__init__()
        self.lstm = nn.LSTM(input_size=1, hidden_size=5, num_layers=1, batch_first=True)
        self.fc1 = nn.Linear(in_features=5, out_features=1)

    def forward(self, x):
        output, (hn, cn) = self.lstm(x)
        output = output[:, -1, :]
        output = self.fc1(torch.relu(output))
        return output


def train(model, loader, epochs, lr):
    criterion = torch.nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for i in range(epochs):
        for j, data in enumerate(loader):
            optimizer.zero_grad()
            y_pred = model(data[0].view(-1, 10, 1)).reshape(-1)
            loss = criterion(y_pred, data[1])
            loss.backward()
            optimizer.step()


def denormalize(v, minm, maxm):
    return v * (maxm - minm) + minm


def unicode_to_ascii(s):
    plain = unicodedata.normalize('NFKD', s).encode('ascii', 'ignore').decode('ascii')
    return ''.join(filter(all_letters.__contains__, plain))


def letter_to_index(letter):
    for position, candidate in enumerate(all_letters):
        if candidate == letter:
            return position
    return -1


def line_to_tensor(line):
    return torch.eye(n_letters)[[letter_to_index(ch) for ch in line]].unsqueeze(1)


class NameLSTM(nn.Module):
    def __init__(self, input_size=57, hidden_size=128, output_size=18):
        super(NameLSTM, self).__init__()
        self.lstm = nn.LSTM(input_size=input_size, hidden_size=hidden_size, num_layers=1)
        self.fc = nn.Linear(hidden_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, line_tensor):
        output, (hidden, cell) = self.lstm(line_tensor)
        last = output[line_tensor.shape[0] - 1]
        return self.softmax(self.fc(last))


def predict(model, name, categories):
    with torch.no_grad():
        guess = model(line_to_tensor(name))[0]
    best = max(range(len(categories)), key=lambda k: guess[k].item())
    return categories[best]


def build_vocab(text):
    chars = sorted(list(set(text)))
    stoi = {ch: i for i, ch in enumerate(chars)}
    itos = {i: ch for i, ch in enumerate(chars)}
    return stoi, itos


class CharLSTM(nn.Module):
    def __init__(self, vocab_size, hidden_size=32):
        super(CharLSTM, self).__init__()
        self.embedding = nn.Embedding(vocab_size, 16)
        self.lstm = nn.LSTM(16, hidden_size, batch_first=True)
        self.fc = nn.Linear(hidden_size, vocab_size)

    def forward(self, x):
        out, _ = self.lstm(self.embedding(x))
        return self.fc(out)


def predict_next(model, prefix, stoi, itos):
    with torch.no_grad():
        out = model(torch.tensor([[stoi[c] for c in prefix]]))
    return itos[torch.argmax(out[0, -1]).item()]


def lstm_step(x, h, c, weight_ih, weight_hh, bias_ih, bias_hh):
    H = h.shape[1]
    W_ii, W_if, W_ig, W_io = weight_ih[:H], weight_ih[H:2 * H], weight_ih[2 * H:3 * H], weight_ih[3 * H:]
    W_hi, W_hf, W_hg, W_ho = weight_hh[:H], weight_hh[H:2 * H], weight_hh[2 * H:3 * H], weight_hh[3 * H:]
    b = bias_ih + bias_hh
    i_t = torch.sigmoid(x @ W_ii.T + h @ W_hi.T + b[:H])
    f_t = torch.sigmoid(x @ W_if.T + h @ W_hf.T + b[H:2 * H])
    g_t = torch.tanh(x @ W_ig.T + h @ W_hg.T + b[2 * H:3 * H])
    o_t = torch.sigmoid(x @ W_io.T + h @ W_ho.T + b[3 * H:])
    c_t = f_t * c + i_t * g_t
    h_t = o_t * torch.tanh(c_t)
    return h_t, c_t
'''

NUMPY_FIRST_ALIASES = '''
import string
import unicodedata

import numpy as np
import torch
from torch import nn

all_letters = string.ascii_letters + " .,;'"
n_letters = 57


def create_dataset(values, lookback=10, limit=None):
    values = np.asarray(values, dtype=float)
    idx = np.arange(len(values) - lookback)
    if limit is not None:
        idx = idx[:limit]
    return np.array([values[i:i + lookback] for i in idx]), values[idx + lookback]


def split_series(inputs, targets, test_ratio=0.1):
    cut = len(inputs) - int(np.ceil(test_ratio * len(inputs)))
    return inputs[:cut], inputs[cut:], targets[:cut], targets[cut:]


class NGTimeSeries(torch.utils.data.Dataset):
    def __init__(self, data, labels):
        self.data = torch.FloatTensor(np.asarray(data)).reshape(len(data), -1, 1)
        self.labels = torch.FloatTensor(np.asarray(labels))

    def __getitem__(self, i):
        return self.data[i], self.labels[i]

    def __len__(self):
        return len(self.labels)


class LSTMModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(1, 5, batch_first=True)
        self.linear = nn.Linear(5, 1)

    def forward(self, x):
        out, (h, c) = self.rnn(x)
        return self.linear(h[0])


def fit(net, dataloader, n_epochs, learning_rate):
    optimizer = torch.optim.Adam(net.parameters(), lr=learning_rate)
    loss_fn = nn.MSELoss(reduction="mean")
    for epoch in range(n_epochs):
        for inputs, targets in dataloader:
            net.zero_grad()
            loss = loss_fn(net(inputs)[:, 0], targets)
            loss.backward()
            optimizer.step()
    return net


def denorm(x, mn, mx):
    return (mx - mn) * np.asarray(x) + mn


def to_ascii(name):
    return "".join(ch for ch in unicodedata.normalize("NFD", name) if ch in all_letters)


def char_to_index(ch):
    return all_letters.index(ch)


def name_to_tensor(word):
    rows = np.zeros((len(word), 1, n_letters), dtype=np.float32)
    rows[np.arange(len(word)), 0, [char_to_index(ch) for ch in word]] = 1.0
    return torch.from_numpy(rows)


class LSTM(nn.Module):
    def __init__(self, n_input=57, n_hidden=64, n_output=18):
        super().__init__()
        self.lstm = nn.LSTM(n_input, n_hidden)
        self.out = nn.Linear(n_hidden, n_output)

    def forward(self, input):
        _, (h, _) = self.lstm(input)
        return torch.log_softmax(self.out(h[0]), dim=1)


def classify(rnn, surname, languages):
    with torch.no_grad():
        scores = rnn(name_to_tensor(surname)).numpy()[0]
    return languages[int(np.argmax(scores))]


def make_vocab(corpus):
    chars = sorted(set(corpus))
    char2idx = {ch: k for k, ch in enumerate(chars)}
    idx2char = {k: ch for ch, k in char2idx.items()}
    return char2idx, idx2char


class CharLSTM(nn.Module):
    def __init__(self, n_chars, n_hidden=32):
        super().__init__()
        self.n_chars = n_chars
        self.lstm = nn.LSTM(n_chars, n_hidden, batch_first=True)
        self.decoder = nn.Linear(n_hidden, n_chars)

    def forward(self, x):
        onehot = torch.eye(self.n_chars)[x]
        out, _ = self.lstm(onehot)
        return self.decoder(out)


def next_char(net, text, char2idx, idx2char):
    codes = torch.LongTensor([[char2idx[ch] for ch in text]])
    with torch.no_grad():
        logits = net(codes)[0, -1].numpy()
    return idx2char[int(logits.argmax())]


def lstm_cell(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    x, h_prev, c_prev = (np.asarray(a, dtype=np.float64) for a in (x, h_prev, c_prev))
    z = x @ np.asarray(W_ih).T + np.asarray(b_ih) + h_prev @ np.asarray(W_hh).T + np.asarray(b_hh)
    H = h_prev.shape[1]
    sig = lambda a: 1.0 / (1.0 + np.exp(-a))
    i, f, g, o = sig(z[:, :H]), sig(z[:, H:2 * H]), np.tanh(z[:, 2 * H:3 * H]), sig(z[:, 3 * H:])
    c = f * c_prev + i * g
    return o * np.tanh(c), c
'''

ALTERNATIVES = [
    whole_module(_REFERENCE, "manuals_style", MANUALS_STYLE, "the manual's loops and names, super(LSTMModel, self), "
                 "sklearn's split, the gates sliced out of the weights one by one"),
    whole_module(_REFERENCE, "numpy_first_aliases", NUMPY_FIRST_ALIASES, "numpy windows and cell, no ReLU, h of the "
                 "LSTM, and the names students use (create_dataset, fit, denorm, LSTM, classify, next_char, lstm_cell)"),
]
