"""activity-rnn's private helpers: what computes an answer of the exercise in another form, kept from
students (grader.release ships only modules marked for them). The suite calls these through
grader.oracle (load_private), so their results are recorded with the cases: the reference forward
and BPTT for a case, float64 finite differences of the last-step cross-entropy, the gradients of
the backward passes students get wrong, and the parameters after a few momentum steps.
"""

from __future__ import annotations

import numpy as np

from grader.gradients import finite_difference_gradients
from grader.suite import reference

ref = reference()

PARAMETERS = ("W1", "B1", "W1_rec", "W2", "B2")


def _softmax(scores: np.ndarray) -> np.ndarray:
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _last_step_cross_entropy(case, scores) -> float:
    """Mean over the batch of -log softmax(scores)[label], the softmax's log taken stably."""
    scores = scores - scores.max(axis=1, keepdims=True)
    log_p = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    return float(-np.sum(case.Y * log_p) / case.X.shape[0])


def _finite_differences(case, loss) -> dict[str, np.ndarray]:
    """d(loss)/d(parameter) by float64 central differences, keyed d + the parameter's name."""
    grads = finite_difference_gradients(lambda params: loss(case, params), case.params)
    return {f"d{name}": grads[name] for name in case.params}


def forward(case, zeroed: tuple[str, ...] = ()):
    """The reference forward's (X_state, hidden_state, probs) for ``case``, with ``zeroed`` parameters 0."""
    rnn = case.reference()
    for name in zeroed:
        setattr(rnn, name, np.zeros_like(case.params[name]))
    return rnn.forward(case.X)


def gradients(case) -> dict[str, np.ndarray]:
    """The reference BPTT's gradients, keyed dW1, ..., dB2."""
    rnn = case.reference()
    return dict(zip([f"d{n}" for n in PARAMETERS], rnn.BPTT(rnn.forward(case.X), case.Y)))


def last_step_loss(case, params) -> float:
    """Mean over the batch of -log p_T[label], computed in float64 from scratch (no reference code)."""
    h = np.zeros((case.X.shape[0], params["W1"].shape[1]))
    for t in range(case.X.shape[1]):
        h = np.tanh(case.X[:, t] @ params["W1"] + h @ params["W1_rec"] + params["B1"])
    return _last_step_cross_entropy(case, h @ params["W2"] + params["B2"])


def finite_differences(case) -> dict[str, np.ndarray]:
    """d(last-step mean cross-entropy)/d(parameter) by float64 central differences, keyed dW1, ..."""
    return _finite_differences(case, last_step_loss)


def mistaken_gradients(case, mistakes: tuple[str, ...]) -> dict[str, np.ndarray]:
    """The gradients of a BPTT with ``mistakes`` (keys of the suite's MISTAKES), unclipped."""
    rnn = case.reference()
    xs, hs, ps = rnn.forward(case.X)
    last, batch = case.X.shape[1] - 1, case.X.shape[0]
    dy = (ps[last] - case.Y) / (1 if "summed-over-batch" in mistakes else batch)
    grads = {"dW1": np.zeros_like(rnn.W1), "dB1": np.zeros_like(rnn.B1), "dW1_rec": np.zeros_like(rnn.W1_rec),
             "dW2": hs[last].T @ dy, "dB2": dy.sum(axis=0, keepdims=True)}
    dh_next = np.zeros_like(hs[last])
    stop = 0 if "skips-first-step" in mistakes else -1
    for t in range(last, stop, -1):
        dh = dy @ rnn.W2.T + dh_next if ("reinjects-output" in mistakes or t == last) else dh_next
        derivative = 1.0 - np.tanh(hs[t]) ** 2 if "tanh-of-state" in mistakes else 1.0 - hs[t] ** 2
        draw = derivative * dh
        grads["dB1"] += draw.sum(axis=0, keepdims=True)
        grads["dW1"] += xs[t].T @ draw
        grads["dW1_rec"] += hs[t if "current-state" in mistakes else t - 1].T @ draw
        dh_next = draw @ rnn.W1_rec.T
    return grads


def momentum_trajectory(case, sign: float = 1.0, decay: float = 1.0) -> list[dict[str, np.ndarray]]:
    """The parameters after each step of ``case`` (its ``params`` in the order of the gradients, its
    ``grads``, ``learning_rate`` and ``mom_coeff``): delta = -lr * g + sign * mom * delta_prev,
    theta += delta, and lr *= decay after every step."""
    params = {k: v.copy() for k, v in case.params.items()}
    deltas = {k: np.zeros_like(v) for k, v in params.items()}
    lr, out = case.learning_rate, []
    for grads in case.grads:
        for name in params:
            deltas[name] = -lr * grads[f"d{name}"] + sign * case.mom_coeff * deltas[name]
            params[name] = params[name] + deltas[name]
        lr *= decay
        out.append({k: v.copy() for k, v in params.items()})
    return out


