"""Alternative correct solutions of activity-rnn: each must score 100 %.

Written differently from the reference on purpose, so that the suite is shown to accept what is
right rather than what looks like the reference:

- a forward that returns lists (index t, no initial state) and a fully vectorised BPTT that stacks
  the states into (T, B, H) arrays and clips to [-10, 10] as the course does, with the gradients
  returned as a dict; optimizers that update in place and return the same lists;
- a float32 model (parameters and computation in float32, as on a GPU), static-method activations;
- every one with the same LSTM, GRU and Multi_Layer_RNN, written differently from the reference (a tape of per-step dicts,
  lists from forward, a dict of gradients from BPTT; a dense layer whose ReLU derivative is z > 0), and the same
  Multi_Layer_LSTM (the four gates in one product, lists of states, einsum over time, gradients keyed by the
  parameters' names, its own momentum list) and Multi_layer_GRU (dict states with the zero start at -1, a tuple
  of gradients, velocities in a dict);
- Three_Hidden_Layer_RNN and Five_Hidden_Layer_RNN as one class that loops over its dense layers (lists from
  forward, a dict of gradients; in the first and the third alternative), and written out layer by layer in
  float32 (dicts from forward, a tuple and a list of gradients; in the float32 alternative);
- an RNN that stores its weights transposed inside (``Wxh`` (H, D), ...) and exposes the README's
  names through properties, with the course's double-epsilon cross-entropy.
"""

from __future__ import annotations

from . import Variant, whole_module
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "activity_rnn.py"

_ACTIVATIONS = '''
class Activations:
    def ReLU(self, X):
        return (np.abs(X) + X) / 2

    def sigmoid(self, X):
        return 1 / (1 + np.exp(-np.clip(X, -700, 700)))

    def softmax(self, X):
        e = np.exp(X - X.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    def tanh(self, X):
        return np.tanh(X)

    def dtanh(self, X):
        return 1 - np.tanh(X) ** 2

    def dReLU(self, X):
        return np.where(X <= 0, 0, 1)

    def ReLU_grad(self, X):
        g = np.zeros_like(X)
        g[X > 0] = 1
        return g


def CategoricalCrossEntropy(labels, preds):
    preds = np.clip(preds, 1e-12, 1 - 1e-12)
    return -np.sum(labels * np.log(preds)) / len(labels)
'''

_OPTIMIZERS_IN_PLACE = '''
def SGD(params, grads, velocities, learning_rate, mom_coeff):
    for i in range(len(params)):
        velocities[i] = mom_coeff * velocities[i] - learning_rate * grads[i]
        params[i] += velocities[i]
    return params, velocities


def AdaGrad(params, grads, cache, learning_rate):
    for i in range(len(params)):
        cache[i] += grads[i] ** 2
        params[i] -= learning_rate * grads[i] / (np.sqrt(cache[i]) + 1e-6)
    return params, cache


def RMSprop(params, grads, cache, learning_rate, decay=0.9):
    for i in range(len(params)):
        cache[i] = decay * cache[i] + (1 - decay) * grads[i] ** 2
        params[i] -= learning_rate * grads[i] / (np.sqrt(cache[i]) + 1e-6)
    return params, cache


def Adam(params, grads, m, v, t, learning_rate, beta1=0.9, beta2=0.999):
    for i in range(len(params)):
        m[i] = beta1 * m[i] + (1 - beta1) * grads[i]
        v[i] = beta2 * v[i] + (1 - beta2) * grads[i] ** 2
        m_hat, v_hat = m[i] / (1 - beta1 ** t), v[i] / (1 - beta2 ** t)
        params[i] -= learning_rate * m_hat / (np.sqrt(v_hat) + 1e-8)
    return params, m, v


def VanillaAdam(params, grads, m, v, learning_rate, beta1=0.9, beta2=0.999):
    for i in range(len(params)):
        m[i] = beta1 * m[i] + (1 - beta1) * grads[i]
        v[i] = beta2 * v[i] + (1 - beta2) * grads[i] ** 2
        params[i] -= learning_rate * m[i] / (np.sqrt(v[i]) + 1e-8)
    return params, m, v
'''

_LSTM_ALT = '''

def _sig(a):
    return 0.5 * (1.0 + np.tanh(0.5 * a))


class LSTM:
    def __init__(self, input_dim=3, hidden_dim=100, output_class=6, seq_len=150, batch_size=30,
                 learning_rate=1e-1, mom_coeff=0.85):
        lim = np.sqrt(6 / (input_dim + hidden_dim))
        for g in ("f", "i", "c", "o"):
            setattr(self, "W_" + g, np.random.uniform(-lim, lim, (input_dim + hidden_dim, hidden_dim)))
            setattr(self, "B_" + g, np.zeros((1, hidden_dim)))
        self.W = np.random.uniform(-lim, lim, (hidden_dim, output_class))
        self.B = np.zeros((1, output_class))

    def _run(self, X):
        n, T, _ = X.shape
        H = self.W_f.shape[1]
        h, c = np.zeros((n, H)), np.zeros((n, H))
        tape = []
        for t in range(T):
            z = np.hstack([X[:, t, :], h])
            gates = {g: z @ getattr(self, "W_" + g) + getattr(self, "B_" + g) for g in "fico"}
            f, i, o = _sig(gates["f"]), _sig(gates["i"]), _sig(gates["o"])
            cc = np.tanh(gates["c"])
            c_prev = c
            c = f * c_prev + i * cc
            h = o * np.tanh(c)
            tape.append(dict(z=z, f=f, i=i, o=o, cc=cc, c_prev=c_prev, c=c, h=h))
        return tape

    def forward(self, X):
        tape = self._run(X)
        hs = [s["h"] for s in tape]
        cs = [s["c"] for s in tape]
        ps = [Activations().softmax(h @ self.W + self.B) for h in hs]
        return hs, cs, ps

    def BPTT(self, X, Y):
        tape = self._run(X)
        d_out = (Activations().softmax(tape[-1]["h"] @ self.W + self.B) - Y) / len(Y)
        g = {"W": tape[-1]["h"].T @ d_out, "B": d_out.sum(0, keepdims=True)}
        for k in "fico":
            g["W_" + k], g["B_" + k] = 0.0, 0.0
        dh, dc = d_out @ self.W.T, 0.0
        for s in reversed(tape):
            th = np.tanh(s["c"])
            dc = dc + dh * s["o"] * (1 - th ** 2)
            pre = {"o": dh * th * s["o"] * (1 - s["o"]),
                   "f": dc * s["c_prev"] * s["f"] * (1 - s["f"]),
                   "i": dc * s["cc"] * s["i"] * (1 - s["i"]),
                   "c": dc * s["i"] * (1 - s["cc"] ** 2)}
            dz = 0.0
            for k, d in pre.items():
                g["W_" + k] = g["W_" + k] + s["z"].T @ d
                g["B_" + k] = g["B_" + k] + d.sum(0, keepdims=True)
                dz = dz + d @ getattr(self, "W_" + k).T
            dh = dz[:, X.shape[2]:]
            dc = dc * s["f"]
        return {"d" + k: np.clip(v, -15, 15) for k, v in g.items()}
'''

