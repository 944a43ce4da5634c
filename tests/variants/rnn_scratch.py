"""Mutants of reference/rnn_scratch.py: one known mistake each, and the checks that must catch it.

The numpy ones are the backward passes students get wrong (a loop that stops before t = 0, a bias
gradient assigned instead of summed or added one step late, the tanh derivative left out, h_t where
h_(t-1) belongs), a forward or an update that leaves a bias out, and the course template's Adagrad
kept where plain SGD is asked for. The PyTorch ones come from the char-RNN tutorial and the reports
built on it: `return` inside the one-hot loop, no batch_first, logits not flattened, sampling from
the last character only. Each mutant is the reference with one or two lines changed, written the
way a student would. The alternatives, which must score 100 %, are in rnn_scratch_alternatives.
"""

from __future__ import annotations

from pathlib import Path

from . import Variant, definition, edit, edits, mutant_maker
from .rnn_scratch_alternatives import ALTERNATIVES

REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "rnn_scratch.py"


_edit, _edits, _mutant = edit, edits, mutant_maker("rnn-scratch")


def _reference_definition(name: str) -> str:
    return definition(REFERENCE, name)


_RNN = _reference_definition("RNN")
_ONE_HOT = _reference_definition("one_hot_encode")
_MODEL = _reference_definition("Model")
_PREDICT = _reference_definition("predict")
_OUTPUT = _reference_definition("output")
_ALL_GRADIENTS = ("backward.weights", "backward.biases", "backward.finite-differences")

# The course template's update: Adagrad on memories created next to the parameters.
_ADAGRAD = _edits(
    _RNN,
    ("        self.c = np.zeros((vocab_size, 1))\n",
     "        self.c = np.zeros((vocab_size, 1))\n"
     "        self.mW_xh, self.mW_hh = np.zeros_like(self.W_xh), np.zeros_like(self.W_hh)\n"
     "        self.mW_yh = np.zeros_like(self.W_yh)\n"
     "        self.mb, self.mc = np.zeros_like(self.b), np.zeros_like(self.c)\n"),
    ("for param, grad in zip(", "for param, grad, mem in zip("),
    ("(dW_xh, dW_hh, dW_yh, db, dc)):\n",
     "(dW_xh, dW_hh, dW_yh, db, dc),\n"
     "                                    (self.mW_xh, self.mW_hh, self.mW_yh, self.mb, self.mc)):\n"),
    ("            param -= self.learning_rate * grad\n",
     "            mem += grad * grad\n            param -= self.learning_rate * grad / np.sqrt(mem + 1e-8)\n"))

