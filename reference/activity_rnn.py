"""Reference for the assignment ``activity-rnn``: human activity recognition from 3-axis
accelerometer series with a recurrent net written in numpy, backpropagation through time by hand.

Conventions (row vectors, batch first, as the course's code has them):

- ``X`` is (B, T, D); labels ``Y`` are one-hot (B, K);
- parameters W1 (D, H), B1 (1, H), W1_rec (H, H), W2 (H, K), B2 (1, K), Xavier-uniform weights
  U(-b, b) with b = sqrt(6 / (fan_in + fan_out)), biases zero;
- h_{-1} = 0, h_t = tanh(x_t W1 + h_{t-1} W1_rec + B1), p_t = softmax(h_t W2 + B2); the class is
  read at the LAST step only (many-to-one);
- ``forward`` returns ``(X_state, hidden_state, probs)``, dicts keyed by step t (``hidden_state[-1]``
  is the zero initial state);
- the loss is the mean over the batch of the cross-entropy of the last step, and ``BPTT`` returns
  its exact gradients ``[dW1, dB1, dW1_rec, dW2, dB2]`` (the order of the parameters), each clipped
  element-wise to [-10, 10] (the course's guard; the grader's cases stay below 9.5);
- ``step`` is SGD with momentum: delta = -learning_rate * g + mom_coeff * delta_prev; theta += delta.

``Multi_Layer_RNN`` puts a dense ReLU layer between the recurrent layer and the softmax (W2 (H1, H2),
B2, W3 (H2, K), B3), with the same forward convention, and ``BPTT`` returns its seven gradients in the
order of ``MULTI_PARAMETERS``; it uses ``Activations().ReLU_grad``, as the course's did.

The LSTM stacks z_t = [x_t, h_{t-1}] (x first) for its gates f, i, c~, o (W_* (D + H, H), B_* (1, H)),
C_t = f C_{t-1} + i c~, h_t = o tanh(C_t), read by W (H, K), B (1, K) at the last step; ``forward``
returns ``(hidden_state, cell_state, probs)`` dicts keyed by t, and ``BPTT(X, Y)`` recomputes the
forward and returns the exact gradients of the same loss, in the order of ``LSTM_PARAMETERS``,
clipped to [-15, 15] (the course's LSTM guard).

The GRU (``GRU_PARAMETERS``: W, B, then W_*, U_*, B_* for z, r, h) keeps the old state with z,
h_t = z h_{t-1} + (1 - z) h~, and applies the reset gate to h_{t-1} before U_h:
h~ = tanh(x_t W_h + (r h_{t-1}) U_h + B_h); ``forward`` returns ``(hidden_state, probs)`` dicts keyed
by t, ``BPTT(X, Y)`` the eleven gradients of the same loss in the order of ``GRU_PARAMETERS``, clipped
to [-15, 15], and ``step(grads)`` is SGD with momentum over all eleven parameters.

``Multi_Layer_LSTM`` and ``Multi_layer_GRU`` are the LSTM and the GRU (hidden_dim_1) with a dense ReLU
layer W_hid (H1, H2), B_hid (1, H2) between the state and the read-out W (H2, K), B (1, K):
p_t = softmax(ReLU(h_t W_hid + B_hid) W + B). Their ``forward`` and ``BPTT(X, Y)`` follow the LSTM's and
the GRU's; BPTT returns the gradients in the order of ``MULTI_LSTM_PARAMETERS`` (the gates, W_hid,
B_hid, W, B) and ``MULTI_GRU_PARAMETERS`` (W, B, W_hid, B_hid, the gates: the course's order). Their
dense layer's derivative is exactly 0 or 1 (``dReLU``, as the course's multi-layer LSTM and GRU had it).

``Three_Hidden_Layer_RNN`` (hidden_dim_1..3) and ``Five_Hidden_Layer_RNN`` (hidden_dim_1..5) are the RNN's
recurrent layer (W1, B1, W1_rec), then dense ReLU layers W2, B2, ..., then the softmax read-out (W4, B4 and W6,
B6): p_t = softmax(ReLU(... ReLU(h_t W2 + B2) ...) W_last + B_last) at every step. Their ``forward`` and
``BPTT(cache, Y)`` follow Multi_Layer_RNN's: the loss is still the mean cross-entropy of the LAST step
(many-to-one, as for every model here, not the course's per-step loss), the gradients come in the order of the
parameters, and the dense layers' derivative is ``Activations().ReLU_grad``.

``Multi_Layer_LSTM`` and the GRUs have ``step(grads)``, SGD with momentum over all their parameters in the
order of BPTT's gradients, as the RNN's ``step``.

The optimizers are plain functions of (parameters, gradients, state) that return the new
parameters and state, one list entry per parameter.
"""

