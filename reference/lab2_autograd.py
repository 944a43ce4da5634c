"""Reference for the assignment ``lab2-autograd``: gradients of small computational graphs, once
worked out by hand (``*_manual``) and once by PyTorch's autograd (``*_autograd``).

Conventions the grader fixes:

- Scalar exercises are called with Python floats and return numbers (a float, or a tensor or numpy
  value with one element). A ``*_manual`` function returns the derivative; a ``*_autograd`` function
  returns ``(value, derivative)``, the graph's output and the gradient autograd leaves in ``.grad``.
- E4 is verified over several points at once: ``x`` is a 1-D float tensor and both functions return
  one value per point (any 1-D array, tensor or list of numbers).
- E2's figure is lost; its graph is read as u = w x, v = u + b, a = ReLU(v), so da/dw = x when
  v > 0 and 0 when v < 0 (the grader never asks at v = 0).
- E6 returns its intermediates as a dict with keys ``a`` ... ``f`` and its gradients in the order
  x, y, z.

Every autograd function works in float64, on fresh leaf tensors, so no gradient is left over from
an earlier call.
"""

from __future__ import annotations

import math

import numpy as np
import torch


def _leaf(value):
    """A fresh float64 leaf that autograd tracks."""
    return torch.tensor(float(value), dtype=torch.float64, requires_grad=True)


# --- P1: y = x^2, z = 2y + 3 ------------------------------------------------------------------
def dz_dx_manual(x):
    """dz/dx = dz/dy * dy/dx = 2 * 2x."""
    return 4.0 * x


def dz_dx_autograd(x):
    """(z, dz/dx) at x by autograd."""
    x = _leaf(x)
    y = x ** 2
    z = 2 * y + 3
    z.backward()
    return z.item(), x.grad.item()


# --- P2: f(x) = (x - 2)^2 ---------------------------------------------------------------------
def df_dx_manual(x):
    """f'(x) = 2 (x - 2)."""
    return 2.0 * (x - 2.0)


def df_dx_autograd(x):
    """(f, f') at x by autograd."""
    x = _leaf(x)
    f = (x - 2) ** 2
    f.backward()
    return f.item(), x.grad.item()


# --- P3: y = x^2 + 5 --------------------------------------------------------------------------
def dy_dx_manual(x):
    """dy/dx = 2x."""
    return 2.0 * x


def dy_dx_autograd(x):
    """(y, dy/dx) at x by autograd."""
    x = _leaf(x)
    y = x ** 2 + 5
    y.backward()
    return y.item(), x.grad.item()


# --- P4: sigmoid through a = -x, b = exp(a), c = 1 + b, s = 1 / c ------------------------------
def grad_sigmoid_manual(x):
    """ds/dx by the chain rule along a = -x, b = e^a, c = 1 + b, s = 1/c (float64)."""
    a = -float(x)
    b = math.exp(a)
    c = 1.0 + b
    ds_dc = -1.0 / c ** 2
    dc_db = 1.0
    db_da = b
    da_dx = -1.0
    return ds_dc * dc_db * db_da * da_dx


def grad_sigmoid_autograd(x):
    """(sigmoid(x), its derivative) by autograd on the same four steps."""
    x = _leaf(x)
    s = 1 / (1 + torch.exp(-x))
    s.backward()
    return s.item(), x.grad.item()


# --- E1: x = 2a + 3b, y = 5a^2 + 3b^3, z = 2x + 3y --------------------------------------------------
def dz_da_manual(a, b):
    """dz/da = 2 dx/da + 3 dy/da = 2 * 2 + 3 * 10a (b does not enter)."""
    return 4.0 + 30.0 * a


def dz_da_autograd(a, b):
    """(z, dz/da) at (a, b) by autograd."""
    a, b = _leaf(a), _leaf(b)
    x = 2 * a + 3 * b
    y = 5 * a ** 2 + 3 * b ** 3
    z = 2 * x + 3 * y
    z.backward()
    return z.item(), a.grad.item()


