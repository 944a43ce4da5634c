"""Reference solutions of lab8-regularization: Lab 8 of the lab manual (regularization).

Sample: GaussianNoise(mean, std), additive noise with standard deviation ``std`` (the second argument
of torch.normal is a standard deviation), and make_transforms(augment), the augmentation pipeline.
E1: l2_penalty(model, lam) = lam/2 * sum of p**2 over all parameters, biases included, and
train(...), one plain-SGD loop with reg None, 'l2_wd' (the optimizer's weight_decay=lam),
'l2_manual' (loss + l2_penalty) or 'l1' (loss + l1_penalty): 'l2_wd' and 'l2_manual' take the same
steps, p.grad = g_data + lam * p. E2: l1_penalty(model, lam) = lam * sum |p|, p.grad = g_data + lam *
sign(p). E3: make_net(p_drop), a small network for (B, 3, 32, 32) images with nn.Dropout(p_drop).
E4: MyDropout(p), inverted dropout from a Bernoulli mask. E5: early_stopping_epoch(val_losses,
patience) and EarlyStopper(patience, min_delta), the manual's rule with a strict "<" for an
improvement and "counter > patience" to stop, epochs counted from 0.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

import torch
import torch.nn.functional as F
from torch import nn


def _support_transforms():
    """torchvision.transforms from the assignment's support folder: the stand-in that a worker imports
    as torchvision. It is loaded here under a name of its own, so that this process's ``import
    torchvision`` (a broken CUDA build, or another course's stand-in) is left alone."""
    package = "lab8_regularization_torchvision"
    if package not in sys.modules:
        from grader.spec import find_assignment
        root = find_assignment("lab8-regularization") / "support" / "torchvision"
        spec = importlib.util.spec_from_file_location(package, root / "__init__.py",
                                                      submodule_search_locations=[str(root)])
        module = importlib.util.module_from_spec(spec)
        sys.modules[package] = module
        spec.loader.exec_module(module)
    return importlib.import_module(f"{package}.transforms")


class GaussianNoise:
    """Adds noise drawn from N(mean, std**2) to every element of a tensor: ``std`` is the standard
    deviation, as torch.normal's second argument is."""

    def __init__(self, mean=0.0, std=1.0):
        self.mean = mean
        self.std = std

    def __call__(self, img):
        return img + torch.normal(self.mean, self.std, img.size(), dtype=img.dtype)


def make_transforms(augment=False):
    """ToTensor() alone, or with augment=True ToTensor, RandomHorizontalFlip(), RandomRotation(45) and
    GaussianNoise(0, 0.15), as the manual's sample does. Takes an image (H, W, 3) as uint8 (PIL or
    numpy) and returns a float tensor (3, H, W)."""
    T = _support_transforms()
    if not augment:
        return T.Compose([T.ToTensor()])
    return T.Compose([T.ToTensor(), T.RandomHorizontalFlip(), T.RandomRotation(45), GaussianNoise(0.0, 0.15)])


def l2_penalty(model, lam):
    """lam / 2 * the sum of p**2 over every parameter of ``model`` (weights and biases): its gradient
    is lam * p, which is what SGD's weight_decay=lam adds."""
    return lam / 2 * sum((p ** 2).sum() for p in model.parameters())


def l1_penalty(model, lam):
    """lam * the sum of |p| over every parameter of ``model``; its gradient is lam * sign(p)."""
    return lam * sum(p.abs().sum() for p in model.parameters())


def train(model, loader, reg=None, lam=0.0, lr=0.01, epochs=1):
    """Plain SGD (no momentum) at ``lr`` on the cross-entropy of the model's logits, over every batch
    (x, y) of ``loader`` for ``epochs`` epochs. ``reg``: None; 'l2_wd', SGD's weight_decay=lam;
    'l2_manual', loss + l2_penalty(model, lam); 'l1', loss + l1_penalty(model, lam). Returns the mean
    data loss of each epoch."""
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, weight_decay=lam if reg == "l2_wd" else 0.0)
    history = []
    for _ in range(epochs):
        model.train()
        total, batches = 0.0, 0
        for x, y in loader:
            optimizer.zero_grad()
            data_loss = F.cross_entropy(model(x), y)
            loss = data_loss
            if reg == "l2_manual":
                loss = loss + l2_penalty(model, lam)
            elif reg == "l1":
                loss = loss + l1_penalty(model, lam)
            loss.backward()
            optimizer.step()
            total, batches = total + data_loss.item(), batches + 1
        history.append(total / max(batches, 1))
    return history


def make_net(p_drop=0.5):
    """A small network for (B, 3, 32, 32) images that returns logits (B, 2), with nn.Dropout(p_drop)
    before its last layer."""
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 8 * 8, 32), nn.ReLU(),
        nn.Dropout(p_drop), nn.Linear(32, 2))


class MyDropout(nn.Module):
    """Inverted dropout: in training, each element is kept with probability 1 - p (a Bernoulli mask)
    and scaled by 1 / (1 - p); zeros everywhere at p = 1; the identity in eval mode."""

    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        if self.p >= 1:
            return torch.zeros_like(x)
        mask = torch.bernoulli(torch.full_like(x, 1 - self.p))
        return x * mask / (1 - self.p)


def early_stopping_epoch(val_losses, patience=5):
    """(stop_epoch, best_epoch) for a run that sees ``val_losses`` one epoch at a time, epochs from 0.
    A loss below the best so far is an improvement (ties are not) and resets the count; otherwise the
    count grows, and the run stops at the first epoch where it exceeds ``patience``. stop_epoch is
    None when the run never stops."""
    best, best_epoch, waited = float("inf"), None, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
        if waited > patience:
            return epoch, best_epoch
    return None, best_epoch


class EarlyStopper:
    """step(val_loss) -> True once training should stop: when, for more than ``patience`` epochs in
    a row, the loss has not fallen below the best so far by more than ``min_delta``."""

    def __init__(self, patience=5, min_delta=0.0):
        self.patience = patience
        self.min_delta = min_delta
        self.best = float("inf")
        self.counter = 0

    def step(self, val_loss):
        if val_loss < self.best - self.min_delta:
            self.best = val_loss
            self.counter = 0
        else:
            self.counter += 1
        return self.counter > self.patience
