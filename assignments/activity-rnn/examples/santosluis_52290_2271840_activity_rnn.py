"""Activity recognition, question 3: a recurrent net in numpy.

Luis Santos. Hidden states and probabilities are kept in lists (index t); BPTT takes either.
"""
import numpy as np

CLASSES = ["downstairs", "jogging", "sitting", "standing", "upstairs", "walking"]


class Activations:
    @staticmethod
    def ReLU(X):
        return np.maximum(0, X)

    @staticmethod
    def sigmoid(X):
        return 0.5 * (1 + np.tanh(0.5 * np.clip(X, -700, 700)))

    @staticmethod
    def softmax(X):
        z = X - X.max(axis=-1, keepdims=True)
        return np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)

    @staticmethod
    def tanh(X):
        return np.tanh(X)

    @staticmethod
    def dtanh(X):
        return 1.0 / np.cosh(X) ** 2

    @staticmethod
    def dReLU(X):
        return (X > 0) * 1.0

    @staticmethod
    def ReLU_grad(X):
        return np.heaviside(X, 0.0)


def CategoricalCrossEntropy(labels, preds):
    p = np.clip(preds, 1e-12, 1 - 1e-12)
    return float(np.mean(-np.sum(labels * np.log(p), axis=1)))


def as_lists(cache):
    """(xs, hs, ps) as lists indexed by t, from lists or from dicts keyed by t (hs[-1] the start)."""
    return ([c[t] for t in range(len(c) - (1 if -1 in c else 0))] if isinstance(c, dict) else list(c)
            for c in cache)


class RNN:
    def __init__(self, input_dim=3, hidden_dim=128, seq_len=150, learning_rate=1e-1, mom_coeff=0.85,
                 batch_size=32, output_class=6):
        self.learning_rate, self.mom_coeff = learning_rate, mom_coeff
        self.seq_len, self.batch_size = seq_len, batch_size
        rng = np.random.default_rng(7)

        def glorot(n_in, n_out):
            r = np.sqrt(6.0 / (n_in + n_out))
            return rng.uniform(-r, r, size=(n_in, n_out))

        self.W1, self.W1_rec, self.W2 = glorot(input_dim, hidden_dim), glorot(hidden_dim, hidden_dim), \
            glorot(hidden_dim, output_class)
        self.B1, self.B2 = np.zeros((1, hidden_dim)), np.zeros((1, output_class))
        self.velocity = {}

    def forward(self, X):
        xs, hs, ps = [], [], []
        h = np.zeros((len(X), self.W1_rec.shape[0]))
        for t in range(X.shape[1]):
            x = X[:, t, :]
            h = np.tanh(np.dot(x, self.W1) + np.dot(h, self.W1_rec) + self.B1)
            xs.append(x)
            hs.append(h)
            ps.append(Activations.softmax(np.dot(h, self.W2) + self.B2))
        return xs, hs, ps

    def BPTT(self, cache, Y):
        xs, hs, ps = as_lists(cache)
        delta_out = (ps[-1] - Y) / len(Y)
        grads = {"W2": hs[-1].T.dot(delta_out), "B2": delta_out.sum(0, keepdims=True)}
        self.through_time(xs, hs, delta_out.dot(self.W2.T), grads)
        return [grads[k] for k in ("W1", "B1", "W1_rec", "W2", "B2")]

    def through_time(self, xs, hs, dh, grads):
        """dW1, dB1, dW1_rec into grads, from dh, the loss's gradient at the last state."""
        grads.update(W1=0.0, B1=0.0, W1_rec=0.0)
        for t in range(len(xs) - 1, -1, -1):
            dz = dh * (1.0 - hs[t] * hs[t])
            h_prev = hs[t - 1] if t > 0 else np.zeros_like(hs[0])
            grads["W1"] = grads["W1"] + xs[t].T.dot(dz)
            grads["W1_rec"] = grads["W1_rec"] + h_prev.T.dot(dz)
            grads["B1"] = grads["B1"] + dz.sum(0, keepdims=True)
            dh = dz.dot(self.W1_rec.T)

    def step(self, grads):
        for name, g in zip(("W1", "B1", "W1_rec", "W2", "B2"), grads):
            v = self.mom_coeff * self.velocity.get(name, 0.0) - self.learning_rate * g
            self.velocity[name] = v
            setattr(self, name, getattr(self, name) + v)

    def predict(self, X):
        return self.forward(X)[2][-1].argmax(axis=1)


