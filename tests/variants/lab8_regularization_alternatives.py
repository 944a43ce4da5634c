"""Alternative correct solutions of lab8-regularization: each must score 100 %.

One torch-first without torchvision: noise by torch.randn_like, the augmentation written out (a flip
drawn with torch.rand, then the noise), penalties by torch.norm, train() stepping the parameters by
hand under torch.no_grad(), make_net as an nn.Module class with F.dropout(training=self.training),
classic dropout (no scaling in training, 1 - p at test time) and early stopping by indices. One with
the names students use instead (assignment.toml's aliases) and numpy where it fits: Gaussian(mean,
var) (the manual's name, used as a standard deviation), get_transforms(augmentation) on the course's
torchvision, l2_regularization(net, lambda_), train_model(...), build_model(dropout), a numpy mask in
CustomDropout, early_stopping(losses, patience) and EarlyStopping(patience, delta).should_stop(loss).
"""

from __future__ import annotations

from pathlib import Path

from . import Variant, whole_module

_REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "lab8_regularization.py"

TORCH_FIRST = '''
import torch
import torch.nn.functional as F
from torch import nn


class GaussianNoise:
    def __init__(self, mean=0.0, std=1.0):
        self.mean, self.std = mean, std

    def __call__(self, img):
        return img + self.mean + self.std * torch.randn_like(img)


class _Augment:
    def __init__(self, augment):
        self.augment = augment
        self.noise = GaussianNoise(0.0, 0.15)

    def __call__(self, image):
        img = torch.as_tensor(image).permute(2, 0, 1).float() / 255.0
        if not self.augment:
            return img
        if torch.rand(1).item() < 0.5:
            img = torch.flip(img, dims=[2])
        return self.noise(img)


def make_transforms(augment=False):
    return _Augment(augment)


def l2_penalty(model, lam):
    return 0.5 * lam * sum(torch.norm(p) ** 2 for p in model.parameters())


def l1_penalty(model, lam):
    return lam * sum(torch.norm(p, 1) for p in model.parameters())


def train(model, loader, reg=None, lam=0.0, lr=0.01, epochs=1):
    losses = []
    for epoch in range(epochs):
        model.train()
        for x, y in loader:
            model.zero_grad()
            loss = F.cross_entropy(model(x), y)
            losses.append(loss.item())
            if reg == "l2_manual":
                loss = loss + l2_penalty(model, lam)
            if reg == "l1":
                loss = loss + l1_penalty(model, lam)
            loss.backward()
            with torch.no_grad():
                for p in model.parameters():
                    step = p.grad + lam * p if reg == "l2_wd" else p.grad
                    p -= lr * step
    return losses


class Net(nn.Module):
    def __init__(self, p_drop):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.fc1 = nn.Linear(1024, 32)
        self.fc2 = nn.Linear(32, 2)
        self.p_drop = p_drop

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.fc1(x.view(x.size(0), -1)))
        x = F.dropout(x, p=self.p_drop, training=self.training)
        return self.fc2(x)


def make_net(p_drop=0.5):
    return Net(p_drop)


class MyDropout(nn.Module):
    """Classic dropout: drop in training, scale by 1 - p at test time."""

    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        if self.training:
            keep = torch.rand_like(x) >= self.p
            return x * keep
        return x * (1 - self.p)


def early_stopping_epoch(val_losses, patience=5):
    best_epoch = None
    current_patience = 0
    for epoch in range(len(val_losses)):
        if best_epoch is None or val_losses[epoch] < val_losses[best_epoch]:
            best_epoch = epoch
            current_patience = 0
        else:
            current_patience = current_patience + 1
            if current_patience > patience:
                return (epoch, best_epoch)
    return (None, best_epoch)


class EarlyStopper:
    def __init__(self, patience=5, min_delta=0):
        self.patience, self.min_delta = patience, min_delta
        self.history = []

    def step(self, val_loss):
        self.history.append(val_loss)
        best, waited = None, 0
        for loss in self.history:
            if best is None or loss < best - self.min_delta:
                best, waited = loss, 0
            else:
                waited += 1
        return waited > self.patience
'''

