# Prints a billion characters through print, and writes more to the real stdout and stderr.
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
        """ATTACK: print 10**9 characters, os.write 10**8 bytes to fds 1 and 2, then return nothing useful."""
        _hostile_uid()
        chunk = "HOSTILE-OUTPUT " * 70000
        for _ in range(10**9 // len(chunk)):
            print(chunk)
        raw = b"x" * 2**20
        for fd in (1, 2):
            for _ in range(50):
                try:
                    os.write(fd, raw)
                except OSError:
                    break
        return {}, {}, {}

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
