"""Alternative correct solutions of lab2-autograd: each must score 100 %.

They are written differently from the reference on purpose, so that the suite is shown to accept
what is right rather than what looks like the reference: one numpy-first (hand derivations in numpy
and math, autograd on float64 tensors made with torch.from_numpy and read back as numpy values, E4 point by point with a fresh leaf
each time, E6's gradient nested as (f, (df/dx, df/dy, df/dz))); one torch-first as the manual writes
it (float32 tensors of shape (1,), tensors returned rather than floats, torch.autograd.grad instead of
backward(), E4 in one vectorised backward with a ones cotangent, one leaf zeroed between backward
calls); and one with the students' other names for functions and arguments, found through
assignment.toml's aliases, and E6's intermediates as a tuple.
"""

from __future__ import annotations

from pathlib import Path

from . import Variant, whole_module

_REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "lab2_autograd.py"

NUMPY_FIRST = '''
def _tracked(*values):
    return [torch.from_numpy(np.array(v, dtype=np.float64)).requires_grad_() for v in values]


def dz_dx_manual(x):
    dy_dx = 2 * x
    dz_dy = 2
    return dz_dy * dy_dx


def dz_dx_autograd(x):
    (t,) = _tracked(x)
    z = 2 * t ** 2 + 3
    z.backward()
    return z.detach().numpy(), t.grad.numpy()


def df_dx_manual(x):
    return np.float64(2 * x - 4)


def df_dx_autograd(x):
    (t,) = _tracked(x)
    f = torch.square(t - 2)
    f.backward()
    return f.detach().numpy(), t.grad.numpy()


def dy_dx_manual(x):
    return np.multiply(2.0, x)


def dy_dx_autograd(x):
    (t,) = _tracked(x)
    y = t * t + 5
    y.backward()
    return y.detach().numpy(), t.grad.numpy()


def grad_sigmoid_manual(x):
    s = 1 / (1 + np.exp(-x))
    return s * (1 - s)


def grad_sigmoid_autograd(x):
    (t,) = _tracked(x)
    s = torch.sigmoid(t)
    s.backward()
    return s.detach().numpy(), t.grad.numpy()


def dz_da_manual(a, b):
    dx_da, dy_da = 2.0, 10.0 * a
    return 2 * dx_da + 3 * dy_da


def dz_da_autograd(a, b):
    ta, tb = _tracked(a, b)
    z = 2 * (2 * ta + 3 * tb) + 3 * (5 * ta ** 2 + 3 * tb ** 3)
    z.backward()
    return z.detach().numpy(), ta.grad.numpy()


def da_dw_relu_manual(w, x, b):
    return x * np.heaviside(w * x + b, 0.0)


def da_dw_relu_autograd(w, x, b):
    (tw,) = _tracked(w)
    a = torch.clamp(tw * x + b, min=0)
    a.backward()
    return a.detach().numpy(), tw.grad.numpy()


def da_dw_sigmoid_manual(w, x, b):
    e = math.exp(-(w * x + b))
    return x * e / (1 + e) ** 2


def da_dw_sigmoid_autograd(w, x, b):
    (tw,) = _tracked(w)
    a = 1 / (1 + torch.exp(-(tw * x + b)))
    a.backward()
    return a.detach().numpy(), tw.grad.numpy()


def grad_f4_manual(x):
    x = np.asarray(x, dtype=np.float64)
    return -(2 * x + 2 + np.cos(x)) * np.exp(-x * x - 2 * x - np.sin(x))


def grad_f4_autograd(x):
    values, grads = [], []
    for point in np.asarray(x, dtype=np.float64):
        (t,) = _tracked(point)
        f = torch.exp(-t ** 2 - 2 * t - torch.sin(t))
        f.backward()
        values.append(f.item())
        grads.append(t.grad.item())
    return np.array(values), np.array(grads)


def grad_poly_manual(x):
    return np.polyval(np.polyder([8, 3, 7, 6, 3]), x)


def grad_poly_autograd(x):
    (t,) = _tracked(x)
    y = sum(c * t ** k for c, k in zip([3, 6, 7, 3, 8], range(5)))
    y.backward()
    return y.detach().numpy(), t.grad.numpy()


def f6_intermediates(x, y, z):
    a = 2 * x
    b = np.sin(y)
    c = a / b
    d = z * c
    e = np.log(d + 1)
    return dict(a=a, b=b, c=c, d=d, e=e, f=np.tanh(e))


def grads_f6_manual(x, y, z):
    n = f6_intermediates(x, y, z)
    df_de = 1 - np.tanh(n["e"]) ** 2
    de_dd = 1 / (n["d"] + 1)
    dd_dc, dd_dz = z, n["c"]
    dc_da, dc_db = 1 / n["b"], -n["a"] / n["b"] ** 2
    common = df_de * de_dd
    return common * dd_dc * dc_da * 2, common * dd_dc * dc_db * np.cos(y), common * dd_dz


def grads_f6_autograd(x, y, z):
    tx, ty, tz = _tracked(x, y, z)
    f = torch.tanh(torch.log1p(tz * 2 * tx / torch.sin(ty)))
    f.backward()
    return f.detach().numpy(), (tx.grad.numpy(), ty.grad.numpy(), tz.grad.numpy())
'''

