"""Alternative correct solutions of pa3-rnn: each must score 100 %.

They are written differently from the reference on purpose, so that the suite is shown to accept
what is right rather than what looks like the reference: one in the style of the course's own
notebooks (explicit zero states moved to ``device``, ``nn.LogSoftmax`` modules, loops and binary
strings), one that reads the final hidden state ``h_n[-1]``, keeps one layer time-major and
transposes, takes ``torch.log(torch.softmax(...))`` and generates everything with torch, and one
with the students' other names for classes, arguments and submodules and an ``nn.Sequential``
read-out.
"""

from __future__ import annotations

from pathlib import Path

from . import Variant, whole_module

_REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "pa3_rnn.py"

COURSE_STYLE = '''
batch_size = 64
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


class vanilla_RNN(nn.Module):
    def __init__(self, input_dim, hidden_dim, num_layers, output_dim):
        super(vanilla_RNN, self).__init__()
        self.hidden_dim = hidden_dim
        self.num_layers = num_layers
        self.rnn = nn.RNN(input_dim, hidden_dim, num_layers, batch_first=True, nonlinearity="tanh")
        self.fc = nn.Linear(hidden_dim, output_dim)
        self.logsoftmax = nn.LogSoftmax(dim=1)

    def forward(self, x):
        h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_dim).requires_grad_().to(device)
        out, hn = self.rnn(x, h0.detach())
        out = self.fc(out[:, -1, :])
        return self.logsoftmax(out)


class vanilla_LSTM(nn.Module):
    def __init__(self, input_dim, hidden_dim, num_layers, output_dim):
        super(vanilla_LSTM, self).__init__()
        self.hidden_dim = hidden_dim
        self.num_layers = num_layers
        self.lstm = nn.LSTM(input_dim, hidden_dim, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_dim, output_dim)
        self.logsoftmax = nn.LogSoftmax(dim=1)

    def forward(self, x):
        h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_dim).requires_grad_().to(device)
        c0 = torch.zeros(self.num_layers, x.size(0), self.hidden_dim).requires_grad_().to(device)
        out, (hn, cn) = self.lstm(x, (h0.detach(), c0.detach()))
        return self.logsoftmax(self.fc(out[:, -1, :]))


class vanilla_GRU(nn.Module):
    def __init__(self, input_dim, hidden_dim, num_layers, output_dim):
        super(vanilla_GRU, self).__init__()
        self.hidden_dim = hidden_dim
        self.num_layers = num_layers
        self.gru = nn.GRU(input_dim, hidden_dim, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_dim, output_dim)
        self.logsoftmax = nn.LogSoftmax(dim=1)

    def forward(self, x):
        h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_dim).to(device)
        out, _ = self.gru(x, h0)
        return self.logsoftmax(self.fc(out[:, -1, :]))


class bidirectional_RNN(nn.Module):
    def __init__(self, input_dim, hidden_dim, num_layers, output_dim):
        super(bidirectional_RNN, self).__init__()
        self.hidden_dim = hidden_dim
        self.num_layers = num_layers
        self.rnn = nn.RNN(input_dim, hidden_dim, num_layers, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden_dim, output_dim)
        self.logsoftmax = nn.LogSoftmax(dim=1)

    def forward(self, x):
        h0 = torch.zeros(2 * self.num_layers, x.size(0), self.hidden_dim).to(device)
        out, _ = self.rnn(x, h0)
        return self.logsoftmax(self.fc(out[:, -1, :]))


class bidirectional_LSTM(nn.Module):
    def __init__(self, input_dim, hidden_dim, num_layers, output_dim):
        super(bidirectional_LSTM, self).__init__()
        self.hidden_dim = hidden_dim
        self.num_layers = num_layers
        self.lstm = nn.LSTM(input_dim, hidden_dim, num_layers, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden_dim, output_dim)
        self.logsoftmax = nn.LogSoftmax(dim=1)

    def forward(self, x):
        h0 = torch.zeros(2 * self.num_layers, x.size(0), self.hidden_dim).to(device)
        c0 = torch.zeros(2 * self.num_layers, x.size(0), self.hidden_dim).to(device)
        out, _ = self.lstm(x, (h0, c0))
        return self.logsoftmax(self.fc(out[:, -1, :]))


def sequence_generator(L, batch_size=batch_size, K=1):
    random_seq = np.random.randint(0, 10, (batch_size, L))
    x = torch.zeros(batch_size, L, 10)
    y = torch.zeros(batch_size, 10, dtype=torch.int32)
    for i in range(batch_size):
        x[i, np.arange(L), random_seq[i]] = 1
        y[i, random_seq[i, K]] = 1
    return torch.from_numpy(random_seq).int(), x.float(), y


def binary_sequence_generator(L, batch_size=batch_size):
    x = np.zeros((batch_size, L + 1, 2))
    y = np.zeros((batch_size, L + 1), dtype=np.int32)
    for i in range(batch_size):
        a = np.random.randint(0, 2 ** L)
        b = np.random.randint(0, 2 ** L)
        # zero-padded to L + 1 bits, then reversed: least significant bit first
        x[i, :, 0] = [int(bit) for bit in format(a, "b").zfill(L + 1)[::-1]]
        x[i, :, 1] = [int(bit) for bit in format(b, "b").zfill(L + 1)[::-1]]
        y[i] = [int(bit) for bit in format(a + b, "b").zfill(L + 1)[::-1]]
    return torch.from_numpy(x).float(), torch.from_numpy(y)


class Binary_LSTM(nn.Module):
    def __init__(self, input_dim=2, hidden_dim=128, num_layers=1):
        super(Binary_LSTM, self).__init__()
        self.hidden_dim = hidden_dim
        self.num_layers = num_layers
        self.lstm = nn.LSTM(input_dim, hidden_dim, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_dim, 1)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x):
        h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_dim).to(device)
        c0 = torch.zeros(self.num_layers, x.size(0), self.hidden_dim).to(device)
        out, _ = self.lstm(x, (h0, c0))
        return self.sigmoid(self.fc(out))
'''

