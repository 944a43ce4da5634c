"""Alternative correct solutions of seq-models: each must score 100 %.

They are written differently from the reference on purpose, so that the suite is shown to accept
what is right rather than what looks like the reference: one batched (x @ W.T, accepting (B, I) as
well as (I,)), one computing in float32, and one in the style of the students' own submissions
((1, H) biases and row-vector states, stacked gate matrices, their names for things).
"""

from __future__ import annotations

from pathlib import Path

from . import whole_module

_REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "seq_models.py"

# Shared by the batched and float32 alternatives: a generator written with numpy, then tensors.
_NUMPY_DATA = '''
import numpy as np


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
'''

BATCHED = _NUMPY_DATA + '''

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
'''

# The batched module with float32 parameters; inputs and targets are cast to the model's dtype.
FLOAT32 = (BATCHED
           .replace("dtype=torch.float64) * 0.3", "dtype=torch.float32) * 0.3")
           .replace("    def forward(self, x_t, h_t_minus_1):\n",
                    "    def forward(self, x_t, h_t_minus_1):\n"
                    "        x_t, h_t_minus_1 = x_t.float(), h_t_minus_1.float()\n")
           .replace("        h, c = hc\n", "        x, h, c = x.float(), hc[0].float(), hc[1].float()\n")
           .replace("    def forward(self, x, h_t):\n", "    def forward(self, x, h_t):\n"
                    "        x, h_t = x.float(), h_t.float()\n")
           .replace("loss = loss_function(out, y)", "loss = loss_function(out, y.float())"))

# Row vectors and (1, H) biases as most students wrote them, gates from one stacked matrix, the
# students' own names (W_yh, W_xc, b_c, W_out), aliased in assignment.toml.
ROW_VECTORS = '''
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
'''

# Float32 parameters, and the casting done once, in fit, where the float64 data comes in: the cells
# themselves take what they are given (the grader feeds a float32 cell float32 steps).
FLOAT32_CAST_IN_FIT = (BATCHED
                       .replace("dtype=torch.float64) * 0.3", "dtype=torch.float32) * 0.3")
                       .replace("h = torch.zeros(model.hidden_size, dtype=torch.float64)",
                                "h = torch.zeros(model.hidden_size, dtype=torch.float32)")
                       .replace("out, state = model(x[t], state)", "out, state = model(x[t].float(), state)")
                       .replace("loss = loss_function(out, y)", "loss = loss_function(out, y.float())"))
assert FLOAT32_CAST_IN_FIT.count(".float()") == 2

ALTERNATIVES = [
    whole_module(_REFERENCE, "batched_x_at_w_transpose", BATCHED,
                 "cells that accept (B, I) or (I,) inputs, written as x @ W.T; numpy data generator"),
    whole_module(_REFERENCE, "float32_cells", FLOAT32, "the batched cells with float32 parameters"),
    whole_module(_REFERENCE, "float32_cells_cast_in_fit", FLOAT32_CAST_IN_FIT,
                 "float32 cells that take their inputs as given; fit casts the float64 data"),
    whole_module(_REFERENCE, "row_vectors_stacked_gates", ROW_VECTORS,
                 "(1, H) biases and states, gates from stacked matrices, the students' names for things"),
]
