"""Inputs for the pa3-rnn suite: model sizes drawn by hypothesis, and the two fixed training sets.

- :func:`classifier_cases` draws the sizes of a model and a seed from which the suite makes the
  reference's weights and the input batch (numpy generators, so nothing touches torch's global one).
- :func:`digits` is scikit-learn's bundled 8x8 digits, read row by row (T = 8, D = 8), standing in
  for MNIST's 28x28: it ships with scikit-learn, so grading downloads nothing.
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): what computes answers is in pa3_rnn_private.py

import functools
from dataclasses import dataclass

import numpy as np
import torch
from hypothesis import strategies as st

# Weights of the reference model in the equivalence checks: larger than torch's default
# U(-1/sqrt(H), 1/sqrt(H)) for small H, so reading the wrong step or direction changes the output
# by far more than float32 rounding, yet small enough that tanh and the gates do not saturate.
WEIGHT_SCALE = 0.6


@dataclass(frozen=True)
class ModelCase:
    """Sizes of a model, of an input batch, and the seed of its weights and values."""
    batch: int
    time: int
    input_dim: int
    hidden_dim: int
    num_layers: int
    output_dim: int
    seed: int

    def inputs(self) -> torch.Tensor:
        """A float32 (batch, time, input_dim) batch of standard normal values."""
        rng = np.random.default_rng(self.seed)
        return torch.from_numpy(rng.standard_normal((self.batch, self.time, self.input_dim)).astype(np.float32))

    def weights(self, shapes: dict[str, tuple[int, ...]]) -> dict[str, torch.Tensor]:
        """float32 values uniform in [-WEIGHT_SCALE, WEIGHT_SCALE] for each named shape, in order."""
        rng = np.random.default_rng(self.seed + 1)
        return {name: torch.from_numpy(rng.uniform(-WEIGHT_SCALE, WEIGHT_SCALE, shape).astype(np.float32))
                for name, shape in shapes.items()}


def classifier_cases(min_batch: int = 1, output_dims: tuple[int, int] = (2, 5)) -> st.SearchStrategy[ModelCase]:
    """Small models (hidden 1-6, one or two layers) on batches of up to 4 sequences of up to 5 steps."""
    return st.builds(ModelCase, batch=st.integers(min_batch, 4), time=st.integers(1, 5),
                     input_dim=st.integers(1, 5), hidden_dim=st.integers(1, 6), num_layers=st.integers(1, 2),
                     output_dim=st.integers(*output_dims), seed=st.integers(0, 2**16))


def binary_lstm_cases(min_time: int = 1) -> st.SearchStrategy[ModelCase]:
    """Binary_LSTM sizes: two input bits per step, one layer, one output per step."""
    return st.builds(ModelCase, batch=st.integers(1, 4), time=st.integers(min_time, 6), input_dim=st.just(2),
                     hidden_dim=st.integers(1, 6), num_layers=st.just(1), output_dim=st.just(1),
                     seed=st.integers(0, 2**16))


def bit_inputs(case: ModelCase) -> torch.Tensor:
    """A float32 (batch, time, 2) batch of random bits, what Binary_LSTM reads."""
    rng = np.random.default_rng(case.seed)
    return torch.from_numpy(rng.integers(0, 2, (case.batch, case.time, 2)).astype(np.float32))


# --- the digits task (a small MNIST read row by row) ------------------------------------------
@dataclass(frozen=True)
class Digits:
    train_x: np.ndarray     # float32 (N, 8, 8) in [0, 1]
    train_y: np.ndarray     # int64 (N,)
    test_x: np.ndarray
    test_y: np.ndarray


DIGITS_TRAIN = 1200         # of 1797 images; the rest (other writers) measure held-out accuracy


@functools.lru_cache(maxsize=1)
def digits() -> Digits:
    from sklearn.datasets import load_digits
    data = load_digits()
    images = (data.images / 16.0).astype(np.float32)
    labels = data.target.astype(np.int64)
    return Digits(images[:DIGITS_TRAIN], labels[:DIGITS_TRAIN], images[DIGITS_TRAIN:], labels[DIGITS_TRAIN:])