FINAL_STATE = '''
def log_probabilities(scores):
    return torch.log(torch.softmax(scores, dim=1))


class vanilla_RNN(nn.Module):
    def __init__(self, input_dim, hidden_dim, num_layers, output_dim):
        super().__init__()
        self.rnn = nn.RNN(input_dim, hidden_dim, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_dim, output_dim)

    def forward(self, x):
        _, h_n = self.rnn(x)
        return log_probabilities(self.fc(h_n[-1]))     # the last layer's final state is out[:, -1, :]


class vanilla_LSTM(nn.Module):
    def __init__(self, input_dim, hidden_dim, num_layers, output_dim):
        super().__init__()
        self.lstm = nn.LSTM(input_dim, hidden_dim, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_dim, output_dim)

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        return log_probabilities(self.fc(h_n[-1]))


class vanilla_GRU(nn.Module):
    """Time-major inside: the layer reads (T, B, D), so the input is transposed first."""

    def __init__(self, input_dim, hidden_dim, num_layers, output_dim):
        super().__init__()
        self.gru = nn.GRU(input_dim, hidden_dim, num_layers)
        self.fc = nn.Linear(hidden_dim, output_dim)

    def forward(self, x):
        out, _ = self.gru(x.transpose(0, 1))
        return log_probabilities(self.fc(out[-1]))


class bidirectional_RNN(nn.Module):
    def __init__(self, input_dim, hidden_dim, num_layers, output_dim):
        super().__init__()
        self.rnn = nn.RNN(input_dim, hidden_dim, num_layers, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(hidden_dim * 2, output_dim)

    def forward(self, x):
        out, _ = self.rnn(x)
        return log_probabilities(self.fc(out[:, x.shape[1] - 1]))


class bidirectional_LSTM(nn.Module):
    def __init__(self, input_dim, hidden_dim, num_layers, output_dim):
        super().__init__()
        self.lstm = nn.LSTM(input_dim, hidden_dim, num_layers, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(hidden_dim * 2, output_dim)

    def forward(self, x):
        out, _ = self.lstm(x)
        return log_probabilities(self.fc(out[:, -1]))


def sequence_generator(L, batch_size=64, K=1):
    random_seq = torch.randint(0, 10, (batch_size, L))
    x = F.one_hot(random_seq, num_classes=10).float()
    y = F.one_hot(random_seq[:, K], num_classes=10)
    return random_seq, x, y


def to_bits(numbers, width):
    return (numbers.unsqueeze(1) >> torch.arange(width)) & 1


def binary_sequence_generator(L, batch_size=64):
    a = torch.randint(0, 2 ** L, (batch_size,))
    b = torch.randint(0, 2 ** L, (batch_size,))
    x = torch.stack([to_bits(a, L + 1), to_bits(b, L + 1)], dim=2).float()
    return x, to_bits(a + b, L + 1)


class Binary_LSTM(nn.Module):
    def __init__(self, input_dim=2, hidden_dim=128, num_layers=1):
        super().__init__()
        self.lstm = nn.LSTM(input_dim, hidden_dim, num_layers, batch_first=True)
        self.out = nn.Linear(hidden_dim, 1)

    def forward(self, x):
        states, _ = self.lstm(x)
        return torch.sigmoid(self.out(states))
'''

