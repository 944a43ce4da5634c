"""Reference solution of lab6-transfer: Lab 6 of the lab manual (transfer learning and checkpoints),
written from the torch documentation.

- E1: a whole model saved with ``torch.save(model, path)`` and loaded back with
  ``torch.load(path, weights_only=False)`` (since torch 2.6 ``torch.load`` unpickles only tensors and
  plain containers by default, and a pickled module is neither); ``evaluate`` is the accuracy in percent.
  The model is Lab 5's ``CNNClassifier`` (149,798 parameters for 28x28 images).
- E2: torchvision's AlexNet with ``weights=None`` (nothing is downloaded), ``classifier[6]`` replaced by
  ``Linear(4096, 2)``, ``features`` frozen; ``make_optimizer`` builds SGD over the parameters that
  require grad only.
- E3: a checkpoint is a dict of state_dicts and numbers, ``{"epoch", "loss", "model_state",
  "optimizer_state"}``, which loads under torch.load's default ``weights_only=True``; ``epoch`` counts the
  epochs completed. ``train_with_best`` saves a checkpoint whenever the validation loss reaches a new
  minimum.
- A1: ResNet-18 with every parameter frozen (batch-norm layers included) and a new ``fc`` of 2 outputs.

Loaders are any iterable of ``(images, labels)`` batches (a DataLoader, or the grader's list of batches).
"""

from __future__ import annotations

import importlib.util
import math
import sys

import torch
from torch import nn

# torchvision is stood in for by the assignment's support package (see its docstring), which a worker
# imports as `torchvision`. Here it is loaded under a name of its own, so that this process's
# `import torchvision` (a CUDA build that does not import against the CPU torch, or another course's
# stand-in) is left alone.
if "lab6_transfer_torchvision" not in sys.modules:
    from grader.spec import find_assignment
    _root = find_assignment("lab6-transfer") / "support" / "torchvision"
    _spec = importlib.util.spec_from_file_location("lab6_transfer_torchvision", _root / "__init__.py",
                                                   submodule_search_locations=[str(_root)])
    sys.modules["lab6_transfer_torchvision"] = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(sys.modules["lab6_transfer_torchvision"])

from lab6_transfer_torchvision import models  # noqa: E402  (in a worker: import torchvision.models as models)


# --- E1: Lab 5's CNN, saved and loaded whole ----------------------------------------------------
class CNNClassifier(nn.Module):
    """Three conv-ReLU-pool blocks (64, 128, 64 filters of 3x3) and a 64 -> 20 -> 10 head."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 64, 3), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Conv2d(64, 128, 3), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Conv2d(128, 64, 3), nn.ReLU(), nn.MaxPool2d(2, 2),
        )
        self.classification_head = nn.Sequential(nn.Linear(64, 20), nn.ReLU(), nn.Linear(20, 10))

    def forward(self, x):
        features = self.net(x)
        return self.classification_head(features.flatten(1))


def save_full(model, path):
    """Pickle the whole module (class and weights) to ``path``."""
    torch.save(model, path)


def load_full(path):
    """The module saved by save_full; its class must be importable where it is loaded."""
    return torch.load(path, weights_only=False)


def evaluate(model, loader):
    """Percentage of the images in ``loader`` whose argmax score is their label, in eval mode."""
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for images, labels in loader:
            predicted = model(images).argmax(dim=1)
            correct += int((predicted == labels).sum())
            total += int(labels.shape[0])
    return 100.0 * correct / total


# --- E2: AlexNet as a two-class classifier ------------------------------------------------------
def build_alexnet_2class(pretrained=False, freeze_features=True):
    """torchvision's AlexNet (random weights unless pretrained) with classifier[6] = Linear(4096, 2)."""
    weights = models.AlexNet_Weights.DEFAULT if pretrained else None
    model = models.alexnet(weights=weights)
    if freeze_features:
        for p in model.features.parameters():
            p.requires_grad = False
    model.classifier[6] = nn.Linear(4096, 2)
    return model


def make_optimizer(model, lr=0.001, momentum=0.9):
    """SGD over the parameters that require grad, and over no frozen one."""
    return torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=lr, momentum=momentum)


# --- E3: checkpoints ----------------------------------------------------------------------------
def save_checkpoint(path, model, optimizer, epoch, loss):
    torch.save({"epoch": epoch, "loss": loss, "model_state": model.state_dict(),
                "optimizer_state": optimizer.state_dict()}, path)


def load_checkpoint(path, model, optimizer):
    """Restore the model's and the optimizer's state from ``path``; return (epoch, loss)."""
    checkpoint = torch.load(path)
    model.load_state_dict(checkpoint["model_state"])
    optimizer.load_state_dict(checkpoint["optimizer_state"])
    return checkpoint["epoch"], checkpoint["loss"]


def train_one_epoch(model, loader, optimizer, loss_fn):
    """One pass over ``loader`` in its order; the mean of the batches' losses."""
    model.train()
    total, batches = 0.0, 0
    for images, labels in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(images), labels)
        loss.backward()
        optimizer.step()
        total += float(loss.detach())
        batches += 1
    return total / max(batches, 1)


def _validation_loss(model, loader, loss_fn):
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for images, labels in loader:
            total += float(loss_fn(model(images), labels)) * int(labels.shape[0])
            count += int(labels.shape[0])
    return total / count


def train_with_best(model, optimizer, loss_fn, train_loader, val_loader, epochs, best_path):
    """Train ``epochs`` epochs; after each, save a checkpoint to ``best_path`` when the validation
    loss is the lowest so far. Returns the lowest validation loss."""
    best = math.inf
    for epoch in range(epochs):
        train_one_epoch(model, train_loader, optimizer, loss_fn)
        loss = _validation_loss(model, val_loader, loss_fn)
        if loss < best:
            best = loss
            save_checkpoint(best_path, model, optimizer, epoch + 1, loss)
    return best


# --- A1: ResNet-18, frozen, with a new fc -------------------------------------------------------
def build_resnet18_2class(freeze=True):
    """torchvision's ResNet-18 (weights=None) with every parameter frozen and fc = Linear(512, 2)."""
    model = models.resnet18(weights=None)
    if freeze:
        for p in model.parameters():
            p.requires_grad = False
    model.fc = nn.Linear(model.fc.in_features, 2)
    return model


# torch.save(model) pickles a model's class by its module's name, so that module must be importable where
# the file is loaded (a notebook's __main__ is; a worker makes a submission importable as `submission`).
# Loaded from its file rather than imported (the grader's recording, a variant of this module graded
# in-process, loaded again), this module registers itself under its name the same way.
if getattr(sys.modules.get(__name__), "__dict__", None) is not globals():
    sys.modules[__name__] = type(sys)(__name__)
    vars(sys.modules[__name__]).update(globals())
