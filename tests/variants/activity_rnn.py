"""Mutants of reference/activity_rnn.py: one known mistake each, and the checks that must catch it.

The course's real bugs come first (the catalog's bug list): the output gradient re-injected at every
time step of BPTT, the loop that stops before t = 0, gradients summed over the batch, a ReLU_grad that
returns x on (0, 1] and writes into its argument, momentum with the wrong sign. Then the slips students
make: softmax without the max subtracted, the tanh derivative taken of the state, dW1_rec from h_t,
Adam without its bias correction, RMSprop's decay swapped, Xavier's bound with the wrong fan, a
summed cross-entropy, a forward without B1, predict from the first step, and a BPTT whose gradients
point uphill (the model cannot learn). The GRU's: the course's momentum list one entry short (B_h
never updated), z and 1 - z swapped, the reset gate applied after the product, and the course's
re-injected output gradient. Multi_Layer_LSTM and Multi_layer_GRU run the LSTM's and the GRU's layer:
the mistakes there reach them too (the re-injected gradient is the course's bug in all its BPTTs);
theirs are the dense layer's ReLU left out or differentiated as the course's ReLU_grad, and the course's
order of the multi-layer LSTM's gradients, and (the seed's, inert there at momentum 0) the multi-layer
LSTM's SGD with the momentum's sign flipped. Three_Hidden_Layer_RNN and Five_Hidden_Layer_RNN: the course's
loss at every step (Three's), the course's last output pushed back through the dense layers at every step
(Five's), ReLU's derivative as the course's ReLU_grad, the dense layers' gradient re-injected at every step,
and the last dense layer without its ReLU. Each mutant is the reference with a line or two changed,
written the way a student would. The alternatives, which must score 100 %, are in
activity_rnn_alternatives.
"""

from __future__ import annotations

from pathlib import Path

from . import Variant, definition, edit, edits, mutant_maker
from .activity_rnn_alternatives import ALTERNATIVES

REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "activity_rnn.py"

_edit, _edits, _mutant = edit, edits, mutant_maker("activity-rnn")
_ACT = definition(REFERENCE, "Activations")
_CE = definition(REFERENCE, "CategoricalCrossEntropy")
_RNN = definition(REFERENCE, "RNN")
_SGD = definition(REFERENCE, "SGD")
_ADAGRAD = definition(REFERENCE, "AdaGrad")
_RMSPROP = definition(REFERENCE, "RMSprop")
_ADAM = definition(REFERENCE, "Adam")
_VANILLA = definition(REFERENCE, "VanillaAdam")
_LSTM = definition(REFERENCE, "LSTM")
_MULTI = definition(REFERENCE, "Multi_Layer_RNN")
_GRU = definition(REFERENCE, "GRU")
_DENSE = definition(REFERENCE, "_DenseReLUReadOut")
_MULTI_LSTM_ORDER = definition(REFERENCE, "MULTI_LSTM_PARAMETERS")
_MULTI_LSTM = definition(REFERENCE, "Multi_Layer_LSTM")
_STACK = definition(REFERENCE, "_DenseStackRNN")
_THREE = definition(REFERENCE, "Three_Hidden_Layer_RNN")
_FIVE = definition(REFERENCE, "Five_Hidden_Layer_RNN")
_DEEP_BPTT = ("three-layer.bptt", "five-layer.bptt")

