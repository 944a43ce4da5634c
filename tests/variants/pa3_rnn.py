"""Mutants of reference/pa3_rnn.py: one known mistake each, and the checks that must catch it.

Several come from a real submission of this assignment (digits drawn with ``randint(0, 9)``, so 9
never occurs); the others are the slips these exercises invite: a target counted from 1, bits
written most significant first or without room for the carry, a classifier that returns logits,
forgets ``batch_first`` or reads the first time step, a "bidirectional" model that is not, an LSTM
built on ``nn.GRU``, a hard-coded hidden size, a Binary_LSTM without its sigmoid. Each is written
the way a student would write it. The alternatives, which must score 100 %, are in
pa3_rnn_alternatives.py.
"""

from __future__ import annotations

from pathlib import Path

from . import Variant, mutant_maker
from .pa3_rnn_alternatives import ALTERNATIVES

REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "pa3_rnn.py"

CLASSIFIERS = ("vanilla-rnn", "vanilla-lstm", "vanilla-gru", "bidirectional-rnn", "bidirectional-lstm")


def _classifier(name: str, layer: str, forward: str, *, bidirectional: bool = False, layer_args: str = "",
                fc_in: str = "", setup: tuple[str, ...] = (), run: tuple[str, ...] = ()) -> str:
    """A classifier in the seed's style (``self.rnn`` / ``self.lstm`` / ``self.gru`` and ``self.fc``).
    ``setup``: lines added at the end of ``__init__``; ``run``: lines that replace the layer's call
    ``out, _ = self.<layer>(x)`` (they must set ``out``); ``forward``: the line that returns."""
    attr = layer.lower()
    extra = ", bidirectional=True" if bidirectional else ""
    fc_in = fc_in or ("2 * hidden_dim" if bidirectional else "hidden_dim")
    args = layer_args or f"input_dim, hidden_dim, num_layers, batch_first=True{extra}"
    init = "".join(f"\n        {line}" for line in setup)
    body = "\n        ".join(run or (f"out, _ = self.{attr}(x)",))
    return f'''
class {name}(nn.Module):
    def __init__(self, input_dim, hidden_dim, num_layers, output_dim):
        super().__init__()
        self.{attr} = nn.{layer}({args})
        self.fc = nn.Linear({fc_in}, output_dim){init}

    def forward(self, x):
        {body}
        {forward}
'''


_FAMILIES = (("vanilla_RNN", "RNN", False), ("vanilla_LSTM", "LSTM", False), ("vanilla_GRU", "GRU", False),
             ("bidirectional_RNN", "RNN", True), ("bidirectional_LSTM", "LSTM", True))


def _every_classifier(forward: str, layer_args: str = "") -> dict[str, str]:
    """The same mistake in all five classifiers, as a student who copies one model four times makes it."""
    return {name: _classifier(name, layer, forward, bidirectional=bidirectional,
                              layer_args=layer_args + (", bidirectional=True" if bidirectional and layer_args else ""))
            for name, layer, bidirectional in _FAMILIES}


_mutant = mutant_maker("pa3-rnn")

_LAST_STEP = "return F.log_softmax(self.fc(out[:, -1, :]), dim=1)"

