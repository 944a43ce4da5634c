"""cs231n-pytorch's stand-in for CIFAR-10: generated 3x32x32 images of 10 classes that a small
ConvNet learns in seconds on a CPU, so that part V's open-ended model can be trained by the grader
without a download.

Class k draws a soft blob of colour COLOURS[k % 5] at a random place, and stripes of period 6
pixels at a random phase, horizontal for k < 5 and vertical for k >= 5, both under Gaussian noise
(std 0.8). Telling the classes apart needs the colour *and* the orientation wherever the blob lies:
a linear classifier of the pixels gets about 40 % of held-out images after 100 Adam steps, a
two-layer MLP about 90 %, a three-block ConvNet above 95 % (measured with grader.harness.train_steps).
"""

from __future__ import annotations

__release__ = "student"   # the data only; the grader holds the held-out labels it judges with

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

COLOURS = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [0, 1, 1]], dtype=np.float32)
NOISE, BLOB, STRIPES, PERIOD = 0.8, 1.0, 0.35, 6.0
TRAIN_SIZE, TEST_SIZE = 2000, 1000


@dataclass(frozen=True)
class Images:
    train_x: np.ndarray     # float32 (TRAIN_SIZE, 3, 32, 32), NCHW
    train_y: np.ndarray     # int64 (TRAIN_SIZE,) classes 0..9
    test_x: np.ndarray      # float32 (TEST_SIZE, 3, 32, 32): held out, never trained on
    test_y: np.ndarray


def generate(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, n)
    rows, cols = np.mgrid[0:32, 0:32].astype(np.float32)
    centres = rng.uniform(8, 24, (n, 2)).astype(np.float32)
    phase = rng.uniform(0, 2 * np.pi, n).astype(np.float32)
    blob = np.exp(-((rows - centres[:, :1, None]) ** 2 + (cols - centres[:, 1:, None]) ** 2) / 32.0)
    axis = np.where((y < 5)[:, None, None], rows, cols)
    stripes = np.sin(axis * (2 * np.pi / PERIOD) + phase[:, None, None])
    x = rng.normal(0.0, NOISE, (n, 3, 32, 32)).astype(np.float32)
    x += BLOB * COLOURS[y % 5][:, :, None, None] * blob[:, None] + STRIPES * stripes[:, None]
    return x.astype(np.float32), y.astype(np.int64)


@lru_cache(maxsize=1)
def cifar_like() -> Images:
    train_x, train_y = generate(TRAIN_SIZE, seed=231)
    test_x, test_y = generate(TEST_SIZE, seed=232)
    return Images(train_x, train_y, test_x, test_y)
