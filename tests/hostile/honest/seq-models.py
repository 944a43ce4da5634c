"""Honest seq-models solution the hostile cases are built on (from tests/variants/seq_models_alternatives.py):
every case replaces one or two of these definitions with an attack; this file alone scores 100 %."""

from collections import OrderedDict

import numpy as np
import torch
from torch import nn


def generate_data(num_samples):
    X, Y = [], []
    for _ in range(num_samples):
        L = np.random.randint(3, 10)
        seq = np.zeros((L, 2))
        seq[:, 0] = np.random.rand(L)
        first, second = np.random.choice(L, size=2, replace=False)
        seq[[first, second], 1] = 1
        X.append(torch.tensor(seq))
        Y.append(torch.tensor([seq[first, 0] + seq[second, 0]]))
    return X, Y


def _param(*shape):
    return nn.Parameter(torch.randn(*shape, dtype=torch.float64) * 0.3)


class RecurrentNeuralNetwork(nn.Module):
    """Works on one vector (I,) or a batch (B, I): every product is x @ W.T."""

    def __init__(self, size_of_input, hidden_size, size_of_output):
        super().__init__()
        self.hidden_size = hidden_size
        self.W_xh, self.W_hh, self.W_hy = _param(hidden_size, size_of_input), _param(hidden_size, hidden_size), _param(size_of_output, hidden_size)
        self.b_h, self.b_y = _param(hidden_size), _param(size_of_output)

    def forward(self, x_t, h_t_minus_1):
        h = torch.tanh(x_t @ self.W_xh.T + h_t_minus_1 @ self.W_hh.T + self.b_h)
        return h @ self.W_hy.T + self.b_y, h


class CustomLSTM(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.hidden_size = hidden_size
        for g in ("i", "f", "o"):
            setattr(self, "W_x" + g, _param(hidden_size, input_size))
            setattr(self, "W_h" + g, _param(hidden_size, hidden_size))
            setattr(self, "b_" + g, _param(hidden_size))
        self.W_x_c_tilda, self.W_h_c_tilda, self.b_c_tilda = _param(hidden_size, input_size), _param(hidden_size, hidden_size), _param(hidden_size)
        self.Wout, self.bout = _param(output_size, hidden_size), _param(output_size)

    def _gate(self, x, h, g):
        return x @ getattr(self, "W_x" + g).T + h @ getattr(self, "W_h" + g).T + getattr(self, "b_" + g.lstrip("_"))

    def forward(self, x, hc):
        h, c = hc
        i, f, o = (torch.sigmoid(self._gate(x, h, g)) for g in ("i", "f", "o"))
        c = f * c + i * torch.tanh(self._gate(x, h, "_c_tilda"))
        h = o * torch.tanh(c)
        return h @ self.Wout.T + self.bout, (h, c)


class CustomGRU(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.hidden_size = hidden_size
        for g in ("r", "z", "h"):
            setattr(self, "W_x" + g, _param(hidden_size, input_size))
            setattr(self, "W_h" + g, _param(hidden_size, hidden_size))
            setattr(self, "b_" + g, _param(hidden_size))
        self.Wout, self.bout = _param(output_size, hidden_size), _param(output_size)

    def forward(self, x, h_t):
        z = torch.sigmoid(x @ self.W_xz.T + h_t @ self.W_hz.T + self.b_z)
        r = torch.sigmoid(x @ self.W_xr.T + h_t @ self.W_hr.T + self.b_r)
        h_hat = torch.tanh(x @ self.W_xh.T + (r * h_t) @ self.W_hh.T + self.b_h)
        h_t = h_t + z * (h_hat - h_t)
        return h_t @ self.Wout.T + self.bout, h_t


def _train(opt, loss_function, model, X_train, Y_train, epochs, two_states):
    losses = OrderedDict()
    for epoch in range(epochs):
        running = []
        for x, y in zip(X_train, Y_train):
            h = torch.zeros(model.hidden_size, dtype=torch.float64)
            state = (h, h.clone()) if two_states else h
            for t in range(x.shape[0]):
                out, state = model(x[t], state)
            opt.zero_grad()
            loss = loss_function(out, y)
            loss.backward()
            opt.step()
            running.append(loss.item())
        losses[epoch + 1] = sum(running) / len(running)
    return losses


def fit_RNN(opt, loss_function, rnn_model, X_train, Y_train, epochs=8):
    return _train(opt, loss_function, rnn_model, X_train, Y_train, epochs, False)


def fit_LSTM(opt, loss_function, lstm_model, X_train, Y_train, epochs=8):
    return _train(opt, loss_function, lstm_model, X_train, Y_train, epochs, True)


def fit_GRU(opt, loss_function, gru_model, X_train, Y_train, epochs=8):
    return _train(opt, loss_function, gru_model, X_train, Y_train, epochs, False)