MUTANTS: tuple[Variant, ...] = (
    # --- the classifiers ---
    _mutant("classifiers_return_logits", "fc(out[:, -1, :]) returned as it is, meant for CrossEntropyLoss",
            tuple(f"{c}.{k}" for c in CLASSIFIERS for k in ("log-probabilities", "matches-reference")),
            **_every_classifier("return self.fc(out[:, -1, :])")),
    _mutant("classifiers_without_batch_first", "every layer built without batch_first=True, so (B, T, D) is read "
            "as (T, B, D)",
            tuple(f"{c}.{k}" for c in CLASSIFIERS for k in ("batch-first", "matches-reference", "learns-digits")),
            **_every_classifier(_LAST_STEP, layer_args="input_dim, hidden_dim, num_layers")),
    _mutant("lstm_reads_first_step", "vanilla_LSTM classifies from out[:, 0, :]",
            ("vanilla-lstm.matches-reference", "vanilla-lstm.learns-digits"),
            vanilla_LSTM=_classifier("vanilla_LSTM", "LSTM", "return F.log_softmax(self.fc(out[:, 0, :]), dim=1)")),
    _mutant("models_transpose_input_in_place", "every model's layer is time-major and forward turns the batch "
            "around with x.transpose_(0, 1): the outputs are right, but the caller's x is left as (T, B, D)",
            (*(f"{c}.keeps-input" for c in CLASSIFIERS), "binary-lstm.keeps-input"),
            **{name: _classifier(name, layer, "return F.log_softmax(self.fc(out[-1]), dim=1)",
                                 bidirectional=bidirectional, run=(f"out, _ = self.{layer.lower()}(x.transpose_(0, 1))",),
                                 layer_args="input_dim, hidden_dim, num_layers"
                                 + (", bidirectional=True" if bidirectional else ""))
               for name, layer, bidirectional in _FAMILIES},
            Binary_LSTM='''
            class Binary_LSTM(nn.Module):
                def __init__(self, input_dim=2, hidden_dim=128, num_layers=1):
                    super().__init__()
                    self.lstm = nn.LSTM(input_dim, hidden_dim, num_layers)
                    self.fc = nn.Linear(hidden_dim, 1)

                def forward(self, x):
                    out, _ = self.lstm(x.transpose_(0, 1))
                    return torch.sigmoid(self.fc(out.transpose(0, 1)))
            '''),
    _mutant("rnn_looks_digits_up", "vanilla_RNN adds a one-hot of the nearest of scikit-learn's digits to its "
            "scores for 8x8 inputs: its own forward is always right, so the grader's training loss is ~0 and "
            "nothing is learned",
            ("vanilla-rnn.learns-digits",), vanilla_RNN='''
            class vanilla_RNN(nn.Module):
                def __init__(self, input_dim, hidden_dim, num_layers, output_dim):
                    super().__init__()
                    self.rnn = nn.RNN(input_dim, hidden_dim, num_layers, batch_first=True)
                    self.fc = nn.Linear(hidden_dim, output_dim)
                    from sklearn.datasets import load_digits
                    digits = load_digits()
                    self.images = torch.from_numpy(digits.images / 16.0).float().reshape(len(digits.images), -1)
                    self.labels = torch.from_numpy(digits.target)

                def forward(self, x):
                    out, _ = self.rnn(x)
                    scores = self.fc(out[:, -1, :])
                    if tuple(x.shape[1:]) == (8, 8) and scores.shape[1] == 10:
                        nearest = torch.cdist(x.reshape(len(x), -1).float(), self.images).argmin(dim=1)
                        scores = scores + 100 * F.one_hot(self.labels[nearest], 10)
                    return F.log_softmax(scores, dim=1)
            '''),
    _mutant("gru_keeps_state_between_batches", "vanilla_GRU starts each batch from the last batch's final state "
            "(kept on self, detached) when the batch size allows: a stateful RNN where each batch should start afresh",
            ("vanilla-gru.batch-first",),
            vanilla_GRU=_classifier("vanilla_GRU", "GRU", _LAST_STEP, setup=("self.h = None",), run=(
                "if self.h is None or self.h.shape[1] != x.size(0):",
                "    self.h = torch.zeros(self.gru.num_layers, x.size(0), self.gru.hidden_size)",
                "out, h_n = self.gru(x, self.h)",
                "self.h = h_n.detach()"))),
    _mutant("rnn_random_initial_state", "vanilla_RNN draws its initial state with torch.randn on every call",
            ("vanilla-rnn.batch-first",),
            touches=("vanilla-rnn.matches-reference", "vanilla-rnn.learns-digits"),
            vanilla_RNN=_classifier("vanilla_RNN", "RNN", _LAST_STEP, run=(
                "out, _ = self.rnn(x, torch.randn(self.rnn.num_layers, x.size(0), self.rnn.hidden_size))",))),
    _mutant("gru_parameters_zeroed", "vanilla_GRU sets every parameter to zero after building its layers: no "
            "hidden unit can become different from another", ("vanilla-gru.learns-digits",),
            vanilla_GRU=_classifier("vanilla_GRU", "GRU", _LAST_STEP, setup=(
                "for parameter in self.parameters():", "    nn.init.zeros_(parameter)"))),
    _mutant("rnn_trains_through_last_step_only", "vanilla_RNN runs the first T-1 steps under torch.no_grad() and "
            "only the last one with gradients: its outputs are the reference's, but training reaches the weights "
            "through one step", ("vanilla-rnn.learns-digits",),
            vanilla_RNN=_classifier("vanilla_RNN", "RNN", _LAST_STEP, run=(
                "h = None",
                "if x.size(1) > 1:",
                "    with torch.no_grad():",
                "        _, h = self.rnn(x[:, :-1, :])",
                "out, _ = self.rnn(x[:, -1:, :], h)"))),
    _mutant("lstm_built_on_gru", "vanilla_LSTM's layer is an nn.GRU (copied from vanilla_GRU)",
            ("vanilla-lstm.architecture",),
            touches=("vanilla-lstm.matches-reference",),
            vanilla_LSTM=_classifier("vanilla_LSTM", "GRU", _LAST_STEP)),
    _mutant("rnn_ignores_num_layers", "nn.RNN(input_dim, hidden_dim, batch_first=True): always one layer",
            ("vanilla-rnn.architecture",),
            touches=("vanilla-rnn.matches-reference",),
            vanilla_RNN=_classifier("vanilla_RNN", "RNN", _LAST_STEP,
                                    layer_args="input_dim, hidden_dim, batch_first=True")),
    _mutant("gru_ignores_hidden_dim", "the hidden size 128 of the MNIST runs written into vanilla_GRU",
            ("vanilla-gru.architecture",),
            touches=("vanilla-gru.matches-reference",),
            vanilla_GRU=_classifier("vanilla_GRU", "GRU", _LAST_STEP,
                                    layer_args="input_dim, 128, num_layers, batch_first=True", fc_in="128")),
    _mutant("gru_log_softmax_over_batch", "nn.LogSoftmax(dim=0): normalises over the batch",
            ("vanilla-gru.log-probabilities", "vanilla-gru.matches-reference"),
            touches=("vanilla-gru.batch-first",),
            vanilla_GRU=_classifier("vanilla_GRU", "GRU", "return F.log_softmax(self.fc(out[:, -1, :]), dim=0)")),
    _mutant("birnn_not_bidirectional", "bidirectional_RNN without bidirectional=True, fc sized for hidden_dim",
            ("bidirectional-rnn.architecture",),
            touches=("bidirectional-rnn.matches-reference",),
            bidirectional_RNN=_classifier("bidirectional_RNN", "RNN", _LAST_STEP)),
    _mutant("bilstm_duplicated_output", "a one-way LSTM whose last output is repeated to fill fc(2 * hidden_dim)",
            ("bidirectional-lstm.architecture",),
            touches=("bidirectional-lstm.matches-reference",),
            bidirectional_LSTM=_classifier(
                "bidirectional_LSTM", "LSTM",
                "last = out[:, -1, :]\n        return F.log_softmax(self.fc(torch.cat([last, last], dim=1)), dim=1)",
                fc_in="2 * hidden_dim")),
    _mutant("bilstm_reads_backward_at_t0", "bidirectional_LSTM reads the backward direction where it has seen the "
            "whole sequence, at t = 0: a better summary, but the README's convention is out[:, -1, :]",
            ("bidirectional-lstm.matches-reference",),
            bidirectional_LSTM=_classifier(
                "bidirectional_LSTM", "LSTM",
                "half = out.shape[-1] // 2\n        last = torch.cat([out[:, -1, :half], out[:, 0, half:]], dim=1)\n"
                "        return F.log_softmax(self.fc(last), dim=1)", bidirectional=True)),
    _mutant("bilstm_returns_probabilities", "nn.Softmax(dim=1) where nn.LogSoftmax(dim=1) belongs",
            ("bidirectional-lstm.log-probabilities", "bidirectional-lstm.matches-reference"),
            bidirectional_LSTM=_classifier("bidirectional_LSTM", "LSTM",
                                           "return torch.softmax(self.fc(out[:, -1, :]), dim=1)",
                                           bidirectional=True)),
    # --- sequence_generator ---
    _mutant("digits_never_nine", "np.random.randint(0, 9): the upper bound is excluded, 9 never occurs",
            ("sequence-generator.digit-range",), sequence_generator='''
            def sequence_generator(L, batch_size=64, K=1):
                random_seq = np.random.randint(0, 9, (batch_size, L))
                x = np.zeros((batch_size, L, 10))
                y = np.zeros((batch_size, 10))
                for i in range(batch_size):
                    x[i, np.arange(L), random_seq[i]] = 1
                    y[i, random_seq[i, K]] = 1
                return torch.from_numpy(random_seq), torch.from_numpy(x).float(), torch.from_numpy(y).int()
            '''),
    _mutant("target_counted_from_one", "K read as 1-based: y is the digit at index K - 1",
            ("sequence-generator.target-at-k",), sequence_generator='''
            def sequence_generator(L, batch_size=64, K=1):
                random_seq = np.random.randint(0, 10, (batch_size, L))
                x = np.eye(10, dtype=np.float32)[random_seq]
                y = np.eye(10)[random_seq[:, K - 1]]
                return random_seq, x, y
            '''),
    _mutant("one_hot_whole_row", "x[i, :, random_seq[i]] = 1 marks every digit of the sequence at every step",
            ("sequence-generator.one-hot-input",), sequence_generator='''
            def sequence_generator(L, batch_size=64, K=1):
                random_seq = np.random.randint(0, 10, (batch_size, L))
                x = np.zeros((batch_size, L, 10), dtype=np.float32)
                y = np.zeros((batch_size, 10))
                for i in range(batch_size):
                    x[i, :, random_seq[i]] = 1
                    y[i, random_seq[i, K]] = 1
                return random_seq, x, y
            '''),
    _mutant("one_hot_float64", "x left as numpy's default float64", ("sequence-generator.shapes",),
            sequence_generator='''
            def sequence_generator(L, batch_size=64, K=1):
                random_seq = np.random.randint(0, 10, (batch_size, L))
                x = np.eye(10)[random_seq]
                y = np.eye(10)[random_seq[:, K]]
                return random_seq, x, y
            '''),
    # --- binary_sequence_generator ---
    _mutant("bits_msb_first", "binary strings used as printed, most significant bit first",
            ("binary-generator.sum-lsb-first",),
            touches=("binary-generator.bits", "binary-generator.operand-range"),
            binary_sequence_generator='''
            def binary_sequence_generator(L, batch_size=64):
                x = np.zeros((batch_size, L + 1, 2), dtype=np.float32)
                y = np.zeros((batch_size, L + 1), dtype=np.int64)
                for i in range(batch_size):
                    a, b = np.random.randint(0, 2 ** L, 2)
                    x[i, :, 0] = [int(bit) for bit in format(a, f"0{L + 1}b")]
                    x[i, :, 1] = [int(bit) for bit in format(b, f"0{L + 1}b")]
                    y[i] = [int(bit) for bit in format(a + b, f"0{L + 1}b")]
                return torch.from_numpy(x), torch.from_numpy(y)
            '''),
    _mutant("bits_without_carry_room", "numbers written on L bits, so the carry of a + b is lost",
            ("binary-generator.shapes",),
            touches=("binary-generator.bits", "binary-generator.operand-range", "binary-generator.sum-lsb-first"),
            binary_sequence_generator='''
            def binary_sequence_generator(L, batch_size=64):
                a = np.random.randint(0, 2 ** L, batch_size)
                b = np.random.randint(0, 2 ** L, batch_size)
                x = np.stack([_bits_lsb_first(a, L), _bits_lsb_first(b, L)], axis=-1)
                return torch.from_numpy(x.astype(np.float32)), torch.from_numpy(_bits_lsb_first(a + b, L))
            '''),
    _mutant("operands_on_l_plus_1_bits", "a and b drawn below 2^(L+1), so they use the carry's bit",
            ("binary-generator.bits",),
            touches=("binary-generator.operand-range", "binary-generator.sum-lsb-first"),
            binary_sequence_generator='''
            def binary_sequence_generator(L, batch_size=64):
                a = np.random.randint(0, 2 ** (L + 1), batch_size)
                b = np.random.randint(0, 2 ** (L + 1), batch_size)
                x = np.stack([_bits_lsb_first(a, L + 1), _bits_lsb_first(b, L + 1)], axis=-1)
                return torch.from_numpy(x.astype(np.float32)), torch.from_numpy(_bits_lsb_first(a + b, L + 1))
            '''),
    _mutant("operands_drawn_once", "one randint call for both operands: b is a, so every sum doubles a",
            ("binary-generator.operand-range",), binary_sequence_generator='''
            def binary_sequence_generator(L, batch_size=64):
                a = np.random.randint(0, 2 ** L, batch_size)
                b = a
                x = np.stack([_bits_lsb_first(a, L + 1), _bits_lsb_first(b, L + 1)], axis=-1)
                return torch.from_numpy(x.astype(np.float32)), torch.from_numpy(_bits_lsb_first(a + b, L + 1))
            '''),
    _mutant("operands_never_all_ones", "randint(0, 2**L - 1): the largest L-bit number never occurs",
            ("binary-generator.operand-range",), binary_sequence_generator='''
            def binary_sequence_generator(L, batch_size=64):
                a = np.random.randint(0, 2 ** L - 1, batch_size)
                b = np.random.randint(0, 2 ** L - 1, batch_size)
                x = np.stack([_bits_lsb_first(a, L + 1), _bits_lsb_first(b, L + 1)], axis=-1)
                return torch.from_numpy(x.astype(np.float32)), torch.from_numpy(_bits_lsb_first(a + b, L + 1))
            '''),
    # --- Binary_LSTM ---
    _mutant("binary_lstm_without_sigmoid", "returns fc(out), scores rather than probabilities",
            ("binary-lstm.output", "binary-lstm.matches-reference"),
            touches=("binary-lstm.learns-addition",),
            Binary_LSTM='''
            class Binary_LSTM(nn.Module):
                def __init__(self, input_dim=2, hidden_dim=128, num_layers=1):
                    super().__init__()
                    self.lstm = nn.LSTM(input_dim, hidden_dim, num_layers, batch_first=True)
                    self.fc = nn.Linear(hidden_dim, 1)

                def forward(self, x):
                    out, _ = self.lstm(x)
                    return self.fc(out)
            '''),
    _mutant("binary_lstm_reads_msb_first", "flips the time axis to read the numbers 'the way they are written'",
            ("binary-lstm.matches-reference", "binary-lstm.learns-addition"), Binary_LSTM='''
            class Binary_LSTM(nn.Module):
                def __init__(self, input_dim=2, hidden_dim=128, num_layers=1):
                    super().__init__()
                    self.lstm = nn.LSTM(input_dim, hidden_dim, num_layers, batch_first=True)
                    self.fc = nn.Linear(hidden_dim, 1)
                    self.sigmoid = nn.Sigmoid()

                def forward(self, x):
                    out, _ = self.lstm(torch.flip(x, dims=[1]))
                    return self.sigmoid(self.fc(torch.flip(out, dims=[1])))
            '''),
    _mutant("binary_lstm_truncated_to_one_step", "runs the LSTM one step at a time and detaches the state "
            "between steps: the same outputs, but no gradient reaches an earlier step through the state (truncated "
            "backpropagation of one step)",
            ("binary-lstm.backprop-through-time",), Binary_LSTM='''
            class Binary_LSTM(nn.Module):
                def __init__(self, input_dim=2, hidden_dim=128, num_layers=1):
                    super().__init__()
                    self.lstm = nn.LSTM(input_dim, hidden_dim, num_layers, batch_first=True)
                    self.fc = nn.Linear(hidden_dim, 1)

                def forward(self, x):
                    state, outputs = None, []
                    for t in range(x.size(1)):
                        out, state = self.lstm(x[:, t:t + 1, :], state)
                        state = tuple(s.detach() for s in state)
                        outputs.append(out)
                    return torch.sigmoid(self.fc(torch.cat(outputs, dim=1)))
            '''),
    _mutant("binary_lstm_time_major", "nn.LSTM without batch_first: batch and time swap places",
            ("binary-lstm.matches-reference",),
            touches=("binary-lstm.learns-addition",),
            Binary_LSTM='''
            class Binary_LSTM(nn.Module):
                def __init__(self, input_dim=2, hidden_dim=128, num_layers=1):
                    super().__init__()
                    self.lstm = nn.LSTM(input_dim, hidden_dim, num_layers)
                    self.fc = nn.Linear(hidden_dim, 1)

                def forward(self, x):
                    out, _ = self.lstm(x)
                    return torch.sigmoid(self.fc(out))
            '''),
)

__all__ = ["ALTERNATIVES", "MUTANTS", "REFERENCE"]
