"""Alternative correct solutions of lab6-transfer: each must score 100 %.

They are written differently from the reference on purpose, so that the suite is shown to accept what
is right rather than what looks like the reference: one in the manual's own style (its checkpoint keys
``last_epoch`` / ``last_loss`` / ``model_state`` / ``optimizer_state``, layers as separate attributes,
``requires_grad_`` on whole submodules, ``filter`` over the parameters, numpy for the counting) and one
with the other names students give these functions and their arguments, found through
assignment.toml's aliases, building the models through the weights enums and ``nn.Module.apply``.
"""

from __future__ import annotations

from pathlib import Path

from . import Variant, whole_module

_REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "lab6_transfer.py"

MANUAL_STYLE = '''
import numpy as np
import torch.nn.functional as F


class CNNClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 64, kernel_size=3)
        self.conv2 = nn.Conv2d(64, 128, kernel_size=3)
        self.conv3 = nn.Conv2d(128, 64, kernel_size=3)
        self.fc1 = nn.Linear(64, 20)
        self.fc2 = nn.Linear(20, 10)

    def forward(self, x):
        for conv in (self.conv1, self.conv2, self.conv3):
            x = F.max_pool2d(F.relu(conv(x)), 2)
        return self.fc2(F.relu(self.fc1(x.view(x.size(0), -1))))


def save_full(model, path):
    torch.save(model, path, pickle_protocol=4)


def load_full(path):
    model = torch.load(path, map_location="cpu", weights_only=False)
    model.train()
    return model


def evaluate(model, loader):
    model.eval()
    hits = []
    with torch.no_grad():
        for inputs, labels in loader:
            outputs = model(inputs)
            hits.append((outputs.numpy().argmax(axis=1) == labels.numpy()))
    return float(np.concatenate(hits).mean() * 100)


def build_alexnet_2class(pretrained=False, freeze_features=True):
    model = models.alexnet(weights=None)
    model.features.requires_grad_(not freeze_features)
    last = model.classifier[-1]
    model.classifier[-1] = nn.Linear(last.in_features, 2)
    return model


def make_optimizer(model, lr=0.001, momentum=0.9):
    return torch.optim.SGD(filter(lambda p: p.requires_grad, model.parameters()), lr=lr, momentum=momentum)


def save_checkpoint(path, model, optimizer, epoch, loss):
    check_point = {"last_loss": loss, "last_epoch": epoch, "model_state": model.state_dict(),
                   "optimizer_state": optimizer.state_dict()}
    torch.save(check_point, path)


def load_checkpoint(path, model, optimizer):
    check_point = torch.load(path, weights_only=True)
    model.load_state_dict(check_point["model_state"])
    optimizer.load_state_dict(check_point["optimizer_state"])
    return check_point["last_epoch"], check_point["last_loss"]


def train_one_epoch(model, loader, optimizer, loss_fn):
    model.train(True)
    running = []
    for i, (inputs, labels) in enumerate(loader):
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = loss_fn(outputs, labels)
        loss.backward()
        optimizer.step()
        running.append(loss.item())
    return sum(running) / len(running)


def train_with_best(model, optimizer, loss_fn, train_loader, val_loader, epochs, best_path):
    best_vloss = None
    for epoch in range(epochs):
        train_one_epoch(model, train_loader, optimizer, loss_fn)
        model.eval()
        with torch.no_grad():
            vlosses = [loss_fn(model(vinputs), vlabels).item() for vinputs, vlabels in val_loader]
        avg_vloss = sum(vlosses) / len(vlosses)
        if best_vloss is None or avg_vloss < best_vloss:
            best_vloss = avg_vloss
            save_checkpoint(best_path, model, optimizer, epoch + 1, avg_vloss)
    return best_vloss


def build_resnet18_2class(freeze=True):
    model = models.resnet18(weights=None)
    model.requires_grad_(not freeze)
    model.fc = nn.Linear(512, 2)
    return model
'''

