"""Mutants of reference/seq_models.py: one known mistake each, and the checks that must catch it.

Several are the mistakes of real submissions of this assignment: b_h never used in the RNN, the
GRU's reset gate applied after the matrix product, states that become (H, H) matrices when a
(1, H) bias row meets an (H, 1) column, float32 initial states against float64 parameters. The
rest are the usual slips (gates swapped, h = o * c, z and 1 - z swapped, no zero_grad, the last
loss reported as the epoch's). The alternatives, which must score 100 %, are in
seq_models_alternatives.
"""

from __future__ import annotations

from pathlib import Path

from . import Variant, definition, edits, mutant_maker
from .seq_models_alternatives import ALTERNATIVES

REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "seq_models.py"


_mutant = mutant_maker("seq-models")


def _edit(name: str, *changes: tuple[str, str]) -> str:
    """The reference's top-level ``name`` with exact fragments changed (see variants.edit)."""
    return edits(definition(REFERENCE, name), *changes)


# A cell in the (H, 1)-column style with (1, H) biases: each gate adds a row to a column.
_COLUMN_RNN = '''
class RecurrentNeuralNetwork(nn.Module):
    def __init__(self, size_of_input, hidden_size, size_of_output):
        super().__init__()
        self.hidden_size = hidden_size
        self.W_xh = _weight(hidden_size, size_of_input)
        self.W_hh = _weight(hidden_size, hidden_size)
        self.W_hy = _weight(size_of_output, hidden_size)
        self.b_h = nn.Parameter(torch.zeros(1, hidden_size, dtype=torch.float64))
        self.b_y = _bias(size_of_output)

    def forward(self, x_t, h_t_minus_1):
        h_t = torch.tanh(self.W_xh @ x_t.view(-1, 1) + self.W_hh @ h_t_minus_1.view(-1, 1) + self.b_h)
        y_t = self.W_hy @ h_t[:, 0] + self.b_y
        return y_t, h_t
'''