def accuracy(params, X, Y) -> float:
    """Held-out accuracy of the reference RNN holding ``params`` (the student's trained ones)."""
    inputs, hidden = params["W1"].shape
    state = np.random.get_state()
    rnn = ref.RNN(inputs, hidden, X.shape[1], 0.1, 0.0, X.shape[0], params["W2"].shape[1])
    np.random.set_state(state)
    for name in PARAMETERS:
        setattr(rnn, name, np.asarray(params[name], dtype=np.float64))
    return float(np.mean(rnn.predict(X) == Y.argmax(axis=1)))


# --- optimizers: three chained steps, right and wrong ------------------------------------------------------
def _chain(case, step) -> list[tuple[list[np.ndarray], ...]]:
    """The results of three chained calls ``step(k, params, state) -> (params, *state)`` from zero state."""
    params, state, out = [p.copy() for p in case.params], None, []
    for k, grads in enumerate(case.grads):
        result = step(k, params, grads, state)
        out.append(result)
        params, state = result[0], result[1:]
    return out


def optimizer_trajectory(case, name: str) -> list[tuple[list[np.ndarray], ...]]:
    """The reference optimizer ``name``'s (params, *state) after each of the case's three steps."""
    zeros = case.zeros

    def step(k, params, grads, state):
        lr = case.learning_rate
        if name == "SGD":
            return ref.SGD(params, grads, state[0] if state else zeros(), lr, case.mom_coeff)
        if name in ("AdaGrad", "RMSprop"):
            return getattr(ref, name)(params, grads, state[0] if state else zeros(), lr)
        m, v = state if state else (zeros(), zeros())
        return ref.Adam(params, grads, m, v, k + 1, lr) if name == "Adam" else ref.VanillaAdam(params, grads, m, v, lr)
    return _chain(case, step)


def mistaken_optimizer_params(case, mistake: str) -> list[list[np.ndarray]]:
    """The parameters after each step of an optimizer with ``mistake``: "sgd-sign" (the course's
    delta = lr g - mom delta_prev; theta -= delta), "rmsprop-swapped" (cache = 0.1 cache + 0.9 g^2),
    "adam-no-correction" (VanillaAdam's steps), "vanilla-corrected" (Adam's)."""
    lr = case.learning_rate

    def step(k, params, grads, state):
        if mistake == "sgd-sign":
            deltas = [lr * g - case.mom_coeff * d for g, d in zip(grads, state[0] if state else case.zeros())]
            return [p - d for p, d in zip(params, deltas)], deltas
        if mistake == "rmsprop-swapped":
            cache = [0.1 * c + 0.9 * g ** 2 for c, g in zip(state[0] if state else case.zeros(), grads)]
            return [p - lr * g / (np.sqrt(c) + 1e-6) for p, g, c in zip(params, grads, cache)], cache
        m, v = state if state else (case.zeros(), case.zeros())
        if mistake == "adam-no-correction":
            return ref.VanillaAdam(params, grads, m, v, lr)
        return ref.Adam(params, grads, m, v, k + 1, lr)
    return [result[0] for result in _chain(case, step)]


def activation(name: str, x: np.ndarray) -> np.ndarray:
    """The reference's Activations().<name>(x)."""
    with np.errstate(over="ignore"):
        return getattr(ref.Activations(), name)(x)


# --- the read-outs of the LSTM and the GRU, alone or after a dense ReLU layer (Multi_Layer_LSTM, ...) ---------
def _read_out_scores(params, h, relu: bool = True) -> np.ndarray:
    """The softmax's input for states h: h W + B, or ReLU(h W_hid + B_hid) W + B where the parameters
    have a dense layer (without its ReLU for ``relu=False``)."""
    if "W_hid" in params:
        h = h @ params["W_hid"] + params["B_hid"]
        h = np.maximum(h, 0.0) if relu else h
    return h @ params["W"] + params["B"]