def SGD(params, grads, velocities, learning_rate, mom_coeff):
    for i, g in enumerate(grads):
        velocities[i] = mom_coeff * velocities[i] - learning_rate * g
        params[i] = params[i] + velocities[i]
    return params, velocities


def AdaGrad(params, grads, cache, learning_rate):
    for i, g in enumerate(grads):
        cache[i] = cache[i] + g * g
        params[i] = params[i] - learning_rate * g / (np.sqrt(cache[i]) + 1e-6)
    return params, cache


def RMSprop(params, grads, cache, learning_rate, decay=0.9):
    for i, g in enumerate(grads):
        cache[i] = decay * cache[i] + (1 - decay) * g * g
        params[i] = params[i] - learning_rate * g / (np.sqrt(cache[i]) + 1e-6)
    return params, cache


def Adam(params, grads, m, v, t, learning_rate, beta1=0.9, beta2=0.999):
    for i, g in enumerate(grads):
        m[i] = beta1 * m[i] + (1 - beta1) * g
        v[i] = beta2 * v[i] + (1 - beta2) * g * g
        step = learning_rate * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
        params[i] = params[i] - step * m[i] / (np.sqrt(v[i]) + 1e-8 * np.sqrt(1 - beta2 ** t))
    return params, m, v


def VanillaAdam(params, grads, m, v, learning_rate, beta1=0.9, beta2=0.999):
    for i, g in enumerate(grads):
        m[i] = beta1 * m[i] + (1 - beta1) * g
        v[i] = beta2 * v[i] + (1 - beta2) * g * g
        params[i] = params[i] - learning_rate * m[i] / (np.sqrt(v[i]) + 1e-8)
    return params, m, v


class Momentum:
    """step(grads): SGD with momentum on the parameters named in ORDER, the order of BPTT's gradients."""

    def step(self, grads):
        for k, (n, gr) in enumerate(zip(self.ORDER, grads)):
            self.moments[k] = self.mu * self.moments[k] - self.lr * np.asarray(gr)
            setattr(self, n, getattr(self, n) + self.moments[k])


class LSTM(Momentum):
    GATES = ("f", "i", "c", "o")
    ORDER = ("W_f", "B_f", "W_i", "B_i", "W_c", "B_c", "W_o", "B_o", "W", "B")

    def __init__(self, input_dim=3, hidden_dim=100, output_class=6, seq_len=150, batch_size=30,
                 learning_rate=1e-1, mom_coeff=0.85):
        rng = np.random.default_rng(11)
        r = np.sqrt(6.0 / (input_dim + hidden_dim + hidden_dim))
        for g in self.GATES:
            setattr(self, "W_" + g, rng.uniform(-r, r, (input_dim + hidden_dim, hidden_dim)))
            setattr(self, "B_" + g, np.zeros((1, hidden_dim)))
        r = np.sqrt(6.0 / (hidden_dim + output_class))
        self.W, self.B = rng.uniform(-r, r, (hidden_dim, output_class)), np.zeros((1, output_class))
        self.lr, self.mu, self.moments = learning_rate, mom_coeff, [0.0] * len(self.ORDER)

    def _gates(self, z):
        pre = {g: z.dot(getattr(self, "W_" + g)) + getattr(self, "B_" + g) for g in self.GATES}
        return {g: (np.tanh(a) if g == "c" else Activations.sigmoid(a)) for g, a in pre.items()}

    def forward(self, X):
        H = self.W_f.shape[1]
        hs, cs, ps = [np.zeros((len(X), H))], [np.zeros((len(X), H))], []
        self.trace = []
        for t in range(X.shape[1]):
            z = np.concatenate((X[:, t, :], hs[-1]), axis=1)
            a = self._gates(z)
            cs.append(a["f"] * cs[-1] + a["i"] * a["c"])
            hs.append(a["o"] * np.tanh(cs[-1]))
            ps.append(Activations.softmax(self._read(hs[-1])))
            self.trace.append((z, a))
        return hs, cs, ps      # states with the zero initial state first

    def _read(self, h):
        return h.dot(self.W) + self.B

    def _read_back(self, h, delta, grads):
        """The read-out's gradients into grads; returns d loss / d h."""
        grads["W"], grads["B"] = h.T.dot(delta), delta.sum(0, keepdims=True)
        return delta.dot(self.W.T)

    def BPTT(self, X, Y):
        hs, cs, ps = self.forward(X)
        grads = {}
        for g in self.GATES:
            grads["W_" + g] = np.zeros_like(self.W_f)
            grads["B_" + g] = np.zeros_like(self.B_f)
        dh, dc = self._read_back(hs[-1], (ps[-1] - Y) / len(Y), grads), np.zeros_like(hs[0])
        for t in range(X.shape[1] - 1, -1, -1):
            z, a = self.trace[t]
            tc = np.tanh(cs[t + 1])
            dc = dc + dh * a["o"] * (1 - tc * tc)
            d = {"o": dh * tc * a["o"] * (1 - a["o"]), "c": dc * a["i"] * (1 - a["c"] ** 2),
                 "i": dc * a["c"] * a["i"] * (1 - a["i"]), "f": dc * cs[t] * a["f"] * (1 - a["f"])}
            dz = sum(d[g].dot(getattr(self, "W_" + g).T) for g in self.GATES)
            for g in self.GATES:
                grads["W_" + g] += z.T.dot(d[g])
                grads["B_" + g] += d[g].sum(0, keepdims=True)
            dh, dc = dz[:, X.shape[2]:], dc * a["f"]
        return [grads[k] for k in self.ORDER]