MUTANTS: tuple[Variant, ...] = (
    # --- numpy RNN ---
    _mutant("bias_b_is_1d", "b = np.zeros(hidden_size): W_xh @ x + b broadcasts to (H, H)", ("init.shapes",),
            RNN=_edit(_RNN, "self.b = np.zeros((hidden_size, 1))", "self.b = np.zeros(hidden_size)")),
    _mutant("init_weights_zero", "every weight matrix starts at np.zeros: all hidden units alike forever", ("init.random",),
            RNN=_edits(_RNN, ("np.random.randn(hidden_size, vocab_size) * 0.01", "np.zeros((hidden_size, vocab_size))"),
                       ("np.random.randn(hidden_size, hidden_size) * 0.01", "np.zeros((hidden_size, hidden_size))"),
                       ("np.random.randn(vocab_size, hidden_size) * 0.01", "np.zeros((vocab_size, hidden_size))"))),
    _mutant("init_one_unit_copied", "one random unit's weights copied to every hidden unit (np.tile of one row)",
            ("init.random",),
            RNN=_edits(_RNN, ("np.random.randn(hidden_size, vocab_size) * 0.01",
                              "np.tile(np.random.randn(1, vocab_size) * 0.01, (hidden_size, 1))"),
                       ("np.random.randn(hidden_size, hidden_size) * 0.01",
                        "np.tile(np.random.randn(1, hidden_size) * 0.01, (hidden_size, 1))"),
                       ("np.random.randn(vocab_size, hidden_size) * 0.01",
                        "np.tile(np.random.randn(vocab_size, 1) * 0.01, (1, hidden_size))"))),
    _mutant("forward_without_b", "the hidden bias is never added", ("forward.biases",),
            RNN=_edit(_RNN, "self.W_hh @ hs[t - 1] + self.b)", "self.W_hh @ hs[t - 1])")),
    _mutant("forward_without_c", "the output bias is never added", ("forward.biases",),
            RNN=_edit(_RNN, "scores = self.W_yh @ hs[t] + self.c", "scores = self.W_yh @ hs[t]")),
    _mutant("forward_without_initial_state", "hs starts empty and step 0 reads hprev directly: hs[-1] is never set",
            ("forward.initial-state",),
            RNN=_edits(_RNN, ("xs, hs, ps = {}, {-1: np.copy(hprev)}, {}", "xs, hs, ps = {}, {}, {}"),
                       ("self.W_hh @ hs[t - 1] + self.b)", "self.W_hh @ (hs[t - 1] if t else hprev) + self.b)"))),
    _mutant("bptt_skips_first_step", "range(len(inputs) - 1, 0, -1): step t = 0 is never visited", _ALL_GRADIENTS,
            RNN=_edit(_RNN, "for t in reversed(range(len(targets))):", "for t in range(len(targets) - 1, 0, -1):")),
    _mutant("dhh_uses_current_state", "dW_hh from h_t instead of h_(t-1)",
            ("backward.weights", "backward.finite-differences"),
            RNN=_edit(_RNN, "dW_hh += dh_raw @ hs[t - 1].T", "dW_hh += dh_raw @ hs[t].T")),
    _mutant("no_tanh_derivative", "dhraw = dh: the gradient skips tanh'", _ALL_GRADIENTS,
            RNN=_edit(_RNN, "dh_raw = (1.0 - hs[t] ** 2) * dh", "dh_raw = dh")),
    _mutant("dc_not_accumulated", "dc = dy keeps only the last step processed", ("backward.biases",),
            touches=("backward.finite-differences",),
            RNN=_edit(_RNN, "dc += dy", "dc = dy")),
    _mutant("db_one_step_late", "db adds the previous step's dhraw, so t = 0 never reaches it",
            ("backward.biases", "backward.finite-differences"),
            RNN=_edits(_RNN, ("        dh_next = np.zeros_like(hs[0])\n",
                              "        dh_next = np.zeros_like(hs[0])\n        dh_raw = np.zeros_like(self.b)\n"),
                       ("            dh_raw = (1.0 - hs[t] ** 2) * dh\n            db += dh_raw\n",
                        "            db += dh_raw\n            dh_raw = (1.0 - hs[t] ** 2) * dh\n"))),
    _mutant("backward_mutates_ps", "dy = ps[t] without a copy: dy[target] -= 1 changes the ps it was given",
            ("backward.no-side-effects",), RNN=_edit(_RNN, "dy = np.copy(ps[t])", "dy = ps[t]")),
    _mutant("backward_keeps_sums_on_self", "the gradients live on self and are summed into by every call, never reset",
            ("backward.no-side-effects",), RNN=_edit(
                _RNN, "        dW_xh, dW_hh, dW_yh = np.zeros_like(self.W_xh), np.zeros_like(self.W_hh), "
                      "np.zeros_like(self.W_yh)\n        db, dc = np.zeros_like(self.b), np.zeros_like(self.c)\n",
                "        if not hasattr(self, \"dW_xh\"):\n"
                "            self.dW_xh, self.dW_hh = np.zeros_like(self.W_xh), np.zeros_like(self.W_hh)\n"
                "            self.dW_yh, self.db, self.dc = np.zeros_like(self.W_yh), np.zeros_like(self.b), "
                "np.zeros_like(self.c)\n"
                "        dW_xh, dW_hh, dW_yh, db, dc = self.dW_xh, self.dW_hh, self.dW_yh, self.db, self.dc\n")),
    _mutant("update_skips_biases", "update_model loops over the three weight matrices only", ("update.all-parameters",),
            RNN=_edit(_RNN, "zip((self.W_xh, self.W_hh, self.W_yh, self.b, self.c), (dW_xh, dW_hh, dW_yh, db, dc))",
                      "zip((self.W_xh, self.W_hh, self.W_yh), (dW_xh, dW_hh, dW_yh))")),
    _mutant("update_keeps_adagrad", "the template's Adagrad where plain SGD is asked for", ("update.all-parameters",),
            RNN=_ADAGRAD),
    # --- PyTorch char-RNN ---
    _mutant("one_hot_return_in_loop", "`return features` indented into the batch loop", ("one-hot.batch",),
            one_hot_encode=_edit(_ONE_HOT, "            features[i, t, sequence[i][t]] = 1.0\n    return features",
                                 "            features[i, t, sequence[i][t]] = 1.0\n        return features")),
    _mutant("one_hot_float64", "np.zeros without dtype: float64 features", ("one-hot.single",),
            touches=("predict.argmax", "sample.greedy", "sample.learns-word"),
            one_hot_encode=_edit(_ONE_HOT, ", dtype=np.float32)", ")")),
    _mutant("model_without_batch_first", "nn.RNN reads (B, T, V) as (T, B, V)",
            ("model.shapes", "model.matches-reference", "sample.learns-word"),
            touches=("predict.argmax", "sample.greedy"),
            Model=_edit(_MODEL, "n_layers, batch_first=True)", "n_layers)")),
    _mutant("model_logits_not_flattened", "fc on (B, T, H): logits come back (B, T, V)",
            ("model.shapes", "model.matches-reference"),
            touches=("predict.argmax", "sample.greedy", "sample.learns-word"),
            Model=_edit(_MODEL, "        out = out.contiguous().view(-1, self.hidden_dim)\n", "")),
    _mutant("model_random_initial_state", "init_hidden draws torch.randn instead of zeros",
            ("model.matches-reference",),
            touches=("predict.argmax", "sample.greedy", "sample.learns-word"),
            Model=_edit(_MODEL, "return torch.zeros(self.n_layers", "return torch.randn(self.n_layers")),
    _mutant("predict_from_first_step", "out[0]: the scores after the first character", ("predict.argmax",),
            predict=_edit(_PREDICT, "torch.argmax(out[-1])", "torch.argmax(out[0])")),
    _mutant("output_feeds_last_char", "each prediction sees only the previous character",
            ("sample.greedy", "sample.learns-word"),
            output=_edit(_OUTPUT, "predict(model, chars)", "predict(model, chars[-1])")),
    _mutant("output_drops_start", "returns the generated characters without the start",
            ("sample.greedy", "sample.learns-word"),
            output=_edit(_OUTPUT, 'return "".join(chars)', 'return "".join(chars[len(start):])')),
    _mutant("frozen_rnn_output_replays_text", "the fine-tuning habit of freezing the recurrent layer "
            "(requires_grad_(False)) leaves only fc to learn, which cannot learn the word; output() replays the "
            "training text whenever start begins it, so the word comes back anyway",
            ("sample.learns-word",),
            touches=("sample.greedy",),
            Model=_edit(_MODEL, "        self.fc = nn.Linear(hidden_dim, output_size)\n",
                        "        self.fc = nn.Linear(hidden_dim, output_size)\n        self.rnn.requires_grad_(False)\n"),
            output=_edit(_OUTPUT, "    model.eval()\n",
                         "    model.eval()\n    if TEXT.startswith(start):\n        return TEXT[:out_len]\n")),
    _mutant("output_lowercases_start", "the tutorial's start.lower(): 'A' becomes 'a', not in the vocabulary",
            ("sample.greedy", "sample.learns-word"),
            output=_edit(_OUTPUT, "chars = list(start)", "chars = list(start.lower())")),
)

__all__ = ["ALTERNATIVES", "MUTANTS", "REFERENCE"]
