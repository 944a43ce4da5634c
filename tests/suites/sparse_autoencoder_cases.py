"""Inputs for the sparse-autoencoder suite: generated image patches and hypothesis strategies.

The seed's data file (10240 natural-image patches) is not shipped, so patches are generated: a few
soft coloured blobs and one soft edge on a coloured background, plus a little noise, in RGB
channels-first (N, 3, H, W) like the seed's file, with values around [-7, 7] as its report says.
The three channels differ (each blob and edge has its own colour), so mixing up the channel order
changes the gray image; images differ in brightness, so removing one mean for the whole set is
not removing each image's own; a few bright specks give the ±3σ clipping something to clip.

Hypothesis draws the sizes and a seed; the values come from a numpy generator with that seed, so
shrinking makes the sizes small without drawing hundreds of floats one by one.
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): what computes answers is in sparse_autoencoder_private.py

import numpy as np
from hypothesis import strategies as st


def patches(seed: int, n: int, size: int = 16) -> np.ndarray:
    """``n`` RGB patches (n, 3, size, size), float64, from numpy's generator seeded with ``seed``."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size] / max(size - 1, 1)
    out = np.empty((n, 3, size, size))
    for i in range(n):
        image = rng.uniform(-2, 2, size=(3, 1, 1)) + np.zeros((3, size, size))
        for _ in range(rng.integers(1, 4)):                       # soft blobs
            cy, cx, width = rng.uniform(0, 1), rng.uniform(0, 1), rng.uniform(0.1, 0.4)
            blob = np.exp(-((y - cy) ** 2 + (x - cx) ** 2) / (2 * width ** 2))
            image += rng.uniform(-4, 4, size=(3, 1, 1)) * blob
        angle, offset = rng.uniform(0, np.pi), rng.uniform(-0.3, 0.3)  # one soft edge
        side = np.tanh(8 * ((x - 0.5) * np.cos(angle) + (y - 0.5) * np.sin(angle) - offset))
        image += rng.uniform(-2, 2, size=(3, 1, 1)) * side
        image += rng.normal(0, 0.1, size=image.shape)
        specks = rng.integers(0, size, size=(2, 2))
        image[:, specks[0], specks[1]] += rng.choice([-1, 1], size=2) * rng.uniform(3, 6, size=2)
        out[i] = np.clip(image, -7, 7)
    return out


def channels_last(data: np.ndarray) -> np.ndarray:
    """(N, 3, H, W) -> (N, H, W, 3), the layout ToGray takes."""
    return np.ascontiguousarray(np.transpose(data, (0, 2, 3, 1)))


@st.composite
def rgb_batches(draw, max_n: int = 5) -> np.ndarray:
    """Channels-last RGB patches (N, H, W, 3), N in 1..max_n, H and W in 2..16."""
    n, height, width = draw(st.integers(1, max_n)), draw(st.integers(2, 16)), draw(st.integers(2, 16))
    data = channels_last(patches(draw(st.integers(0, 2 ** 16)), n, max(height, width)))
    return data[:, :height, :width].copy()


@st.composite
def gray_batches(draw, min_n: int = 1, max_n: int = 5) -> np.ndarray:
    """Gray images (N, H, W) that differ in brightness, N in min_n..max_n."""
    rgb = draw(rgb_batches(max_n=max_n).filter(lambda d: len(d) >= min_n))
    gray = rgb @ np.array([0.2126, 0.7152, 0.0722])
    return gray


