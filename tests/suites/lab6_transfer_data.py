"""lab6-transfer's stand-ins for MNIST and FashionMNIST: generated 22x22 grey images of 10 classes
that Lab 5's CNNClassifier learns in a few dozen steps on a CPU, so that the grader can pretrain,
save, load and fine-tune a student's model without a download.

Each task has 10 class templates: smooth random patterns drawn once from the task's seed. An image
is its class's template, shifted by up to 2 pixels, under Gaussian noise. The two tasks' templates are
unrelated, so a model trained on ``digits`` classifies ``fashion`` images at about chance (10 %) until
it is fine-tuned.
"""

from __future__ import annotations

__release__ = "student"   # the data only: what the grader judges with is its own measurement

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

SIZE, CLASSES, NOISE, SHIFT = 22, 10, 0.3, 1   # 22 px: the smallest input Lab 5's network takes
TASK_SEEDS = {"digits": 5, "fashion": 6}


@dataclass(frozen=True)
class Task:
    train_x: np.ndarray    # float32 (n, 1, 22, 22)
    train_y: np.ndarray    # int64 (n,)
    test_x: np.ndarray
    test_y: np.ndarray


def templates(task: str) -> np.ndarray:
    """(10, 22, 22): each class's pattern, a low-frequency random image scaled to unit range."""
    rng = np.random.default_rng(TASK_SEEDS[task])
    coarse = rng.standard_normal((CLASSES, 6, 6))
    fine = np.kron(coarse, np.ones((4, 4)))[:, :SIZE, :SIZE]      # 22 x 22, blocks of 4 pixels
    smooth = (fine + np.roll(fine, 2, 1) + np.roll(fine, 2, 2) + np.roll(np.roll(fine, 2, 1), 2, 2)) / 4
    return (smooth / np.abs(smooth).max(axis=(1, 2), keepdims=True)).astype(np.float32)


def generate(task: str, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, CLASSES, n)
    shifts = rng.integers(-SHIFT, SHIFT + 1, (n, 2))
    base = templates(task)
    images = np.stack([np.roll(base[y], tuple(s), axis=(0, 1)) for y, s in zip(labels, shifts)])
    images = images + rng.normal(0.0, NOISE, images.shape)
    return images[:, None].astype(np.float32), labels.astype(np.int64)


@lru_cache(maxsize=2)
def task(name: str) -> Task:
    train_x, train_y = generate(name, 512, seed=TASK_SEEDS[name] * 100 + 1)
    test_x, test_y = generate(name, 150, seed=TASK_SEEDS[name] * 100 + 2)
    return Task(train_x, train_y, test_x, test_y)
