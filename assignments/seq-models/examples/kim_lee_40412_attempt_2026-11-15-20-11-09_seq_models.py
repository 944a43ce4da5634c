"""Question 7: the addition problem with RNN, LSTM and GRU cells written by hand."""

from collections import OrderedDict

import torch
from torch import nn


def generate_data(num_samples):
    X = []
    Y = []
    for i in range(num_samples):
        L = torch.randint(3, 10, (1,)).item()
        x = torch.rand((L, 2), dtype=torch.float64)
        x[:, 1] = 0
        idx = torch.randperm(L)[:2]
        x[idx, 1] = 1
        X.append(x)
        Y.append(torch.sum(x[idx, 0]).view(1))
    return X, Y


def init_weights(*shape):
    w = torch.empty(*shape, dtype=torch.float64)
    nn.init.xavier_uniform_(w)
    return nn.Parameter(w)


def init_bias(n):
    return nn.Parameter(torch.zeros(1, n, dtype=torch.float64))


class RecurrentNeuralNetwork(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.hidden_size = hidden_size
        self.W_xh = init_weights(hidden_size, input_size)
        self.W_hh = init_weights(hidden_size, hidden_size)
        self.W_yh = init_weights(output_size, hidden_size)
        self.b_h = init_bias(hidden_size)
        self.b_y = init_bias(output_size)

    def forward(self, x, h):
        xh = torch.cat([x.view(1, -1), h.view(1, -1)], dim=1)
        h = torch.tanh(xh @ torch.cat([self.W_xh, self.W_hh], dim=1).T + self.b_h)
        return h @ self.W_yh.T + self.b_y, h


class CustomLSTM(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.hidden_size = hidden_size
        self.W_xi, self.W_xf, self.W_xc, self.W_xo = (init_weights(hidden_size, input_size) for _ in range(4))
        self.W_hi, self.W_hf, self.W_hc, self.W_ho = (init_weights(hidden_size, hidden_size) for _ in range(4))
        self.b_i, self.b_f, self.b_c, self.b_o = (init_bias(hidden_size) for _ in range(4))
        self.W_out = init_weights(output_size, hidden_size)
        self.b_out = init_bias(output_size)

    def forward(self, x, hidden):
        h, c = hidden[0].view(1, -1), hidden[1].view(1, -1)
        W_x = torch.cat([self.W_xi, self.W_xf, self.W_xc, self.W_xo])
        W_h = torch.cat([self.W_hi, self.W_hf, self.W_hc, self.W_ho])
        b = torch.cat([self.b_i, self.b_f, self.b_c, self.b_o], dim=1)
        gates = x.view(1, -1) @ W_x.T + h @ W_h.T + b
        i, f, g, o = gates.chunk(4, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        return h @ self.W_out.T + self.b_out, (h, c)


class CustomGRU(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.hidden_size = hidden_size
        self.W_xr, self.W_xz, self.W_xh = (init_weights(hidden_size, input_size) for _ in range(3))
        self.W_hr, self.W_hz, self.W_hh = (init_weights(hidden_size, hidden_size) for _ in range(3))
        self.b_r, self.b_z, self.b_h = (init_bias(hidden_size) for _ in range(3))
        self.W_out = init_weights(output_size, hidden_size)
        self.b_out = init_bias(output_size)

    def forward(self, x, h):
        x, h = x.view(1, -1), h.view(1, -1)
        hx = torch.cat([h, x], dim=1)
        r = torch.sigmoid(hx @ torch.cat([self.W_hr, self.W_xr], dim=1).T + self.b_r)
        z = torch.sigmoid(hx @ torch.cat([self.W_hz, self.W_xz], dim=1).T + self.b_z)
        rhx = torch.cat([r * h, x], dim=1)
        h_tilde = torch.tanh(rhx @ torch.cat([self.W_hh, self.W_xh], dim=1).T + self.b_h)
        h = (1 - z) * h + z * h_tilde
        return h @ self.W_out.T + self.b_out, h


def fit_RNN(optimizer, loss_fn, model, X, Y, epochs=8):
    epoch_loss = OrderedDict()
    for epoch in range(1, epochs + 1):
        total = 0
        for i in range(len(X)):
            h = torch.zeros(1, model.hidden_size, dtype=torch.float64)
            for t in range(len(X[i])):
                y_pred, h = model(X[i][t], h)
            loss = loss_fn(y_pred.view(-1), Y[i])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
        epoch_loss[epoch] = total / len(X)
    return epoch_loss


def fit_LSTM(optimizer, loss_fn, model, X, Y, epochs=8):
    epoch_loss = OrderedDict()
    for epoch in range(1, epochs + 1):
        total = 0
        for i in range(len(X)):
            hc = (torch.zeros(1, model.hidden_size, dtype=torch.float64),
                  torch.zeros(1, model.hidden_size, dtype=torch.float64))
            for t in range(len(X[i])):
                y_pred, hc = model(X[i][t], hc)
            loss = loss_fn(y_pred.view(-1), Y[i])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
        epoch_loss[epoch] = total / len(X)
    return epoch_loss


def fit_GRU(optimizer, loss_fn, model, X, Y, epochs=8):
    epoch_loss = OrderedDict()
    for epoch in range(1, epochs + 1):
        total = 0
        for i in range(len(X)):
            h = torch.zeros(1, model.hidden_size, dtype=torch.float64)
            for t in range(len(X[i])):
                y_pred, h = model(X[i][t], h)
            loss = loss_fn(y_pred.view(-1), Y[i])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
        epoch_loss[epoch] = total / len(X)
    return epoch_loss