class Multi_Layer_RNN(RNN):
    """The RNN's recurrent layer, then a dense ReLU layer, then softmax."""

    def __init__(self, input_dim=3, hidden_dim_1=128, hidden_dim_2=64, seq_len=150, learning_rate=1e-1,
                 mom_coeff=0.85, batch_size=32, output_class=6):
        super().__init__(input_dim, hidden_dim_1, seq_len, learning_rate, mom_coeff, batch_size, hidden_dim_2)
        r = np.sqrt(6.0 / (hidden_dim_2 + output_class))
        self.W3 = np.random.default_rng(3).uniform(-r, r, (hidden_dim_2, output_class))
        self.B3 = np.zeros((1, output_class))

    def forward(self, X):
        xs, hs, dense = RNN.forward(self, X)      # the parent's softmax is not wanted here: recompute
        ps = [Activations.softmax(Activations.ReLU(h.dot(self.W2) + self.B2).dot(self.W3) + self.B3) for h in hs]
        return xs, hs, ps

    def BPTT(self, cache, Y):
        xs, hs, ps = as_lists(cache)
        z = hs[-1].dot(self.W2) + self.B2
        delta3 = (ps[-1] - Y) / len(Y)
        delta2 = delta3.dot(self.W3.T) * Activations.ReLU_grad(z)
        out = {"W3": Activations.ReLU(z).T.dot(delta3), "B3": delta3.sum(0, keepdims=True),
               "W2": hs[-1].T.dot(delta2), "B2": delta2.sum(0, keepdims=True)}
        self.through_time(xs, hs, delta2.dot(self.W2.T), out)
        return [out[k] for k in ("W1", "B1", "W1_rec", "W2", "B2", "W3", "B3")]