def _read_out_gradients(case, h_last, mistake: str = ""):
    """The read-out's part of a BPTT for ``case`` at the last state ``h_last``: the gradients (the
    read-out's filled in, the recurrent parameters' zero for the caller's loop) and the gradient at
    h_last; "relu-grad-x" takes the dense layer's derivative as the course's ReLU_grad, z on (0, 1]."""
    params = case.params
    dy = (_softmax(_read_out_scores(params, h_last)) - case.Y) / case.Y.shape[0]
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    if "W_hid" not in params:
        grads["W"], grads["B"] = h_last.T @ dy, dy.sum(axis=0, keepdims=True)
        return grads, dy @ params["W"].T
    dense = h_last @ params["W_hid"] + params["B_hid"]
    grads["W"], grads["B"] = np.maximum(dense, 0.0).T @ dy, dy.sum(axis=0, keepdims=True)
    derivative = np.clip(dense, 0.0, 1.0) if mistake == "relu-grad-x" else (dense > 0).astype(float)
    d_dense = (dy @ params["W"].T) * derivative
    grads["W_hid"], grads["B_hid"] = h_last.T @ d_dense, d_dense.sum(axis=0, keepdims=True)
    return grads, d_dense @ params["W_hid"].T


def probs_without_relu(case) -> list[np.ndarray]:
    """Every step's probs of a Multi_Layer_LSTM or Multi_layer_GRU forward that leaves the dense
    layer's ReLU out, with the case's parameters."""
    hidden_state = case.reference().forward(case.X)[0]
    return [_softmax(_read_out_scores(case.params, hidden_state[t], relu=False)) for t in range(case.X.shape[1])]


# --- the LSTM, alone or with a dense ReLU layer ---------------------------------------------------------------
def lstm_forward(case):
    """The reference model's (hidden_state, cell_state, probs) for ``case`` (an LSTM or a Multi_Layer_LSTM)."""
    return case.reference().forward(case.X)


def lstm_forward_swapped(case):
    """The probs of a forward whose gates see z = [h_(t-1), x_t] (h first), with the case's parameters."""
    lstm = case.reference()
    hidden = case.params["W_f"].shape[1]
    for gate in "fico":
        W = case.params[f"W_{gate}"]
        setattr(lstm, f"W_{gate}", np.concatenate([W[hidden:], W[:hidden]]))
    return lstm.forward(case.X)[2]


def _lstm_loss(case, params) -> float:
    """The last step's mean cross-entropy of an LSTM (and its read-out) holding ``params``, from scratch in float64."""
    batch, hidden = case.X.shape[0], params["W_f"].shape[1]
    h, C = np.zeros((batch, hidden)), np.zeros((batch, hidden))

    def gate(z, name, squash):
        return squash(z @ params[f"W_{name}"] + params[f"B_{name}"])
    sigmoid = lambda a: 1.0 / (1.0 + np.exp(-a))  # noqa: E731
    for t in range(case.X.shape[1]):
        z = np.concatenate([case.X[:, t], h], axis=1)
        C = gate(z, "f", sigmoid) * C + gate(z, "i", sigmoid) * gate(z, "c", np.tanh)
        h = gate(z, "o", sigmoid) * np.tanh(C)
    return _last_step_cross_entropy(case, _read_out_scores(params, h))


def lstm_finite_differences(case) -> dict[str, np.ndarray]:
    """d(last-step mean cross-entropy)/d(parameter) of the LSTM or Multi_Layer_LSTM by float64 central
    differences, keyed dW_f, ..."""
    return _finite_differences(case, _lstm_loss)


def lstm_mistaken_gradients(case, mistake: str) -> dict[str, np.ndarray]:
    """The gradients of an LSTM's or Multi_Layer_LSTM's BPTT with ``mistake``: "reinjects-output" (the
    read-out's gradient at h added to dh at every step, as the course's did), "skips-first-step" (the
    loop stops before t = 0) or "relu-grad-x" (the dense layer's derivative z on (0, 1])."""
    lstm = case.reference()
    z, f, i, c_bar, o, C, h = lstm._steps(case.X)
    steps = case.X.shape[1]
    grads, dh_out = _read_out_gradients(case, h[steps], mistake)
    dh_next, dC_next = np.zeros_like(h[0]), np.zeros_like(h[0])
    for t in range(steps - 1, 0 if mistake == "skips-first-step" else -1, -1):
        dh = dh_out + dh_next if (mistake == "reinjects-output" or t == steps - 1) else dh_next
        tanh_C = np.tanh(C[t + 1])
        d = {"o": dh * tanh_C * o[t] * (1.0 - o[t])}
        dC = dC_next + dh * o[t] * (1.0 - tanh_C ** 2)
        d["c"], d["i"], d["f"] = dC * i[t] * (1.0 - c_bar[t] ** 2), dC * c_bar[t] * i[t] * (1.0 - i[t]), \
            dC * C[t] * f[t] * (1.0 - f[t])
        dz = np.zeros_like(z[t])
        for gate, delta in d.items():
            grads[f"W_{gate}"] += z[t].T @ delta
            grads[f"B_{gate}"] += delta.sum(axis=0, keepdims=True)
            dz += delta @ case.params[f"W_{gate}"].T
        dh_next, dC_next = dz[:, case.X.shape[2]:], f[t] * dC
    return {f"d{name}": g for name, g in grads.items()}