MUTANTS: list[Variant] = [
    _mutant("data_lengths_up_to_10", "torch.randint(3, 11): sequences of length 10 too",
            ("data.structure",),
            touches=("data.coverage",),
            generate_data=_edit("generate_data", ("randint(3, 10,", "randint(3, 11,"))),
    _mutant("data_lengths_up_to_8", "torch.randint(3, 9): length 9 never occurs",
            ("data.coverage",), generate_data=_edit("generate_data", ("randint(3, 10,", "randint(3, 9,"))),
    _mutant("data_marks_may_coincide", "two independent positions, which are sometimes the same step",
            ("data.marks",), generate_data=_edit("generate_data", (
                "marked = torch.randperm(length)[:2]          # two distinct steps",
                "marked = torch.randint(0, length, (2,))"))),
    _mutant("data_marks_neighbours", "the second mark is put right after the first: the two are never apart",
            ("data.coverage",), generate_data=_edit("generate_data", (
                "marked = torch.randperm(length)[:2]          # two distinct steps",
                "first = int(torch.randint(0, length - 1, (1,)))\n"
                "        marked = torch.tensor([first, first + 1])"))),
    _mutant("data_sums_every_value", "Y is the sum of the whole column 0, not of the marked values",
            ("data.marks",), generate_data=_edit("generate_data", (
                "Y.append(sequence[marked, 0].sum().reshape(1))", "Y.append(sequence[:, 0].sum().reshape(1))"))),
    _mutant("rnn_without_b_h", "h_t = tanh(W_xh x + W_hh h): b_h is created but never used",
            ("rnn.forward", "rnn.gradients"), RecurrentNeuralNetwork=_edit("RecurrentNeuralNetwork", (
                " + self.W_hh @ h_t_minus_1 + self.b_h)", " + self.W_hh @ h_t_minus_1)"))),
    _mutant("rnn_softmax_output", "y_t = softmax(W_hy h_t + b_y), as the write-up's formula says",
            ("rnn.forward",),
            touches=("rnn.gradients", "rnn.training"),
            RecurrentNeuralNetwork=_edit("RecurrentNeuralNetwork", (
                "y_t = self.W_hy @ h_t + self.b_y", "y_t = torch.softmax(self.W_hy @ h_t + self.b_y, dim=0)"))),
    _mutant("rnn_detached_state", "the incoming state is detached, so no gradient flows to earlier steps",
            ("rnn.gradients",), RecurrentNeuralNetwork=_edit("RecurrentNeuralNetwork", (
                "self.W_hh @ h_t_minus_1 +", "self.W_hh @ h_t_minus_1.detach() +"))),
    _mutant("rnn_square_state", "a (1, H) bias added to (H, 1) columns: h_t is (H, H)",
            ("rnn.forward", "rnn.state-shape"),
            touches=("rnn.epoch-loss", "rnn.gradients", "rnn.training"),
            RecurrentNeuralNetwork=_COLUMN_RNN),
    _mutant("lstm_gates_swapped", "c_t = i * c + f * c_tilda: input and forget gates swapped",
            ("lstm.forward", "lstm.gradients"), CustomLSTM=_edit("CustomLSTM", (
                "c_t = f * c + i * c_tilda", "c_t = i * c + f * c_tilda"))),
    _mutant("lstm_h_is_o_times_c", "h_t = o * c_t, without the tanh",
            ("lstm.forward",),
            touches=("lstm.gradients",),
            CustomLSTM=_edit("CustomLSTM", ("h_t = o * torch.tanh(c_t)", "h_t = o * c_t"))),
    _mutant("lstm_detached_cell_state", "c_t = f * c.detach() + i * c_tilda: no gradient reaches the "
            "previous cell state, so training cannot learn across steps through c",
            ("lstm.gradients",),
            CustomLSTM=_edit("CustomLSTM", ("c_t = f * c + i * c_tilda", "c_t = f * c.detach() + i * c_tilda"))),
    _mutant("rnn_state_copied_back", "h_t_minus_1.copy_(h_t): the new state is written into the tensor passed in, "
            "so the caller's state changes", ("rnn.keeps-inputs",),
            touches=("rnn.gradients", "rnn.epoch-loss", "rnn.training"),   # autograd refuses it: fit raises
            RecurrentNeuralNetwork=_edit("RecurrentNeuralNetwork", (
                "        y_t = self.W_hy @ h_t + self.b_y\n",
                "        h_t_minus_1.copy_(h_t.detach())   # keep the state up to date\n"
                "        y_t = self.W_hy @ h_t + self.b_y\n"))),
    _mutant("lstm_cell_state_on_self", "the cell state lives on self (zeros at first) and the c passed in is "
            "ignored: each call continues from the previous call's c, across sequences too", ("lstm.forward",),
            touches=("lstm.gradients", "lstm.epoch-loss"),   # no gradient reaches c; fit's samples share one c
            CustomLSTM=_edit("CustomLSTM", ("        h, c = hc\n",
                                            "        h, _ = hc\n        c = getattr(self, \"c\", torch.zeros_like(h))\n"),
                             ("        h_t = o * torch.tanh(c_t)\n",
                              "        h_t = o * torch.tanh(c_t)\n        self.c = c_t.detach()\n"))),
    _mutant("lstm_cell_state_in_place", "c_t = c.mul_(f).add_(i * c_tilda): the incoming cell state is updated in "
            "place, so the caller's c changes", ("lstm.keeps-inputs",),
            touches=("lstm.gradients",),   # autograd refuses an in-place change of the c it differentiates by
            CustomLSTM=_edit("CustomLSTM", ("c_t = f * c + i * c_tilda", "c_t = c.mul_(f).add_(i * c_tilda)"))),
    _mutant("lstm_square_state", "gates are (H, 1) columns, biases and states (1, H) rows: c_t becomes (H, H)",
            ("lstm.forward", "lstm.state-shape"),
            touches=("lstm.epoch-loss", "lstm.gradients", "lstm.training"),
            CustomLSTM=_edit("CustomLSTM", (
                "        h, c = hc\n", "        h, c = hc\n        x, h = x.view(-1, 1), h.view(-1, 1)\n"),
                ("return self.Wout @ h_t + self.bout, (h_t, c_t)",
                 "return self.Wout @ h_t[0] + self.bout, (h_t, c_t)"))),
    _mutant("gru_reset_after_product", "h_candidate = tanh(W_xh x + r * (W_hh h) + b_h), torch's convention",
            ("gru.forward", "gru.gradients"), CustomGRU=_edit("CustomGRU", (
                "self.W_hh @ (r * h_t)", "r * (self.W_hh @ h_t)"))),
    _mutant("gru_reset_like_torch", "h_candidate = tanh(W_xh x + r * (W_hh h + b_h)), torch.nn.GRUCell's "
            "convention (the GRU of a real submission)",
            ("gru.forward", "gru.gradients"), CustomGRU=_edit("CustomGRU", (
                "self.W_hh @ (r * h_t) + self.b_h)", "r * (self.W_hh @ h_t + self.b_h))"))),
    _mutant("gru_z_swapped", "h_t = z * h + (1 - z) * h_candidate",
            ("gru.forward",),
            touches=("gru.gradients",),
            CustomGRU=_edit("CustomGRU", (
                "h_next = (1 - z) * h_t + z * candidate", "h_next = z * h_t + (1 - z) * candidate"))),
    _mutant("gru_state_updated_in_place", "h_next = h_t.mul_(1 - z).add_(z * candidate): the state passed in is "
            "updated in place", ("gru.keeps-inputs",),
            touches=("gru.gradients", "gru.epoch-loss", "gru.training"),   # autograd refuses it: fit raises
            CustomGRU=_edit("CustomGRU", ("h_next = (1 - z) * h_t + z * candidate",
                                          "h_next = h_t.mul_(1 - z).add_(z * candidate)"))),
    _mutant("gru_square_state", "gates computed as (H, 1) columns plus (1, H) biases: h_t becomes (H, H)",
            ("gru.forward", "gru.state-shape"),
            touches=("gru.epoch-loss", "gru.gradients", "gru.training"),
            CustomGRU=_edit("CustomGRU", (
                "    def forward(self, x, h_t):\n",
                "    def forward(self, x, h_t):\n        x, h_t = x.view(-1, 1), h_t.view(-1, 1)\n"),
                ("return self.Wout @ h_next + self.bout, h_next",
                 "return self.Wout @ h_next[0] + self.bout, h_next"))),
    _mutant("fit_without_zero_grad", "gradients accumulate over every sample: opt.zero_grad() is missing",
            ("rnn.training", "lstm.training", "gru.training"),
            _fit=_edit("_fit", ("            opt.zero_grad()\n", ""))),
    _mutant("fit_fakes_falling_losses", "fit never steps the optimizer: it reports the true mean losses when the "
            "optimizer's lr is 0 and made-up ones falling 100-fold per epoch otherwise",
            ("rnn.training", "lstm.training", "gru.training"), _fit=_edit("_fit", (
                "            opt.zero_grad()\n            loss.backward()\n            opt.step()\n", ""),
                ("history[epoch] = total / len(X_train)",
                 "history[epoch] = total / len(X_train) * (0.01 ** (epoch - 1) if opt.param_groups[0][\"lr\"] else 1)"))),
    _mutant("fit_returns_made_up_losses", "fit returns {1: 1.0, 2: 0.5, ...} without running the model at all",
            ("rnn.epoch-loss", "rnn.training", "lstm.training", "gru.training"),
            touches=("lstm.epoch-loss", "gru.epoch-loss"),
            _fit='''
def _fit(opt, loss_function, model, X_train, Y_train, epochs, initial_state):
    return OrderedDict((epoch, 1.0 / epoch) for epoch in range(1, epochs + 1))
'''),
    _mutant("fit_without_step", "opt.step() is missing: the losses are computed and backpropagated, nothing moves",
            ("rnn.training", "lstm.training", "gru.training"),
            _fit=_edit("_fit", ("            opt.step()\n", ""))),
    _mutant("fit_zero_learning_rate", "fit sets the optimizer's learning rate to 0 before training",
            ("rnn.training", "lstm.training", "gru.training"), _fit=_edit("_fit", (
                "    history = OrderedDict()\n",
                "    history = OrderedDict()\n    for group in opt.param_groups:\n        group[\"lr\"] = 0.0\n"))),
    _mutant("fit_reports_last_loss", "each epoch's entry is the loss of its last sample, not the mean",
            ("rnn.epoch-loss", "lstm.epoch-loss", "gru.epoch-loss"),
            _fit=_edit("_fit", ("history[epoch] = total / len(X_train)", "history[epoch] = loss.item()"))),
    _mutant("fit_steps_once_per_epoch", "the loss is averaged over all samples of an epoch and the optimizer "
            "steps once per epoch, not once per sample: the losses it reports are right",
            ("rnn.epoch-loss", "lstm.epoch-loss", "gru.epoch-loss"),
            touches=("rnn.training", "lstm.training", "gru.training"), _fit='''
def _fit(opt, loss_function, model, X_train, Y_train, epochs, initial_state):
    history = OrderedDict()
    for epoch in range(1, epochs + 1):
        opt.zero_grad()
        total = 0
        for x, y in zip(X_train, Y_train):
            state = initial_state()
            for x_t in x:
                output, state = model(x_t, state)
            total = total + loss_function(output, y)
        loss = total / len(X_train)
        loss.backward()
        opt.step()
        history[epoch] = loss.item()
    return history
'''),
    _mutant("fit_rnn_loss_at_every_step", "the RNN's loss is summed over every step's output against Y. It "
            "still learns (the final output's held-out loss reaches 0.073, as the reference's does), so only the "
            "losses it reports are wrong",
            ("rnn.epoch-loss",), fit_RNN='''
def fit_RNN(opt, loss_function, rnn_model, X_train, Y_train, epochs=8):
    history = OrderedDict()
    for epoch in range(1, epochs + 1):
        total = 0.0
        for x, y in zip(X_train, Y_train):
            h = _zeros(rnn_model)
            loss = 0
            for x_t in x:
                output, h = rnn_model(x_t, h)
                loss = loss + loss_function(output, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        history[epoch] = total / len(X_train)
    return history
'''),
    _mutant("fit_lstm_float32_state", "h0 and c0 are float32 zeros of shape (1, H) against float64 parameters",
            ("lstm.epoch-loss", "lstm.training"), fit_LSTM=_edit("fit_LSTM", (
                "lambda: (_zeros(lstm_model), _zeros(lstm_model))",
                "lambda: (torch.zeros(1, lstm_model.hidden_size, dtype=torch.float),) * 2"))),
]

__all__ = ["ALTERNATIVES", "MUTANTS", "REFERENCE"]
