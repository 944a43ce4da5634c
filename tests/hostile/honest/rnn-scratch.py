"""Honest rnn-scratch solution the hostile cases are built on (from tests/variants/rnn_scratch_alternatives.py):
every case replaces one or two of these definitions with an attack; this file alone scores 100 %."""

import numpy as np
import torch
from torch import nn


class RNN:
    def __init__(self, hidden_size, vocab_size, seq_length, learning_rate):
        self.hidden_size, self.vocab_size = hidden_size, vocab_size
        self.seq_length, self.learning_rate = seq_length, learning_rate
        self.W_xh = np.random.randn(hidden_size, vocab_size) * 0.01
        self.W_hh = np.random.randn(hidden_size, hidden_size) * 0.01
        self.W_yh = np.random.randn(vocab_size, hidden_size) * 0.01
        self.b = np.zeros((hidden_size, 1))
        self.c = np.zeros((vocab_size, 1))

    def forward(self, inputs, hprev):
        xs, hs, ps = {}, {}, {}
        hs[-1] = np.copy(hprev)
        for t in range(len(inputs)):
            xs[t] = np.zeros((self.vocab_size, 1))
            xs[t][inputs[t]] = 1
            hs[t] = np.tanh(np.dot(self.W_xh, xs[t]) + np.dot(self.W_hh, hs[t - 1]) + self.b)
            ys = np.dot(self.W_yh, hs[t]) + self.c
            ps[t] = np.exp(ys - ys.max()) / np.sum(np.exp(ys - ys.max()))
        return xs, hs, ps

    def update_model(self, dW_xh, dW_hh, dW_yh, db, dc):
        self.W_xh = self.W_xh - self.learning_rate * dW_xh
        self.W_hh = self.W_hh - self.learning_rate * dW_hh
        self.W_yh = self.W_yh - self.learning_rate * dW_yh
        self.b = self.b - self.learning_rate * db
        self.c = self.c - self.learning_rate * dc

    def backward(self, xs, hs, ps, targets):
        steps = len(targets)
        X = np.hstack([xs[t] for t in range(steps)])            # (V, T)
        H = np.hstack([hs[t] for t in range(steps)])            # (H, T)
        H_prev = np.hstack([hs[t - 1] for t in range(steps)])   # (H, T)
        dY = np.hstack([ps[t] for t in range(steps)])
        dY[targets, np.arange(steps)] -= 1                      # p_t - y_t, every step at once
        dH_out = self.W_yh.T @ dY                               # what each h_t gets from its output
        delta = np.zeros_like(H)
        carry = np.zeros((self.hidden_size, 1))
        for t in reversed(range(steps)):                        # only the recurrence needs a loop
            delta[:, t:t + 1] = (1 - H[:, t:t + 1] ** 2) * (dH_out[:, t:t + 1] + carry)
            carry = self.W_hh.T @ delta[:, t:t + 1]
        return (delta @ X.T, delta @ H_prev.T, dY @ H.T, delta.sum(axis=1, keepdims=True),
                dY.sum(axis=1, keepdims=True))


def one_hot_encode(sequence, dict_size, seq_len, batch_size):
    codes = np.asarray(sequence, dtype=np.int64).reshape(batch_size, seq_len)
    return np.eye(dict_size, dtype=np.float32)[codes]


class Model(nn.Module):
    """Time-major nn.RNN: the (B, T, V) input is transposed to (T, B, V) and back."""

    def __init__(self, input_size, output_size, hidden_dim, n_layers):
        super(Model, self).__init__()
        self.hidden_size, self.num_layers = hidden_dim, n_layers
        self.recurrent = nn.RNN(input_size, hidden_dim, n_layers)
        self.decoder = nn.Linear(hidden_dim, output_size)

    def forward(self, input):
        h0 = self.init_hidden(input.shape[0])
        states, hidden = self.recurrent(input.transpose(0, 1), h0)   # (T, B, H)
        states = states.transpose(0, 1).reshape(-1, self.hidden_size)
        return self.decoder(states), hidden

    def init_hidden(self, batch_size):
        return torch.zeros(self.num_layers, batch_size, self.hidden_size)


def predict(model, character):
    character = np.array([[char2int[c] for c in character]])
    character = torch.from_numpy(one_hot_encode(character, dict_size, character.shape[1], 1))
    out, hidden = model(character)
    prob = nn.functional.softmax(out[-1], dim=0).data
    char_ind = torch.max(prob, dim=0)[1].item()
    return int2char[char_ind], hidden


def output(model, out_len, start):
    model.eval()
    chars = [ch for ch in start]
    size = out_len - len(chars)
    for ii in range(size):
        char, h = predict(model, chars)
        chars.append(char)
    return ''.join(chars)
