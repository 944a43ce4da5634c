# Lab 12 - Autoencoders and VAE
# Chidi Okonkwo

import torch
import torch.nn as nn
import torch.nn.functional as F
import matplotlib.pyplot as plt
from torchvision import datasets, transforms
from torch.utils.data import DataLoader

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)

transform = transforms.ToTensor()
train_data = datasets.MNIST(root="./data", train=True, download=True, transform=transform)
test_data = datasets.MNIST(root="./data", train=False, download=True, transform=transform)
train_loader = DataLoader(train_data, batch_size=128, shuffle=True)
test_loader = DataLoader(test_data, batch_size=128, shuffle=False)


# ---------------- Q1: autoencoder ----------------
class AutoEncoder(nn.Module):
    def __init__(self, latent_dim=20):
        super(AutoEncoder, self).__init__()
        self.encoder = nn.Sequential(
            nn.Linear(28 * 28, 256),
            nn.ReLU(),
            nn.Linear(256, 64),
            nn.ReLU(),
            nn.Linear(64, latent_dim),
        )
        self.decoder = nn.Sequential(
            nn.Linear(latent_dim, 64),
            nn.ReLU(),
            nn.Linear(64, 256),
            nn.ReLU(),
            nn.Linear(256, 28 * 28),
            nn.Sigmoid(),
        )

    def encode(self, x):
        x = x.view(x.size(0), -1)
        return self.encoder(x)

    def decode(self, z):
        return self.decoder(z)

    def forward(self, x):
        z = self.encode(x)
        out = self.decode(z)
        return out.view(x.shape)


def train_ae(model, loader, optimizer, epochs=1):
    criterion = nn.MSELoss()
    epoch_losses = []
    for epoch in range(epochs):
        model.train()
        total = 0
        for images, _ in loader:
            images = images.to(device)
            images = images.view(images.size(0), -1)
            optimizer.zero_grad()
            output = model(images)
            loss = criterion(output, images)
            loss.backward()
            optimizer.step()
            total += loss.item()
        epoch_losses.append(total / len(loader))
        print(f"epoch {epoch + 1}: loss {epoch_losses[-1]:.4f}")
    return epoch_losses


ae = AutoEncoder().to(device)
ae_opt = torch.optim.Adam(ae.parameters(), lr=1e-3)
history = train_ae(ae, train_loader, ae_opt, epochs=10)
plt.plot(history)
plt.xlabel("epoch")
plt.ylabel("MSE")
plt.show()

ae.eval()
with torch.no_grad():
    images, labels = next(iter(test_loader))
    recon = ae(images.to(device)).cpu()
fig, axes = plt.subplots(2, 8, figsize=(12, 3))
for i in range(8):
    axes[0, i].imshow(images[i].squeeze(), cmap="gray")
    axes[1, i].imshow(recon[i].squeeze(), cmap="gray")
plt.show()


# ---------------- Q2: VAE ----------------
def reparameterize(mu, logvar):
    std = torch.exp(0.5 * logvar)
    eps = torch.randn_like(std)
    return mu + eps * std


class VAE(nn.Module):
    def __init__(self, latent=10, hidden=100):
        super(VAE, self).__init__()
        # encoder
        self.enc_fc1 = nn.Linear(784, hidden)
        self.enc_drop = nn.Dropout(p=0.2)
        self.enc_fc2 = nn.Linear(hidden, hidden)
        self.fc_mu = nn.Linear(hidden, latent)
        self.fc_logvar = nn.Linear(hidden, latent)
        # decoder
        self.bn = nn.BatchNorm1d(latent)
        self.dec_fc1 = nn.Linear(latent, hidden)
        self.dec_fc2 = nn.Linear(hidden, hidden)
        self.dec_out = nn.Linear(hidden, 784)

    def encode(self, x):
        h = F.relu(self.enc_fc1(x.view(x.size(0), -1)))
        h = torch.sigmoid(self.enc_fc2(self.enc_drop(h)))
        return self.fc_mu(h), self.fc_logvar(h)

    def decode(self, z):
        h = F.relu(self.dec_fc1(self.bn(z)))
        h = F.relu(self.dec_fc2(h))
        return torch.sigmoid(self.dec_out(h))

    def forward(self, x):
        mu, logvar = self.encode(x)
        z = reparameterize(mu, logvar)
        return mu, logvar, self.decode(z).view(-1, 1, 28, 28)


def loss_function(x, x_hat, mu, logvar):
    recon = F.binary_cross_entropy(x_hat, x, reduction="sum")
    kl = 0.5 * torch.sum(mu ** 2 + torch.exp(logvar) - logvar - 1)
    return recon + kl


vae = VAE().to(device)
print(vae)
print("parameters:", sum(p.numel() for p in vae.parameters()))
optimizer = torch.optim.Adam(vae.parameters(), lr=1e-3)

for epoch in range(20):
    vae.train()
    overall_loss = 0
    for x, _ in train_loader:
        x = x.to(device)
        optimizer.zero_grad()
        mu, logvar, x_hat = vae(x)
        loss = loss_function(x, x_hat, mu, logvar)
        loss.backward()
        optimizer.step()
        overall_loss += loss.item()
    print("epoch", epoch + 1, "average loss", overall_loss / len(train_data))


def generate(model, n):
    model.eval()
    with torch.no_grad():
        z = torch.randn(n, 10).to(device)
        digits = model.decode(z)
    return digits.view(n, 1, 28, 28).cpu()


samples = generate(vae, 16)
fig, axes = plt.subplots(2, 8, figsize=(12, 3))
for i, ax in enumerate(axes.flat):
    ax.imshow(samples[i].squeeze(), cmap="gray")
    ax.axis("off")
plt.show()