class DeepRNN(RNN):
    """The RNN's layer, then dense ReLU layers W2 .. W(depth - 1), then the read-out W(depth), B(depth)."""

    def make(self, input_dim, widths, output_class, seed):
        rng = np.random.default_rng(seed)
        sizes = [input_dim, *widths, output_class]
        limits = [np.sqrt(6.0 / (a + b)) for a, b in zip(sizes, sizes[1:])]
        self.W1, self.B1 = rng.uniform(-limits[0], limits[0], (input_dim, widths[0])), np.zeros((1, widths[0]))
        r = np.sqrt(3.0 / widths[0])
        self.W1_rec = rng.uniform(-r, r, (widths[0], widths[0]))
        self.depth = len(sizes) - 1
        for k in range(2, self.depth + 1):
            setattr(self, "W%d" % k, rng.uniform(-limits[k - 1], limits[k - 1], (sizes[k - 1], sizes[k])))
            setattr(self, "B%d" % k, np.zeros((1, sizes[k])))

    def mlp(self, h):
        """The dense layers' inputs, and what each layer multiplies (h first), for states h."""
        zs, acts = [], [h]
        for k in range(2, self.depth):
            zs.append(acts[-1].dot(getattr(self, "W%d" % k)) + getattr(self, "B%d" % k))
            acts.append(Activations.ReLU(zs[-1]))
        return zs, acts

    def forward(self, X):
        xs, hs, _ = RNN.forward(self, X)
        W, B = getattr(self, "W%d" % self.depth), getattr(self, "B%d" % self.depth)
        return xs, hs, [Activations.softmax(self.mlp(h)[1][-1].dot(W) + B) for h in hs]

    def BPTT(self, cache, Y):
        xs, hs, ps = as_lists(cache)
        zs, acts = self.mlp(hs[-1])
        delta, out = (ps[-1] - Y) / len(Y), {}
        for k in range(self.depth, 1, -1):
            out["W%d" % k], out["B%d" % k] = acts[k - 2].T.dot(delta), delta.sum(0, keepdims=True)
            delta = delta.dot(getattr(self, "W%d" % k).T)
            if k > 2:
                delta = delta * Activations.ReLU_grad(zs[k - 3])
        self.through_time(xs, hs, delta, out)
        return [out[k] for k in ["W1", "B1", "W1_rec"] + ["%s%d" % (w, k) for k in range(2, self.depth + 1) for w in "WB"]]


class Three_Hidden_Layer_RNN(DeepRNN):
    def __init__(self, input_dim=3, hidden_dim_1=128, hidden_dim_2=64, hidden_dim_3=32, seq_len=150,
                 learning_rate=1e-1, mom_coeff=0.85, batch_size=32, output_class=6):
        self.make(input_dim, (hidden_dim_1, hidden_dim_2, hidden_dim_3), output_class, seed=3)


class Five_Hidden_Layer_RNN(DeepRNN):
    def __init__(self, input_dim=3, hidden_dim_1=128, hidden_dim_2=64, hidden_dim_3=32, hidden_dim_4=16,
                 hidden_dim_5=8, seq_len=150, learning_rate=1e-1, mom_coeff=0.85, batch_size=32, output_class=6):
        self.make(input_dim, (hidden_dim_1, hidden_dim_2, hidden_dim_3, hidden_dim_4, hidden_dim_5), output_class,
                  seed=5)


