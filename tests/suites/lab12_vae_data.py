"""lab12-vae's stand-in for MNIST: sklearn's bundled digits made MNIST-like, so the grader can train and
measure autoencoders without a download (torchvision is not needed either).

The 1797 digits (8x8, values 0..16) are scaled to [0, 1], enlarged (bilinear) to a 20x20 box and
padded by 4 pixels to 28x28, as MNIST centres its digits in a 20x20 box. The first 1200 train, the
other 597 measure held-out reconstruction.
"""

from __future__ import annotations

__release__ = "student"   # the data and the baseline only: nothing here computes what an exercise asks

import functools

import numpy as np
import torch
import torch.nn.functional as F

DIGITS_TRAIN = 1200


@functools.lru_cache(maxsize=1)
def digits() -> dict[str, np.ndarray]:
    """Rows of 784 float32 pixels in [0, 1]: {"train": (1200, 784), "test": (597, 784)}."""
    from sklearn.datasets import load_digits
    small = torch.tensor(load_digits().images / 16.0, dtype=torch.float32).unsqueeze(1)
    box = F.interpolate(small, size=(20, 20), mode="bilinear", align_corners=False).clamp(0.0, 1.0)
    rows = F.pad(box, (4, 4, 4, 4)).reshape(len(small), 784).numpy()
    return {"train": rows[:DIGITS_TRAIN], "test": rows[DIGITS_TRAIN:]}


def mean_image_mse() -> float:
    """The held-out MSE of predicting every image by the training set's per-pixel mean image."""
    data = digits()
    return float(np.mean((data["test"].astype(np.float64) - data["train"].mean(axis=0)) ** 2))