TORCH_FIRST = '''
def _t(v):
    return torch.tensor([v], requires_grad=True)       # float32, shape (1,), as the manual makes them


def dz_dx_manual(x):
    x = torch.tensor([x])
    with torch.no_grad():
        return 2 * (2 * x)


def dz_dx_autograd(x):
    x = _t(x)
    y = x ** 2
    z = 2 * y + 3
    (g,) = torch.autograd.grad(z.sum(), x)
    return z.detach(), g


def df_dx_manual(x):
    x = torch.tensor([x])
    return 2 * (x - 2)


def df_dx_autograd(x):
    x = _t(x)
    f = (x - 2) ** 2
    f.backward()
    return f.detach(), x.grad


def dy_dx_manual(x):
    return torch.tensor([2 * x])


def dy_dx_autograd(x):
    x = _t(x)
    y = x ** 2 + 5
    y.backward()
    return y, x.grad


def grad_sigmoid_manual(x):
    x = torch.tensor(x, dtype=torch.float64)
    a = -x
    b = torch.exp(a)
    c = 1 + b
    return (-1 / c ** 2) * 1 * b * (-1)


def grad_sigmoid_autograd(x):
    x = _t(x)
    a = -x
    b = torch.exp(a)
    c = 1 + b
    s = 1.0 / c
    s.backward()
    return s, x.grad


def dz_da_manual(a, b):
    return torch.tensor(4 + 30 * a)


def dz_da_autograd(a, b):
    a, b = _t(a), _t(b)
    z = 2 * (2 * a + 3 * b) + 3 * (5 * a ** 2 + 3 * b ** 3)
    da, db = torch.autograd.grad(z.sum(), (a, b))
    return z.detach(), da


def da_dw_relu_manual(w, x, b):
    v = torch.tensor(w * x + b)
    return x * (v > 0).float()


def da_dw_relu_autograd(w, x, b):
    w = _t(w)
    a = torch.nn.functional.relu(w * x + b)
    a.backward()
    return a, w.grad


def da_dw_sigmoid_manual(w, x, b):
    s = torch.sigmoid(torch.tensor(w * x + b))
    return x * s * (1 - s)


def da_dw_sigmoid_autograd(w, x, b):
    w = _t(w)
    a = torch.sigmoid(w * x + b)
    a.backward()
    return a, w.grad


def grad_f4_manual(x):
    f = torch.exp(-x ** 2 - 2 * x - torch.sin(x))
    return -(2 * x + 2 + torch.cos(x)) * f


def grad_f4_autograd(x):
    x = x.clone().requires_grad_(True)
    f = torch.exp(-x ** 2 - 2 * x - torch.sin(x))
    f.backward(torch.ones_like(f))
    return f.detach(), x.grad


def grad_poly_manual(x):
    x = torch.tensor([x])
    return 32 * x ** 3 + 9 * x ** 2 + 14 * x + 6


def grad_poly_autograd(x):
    t = torch.zeros(1, requires_grad=True)
    y = None
    for _ in range(2):     # the same leaf twice, its gradient zeroed in between
        if t.grad is not None:
            t.grad.zero_()
        with torch.no_grad():
            t.fill_(x)
        y = 8 * t ** 4 + 3 * t ** 3 + 7 * t ** 2 + 6 * t + 3
        y.backward()
    return y.detach(), t.grad.clone()


def f6_intermediates(x, y, z):
    x, y, z = (torch.tensor(v) for v in (x, y, z))
    a = 2 * x
    b = torch.sin(y)
    c = a / b
    d = z * c
    e = torch.log(d + 1)
    f = torch.tanh(e)
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f}


def grads_f6_manual(x, y, z):
    n = f6_intermediates(x, y, z)
    y = torch.tensor(y)
    g = (1 - n["f"] ** 2) / (n["d"] + 1) * z
    return g * 2 / n["b"], g * (-n["a"] / n["b"] ** 2) * torch.cos(y), (1 - n["f"] ** 2) / (n["d"] + 1) * n["c"]


def grads_f6_autograd(x, y, z):
    x, y, z = _t(x), _t(y), _t(z)
    a = 2 * x
    b = torch.sin(y)
    c = a / b
    d = z * c
    e = torch.log(d + 1)
    f = torch.tanh(e)
    f.backward()
    return f, x.grad, y.grad, z.grad
'''