# --- RNN, then dense ReLU layers, then softmax (Multi_Layer_RNN, Three_ and Five_Hidden_Layer_RNN) -----------
def multi_forward(case):
    """The reference model's (X_state, hidden_state, probs) for ``case`` (a Multi_Layer_RNN, a
    Three_Hidden_Layer_RNN or a Five_Hidden_Layer_RNN)."""
    return case.reference().forward(case.X)


def _stack_layers(params) -> list[tuple[np.ndarray, np.ndarray]]:
    """(W_k, B_k) for k = 2, 3, ...: the dense ReLU layers, the last one the softmax's read-out."""
    count = sum(1 for name in params if name[0] == "W" and name[1:].isdigit())
    return [(params[f"W{k}"], params[f"B{k}"]) for k in range(2, count + 1)]


def _through_stack(params, h, derivative=lambda z: (z > 0).astype(float), linear: int = -1):
    """For states h: what each layer multiplies (h, then the ReLU outputs), the derivative of each dense
    layer at its input, and the softmax's input; the dense layer ``linear`` (0 the first) without its ReLU."""
    below, slopes = [h], []
    *dense, (W_out, B_out) = _stack_layers(params)
    for index, (W, B) in enumerate(dense):
        z = below[-1] @ W + B
        below.append(z if index == linear else np.maximum(z, 0.0))
        slopes.append(derivative(z))
    return below, slopes, below[-1] @ W_out + B_out


def _stack_loss(case, params) -> float:
    h = np.zeros((case.X.shape[0], params["W1"].shape[1]))
    for t in range(case.X.shape[1]):
        h = np.tanh(case.X[:, t] @ params["W1"] + h @ params["W1_rec"] + params["B1"])
    return _last_step_cross_entropy(case, _through_stack(params, h)[2])


def multi_finite_differences(case) -> dict[str, np.ndarray]:
    """d(last-step mean cross-entropy)/d(parameter) of a Multi_Layer_RNN, Three_ or Five_Hidden_Layer_RNN
    by float64 central differences."""
    return _finite_differences(case, _stack_loss)


def stack_probs_without_relu(case, layer: int) -> list[np.ndarray]:
    """Every step's probs of a forward whose dense layer ``layer`` (0 the first) has no ReLU."""
    hidden_state = multi_forward(case)[1]
    return [_softmax(_through_stack(case.params, hidden_state[t], linear=layer)[2]) for t in range(case.X.shape[1])]


def multi_mistaken_gradients(case, mistake: str) -> dict[str, np.ndarray]:
    """The gradients of a BPTT of an RNN with dense ReLU layers (Multi_Layer_RNN, Three_ or
    Five_Hidden_Layer_RNN) with ``mistake``: "relu-grad-x" (the dense layers' derivative taken as
    min(max(z, 0), 1), the course's ReLU_grad), "reinjects-output" (the gradient at h_(T-1) added to dh
    at every step), "last-output-every-step" (the last step's output error pushed through the dense
    layers with each step's values and into dh at every step, the course's Five_Hidden_Layer_RNN) or
    "loss-every-step" (every step's own error p_t - Y, the course's Three_Hidden_Layer_RNN)."""
    xs, hs, ps = multi_forward(case)
    params, last, batch = case.params, case.X.shape[1] - 1, case.X.shape[0]
    clipped = mistake == "relu-grad-x"
    grads = {f"d{name}": np.zeros_like(value) for name, value in params.items()}
    layers = len(_stack_layers(params))

    def into_stack(t, dy):
        """Adds the dense layers' and the read-out's gradients at step t; the gradient at h_t."""
        below, slopes, _ = _through_stack(params, hs[t], (lambda z: np.clip(z, 0.0, 1.0)) if clipped else
                                          (lambda z: (z > 0).astype(float)))
        for k in range(layers + 1, 1, -1):
            grads[f"dW{k}"] += below[k - 2].T @ dy
            grads[f"dB{k}"] += dy.sum(axis=0, keepdims=True)
            dy = dy @ params[f"W{k}"].T * (slopes[k - 3] if k > 2 else 1.0)
        return dy

    every_step = mistake in ("last-output-every-step", "loss-every-step")
    dh_out = None if every_step else into_stack(last, (ps[last] - case.Y) / batch)
    dh_next = np.zeros_like(hs[last])
    for t in range(last, -1, -1):
        if every_step:
            dh = into_stack(t, (ps[t if mistake == "loss-every-step" else last] - case.Y) / batch) + dh_next
        else:
            dh = dh_out + dh_next if (mistake == "reinjects-output" or t == last) else dh_next
        draw = (1.0 - hs[t] ** 2) * dh
        grads["dB1"] += draw.sum(axis=0, keepdims=True)
        grads["dW1"] += xs[t].T @ draw
        grads["dW1_rec"] += hs[t - 1].T @ draw
        dh_next = draw @ params["W1_rec"].T
    return grads