_GRU_ALT = '''


class GRU:
    NAMES = ("W", "B", "W_z", "U_z", "B_z", "W_r", "U_r", "B_r", "W_h", "U_h", "B_h")

    def __init__(self, input_dim=3, hidden_dim=128, output_class=6, seq_len=150, batch_size=32,
                 learning_rate=1e-1, mom_coeff=0.85):
        self.lr, self.mom = learning_rate, mom_coeff
        a = np.sqrt(6 / (input_dim + hidden_dim))
        for k in "zrh":
            setattr(self, "W_" + k, np.random.uniform(-a, a, (input_dim, hidden_dim)))
            setattr(self, "U_" + k, np.random.uniform(-a, a, (hidden_dim, hidden_dim)))
            setattr(self, "B_" + k, np.zeros((1, hidden_dim)))
        self.W = np.random.uniform(-a, a, (hidden_dim, output_class))
        self.B = np.zeros((1, output_class))
        self.velocity = {}

    def _tape(self, X):
        h = np.zeros((X.shape[0], self.U_h.shape[0]))
        tape = []
        for t in range(X.shape[1]):
            x = X[:, t, :]
            keep = _sig(x @ self.W_z + h @ self.U_z + self.B_z)
            reset = _sig(x @ self.W_r + h @ self.U_r + self.B_r)
            cand = np.tanh(x @ self.W_h + (reset * h) @ self.U_h + self.B_h)
            new = cand + keep * (h - cand)
            tape.append({"x": x, "prev": h, "z": keep, "r": reset, "c": cand, "h": new})
            h = new
        return tape

    def forward(self, X):
        hs = [s["h"] for s in self._tape(X)]
        return hs, [Activations().softmax(h @ self.W + self.B) for h in hs]

    def BPTT(self, X, Y):
        tape = self._tape(X)
        err = (Activations().softmax(tape[-1]["h"] @ self.W + self.B) - Y) / len(Y)
        g = {k: np.zeros_like(getattr(self, k)) for k in self.NAMES}
        g["W"] += tape[-1]["h"].T @ err
        g["B"] += err.sum(0, keepdims=True)
        dh = err @ self.W.T
        for s in tape[::-1]:
            dc = dh * (1 - s["z"]) * (1 - s["c"] * s["c"])
            dz = dh * (s["prev"] - s["c"]) * s["z"] * (1 - s["z"])
            drh = dc @ self.U_h.T
            dr = drh * s["prev"] * s["r"] * (1 - s["r"])
            g["W_h"] += s["x"].T @ dc
            g["U_h"] += (s["r"] * s["prev"]).T @ dc
            g["B_h"] += dc.sum(0, keepdims=True)
            for k, d in (("z", dz), ("r", dr)):
                g["W_" + k] += s["x"].T @ d
                g["U_" + k] += s["prev"].T @ d
                g["B_" + k] += d.sum(0, keepdims=True)
            dh = s["z"] * dh + s["r"] * drh + dz @ self.U_z.T + dr @ self.U_r.T
        return {"d" + k: np.clip(v, -15, 15) for k, v in g.items()}

    def step(self, grads):
        if isinstance(grads, dict):
            grads = [grads["d" + k] for k in self.NAMES]
        for k, grad in zip(self.NAMES, grads):
            self.velocity[k] = self.mom * self.velocity.get(k, 0.0) - self.lr * grad
            setattr(self, k, getattr(self, k) + self.velocity[k])
'''