class GRU(Momentum):
    """z keeps the old state, r scales it before U_h."""

    ORDER = ("W", "B", "W_z", "U_z", "B_z", "W_r", "U_r", "B_r", "W_h", "U_h", "B_h")

    def __init__(self, input_dim=3, hidden_dim=128, output_class=6, seq_len=150, batch_size=32,
                 learning_rate=1e-1, mom_coeff=0.85):
        rng = np.random.default_rng(32)
        self.lr, self.mu = learning_rate, mom_coeff
        for g in "zrh":
            r = np.sqrt(6.0 / (input_dim + hidden_dim))
            setattr(self, "W_" + g, rng.uniform(-r, r, (input_dim, hidden_dim)))
            r = np.sqrt(3.0 / hidden_dim)
            setattr(self, "U_" + g, rng.uniform(-r, r, (hidden_dim, hidden_dim)))
            setattr(self, "B_" + g, np.zeros((1, hidden_dim)))
        r = np.sqrt(6.0 / (hidden_dim + output_class))
        self.W, self.B = rng.uniform(-r, r, (hidden_dim, output_class)), np.zeros((1, output_class))
        self.moments = [0.0] * len(self.ORDER)

    @staticmethod
    def _s(a):
        return np.exp(-np.logaddexp(0.0, -a))

    def _unroll(self, X):
        H = self.U_h.shape[1]
        hs, zs, rs, cs = [np.zeros((len(X), H))], [], [], []
        for t in range(X.shape[1]):
            x, hp = X[:, t, :], hs[-1]
            zs.append(self._s(x @ self.W_z + hp @ self.U_z + self.B_z))
            rs.append(self._s(x @ self.W_r + hp @ self.U_r + self.B_r))
            cs.append(np.tanh(x @ self.W_h + (rs[-1] * hp) @ self.U_h + self.B_h))
            hs.append(zs[-1] * hp + (1.0 - zs[-1]) * cs[-1])
        return hs, zs, rs, cs

    def _read(self, h):
        return h @ self.W + self.B

    def _read_back(self, h, e, out):
        out["W"], out["B"] = h.T @ e, e.sum(0, keepdims=True)
        return e @ self.W.T

    def forward(self, X):
        hs = self._unroll(X)[0]
        scores = [self._read(h) for h in hs[1:]]
        return hs, [np.exp(s - s.max(1, keepdims=True)) / np.exp(s - s.max(1, keepdims=True)).sum(1, keepdims=True)
                    for s in scores]

    def BPTT(self, X, Y):
        hs, zs, rs, cs = self._unroll(X)
        p = self.forward(X)[1][-1]
        out = {n: np.zeros_like(getattr(self, n)) for n in self.ORDER}
        g = self._read_back(hs[-1], (p - Y) / Y.shape[0], out)
        for t in range(X.shape[1] - 1, -1, -1):
            x, hp, z, r, c = X[:, t, :], hs[t], zs[t], rs[t], cs[t]
            ac = g * (1.0 - z) * (1.0 - c ** 2)
            az = g * (hp - c) * z * (1.0 - z)
            back = ac @ self.U_h.T
            ar = back * hp * r * (1.0 - r)
            for k, a, rec in (("h", ac, r * hp), ("z", az, hp), ("r", ar, hp)):
                out["W_" + k] += x.T @ a
                out["U_" + k] += rec.T @ a
                out["B_" + k] += a.sum(0, keepdims=True)
            g = g * z + back * r + az @ self.U_z.T + ar @ self.U_r.T
        return [out[n] for n in self.ORDER]


class DenseHead:
    """A dense ReLU layer (W_hid, B_hid) before the read-out (W, B), for the LSTM and the GRU below."""

    def _make_head(self, n_hidden, n_dense, n_out, seed):
        rng = np.random.default_rng(seed)
        r1, r2 = np.sqrt(6.0 / (n_hidden + n_dense)), np.sqrt(6.0 / (n_dense + n_out))
        self.W_hid, self.B_hid = rng.uniform(-r1, r1, (n_hidden, n_dense)), np.zeros((1, n_dense))
        self.W, self.B = rng.uniform(-r2, r2, (n_dense, n_out)), np.zeros((1, n_out))

    def _read(self, h):
        return Activations.ReLU(h.dot(self.W_hid) + self.B_hid).dot(self.W) + self.B

    def _read_back(self, h, delta, grads):
        pre = h.dot(self.W_hid) + self.B_hid
        grads["W"], grads["B"] = Activations.ReLU(pre).T.dot(delta), delta.sum(0, keepdims=True)
        back = delta.dot(self.W.T) * Activations.dReLU(pre)
        grads["W_hid"], grads["B_hid"] = h.T.dot(back), back.sum(0, keepdims=True)
        return back.dot(self.W_hid.T)


class Multi_Layer_LSTM(DenseHead, LSTM):
    ORDER = LSTM.ORDER[:-2] + ("W_hid", "B_hid", "W", "B")

    def __init__(self, input_dim=3, hidden_dim_1=128, hidden_dim_2=64, output_class=6, seq_len=150, batch_size=30,
                 learning_rate=1e-1, mom_coeff=0.85):
        LSTM.__init__(self, input_dim, hidden_dim_1, output_class, seq_len, batch_size, learning_rate, mom_coeff)
        self._make_head(hidden_dim_1, hidden_dim_2, output_class, seed=12)


class Multi_layer_GRU(DenseHead, GRU):
    ORDER = GRU.ORDER[:2] + ("W_hid", "B_hid") + GRU.ORDER[2:]

    def __init__(self, input_dim=3, hidden_dim_1=128, hidden_dim_2=64, output_class=6, seq_len=150, batch_size=32,
                 learning_rate=1e-1, mom_coeff=0.85):
        GRU.__init__(self, input_dim, hidden_dim_1, output_class, seq_len, batch_size, learning_rate, mom_coeff)
        self._make_head(hidden_dim_1, hidden_dim_2, output_class, seed=33)