# The course's deep RNNs push an output error back through the dense layers at EVERY step, with that step's
# values: Three_Hidden_Layer_RNN each step's own p_t - Y (a per-step loss), Five_Hidden_Layer_RNN the last
# step's p_(T-1) - Y. Written as a BPTT of the class's own (the reference's shared one left alone).
_EVERY_STEP_BPTT = """
    def BPTT(self, cache, Y):
        act = Activations()
        X_state, hidden_state, probs = cache
        grads = {name: np.zeros_like(getattr(self, name)) for name in self.PARAMETERS}
        dh_next = np.zeros_like(hidden_state[0])
        for t in reversed(range(len(X_state))):
            inputs, _ = self._dense_inputs(hidden_state[t])
            below = [hidden_state[t], *(act.ReLU(z) for z in inputs)]
            delta = (probs[STEP] - Y) / Y.shape[0]
            for k in range(len(below) + 1, 1, -1):
                grads[f"W{k}"] += below[k - 2].T @ delta
                grads[f"B{k}"] += np.sum(delta, axis=0, keepdims=True)
                delta = delta @ getattr(self, f"W{k}").T
                if k > 2:
                    delta = delta * act.ReLU_grad(inputs[k - 3])
            draw = (1.0 - hidden_state[t] ** 2) * (delta + dh_next)
            grads["B1"] += np.sum(draw, axis=0, keepdims=True)
            grads["W1"] += X_state[t].T @ draw
            grads["W1_rec"] += hidden_state[t - 1].T @ draw
            dh_next = draw @ self.W1_rec.T
        return [np.clip(grads[name], -CLIP, CLIP) for name in self.PARAMETERS]
"""
_GRADIENTS = ("bptt.gradients", "bptt.finite-differences")

# The course's BPTT, its three bugs together: dy W2^T added at every step, t = 0 skipped, summed over the batch.
_COURSE_BPTT = _edits(
    _RNN,
    ("        dy = (probs[last] - Y) / batch\n", "        dy = probs[last] - Y\n"),
    ("        dh = dy @ self.W2.T                       # only h_last sees the output\n"
     "        for t in reversed(range(last + 1)):\n",
     "        dh_next = np.zeros_like(hidden_state[last])\n"
     "        for t in range(last, 0, -1):\n"
     "            dh = dy @ self.W2.T + dh_next\n"),
    ("            dh = draw @ self.W1_rec.T\n", "            dh_next = draw @ self.W1_rec.T\n"))

