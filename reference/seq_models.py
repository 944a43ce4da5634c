"""Reference for seq-models: the addition problem solved with hand-written recurrent cells.

Each sample is a sequence of L steps (3 <= L <= 9) of two features: a value in [0, 1) and a marker
that is 1 at exactly two distinct steps. The target is the sum of the two marked values. The cells
are nn.Modules with float64 parameters, stepped one time step at a time on unbatched vectors:
x_t is (I,), states are (H,), outputs (O,). Outputs are linear, since this is a regression.

The ``fit_*`` functions train on one sample per optimizer step: zero initial state, feed the L
steps, take the loss of the final output against the target, backpropagate, step. They return an
OrderedDict {epoch (1-based): mean loss over the samples of that epoch}.
"""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn


def generate_data(num_samples):
    """``num_samples`` addition problems: lists X of (L, 2) and Y of (1,) float64 tensors."""
    X, Y = [], []
    for _ in range(num_samples):
        length = int(torch.randint(3, 10, (1,)))
        sequence = torch.zeros((length, 2), dtype=torch.float64)
        sequence[:, 0] = torch.rand(length, dtype=torch.float64)
        marked = torch.randperm(length)[:2]          # two distinct steps
        sequence[marked, 1] = 1.0
        X.append(sequence)
        Y.append(sequence[marked, 0].sum().reshape(1))
    return X, Y


def _weight(rows, cols):
    """A Xavier-uniform float64 weight matrix, as a parameter."""
    return nn.Parameter(nn.init.xavier_uniform_(torch.empty(rows, cols, dtype=torch.float64)))


def _bias(size):
    return nn.Parameter(torch.zeros(size, dtype=torch.float64))


class RecurrentNeuralNetwork(nn.Module):
    """h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h);  y_t = W_hy h_t + b_y."""

    def __init__(self, size_of_input, hidden_size, size_of_output):
        super().__init__()
        self.hidden_size = hidden_size
        self.W_xh = _weight(hidden_size, size_of_input)
        self.W_hh = _weight(hidden_size, hidden_size)
        self.W_hy = _weight(size_of_output, hidden_size)
        self.b_h = _bias(hidden_size)
        self.b_y = _bias(size_of_output)

    def forward(self, x_t, h_t_minus_1):
        h_t = torch.tanh(self.W_xh @ x_t + self.W_hh @ h_t_minus_1 + self.b_h)
        y_t = self.W_hy @ h_t + self.b_y
        return y_t, h_t


class CustomLSTM(nn.Module):
    """The LSTM of Colah's "Understanding LSTM Networks", one step at a time:

    i = σ(W_xi x + W_hi h + b_i)    f = σ(W_xf x + W_hf h + b_f)    o = σ(W_xo x + W_ho h + b_o)
    c̃ = tanh(W_x_c_tilda x + W_h_c_tilda h + b_c_tilda)
    c_t = f ⊙ c + i ⊙ c̃    h_t = o ⊙ tanh(c_t)    output = Wout h_t + bout
    """

    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.hidden_size = hidden_size
        for gate in ("i", "f", "c_tilda", "o"):
            separator = "_" if gate == "c_tilda" else ""   # W_x_c_tilda, but W_xi
            setattr(self, f"W_x{separator}{gate}", _weight(hidden_size, input_size))
            setattr(self, f"W_h{separator}{gate}", _weight(hidden_size, hidden_size))
            setattr(self, f"b_{gate}", _bias(hidden_size))
        self.Wout = _weight(output_size, hidden_size)
        self.bout = _bias(output_size)

    def forward(self, x, hc):
        h, c = hc
        i = torch.sigmoid(self.W_xi @ x + self.W_hi @ h + self.b_i)
        f = torch.sigmoid(self.W_xf @ x + self.W_hf @ h + self.b_f)
        o = torch.sigmoid(self.W_xo @ x + self.W_ho @ h + self.b_o)
        c_tilda = torch.tanh(self.W_x_c_tilda @ x + self.W_h_c_tilda @ h + self.b_c_tilda)
        c_t = f * c + i * c_tilda
        h_t = o * torch.tanh(c_t)
        return self.Wout @ h_t + self.bout, (h_t, c_t)


class CustomGRU(nn.Module):
    """The GRU with the reset gate applied to the state *before* the matrix product:

    z = σ(W_xz x + W_hz h + b_z)    r = σ(W_xr x + W_hr h + b_r)
    ĥ = tanh(W_xh x + W_hh (r ⊙ h) + b_h)    h_t = (1 - z) ⊙ h + z ⊙ ĥ    y_t = Wout h_t + bout

    (torch.nn.GRUCell applies r after the product, r ⊙ (W_hh h + b); that is a different cell.)
    """

    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.hidden_size = hidden_size
        for gate in ("r", "z", "h"):
            setattr(self, f"W_x{gate}", _weight(hidden_size, input_size))
            setattr(self, f"W_h{gate}", _weight(hidden_size, hidden_size))
            setattr(self, f"b_{gate}", _bias(hidden_size))
        self.Wout = _weight(output_size, hidden_size)
        self.bout = _bias(output_size)

    def forward(self, x, h_t):
        z = torch.sigmoid(self.W_xz @ x + self.W_hz @ h_t + self.b_z)
        r = torch.sigmoid(self.W_xr @ x + self.W_hr @ h_t + self.b_r)
        candidate = torch.tanh(self.W_xh @ x + self.W_hh @ (r * h_t) + self.b_h)
        h_next = (1 - z) * h_t + z * candidate
        return self.Wout @ h_next + self.bout, h_next


def _fit(opt, loss_function, model, X_train, Y_train, epochs, initial_state):
    """The loop the three fit functions share; ``initial_state()`` is a fresh zero state."""
    history = OrderedDict()
    for epoch in range(1, epochs + 1):
        total = 0.0
        for x, y in zip(X_train, Y_train):
            state = initial_state()
            for x_t in x:
                output, state = model(x_t, state)
            loss = loss_function(output, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        history[epoch] = total / len(X_train)
    return history


def _zeros(model):
    return torch.zeros(model.hidden_size, dtype=torch.float64)


def fit_RNN(opt, loss_function, rnn_model, X_train, Y_train, epochs=8):
    return _fit(opt, loss_function, rnn_model, X_train, Y_train, epochs, lambda: _zeros(rnn_model))


def fit_LSTM(opt, loss_function, lstm_model, X_train, Y_train, epochs=8):
    return _fit(opt, loss_function, lstm_model, X_train, Y_train, epochs,
                lambda: (_zeros(lstm_model), _zeros(lstm_model)))


def fit_GRU(opt, loss_function, gru_model, X_train, Y_train, epochs=8):
    return _fit(opt, loss_function, gru_model, X_train, Y_train, epochs, lambda: _zeros(gru_model))
