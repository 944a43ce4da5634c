"""
DL Lab 10 - LSTM
Liam Brennan
"""
import numpy as np
import pandas as pd
import torch
from torch import nn
import torch.nn.functional as F
import matplotlib.pyplot as plt
import string
import unicodedata
from torch.utils.data import Dataset, DataLoader

DATA = "./data/NaturalGasPrice/daily.csv"
SEQ = 10

prices = pd.read_csv(DATA).dropna()["Price"].to_numpy()
lo, hi = prices.min(), prices.max()
prices = (prices - lo) / (hi - lo)


# Q1 -----------------------------------------------------------------
def make_windows(series, seq_len=SEQ, n=None):
    total = len(series) - seq_len if n is None else n
    X = np.array([series[k:k + seq_len] for k in range(total)])
    Y = np.array([series[k + seq_len] for k in range(total)])
    return X, Y


def split_windows(X, Y, test_size=0.1):
    n_test = int(np.ceil(len(X) * test_size))
    return X[:-n_test], X[-n_test:], Y[:-n_test], Y[-n_test:]


X, Y = make_windows(prices)
Xtr, Xte, Ytr, Yte = split_windows(X, Y)
print(Xtr.shape, Xte.shape)


class NGTimeSeries(Dataset):
    def __init__(self, x, y):
        self.x = torch.from_numpy(np.asarray(x, dtype=np.float32))
        self.y = torch.from_numpy(np.asarray(y, dtype=np.float32))

    def __len__(self):
        return self.x.shape[0]

    def __getitem__(self, idx):
        return self.x[idx].reshape(-1, 1), self.y[idx]


# copied the model from lab 9 and changed the layer
class LSTMModel(nn.Module):
    def __init__(self):
        super(RNNModel, self).__init__()
        self.lstm = nn.LSTM(input_size=1, hidden_size=5, num_layers=1, batch_first=True)
        self.fc1 = nn.Linear(5, 1)

    def forward(self, x):
        out, (h, c) = self.lstm(x)
        return self.fc1(F.relu(out[:, -1, :]))


def train(model, loader, epochs, lr):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for ep in range(epochs):
        for xb, yb in loader:
            opt.zero_grad()
            pred = model(xb)
            loss = F.mse_loss(pred.view(-1), yb)
            loss.backward()
            opt.step()
        history.append(loss.item())
        if ep % 100 == 0:
            print("epoch", ep, "loss", loss.item())
    return history


def denormalize(v, minm, maxm):
    return v * maxm + minm


loader = DataLoader(NGTimeSeries(Xtr, Ytr), batch_size=256, shuffle=True)
net = LSTMModel()
hist = train(net, loader, 1500, 1e-4)
plt.plot(hist)
plt.show()

# Q2 -----------------------------------------------------------------
all_letters = string.ascii_letters + " .,;'"
n_letters = len(all_letters)


def unicode_to_ascii(s):
    kept = []
    for ch in unicodedata.normalize("NFD", s):
        if unicodedata.category(ch) == "Mn":
            continue
        if ch in all_letters:
            kept.append(ch)
    return "".join(kept)


def letter_to_index(letter):
    return all_letters.index(letter)


def line_to_tensor(line):
    out = torch.zeros(len(line), 1, 57)
    out[torch.arange(len(line)), 0, [letter_to_index(ch) for ch in line]] = 1.0
    return out


class NameLSTM(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size)
        self.classifier = nn.Linear(hidden_size, output_size)

    def forward(self, line_tensor):
        _, (h_last, _) = self.lstm(line_tensor)
        return F.log_softmax(self.classifier(h_last[0]), dim=1)


def predict(model, name, categories):
    model.eval()
    with torch.no_grad():
        scores = model(line_to_tensor(name))
    return categories[int(torch.argmax(scores, dim=1))]


# Q3 -----------------------------------------------------------------
corpus = "hello world " * 50


def build_vocab(text):
    itos = sorted(set(text))
    stoi = {}
    for i, ch in enumerate(itos):
        stoi[ch] = i
    return stoi, itos


class CharLSTM(nn.Module):
    def __init__(self, vocab_size, hidden_size=32):
        super().__init__()
        self.V = vocab_size
        self.lstm = nn.LSTM(vocab_size, hidden_size, batch_first=True)
        self.proj = nn.Linear(hidden_size, vocab_size)

    def forward(self, x):
        h, _ = self.lstm(F.one_hot(x, self.V).float())
        return self.proj(h)


def predict_next(model, prefix, stoi, itos):
    idx = torch.tensor([stoi[ch] for ch in prefix]).unsqueeze(0)
    with torch.no_grad():
        logits = model(idx)[0, -1]
    return itos[int(logits.argmax())]


stoi, itos = build_vocab(corpus)
cm = CharLSTM(len(stoi))
codes = torch.tensor([stoi[ch] for ch in corpus])
opt = torch.optim.Adam(cm.parameters(), lr=0.01)
for step in range(300):
    opt.zero_grad()
    loss = F.cross_entropy(cm(codes[None, :-1])[0], codes[1:])
    loss.backward()
    opt.step()
print(predict_next(cm, "hell", stoi, itos))


# optional: LSTM cell by hand
def lstm_step(x, h, c, weight_ih, weight_hh, bias_ih, bias_hh):
    z = F.linear(x, weight_ih, bias_ih) + F.linear(h, weight_hh, bias_hh)
    i, f, g, o = torch.split(z, h.shape[1], dim=1)
    c2 = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    h2 = torch.sigmoid(o) * torch.tanh(c2)
    return h2, c2