_MULTI_ALT = '''


class Multi_Layer_RNN:
    def __init__(self, input_dim=3, hidden_dim_1=128, hidden_dim_2=64, seq_len=150, learning_rate=1e-1,
                 mom_coeff=0.85, batch_size=32, output_class=6):
        shapes = {"W1": (input_dim, hidden_dim_1), "W1_rec": (hidden_dim_1, hidden_dim_1),
                  "W2": (hidden_dim_1, hidden_dim_2), "W3": (hidden_dim_2, output_class)}
        for name, (a, b) in shapes.items():
            lim = np.sqrt(6 / (a + b))
            setattr(self, name, np.random.uniform(-lim, lim, (a, b)))
        self.B1, self.B2, self.B3 = (np.zeros((1, n)) for n in (hidden_dim_1, hidden_dim_2, output_class))

    def forward(self, X):
        xs, hs, ps = [], [], []
        h = np.zeros((X.shape[0], self.W1_rec.shape[0]))
        for t in range(X.shape[1]):
            h = np.tanh(X[:, t] @ self.W1 + h @ self.W1_rec + self.B1)
            a = np.maximum(h @ self.W2 + self.B2, 0)
            xs.append(X[:, t])
            hs.append(h)
            ps.append(Activations().softmax(a @ self.W3 + self.B3))
        return xs, hs, ps

    def BPTT(self, cache, Y):
        xs, hs, ps = ([c[t] for t in range(len(c) - (1 if -1 in c else 0))] if isinstance(c, dict) else list(c)
                      for c in cache)
        z = hs[-1] @ self.W2 + self.B2
        d3 = (ps[-1] - Y) / Y.shape[0]
        d2 = (d3 @ self.W3.T) * (z > 0)
        g = {"dW3": np.maximum(z, 0).T @ d3, "dB3": d3.sum(0, keepdims=True),
             "dW2": hs[-1].T @ d2, "dB2": d2.sum(0, keepdims=True)}
        g["dW1"], g["dB1"], g["dW1_rec"] = 0 * self.W1, 0 * self.B1, 0 * self.W1_rec
        dh = d2 @ self.W2.T
        for t in range(len(xs) - 1, -1, -1):
            d = dh * (1 - hs[t] ** 2)
            g["dW1"] = g["dW1"] + xs[t].T @ d
            g["dB1"] = g["dB1"] + d.sum(0, keepdims=True)
            if t > 0:
                g["dW1_rec"] = g["dW1_rec"] + hs[t - 1].T @ d
            dh = d @ self.W1_rec.T
        return g
'''

_MULTI_LSTM_ALT = '''


class Multi_Layer_LSTM:
    """The four gates in one (D + H, 4H) product per step, split f | i | c | o; states in lists with the
    zero start first; the weight gradients summed over time at the end (einsum); a dict of gradients
    keyed by the parameters' own names."""

    GATES = "fico"

    def __init__(self, input_dim=3, hidden_dim_1=128, hidden_dim_2=64, output_class=6, seq_len=150, batch_size=30,
                 learning_rate=1e-1, mom_coeff=0.85):
        rng = np.random.default_rng(5)
        lim = lambda a, b: np.sqrt(6 / (a + b))
        for g in self.GATES:
            setattr(self, "W_" + g, rng.uniform(-1, 1, (input_dim + hidden_dim_1, hidden_dim_1)) * lim(input_dim, hidden_dim_1))
            setattr(self, "B_" + g, np.zeros((1, hidden_dim_1)))
        self.W_hid = rng.uniform(-1, 1, (hidden_dim_1, hidden_dim_2)) * lim(hidden_dim_1, hidden_dim_2)
        self.W = rng.uniform(-1, 1, (hidden_dim_2, output_class)) * lim(hidden_dim_2, output_class)
        self.B_hid, self.B = np.zeros((1, hidden_dim_2)), np.zeros((1, output_class))
        self.lr, self.mom, self.moves = learning_rate, mom_coeff, None

    def step(self, grads):
        names = [k + "_" + g for g in self.GATES for k in "WB"] + ["W_hid", "B_hid", "W", "B"]
        if isinstance(grads, dict):
            grads = [grads[n] for n in names]
        self.moves = [self.mom * m - self.lr * g for m, g in zip(self.moves or [0.0] * len(names), grads)]
        for n, m in zip(names, self.moves):
            setattr(self, n, getattr(self, n) + m)

    def _joint(self):
        return (np.concatenate([getattr(self, "W_" + g) for g in self.GATES], axis=1),
                np.concatenate([getattr(self, "B_" + g) for g in self.GATES], axis=1))

    def _run(self, X):
        W, b = self._joint()
        H = self.W_f.shape[1]
        hs, cs, zs, gates = [np.zeros((len(X), H))], [np.zeros((len(X), H))], [], []
        for t in range(X.shape[1]):
            z = np.concatenate([X[:, t], hs[-1]], axis=1)
            f, i, c, o = np.split(z @ W + b, 4, axis=1)
            f, i, o, c = 1 / (1 + np.exp(-f)), 1 / (1 + np.exp(-i)), 1 / (1 + np.exp(-o)), np.tanh(c)
            cs.append(f * cs[-1] + i * c)
            hs.append(o * np.tanh(cs[-1]))
            zs.append(z)
            gates.append((f, i, c, o))
        return np.stack(zs), gates, hs, cs

    def _head(self, h):
        a = h @ self.W_hid + self.B_hid
        s = np.maximum(a, 0) @ self.W + self.B
        e = np.exp(s - s.max(-1, keepdims=True))
        return a, e / e.sum(-1, keepdims=True)

    def forward(self, X):
        _, _, hs, cs = self._run(X)
        return hs, cs, [self._head(h)[1] for h in hs[1:]]

    def BPTT(self, X, Y):
        Z, gates, hs, cs = self._run(X)
        T, n, H = X.shape[1], len(Y), self.W_f.shape[1]
        a, p = self._head(hs[-1])
        dy = (p - Y) / n
        out = {"W": np.maximum(a, 0).T @ dy, "B": dy.sum(0, keepdims=True)}
        da = (dy @ self.W.T) * (a > 0)
        out["W_hid"], out["B_hid"] = hs[-1].T @ da, da.sum(0, keepdims=True)
        W, _ = self._joint()
        dgates = np.zeros((T, n, 4 * H))
        dh, dc = da @ self.W_hid.T, np.zeros((n, H))
        for t in range(T - 1, -1, -1):
            f, i, c, o = gates[t]
            tc = np.tanh(cs[t + 1])
            dc = dc + dh * o * (1 - tc ** 2)
            dgates[t] = np.hstack([dc * cs[t] * f * (1 - f), dc * c * i * (1 - i), dc * i * (1 - c ** 2),
                                   dh * tc * o * (1 - o)])
            dh, dc = (dgates[t] @ W.T)[:, X.shape[2]:], dc * f
        dW, db = np.einsum("tbk,tbg->kg", Z, dgates), dgates.sum(axis=(0, 1))[None, :]
        for k, g in enumerate(self.GATES):
            out["W_" + g], out["B_" + g] = dW[:, k * H:(k + 1) * H], db[:, k * H:(k + 1) * H]
        return {name: np.clip(v, -15, 15) for name, v in out.items()}
'''

