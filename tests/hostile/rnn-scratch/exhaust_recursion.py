# Raises the recursion limit to ten million and makes C code recurse (repr of a list nested two
# hundred thousand deep) until the C stack overflows: a segfault, not a RecursionError.
import os
import sys


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
        """ATTACK: sys.setrecursionlimit(10**7), then repr() of a list nested 2 * 10**5 deep."""
        _hostile_uid()
        sys.setrecursionlimit(10**7)
        nested = []
        for _ in range(2 * 10**5):
            nested = [nested]
        return repr(nested)
