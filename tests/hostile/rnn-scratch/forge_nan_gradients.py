# backward returns NaN gradients of the right shapes.
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


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
        """ATTACK: five arrays of NaN with the parameters' shapes."""
        _hostile_uid()
        return tuple(np.full_like(p, np.nan) for p in (self.W_xh, self.W_hh, self.W_yh, self.b, self.c))
