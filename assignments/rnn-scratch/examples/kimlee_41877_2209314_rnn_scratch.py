"""RNN from scratch + char-RNN (submitted as a module).

Numpy part: I keep row vectors inside (x @ W.T) because that is how I think about batches, but the
parameters have the shapes from the assignment and everything I return is a column.
Torch part: my nn.RNN is time-major, so I transpose the batch in and out.
"""
import numpy as np
import torch
from torch import nn


class RNN:
    def __init__(self, hidden_size, vocab_size, seq_length, learning_rate):
        self.H, self.V, self.T, self.lr = hidden_size, vocab_size, seq_length, learning_rate
        self.W_xh = np.random.randn(hidden_size, vocab_size) * 0.01
        self.W_hh = np.random.randn(hidden_size, hidden_size) * 0.01
        self.W_hy = np.random.randn(vocab_size, hidden_size) * 0.01
        self.b_h = np.zeros((hidden_size, 1))
        self.b_y = np.zeros((vocab_size, 1))

    def forward(self, inputs, hprev):
        onehots = np.eye(self.V)
        h = hprev.T
        xs, hs, ps = {}, {-1: hprev.copy()}, {}
        for t, index in enumerate(inputs):
            x = onehots[[index]]
            h = np.tanh(x @ self.W_xh.T + h @ self.W_hh.T + self.b_h.T)
            logits = h @ self.W_hy.T + self.b_y.T
            probs = np.exp(logits - logits.max())
            probs /= probs.sum()
            xs[t], hs[t], ps[t] = x.T, h.T, probs.T
        return xs, hs, ps

    def backward(self, xs, hs, ps, targets):
        g_xh, g_hh = np.zeros((self.V, self.H)), np.zeros((self.H, self.H))
        g_hy, g_bh, g_by = np.zeros((self.H, self.V)), np.zeros((1, self.H)), np.zeros((1, self.V))
        carried = np.zeros((1, self.H))
        for t in range(len(targets) - 1, -1, -1):
            err = ps[t].T.copy()
            err[0, targets[t]] -= 1
            g_hy += hs[t] @ err
            g_by += err
            pre = (err @ self.W_hy + carried) * (1 - hs[t].T ** 2)
            g_bh += pre
            g_xh += xs[t] @ pre
            g_hh += hs[t - 1] @ pre
            carried = pre @ self.W_hh
        return g_xh.T, g_hh.T, g_hy.T, g_bh.T, g_by.T

    def update_model(self, dW_xh, dW_hh, dW_yh, db, dc):
        self.W_xh = self.W_xh - self.lr * dW_xh
        self.W_hh = self.W_hh - self.lr * dW_hh
        self.W_hy = self.W_hy - self.lr * dW_yh
        self.b_h = self.b_h - self.lr * db
        self.b_y = self.b_y - self.lr * dc


def one_hot_encode(sequence, dict_size, seq_len, batch_size):
    return np.eye(dict_size, dtype=np.float32)[np.array(sequence).reshape(batch_size, seq_len)]


class Model(nn.Module):
    def __init__(self, input_size, output_size, hidden_dim, n_layers):
        super().__init__()
        self.hidden_dim, self.n_layers = hidden_dim, n_layers
        self.rnn = nn.RNN(input_size, hidden_dim, n_layers)
        self.fc = nn.Linear(hidden_dim, output_size)

    def forward(self, x):
        out, hidden = self.rnn(x.permute(1, 0, 2), self.init_hidden(x.shape[0]))
        out = out.permute(1, 0, 2).reshape(-1, self.hidden_dim)
        return self.fc(out), hidden

    def init_hidden(self, batch_size):
        return torch.zeros(self.n_layers, batch_size, self.hidden_dim)


def predict(model, character):
    codes = [[char2int[c] for c in character]]
    x = torch.tensor(one_hot_encode(codes, dict_size, len(codes[0]), 1))
    with torch.no_grad():
        out, hidden = model(x)
    return int2char[out[-1].argmax().item()], hidden


def sample(model, out_len, start):
    text = start
    while len(text) < out_len:
        text += predict(model, text)[0]
    return text


if __name__ == "__main__":
    word = "Acknowledgement"
    int2char = dict(enumerate(sorted(set(word))))
    char2int = {c: i for i, c in int2char.items()}
    dict_size = len(char2int)
    net = Model(dict_size, dict_size, 16, 1)
    x = torch.tensor(one_hot_encode([[char2int[c] for c in word[:-1]]], dict_size, len(word) - 1, 1))
    y = torch.tensor([char2int[c] for c in word[1:]])
    opt = torch.optim.RMSprop(net.parameters(), lr=0.01)
    for step in range(200):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(net(x)[0], y)
        loss.backward()
        opt.step()
    print(loss.item(), sample(net, 15, "A"))
