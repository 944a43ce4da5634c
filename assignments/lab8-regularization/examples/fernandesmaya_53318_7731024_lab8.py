# Lab 8 - Regularization
# Maya Fernandes

import os
import glob
import torch
import torch.nn as nn
import torch.nn.functional as F
import matplotlib.pyplot as plt
from PIL import Image
from torch.utils.data import Dataset, DataLoader
from torchvision import transforms as T

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
DATA_DIR = os.path.join("data", "cats_and_dogs_filtered")
class_map = {"dogs": 0, "cats": 1}


class GaussianNoise(object):
    def __init__(self, mean, std):
        self.mean = mean
        self.std = std

    def __call__(self, img):
        noise = torch.normal(self.mean, self.std, img.size())
        return img + noise.to(img.dtype)


def make_transforms(augment):
    if augment:
        return T.Compose([T.ToTensor(),
                          T.RandomHorizontalFlip(),
                          T.RandomRotation(45),
                          GaussianNoise(0, 0.15)])
    return T.Compose([T.ToTensor()])


class MyDataset(Dataset):
    def __init__(self, transform, split="train"):
        self.transform = transform
        self.files = []
        for name, label in class_map.items():
            for path in glob.glob(os.path.join(DATA_DIR, split, name, "*.jpg")):
                self.files.append((path, label))

    def __len__(self):
        return len(self.files)

    def __getitem__(self, idx):
        path, label = self.files[idx]
        img = Image.open(path).convert("RGB").resize((32, 32))
        return self.transform(img), label


train_plain = DataLoader(MyDataset(make_transforms(False), "train"), batch_size=32, shuffle=True)
train_aug = DataLoader(MyDataset(make_transforms(True), "train"), batch_size=32, shuffle=True)
val_loader = DataLoader(MyDataset(make_transforms(False), "validation"), batch_size=32)


# Exercise 1 and 2
def l2_penalty(model, lam):
    l2 = 0
    for p in model.parameters():
        l2 = l2 + (p ** 2).sum()
    return lam / 2 * l2


def l1_penalty(model, lam):
    l1 = 0
    for p in model.parameters():
        l1 = l1 + p.abs().sum()
    return lam * l1


def train(model, loader, reg=None, lam=0.0, lr=0.01, epochs=1):
    if reg == "l2_wd":
        optimizer = torch.optim.SGD(model.parameters(), lr=lr, weight_decay=lam)
    else:
        optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    history = []
    for epoch in range(epochs):
        model.train()
        total = 0
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            total += loss.item()
            if reg == "l2_manual":
                loss = loss + l2_penalty(model, lam)
            elif reg == "l1":
                loss = loss + l1_penalty(model, lam)
            loss.backward()
            optimizer.step()
        history.append(total / len(loader))
        print(f"epoch {epoch} loss {history[-1]:.4f}")
    return history


# Exercise 3
def make_net(p_drop):
    return nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(32 * 8 * 8, 64), nn.ReLU(),
        nn.Dropout(p_drop),
        nn.Linear(64, 2)).to(device)


def accuracy(model, loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for x, y in loader:
            correct += (model(x.to(device)).argmax(1) == y.to(device)).sum().item()
            total += len(y)
    return correct / total


for reg in [None, "l2_wd", "l2_manual", "l1"]:
    model = make_net(0.0)
    train(model, train_plain, reg=reg, lam=1e-3, lr=0.01, epochs=10)
    norm = sum(p.norm() ** 2 for p in model.parameters()) ** 0.5
    print(reg, "weight norm", norm.item(), "val acc", accuracy(model, val_loader))

for p in [0.0, 0.5]:
    model = make_net(p)
    train(model, train_aug, epochs=10)
    print("dropout", p, "train acc", accuracy(model, train_plain), "val acc", accuracy(model, val_loader))


# Exercise 4
class MyDropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        if not self.training:
            return x
        if self.p == 1:
            return torch.zeros_like(x)
        mask = torch.bernoulli(torch.ones_like(x) * (1 - self.p))
        return x * mask / (1 - self.p)


x = torch.ones(1000000)
for p in [0.2, 0.5, 0.8]:
    out = MyDropout(p)(x)
    lib = nn.Dropout(p)(x)
    print(p, (out == 0).float().mean().item(), out.mean().item(), (lib == 0).float().mean().item())


# Exercise 5
def early_stopping_epoch(val_losses, patience=5):
    best_loss = min(val_losses[:1], default=float("inf"))
    best_epoch = 0 if val_losses else None
    current_patience = 0
    for epoch in range(1, len(val_losses)):
        if val_losses[epoch] >= best_loss:
            current_patience += 1
            if current_patience > patience:
                print("stop at", epoch, "best", best_epoch)
                return epoch, best_epoch
            continue
        best_loss, best_epoch, current_patience = val_losses[epoch], epoch, 0
    return None, best_epoch


class EarlyStopper:
    def __init__(self, patience=5, min_delta=0):
        self.patience = patience
        self.min_delta = min_delta
        self.best_loss = None
        self.wait = 0

    def step(self, val_loss):
        improved = self.best_loss is None or val_loss < self.best_loss - self.min_delta
        if improved:
            self.best_loss, self.wait = val_loss, 0
        else:
            self.wait += 1
        return self.wait > self.patience


print(early_stopping_epoch([1.0, 0.8, 0.7, 0.72, 0.71, 0.73, 0.74, 0.75, 0.76, 0.77, 0.78]))

model = make_net(0.5)
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
stopper = EarlyStopper(patience=5)
val_history = []
for epoch in range(100):
    train(model, train_plain, epochs=1)
    model.eval()
    with torch.no_grad():
        val = sum(F.cross_entropy(model(x), y).item() for x, y in val_loader) / len(val_loader)
    val_history.append(val)
    if val == min(val_history):
        torch.save(model.state_dict(), "best_model.pth")
    if stopper.step(val):
        print("stopping at epoch", epoch)
        break
model.load_state_dict(torch.load("best_model.pth"))
plt.plot(val_history)
plt.show()
