"""Alternative correct solutions of rnn-scratch: each must score 100 %.

They are written differently from the reference on purpose, so that the suite is shown to accept
what is right rather than what looks like the reference:

- a backward that works on whole sequences (stacked columns, one matrix product per gradient) and
  loops only for the recurrence;
- a backward that first collects every step's dhraw and then sums outer products forward in time,
  clipping to [-5, 5] as min-char-rnn does;
- an RNN that computes with row vectors inside, under the students' other names (Why, bh, by,
  bptt, update), and still hands back columns;
- a char-RNN whose nn.RNN is not batch-first (the input is transposed instead), with other
  attribute names, a vectorised one-hot, and the tutorial's name ``sample`` for ``output``.
"""

from __future__ import annotations

from . import Variant

# The reference's constructor, forward and update, shared by the two backward alternatives.
_RNN_HEAD = '''
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
'''

WHOLE_SEQUENCE_BACKWARD = _RNN_HEAD + '''
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
'''

OUTER_PRODUCT_BACKWARD = _RNN_HEAD + '''
    def backward(self, xs, hs, ps, targets):
        n = len(targets)
        dys = []
        for t in range(n):
            dy = ps[t].copy()
            dy[targets[t]] -= 1
            dys.append(dy)
        dhraws = [None] * n
        dh_from_future = np.zeros_like(self.b)
        for t in range(n - 1, -1, -1):
            dhraws[t] = (1 - hs[t] * hs[t]) * (self.W_yh.T.dot(dys[t]) + dh_from_future)
            dh_from_future = self.W_hh.T.dot(dhraws[t])
        dW_xh, dW_hh, dW_yh = np.zeros_like(self.W_xh), np.zeros_like(self.W_hh), np.zeros_like(self.W_yh)
        db, dc = np.zeros_like(self.b), np.zeros_like(self.c)
        for t in range(n):                                      # forward in time: the sums do not care
            dW_yh += np.outer(dys[t], hs[t])
            dW_xh += np.outer(dhraws[t], xs[t])
            dW_hh += np.outer(dhraws[t], hs[t - 1])
            db += dhraws[t]
            dc += dys[t]
        for dparam in [dW_xh, dW_hh, dW_yh, db, dc]:
            np.clip(dparam, -5, 5, out=dparam)                  # min-char-rnn's guard against exploding gradients
        return dW_xh, dW_hh, dW_yh, db, dc
'''

ROW_VECTORS = '''
class RNN:
    """Row vectors inside (x @ W.T); parameters and results in the documented column shapes."""

    def __init__(self, hidden_size, vocab_size, seq_length, learning_rate):
        self.H, self.V, self.lr = hidden_size, vocab_size, learning_rate
        self.Wxh = np.random.randn(hidden_size, vocab_size) * 0.01
        self.Whh = np.random.randn(hidden_size, hidden_size) * 0.01
        self.Why = np.random.randn(vocab_size, hidden_size) * 0.01
        self.bh = np.zeros((hidden_size, 1))
        self.by = np.zeros((vocab_size, 1))

    def forward(self, inputs, hprev):
        eye = np.eye(self.V)
        h = hprev.reshape(1, -1)
        xs, hs, ps = {}, {-1: hprev.copy()}, {}
        for t, ch in enumerate(inputs):
            x = eye[ch:ch + 1]                                  # (1, V)
            h = np.tanh(x @ self.Wxh.T + h @ self.Whh.T + self.bh.T)
            z = h @ self.Why.T + self.by.T
            p = np.exp(z - z.max())
            p /= p.sum()
            xs[t], hs[t], ps[t] = x.T, h.T, p.T
        return xs, hs, ps

    def bptt(self, xs, hs, ps, targets):
        grads = [np.zeros_like(m.T) for m in (self.Wxh, self.Whh, self.Why, self.bh, self.by)]
        gxh, ghh, ghy, gbh, gby = grads                         # transposed: (V, H), (H, H), (H, V), (1, H), (1, V)
        future = np.zeros((1, self.H))
        for t in reversed(range(len(targets))):
            x, h, h_before = xs[t].T, hs[t].T, hs[t - 1].T
            dz = ps[t].T.copy()
            dz[0, targets[t]] -= 1
            ghy += h.T @ dz
            gby += dz
            da = (dz @ self.Why + future) * (1 - h ** 2)
            gbh += da
            gxh += x.T @ da
            ghh += h_before.T @ da
            future = da @ self.Whh
        return gxh.T, ghh.T, ghy.T, gbh.T, gby.T

    def update(self, dW_xh, dW_hh, dW_yh, db, dc):
        self.Wxh -= self.lr * dW_xh
        self.Whh -= self.lr * dW_hh
        self.Why -= self.lr * dW_yh
        self.bh -= self.lr * db
        self.by -= self.lr * dc
'''

ONE_HOT_BY_EYE = '''
def one_hot_encode(sequence, dict_size, seq_len, batch_size):
    codes = np.asarray(sequence, dtype=np.int64).reshape(batch_size, seq_len)
    return np.eye(dict_size, dtype=np.float32)[codes]
'''

TIME_MAJOR_MODEL = '''
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
'''

SOFTMAX_PREDICT = '''
def predict(model, character):
    character = np.array([[char2int[c] for c in character]])
    character = torch.from_numpy(one_hot_encode(character, dict_size, character.shape[1], 1))
    out, hidden = model(character)
    prob = nn.functional.softmax(out[-1], dim=0).data
    char_ind = torch.max(prob, dim=0)[1].item()
    return int2char[char_ind], hidden
'''

SAMPLE = '''
def sample(model, out_len, start):
    model.eval()
    chars = [ch for ch in start]
    size = out_len - len(chars)
    for ii in range(size):
        char, h = predict(model, chars)
        chars.append(char)
    return ''.join(chars)
'''

ALTERNATIVES: tuple[Variant, ...] = (
    Variant("rnn_whole_sequence_backward", {"RNN": WHOLE_SEQUENCE_BACKWARD}, (),
            "backward with stacked (V, T) / (H, T) matrices; a loop for the recurrence only"),
    Variant("rnn_outer_products_clipped", {"RNN": OUTER_PRODUCT_BACKWARD}, (),
            "dhraw for every step first, then np.outer sums forward in time; clips to [-5, 5]"),
    Variant("rnn_row_vectors_other_names", {"RNN": ROW_VECTORS}, (),
            "row vectors inside; attributes Wxh, Whh, Why, bh, by; methods bptt and update"),
    Variant("char_rnn_time_major_sample", {"one_hot_encode": ONE_HOT_BY_EYE, "Model": TIME_MAJOR_MODEL,
                                           "predict": SOFTMAX_PREDICT, "output": SAMPLE}, (),
            "nn.RNN without batch_first (input transposed), other attribute names, np.eye one-hot, "
            "predict through softmax, output named sample"),
)

__all__ = ["ALTERNATIVES"]
