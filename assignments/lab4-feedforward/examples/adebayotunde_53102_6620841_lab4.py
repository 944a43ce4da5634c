# Lab 4 - Feed forward networks
# Tunde Adebayo

import torch
import torch.nn as nn
import matplotlib.pyplot as plt
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(42)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

X = torch.tensor([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=torch.float32).to(device)
Y = torch.tensor([0, 1, 1, 0], dtype=torch.float32).to(device)


class MyDataset(Dataset):
    def __init__(self, X, Y):
        self.X = X
        self.Y = Y

    def __len__(self):
        return len(self.X)

    def __getitem__(self, idx):
        return self.X[idx].to(device), self.Y[idx].to(device)


# Q1
class XORModel(nn.Module):
    def __init__(self):
        super(XORModel, self).__init__()
        self.linear1 = nn.Linear(2, 2, bias=True)
        self.activation1 = nn.Sigmoid()
        self.linear2 = nn.Linear(2, 1, bias=True)

    def forward(self, x):
        x = self.linear1(x)
        x = self.activation1(x)
        x = self.linear2(x)
        return x


def count_params(model):
    total = 0
    for p in model.parameters():
        if p.requires_grad:
            total += p.numel()
    return total


model = XORModel().to(device)
print(model)
print("learnable params:", count_params(model))
loss_fn = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.03)
loader = DataLoader(MyDataset(X, Y), batch_size=1, shuffle=True)

EPOCHS = 10000
loss_list = []
for epoch in range(EPOCHS):
    avg_loss = train_one_epoch(epoch)      # defined below, as in the lab sheet
    loss_list.append(avg_loss)
    if epoch % 1000 == 0:
        print(f"epoch {epoch} loss {avg_loss}")


def train_one_epoch(epoch_index):
    totalloss = 0.0
    for i, (inputs, labels) in enumerate(loader):
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = loss_fn(outputs.flatten(), labels)
        loss.backward()
        optimizer.step()
        totalloss += loss.item()
    return totalloss / (len(loader) * 1)


for param in model.named_parameters():
    print(param)
print(model(X))
plt.plot(loss_list)
plt.show()


# Q2
class XORModelReLU(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear1 = nn.Linear(2, 2)
        self.activation1 = nn.ReLU()
        self.linear2 = nn.Linear(2, 1)

    def forward(self, x):
        return self.linear2(self.activation1(self.linear1(x)))


relu_model = XORModelReLU()
print("ReLU params:", count_params(relu_model))


# Q3
def manual_forward(params, X, activation="sigmoid"):
    w1, b1 = params["linear1.weight"], params["linear1.bias"]
    w2, b2 = params["linear2.weight"], params["linear2.bias"]
    h = torch.matmul(X, w1.t()) + b1
    if activation == "relu":
        h = torch.relu(h)
    else:
        h = torch.sigmoid(h)
    return torch.matmul(h, w2.t()) + b2


print(manual_forward(model.state_dict(), X))
print(model(X))


# Q4
class MNISTFFN(nn.Module):
    def __init__(self, h1=100, h2=100):
        super().__init__()
        self.fc1 = nn.Linear(784, h1)
        self.fc2 = nn.Linear(h1, h2)
        self.fc3 = nn.Linear(h2, 10)
        self.relu = nn.ReLU()

    def forward(self, x):
        x = x.view(x.size(0), -1)
        x = self.relu(self.fc1(x))
        x = self.relu(self.fc2(x))
        return self.fc3(x)


def confusion(model, loader):
    cm = torch.zeros(10, 10, dtype=torch.long)
    model.eval()
    with torch.no_grad():
        for images, labels in loader:
            preds = model(images).argmax(dim=1)
            for t, p in zip(labels, preds):
                cm[t.long(), p.long()] += 1
    return cm


mnist_model = MNISTFFN(100, 100)
print("MNIST params:", count_params(mnist_model))
