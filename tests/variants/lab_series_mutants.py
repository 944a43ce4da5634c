"""The mutants lab9-rnn and lab10-lstm share: Lab 10 repeats Lab 9's pipeline with nn.LSTM, and with it
every mistake of Lab 9 (catalog seed-003, sections 9, 10 and 12). Each mutant is a whole definition in
the style students write, filled in with the lab's layer and class names, so one list serves both labs.

The manual's own bugs: no ``optimizer.zero_grad()`` in the training loop, ``data[:, 0]`` on the
DataLoader's ``[x, y]`` batch (a TypeError), the comment's off-by-one target ``Y[i] = y[i + 9]``, the
hard-coded ``range(0, 5900)``. The slips the exercises invite: the first step's output instead of the
last, ``letter_to_index`` off by one, a one-hot 52 wide (``string.ascii_letters`` only), a denormalize
that does not undo min-max scaling, and the rest below.
"""

from __future__ import annotations

from typing import Callable

from . import Variant


def shared_mutants(mutant: Callable[..., Variant], layer: str, model: str, names: str, chars: str) -> list[Variant]:
    """The mutants of both labs, for the lab whose recurrent layer is ``nn.<layer>`` and whose classes are
    ``model`` (RNNModel / LSTMModel), ``names`` (NameRNN / NameLSTM) and ``chars`` (CharRNN / CharLSTM)."""
    series_model = f'''
class {model}(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.{layer}(input_size=1, hidden_size=5, num_layers=1, batch_first=True)
        self.fc1 = nn.Linear(5, 1)

    def forward(self, x):
        output, _ = self.rnn(x)
        return self.fc1(torch.relu(output[:, 0, :]))
'''
    names_model = f'''
class {names}(nn.Module):
    def __init__(self, input_size=57, hidden_size=128, output_size=18):
        super().__init__()
        self.hidden_size = hidden_size
        self.rnn = nn.{layer}(input_size, hidden_size)
        self.out = nn.Linear(hidden_size, output_size)

    def forward(self, line_tensor):
        h0 = torch.zeros(1, self.hidden_size)
        output, hidden = self.rnn(line_tensor)
        return torch.log_softmax(self.out(h0), dim=1)
'''
    char_model = f'''
class {chars}(nn.Module):
    def __init__(self, vocab_size, hidden_size=32):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, hidden_size)
        self.rnn = nn.{layer}(hidden_size, hidden_size, batch_first=True, {{flag}})
        self.fc = nn.Linear({{width}} * hidden_size, vocab_size)

    def forward(self, x):
        e = self.embed(x)
        {{body}}
        return self.fc(output)
'''
    return [
        # --- the manual's bugs ---------------------------------------------------------------------------
        mutant("no_zero_grad", "the manual's loop: no optimizer.zero_grad(), so gradients accumulate over the steps",
               ("train.zero-grad",), train=TRAIN.format(zero="")),
        mutant("batch_indexed_as_array", "the manual's data[:, 0] on the loader's (x, y) batch: TypeError",
               ("train.zero-grad",), train=TRAIN.replace("for xb, yb in loader:", "for data in loader:\n"
                                                          "            xb, yb = data[:, 0], data[:, 1]").format(
                   zero="optimizer.zero_grad()")),
        mutant("target_off_by_one", "Y[i] = y[i + 9], the window's own last day (the manual's comment)",
               ("windows.value", "windows.golden"),
               make_windows=WINDOWS.format(count="len(y) - seq_len if n is None else n", target="i + seq_len - 1")),
        mutant("hard_coded_5900", "range(0, 5900): breaks on any other series length",
               ("windows.value",), make_windows=WINDOWS.format(count="5900", target="i + seq_len")),
        # --- slips ----------------------------------------------------------------------------------------
        mutant("first_step_output", f"{model} reads output[:, 0, :], the first step, not the last",
               ("model.forward", "model.learns-sine"), touches=("train.zero-grad",), **{model: series_model}),
        mutant("letter_index_off_by_one", "letter_to_index counts from 1", ("names.letters",),
               touches=("names.line-tensor", "names.predict"),
               letter_to_index="def letter_to_index(letter):\n    return all_letters.find(letter) + 1\n"),
        mutant("one_hot_52_wide", "line_to_tensor one-hot over string.ascii_letters only (52 wide, not 57)",
               ("names.line-tensor",), touches=("names.predict",),
               line_to_tensor="def line_to_tensor(line):\n    tensor = torch.zeros(len(line), 1, 52)\n"
                              "    for i, letter in enumerate(line):\n        tensor[i][0][letter_to_index(letter)] = 1\n"
                              "    return tensor\n"),
        mutant("denormalize_not_inverse", "denormalize multiplies by maxm: not the inverse of min-max scaling",
               ("denormalize.value",), denormalize="def denormalize(v, minm, maxm):\n    return v * maxm + minm\n"),
        mutant("split_shuffled", "split_windows shuffles before splitting", ("split.in-order", "windows.golden"),
               split_windows="def split_windows(X, Y, test_size=0.1):\n    order = np.random.permutation(len(X))\n"
                             "    X, Y = X[order], Y[order]\n    cut = len(X) - int(np.ceil(test_size * len(X)))\n"
                             "    return X[:cut], X[cut:], Y[:cut], Y[cut:]\n"),
        mutant("dataset_float64", "NGTimeSeries keeps the windows as float64", ("dataset.items",),
               NGTimeSeries=DATASET),
        mutant("loss_broadcast", "train compares model(x) (B, 1) with y (B,): MSELoss broadcasts to (B, B)",
               ("train.zero-grad",), train=TRAIN.format(zero="optimizer.zero_grad()").replace(
                   "criterion(model(xb).reshape(-1), yb)", "criterion(model(xb), yb)")),
        mutant("names_softmax", f"{names} returns probabilities (softmax), not log-probabilities",
               ("names.forward",), **{names: names_model.replace("torch.log_softmax(self.out(h0)", "torch.softmax("
                                                                  "self.out(output[-1])")}),
        mutant("names_initial_state", f"{names} classifies the initial hidden state, not the final one: the "
               "output does not depend on the name", ("names.learns",), **{names: names_model}),
        mutant("predict_argmin", "predict picks the lowest log-probability", ("names.predict",),
               predict="def predict(model, name, categories):\n    with torch.no_grad():\n"
                       "        return categories[int(model(line_to_tensor(name)).argmin())]\n"),
        mutant("vocab_itos_unsorted", "build_vocab sorts stoi but builds itos in another order", ("chars.vocab",),
               build_vocab="def build_vocab(text):\n    stoi = {c: i for i, c in enumerate(sorted(set(text)))}\n"
                           "    itos = {i: c for i, c in enumerate(dict.fromkeys(text))}\n    return stoi, itos\n"),
        mutant("chars_bidirectional", f"{chars} is bidirectional: step t reads the characters after it",
               ("chars.forward",), touches=("chars.learns-hello",),
               **{chars: char_model.format(flag="bidirectional=True", width=2, body="output, _ = self.rnn(e)")}),
        mutant("chars_no_recurrence", f"{chars} runs every character as a sequence of its own: no memory",
               ("chars.learns-hello",),
               **{chars: char_model.format(flag="num_layers=1", width=1,
                                           body="output, _ = self.rnn(e.reshape(-1, 1, e.shape[-1]))\n"
                                                "        output = output.reshape(e.shape)")}),
        mutant("predict_next_first_step", "predict_next reads the logits of the prefix's first step",
               ("chars.predict-next",),
               predict_next="def predict_next(model, prefix, stoi, itos):\n"
                            "    x = torch.tensor([[stoi[c] for c in prefix]])\n    with torch.no_grad():\n"
                            "        return itos[int(model(x)[0, 0].argmax())]\n"),
    ]


TRAIN = '''
def train(model, loader, epochs, lr):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    criterion = nn.MSELoss()
    for epoch in range(epochs):
        for xb, yb in loader:
            {zero}
            loss = criterion(model(xb).reshape(-1), yb)
            loss.backward()
            optimizer.step()
'''

WINDOWS = '''
def make_windows(series, seq_len=10, n=None):
    y = np.asarray(series, dtype=np.float64)
    count = {count}
    X = np.zeros((count, seq_len))
    Y = np.zeros(count)
    for i in range(0, count):
        X[i] = y[i:i + seq_len]
        Y[i] = y[{target}]
    return X, Y
'''

DATASET = '''
class NGTimeSeries(torch.utils.data.Dataset):
    def __init__(self, x, y):
        self.x = torch.tensor(x)
        self.y = torch.tensor(y)
        self.len = x.shape[0]

    def __getitem__(self, idx):
        return self.x[idx].unsqueeze(-1), self.y[idx]

    def __len__(self):
        return self.len
'''
