"""lab8-regularization's private helpers: what the suite compares with, kept from students (grader.release
ships only modules marked for them). The suite calls these through grader.oracle (load_private), so
their results are recorded with the cases where they depend on the drawn inputs only (the parameters
drawn for a network are drawn for its shapes: recorded for the shapes of the reference's make_net).
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import torch

DROPOUT_ONES = 10 ** 6   # the ones a dropout layer is measured on (see the suite's expectation check)


def to_tensor(image: Any) -> np.ndarray:
    """ToTensor of a uint8 image (H, W, C): float (C, H, W) in [0, 1]."""
    return np.asarray(image, dtype=np.float32).transpose(2, 0, 1) / np.float32(255)


def drawn_parameters(shapes: Mapping[str, Sequence[int]], seed: int) -> dict[str, torch.Tensor]:
    """Values for parameters of these shapes, about as large as PyTorch's own initialisation:
    U(-sqrt(3/fan_in), sqrt(3/fan_in)) for weights, U(-0.1, 0.1) for biases, never exactly 0."""
    rng = np.random.default_rng(seed)
    values = {}
    for name, shape in shapes.items():
        shape = tuple(int(s) for s in shape)
        bound = np.sqrt(3.0 / max(int(np.prod(shape[1:])), 1)) if len(shape) > 1 else 0.1
        magnitude = rng.uniform(0.05, 1.0, size=shape) * bound
        values[name] = torch.tensor(magnitude * rng.choice([-1.0, 1.0], size=shape), dtype=torch.float32)
    return values


def images(seed: int, batch: int) -> dict[str, torch.Tensor]:
    """Generated images (batch, 3, 32, 32) in [0, 1] and labels 0/1 (red- or blue-dominant)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 1.0, size=(batch, 3, 32, 32)).astype(np.float32)
    y = rng.integers(0, 2, size=batch)
    x[np.arange(batch), 2 * y] += 0.5
    return {"x": torch.from_numpy(np.clip(x, 0, 1)), "y": torch.from_numpy(y.astype(np.int64))}


def l2_value(params: Mapping[str, Any], lam: float) -> float:
    """lam / 2 * sum of p**2 over every parameter."""
    return lam / 2 * sum(float(np.sum(np.asarray(p, dtype=np.float64) ** 2)) for p in params.values())


def l1_value(params: Mapping[str, Any], lam: float) -> float:
    """lam * sum of |p| over every parameter."""
    return lam * sum(float(np.sum(np.abs(np.asarray(p, dtype=np.float64)))) for p in params.values())


def l2_slips(params: Mapping[str, Any], lam: float) -> dict[str, float]:
    """What the usual slips give: lam * sum p**2 (doubled), weights only, the norms not squared."""
    arrays = [np.asarray(p, dtype=np.float64) for p in params.values()]
    return {"doubled": lam * sum(float(np.sum(a ** 2)) for a in arrays),
            "weights only": lam / 2 * sum(float(np.sum(a ** 2)) for a in arrays if a.ndim > 1),
            "norms not squared": lam / 2 * sum(float(np.sqrt(np.sum(a ** 2))) for a in arrays)}


def l1_slips(params: Mapping[str, Any], lam: float) -> dict[str, float]:
    arrays = [np.asarray(p, dtype=np.float64) for p in params.values()]
    return {"halved": lam / 2 * sum(float(np.sum(np.abs(a))) for a in arrays),
            "weights only": lam * sum(float(np.sum(np.abs(a))) for a in arrays if a.ndim > 1),
            "squares": lam * sum(float(np.sum(a ** 2)) for a in arrays)}


def cross_entropy_cotangent(logits: Any, labels: Any) -> torch.Tensor:
    """d mean cross-entropy / d logits = (softmax(logits) - one_hot(labels)) / batch."""
    z = torch.as_tensor(logits, dtype=torch.float64)
    y = torch.as_tensor(labels, dtype=torch.int64)
    grad = torch.softmax(z, dim=1)
    grad[torch.arange(len(y)), y] -= 1
    return (grad / len(y)).to(torch.float32)


def penalised_gradients(data_gradients: Mapping[str, Any], params: Mapping[str, Any], lam: float
                        ) -> dict[str, dict[str, np.ndarray]]:
    """The gradient one SGD step follows, by regularizer: none, L2 (g + lam p), L1 (g + lam sign p),
    and L2 doubled (g + 2 lam p), for every parameter."""
    g = {k: np.asarray(v, dtype=np.float64) for k, v in data_gradients.items()}
    p = {k: np.asarray(params[k], dtype=np.float64) for k in g}
    return {"none": g,
            "l2": {k: g[k] + lam * p[k] for k in g},
            "l1": {k: g[k] + lam * np.sign(p[k]) for k in g},
            "l2 doubled": {k: g[k] + 2 * lam * p[k] for k in g}}


def dropout_input_gradient(x: Any, out: Any, cotangent: Any) -> np.ndarray:
    """d <cotangent, dropout(x)> / dx = cotangent * mask * scale = cotangent * out / x (x never 0)."""
    x = np.asarray(x, dtype=np.float64)
    return np.asarray(cotangent, dtype=np.float64) * np.asarray(out, dtype=np.float64) / x


def library_dropout(p: float) -> tuple[float, float]:
    """nn.Dropout(p) in train mode on 10**6 ones: (fraction of zeros, mean), from a fixed seed."""
    with torch.random.fork_rng():
        torch.manual_seed(0)
        out = torch.nn.Dropout(p).train()(torch.ones(DROPOUT_ONES))
    return float((out == 0).double().mean()), float(out.double().mean())


def stopper_decisions(val_losses: Sequence[float], patience: int, min_delta: float) -> list[bool]:
    """EarlyStopper's answers, epoch by epoch, up to and including the first True."""
    best, waited, answers = float("inf"), 0, []
    for loss in val_losses:
        if loss < best - min_delta:
            best, waited = loss, 0
        else:
            waited += 1
        answers.append(waited > patience)
        if answers[-1]:
            break
    return answers