_MULTI_GRU_ALT = '''


class Multi_layer_GRU:
    """States in dicts keyed by t (h[-1] the zero start), the gates kept on the object by forward; the
    gate gradients summed over time at the end; a tuple of gradients."""

    ORDER = ("W", "B", "W_hid", "B_hid", "W_z", "U_z", "B_z", "W_r", "U_r", "B_r", "W_h", "U_h", "B_h")

    def __init__(self, input_dim=3, hidden_dim_1=128, hidden_dim_2=64, output_class=6, seq_len=150, batch_size=32,
                 learning_rate=1e-1, mom_coeff=0.85):
        rng = np.random.default_rng(9)

        def glorot(a, b):
            r = np.sqrt(6 / (a + b))
            return rng.uniform(-r, r, (a, b))
        self.W, self.B = glorot(hidden_dim_2, output_class), np.zeros((1, output_class))
        self.W_hid, self.B_hid = glorot(hidden_dim_1, hidden_dim_2), np.zeros((1, hidden_dim_2))
        for g in "zrh":
            setattr(self, "W_" + g, glorot(input_dim, hidden_dim_1))
            setattr(self, "U_" + g, glorot(hidden_dim_1, hidden_dim_1))
            setattr(self, "B_" + g, np.zeros((1, hidden_dim_1)))
        self.rate, self.keep, self.velocity = learning_rate, mom_coeff, {}

    def step(self, grads):
        for k, grad in zip(self.ORDER, grads):
            self.velocity[k] = self.keep * self.velocity.get(k, 0) - self.rate * np.asarray(grad)
            setattr(self, k, getattr(self, k) + self.velocity[k])

    def forward(self, X):
        s = lambda v: np.exp(-np.logaddexp(0, -v))
        h, probs, self.gates = {-1: np.zeros((len(X), self.U_z.shape[0]))}, {}, {}
        for t in range(X.shape[1]):
            x, hp = X[:, t], h[t - 1]
            z = s(x @ self.W_z + hp @ self.U_z + self.B_z)
            r = s(x @ self.W_r + hp @ self.U_r + self.B_r)
            cand = np.tanh(x @ self.W_h + (r * hp) @ self.U_h + self.B_h)
            h[t] = cand + z * (hp - cand)
            self.gates[t] = z, r, cand
            scores = np.maximum(h[t] @ self.W_hid + self.B_hid, 0) @ self.W + self.B
            probs[t] = np.exp(scores - np.logaddexp.reduce(scores, axis=1, keepdims=True))
        return h, probs

    def BPTT(self, X, Y):
        h, probs = self.forward(X)
        T = X.shape[1]
        pre = h[T - 1] @ self.W_hid + self.B_hid
        e = (probs[T - 1] - Y) / Y.shape[0]
        g = {"W": np.maximum(pre, 0).T @ e, "B": e.sum(0, keepdims=True)}
        e_hid = np.heaviside(pre, 0) * (e @ self.W.T)
        g["W_hid"], g["B_hid"] = h[T - 1].T @ e_hid, e_hid.sum(0, keepdims=True)
        per_step = {k: [None] * T for k in "zrh"}
        dh = e_hid @ self.W_hid.T
        for t in reversed(range(T)):
            z, r, cand = self.gates[t]
            hp = h[t - 1]
            dc = dh * (1 - z) * (1 - cand ** 2)
            dz = dh * (hp - cand) * z * (1 - z)
            drh = dc @ self.U_h.T
            dr = drh * hp * r * (1 - r)
            per_step["z"][t], per_step["r"][t], per_step["h"][t] = (dz, hp), (dr, hp), (dc, r * hp)
            dh = dh * z + drh * r + dz @ self.U_z.T + dr @ self.U_r.T
        xs = X.transpose(1, 0, 2)
        for k, steps in per_step.items():
            D, R = np.stack([d for d, _ in steps]), np.stack([rec for _, rec in steps])
            g["W_" + k] = np.einsum("tbi,tbj->ij", xs, D)
            g["U_" + k] = np.einsum("tbi,tbj->ij", R, D)
            g["B_" + k] = D.sum(axis=(0, 1))[None, :]
        return tuple(g[k] for k in self.ORDER)
'''

_STACKED_ALT = _MULTI_LSTM_ALT + _MULTI_GRU_ALT

