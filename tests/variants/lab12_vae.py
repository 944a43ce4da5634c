"""Mutants of reference/lab12_vae.py: one known mistake each, and the checks that must catch it.

From the lab manual and its catalog (seed-003, sections 11 and 12): the log-variance head used as the
standard deviation (the manual's forward samples mean + std * eps while its loss reads the same head as
log_var), generate decoding one sample with the model still in train mode (BatchNorm1d raises),
inputs.view(batch_size, -1) with a global batch size (a partial last batch breaks it), and the slips
the exercises invite: the KL term's sign flipped, the BCE averaged instead of summed, exp(logvar) as
the standard deviation, an autoencoder without its output sigmoid. The alternatives, which must score
100 %, are in lab12_vae_alternatives.py.
"""

from __future__ import annotations

from pathlib import Path

from . import definition, edit, mutant_maker
from .lab12_vae_alternatives import ALTERNATIVES

REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "lab12_vae.py"

_mutant = mutant_maker("lab12-vae")


def _changed(name: str, old: str, new: str) -> str:
    return edit(definition(REFERENCE, name), old, new)


MUTANTS = (
    # --- the manual's bugs ----------------------------------------------------------------------------
    _mutant("logvar_used_as_std", "reparameterize reads the log-variance head as the standard deviation: "
            "z = mu + logvar * eps (the manual's forward samples mean + std * eps, its loss calls it log_var)",
            ("reparameterize.shape", "reparameterize.statistics"),
            touches=("vae.matches-reference",),    # the VAE samples with it: z is mu - 30 eps there
            reparameterize=_changed("reparameterize", "std = torch.exp(0.5 * logvar)", "std = logvar")),
    _mutant("generate_in_train_mode", "generate decodes with the model still in train mode (no model.eval()): "
            "BatchNorm1d raises on a batch of one", ("generate.batch-of-one",),
            generate=_changed("generate", "    model.eval()\n", "")),
    _mutant("view_global_batch_size", "train_ae flattens with inputs.view(batch_size, -1), a global batch size: "
            "the partial last batch raises", ("train-ae.trains",),
            train_ae=_changed("train_ae", "images.reshape(images.shape[0], -1)", "images.view(batch_size, -1)")),
    _mutant("kl_sign_flipped", "vae_loss subtracts the KL term: +0.5 * sum(1 + logvar - mu^2 - exp(logvar))",
            ("vae-loss.golden", "vae-loss.value"),
            vae_loss=_changed("vae_loss", "kl = -0.5 * torch.sum", "kl = 0.5 * torch.sum")),
    _mutant("bce_mean", "vae_loss averages the binary cross-entropy (reduction='mean') instead of summing it",
            ("vae-loss.golden", "vae-loss.value"),
            vae_loss=_changed("vae_loss", 'reduction="sum"', 'reduction="mean"')),
    _mutant("std_exp_logvar", "reparameterize takes exp(logvar), the variance, as the standard deviation",
            ("reparameterize.statistics",),
            reparameterize=_changed("reparameterize", "torch.exp(0.5 * logvar)", "torch.exp(logvar)")),
    _mutant("ae_no_sigmoid", "the autoencoder's decoder has no output sigmoid: pixels outside [0, 1]",
            ("ae.range",),
            AutoEncoder=_changed("AutoEncoder", "nn.Linear(128, 28 * 28), nn.Sigmoid())", "nn.Linear(128, 28 * 28))")),
    # --- the slips each exercise invites ----------------------------------------------------------------
    _mutant("train_ae_step_per_epoch", "train_ae calls optimizer.step() once per epoch, after the batch loop: "
            "only the last batch's gradient is ever applied", ("train-ae.trains",),
            train_ae=_changed("train_ae", "            loss.backward()\n            optimizer.step()\n"
                              "            total, batches = total + loss.item(), batches + 1\n",
                              "            loss.backward()\n            total, batches = total + loss.item(), batches + 1\n"
                              "        optimizer.step()\n")),
    _mutant("ae_forward_flat", "AutoEncoder.forward returns the decoder's rows (B, 784) whatever the input's shape",
            ("ae.shapes",),
            AutoEncoder=_changed("AutoEncoder", "return self.decode(self.encode(x)).reshape(x.shape)",
                                 "return self.decode(self.encode(x))")),
    _mutant("ae_noisy_code", "AutoEncoder.encode adds noise to the code in eval mode too (a denoising trick left on)",
            ("ae.deterministic",),
            AutoEncoder=_changed("AutoEncoder", "return self.encoder(x.reshape(x.shape[0], -1))",
                                 "code = self.encoder(x.reshape(x.shape[0], -1))\n"
                                 "        return code + 0.1 * torch.randn_like(code)")),
    _mutant("ae_zero_init", "AutoEncoder sets every weight and bias to zero: no unit can learn anything but "
            "the mean image", ("ae.learns",),
            AutoEncoder=_changed("AutoEncoder", "nn.Linear(128, 28 * 28), nn.Sigmoid())\n",
                                 "nn.Linear(128, 28 * 28), nn.Sigmoid())\n        for p in self.parameters():\n"
                                 "            nn.init.zeros_(p)\n")),
    _mutant("vae_no_batchnorm", "the VAE's decoder has no BatchNorm1d(10): 181,004 parameters",
            ("vae.params",), touches=("vae.matches-reference",),
            VAE=_changed("VAE", "nn.Sequential(nn.BatchNorm1d(LATENT), nn.Linear(LATENT, 100)",
                         "nn.Sequential(nn.Identity(), nn.Linear(LATENT, 100)")),
    _mutant("vae_x_hat_flat", "VAE.forward returns x_hat as rows (B, 784)", ("vae.forward",),
            VAE=_changed("VAE", "return mu, logvar, x_hat.reshape(-1, 1, 28, 28)", "return mu, logvar, x_hat")),
    _mutant("vae_encoder_relu", "the VAE's encoder ends with a ReLU instead of the manual's Sigmoid",
            ("vae.matches-reference",),
            VAE=_changed("VAE", "nn.Linear(100, 100),\n                                     nn.Sigmoid())",
                         "nn.Linear(100, 100),\n                                     nn.ReLU())")),
    _mutant("vae_sample_detached", "VAE.forward draws z under torch.no_grad(): the reconstruction loss never "
            "reaches the heads through z", ("vae.gradients",),
            VAE=_changed("VAE", "x_hat = self.decoder(reparameterize(mu, logvar))",
                         "with torch.no_grad():\n            z = reparameterize(mu, logvar)\n"
                         "        x_hat = self.decoder(z)")),
    _mutant("generate_zero_codes", "generate decodes z = 0 every time: n identical images", ("generate.samples",),
            generate=_changed("generate", "torch.randn(n, LATENT)", "torch.zeros(n, LATENT)")),
)

__all__ = ["ALTERNATIVES", "MUTANTS", "REFERENCE"]
