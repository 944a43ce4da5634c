"""lab12-vae's private helpers: what the suite compares with, kept from students (grader.release ships
only modules marked for them). The suite calls these through grader.oracle (load_private), so their
results are recorded with the cases where they depend on the drawn inputs only.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import torch

from grader.suite import reference

ref = reference()


def _float64(value: Any) -> np.ndarray:
    return np.asarray(value, dtype=np.float64)


def kl_divergence(mu: Any, logvar: Any) -> float:
    """KL(N(mu, exp(logvar)) || N(0, I)) summed over every entry, in closed form, float64."""
    mu, logvar = _float64(mu), _float64(logvar)
    return float(0.5 * np.sum(np.exp(logvar) + mu ** 2 - 1.0 - logvar))


def bce_sum(x: Any, x_hat: Any) -> float:
    """-sum(x log x_hat + (1 - x) log(1 - x_hat)) over every pixel, float64."""
    x = _float64(x)
    x_hat = _float64(x_hat).reshape(x.shape)
    return float(-np.sum(x * np.log(x_hat) + (1.0 - x) * np.log1p(-x_hat)))


def vae_loss(x: Any, x_hat: Any, mu: Any, logvar: Any) -> dict[str, Any]:
    """The loss and the known wrong versions of it, each with its cause."""
    bce, kl = bce_sum(x, x_hat), kl_divergence(mu, logvar)
    pixels = _float64(x).size
    return {"expected": bce + kl,
            "wrong": [(bce - kl, "the KL term's sign is flipped: KL = -0.5 * sum(1 + logvar - mu^2 - exp(logvar)) "
                                 "is added to the reconstruction term (it is never negative)."),
                      (bce / pixels + kl, "the binary cross-entropy is averaged (reduction='mean'); the VAE's loss "
                                          "sums it over every pixel of the batch (reduction='sum')."),
                      (bce, "the KL term is missing."),
                      (bce + 2 * kl, "the KL term lacks its factor 0.5.")]}


@torch.no_grad()
def vae_outputs(layers: Mapping[str, Sequence[Any]], x: Any) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The reference VAE in eval mode with ``layers`` (role -> (weight, bias)) loaded: (mu, logvar,
    x_hat (B, 1, 28, 28)). Its BatchNorm keeps fresh running statistics (mean 0, variance 1). The
    grader's log-variances are about -40, so the sample is mu within 1e-7: x_hat is decoded from mu
    itself, which keeps the recorded answer free of this process's random state."""
    model = ref.VAE().eval()
    modules = {"enc1": model.encoder[0], "enc2": model.encoder[3], "mu": model.mean, "logvar": model.logvar,
               "bn": model.decoder[0], "dec1": model.decoder[1], "dec2": model.decoder[3], "dec3": model.decoder[5]}
    for role, (weight, bias) in layers.items():
        modules[role].weight.copy_(torch.as_tensor(weight))
        modules[role].bias.copy_(torch.as_tensor(bias))
    hidden = model.encoder(torch.as_tensor(x, dtype=torch.float32).reshape(-1, 784))
    mu, logvar = model.mean(hidden), model.logvar(hidden)
    return mu, logvar, model.decoder(mu).reshape(-1, 1, 28, 28)
