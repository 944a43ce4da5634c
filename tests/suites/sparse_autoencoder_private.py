"""sparse-autoencoder's private helpers: what computes an answer of the exercise in another form,
kept from students (grader.release ships only modules marked for them). The suite calls these
through grader.oracle (load_private), so their results are recorded with the cases: finite-difference
gradients of the cost, and the answers of the mistakes students make, which the messages name.
"""

from __future__ import annotations

import numpy as np

from grader.gradients import finite_difference_gradients
from grader.suite import reference

ref = reference()

ORDER = ("W1", "W2", "b1", "b2")


def cost(we: dict[str, np.ndarray], data: np.ndarray, params: dict[str, float]) -> float:
    """J written out from the formula, in float64, independent of the reference's aeCost."""
    sig = lambda z: 1.0 / (1.0 + np.exp(-z))  # noqa: E731
    a1 = sig(data @ we["W1"] + we["b1"])
    a2 = sig(a1 @ we["W2"] + we["b2"])
    rho, rho_hat = params["rho"], a1.mean(axis=0)
    kl = rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat))
    return float(0.5 * np.sum((a2 - data) ** 2) / len(data)
                 + 0.5 * params["lambda"] * (np.sum(we["W1"] ** 2) + np.sum(we["W2"] ** 2))
                 + params["beta"] * np.sum(kl))


def finite_differences(we: dict[str, np.ndarray], data: np.ndarray, params: dict[str, float]) -> dict[str, np.ndarray]:
    """dJ/d(We) by central differences of :func:`cost` in float64."""
    return finite_difference_gradients(lambda p: cost(p, data, params), {k: we[k] for k in ORDER})


def forward(we: dict[str, np.ndarray], data: np.ndarray) -> dict[str, np.ndarray]:
    """The reference forward's Z1, A1, Z2, A2 with the parameters ``we``."""
    sig = lambda z: 1.0 / (1.0 + np.exp(-z))  # noqa: E731
    z1 = data @ we["W1"] + we["b1"]
    a1 = sig(z1)
    z2 = a1 @ we["W2"] + we["b2"]
    return {"Z1": z1, "A1": a1, "Z2": z2, "A2": sig(z2)}


# --- the reference's preprocessing, as functions of plain data ---------------------------------------
# A method of a reference object is not a question grader.oracle can record (the object is not plain
# data); these functions are, so a student's bundle finds their answers.
def preprocessed(method: str, data: np.ndarray, *args: float) -> np.ndarray:
    """``ImagePreprocessing().<method>(data, *args)`` of the reference."""
    return getattr(ref.ImagePreprocessing(), method)(data, *args)


def training_data(gray: np.ndarray) -> np.ndarray:
    """The reference's whole preprocessing of gray patches, flattened: the training check's data."""
    prep = ref.ImagePreprocessing()
    return prep.Flatten(prep.Normalize(prep.ClipStd(prep.MeanRemoval(gray), 3), 0.1, 0.9))


# --- the answers of known mistakes -----------------------------------------------------------------
def gray_bgr(data: np.ndarray) -> np.ndarray:
    """ToGray with the weights on the channels in reverse (BGR) order."""
    return data[..., 2] * 0.2126 + data[..., 1] * 0.7152 + data[..., 0] * 0.0722


def mean_of_all(data: np.ndarray) -> np.ndarray:
    """One mean, of the whole set, removed from every image."""
    return data - data.mean()


def clipped_at(data: np.ndarray, bound: float) -> np.ndarray:
    return np.clip(data, -bound, bound)


def kl_scalar(rho: float, beta: float, A1: np.ndarray) -> float:
    """The KL term with ρ̂ one scalar, the mean of all of A1."""
    rho_hat = A1.mean()
    return float(beta * (rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat))))


def gradient_mistakes(we: dict[str, np.ndarray], data: np.ndarray, params: dict[str, float]) -> dict[str, dict[str, np.ndarray]]:
    """Jgrad as aeCost gives it with each known mistake (keys of the suite's GRADIENT_MISTAKES)."""
    lambd, n = params["lambda"], len(data)
    _, right = ref.aeCost(we, data, params)
    out = {"lambda-over-n": {**right, "W1": right["W1"] - lambd * we["W1"] * (1 - 1 / n),
                             "W2": right["W2"] - lambd * we["W2"] * (1 - 1 / n)},
           "biases-regularised": {**right, "b1": right["b1"] + lambd * we["b1"],
                                  "b2": right["b2"] + lambd * we["b2"]}}
    # the data term's gradient halved: the part of Jgrad that comes from the MSE term, halved
    zero = {**params, "lambda": 0.0, "beta": 0.0}
    _, data_only = ref.aeCost(we, data, zero)
    out["half-mse"] = {k: right[k] - 0.5 * data_only[k] for k in ORDER}
    return out