_DEEP_LOOP_ALT = '''


class _Stacked:
    """The dense layers and the read-out looped over (W2, B2, ..., Wn, Bn); lists from forward, a dict of
    gradients from BPTT."""

    def _build(self, input_dim, sizes, output_class):
        rng = np.random.default_rng(7)
        glorot = lambda a, b: rng.uniform(-1, 1, (a, b)) * np.sqrt(6 / (a + b))
        self.W1, self.B1, self.W1_rec = glorot(input_dim, sizes[0]), np.zeros((1, sizes[0])), glorot(sizes[0], sizes[0])
        dims = list(sizes) + [output_class]
        self.n = len(dims)
        for k in range(1, len(dims)):
            setattr(self, "W%d" % (k + 1), glorot(dims[k - 1], dims[k]))
            setattr(self, "B%d" % (k + 1), np.zeros((1, dims[k])))

    def _head(self, h):
        acts, pre = [h], []
        for k in range(2, self.n):
            pre.append(acts[-1] @ getattr(self, "W%d" % k) + getattr(self, "B%d" % k))
            acts.append(np.maximum(pre[-1], 0))
        return acts, pre, acts[-1] @ getattr(self, "W%d" % self.n) + getattr(self, "B%d" % self.n)

    def forward(self, X):
        xs, hs, ps = [], [], []
        h = np.zeros((len(X), self.W1.shape[1]))
        for t in range(X.shape[1]):
            h = np.tanh(X[:, t] @ self.W1 + h @ self.W1_rec + self.B1)
            s = self._head(h)[2]
            e = np.exp(s - s.max(1, keepdims=True))
            xs.append(X[:, t])
            hs.append(h)
            ps.append(e / e.sum(1, keepdims=True))
        return xs, hs, ps

    def BPTT(self, cache, Y):
        xs, hs, ps = ([c[t] for t in range(len(c) - (1 if -1 in c else 0))] if isinstance(c, dict) else list(c)
                      for c in cache)
        acts, pre, _ = self._head(hs[-1])
        g, d = {}, (ps[-1] - Y) / len(Y)
        for k in range(self.n, 1, -1):
            g["dW%d" % k], g["dB%d" % k] = acts[k - 2].T @ d, d.sum(0, keepdims=True)
            d = d @ getattr(self, "W%d" % k).T
            if k > 2:
                d = d * (pre[k - 3] > 0)
        g["dW1"], g["dB1"], g["dW1_rec"] = 0 * self.W1, 0 * self.B1, 0 * self.W1_rec
        for t in reversed(range(len(xs))):
            d = d * (1 - hs[t] ** 2)
            g["dW1"] = g["dW1"] + xs[t].T @ d
            g["dB1"] = g["dB1"] + d.sum(0, keepdims=True)
            if t:
                g["dW1_rec"] = g["dW1_rec"] + hs[t - 1].T @ d
            d = d @ self.W1_rec.T
        return g


class Three_Hidden_Layer_RNN(_Stacked):
    def __init__(self, input_dim=3, hidden_dim_1=128, hidden_dim_2=64, hidden_dim_3=32, seq_len=150,
                 learning_rate=1e-1, mom_coeff=0.85, batch_size=32, output_class=6):
        self._build(input_dim, (hidden_dim_1, hidden_dim_2, hidden_dim_3), output_class)


class Five_Hidden_Layer_RNN(_Stacked):
    def __init__(self, input_dim=3, hidden_dim_1=128, hidden_dim_2=64, hidden_dim_3=32, hidden_dim_4=16,
                 hidden_dim_5=8, seq_len=150, learning_rate=1e-1, mom_coeff=0.85, batch_size=32, output_class=6):
        self._build(input_dim, (hidden_dim_1, hidden_dim_2, hidden_dim_3, hidden_dim_4, hidden_dim_5), output_class)
'''