_ALIASES = {
    "GaussianNoise": '''class Gaussian(object):
    def __init__(self, mean, var):
        self.mean = mean
        self.var = var          # a standard deviation, as torch.normal takes it

    def __call__(self, img):
        return img + torch.normal(self.mean, self.var, img.size())
''',
    "make_transforms": '''def get_transforms(augmentation):
    T = _support_transforms()
    if augmentation:
        return T.Compose([T.RandomHorizontalFlip(), T.RandomRotation(45), T.ToTensor(), Gaussian(0, 0.15)])
    return T.ToTensor()
''',
    "l2_penalty": '''def l2_regularization(net, lambda_):
    total = 0
    for name, param in net.named_parameters():
        total = total + torch.sum(param * param)
    return lambda_ * total / 2
''',
    "l1_penalty": '''def l1_regularization(net, lambda_):
    return lambda_ * torch.cat([p.view(-1) for p in net.parameters()]).abs().sum()
''',
    "train": '''def train_model(net, train_loader, regularization=None, lambda_=0.0, learning_rate=0.01, num_epochs=1):
    if regularization == "l2_wd":
        optimizer = torch.optim.SGD(net.parameters(), lr=learning_rate, weight_decay=lambda_)
    else:
        optimizer = torch.optim.SGD(net.parameters(), lr=learning_rate)
    criterion = nn.CrossEntropyLoss()
    for epoch in range(num_epochs):
        running = 0.0
        for inputs, labels in train_loader:
            optimizer.zero_grad()
            loss = criterion(net(inputs), labels)
            if regularization == "l2_manual":
                loss += l2_regularization(net, lambda_)
            elif regularization == "l1":
                loss += l1_regularization(net, lambda_)
            loss.backward()
            optimizer.step()
            running += loss.item()
        print(f"epoch {epoch}: loss {running:.4f}")
''',
    "make_net": '''def build_model(dropout):
    layers = [nn.Conv2d(3, 16, 5, padding=2), nn.ReLU(), nn.AdaptiveAvgPool2d(4), nn.Flatten(),
              nn.Linear(256, 64), nn.ReLU()]
    layers.append(nn.Dropout(p=dropout))
    layers.append(nn.Linear(64, 2))
    return nn.Sequential(*layers)
''',
    "MyDropout": '''class CustomDropout(nn.Module):
    def __init__(self, p):
        super(CustomDropout, self).__init__()
        self.p = p

    def forward(self, x):
        if not self.training:
            return x
        if self.p == 1:
            return x * 0
        mask = torch.from_numpy((np.random.rand(*x.shape) > self.p).astype(np.float32))
        return mask * x * (1.0 / (1 - self.p))
''',
    "early_stopping_epoch": '''def early_stopping(losses, patience=5):
    best = np.inf
    best_epoch, current_patience = None, 0
    for epoch, val in enumerate(losses):
        if val < best:
            best = val
            current_patience = 0
            best_epoch = epoch
        else:
            current_patience += 1
        if current_patience > patience:
            print("Early stopping!")
            return epoch, best_epoch
    return None, best_epoch
''',
    "EarlyStopper": '''import numpy as np


class EarlyStopping:
    def __init__(self, patience=5, delta=0.0):
        self.patience = patience
        self.delta = delta
        self.best_loss = np.inf
        self.counter = 0

    def should_stop(self, loss):
        if loss < self.best_loss - self.delta:
            self.best_loss = loss
            self.counter = 0
            return False
        self.counter += 1
        return self.counter > self.patience
''',
}

ALTERNATIVES = (
    whole_module(_REFERENCE, "torch_first", TORCH_FIRST, "torch-first: no torchvision, penalties by torch.norm, "
                 "SGD steps by hand, F.dropout in a Module, classic dropout, early stopping by indices"),
    Variant("aliases_numpy", dict(_ALIASES), (), "the names students use, the course's torchvision, a numpy mask"),
)

__all__ = ["ALTERNATIVES"]
