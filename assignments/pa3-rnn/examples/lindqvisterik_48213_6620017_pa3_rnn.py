"""PA3 -- recurrent networks (exported from my notebook, experiments at the bottom)."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 64
learning_rate = 1e-3
num_epochs = 10
train_iters = 300
test_iters = 60
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
Loss_function = nn.NLLLoss()


class vanilla_RNN(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, num_classes):
        super().__init__()
        self.rnn = nn.RNN(input_size, hidden_size, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, num_classes)

    def forward(self, x):
        _, h_n = self.rnn(x)
        return F.log_softmax(self.fc(h_n[-1]), dim=1)


class vanilla_LSTM(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, num_classes):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, num_classes)

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        return F.log_softmax(self.fc(h_n[-1]), dim=1)


class vanilla_GRU(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, num_classes):
        super().__init__()
        self.gru = nn.GRU(input_size, hidden_size, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, num_classes)

    def forward(self, x):
        _, h_n = self.gru(x)
        return F.log_softmax(self.fc(h_n[-1]), dim=1)


class bidirectional_RNN(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, num_classes):
        super().__init__()
        self.rnn = nn.RNN(input_size, hidden_size, num_layers, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(hidden_size * 2, num_classes)

    def forward(self, x):
        out, _ = self.rnn(x)
        return F.log_softmax(self.fc(out[:, -1, :]), dim=1)   # as the template says, both halves at t = T-1


class bidirectional_LSTM(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, num_classes):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(hidden_size * 2, num_classes)

    def forward(self, x):
        out, _ = self.lstm(x)
        return F.log_softmax(self.fc(out[:, -1, :]), dim=1)


def sequence_generator(L, batch_size=batch_size, K=1):
    random_seq = torch.randint(0, 10, (batch_size, L))
    x = F.one_hot(random_seq, 10).float()
    y = F.one_hot(random_seq[:, K], 10)
    return random_seq, x, y


def binary_sequence_generator(L, batch_size=batch_size):
    a = torch.randint(0, 2 ** L, (batch_size, 1))
    b = torch.randint(0, 2 ** L, (batch_size, 1))
    shifts = torch.arange(L + 1)
    x = torch.stack([(a >> shifts) & 1, (b >> shifts) & 1], dim=-1).float()
    y = ((a + b) >> shifts) & 1
    return x, y


class Binary_LSTM(nn.Module):
    def __init__(self, input_dim=2, hidden_dim=128, num_layers=1):
        super().__init__()
        self.lstm = nn.LSTM(input_dim, hidden_dim, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_dim, 1)

    def forward(self, x):
        out, _ = self.lstm(x)
        return torch.sigmoid(self.fc(out))


if __name__ == "__main__":
    model = Binary_LSTM(hidden_dim=10)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for step in range(3000):
        x, y = binary_sequence_generator(3)
        loss = F.binary_cross_entropy(model(x).squeeze(-1), y.float())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print("final loss", loss.item())