_DEEP_UNROLLED_F32 = '''


def _xavier32(a, b):
    lim = np.sqrt(6.0 / (a + b))
    return np.random.uniform(-lim, lim, (a, b)).astype(np.float32)


def _as32(model, names):
    return [np.asarray(getattr(model, n), np.float32) for n in names]


def _last_step32(model, cache, Y, names):
    """(xs, hs, the weights ``names`` in float32, the last state, the error at the last step's scores)."""
    xs, hs, ps = cache
    T = len(xs)
    return xs, hs, _as32(model, names), np.asarray(hs[T - 1], np.float32), ((ps[T - 1] - Y) / len(Y)).astype(np.float32)


def _recurrent_back32(xs, hs, dh, W1_rec, shapes):
    """dW1, dB1, dW1_rec from dh, the gradient at the last state, float32."""
    dW1, dB1, dW1_rec = (np.zeros(s, np.float32) for s in shapes)
    for t in range(len(xs) - 1, -1, -1):
        d = (dh * (1 - hs[t] ** 2)).astype(np.float32)
        dW1 += xs[t].T.astype(np.float32) @ d
        dB1 += d.sum(0, keepdims=True)
        dW1_rec += hs[t - 1].T.astype(np.float32) @ d
        dh = d @ W1_rec.T
    return dW1, dB1, dW1_rec


class Three_Hidden_Layer_RNN:
    """Every layer written out, float32."""

    def __init__(self, input_dim=3, hidden_dim_1=128, hidden_dim_2=64, hidden_dim_3=32, seq_len=150,
                 learning_rate=1e-1, mom_coeff=0.85, batch_size=32, output_class=6):
        self.W1, self.W1_rec = _xavier32(input_dim, hidden_dim_1), _xavier32(hidden_dim_1, hidden_dim_1)
        self.W2, self.W3 = _xavier32(hidden_dim_1, hidden_dim_2), _xavier32(hidden_dim_2, hidden_dim_3)
        self.W4 = _xavier32(hidden_dim_3, output_class)
        self.B1, self.B2, self.B3, self.B4 = (np.zeros((1, n), np.float32)
                                              for n in (hidden_dim_1, hidden_dim_2, hidden_dim_3, output_class))

    def forward(self, X):
        W1, W1_rec, B1, W2, B2, W3, B3, W4, B4 = _as32(self, ("W1", "W1_rec", "B1", "W2", "B2", "W3", "B3", "W4", "B4"))
        xs, hs, ps = {}, {-1: np.zeros((len(X), W1.shape[1]), np.float32)}, {}
        for t in range(X.shape[1]):
            xs[t] = X[:, t].astype(np.float32)
            hs[t] = np.tanh(xs[t] @ W1 + hs[t - 1] @ W1_rec + B1)
            a2 = np.maximum(hs[t] @ W2 + B2, 0)
            a3 = np.maximum(a2 @ W3 + B3, 0)
            ps[t] = Activations.softmax(a3 @ W4 + B4)
        return xs, hs, ps

    def BPTT(self, cache, Y):
        xs, hs, (W1_rec, W2, B2, W3, B3, W4), h, d4 = _last_step32(self, cache, Y,
                                                                 ("W1_rec", "W2", "B2", "W3", "B3", "W4"))
        z2 = h @ W2 + B2
        a2 = np.maximum(z2, 0)
        z3 = a2 @ W3 + B3
        d3 = (d4 @ W4.T) * (z3 > 0)
        d2 = (d3 @ W3.T) * (z2 > 0)
        dW1, dB1, dW1_rec = _recurrent_back32(xs, hs, d2 @ W2.T, W1_rec, (self.W1.shape, self.B1.shape, W1_rec.shape))
        return (dW1, dB1, dW1_rec, h.T @ d2, d2.sum(0, keepdims=True), a2.T @ d3, d3.sum(0, keepdims=True),
                np.maximum(z3, 0).T @ d4, d4.sum(0, keepdims=True))


class Five_Hidden_Layer_RNN:
    """Every layer written out, float32."""

    def __init__(self, input_dim=3, hidden_dim_1=128, hidden_dim_2=64, hidden_dim_3=32, hidden_dim_4=16,
                 hidden_dim_5=8, seq_len=150, learning_rate=1e-1, mom_coeff=0.85, batch_size=32, output_class=6):
        self.W1, self.W1_rec = _xavier32(input_dim, hidden_dim_1), _xavier32(hidden_dim_1, hidden_dim_1)
        self.W2, self.W3 = _xavier32(hidden_dim_1, hidden_dim_2), _xavier32(hidden_dim_2, hidden_dim_3)
        self.W4, self.W5 = _xavier32(hidden_dim_3, hidden_dim_4), _xavier32(hidden_dim_4, hidden_dim_5)
        self.W6 = _xavier32(hidden_dim_5, output_class)
        self.B1, self.B2, self.B3, self.B4, self.B5, self.B6 = (
            np.zeros((1, n), np.float32)
            for n in (hidden_dim_1, hidden_dim_2, hidden_dim_3, hidden_dim_4, hidden_dim_5, output_class))

    def _dense(self, h):
        W2, B2, W3, B3, W4, B4, W5, B5 = _as32(self, ("W2", "B2", "W3", "B3", "W4", "B4", "W5", "B5"))
        z2 = h @ W2 + B2
        z3 = np.maximum(z2, 0) @ W3 + B3
        z4 = np.maximum(z3, 0) @ W4 + B4
        z5 = np.maximum(z4, 0) @ W5 + B5
        return z2, z3, z4, z5

    def forward(self, X):
        W1, W1_rec, B1, W6, B6 = _as32(self, ("W1", "W1_rec", "B1", "W6", "B6"))
        xs, hs, ps = {}, {-1: np.zeros((len(X), W1.shape[1]), np.float32)}, {}
        for t in range(X.shape[1]):
            xs[t] = X[:, t].astype(np.float32)
            hs[t] = np.tanh(xs[t] @ W1 + hs[t - 1] @ W1_rec + B1)
            ps[t] = Activations.softmax(np.maximum(self._dense(hs[t])[3], 0) @ W6 + B6)
        return xs, hs, ps

    def BPTT(self, cache, Y):
        xs, hs, (W1_rec, W2, W3, W4, W5, W6), h, d6 = _last_step32(self, cache, Y,
                                                                 ("W1_rec", "W2", "W3", "W4", "W5", "W6"))
        z2, z3, z4, z5 = self._dense(h)
        a2, a3, a4, a5 = (np.maximum(z, 0) for z in (z2, z3, z4, z5))
        d5 = (d6 @ W6.T) * (z5 > 0)
        d4 = (d5 @ W5.T) * (z4 > 0)
        d3 = (d4 @ W4.T) * (z3 > 0)
        d2 = (d3 @ W3.T) * (z2 > 0)
        dW1, dB1, dW1_rec = _recurrent_back32(xs, hs, d2 @ W2.T, W1_rec, (self.W1.shape, self.B1.shape, W1_rec.shape))
        return [dW1, dB1, dW1_rec, h.T @ d2, d2.sum(0, keepdims=True), a2.T @ d3, d3.sum(0, keepdims=True),
                a3.T @ d4, d4.sum(0, keepdims=True), a4.T @ d5, d5.sum(0, keepdims=True), a5.T @ d6,
                d6.sum(0, keepdims=True)]
'''