# --- the GRU, alone or with a dense ReLU layer -----------------------------------------------------------------
def gru_forward(case):
    """The reference model's (hidden_state, probs) for ``case`` (a GRU or a Multi_layer_GRU)."""
    return case.reference().forward(case.X)


def _gru_scores(case, params, variant: str = "") -> list[np.ndarray]:
    """Every step's softmax input of a GRU (and its read-out) holding ``params``, from scratch in
    float64. ``variant``: "" (the README's GRU), "swapped" (h = (1 - z) h_prev + z h~) or
    "reset-after" (h~ = tanh(x W_h + r * (h_prev U_h) + B_h))."""
    h = np.zeros((case.X.shape[0], params["U_z"].shape[0]))
    sigmoid = lambda a: 1.0 / (1.0 + np.exp(-a))  # noqa: E731
    scores = []
    for t in range(case.X.shape[1]):
        x = case.X[:, t]
        z = sigmoid(x @ params["W_z"] + h @ params["U_z"] + params["B_z"])
        r = sigmoid(x @ params["W_r"] + h @ params["U_r"] + params["B_r"])
        recurrent = r * (h @ params["U_h"]) if variant == "reset-after" else (r * h) @ params["U_h"]
        candidate = np.tanh(x @ params["W_h"] + recurrent + params["B_h"])
        h = (1.0 - z) * h + z * candidate if variant == "swapped" else z * h + (1.0 - z) * candidate
        scores.append(_read_out_scores(params, h))
    return scores


def gru_mistaken_probs(case, variant: str) -> list[np.ndarray]:
    """The probs of a GRU forward with ``variant`` ("swapped" or "reset-after"), the case's parameters."""
    return [_softmax(scores) for scores in _gru_scores(case, case.params, variant)]


def _gru_loss(case, params) -> float:
    return _last_step_cross_entropy(case, _gru_scores(case, params)[-1])


def gru_finite_differences(case) -> dict[str, np.ndarray]:
    """d(last-step mean cross-entropy)/d(parameter) of the GRU or Multi_layer_GRU by float64 central
    differences, keyed dW, dB, ..."""
    return _finite_differences(case, _gru_loss)


def gru_mistaken_gradients(case, mistake: str) -> dict[str, np.ndarray]:
    """The gradients of a GRU's or Multi_layer_GRU's BPTT with ``mistake``: "reinjects-output" (the
    read-out's gradient at h added to dh at every step, t = 0 included: the course's) or "relu-grad-x"
    (the dense layer's derivative z on (0, 1])."""
    gru = case.reference()
    z, r, h_bar, h = gru._steps(case.X)
    steps = case.X.shape[1]
    grads, dh_out = _read_out_gradients(case, h[steps], mistake)
    dh_next = np.zeros_like(h[0])
    for t in range(steps - 1, -1, -1):
        x, h_prev = case.X[:, t], h[t]
        dh = dh_out + dh_next if (mistake == "reinjects-output" or t == steps - 1) else dh_next
        d = {"h": dh * (1.0 - z[t]) * (1.0 - h_bar[t] ** 2), "z": dh * (h_prev - h_bar[t]) * z[t] * (1.0 - z[t])}
        d_rh = d["h"] @ gru.U_h.T
        d["r"] = d_rh * h_prev * r[t] * (1.0 - r[t])
        for gate, delta in d.items():
            grads[f"W_{gate}"] += x.T @ delta
            grads[f"U_{gate}"] += (r[t] * h_prev if gate == "h" else h_prev).T @ delta
            grads[f"B_{gate}"] += delta.sum(axis=0, keepdims=True)
        dh_next = dh * z[t] + d_rh * r[t] + d["z"] @ gru.U_z.T + d["r"] @ gru.U_r.T
    return {f"d{name}": g for name, g in grads.items()}