OTHER_NAMES = '''
from lab6_transfer_torchvision import models as tv_models   # a student's: from torchvision import models as tv_models


class CNN(nn.Module):
    def __init__(self):
        super(CNN, self).__init__()
        blocks = []
        for c_in, c_out in ((1, 64), (64, 128), (128, 64)):
            blocks += [nn.Conv2d(c_in, c_out, 3), nn.ReLU(), nn.MaxPool2d(2)]
        self.features = nn.Sequential(*blocks, nn.Flatten())
        self.head = nn.Sequential(nn.Linear(64, 20), nn.ReLU(), nn.Linear(20, 10))

    def forward(self, x):
        return self.head(self.features(x))


def save_model(net, filename):
    with open(filename, "wb") as f:
        torch.save(net, f)


def load_model(filename):
    with open(filename, "rb") as f:
        return torch.load(f, weights_only=False)


def test_accuracy(net, test_loader):
    net.eval()
    correct = total = 0
    with torch.no_grad():
        for X, y in test_loader:
            _, predicted = torch.max(net(X).data, 1)
            total += y.size(0)
            correct += (predicted == y).sum().item()
    return 100 * correct / total


def _freeze(module):
    for p in module.parameters(recurse=False):
        p.requires_grad = False


def build_alexnet(use_pretrained=False, freeze=True):
    weights = tv_models.AlexNet_Weights.DEFAULT if use_pretrained else None
    net = tv_models.alexnet(weights=weights)
    net.classifier[6] = nn.Linear(4096, 2)
    if freeze:
        net.features.apply(_freeze)
    return net


def get_optimizer(net, learning_rate=0.001, momentum=0.9):
    params = [p for name, p in net.named_parameters() if p.requires_grad]
    return torch.optim.SGD(params, lr=learning_rate, momentum=momentum)


def save_ckpt(filename, model, opt, last_epoch, last_loss):
    torch.save(dict(epoch=int(last_epoch), loss=float(last_loss), model=model.state_dict(),
                    optim=opt.state_dict()), filename)


def load_ckpt(filename, model, opt):
    ckpt = torch.load(filename)
    model.load_state_dict(ckpt["model"])
    opt.load_state_dict(ckpt["optim"])
    return ckpt["epoch"], ckpt["loss"]


def train_epoch(model, train_loader, opt, criterion):
    model.train()
    total = 0.0
    for X, y in train_loader:
        loss = criterion(model(X), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(y)
    return total / sum(len(y) for _, y in train_loader)


def train_save_best(model, opt, criterion, trainloader, valloader, num_epochs, best_model_path):
    history = []
    for epoch in range(1, num_epochs + 1):
        train_epoch(model, trainloader, opt, criterion)
        model.eval()
        with torch.no_grad():
            n = sum(len(y) for _, y in valloader)
            val = sum(criterion(model(X), y).item() * len(y) for X, y in valloader) / n
        if not history or val < min(history):
            save_ckpt(best_model_path, model, opt, epoch, val)
        history.append(val)
    return history


def build_resnet18(freeze_backbone=True):
    net = tv_models.resnet18(weights=None)
    if freeze_backbone:
        for name, param in net.named_parameters():
            param.requires_grad = False
    net.fc = nn.Linear(net.fc.in_features, 2)
    return net
'''

ALTERNATIVES: tuple[Variant, ...] = (
    whole_module(_REFERENCE, "manual_style", MANUAL_STYLE,
                 "the manual's checkpoint keys, layers as attributes, requires_grad_ on submodules, numpy counting"),
    whole_module(_REFERENCE, "other_names", OTHER_NAMES,
                 "students' other names (CNN, save_model, test_accuracy, build_alexnet, get_optimizer, save_ckpt, "
                 "train_save_best...), the weights enums, file objects for torch.save / torch.load"),
)