@st.composite
def centred_batches(draw) -> np.ndarray:
    """Mean-removed gray images scaled so that their σ is far from 1 (0.2..0.6 or 1.5..2.5), with
    specks of 4-6σ: clipping at ±3σ and clipping at ±3 give different results."""
    gray = draw(gray_batches(min_n=2))
    centred = gray - gray.mean(axis=(1, 2), keepdims=True)
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 16)))
    sigma = float(np.std(centred)) or 1.0
    centred = centred / sigma
    flat = centred.reshape(-1)
    where = rng.choice(flat.size, size=max(2, flat.size // 40), replace=False)
    flat[where] = rng.choice([-1, 1], size=where.size) * rng.uniform(4, 6, size=where.size)
    scale = draw(st.sampled_from([0.2, 0.35, 0.6, 1.5, 2.5]))
    return flat.reshape(centred.shape) * scale


@st.composite
def weights(draw, min_in: int = 2, max_in: int = 10, max_hidden: int = 5) -> dict[str, np.ndarray]:
    """We = {W1 (L_in, L_hid), W2 (L_hid, L_in), b1 (1, L_hid), b2 (1, L_in)}: weights uniform on ±1,
    biases N(0, 0.5²) (not zero, so a forward that forgets one is wrong)."""
    l_in, l_hid = draw(st.integers(min_in, max_in)), draw(st.integers(1, max_hidden))
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 16)))
    return {"W1": rng.uniform(-1, 1, (l_in, l_hid)), "W2": rng.uniform(-1, 1, (l_hid, l_in)),
            "b1": rng.normal(0, 0.5, (1, l_hid)), "b2": rng.normal(0, 0.5, (1, l_in))}


def inputs_for(we: dict[str, np.ndarray], n: int, seed: int) -> np.ndarray:
    """N rows of data in [0.1, 0.9] for the autoencoder ``we``, as after Normalize."""
    return np.random.default_rng(seed).uniform(0.1, 0.9, (n, we["W1"].shape[0]))


def hyperparameters() -> st.SearchStrategy[dict[str, float]]:
    """λ, β and ρ: λ large enough that its terms are seen, ρ small as a sparsity target is."""
    return st.fixed_dictionaries({"lambda": st.sampled_from([1e-3, 1e-2, 0.05]),
                                  "beta": st.sampled_from([0.1, 0.5, 1.0]),
                                  "rho": st.sampled_from([0.05, 0.1, 0.2])})


def params_for(we: dict[str, np.ndarray], hyper: dict[str, float]) -> dict[str, float]:
    """aeCost's params: L_in, L_hid, lambda, beta, rho, and the other spellings students read them
    by (L_hidden, Lambda, lambd, Beta, Rho), so that any of them finds its value."""
    l_in, l_hid = we["W1"].shape
    return {"L_in": l_in, "L_hid": l_hid, "lambda": hyper["lambda"], "beta": hyper["beta"], "rho": hyper["rho"],
            "L_hidden": l_hid, "Lambda": hyper["lambda"], "lambd": hyper["lambda"], "Beta": hyper["beta"],
            "Rho": hyper["rho"]}


@st.composite
def cost_cases(draw) -> tuple[dict[str, np.ndarray], np.ndarray, dict[str, float]]:
    """(We, data, params) for aeCost: N in 2..12 rows."""
    we = draw(weights())
    data = inputs_for(we, draw(st.integers(2, 12)), draw(st.integers(0, 2 ** 16)))
    return we, data, params_for(we, draw(hyperparameters()))


@st.composite
def activations(draw) -> np.ndarray:
    """Hidden activations A1 (N, L_hid) in (0.02, 0.98), N in 2..12, L_hid in 2..6 (with one unit,
    one mean per unit is the mean of all: the scalar-ρ̂ mistake would not show)."""
    n, hidden = draw(st.integers(2, 12)), draw(st.integers(2, 6))
    return np.random.default_rng(draw(st.integers(0, 2 ** 16))).uniform(0.02, 0.98, (n, hidden))


@st.composite
def predictions(draw) -> tuple[np.ndarray, np.ndarray]:
    """(pred in (0, 1), label in [0.1, 0.9]), both (N, L), N in 1..12, L in 1..10."""
    n, width = draw(st.integers(1, 12)), draw(st.integers(1, 10))
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 16)))
    return rng.uniform(0.01, 0.99, (n, width)), rng.uniform(0.1, 0.9, (n, width))