MUTANTS: tuple[Variant, ...] = (
    # --- the course's real bugs ---
    _mutant("bptt_course_bugs", "the course's BPTT: dy W2^T re-injected at every step, t = 0 skipped, summed over "
            "the batch", _GRADIENTS, touches=("training.learns-activities",), RNN=_COURSE_BPTT),
    _mutant("bptt_reinjects_output", "dh = dy W2^T + dh_next at every step: the last step's error applied to every h_t",
            _GRADIENTS, touches=("training.learns-activities",),
            RNN=_edits(_RNN, ("        dh = dy @ self.W2.T                       # only h_last sees the output\n",
                              "        dh_next = np.zeros_like(hidden_state[last])\n"),
                       ("            draw = (1.0 - hidden_state[t] ** 2) * dh\n",
                        "            dh = dy @ self.W2.T + dh_next\n"
                        "            draw = (1.0 - hidden_state[t] ** 2) * dh\n"),
                       ("            dh = draw @ self.W1_rec.T\n", "            dh_next = draw @ self.W1_rec.T\n"))),
    _mutant("bptt_skips_first_step", "range(last, 0, -1): x_0's terms never reach dW1, dB1, dW1_rec", _GRADIENTS,
            touches=("training.learns-activities",),
            RNN=_edit(_RNN, "for t in reversed(range(last + 1)):", "for t in range(last, 0, -1):")),
    _mutant("bptt_sums_over_batch", "dy = p - Y: gradients summed over the batch, not averaged", _GRADIENTS,
            touches=("training.learns-activities",),
            RNN=_edit(_RNN, "dy = (probs[last] - Y) / batch", "dy = probs[last] - Y")),
    _mutant("relu_grad_course", "X[X <= 0] = 0; X[X > 1] = 1; return X: x on (0, 1], and the cache overwritten",
            ("relu-grad.values", "relu-grad.keeps-input"),
            # Multi_Layer_RNN's and the deep RNNs' BPTTs use ReLU_grad: the same fault
            touches=("multi-layer.bptt", *_DEEP_BPTT),
            Activations=_edit(_ACT, "        return (np.asarray(X) > 0).astype(np.float64)\n",
                              "        X[X <= 0] = 0\n        X[X > 1] = 1\n        return X\n")),
    _mutant("relu_grad_in_place", "X[X <= 0] = 0; X[X > 0] = 1: right values, written into the cache",
            ("relu-grad.keeps-input",),
            Activations=_edit(_ACT, "        return (np.asarray(X) > 0).astype(np.float64)\n",
                              "        X[X <= 0] = 0\n        X[X > 0] = 1\n        return X\n")),
    _mutant("step_momentum_sign_flipped", "delta = -lr * g - mom * delta_prev: anti-momentum", ("step.momentum",),
            touches=("training.learns-activities",),
            RNN=_edit(_RNN, "-self.learning_rate * grad + self.mom_coeff", "-self.learning_rate * grad - self.mom_coeff")),
    _mutant("sgd_momentum_sign_flipped", "the course's SGD: delta = lr * g - mom * delta_prev; theta -= delta",
            ("optimizers.sgd",),
            SGD=_edits(_SGD, ("[-learning_rate * g + mom_coeff * v", "[learning_rate * g - mom_coeff * v"),
                       ("[p + d for p, d", "[p - d for p, d"))),
    # --- slips ---
    _mutant("softmax_without_max", "np.exp(X) / sum: overflows for large scores", ("activations.softmax-stable",),
            Activations=_edit(_ACT, "e = np.exp(X - np.max(X, axis=-1, keepdims=True))", "e = np.exp(X)")),
    _mutant("dtanh_of_output", "dtanh(X) = 1 - X**2, the derivative written for tanh's output", ("activations.values",),
            Activations=_edit(_ACT, "return 1.0 - np.tanh(X) ** 2", "return 1.0 - X ** 2")),
    _mutant("bptt_tanh_of_state", "(1 - tanh(h_t)^2): the derivative taken of the state as if it were the "
            "pre-activation", _GRADIENTS, touches=("training.learns-activities",),
            RNN=_edit(_RNN, "draw = (1.0 - hidden_state[t] ** 2) * dh", "draw = (1.0 - np.tanh(hidden_state[t]) ** 2) * dh")),
    _mutant("bptt_rec_from_current_state", "dW1_rec from h_t instead of h_(t-1)", _GRADIENTS,
            touches=("training.learns-activities",),
            RNN=_edit(_RNN, "dW1_rec += hidden_state[t - 1].T @ draw", "dW1_rec += hidden_state[t].T @ draw")),
    _mutant("bptt_gradient_ascent", "dy = Y - p: every gradient has the wrong sign, training climbs the loss",
            (*_GRADIENTS, "training.learns-activities"),
            RNN=_edit(_RNN, "dy = (probs[last] - Y) / batch", "dy = (Y - probs[last]) / batch")),
    _mutant("adam_without_bias_correction", "Adam's step without m / (1 - beta1^t), v / (1 - beta2^t)",
            ("optimizers.adam",),
            Adam=_edit(_ADAM, "(a / (1.0 - beta1 ** t)) / (np.sqrt(b / (1.0 - beta2 ** t)) + 1e-8)",
                       "a / (np.sqrt(b) + 1e-8)")),
    _mutant("vanilla_adam_bias_corrected", "VanillaAdam with a bias correction at step 1", ("optimizers.vanilla-adam",),
            VanillaAdam=_edit(_VANILLA, "learning_rate * a / (np.sqrt(b) + 1e-8)",
                              "learning_rate * (a / 0.1) / (np.sqrt(b / 0.001) + 1e-8)")),
    _mutant("rmsprop_decay_swapped", "cache = 0.1 * cache + 0.9 * g^2", ("optimizers.rmsprop",),
            RMSprop=_edit(_RMSPROP, "decay * c + (1.0 - decay) * g ** 2", "(1.0 - decay) * c + decay * g ** 2")),
    _mutant("adagrad_cache_not_accumulated", "cache = g^2: AdaGrad forgets every earlier gradient",
            ("optimizers.adagrad",), AdaGrad=_edit(_ADAGRAD, "[c + g ** 2 for", "[0 * c + g ** 2 for")),
    _mutant("xavier_fan_in_only", "bound sqrt(6 / fan_in): the fan-out left out", ("init.xavier",),
            RNN=_edit(_RNN, "np.sqrt(6.0 / (fan_in + fan_out))", "np.sqrt(6.0 / fan_in)")),
    _mutant("bias_1d", "B1 = np.zeros(hidden_dim): a 1-D bias", ("init.shapes",),
            RNN=_edit(_RNN, "self.B1 = np.zeros((1, hidden_dim))", "self.B1 = np.zeros(hidden_dim)")),
    _mutant("cross_entropy_summed", "the sum over the samples instead of their mean", ("cross-entropy.value",),
            CategoricalCrossEntropy=_edit(_CE, "-np.sum(labels * np.log(preds)) / labels.shape[0]",
                                          "-np.sum(labels * np.log(preds))")),
    _mutant("cross_entropy_unclipped", "log(preds) without a clip: a zero prediction gives inf",
            ("cross-entropy.value",),
            CategoricalCrossEntropy=_edit(_CE, "    preds = np.clip(preds, 1e-12, 1.0 - 1e-12)\n", "")),
    _mutant("forward_without_b1", "the hidden bias is never added", ("forward.values",),
            touches=("predict.last-step",),
            RNN=_edit(_RNN, "hidden_state[t - 1] @ self.W1_rec + self.B1)", "hidden_state[t - 1] @ self.W1_rec)")),
    # --- RNN, dense ReLU, softmax ---
    _mutant("multi_relu_derivative_is_z", "the dense layer's derivative min(max(z, 0), 1): the course's ReLU_grad "
            "written inline", ("multi-layer.bptt",),
            Multi_Layer_RNN=_edit(_MULTI, "* act.ReLU_grad(dense_in)", "* np.clip(dense_in, 0.0, 1.0)")),
    _mutant("multi_reinjects_output", "the dense layer's gradient added to dh at every step", ("multi-layer.bptt",),
            Multi_Layer_RNN=_edit(_MULTI, "            draw = (1.0 - hidden_state[t] ** 2) * dh\n",
                                  "            if t < last:\n                dh = dh + d_dense @ self.W2.T\n"
                                  "            draw = (1.0 - hidden_state[t] ** 2) * dh\n")),
    _mutant("multi_forward_without_relu", "the dense layer's ReLU left out of the forward", ("multi-layer.forward",),
            Multi_Layer_RNN=_edit(_MULTI, "act.softmax(act.ReLU(hidden_state[t] @ self.W2 + self.B2) @ self.W3",
                                  "act.softmax((hidden_state[t] @ self.W2 + self.B2) @ self.W3")),
    # --- the LSTM (whose layer Multi_Layer_LSTM runs too) ---
    _mutant("lstm_reinjects_output", "the course's LSTM BPTT: dh = dy W^T + dh_next at every step (in "
            "Multi_Layer_LSTM, the dense layer's gradient at h)", ("lstm.bptt", "multi-lstm.bptt"),
            LSTM=_edit(_LSTM, "        for t in reversed(range(steps)):\n",
                       "        for t in reversed(range(steps)):\n"
                       "            if t < steps - 1:\n                dh = dh + dh_out\n")),
    _mutant("lstm_forget_gate_derivative", "df = dC * C_prev * f: the sigmoid's derivative f (1 - f) cut short",
            ("lstm.bptt",), touches=("multi-lstm.bptt",),
            LSTM=_edit(_LSTM, 'd["f"] = dC * C[t] * f[t] * (1.0 - f[t])', 'd["f"] = dC * C[t] * f[t]')),
    _mutant("lstm_cell_gradient_not_gated", "dC_next = dC: the cell's gradient skips the forget gate on its way back",
            ("lstm.bptt",), touches=("multi-lstm.bptt",),
            LSTM=_edit(_LSTM, "dC_next = dz[:, inputs:], f[t] * dC", "dC_next = dz[:, inputs:], dC")),
    _mutant("lstm_stacks_h_first", "z = [h_(t-1), x_t]: the stacking order of the README reversed",
            ("lstm.forward", "lstm.bptt"), touches=("multi-lstm.forward", "multi-lstm.bptt"),
            LSTM=_edits(_LSTM, ("z.append(np.concatenate([X[:, t], h[-1]], axis=1))",
                                "z.append(np.concatenate([h[-1], X[:, t]], axis=1))"),
                        ("dh, dC_next = dz[:, inputs:], f[t] * dC", "dh, dC_next = dz[:, :-inputs], f[t] * dC"))),
    # --- the dense ReLU layer of Multi_Layer_LSTM and Multi_layer_GRU ---
    _mutant("dense_relu_derivative_is_z", "the dense layer's derivative min(max(z, 0), 1): the course's ReLU_grad "
            "written inline", ("multi-lstm.bptt", "multi-gru.bptt"),
            _DenseReLUReadOut=_edit(_DENSE, "* act.dReLU(dense_in)", "* np.clip(dense_in, 0.0, 1.0)")),
    _mutant("dense_forward_without_relu", "softmax((h W_hid + B_hid) W + B): the dense layer's ReLU left out of the "
            "forward", ("multi-lstm.forward", "multi-gru.forward"), touches=("multi-lstm.bptt", "multi-gru.bptt"),
            _DenseReLUReadOut=_edit(_DENSE, "return Activations().ReLU(h @ self.W_hid + self.B_hid) @ self.W + self.B",
                                    "return (h @ self.W_hid + self.B_hid) @ self.W + self.B")),
    _mutant("multi_lstm_course_gradient_order", "the course's Multi_Layer_LSTM order: [dW, dB, dW_hid, dB_hid, dW_o, "
            "dB_o, ..., dW_f, dB_f]", ("multi-lstm.bptt",),
            touches=("multi-lstm.step",),     # step takes the gradients in BPTT's order: the same convention
            MULTI_LSTM_PARAMETERS=_edit(_MULTI_LSTM_ORDER, '(*LSTM_PARAMETERS[:-2], "W_hid", "B_hid", "W", "B")',
                                        '("W", "B", "W_hid", "B_hid", "W_o", "B_o", "W_c", "B_c", "W_i", "B_i", "W_f", "B_f")')),
    # --- the GRU (whose layer Multi_layer_GRU runs too) ---
    _mutant("gru_momentum_list_short", "the course's GRU: previous_updates = [0.0] * 10 for eleven parameters, so "
            "zip stops early and B_h is never updated (W_h, U_h, B_h in Multi_layer_GRU)", ("gru.step", "multi-gru.step"),
            GRU=_edit(_GRU, "self.previous_updates = [0.0] * len(self.PARAMETERS)", "self.previous_updates = [0.0] * 10")),
    _mutant("gru_update_gate_swapped", "h = (1 - z) h_prev + z h~ in the forward and its BPTT: z and 1 - z swapped",
            ("gru.forward", "gru.bptt"), touches=("multi-gru.forward", "multi-gru.bptt"),
            GRU=_edits(_GRU, ("h.append(z[t] * h_prev + (1.0 - z[t]) * h_bar[t])",
                              "h.append((1.0 - z[t]) * h_prev + z[t] * h_bar[t])"),
                       ("d_cand = dh * (1.0 - z[t]) * (1.0 - h_bar[t] ** 2)", "d_cand = dh * z[t] * (1.0 - h_bar[t] ** 2)"),
                       ("d_update = dh * (h_prev - h_bar[t]) * z[t] * (1.0 - z[t])",
                        "d_update = dh * (h_bar[t] - h_prev) * z[t] * (1.0 - z[t])"),
                       ("dh = dh * z[t] + d_reset_in", "dh = dh * (1.0 - z[t]) + d_reset_in"))),
    _mutant("gru_reset_after_product", "h~ = tanh(x W_h + r * (h_prev U_h) + B_h): the reset gate applied after the "
            "product", ("gru.forward", "gru.bptt"), touches=("multi-gru.forward", "multi-gru.bptt"),
            GRU=_edit(_GRU, "(r[t] * h_prev) @ self.U_h + self.B_h", "r[t] * (h_prev @ self.U_h) + self.B_h")),
    _mutant("gru_reinjects_output", "the course's GRU BPTT: dh = dy W^T + dh_next at every step (in Multi_layer_GRU, "
            "the dense layer's gradient at h)", ("gru.bptt", "multi-gru.bptt"),
            GRU=_edit(_GRU, "        for t in reversed(range(steps)):\n            x, h_prev = X[:, t], h[t]\n",
                      "        for t in reversed(range(steps)):\n            x, h_prev = X[:, t], h[t]\n"
                      "            if t < steps - 1:\n                dh = dh + dh_out\n")),
    # --- RNN, then a stack of dense ReLU layers, then softmax (Three_ and Five_Hidden_Layer_RNN) ---
    _mutant("three_layer_loss_every_step", "the course's Three_Hidden_Layer_RNN: dy = p_t - Y at every step, "
            "a many-to-many loss with the same label", ("three-layer.bptt",),
            Three_Hidden_Layer_RNN=_THREE + _EVERY_STEP_BPTT.replace("STEP", "t")),
    _mutant("five_layer_last_output_every_step", "the course's Five_Hidden_Layer_RNN: p_(T-1) - Y pushed through "
            "the dense layers with each step's values at every step", ("five-layer.bptt",),
            Five_Hidden_Layer_RNN=_FIVE + _EVERY_STEP_BPTT.replace("STEP", "len(X_state) - 1")),
    _mutant("deep_relu_derivative_is_z", "the dense layers' derivative min(max(z, 0), 1): the course's ReLU_grad "
            "written inline", _DEEP_BPTT,
            _DenseStackRNN=_edit(_STACK, "* act.ReLU_grad(inputs[k - 3])", "* np.clip(inputs[k - 3], 0.0, 1.0)")),
    _mutant("deep_reinjects_output", "the dense layers' gradient at h_(T-1) added to dh at every step", _DEEP_BPTT,
            _DenseStackRNN=_edits(_STACK, ("        dh = delta                                                      "
                                           "# only h_last sees the dense layers\n",
                                           "        dh = dh_out = delta\n"),
                                  ("            draw = (1.0 - hidden_state[t] ** 2) * dh\n",
                                   "            if t < last:\n                dh = dh + dh_out\n"
                                   "            draw = (1.0 - hidden_state[t] ** 2) * dh\n"))),
    _mutant("deep_last_dense_layer_without_relu", "the last dense layer's ReLU left out of the forward",
            ("three-layer.forward", "five-layer.forward"), touches=_DEEP_BPTT,
            _DenseStackRNN=_edits(_STACK, ("for W, B in dense:", "for index, (W, B) in enumerate(dense):"),
                                  ("            a = act.ReLU(inputs[-1])\n",
                                   "            a = act.ReLU(inputs[-1]) if index < len(dense) - 1 else inputs[-1]\n"))),
    _mutant("multi_lstm_sgd_momentum_sign", "the course's Multi_Layer_LSTM.SGD: delta = lr * g - mom * delta_prev; "
            "theta -= delta (anti-momentum)", ("multi-lstm.step",),
            Multi_Layer_LSTM=_MULTI_LSTM + """
    def step(self, grads):
        for i, (name, grad) in enumerate(zip(self.PARAMETERS, grads)):
            delta = self.learning_rate * grad - self.mom_coeff * self.previous_updates[i]
            setattr(self, name, getattr(self, name) - delta)
            self.previous_updates[i] = delta
"""),
    _mutant("predict_from_first_step", "argmax of probs[0]: the first step's guess", ("predict.last-step",),
            RNN=_edit(_RNN, "return np.argmax(probs[X.shape[1] - 1], axis=1)", "return np.argmax(probs[0], axis=1)")),
)

__all__ = ["ALTERNATIVES", "MUTANTS", "REFERENCE"]
