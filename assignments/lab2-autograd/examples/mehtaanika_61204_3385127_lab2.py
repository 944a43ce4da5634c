# Lab 2 - Computational graphs
# Anika Mehta, roll no. 61204

import math

import matplotlib.pyplot as plt
import numpy as np
import torch

# sample from the lab
x = torch.rand(3, requires_grad=True)
print(x)
x.requires_grad_(True)

# ---------------- Problem 1 ----------------
x = torch.tensor(3.5, requires_grad=True)
y = x * x
z = 2 * y + 3
z.backward()
print("z =", z.item(), " dz/dx =", x.grad.item())   # z = 27.5, dz/dx = 14


def dz_dx_manual(x):
    # dz/dy = 2, dy/dx = 2x
    return 2 * (2 * x)


def dz_dx_autograd(x):
    x = torch.tensor(x, requires_grad=True)
    y = x * x
    z = 2 * y + 3
    z.backward()
    return z.item(), x.grad.item()


print(dz_dx_manual(3.5), dz_dx_autograd(3.5))

# ---------------- Problem 2 ----------------


def df_dx_manual(x):
    return 2 * (x - 2)


def df_dx_autograd(x):
    x = torch.tensor([x], requires_grad=True)
    f = (x - 2) ** 2
    f.backward()
    return f.item(), x.grad.item()


print("Analytical f'(x):", df_dx_manual(1.0))
print("PyTorch's f'(x):", df_dx_autograd(1.0)[1])

# ---------------- Problem 3 ----------------


def dy_dx_manual(x):
    return 2 * x


def dy_dx_autograd(x):
    x = torch.tensor(x, requires_grad=True)
    y = x ** 2 + 5
    y.backward()
    return y.item(), x.grad.item()


print(dy_dx_autograd(2.0))

# ---------------- Problem 4 ----------------


def grad_sigmoid_manual(x):
    a = -x
    b = np.exp(a)
    c = 1 + b
    s = 1.0 / c
    dsdc = -1.0 / (c ** 2)
    dcdb = 1
    dbda = np.exp(a)
    dadx = -1
    return dsdc * dcdb * dbda * dadx


def grad_sigmoid_autograd(x):
    x = torch.tensor(x, requires_grad=True)
    a = -x
    b = torch.exp(a)
    c = 1 + b
    s = 1.0 / c
    s.backward()
    return s.item(), x.grad.item()


print("autograd:", grad_sigmoid_autograd(2.0)[1])
print("manual:", grad_sigmoid_manual(2.0))

# ---------------- Exercise 1 ----------------
# z = 2x + 3y = 2(2a + 3b) + 3(5a^2 + 3b^3)  =>  dz/da = 4 + 30a


def dz_da_manual(a, b):
    return 4 + 30 * a


def dz_da_autograd(a, b):
    a = torch.tensor(a, requires_grad=True)
    b = torch.tensor(b, requires_grad=True)
    x = 2 * a + 3 * b
    y = 5 * a ** 2 + 3 * b ** 3
    z = 2 * x + 3 * y
    z.backward()
    return z.item(), a.grad.item()


for a_val, b_val in [(1.0, 1.0), (2.0, 3.0), (0.5, -1.0)]:
    print(a_val, b_val, dz_da_manual(a_val, b_val), dz_da_autograd(a_val, b_val))

# ---------------- Exercise 2 (ReLU) ----------------


def da_dw_relu_manual(w, x, b):
    if w * x + b > 0:
        return x
    return 0.0


def da_dw_relu_autograd(w, x, b):
    w = torch.tensor(w, requires_grad=True)
    u = w * x
    v = u + b
    a = torch.relu(v)
    a.backward()
    return a.item(), w.grad.item()


# ---------------- Exercise 3 (sigmoid) ----------------


def da_dw_sigmoid_manual(w, x, b):
    s = 1 / (1 + math.exp(-(w * x + b)))
    return x * s * (1 - s)


def da_dw_sigmoid_autograd(w, x, b):
    w = torch.tensor(w, requires_grad=True)
    a = torch.sigmoid(w * x + b)
    a.backward()
    return a.item(), w.grad.item()


print(da_dw_relu_autograd(2.0, 3.0, 1.0), da_dw_sigmoid_autograd(2.0, 3.0, 1.0))

# ---------------- Exercise 4 ----------------


def grad_f4_manual(x):
    f = torch.exp(-x ** 2 - 2 * x - torch.sin(x))
    return -(2 * x + 2 + torch.cos(x)) * f


def grad_f4_autograd(x):
    x = x.clone().detach().requires_grad_(True)
    f = torch.exp(-x ** 2 - 2 * x - torch.sin(x))
    f.sum().backward()
    return f.detach(), x.grad


xs = torch.linspace(-3, 2, 50)
f_vals, pytorch_grad = grad_f4_autograd(xs)
analytic_grad = grad_f4_manual(xs)
print("max difference:", (pytorch_grad - analytic_grad).abs().max().item())
plt.plot(xs, pytorch_grad, label="autograd")
plt.plot(xs, analytic_grad, "--", label="analytical")
plt.legend()
plt.show()

# ---------------- Exercise 5 ----------------


def grad_poly_manual(x):
    return 32 * x ** 3 + 9 * x ** 2 + 14 * x + 6


def grad_poly_autograd(x):
    x = torch.tensor(x, requires_grad=True)
    y = 8 * x ** 4 + 3 * x ** 3 + 7 * x ** 2 + 6 * x + 3
    y.backward()
    return y.item(), x.grad.item()


print(grad_poly_autograd(2.0), grad_poly_manual(2.0))

# ---------------- Exercise 6 ----------------


def f6_intermediates(x, y, z):
    a = 2 * x
    b = math.sin(y)
    c = a / b
    d = c * z
    e = math.log(d + 1)
    f = math.tanh(e)
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f}


def grads_f6_manual(x, y, z):
    n = f6_intermediates(x, y, z)
    dfde = 1 - math.tanh(n["e"]) ** 2
    dedd = 1 / (n["d"] + 1)
    dfdx = dfde * dedd * z * (1 / n["b"]) * 2
    dfdy = dfde * dedd * z * (-n["a"] / n["b"] ** 2) * math.cos(y)
    dfdz = dfde * dedd * n["c"]
    return dfdx, dfdy, dfdz


def grads_f6_autograd(x, y, z):
    x = torch.tensor(x, requires_grad=True)
    y = torch.tensor(y, requires_grad=True)
    z = torch.tensor(z, requires_grad=True)
    f = torch.tanh(torch.log(1 + z * 2 * x / torch.sin(y)))
    f.backward()
    return f.item(), x.grad.item(), y.grad.item(), z.grad.item()


print(f6_intermediates(0.5, math.pi / 2, 2))
print(grads_f6_manual(0.5, math.pi / 2, 2))
print(grads_f6_autograd(0.5, math.pi / 2, 2))