VECTORISED_LISTS = "import numpy as np\n" + _ACTIVATIONS + '''

class RNN:
    def __init__(self, input_dim=3, hidden_dim=128, seq_len=150, learning_rate=1e-1, mom_coeff=0.85,
                 batch_size=32, output_class=6):
        self.learning_rate, self.mom_coeff, self.seq_len = learning_rate, mom_coeff, seq_len
        lim1 = np.sqrt(6 / (input_dim + hidden_dim))
        lim_rec = np.sqrt(6 / (2 * hidden_dim))
        lim2 = np.sqrt(6 / (hidden_dim + output_class))
        self.W1 = np.random.uniform(-lim1, lim1, (input_dim, hidden_dim))
        self.B1 = np.random.uniform(-lim1, lim1, (1, hidden_dim))
        self.W1_rec = np.random.uniform(-lim_rec, lim_rec, (hidden_dim, hidden_dim))
        self.W2 = np.random.uniform(-lim2, lim2, (hidden_dim, output_class))
        self.B2 = np.random.uniform(-lim1, lim1, (1, output_class))
        self.velocity = None

    def forward(self, X):
        xs, hs, ps = [], [], []
        h = np.zeros((X.shape[0], self.W1.shape[1]))
        for t in range(X.shape[1]):
            h = np.tanh(X[:, t, :] @ self.W1 + h @ self.W1_rec + self.B1)
            xs.append(X[:, t, :])
            hs.append(h)
            ps.append(Activations().softmax(h @ self.W2 + self.B2))
        return xs, hs, ps

    def BPTT(self, cache, Y):
        xs, hs, ps = cache
        if isinstance(xs, dict):
            xs, hs, ps = ([d[t] for t in range(len(xs))] for d in (xs, hs, ps))
        X, H = np.stack(xs), np.stack(hs)                    # (T, B, D), (T, B, H)
        H_prev = np.concatenate([np.zeros_like(H[:1]), H[:-1]])
        n = Y.shape[0]
        dy = (ps[-1] - Y) / n
        grads = {"dW2": H[-1].T @ dy, "dB2": dy.sum(0, keepdims=True)}
        dpre = np.zeros_like(H)
        dh = dy @ self.W2.T
        for t in range(len(xs) - 1, -1, -1):
            dpre[t] = dh * (1 - H[t] ** 2)
            dh = dpre[t] @ self.W1_rec.T
        grads["dW1"] = np.einsum("tbd,tbh->dh", X, dpre)
        grads["dW1_rec"] = np.einsum("tbi,tbh->ih", H_prev, dpre)
        grads["dB1"] = dpre.sum(axis=(0, 1))[None, :]
        return {k: np.clip(g, -10, 10) for k, g in grads.items()}

    def step(self, grads):
        if isinstance(grads, dict):
            grads = [grads[k] for k in ("dW1", "dB1", "dW1_rec", "dW2", "dB2")]
        names = ("W1", "B1", "W1_rec", "W2", "B2")
        if self.velocity is None:
            self.velocity = [np.zeros_like(getattr(self, k)) for k in names]
        for i, k in enumerate(names):
            self.velocity[i] = self.mom_coeff * self.velocity[i] - self.learning_rate * grads[i]
            setattr(self, k, getattr(self, k) + self.velocity[i])

    def predict(self, X):
        return np.argmax(self.forward(X)[2][-1], axis=-1)
''' + _OPTIMIZERS_IN_PLACE + _LSTM_ALT + _GRU_ALT + _MULTI_ALT + _STACKED_ALT + _DEEP_LOOP_ALT

FLOAT32 = "import numpy as np\n" + '''
class Activations:
    @staticmethod
    def ReLU(X):
        return np.maximum(X, 0).astype(np.float32)

    @staticmethod
    def sigmoid(X):
        return (1 / (1 + np.exp(-np.clip(X, -700, 700)))).astype(np.float32)

    @staticmethod
    def softmax(X):
        X = np.asarray(X, dtype=np.float32)
        e = np.exp(X - np.max(X, axis=-1, keepdims=True))
        return e / np.sum(e, axis=-1, keepdims=True)

    @staticmethod
    def tanh(X):
        return np.tanh(X).astype(np.float32)

    @staticmethod
    def dtanh(X):
        return (1 - np.tanh(X) ** 2).astype(np.float32)

    @staticmethod
    def dReLU(X):
        return (X > 0).astype(np.float32)

    @staticmethod
    def ReLU_grad(X):
        return (X > 0).astype(np.float32)


def CategoricalCrossEntropy(labels, preds):
    preds = np.clip(np.asarray(preds, dtype=np.float32), 1e-12, 1 - 1e-7)
    return np.float32(-np.mean(np.sum(labels * np.log(preds), axis=1)))


class RNN:
    def __init__(self, input_dim=3, hidden_dim=128, seq_len=150, learning_rate=1e-1, mom_coeff=0.85,
                 batch_size=32, output_class=6):
        self.learning_rate, self.mom_coeff = learning_rate, mom_coeff

        def xavier(a, b):
            lim = np.sqrt(6.0 / (a + b))
            return np.random.uniform(-lim, lim, (a, b)).astype(np.float32)
        self.W1, self.W1_rec, self.W2 = xavier(input_dim, hidden_dim), xavier(hidden_dim, hidden_dim), \\
            xavier(hidden_dim, output_class)
        self.B1 = np.zeros((1, hidden_dim), np.float32)
        self.B2 = np.zeros((1, output_class), np.float32)
        self.prev = [0, 0, 0, 0, 0]

    def forward(self, X):
        f = np.float32
        X = X.astype(f)
        W1, W1_rec, W2, B1, B2 = (np.asarray(getattr(self, k), f) for k in ("W1", "W1_rec", "W2", "B1", "B2"))
        xs, hs, ps = {}, {-1: np.zeros((X.shape[0], W1.shape[1]), f)}, {}
        for t in range(X.shape[1]):
            xs[t] = X[:, t]
            hs[t] = np.tanh(xs[t] @ W1 + hs[t - 1] @ W1_rec + B1)
            ps[t] = Activations.softmax(hs[t] @ W2 + B2)
        return xs, hs, ps

    def BPTT(self, cache, Y):
        f = np.float32
        xs, hs, ps = cache
        W1_rec, W2 = np.asarray(self.W1_rec, f), np.asarray(self.W2, f)
        T = len(xs)
        dy = ((ps[T - 1] - Y) / Y.shape[0]).astype(f)
        dW2, dB2 = hs[T - 1].T.astype(f) @ dy, dy.sum(0, keepdims=True)
        dW1 = np.zeros(self.W1.shape, f)
        dW1_rec = np.zeros(self.W1_rec.shape, f)
        dB1 = np.zeros(self.B1.shape, f)
        dh = dy @ W2.T
        for t in reversed(range(T)):
            d = ((1 - hs[t] ** 2) * dh).astype(f)
            dW1 += xs[t].T.astype(f) @ d
            dW1_rec += hs[t - 1].T.astype(f) @ d
            dB1 += d.sum(0, keepdims=True)
            dh = d @ W1_rec.T
        return [np.clip(g, -10, 10) for g in (dW1, dB1, dW1_rec, dW2, dB2)]

    def step(self, grads):
        for i, k in enumerate(("W1", "B1", "W1_rec", "W2", "B2")):
            self.prev[i] = self.mom_coeff * self.prev[i] - self.learning_rate * np.asarray(grads[i], np.float32)
            setattr(self, k, (np.asarray(getattr(self, k), np.float32) + self.prev[i]).astype(np.float32))

    def predict(self, X):
        _, _, ps = self.forward(X)
        return ps[X.shape[1] - 1].argmax(axis=1)
''' + _OPTIMIZERS_IN_PLACE.replace("mom_coeff * velocities[i]", "velocities[i] * mom_coeff") + _LSTM_ALT + _GRU_ALT + _MULTI_ALT + _STACKED_ALT \
    + _DEEP_UNROLLED_F32

