"""lab3-regression's private helpers: what the suite compares with, kept from students (grader.release
ships only modules marked for them). The suite calls these through grader.oracle (load_private), so
their results are recorded with the cases.

Training is computed the way the exercise fixes it (float32, full batch, from w = b = 1), so a
correct float32 solution agrees to float32's rounding.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch


def gradient_descent(x: list[float], y: list[float], lr: float, epochs: int) -> dict[str, Any]:
    """Full-batch gradient descent on the mean squared error from w = b = 1, in float32:
    {"wb": [w, b], "losses": [...]} (each loss before its epoch's update)."""
    xt, yt = torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)
    w, b = torch.ones(1), torch.ones(1)
    losses = []
    for _ in range(epochs):
        residual = w * xt + b - yt
        losses.append(float((residual ** 2).mean()))
        w_grad, b_grad = (2 * residual * xt).mean(), (2 * residual).mean()
        w, b = w - lr * w_grad, b - lr * b_grad
    return {"wb": np.array([w.item(), b.item()]), "losses": np.array(losses)}


def gradient_step(x: list[float], y: list[float], w: float, b: float, lr: float) -> dict[str, Any]:
    """One step in float64: the right answer and the sign-flipped one a hint names."""
    xa, ya = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    residual = w * xa + b - ya
    w_grad, b_grad = float(np.mean(2 * residual * xa)), float(np.mean(2 * residual))
    expected = np.array([np.mean(residual ** 2), w_grad, b_grad, w - lr * w_grad, b - lr * b_grad])
    flipped = np.array([np.mean(residual ** 2), -w_grad, -b_grad, w + lr * w_grad, b + lr * b_grad])
    return {"expected": expected, "flipped": flipped}


def least_squares(X: list[list[float]], y: list[float]) -> np.ndarray:
    """[w_1, ..., w_d, b] of the least squares fit y ~ X w + b."""
    design = np.hstack([np.asarray(X, dtype=np.float64), np.ones((len(X), 1))])
    return np.linalg.lstsq(design, np.asarray(y, dtype=np.float64), rcond=None)[0]


def affine(w: float, b: float, x: list[float]) -> np.ndarray:
    """w x + b, in float64."""
    return w * np.asarray(x, dtype=np.float64) + b


def logistic(w: float, b: float, x: list[float]) -> np.ndarray:
    """sigmoid(w x + b), in float64."""
    return 1 / (1 + np.exp(-affine(w, b, x)))


def mean_squared_error(y: list[float], yp: list[float]) -> float:
    return float(np.mean((np.asarray(yp, dtype=np.float64) - np.asarray(y, dtype=np.float64)) ** 2))
