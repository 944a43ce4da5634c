# Lab 9 - RNN
# Emeka Okoro

import string
import unicodedata
import math

import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from sklearn.model_selection import train_test_split

# ---------------- Exercise 1: natural gas price ----------------
df = pd.read_csv("../data/NaturalGasPrice/daily.csv")
df = df.dropna()
y = df['Price'].values
minm = y.min()
maxm = y.max()
y = (y - minm) / (maxm - minm)
print(len(y))


def make_windows(series, seq_len=10, n=None):
    # X[i] = 10 days, Y[i] = the 11th day
    if n is None:
        n = len(series) - seq_len
    X = []
    Y = []
    for i in range(n):
        X.append(series[i:i + seq_len])
        Y.append(series[i + seq_len])
    return np.array(X), np.array(Y)


X, Y = make_windows(y)
print(X.shape, Y.shape)


def split_windows(X, Y, test_size=0.1):
    return train_test_split(X, Y, test_size=test_size, shuffle=False)


x_train, x_test, y_train, y_test = split_windows(X, Y)


class NGTimeSeries(Dataset):
    def __init__(self, x, y):
        self.x = torch.tensor(x, dtype=torch.float32)
        self.y = torch.tensor(y, dtype=torch.float32)
        self.len = x.shape[0]

    def __getitem__(self, idx):
        return self.x[idx].view(-1, 1), self.y[idx]

    def __len__(self):
        return self.len


dataset = NGTimeSeries(x_train, y_train)
train_loader = DataLoader(dataset, shuffle=True, batch_size=256)


class RNNModel(nn.Module):
    def __init__(self):
        super(RNNModel, self).__init__()
        self.rnn = nn.RNN(input_size=1, hidden_size=5, num_layers=1, batch_first=True)
        self.fc1 = nn.Linear(in_features=5, out_features=1)

    def forward(self, x):
        output, _status = self.rnn(x)
        output = output[:, -1, :]
        output = self.fc1(torch.relu(output))
        return output


model = RNNModel()
print(sum(p.numel() for p in model.parameters()))


def train(model, loader, epochs, lr):
    criterion = torch.nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for i in range(epochs):
        for j, data in enumerate(loader):
            xb, yb = data
            optimizer.zero_grad()
            y_pred = model(xb.view(-1, 10, 1)).reshape(-1)
            loss = criterion(y_pred, yb)
            loss.backward()
            optimizer.step()
        if i % 50 == 0:
            print(i, "th iteration : ", loss.item())


train(model, train_loader, 1500, 1e-4)

test_set = NGTimeSeries(x_test, y_test)
test_pred = model(test_set.x.view(-1, 10, 1)).view(-1)
plt.plot(test_pred.detach().numpy(), label='predicted')
plt.plot(test_set.y.view(-1), label='original')
plt.legend()
plt.show()


def denormalize(v, minm, maxm):
    return v * (maxm - minm) + minm


plt.plot(denormalize(test_pred.detach().numpy(), minm, maxm))
plt.show()

# ---------------- Exercise 2: names ----------------
all_letters = string.ascii_letters + " .,;'"
n_letters = len(all_letters)


def unicode_to_ascii(s):
    return ''.join(
        c for c in unicodedata.normalize('NFD', s)
        if unicodedata.category(c) != 'Mn' and c in all_letters
    )


print(unicode_to_ascii('Ślusàrski'))


def letter_to_index(letter):
    return all_letters.find(letter)


def line_to_tensor(line):
    tensor = torch.zeros(len(line), 1, n_letters)
    for li, letter in enumerate(line):
        tensor[li][0][letter_to_index(letter)] = 1
    return tensor


print(line_to_tensor('Jones').size())


class NameRNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super(NameRNN, self).__init__()
        self.rnn = nn.RNN(input_size, hidden_size)
        self.fc = nn.Linear(hidden_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, line_tensor):
        output, hidden = self.rnn(line_tensor)
        return self.softmax(self.fc(output[-1]))


def predict(model, name, categories):
    with torch.no_grad():
        output = model(line_to_tensor(name))
    top_v, top_i = output.topk(1)
    return categories[top_i[0].item()]


# ---------------- Exercise 3: next character ----------------
text = "hello world " * 50


def build_vocab(text):
    chars = sorted(set(text))
    stoi = {c: i for i, c in enumerate(chars)}
    itos = {i: c for i, c in enumerate(chars)}
    return stoi, itos


stoi, itos = build_vocab(text)


class CharRNN(nn.Module):
    def __init__(self, vocab_size, hidden_size=32):
        super(CharRNN, self).__init__()
        self.emb = nn.Embedding(num_embeddings=vocab_size, embedding_dim=10)
        self.rnn = nn.RNN(input_size=10, hidden_size=hidden_size, batch_first=True)
        self.out = nn.Linear(hidden_size, vocab_size)

    def forward(self, x):
        emb = self.emb(x)
        hidden_states, last = self.rnn(emb)
        return self.out(hidden_states)


def predict_next(model, prefix, stoi, itos):
    model.eval()
    indices = [stoi[ch] for ch in prefix]
    logits = model(torch.LongTensor([indices]))
    probs = torch.softmax(logits[0, len(indices) - 1], dim=0)
    return itos[int(probs.argmax())]


char_model = CharRNN(len(stoi))
opt = torch.optim.Adam(char_model.parameters(), lr=0.01)
data = torch.tensor([stoi[c] for c in text])
for epoch in range(300):
    opt.zero_grad()
    logits = char_model(data[:-1].unsqueeze(0))
    loss = nn.functional.cross_entropy(logits[0], data[1:])
    loss.backward()
    opt.step()
print(predict_next(char_model, "hell", stoi, itos), predict_next(char_model, "worl", stoi, itos))