from __future__ import annotations

import numpy as np

CLIP = 10.0


class Activations:
    """Element-wise activations and their derivatives (derivatives of the pre-activation X)."""

    def __init__(self):
        """Stateless: every method is a function of its argument alone."""

    def ReLU(self, X):
        return np.maximum(X, 0.0)

    def sigmoid(self, X):
        return 1.0 / (1.0 + np.exp(-np.clip(X, -700, 700)))

    def softmax(self, X):
        """Along the last axis, stable: the row's maximum is subtracted before exp."""
        e = np.exp(X - np.max(X, axis=-1, keepdims=True))
        return e / np.sum(e, axis=-1, keepdims=True)

    def tanh(self, X):
        return np.tanh(X)

    def dtanh(self, X):
        return 1.0 - np.tanh(X) ** 2

    def dReLU(self, X):
        return np.where(X <= 0, 0.0, 1.0)

    def ReLU_grad(self, X):
        """1 where X > 0, else 0; a new array (X is left as it is)."""
        return (np.asarray(X) > 0).astype(np.float64)


def CategoricalCrossEntropy(labels, preds):
    """Mean over the samples (rows) of -sum_k labels * log(preds), preds clipped to [1e-12, 1 - 1e-12]."""
    preds = np.clip(preds, 1e-12, 1.0 - 1e-12)
    return float(-np.sum(labels * np.log(preds)) / labels.shape[0])


class RNN:
    """One tanh recurrent layer read by a softmax at the last step, trained by SGD with momentum."""

    def __init__(self, input_dim=3, hidden_dim=128, seq_len=150, learning_rate=1e-1, mom_coeff=0.85,
                 batch_size=32, output_class=6):
        self.input_dim, self.hidden_dim, self.seq_len = input_dim, hidden_dim, seq_len
        self.learning_rate, self.mom_coeff = learning_rate, mom_coeff
        self.batch_size, self.output_class = batch_size, output_class

        def xavier(fan_in, fan_out):
            bound = np.sqrt(6.0 / (fan_in + fan_out))
            return np.random.uniform(-bound, bound, (fan_in, fan_out))

        self.W1 = xavier(input_dim, hidden_dim)
        self.B1 = np.zeros((1, hidden_dim))
        self.W1_rec = xavier(hidden_dim, hidden_dim)
        self.W2 = xavier(hidden_dim, output_class)
        self.B2 = np.zeros((1, output_class))
        self.previous_updates = [0.0] * 5

    def forward(self, X):
        """X (B, T, D) -> (X_state, hidden_state, probs), dicts keyed by t; hidden_state[-1] = 0."""
        act = Activations()
        X_state, hidden_state, probs = {}, {-1: np.zeros((X.shape[0], self.W1.shape[1]))}, {}
        for t in range(X.shape[1]):
            X_state[t] = X[:, t]
            hidden_state[t] = np.tanh(X_state[t] @ self.W1 + hidden_state[t - 1] @ self.W1_rec + self.B1)
            probs[t] = act.softmax(hidden_state[t] @ self.W2 + self.B2)
        return X_state, hidden_state, probs

    def BPTT(self, cache, Y):
        """Gradients [dW1, dB1, dW1_rec, dW2, dB2] of the mean cross-entropy of the last step."""
        X_state, hidden_state, probs = cache
        last = len(X_state) - 1
        batch = Y.shape[0]
        dy = (probs[last] - Y) / batch
        dW2 = hidden_state[last].T @ dy
        dB2 = np.sum(dy, axis=0, keepdims=True)
        dW1, dB1, dW1_rec = np.zeros_like(self.W1), np.zeros_like(self.B1), np.zeros_like(self.W1_rec)
        dh = dy @ self.W2.T                       # only h_last sees the output
        for t in reversed(range(last + 1)):
            draw = (1.0 - hidden_state[t] ** 2) * dh
            dB1 += np.sum(draw, axis=0, keepdims=True)
            dW1 += X_state[t].T @ draw
            dW1_rec += hidden_state[t - 1].T @ draw
            dh = draw @ self.W1_rec.T
        return [np.clip(g, -CLIP, CLIP) for g in (dW1, dB1, dW1_rec, dW2, dB2)]

    def step(self, grads):
        """SGD with momentum on [W1, B1, W1_rec, W2, B2], in place."""
        params = (self.W1, self.B1, self.W1_rec, self.W2, self.B2)
        for i, (param, grad) in enumerate(zip(params, grads)):
            delta = -self.learning_rate * grad + self.mom_coeff * self.previous_updates[i]
            param += delta
            self.previous_updates[i] = delta

    def predict(self, X):
        """The class of each sequence: the argmax of the last step's probabilities."""
        _, _, probs = self.forward(X)
        return np.argmax(probs[X.shape[1] - 1], axis=1)