OWN_NAMES = '''
class RecurrentClassifier(nn.Module):
    """One class for every model; the subclasses only choose the layer and the directions."""
    layer = nn.RNN
    bidirectional = False

    def __init__(self, input_size, hidden_size, n_layers, num_classes):
        super().__init__()
        self.recurrent = self.layer(input_size, hidden_size, n_layers, batch_first=True,
                                    bidirectional=self.bidirectional)
        directions = 2 if self.bidirectional else 1
        self.classifier = nn.Sequential(nn.Linear(directions * hidden_size, num_classes), nn.LogSoftmax(dim=-1))

    def forward(self, input):
        outputs, _ = self.recurrent(input)
        return self.classifier(outputs[:, -1, :])


class VanillaRNN(RecurrentClassifier):
    layer = nn.RNN


class VanillaLSTM(RecurrentClassifier):
    layer = nn.LSTM


class VanillaGRU(RecurrentClassifier):
    layer = nn.GRU


class BiRNN(RecurrentClassifier):
    layer = nn.RNN
    bidirectional = True


class BiLSTM(RecurrentClassifier):
    layer = nn.LSTM
    bidirectional = True


def seq_generator(seq_len, batch_size=64, k=1):
    digits = np.random.randint(10, size=(batch_size, seq_len))
    eye = np.eye(10, dtype=np.float32)
    return digits, eye[digits], eye[digits[:, k]]


def binary_generator(n_bits, batch_size=64):
    powers = 2 ** np.arange(n_bits + 1)
    a, b = np.random.randint(2 ** n_bits, size=(2, batch_size))
    bits_of = lambda n: (n[:, None] // powers) % 2
    x = np.stack([bits_of(a), bits_of(b)], axis=-1).astype(np.float32)
    return x, bits_of(a + b)


class BinaryLSTM(nn.Module):
    def __init__(self, input_size=2, hidden_size=128, n_layers=1):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, n_layers, batch_first=True)
        self.head = nn.Sequential(nn.Linear(hidden_size, 1), nn.Sigmoid())

    def forward(self, input):
        outputs, _ = self.lstm(input)
        return self.head(outputs)
'''

ALTERNATIVES: tuple[Variant, ...] = (
    whole_module(_REFERENCE, "course_style", COURSE_STYLE,
                 "zero states built with requires_grad_().to(device) and detached, nn.LogSoftmax modules, "
                 "one-hot by a loop, bits from zero-padded binary strings reversed"),
    whole_module(_REFERENCE, "final_state_time_major_torch", FINAL_STATE,
                 "h_n[-1] for the one-way models, a time-major GRU fed x.transpose(0, 1), "
                 "torch.log(torch.softmax(...)), F.one_hot and bit shifts in torch"),
    whole_module(_REFERENCE, "own_names_sequential_head", OWN_NAMES,
                 "VanillaRNN, BiLSTM, seq_generator, binary_generator, BinaryLSTM and the students' argument "
                 "names (found through assignment.toml's aliases); one shared base class; "
                 "nn.Sequential(Linear, LogSoftmax) read-out; bits by integer division"),
)
