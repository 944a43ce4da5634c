# Lab 6 - Transfer learning and checkpoints
# Chidi Okonkwo

import os
import copy
import torch
import torch.nn as nn
import matplotlib.pyplot as plt
from torch.utils.data import DataLoader
from torchvision import datasets, transforms
import torchvision.models as models

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
batch_size = 32
EPOCHS = 2
os.makedirs("./ModelFiles", exist_ok=True)
os.makedirs("./checkpoints", exist_ok=True)

transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
mnist_trainset = datasets.MNIST(root="./data", train=True, download=True, transform=transform)
train_loader = DataLoader(mnist_trainset, batch_size=batch_size, shuffle=True)


# the network from lab 5
class CNNClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(1, 64, kernel_size=3), nn.ReLU(), nn.MaxPool2d((2, 2), stride=2),
                                 nn.Conv2d(64, 128, kernel_size=3), nn.ReLU(), nn.MaxPool2d((2, 2), stride=2),
                                 nn.Conv2d(128, 64, kernel_size=3), nn.ReLU(), nn.MaxPool2d((2, 2), stride=2))
        self.classification_head = nn.Sequential(nn.Linear(64, 20, bias=True), nn.ReLU(),
                                                 nn.Linear(20, 10, bias=True))

    def forward(self, x):
        features = self.net(x)
        return self.classification_head(features.view(x.size(0), -1))


def train_one_epoch(model, loader, optimizer, loss_fn):
    model.train()
    running_loss = 0.0
    for i, (inputs, labels) in enumerate(loader):
        inputs, labels = inputs.to(device), labels.to(device)
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = loss_fn(outputs, labels)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
    return running_loss / (i + 1)


model = CNNClassifier().to(device)
loss_fn = nn.CrossEntropyLoss()   # (not MSELoss as the comment in the manual says)
optimizer = torch.optim.SGD(model.parameters(), lr=0.001, momentum=0.9)
for epoch in range(EPOCHS):
    avg_loss = train_one_epoch(model, train_loader, optimizer, loss_fn)
    print("epoch", epoch, "loss", avg_loss)
print(model.state_dict().keys())
print(optimizer.state_dict())


def save_full(model, path):
    torch.save(model, path)


def load_full(path):
    # torch 2.6+ needs weights_only=False to unpickle a whole model
    return torch.load(path, map_location=device, weights_only=False)


save_full(model, "./ModelFiles/model.pt")


def evaluate(model, loader):
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for images, labels in loader:
            images, labels = images.to(device), labels.to(device)
            _, predicted = torch.max(model(images), 1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
    return 100.0 * correct / total


fashion_testset = datasets.FashionMNIST(root="./data", train=False, download=True, transform=transform)
test_loader = DataLoader(fashion_testset, batch_size=batch_size)
loaded = load_full("./ModelFiles/model.pt")
print("zero-shot accuracy on FashionMNIST:", evaluate(loaded, test_loader))


# Q2 AlexNet
def build_alexnet_2class(pretrained=False, freeze_features=True):
    weights = models.AlexNet_Weights.DEFAULT if pretrained else None
    alexnet = models.alexnet(weights=weights)
    if freeze_features:
        for param in alexnet.features.parameters():
            param.requires_grad = False
    alexnet.classifier[6] = nn.Linear(4096, 2)
    return alexnet


def make_optimizer(model, lr=0.001, momentum=0.9):
    params_to_update = []
    for name, param in model.named_parameters():
        if param.requires_grad:
            params_to_update.append(param)
    return torch.optim.SGD(params_to_update, lr=lr, momentum=momentum)


alexnet = build_alexnet_2class(pretrained=True).to(device)
print(alexnet)


# Q3 checkpoints
def save_checkpoint(path, model, optimizer, epoch, loss):
    torch.save({"last_loss": loss, "last_epoch": epoch, "model_state": model.state_dict(),
                "optimizer_state": optimizer.state_dict()}, path)


def load_checkpoint(path, model, optimizer):
    check_point = torch.load(path)
    model.load_state_dict(check_point["model_state"])
    optimizer.load_state_dict(check_point["optimizer_state"])
    return check_point["last_epoch"], check_point["last_loss"]


save_checkpoint("./checkpoints/checkpoint.pt", model, optimizer, EPOCHS, avg_loss)
model = CNNClassifier().to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.001, momentum=0.9)
last_epoch, last_loss = load_checkpoint("./checkpoints/checkpoint.pt", model, optimizer)
for epoch in range(last_epoch, 5):
    print("epoch", epoch, "loss", train_one_epoch(model, train_loader, optimizer, loss_fn))


def train_with_best(model, optimizer, loss_fn, train_loader, val_loader, epochs, best_path):
    history = {"train": [], "val": []}
    for epoch in range(1, epochs + 1):
        history["train"].append(train_one_epoch(model, train_loader, optimizer, loss_fn))
        model.eval()
        with torch.no_grad():
            losses = [loss_fn(x, y).item() * len(y) for x, y in ((model(a), b) for a, b in val_loader)]
        history["val"].append(sum(losses) / sum(len(b) for _, b in val_loader))
        if history["val"][-1] == min(history["val"]):
            save_checkpoint(best_path, model, optimizer, epoch, history["val"][-1])
    return min(history["val"])


# additional: ants vs bees
def build_resnet18_2class(freeze=True):
    model_conv = models.resnet18(weights=None)
    if freeze:
        for param in model_conv.parameters():
            param.requires_grad = False
    num_ftrs = model_conv.fc.in_features
    model_conv.fc = nn.Linear(num_ftrs, 2)
    return model_conv


model_conv = build_resnet18_2class().to(device)
plt.plot([1, 2, 3])
plt.show()