TRANSPOSED = "import numpy as np\n" + _ACTIVATIONS.replace(
    "    preds = np.clip(preds, 1e-12, 1 - 1e-12)\n    return -np.sum(labels * np.log(preds)) / len(labels)",
    "    preds = np.clip(preds, 1e-12, 1 - 1e-12)\n    return -np.sum(labels * np.log(preds + 1e-9)) / labels.shape[0]"
) + '''

class RNN:
    """Column-major inside: Wxh (H, D), Whh (H, H), Why (K, H), bh (H, 1), by (K, 1)."""

    def __init__(self, input_dim=3, hidden_dim=128, seq_len=150, learning_rate=1e-1, mom_coeff=0.85,
                 batch_size=32, output_class=6):
        np.random.seed(150)
        self.lr, self.mom = learning_rate, mom_coeff
        lim = lambda a, b: np.sqrt(6 / (a + b))
        self.Wxh = np.random.uniform(-1, 1, (hidden_dim, input_dim)) * lim(input_dim, hidden_dim)
        self.Whh = np.random.uniform(-1, 1, (hidden_dim, hidden_dim)) * lim(hidden_dim, hidden_dim)
        self.Why = np.random.uniform(-1, 1, (output_class, hidden_dim)) * lim(hidden_dim, output_class)
        self.bh, self.by = np.zeros((hidden_dim, 1)), np.zeros((output_class, 1))
        self.updates = {}

    W1 = property(lambda self: self.Wxh.T, lambda self, v: setattr(self, "Wxh", np.array(v).T))
    W1_rec = property(lambda self: self.Whh.T, lambda self, v: setattr(self, "Whh", np.array(v).T))
    W2 = property(lambda self: self.Why.T, lambda self, v: setattr(self, "Why", np.array(v).T))
    B1 = property(lambda self: self.bh.T, lambda self, v: setattr(self, "bh", np.array(v).T))
    B2 = property(lambda self: self.by.T, lambda self, v: setattr(self, "by", np.array(v).T))

    def forward(self, X):
        X_state, hidden_state, probs = {}, {}, {}
        hidden_state[-1] = np.zeros((X.shape[0], self.Whh.shape[0]))
        for t in range(X.shape[1]):
            X_state[t] = X[:, t, :]
            h_col = np.tanh(self.Wxh @ X_state[t].T + self.Whh @ hidden_state[t - 1].T + self.bh)
            hidden_state[t] = h_col.T
            probs[t] = Activations().softmax((self.Why @ h_col + self.by).T)
        return X_state, hidden_state, probs

    def BPTT(self, cache, Y):
        X_state, hidden_state, probs = cache
        T, n = len(X_state), Y.shape[0]
        dy = (probs[T - 1] - Y).T / n                     # (K, B)
        dWhy, dby = dy @ hidden_state[T - 1], dy.sum(axis=1, keepdims=True)
        dWxh, dWhh, dbh = np.zeros_like(self.Wxh), np.zeros_like(self.Whh), np.zeros_like(self.bh)
        dh = self.Why.T @ dy                              # (H, B)
        for t in range(T - 1, -1, -1):
            draw = (1 - hidden_state[t].T ** 2) * dh
            dWxh += draw @ X_state[t]
            dWhh += draw @ hidden_state[t - 1]
            dbh += draw.sum(axis=1, keepdims=True)
            dh = self.Whh.T @ draw
        return [np.clip(g, -10, 10) for g in (dWxh.T, dbh.T, dWhh.T, dWhy.T, dby.T)]

    def step(self, grads):
        for name, g in zip(("Wxh", "bh", "Whh", "Why", "by"), grads):
            delta = -self.lr * np.asarray(g).T + self.mom * self.updates.get(name, 0)
            setattr(self, name, getattr(self, name) + delta)
            self.updates[name] = delta

    def predict(self, X):
        probs = self.forward(X)[2]
        return np.argmax(probs[max(probs)], axis=1)
''' + _OPTIMIZERS_IN_PLACE + _LSTM_ALT + _GRU_ALT + _MULTI_ALT + _STACKED_ALT + _DEEP_LOOP_ALT

ALTERNATIVES: tuple[Variant, ...] = (
    whole_module(REFERENCE, "vectorised_bptt_lists", VECTORISED_LISTS,
                 "lists instead of dicts, a BPTT on stacked (T, B, H) arrays returning a dict, clipping, "
                 "Xavier-drawn biases, in-place optimizers"),
    whole_module(REFERENCE, "float32_static_activations", FLOAT32,
                 "parameters and computation in float32, static-method activations"),
    whole_module(REFERENCE, "transposed_weights_properties", TRANSPOSED,
                 "weights stored transposed (column vectors inside) behind properties with the README's "
                 "names; the course's double-epsilon cross-entropy"),
)
