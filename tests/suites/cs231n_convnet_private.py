"""cs231n-convnet's private helpers: the reference network's answers for parameters the grader chooses,
and the known wrong answers that name a mistake. Kept from students (grader release ships only modules
marked for them); the suite calls these through grader.oracle (load_private), so their results are
recorded with the cases and a student's copy of the grader looks them up.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.suite import reference

ref = reference()
WEIGHTS = ("W1", "W2", "W3")


def _net(params: dict[str, np.ndarray], reg: float):
    """The reference network holding ``params`` (float64), without drawing an initialisation."""
    net = ref.ThreeLayerConvNet.__new__(ref.ThreeLayerConvNet)
    net.params = {k: np.asarray(v, dtype=np.float64) for k, v in params.items()}
    net.reg, net.dtype = reg, np.float64
    return net


def scores(params: dict[str, np.ndarray], X: np.ndarray) -> dict[str, Any]:
    """The reference's scores, and the softmax probabilities a model that returns them instead gives."""
    s = _net(params, 0.0).loss(np.asarray(X, dtype=np.float64))
    shifted = np.exp(s - s.max(axis=1, keepdims=True))
    return {"scores": s, "probabilities": shifted / shifted.sum(axis=1, keepdims=True)}


def loss(params: dict[str, np.ndarray], X: np.ndarray, y: np.ndarray, reg: float) -> dict[str, Any]:
    """The reference's loss and gradients, and the losses of the usual slips."""
    value, grads = _net(params, reg).loss(np.asarray(X, dtype=np.float64), y)
    data, _ = _net(params, 0.0).loss(np.asarray(X, dtype=np.float64), y)
    squares = sum(float(np.sum(np.asarray(params[k], dtype=np.float64) ** 2)) for k in WEIGHTS)
    biases = sum(float(np.sum(np.asarray(params[k], dtype=np.float64) ** 2)) for k in ("b1", "b2", "b3"))
    return {"loss": value, "grads": grads, "summed": data * len(y) + 0.5 * reg * squares,
            "biases_regularised": value + 0.5 * reg * biases, "no_half": data + reg * squares,
            "dW3_without_reg": grads["W3"] - reg * np.asarray(params["W3"], dtype=np.float64)}


def accuracy(params: dict[str, np.ndarray], X: np.ndarray, y: np.ndarray) -> float:
    """The training accuracy of the reference forward with ``params``."""
    return float(np.mean(np.argmax(_net(params, 0.0).loss(np.asarray(X, dtype=np.float64)), axis=1) == y))
