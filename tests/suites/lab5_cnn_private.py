"""lab5-cnn's private helpers: what the suite compares with, kept from students (grader.release ships
only modules marked for them). The suite calls these through grader.oracle (load_private), so their
results are recorded with the cases where they depend on the drawn inputs only.

The FashionMNIST stand-in is here too: generated 28x28 images of ten outline and filled shapes (a
horizontal bar, a vertical bar, a plus, an X, a square outline, a filled square, a ring, a disc, one
diagonal, a triangle) at a jittered place and size, under Gaussian noise. Nothing is downloaded.
"""

from __future__ import annotations

import functools
from typing import Any, Sequence

import numpy as np
import torch
import torch.nn.functional as F

SIDE = 28
NOISE = 0.2
FASHION_TRAIN, FASHION_TEST = 2000, 512


def conv_out_size(h: int, k: int, s: int, p: int) -> int:
    """floor((h + 2p - k) / s) + 1."""
    return (h + 2 * p - k) // s + 1


def conv2d_side(h: int, k: int, s: int, p: int) -> int:
    """The side F.conv2d itself gives an (h, h) image under a (k, k) kernel."""
    out = F.conv2d(torch.zeros(1, 1, h, h), torch.zeros(1, 1, k, k), stride=s, padding=p)
    return int(out.shape[-1])


def conv2d(image: Any, kernel: Any, stride: int, padding: int) -> np.ndarray:
    """F.conv2d (cross-correlation, no bias) of an (H, W) image with a (kh, kw) kernel, in float64,
    as the (1, 1, H', W') output."""
    x = torch.as_tensor(np.asarray(image, dtype=np.float64))[None, None]
    w = torch.as_tensor(np.asarray(kernel, dtype=np.float64))[None, None]
    return F.conv2d(x, w, stride=stride, padding=padding).numpy()


def flipped_conv2d(image: Any, kernel: Any, stride: int, padding: int) -> np.ndarray:
    """A true convolution (the kernel flipped in both axes): the mistake a hint names."""
    return conv2d(image, np.flip(np.asarray(kernel), (0, 1)).copy(), stride, padding)


def box_sums(image: Any) -> np.ndarray:
    """The 3x3 box sums of an (H, W) image, (1, 1, H - 2, W - 2): what an all-ones kernel gives."""
    x = np.asarray(image, dtype=np.float64)
    h, w = x.shape
    out = sum(x[a:h - 2 + a, b:w - 2 + b] for a in range(3) for b in range(3))
    return np.asarray(out)[None, None]


def cnn_shapes(channels: Sequence[int], hidden: int) -> list[tuple[int, ...]]:
    """The parameter shapes, in order, of the manual's network with those widths."""
    c1, c2, c3 = channels
    return [(c1, 1, 3, 3), (c1,), (c2, c1, 3, 3), (c2,), (c3, c2, 3, 3), (c3,), (hidden, c3), (hidden,),
            (10, hidden), (10,)]


def cnn_param_count(channels: Sequence[int], hidden: int) -> int:
    return sum(int(np.prod(shape)) for shape in cnn_shapes(channels, hidden))


def cnn_forward(weights: Sequence[Any], x: Any) -> np.ndarray:
    """The manual's network on images x (B, 1, H, W), in float64, from its ten parameters in order."""
    w = [torch.as_tensor(np.asarray(v, dtype=np.float64)) for v in weights]
    h = torch.as_tensor(np.asarray(x, dtype=np.float64))
    for i in range(3):
        h = F.max_pool2d(F.relu(F.conv2d(h, w[2 * i], w[2 * i + 1])), 2, 2)
    h = F.relu(F.linear(h.flatten(1), w[6], w[7]))
    return F.linear(h, w[8], w[9]).numpy()


def drop_pct(base: float, new: float) -> float:
    return 100.0 * (base - new) / base


def _shapes(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, n)
    rows, cols = np.mgrid[0:SIDE, 0:SIDE].astype(np.float32)
    dy = rows - (13.5 + rng.uniform(-3, 3, n).astype(np.float32)[:, None, None])
    dx = cols - (13.5 + rng.uniform(-3, 3, n).astype(np.float32)[:, None, None])
    half = rng.uniform(6, 9, n).astype(np.float32)[:, None, None]
    width = rng.uniform(1.2, 2.2, n).astype(np.float32)[:, None, None]
    radius = np.sqrt(dy ** 2 + dx ** 2)
    inside = (np.abs(dy) <= half) & (np.abs(dx) <= half)
    hbar = (np.abs(dy) <= width) & (np.abs(dx) <= half)
    vbar = (np.abs(dx) <= width) & (np.abs(dy) <= half)
    diagonal = (np.abs(dy - dx) <= 1.4 * width) & inside
    anti = (np.abs(dy + dx) <= 1.4 * width) & inside
    hollow = inside & ~((np.abs(dy) <= half - 2 * width) & (np.abs(dx) <= half - 2 * width))
    ring = np.abs(radius - half) <= width
    disc = radius <= half
    triangle = inside & (dy >= 2 * np.abs(dx) - half)
    masks = [hbar, vbar, hbar | vbar, diagonal | anti, hollow, inside, ring, disc, diagonal, triangle]
    x = np.stack([masks[k][i] for i, k in enumerate(y)]).astype(np.float32)
    x *= rng.uniform(0.6, 1.0, n).astype(np.float32)[:, None, None]
    x += rng.normal(0.0, NOISE, x.shape).astype(np.float32)
    return x[:, None].astype(np.float32), y.astype(np.int64)


@functools.lru_cache(maxsize=1)
def fashion() -> dict[str, np.ndarray]:
    """The FashionMNIST stand-in: {"train_x" (2000, 1, 28, 28) float32, "train_y", "test_x" (512, ...),
    "test_y"}; the test images are held out (another seed)."""
    train_x, train_y = _shapes(FASHION_TRAIN, seed=5)
    test_x, test_y = _shapes(FASHION_TEST, seed=6)
    return {"train_x": train_x, "train_y": train_y, "test_x": test_x, "test_y": test_y}


def confusion_of(labels: Any, logits: Any) -> np.ndarray:
    """(10, 10) counts, row = true label, column = argmax of the logits."""
    predicted = np.asarray(logits).argmax(axis=1)
    matrix = np.zeros((10, 10), dtype=np.int64)
    np.add.at(matrix, (np.asarray(labels, dtype=np.int64), predicted), 1)
    return matrix
