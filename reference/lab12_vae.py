"""Reference solutions of lab12-vae: Lab 12 of the lab manual (autoencoders and the VAE).

E1: AutoEncoder, a fully connected autoencoder for 28x28 images in [0, 1] (encode to a code of
latent_dim < 784 values, decode through a sigmoid, forward keeps the input's shape), and
train_ae(model, loader, optimizer, epochs), a reconstruction training loop over (images, labels)
batches. E2: the manual's VAE (181,024 parameters) returning (mu, logvar, x_hat), reparameterize(mu,
logvar) = mu + exp(logvar / 2) * eps, vae_loss (binary cross-entropy summed over every pixel plus the
KL divergence from N(0, I)), and generate(model, n), n images decoded from z ~ N(0, I) in eval mode.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

LATENT = 10     # the manual's VAE code size
batch_size = 64     # the notebook's hyperparameter cell (its DataLoaders'); a loader's last batch may be smaller


class AutoEncoder(nn.Module):
    """784 -> 128 -> latent_dim -> 128 -> 784 with ReLUs, a sigmoid on the output (pixels in [0, 1])."""

    def __init__(self, latent_dim=32):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(28 * 28, 128), nn.ReLU(), nn.Linear(128, latent_dim))
        self.decoder = nn.Sequential(nn.Linear(latent_dim, 128), nn.ReLU(), nn.Linear(128, 28 * 28), nn.Sigmoid())

    def encode(self, x):
        """Codes (B, latent_dim) of images (B, 1, 28, 28) or rows (B, 784)."""
        return self.encoder(x.reshape(x.shape[0], -1))

    def decode(self, z):
        """Rows (B, 784) of pixels in [0, 1]."""
        return self.decoder(z)

    def forward(self, x):
        """The reconstruction, in the shape of ``x``."""
        return self.decode(self.encode(x)).reshape(x.shape)


def train_ae(model, loader, optimizer, epochs=1):
    """``epochs`` passes over ``loader``'s (images, labels) batches, one optimizer step per batch on
    the mean squared reconstruction error; the mean loss of each epoch, in a list."""
    model.train()
    history = []
    for _ in range(epochs):
        total, batches = 0.0, 0
        for images, _labels in loader:
            rows = images.reshape(images.shape[0], -1)
            optimizer.zero_grad()
            loss = F.mse_loss(model(rows), rows)
            loss.backward()
            optimizer.step()
            total, batches = total + loss.item(), batches + 1
        history.append(total / max(batches, 1))
    return history


def reparameterize(mu, logvar):
    """A sample of N(mu, exp(logvar)) that autograd differentiates in mu and logvar."""
    std = torch.exp(0.5 * logvar)
    return mu + std * torch.randn_like(std)


class VAE(nn.Module):
    """The manual's variational autoencoder: 181,024 parameters.

    encoder 784 -> 100 (ReLU, Dropout 0.2) -> 100 (Sigmoid); heads mean and logvar 100 -> 10;
    decoder BatchNorm1d(10) -> 100 (ReLU) -> 100 (ReLU) -> 784 (Sigmoid).
    """

    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(784, 100), nn.ReLU(), nn.Dropout(0.2), nn.Linear(100, 100),
                                     nn.Sigmoid())
        self.mean = nn.Linear(100, LATENT)
        self.logvar = nn.Linear(100, LATENT)
        self.decoder = nn.Sequential(nn.BatchNorm1d(LATENT), nn.Linear(LATENT, 100), nn.ReLU(), nn.Linear(100, 100),
                                     nn.ReLU(), nn.Linear(100, 784), nn.Sigmoid())

    def forward(self, x):
        """(mu (B, 10), logvar (B, 10), x_hat (B, 1, 28, 28)) for x (B, 784) or (B, 1, 28, 28)."""
        hidden = self.encoder(x.reshape(x.shape[0], -1))
        mu, logvar = self.mean(hidden), self.logvar(hidden)
        x_hat = self.decoder(reparameterize(mu, logvar))
        return mu, logvar, x_hat.reshape(-1, 1, 28, 28)


def vae_loss(x, x_hat, mu, logvar):
    """BCE(x_hat, x) summed over every pixel of the batch plus KL(N(mu, exp(logvar)) || N(0, I))
    summed over the batch: -0.5 * sum(1 + logvar - mu^2 - exp(logvar))."""
    bce = F.binary_cross_entropy(x_hat.reshape(x.shape), x, reduction="sum")
    kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + kl


def generate(model, n):
    """``n`` images (n, 1, 28, 28) decoded from z ~ N(0, I), with the model in eval mode (BatchNorm
    on a batch of one)."""
    model.eval()
    with torch.no_grad():
        z = torch.randn(n, LATENT)
        return model.decoder(z).reshape(n, 1, 28, 28)
