# Lab 5 - CNN
# Aditya Kulkarni

import math

import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
batch_size = 64


# ---------------- Q1 ----------------
def conv_out_size(h, k, s=1, p=0):
    # W' = floor((W - K + 2P) / S) + 1
    return math.floor((h - k + 2 * p) / s) + 1


def conv_demo(image, kernel, stride=1, padding=0):
    image = image.unsqueeze(dim=0).unsqueeze(dim=0)
    kernel = kernel.unsqueeze(dim=0).unsqueeze(dim=0)
    return F.conv2d(image, kernel, stride=stride, padding=padding)


image = torch.rand(6, 6)
print("image=", image)
kernel = torch.ones(3, 3)
for s in [1, 2, 3]:
    for p in [0, 1, 2]:
        out = conv_demo(image, kernel, stride=s, padding=p)
        print(f"stride={s} padding={p} ->", out.shape, "formula:", conv_out_size(6, 3, s, p))
print("params in the kernel:", kernel.numel())


# ---------------- Q2 ----------------
def conv_equiv(image):
    img = image.view(1, 1, image.shape[0], image.shape[1])
    conv = nn.Conv2d(in_channels=1, out_channels=3, kernel_size=3)
    out1 = conv(img)
    out2 = F.conv2d(img, conv.weight, conv.bias)
    return out1, out2


a, b = conv_equiv(image)
print(a)
print(b)
print("max diff", (a - b).abs().max().item())
print("conv params:", sum(p.numel() for p in nn.Conv2d(1, 3, 3).parameters()))


# ---------------- Q3 ----------------
class CNNClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(1, 64, kernel_size=3),
                                 nn.ReLU(),
                                 nn.MaxPool2d((2, 2), stride=2),
                                 nn.Conv2d(64, 128, kernel_size=3),
                                 nn.ReLU(),
                                 nn.MaxPool2d((2, 2), stride=2),
                                 nn.Conv2d(128, 64, kernel_size=3),
                                 nn.ReLU(),
                                 nn.MaxPool2d((2, 2), stride=2))
        self.classification_head = nn.Sequential(nn.Linear(64, 20, bias=True),
                                                 nn.ReLU(),
                                                 nn.Linear(20, 10, bias=True))

    def forward(self, x):
        features = self.net(x)
        return self.classification_head(features.view(x.size(0), -1))


def count_params(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def confusion(model, loader):
    cm = torch.zeros(10, 10, dtype=torch.long)
    model.eval()
    with torch.no_grad():
        for inputs, labels in loader:
            preds = model(inputs.to(device)).argmax(dim=1).cpu()
            for t, p in zip(labels, preds):
                cm[t, p] += 1
    return cm


train_set = datasets.MNIST(root="./data", train=True, download=True, transform=transforms.ToTensor())
test_set = datasets.MNIST(root="./data", train=False, download=True, transform=transforms.ToTensor())
train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True)
test_loader = DataLoader(test_set, batch_size=batch_size, shuffle=False)

model = CNNClassifier().to(device)
print("learnable params:", count_params(model))
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
for epoch in range(6):
    total = 0.0
    for inputs, labels in train_loader:
        inputs, labels = inputs.to(device), labels.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), labels)
        loss.backward()
        optimizer.step()
        total += loss.item()
    print(epoch, total / len(train_loader))

cm = confusion(model, test_loader)
print(cm)
print("accuracy", cm.trace().item() / cm.sum().item())


# ---------------- Q4 ----------------
class SmallCNN(nn.Module):
    def __init__(self, channels, hidden):
        super().__init__()
        c1, c2, c3 = channels
        self.net = nn.Sequential(nn.Conv2d(1, c1, 3), nn.ReLU(), nn.MaxPool2d(2, 2),
                                 nn.Conv2d(c1, c2, 3), nn.ReLU(), nn.MaxPool2d(2, 2),
                                 nn.Conv2d(c2, c3, 3), nn.ReLU(), nn.MaxPool2d(2, 2))
        self.classification_head = nn.Sequential(nn.Linear(c3, hidden), nn.ReLU(), nn.Linear(hidden, 10))

    def forward(self, x):
        return self.classification_head(torch.flatten(self.net(x), 1))


def make_cnn(channels=(64, 128, 64), hidden=20):
    return SmallCNN(channels, hidden)


def param_drop_pct(base, new):
    return (base - new) / base * 100


drops, accs = [], []
base = count_params(CNNClassifier())
for ch in [(32, 64, 32), (16, 32, 16), (8, 16, 8)]:
    m = make_cnn(ch).to(device)
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    for inputs, labels in train_loader:
        opt.zero_grad()
        loss_fn(m(inputs.to(device)), labels.to(device)).backward()
        opt.step()
    c = confusion(m, test_loader)
    drops.append(param_drop_pct(base, count_params(m)))
    accs.append(c.trace().item() / c.sum().item())
plt.plot(drops, accs, "o-")
plt.xlabel("% drop in parameters")
plt.ylabel("accuracy")
plt.show()


# ---------------- Additional: FashionMNIST ----------------
fashion_train = datasets.FashionMNIST(root="./data", train=True, download=True, transform=transforms.ToTensor())
fashion_test = datasets.FashionMNIST(root="./data", train=False, download=True, transform=transforms.ToTensor())
fmodel = CNNClassifier().to(device)
fopt = torch.optim.Adam(fmodel.parameters(), lr=1e-3)
for epoch in range(5):
    for inputs, labels in DataLoader(fashion_train, batch_size=batch_size, shuffle=True):
        fopt.zero_grad()
        loss_fn(fmodel(inputs.to(device)), labels.to(device)).backward()
        fopt.step()
print(confusion(fmodel, DataLoader(fashion_test, batch_size=batch_size)))
print("params:", count_params(fmodel))