# --- RNN, then a dense ReLU layer, then softmax -------------------------------------------------------------
MULTI_PARAMETERS = ("W1", "B1", "W1_rec", "W2", "B2", "W3", "B3")


class Multi_Layer_RNN:
    """The RNN's recurrent layer (W1, B1, W1_rec), then a dense ReLU layer h_t W2 + B2 (H1 -> H2), then a
    softmax read-out W3 (H2, K), B3 (1, K); the class is read at the last step."""

    def __init__(self, input_dim=3, hidden_dim_1=128, hidden_dim_2=64, seq_len=150, learning_rate=1e-1,
                 mom_coeff=0.85, batch_size=32, output_class=6):
        self.seq_len, self.batch_size = seq_len, batch_size
        self.learning_rate, self.mom_coeff = learning_rate, mom_coeff

        def xavier(fan_in, fan_out):
            bound = np.sqrt(6.0 / (fan_in + fan_out))
            return np.random.uniform(-bound, bound, (fan_in, fan_out))

        self.W1, self.B1 = xavier(input_dim, hidden_dim_1), np.zeros((1, hidden_dim_1))
        self.W1_rec = xavier(hidden_dim_1, hidden_dim_1)
        self.W2, self.B2 = xavier(hidden_dim_1, hidden_dim_2), np.zeros((1, hidden_dim_2))
        self.W3, self.B3 = xavier(hidden_dim_2, output_class), np.zeros((1, output_class))

    def forward(self, X):
        """X (B, T, D) -> (X_state, hidden_state, probs), dicts keyed by t; the dense layer and the
        softmax are applied at every step, hidden_state[-1] = 0."""
        act = Activations()
        X_state, hidden_state, probs = {}, {-1: np.zeros((X.shape[0], self.W1.shape[1]))}, {}
        for t in range(X.shape[1]):
            X_state[t] = X[:, t]
            hidden_state[t] = np.tanh(X_state[t] @ self.W1 + hidden_state[t - 1] @ self.W1_rec + self.B1)
            probs[t] = act.softmax(act.ReLU(hidden_state[t] @ self.W2 + self.B2) @ self.W3 + self.B3)
        return X_state, hidden_state, probs

    def BPTT(self, cache, Y):
        """Gradients [dW1, dB1, dW1_rec, dW2, dB2, dW3, dB3] of the mean cross-entropy of the last step."""
        act = Activations()
        X_state, hidden_state, probs = cache
        last = len(X_state) - 1
        dense_in = hidden_state[last] @ self.W2 + self.B2
        dy = (probs[last] - Y) / Y.shape[0]
        dW3, dB3 = act.ReLU(dense_in).T @ dy, np.sum(dy, axis=0, keepdims=True)
        d_dense = (dy @ self.W3.T) * act.ReLU_grad(dense_in)
        dW2, dB2 = hidden_state[last].T @ d_dense, np.sum(d_dense, axis=0, keepdims=True)
        dW1, dB1, dW1_rec = np.zeros_like(self.W1), np.zeros_like(self.B1), np.zeros_like(self.W1_rec)
        dh = d_dense @ self.W2.T
        for t in reversed(range(last + 1)):
            draw = (1.0 - hidden_state[t] ** 2) * dh
            dB1 += np.sum(draw, axis=0, keepdims=True)
            dW1 += X_state[t].T @ draw
            dW1_rec += hidden_state[t - 1].T @ draw
            dh = draw @ self.W1_rec.T
        return [np.clip(g, -CLIP, CLIP) for g in (dW1, dB1, dW1_rec, dW2, dB2, dW3, dB3)]


