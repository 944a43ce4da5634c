"""Alternative correct solutions of lab12-vae: each must score 100 %.

One in the manual's own style with the names students use instead (assignment.toml's aliases): an
Autoencoder of nn.Flatten / nn.Unflatten, train_autoencoder(net, train_loader, opt, num_epochs) on
binary cross-entropy, a VariationalAutoEncoder with the manual's Encoder / mean / log_var / Decoder
attributes, reparametrize, loss_function(x, x_hat, mean, log_var) with nn.BCELoss(reduction='sum'), and
generate_digits(vae, num_samples). One torch-first that declares its layers in another order (the
decoder first, then the log-variance head before the mean head), samples with
torch.distributions.Normal(...).rsample(), writes the BCE and the KL out by hand, and flattens with
view(-1, 784).
"""

from __future__ import annotations

from pathlib import Path

from . import whole_module

_REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "lab12_vae.py"

MANUAL_STYLE = '''
import torch
import torch.nn as nn


class Autoencoder(nn.Module):
    def __init__(self, d=16):
        super(Autoencoder, self).__init__()
        self.enc = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, d))
        self.dec = nn.Sequential(nn.Linear(d, 256), nn.ReLU(), nn.Linear(256, 784), nn.Sigmoid(),
                                 nn.Unflatten(1, (1, 28, 28)))

    def encode(self, inputs):
        return self.enc(inputs)

    def decode(self, code):
        return self.dec(code)

    def forward(self, inputs):
        out = self.decode(self.encode(inputs))
        return out.view(inputs.shape)


def train_autoencoder(net, train_loader, opt, num_epochs=1):
    criterion = nn.BCELoss()
    losses = []
    for epoch in range(num_epochs):
        running = 0.0
        for images, _ in train_loader:
            opt.zero_grad()
            recon = net(images)
            loss = criterion(recon, images)
            loss.backward()
            opt.step()
            running += loss.item()
        losses.append(running / len(train_loader))
    return losses


def reparametrize(mean, log_var):
    std = torch.exp(log_var / 2)
    eps = torch.randn_like(std)
    return mean + eps * std


class VariationalAutoEncoder(nn.Module):
    def __init__(self):
        super(VariationalAutoEncoder, self).__init__()
        self.Encoder = nn.Sequential(
            nn.Linear(784, 100),
            nn.ReLU(),
            nn.Dropout(0.2),
            nn.Linear(100, 100),
            nn.Sigmoid(),
        )
        self.mean = nn.Linear(100, 10)
        self.log_var = nn.Linear(100, 10)
        self.Decoder = nn.Sequential(
            nn.BatchNorm1d(10),
            nn.Linear(10, 100),
            nn.ReLU(),
            nn.Linear(100, 100),
            nn.ReLU(),
            nn.Linear(100, 784),
            nn.Sigmoid(),
        )

    def forward(self, input):
        enc = self.Encoder(input.view(input.size(0), -1))
        mean = self.mean(enc)
        log_var = self.log_var(enc)
        z = reparametrize(mean, log_var)
        y = self.Decoder(z)
        return mean, log_var, y.view(-1, 1, 28, 28)


def loss_function(x, x_hat, mean, log_var):
    bce = nn.BCELoss(reduction="sum")(x_hat, x)
    kld = -0.5 * torch.sum(1 + log_var - mean.pow(2) - log_var.exp())
    return bce + kld


def generate_digits(vae, num_samples):
    vae.eval()
    with torch.no_grad():
        z = torch.randn(num_samples, 10)
        images = vae.Decoder(z)
    return images.view(num_samples, 1, 28, 28)
'''

DISTRIBUTIONS_REORDERED = '''
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.distributions import Normal


class AutoEncoder(nn.Module):
    def __init__(self, latent_dim=64):
        super().__init__()
        self.fc1 = nn.Linear(784, 256)
        self.fc2 = nn.Linear(256, latent_dim)
        self.fc3 = nn.Linear(latent_dim, 256)
        self.fc4 = nn.Linear(256, 784)

    def encode(self, x):
        return self.fc2(F.relu(self.fc1(x.view(-1, 784))))

    def decode(self, z):
        return torch.sigmoid(self.fc4(F.relu(self.fc3(z))))

    def forward(self, x):
        return self.decode(self.encode(x)).view_as(x)


def train_ae(model, loader, optimizer, epochs=1):
    history = []
    for _ in range(epochs):
        batch_losses = []
        for x, _ in loader:
            x = x.view(-1, 784)
            loss = ((model(x) - x) ** 2).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        history.append(float(np.mean(batch_losses)))
    return history


def reparameterize(mu, logvar):
    return Normal(mu, torch.exp(0.5 * logvar)).rsample()


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.decoder = nn.Sequential(nn.BatchNorm1d(10), nn.Linear(10, 100), nn.ReLU(), nn.Linear(100, 100),
                                     nn.ReLU(), nn.Linear(100, 784), nn.Sigmoid())
        self.fc_logvar = nn.Linear(100, 10)
        self.fc_mu = nn.Linear(100, 10)
        self.hidden1 = nn.Linear(784, 100)
        self.drop = nn.Dropout(0.2)
        self.hidden2 = nn.Linear(100, 100)

    def forward(self, x):
        h = torch.sigmoid(self.hidden2(self.drop(F.relu(self.hidden1(x.view(-1, 784))))))
        mu, logvar = self.fc_mu(h), self.fc_logvar(h)
        x_hat = self.decoder(reparameterize(mu, logvar)).view(-1, 1, 28, 28)
        return mu, logvar, x_hat


def vae_loss(x, x_hat, mu, logvar):
    x_hat = x_hat.view_as(x)
    bce = -(x * torch.log(x_hat) + (1 - x) * torch.log(1 - x_hat)).sum()
    kl = 0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum()
    return bce + kl


@torch.no_grad()
def generate(model, n):
    was_training = model.training
    model.eval()
    images = model.decoder(torch.randn(n, 10)).view(n, 1, 28, 28)
    model.train(was_training)
    return images
'''

ALTERNATIVES = (
    whole_module(_REFERENCE, "manual_style", MANUAL_STYLE,
                 "the manual's attribute names and the students' other names, nn.BCELoss, nn.Flatten / nn.Unflatten"),
    whole_module(_REFERENCE, "distributions_reordered", DISTRIBUTIONS_REORDERED,
                 "layers declared decoder first and log-variance head first, Normal.rsample, the BCE and KL by hand"),
)