# --- E2: u = w x, v = u + b, a = ReLU(v) -----------------------------------------------------------
def da_dw_relu_manual(w, x, b):
    """da/dw = x where w x + b > 0, else 0."""
    return float(x) if w * x + b > 0 else 0.0


def da_dw_relu_autograd(w, x, b):
    """(a, da/dw) at (w, x, b) by autograd."""
    w = _leaf(w)
    a = torch.relu(w * x + b)
    a.backward()
    return a.item(), w.grad.item()


# --- E3: a = sigmoid(w x + b) ------------------------------------------------------------------
def da_dw_sigmoid_manual(w, x, b):
    """da/dw = x sigma(v) (1 - sigma(v)), v = w x + b."""
    s = 1.0 / (1.0 + math.exp(-(w * x + b)))
    return x * s * (1.0 - s)


def da_dw_sigmoid_autograd(w, x, b):
    """(a, da/dw) at (w, x, b) by autograd."""
    w = _leaf(w)
    a = torch.sigmoid(w * x + b)
    a.backward()
    return a.item(), w.grad.item()


# --- E4: f = exp(-x^2 - 2x - sin x), at every point of a 1-D tensor ----------------------------------
def grad_f4_manual(x):
    """f'(x) = -(2x + 2 + cos x) f(x), element-wise."""
    x = np.asarray(x, dtype=np.float64)
    f = np.exp(-x ** 2 - 2 * x - np.sin(x))
    return -(2 * x + 2 + np.cos(x)) * f


def grad_f4_autograd(x):
    """(f, f') at every point of x by autograd: each point's f depends on that point only, so the
    gradient of sum(f) holds every f'(x_i)."""
    x = torch.as_tensor(x, dtype=torch.float64).detach().clone().requires_grad_(True)
    f = torch.exp(-x ** 2 - 2 * x - torch.sin(x))
    f.sum().backward()
    return f.detach(), x.grad


# --- E5: y = 8x^4 + 3x^3 + 7x^2 + 6x + 3 -------------------------------------------------------------
def grad_poly_manual(x):
    """dy/dx = 32x^3 + 9x^2 + 14x + 6."""
    return 32.0 * x ** 3 + 9.0 * x ** 2 + 14.0 * x + 6.0


def grad_poly_autograd(x):
    """(y, dy/dx) at x by autograd."""
    x = _leaf(x)
    y = 8 * x ** 4 + 3 * x ** 3 + 7 * x ** 2 + 6 * x + 3
    y.backward()
    return y.item(), x.grad.item()


# --- E6: f = tanh(ln(1 + z 2x / sin y)) ----------------------------------------------------------------
def f6_intermediates(x, y, z):
    """The graph's nodes: a = 2x, b = sin y, c = a / b, d = z c, e = ln(d + 1), f = tanh(e)."""
    a = 2.0 * x
    b = math.sin(y)
    c = a / b
    d = z * c
    e = math.log(d + 1.0)
    f = math.tanh(e)
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f}


def grads_f6_manual(x, y, z):
    """(df/dx, df/dy, df/dz) by the chain rule back through f, e, d, c, b, a."""
    n = f6_intermediates(x, y, z)
    df_dd = (1.0 - n["f"] ** 2) / (n["d"] + 1.0)       # df/de * de/dd
    df_dc = df_dd * z
    df_dx = df_dc * 2.0 / n["b"]                       # dc/da = 1/b, da/dx = 2
    df_dy = df_dc * (-n["a"] / n["b"] ** 2) * math.cos(y)
    df_dz = df_dd * n["c"]
    return df_dx, df_dy, df_dz


def grads_f6_autograd(x, y, z):
    """(f, df/dx, df/dy, df/dz) by autograd."""
    x, y, z = _leaf(x), _leaf(y), _leaf(z)
    f = torch.tanh(torch.log(1 + z * (2 * x) / torch.sin(y)))
    f.backward()
    return f.item(), x.grad.item(), y.grad.item(), z.grad.item()