# --- RNN, then a stack of dense ReLU layers, then softmax ------------------------------------------------
class _DenseStackRNN:
    """The RNN's recurrent layer (W1, B1, W1_rec; hidden_dims[0] units), then a dense ReLU layer
    W_k (H_(k-1), H_k), B_k (1, H_k) for k = 2 .. len(hidden_dims), then the softmax read-out W_L, B_L
    (L = len(hidden_dims) + 1); the class is read at the last step. ``PARAMETERS`` is the order of
    BPTT's gradients: W1, B1, W1_rec, W2, B2, ..., W_L, B_L."""

    PARAMETERS: tuple[str, ...] = ()

    def _init_layers(self, input_dim, hidden_dims, output_class, seq_len, learning_rate, mom_coeff, batch_size):
        self.seq_len, self.batch_size = seq_len, batch_size
        self.learning_rate, self.mom_coeff = learning_rate, mom_coeff
        self.W1, self.B1 = _xavier_uniform(input_dim, hidden_dims[0]), np.zeros((1, hidden_dims[0]))
        self.W1_rec = _xavier_uniform(hidden_dims[0], hidden_dims[0])
        sizes = (*hidden_dims, output_class)
        for k, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:]), start=2):
            setattr(self, f"W{k}", _xavier_uniform(fan_in, fan_out))
            setattr(self, f"B{k}", np.zeros((1, fan_out)))

    def _layers(self):
        """(W_k, B_k) for k = 2 .. L: the dense layers, then the read-out."""
        return [(getattr(self, f"W{k}"), getattr(self, f"B{k}")) for k in range(2, len(self.PARAMETERS) // 2 + 1)]

    def _dense_inputs(self, h):
        """The dense layers' pre-activations for states h, and the softmax's input."""
        act, inputs, a = Activations(), [], h
        *dense, (W_out, B_out) = self._layers()
        for W, B in dense:
            inputs.append(a @ W + B)
            a = act.ReLU(inputs[-1])
        return inputs, a @ W_out + B_out

    def forward(self, X):
        """X (B, T, D) -> (X_state, hidden_state, probs), dicts keyed by t; the dense layers and the softmax
        are applied at every step, hidden_state[-1] = 0."""
        act = Activations()
        X_state, hidden_state, probs = {}, {-1: np.zeros((X.shape[0], self.W1.shape[1]))}, {}
        for t in range(X.shape[1]):
            X_state[t] = X[:, t]
            hidden_state[t] = np.tanh(X_state[t] @ self.W1 + hidden_state[t - 1] @ self.W1_rec + self.B1)
            probs[t] = act.softmax(self._dense_inputs(hidden_state[t])[1])
        return X_state, hidden_state, probs

    def BPTT(self, cache, Y):
        """The gradients of the mean cross-entropy of the LAST step, in the order of ``PARAMETERS``."""
        act = Activations()
        X_state, hidden_state, probs = cache
        last = len(X_state) - 1
        inputs, _ = self._dense_inputs(hidden_state[last])
        below = [hidden_state[last], *(act.ReLU(z) for z in inputs)]     # what each layer multiplies
        grads, delta = {}, (probs[last] - Y) / Y.shape[0]
        for k in range(len(below) + 1, 1, -1):                          # read-out first, then the dense layers
            grads[f"W{k}"], grads[f"B{k}"] = below[k - 2].T @ delta, np.sum(delta, axis=0, keepdims=True)
            delta = delta @ getattr(self, f"W{k}").T
            if k > 2:
                delta = delta * act.ReLU_grad(inputs[k - 3])
        grads["W1"], grads["B1"], grads["W1_rec"] = np.zeros_like(self.W1), np.zeros_like(self.B1), np.zeros_like(self.W1_rec)
        dh = delta                                                      # only h_last sees the dense layers
        for t in reversed(range(last + 1)):
            draw = (1.0 - hidden_state[t] ** 2) * dh
            grads["B1"] += np.sum(draw, axis=0, keepdims=True)
            grads["W1"] += X_state[t].T @ draw
            grads["W1_rec"] += hidden_state[t - 1].T @ draw
            dh = draw @ self.W1_rec.T
        return [np.clip(grads[name], -CLIP, CLIP) for name in self.PARAMETERS]


def _stack_parameters(dense_layers):
    """W1, B1, W1_rec, then W_k, B_k for the ``dense_layers`` and the read-out."""
    return ("W1", "B1", "W1_rec", *(f"{kind}{k}" for k in range(2, dense_layers + 3) for kind in "WB"))


THREE_LAYER_PARAMETERS = _stack_parameters(2)
FIVE_LAYER_PARAMETERS = _stack_parameters(4)


class Three_Hidden_Layer_RNN(_DenseStackRNN):
    """The recurrent layer (hidden_dim_1), dense ReLU layers of hidden_dim_2 and hidden_dim_3 units (W2, B2,
    W3, B3), then the softmax W4 (H3, K), B4 (1, K); ``BPTT`` returns its nine gradients in the order of
    ``THREE_LAYER_PARAMETERS``."""

    PARAMETERS = THREE_LAYER_PARAMETERS

    def __init__(self, input_dim=3, hidden_dim_1=128, hidden_dim_2=64, hidden_dim_3=32, seq_len=150,
                 learning_rate=1e-1, mom_coeff=0.85, batch_size=32, output_class=6):
        self._init_layers(input_dim, (hidden_dim_1, hidden_dim_2, hidden_dim_3), output_class, seq_len,
                          learning_rate, mom_coeff, batch_size)


class Five_Hidden_Layer_RNN(_DenseStackRNN):
    """The recurrent layer (hidden_dim_1), four dense ReLU layers (hidden_dim_2 .. hidden_dim_5; W2, B2 .. W5,
    B5), then the softmax W6 (H5, K), B6 (1, K); ``BPTT`` returns its thirteen gradients in the order of
    ``FIVE_LAYER_PARAMETERS``."""

    PARAMETERS = FIVE_LAYER_PARAMETERS

    def __init__(self, input_dim=3, hidden_dim_1=128, hidden_dim_2=64, hidden_dim_3=32, hidden_dim_4=16,
                 hidden_dim_5=8, seq_len=150, learning_rate=1e-1, mom_coeff=0.85, batch_size=32, output_class=6):
        self._init_layers(input_dim, (hidden_dim_1, hidden_dim_2, hidden_dim_3, hidden_dim_4, hidden_dim_5),
                          output_class, seq_len, learning_rate, mom_coeff, batch_size)


# --- what the LSTM, the GRU and their multi-layer versions share -------------------------------------------
LSTM_CLIP = 15.0


def _sigmoid(X):
    return 1.0 / (1.0 + np.exp(-X))


def _xavier_uniform(fan_in, fan_out):
    bound = np.sqrt(6.0 / (fan_in + fan_out))
    return np.random.uniform(-bound, bound, (fan_in, fan_out))


class _LastStepClassifier:
    """A recurrent layer (``_steps``, ``_through_time``) read by a softmax: ``forward`` gives every
    step's probabilities, ``BPTT(X, Y)`` the gradients of the mean cross-entropy of the LAST step,
    back through the read-out at the last state only, then through time; in the order of
    ``PARAMETERS``, clipped to [-15, 15]. The read-out here is W (H, K), B (1, K)."""

    PARAMETERS: tuple[str, ...] = ()

    def _init_read_out(self, hidden, classes):
        self.W, self.B = _xavier_uniform(hidden, classes), np.zeros((1, classes))

    def _scores(self, h):
        """The softmax's input for states h."""
        return h @ self.W + self.B

    def _read_out_backward(self, h, dy, grads):
        """Puts the read-out's gradients into ``grads`` from dy, the gradient at the scores of the
        states h; returns the gradient at h."""
        grads["W"], grads["B"] = h.T @ dy, dy.sum(axis=0, keepdims=True)
        return dy @ self.W.T

    def _probs(self, hidden_state, steps):
        act = Activations()
        return {t: act.softmax(self._scores(hidden_state[t])) for t in range(steps)}

    def BPTT(self, X, Y):
        """The gradients of the mean cross-entropy of the last step, the forward recomputed from X."""
        cache = self._steps(X)
        h_last = cache[-1][-1]
        dy = (Activations().softmax(self._scores(h_last)) - Y) / Y.shape[0]
        grads = {name: np.zeros_like(getattr(self, name)) for name in self.PARAMETERS}
        dh_out = self._read_out_backward(h_last, dy, grads)     # only h_last sees the output
        self._through_time(X, cache, grads, dh_out)
        return [np.clip(grads[name], -LSTM_CLIP, LSTM_CLIP) for name in self.PARAMETERS]


class _MomentumStep:
    """``step(grads)`` for a model whose __init__ sets ``previous_updates``, one zero per parameter."""

    PARAMETERS: tuple[str, ...]
    learning_rate: float
    mom_coeff: float
    previous_updates: list

    def step(self, grads):
        """SGD with momentum on the parameters in the order of ``PARAMETERS`` (BPTT's order), in place:
        delta = -learning_rate * g + mom_coeff * delta_prev; theta += delta."""
        self.previous_updates = [-self.learning_rate * g + self.mom_coeff * v
                                 for g, v in zip(grads, self.previous_updates)]
        for name, delta in zip(self.PARAMETERS, self.previous_updates):
            setattr(self, name, getattr(self, name) + delta)


class _DenseReLUReadOut(_LastStepClassifier):
    """The multi-layer models' read-out: a dense ReLU layer W_hid (H1, H2), B_hid (1, H2) on each
    step's state, then W (H2, K), B (1, K): p_t = softmax(ReLU(h_t W_hid + B_hid) W + B)."""

    hidden_dim_2: int    # set by the model's __init__ before the read-out is drawn

    def _init_read_out(self, hidden, classes):
        self.W_hid, self.B_hid = _xavier_uniform(hidden, self.hidden_dim_2), np.zeros((1, self.hidden_dim_2))
        super()._init_read_out(self.hidden_dim_2, classes)

    def _scores(self, h):
        return Activations().ReLU(h @ self.W_hid + self.B_hid) @ self.W + self.B

    def _read_out_backward(self, h, dy, grads):
        act = Activations()
        dense_in = h @ self.W_hid + self.B_hid
        grads["W"], grads["B"] = act.ReLU(dense_in).T @ dy, dy.sum(axis=0, keepdims=True)
        d_dense = (dy @ self.W.T) * act.dReLU(dense_in)
        grads["W_hid"], grads["B_hid"] = h.T @ d_dense, d_dense.sum(axis=0, keepdims=True)
        return d_dense @ self.W_hid.T


# --- LSTM ----------------------------------------------------------------------------------------------
LSTM_PARAMETERS = ("W_f", "B_f", "W_i", "B_i", "W_c", "B_c", "W_o", "B_o", "W", "B")


class LSTM(_LastStepClassifier):
    """One LSTM layer read by a softmax at the last step. The gates see z_t = [x_t, h_{t-1}] (x first):
    W_f, W_i, W_c, W_o (D + H, H), biases (1, H); the read-out W (H, K), B (1, K). ``BPTT(X, Y)``
    recomputes the forward and returns the gradients in the order of ``LSTM_PARAMETERS``."""

    PARAMETERS = LSTM_PARAMETERS

    def __init__(self, input_dim=3, hidden_dim=100, output_class=6, seq_len=150, batch_size=30,
                 learning_rate=1e-1, mom_coeff=0.85):
        self.input_dim, self.hidden_dim, self.output_class = input_dim, hidden_dim, output_class
        self.seq_len, self.batch_size = seq_len, batch_size
        self.learning_rate, self.mom_coeff = learning_rate, mom_coeff
        gate_bound = np.sqrt(6.0 / (input_dim + 2 * hidden_dim))
        for gate in "fico":
            setattr(self, f"W_{gate}", np.random.uniform(-gate_bound, gate_bound, (input_dim + hidden_dim, hidden_dim)))
            setattr(self, f"B_{gate}", np.zeros((1, hidden_dim)))
        self._init_read_out(hidden_dim, output_class)

    def _steps(self, X):
        """Every step's z, gates, cell and hidden state, as lists indexed by t (states from t = -1)."""
        batch, hidden = X.shape[0], self.W_f.shape[1]
        h, C = [np.zeros((batch, hidden))], [np.zeros((batch, hidden))]
        z, f, i, c_bar, o = [], [], [], [], []
        for t in range(X.shape[1]):
            z.append(np.concatenate([X[:, t], h[-1]], axis=1))
            f.append(_sigmoid(z[t] @ self.W_f + self.B_f))
            i.append(_sigmoid(z[t] @ self.W_i + self.B_i))
            c_bar.append(np.tanh(z[t] @ self.W_c + self.B_c))
            o.append(_sigmoid(z[t] @ self.W_o + self.B_o))
            C.append(f[t] * C[-1] + i[t] * c_bar[t])
            h.append(o[t] * np.tanh(C[-1]))
        return z, f, i, c_bar, o, C, h

    def forward(self, X):
        """X (B, T, D) -> (hidden_state, cell_state, probs), dicts keyed by t; states at t = -1 are zero."""
        _, _, _, _, _, C, h = self._steps(X)
        hidden_state = {t - 1: h[t] for t in range(len(h))}
        cell_state = {t - 1: C[t] for t in range(len(C))}
        return hidden_state, cell_state, self._probs(hidden_state, X.shape[1])

    def _through_time(self, X, cache, grads, dh_out):
        """Adds the gates' gradients to ``grads``, back from dh_out, the loss's gradient at the last state."""
        z, f, i, c_bar, o, C, h = cache
        steps, inputs = X.shape[1], X.shape[2]
        dh, dC_next = dh_out, np.zeros_like(dh_out)
        for t in reversed(range(steps)):
            tanh_C = np.tanh(C[t + 1])
            d = {"o": dh * tanh_C * o[t] * (1.0 - o[t])}
            dC = dC_next + dh * o[t] * (1.0 - tanh_C ** 2)
            d["c"] = dC * i[t] * (1.0 - c_bar[t] ** 2)
            d["i"] = dC * c_bar[t] * i[t] * (1.0 - i[t])
            d["f"] = dC * C[t] * f[t] * (1.0 - f[t])
            dz = np.zeros_like(z[t])
            for gate, delta in d.items():
                grads[f"W_{gate}"] += z[t].T @ delta
                grads[f"B_{gate}"] += delta.sum(axis=0, keepdims=True)
                dz += delta @ getattr(self, f"W_{gate}").T
            dh, dC_next = dz[:, inputs:], f[t] * dC


# --- LSTM, then a dense ReLU layer, then softmax ---------------------------------------------------------
MULTI_LSTM_PARAMETERS = (*LSTM_PARAMETERS[:-2], "W_hid", "B_hid", "W", "B")


class Multi_Layer_LSTM(_MomentumStep, _DenseReLUReadOut, LSTM):
    """The LSTM's layer (hidden_dim_1), then the dense ReLU layer W_hid, B_hid (hidden_dim_2), then the
    softmax W, B; ``forward`` and ``BPTT(X, Y)`` as the LSTM's, the twelve gradients in the order of
    ``MULTI_LSTM_PARAMETERS``; ``step(grads)`` SGD with momentum on the twelve parameters in that order."""

    PARAMETERS = MULTI_LSTM_PARAMETERS

    def __init__(self, input_dim=3, hidden_dim_1=128, hidden_dim_2=64, output_class=6, seq_len=150, batch_size=30,
                 learning_rate=1e-1, mom_coeff=0.85):
        self.hidden_dim_2 = hidden_dim_2
        super().__init__(input_dim, hidden_dim_1, output_class, seq_len, batch_size, learning_rate, mom_coeff)
        self.previous_updates = [0.0] * len(self.PARAMETERS)


# --- GRU -----------------------------------------------------------------------------------------------
GRU_PARAMETERS = ("W", "B", "W_z", "U_z", "B_z", "W_r", "U_r", "B_r", "W_h", "U_h", "B_h")


class GRU(_MomentumStep, _LastStepClassifier):
    """One GRU layer read by a softmax at the last step. Input weights W_z, W_r, W_h (D, H), recurrent
    weights U_z, U_r, U_h (H, H), biases B_* (1, H); the read-out W (H, K), B (1, K).

    z = sigmoid(x W_z + h_prev U_z + B_z), r = sigmoid(x W_r + h_prev U_r + B_r),
    h~ = tanh(x W_h + (r * h_prev) U_h + B_h)   (the reset gate scales h_prev BEFORE the product),
    h = z * h_prev + (1 - z) * h~                (z keeps the old state, 1 - z lets the candidate in).
    ``BPTT(X, Y)`` returns the gradients in the order of ``GRU_PARAMETERS``.
    """

    PARAMETERS = GRU_PARAMETERS

    def __init__(self, input_dim=3, hidden_dim=128, output_class=6, seq_len=150, batch_size=32,
                 learning_rate=1e-1, mom_coeff=0.85):
        self.input_dim, self.hidden_dim, self.output_class = input_dim, hidden_dim, output_class
        self.seq_len, self.batch_size = seq_len, batch_size
        self.learning_rate, self.mom_coeff = learning_rate, mom_coeff
        in_bound, rec_bound = np.sqrt(6.0 / (input_dim + hidden_dim)), np.sqrt(6.0 / (2 * hidden_dim))
        for gate in "zrh":
            setattr(self, f"W_{gate}", np.random.uniform(-in_bound, in_bound, (input_dim, hidden_dim)))
            setattr(self, f"U_{gate}", np.random.uniform(-rec_bound, rec_bound, (hidden_dim, hidden_dim)))
            setattr(self, f"B_{gate}", np.zeros((1, hidden_dim)))
        self._init_read_out(hidden_dim, output_class)
        self.previous_updates = [0.0] * len(self.PARAMETERS)

    def _steps(self, X):
        """Every step's gates, candidate and state, as lists indexed by t (states from t = -1)."""
        h = [np.zeros((X.shape[0], self.U_z.shape[0]))]
        z, r, h_bar = [], [], []
        for t in range(X.shape[1]):
            x, h_prev = X[:, t], h[-1]
            z.append(_sigmoid(x @ self.W_z + h_prev @ self.U_z + self.B_z))
            r.append(_sigmoid(x @ self.W_r + h_prev @ self.U_r + self.B_r))
            h_bar.append(np.tanh(x @ self.W_h + (r[t] * h_prev) @ self.U_h + self.B_h))
            h.append(z[t] * h_prev + (1.0 - z[t]) * h_bar[t])
        return z, r, h_bar, h

    def forward(self, X):
        """X (B, T, D) -> (hidden_state, probs), dicts keyed by t; hidden_state[-1] is zero."""
        h = self._steps(X)[-1]
        hidden_state = {t - 1: h[t] for t in range(len(h))}
        return hidden_state, self._probs(hidden_state, X.shape[1])

    def _through_time(self, X, cache, grads, dh_out):
        """Adds the gates' gradients to ``grads``, back from dh_out, the loss's gradient at the last state."""
        z, r, h_bar, h = cache
        steps, dh = X.shape[1], dh_out
        for t in reversed(range(steps)):
            x, h_prev = X[:, t], h[t]
            d_cand = dh * (1.0 - z[t]) * (1.0 - h_bar[t] ** 2)
            d_update = dh * (h_prev - h_bar[t]) * z[t] * (1.0 - z[t])
            d_reset_in = d_cand @ self.U_h.T      # gradient of (r * h_prev)
            d_reset = d_reset_in * h_prev * r[t] * (1.0 - r[t])
            for gate, delta, recurrent_input in (("z", d_update, h_prev), ("r", d_reset, h_prev),
                                                 ("h", d_cand, r[t] * h_prev)):
                grads[f"W_{gate}"] += x.T @ delta
                grads[f"U_{gate}"] += recurrent_input.T @ delta
                grads[f"B_{gate}"] += delta.sum(axis=0, keepdims=True)
            dh = dh * z[t] + d_reset_in * r[t] + d_update @ self.U_z.T + d_reset @ self.U_r.T

    def predict(self, X):
        """The class of each sequence: the argmax of the last step's probabilities."""
        return np.argmax(self.forward(X)[1][X.shape[1] - 1], axis=1)


# --- GRU, then a dense ReLU layer, then softmax ----------------------------------------------------------
MULTI_GRU_PARAMETERS = (*GRU_PARAMETERS[:2], "W_hid", "B_hid", *GRU_PARAMETERS[2:])


class Multi_layer_GRU(_DenseReLUReadOut, GRU):
    """The GRU's layer (hidden_dim_1), then the dense ReLU layer W_hid, B_hid (hidden_dim_2), then the
    softmax W, B; ``forward`` and ``BPTT(X, Y)`` as the GRU's, the thirteen gradients in the order of
    ``MULTI_GRU_PARAMETERS`` (the course's: the read-out first)."""

    PARAMETERS = MULTI_GRU_PARAMETERS

    def __init__(self, input_dim=3, hidden_dim_1=128, hidden_dim_2=64, output_class=6, seq_len=150, batch_size=32,
                 learning_rate=1e-1, mom_coeff=0.85):
        self.hidden_dim_2 = hidden_dim_2
        super().__init__(input_dim, hidden_dim_1, output_class, seq_len, batch_size, learning_rate, mom_coeff)


# --- optimizers: one step on lists of parameters, returning the new parameters and state -----------
def SGD(params, grads, velocities, learning_rate, mom_coeff):
    """delta = -learning_rate * g + mom_coeff * delta_prev; theta + delta. Returns (params, velocities)."""
    new_velocities = [-learning_rate * g + mom_coeff * v for g, v in zip(grads, velocities)]
    return [p + d for p, d in zip(params, new_velocities)], new_velocities


def AdaGrad(params, grads, cache, learning_rate):
    """cache += g^2; theta -= learning_rate * g / (sqrt(cache) + 1e-6). Returns (params, cache)."""
    new_cache = [c + g ** 2 for c, g in zip(cache, grads)]
    return [p - learning_rate * g / (np.sqrt(c) + 1e-6) for p, g, c in zip(params, grads, new_cache)], new_cache


def RMSprop(params, grads, cache, learning_rate, decay=0.9):
    """cache = decay * cache + (1 - decay) * g^2; theta -= learning_rate * g / (sqrt(cache) + 1e-6)."""
    new_cache = [decay * c + (1.0 - decay) * g ** 2 for c, g in zip(cache, grads)]
    return [p - learning_rate * g / (np.sqrt(c) + 1e-6) for p, g, c in zip(params, grads, new_cache)], new_cache


def Adam(params, grads, m, v, t, learning_rate, beta1=0.9, beta2=0.999):
    """Adam with bias correction; ``t`` is this step's number, 1 for the first. Returns (params, m, v)."""
    new_m = [beta1 * a + (1.0 - beta1) * g for a, g in zip(m, grads)]
    new_v = [beta2 * b + (1.0 - beta2) * g ** 2 for b, g in zip(v, grads)]
    new_params = [p - learning_rate * (a / (1.0 - beta1 ** t)) / (np.sqrt(b / (1.0 - beta2 ** t)) + 1e-8)
                  for p, a, b in zip(params, new_m, new_v)]
    return new_params, new_m, new_v


def VanillaAdam(params, grads, m, v, learning_rate, beta1=0.9, beta2=0.999):
    """Adam without bias correction: theta -= learning_rate * m / (sqrt(v) + 1e-8). Returns (params, m, v)."""
    new_m = [beta1 * a + (1.0 - beta1) * g for a, g in zip(m, grads)]
    new_v = [beta2 * b + (1.0 - beta2) * g ** 2 for b, g in zip(v, grads)]
    return [p - learning_rate * a / (np.sqrt(b) + 1e-8) for p, a, b in zip(params, new_m, new_v)], new_m, new_v
