"""Reference for the assignment ``rnn-scratch``: a character RNN twice, once in numpy with
backpropagation through time written by hand, once in PyTorch with ``nn.RNN`` and autograd.

Part 1, numpy (the min-char-rnn layout, column vectors):

- ``W_xh`` (H, V), ``W_hh`` (H, H), ``W_yh`` (V, H), hidden bias ``b`` (H, 1), output bias ``c`` (V, 1);
- h_t = tanh(W_xh x_t + W_hh h_{t-1} + b), p_t = softmax(W_yh h_t + c), with x_t the one-hot (V, 1)
  column of character ``inputs[t]`` and h_{-1} = ``hprev``;
- the loss is L = -sum_t log p_t[targets[t]], summed (not averaged) over the sequence;
- ``backward`` returns the exact gradients of L (no clipping); ``update_model`` is plain SGD.

Part 2, PyTorch (the classic char-RNN tutorial): one-hot batches (B, T, V) in float32, a model
``nn.RNN(batch_first=True)`` + ``nn.Linear`` whose logits come out flattened to (B*T, V), and
greedy sampling that re-feeds the whole prefix. ``predict`` and ``output`` read the vocabulary from
the globals ``char2int``, ``int2char`` and ``dict_size``, as the course template has them.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

# --- the template's vocabulary (the grader sets these globals before calling predict/output) -------
TEXT = "Acknowledgement"
int2char = dict(enumerate(sorted(set(TEXT))))     # sorted: set order changes with PYTHONHASHSEED
char2int = {char: index for index, char in int2char.items()}
dict_size = len(char2int)


# --- part 1: numpy RNN with hand-written BPTT ------------------------------------------------------
class RNN:
    """A vanilla RNN over one-hot characters, trained by SGD on the summed cross-entropy."""

    def __init__(self, hidden_size, vocab_size, seq_length, learning_rate):
        self.hidden_size = hidden_size
        self.vocab_size = vocab_size
        self.seq_length = seq_length
        self.learning_rate = learning_rate
        self.W_xh = np.random.randn(hidden_size, vocab_size) * 0.01
        self.W_hh = np.random.randn(hidden_size, hidden_size) * 0.01
        self.W_yh = np.random.randn(vocab_size, hidden_size) * 0.01
        self.b = np.zeros((hidden_size, 1))
        self.c = np.zeros((vocab_size, 1))

    def forward(self, inputs, hprev):
        """Run the sequence ``inputs`` (character indices) from hidden state ``hprev`` (H, 1).

        Returns dicts keyed by time step: ``xs[t]`` one-hot (V, 1), ``hs[t]`` (H, 1) with
        ``hs[-1] = hprev``, and ``ps[t]`` the softmax (V, 1) of the scores at step t.
        """
        xs, hs, ps = {}, {-1: np.copy(hprev)}, {}
        for t, index in enumerate(inputs):
            xs[t] = np.zeros((self.vocab_size, 1))
            xs[t][index] = 1.0
            hs[t] = np.tanh(self.W_xh @ xs[t] + self.W_hh @ hs[t - 1] + self.b)
            scores = self.W_yh @ hs[t] + self.c
            e = np.exp(scores - np.max(scores))
            ps[t] = e / np.sum(e)
        return xs, hs, ps

    def backward(self, xs, hs, ps, targets):
        """Gradients (dW_xh, dW_hh, dW_yh, db, dc) of L = -sum_t log ps[t][targets[t]].

        From the last step back: dy = p_t - onehot(target_t) feeds dW_yh and dc; the gradient
        reaching h_t (from the output and from step t + 1) goes through tanh' = 1 - h_t^2 and feeds
        db, dW_xh (with x_t) and dW_hh (with h_{t-1}), then flows on to h_{t-1} through W_hh.
        """
        dW_xh, dW_hh, dW_yh = np.zeros_like(self.W_xh), np.zeros_like(self.W_hh), np.zeros_like(self.W_yh)
        db, dc = np.zeros_like(self.b), np.zeros_like(self.c)
        dh_next = np.zeros_like(hs[0])
        for t in reversed(range(len(targets))):
            dy = np.copy(ps[t])
            dy[targets[t]] -= 1.0
            dW_yh += dy @ hs[t].T
            dc += dy
            dh = self.W_yh.T @ dy + dh_next
            dh_raw = (1.0 - hs[t] ** 2) * dh
            db += dh_raw
            dW_xh += dh_raw @ xs[t].T
            dW_hh += dh_raw @ hs[t - 1].T
            dh_next = self.W_hh.T @ dh_raw
        return dW_xh, dW_hh, dW_yh, db, dc

    def update_model(self, dW_xh, dW_hh, dW_yh, db, dc):
        """One plain SGD step on all five parameters, in place."""
        for param, grad in zip((self.W_xh, self.W_hh, self.W_yh, self.b, self.c), (dW_xh, dW_hh, dW_yh, db, dc)):
            param -= self.learning_rate * grad


# --- part 2: PyTorch char-RNN ----------------------------------------------------------------------
def one_hot_encode(sequence, dict_size, seq_len, batch_size):
    """float32 (batch_size, seq_len, dict_size): features[i, t, sequence[i][t]] = 1."""
    features = np.zeros((batch_size, seq_len, dict_size), dtype=np.float32)
    for i in range(batch_size):
        for t in range(seq_len):
            features[i, t, sequence[i][t]] = 1.0
    return features


class Model(nn.Module):
    """nn.RNN (tanh, batch first) and a linear read-out of every step's hidden state."""

    def __init__(self, input_size, output_size, hidden_dim, n_layers):
        super().__init__()
        self.hidden_dim = hidden_dim
        self.n_layers = n_layers
        self.rnn = nn.RNN(input_size, hidden_dim, n_layers, batch_first=True)
        self.fc = nn.Linear(hidden_dim, output_size)

    def forward(self, x):
        """x (B, T, V) -> (logits (B*T, V), last hidden state (n_layers, B, H)), from a zero state."""
        out, hidden = self.rnn(x, self.init_hidden(x.size(0)))
        out = out.contiguous().view(-1, self.hidden_dim)
        return self.fc(out), hidden

    def init_hidden(self, batch_size):
        return torch.zeros(self.n_layers, batch_size, self.hidden_dim)


def predict(model, character):
    """The most likely character after the prefix ``character`` (a string or list of characters),
    and the hidden state after it."""
    indices = [[char2int[c] for c in character]]
    x = torch.from_numpy(one_hot_encode(indices, dict_size, len(indices[0]), 1))
    with torch.no_grad():
        out, hidden = model(x)
    return int2char[int(torch.argmax(out[-1]))], hidden


def output(model, out_len, start):
    """Greedy text of length ``out_len`` that begins with ``start``: each next character is
    predicted from the whole text so far. ``start`` is used as given (the tutorial lower-cased
    it, which would turn 'A' into a character outside this vocabulary)."""
    model.eval()
    chars = list(start)
    while len(chars) < out_len:
        char, _ = predict(model, chars)
        chars.append(char)
    return "".join(chars)