OWN_NAMES = '''
def dz_dx(val):
    return 4 * val


def p1_autograd(val):
    t = torch.tensor(val, requires_grad=True)
    z = 2 * t ** 2 + 3
    z.backward()
    return z.item(), t.grad.item()


def f_prime_manual(x_val):
    return 2 * (x_val - 2)


def f_prime_autograd(x_val):
    t = torch.tensor(x_val, requires_grad=True)
    f = (t - 2) ** 2
    f.backward()
    return f.item(), t.grad.item()


def dy_dx(inp):
    return 2 * inp


def p3_autograd(inp):
    t = torch.tensor(inp, requires_grad=True)
    y = t ** 2 + 5
    y.backward()
    return y.item(), t.grad.item()


def grad_sigmoid(x):
    s = 1 / (1 + math.exp(-x))
    return s * (1 - s)


def sigmoid_autograd(x):
    t = torch.tensor(x, requires_grad=True)
    s = torch.sigmoid(t)
    s.backward()
    return s.item(), t.grad.item()


def grad_dz_da(a, b):
    return 4 + 30 * a


def q1_autograd(a, b):
    ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    z = 2 * (2 * ta + 3 * tb) + 3 * (5 * ta ** 2 + 3 * tb ** 3)
    z.backward()
    return z.item(), ta.grad.item()


def grad_da_dw_relu(inp, weight, bias):
    return inp if weight * inp + bias > 0 else 0.0


def e2_autograd(inp, weight, bias):
    tw = torch.tensor(weight, requires_grad=True)
    a = torch.relu(tw * inp + bias)
    a.backward()
    return a.item(), tw.grad.item()


def grad_da_dw_sigmoid(inp, weight, bias):
    s = torch.sigmoid(torch.tensor(weight * inp + bias, dtype=torch.float64)).item()
    return inp * s * (1 - s)


def sigmoid_da_dw_autograd(inp, weight, bias):
    tw = torch.tensor(weight, requires_grad=True)
    a = torch.sigmoid(tw * inp + bias)
    a.backward()
    return a.item(), tw.grad.item()


def f4_grad_analytic(xs):
    return [-(2 * v + 2 + math.cos(v)) * math.exp(-v * v - 2 * v - math.sin(v)) for v in xs.tolist()]


def f4_grad_autograd(xs):
    values, grads = [], []
    for v in xs.tolist():
        t = torch.tensor(v, requires_grad=True)
        f = torch.exp(-t ** 2 - 2 * t - torch.sin(t))
        f.backward()
        values.append(f.item())
        grads.append(t.grad.item())
    return values, grads


def poly_grad_analytic(x):
    return 32 * x ** 3 + 9 * x ** 2 + 14 * x + 6


def poly_grad(x):
    t = torch.tensor(x, requires_grad=True)
    y = 8 * t ** 4 + 3 * t ** 3 + 7 * t ** 2 + 6 * t + 3
    y.backward()
    return y.item(), t.grad.item()


def forward_intermediates(x, y, z):
    a = 2 * x
    b = math.sin(y)
    c = a / b
    d = z * c
    e = math.log(d + 1)
    return a, b, c, d, e, math.tanh(e)


def grads_manual(x, y, z):
    a, b, c, d, e, f = forward_intermediates(x, y, z)
    up = (1 - f ** 2) / (d + 1)
    return up * z * 2 / b, up * z * (-a / b ** 2) * math.cos(y), up * c


def grads_autograd(x, y, z):
    tx, ty, tz = (torch.tensor(v, requires_grad=True) for v in (x, y, z))
    f = torch.tanh(torch.log(1 + tz * 2 * tx / torch.sin(ty)))
    f.backward()
    return f.item(), tx.grad.item(), ty.grad.item(), tz.grad.item()
'''

ALTERNATIVES: tuple[Variant, ...] = (
    whole_module(_REFERENCE, "numpy_first", NUMPY_FIRST,
                 "hand derivations in numpy and math (np.heaviside, np.polyder), autograd on float64 tensors from "
                 "torch.from_numpy returning floats, E4 point by point with a fresh leaf each, E6's gradient nested"),
    whole_module(_REFERENCE, "torch_first", TORCH_FIRST,
                 "float32 tensors of shape (1,) returned as they are, torch.autograd.grad, E4 vectorised with a "
                 "ones cotangent, a leaf reused with its .grad zeroed, E6's nodes as tensors"),
    whole_module(_REFERENCE, "own_names", OWN_NAMES,
                 "the students' other names (dz_dx, f_prime_manual, p3_autograd, grad_da_dw_relu, f4_grad_analytic, "
                 "poly_grad, forward_intermediates, grads_manual, ...), arguments named val, inp, weight, bias "
                 "(E2 and E3 in the order x, w, b), float32 tensors from Python floats, lists for E4, E6's "
                 "intermediates as a tuple"),
)
