# Lab 1 - Introduction to tensors
# Roll no 61842, Ananya Rao (exported from Colab)

import time

import numpy as np
import torch

print(torch.__version__)
device = "cuda" if torch.cuda.is_available() else "cpu"
print("device:", device)

# ---- sample exercise -----------------------------------------------------------------
scalar = torch.tensor(7)
print(scalar.ndim, scalar.item())
TENSOR = torch.tensor([[[1, 2, 3], [3, 6, 9], [2, 4, 5]]])
print(TENSOR.ndim, TENSOR.shape)
random_tensor = torch.rand(size=(3, 4))
print(random_tensor, random_tensor.dtype)
zeros = torch.zeros(size=(3, 4))
print(zeros * random_tensor)
print(torch.arange(0, 10), torch.arange(start=0, end=1000, step=77))
t = torch.tensor([1, 2, 3])
print(t + 10, t * t, torch.matmul(t, t))

# timing a matmul the slow way and the fast way (takes a while on a CPU)
big = torch.rand(300, 300)
start = time.time()
value = torch.zeros(300, 300)
for i in range(300):
    for j in range(300):
        value[i, j] = (big[i] * big[:, j]).sum()
print("python loops:", time.time() - start)
start = time.time()
value = big @ big
print("matmul:", time.time() - start)


# ---- Q1 -----------------------------------------------------------------------------
def reshape_demo(x):
    n = x.shape[0]
    x_reshaped = x.reshape(3, n // 3)
    z = x.view(1, n)
    x_stacked_rows = torch.stack([x, x], dim=0)
    x_stacked_cols = torch.stack([x, x], dim=1)
    x_squeezed = x.reshape(1, n, 1).squeeze()
    return {"reshaped": x_reshaped, "viewed": z, "stacked_rows": x_stacked_rows,
            "stacked_columns": x_stacked_cols, "squeezed": x_squeezed,
            "unsqueezed_rows": x.unsqueeze(dim=0), "unsqueezed_columns": x.unsqueeze(dim=1)}


x = torch.arange(1., 10.)
out = reshape_demo(x)
for k in out:
    print(k, out[k].shape)
out["viewed"][:, 0] = 5      # changing the view changes x
print(x)


# ---- Q2 -----------------------------------------------------------------------------
def permute_demo(x, dims):
    return x.permute(dims)


x_original = torch.rand(size=(224, 224, 3))
x_permuted = permute_demo(x_original, (2, 0, 1))
print(x_original.shape, x_permuted.shape)


# ---- Q3 -----------------------------------------------------------------------------
def index_demo(x):
    return {"first_matrix": x[0], "first_row": x[0][0], "element": x[0][0][0],
            "second_column": x[:, :, 1], "middle": x[:, 1, 1], "last_column": x[0, :, -1]}


print(index_demo(torch.arange(1, 10).reshape(1, 3, 3)))


# ---- Q4 -----------------------------------------------------------------------------
def np_to_tensor(a):
    return torch.from_numpy(a)


def tensor_to_np(t):
    return t.numpy()


array = np.arange(1.0, 8.0)
tensor = np_to_tensor(array)
print(array, tensor)
array = array + 1
print(array, tensor)
tensor = torch.ones(7)
numpy_tensor = tensor_to_np(tensor)
print(tensor, numpy_tensor)


# ---- Q5, Q6 -------------------------------------------------------------------------
def make_7x7(seed=None):
    if seed != None:
        torch.manual_seed(seed)
    random_tensor = torch.rand(size=(7, 7))
    return random_tensor


def matmul_7x7_1x7(A, B):
    return A @ B.transpose(0, 1)


random_tensor = make_7x7(0)
random_tensor_2 = torch.rand(size=(1, 7))
result = matmul_7x7_1x7(random_tensor, random_tensor_2)
print(result, result.shape)


# ---- Q7 - Q10 ------------------------------------------------------------------------
def make_pair(device):
    tensor_A = torch.rand(size=(2, 3), device=device)
    tensor_B = torch.rand(size=(2, 3), device=device)
    print(tensor_A.device, tensor_B.device)
    return tensor_A, tensor_B


def matmul_pair(A, B):
    return A @ B.transpose(0, 1)


def minmax(M):
    return torch.max(M), torch.min(M)


def argminmax(M):
    return torch.argmax(M), torch.argmin(M)


torch.manual_seed(1234)
tensor_A, tensor_B = make_pair(device)
print(tensor_A, tensor_B)
tensor_C = matmul_pair(tensor_A, tensor_B)
print(tensor_C, tensor_C.shape)
print("max, min:", minmax(tensor_C))
print("argmax, argmin:", argminmax(tensor_C))


# ---- Q11 -----------------------------------------------------------------------------
def squeeze_demo():
    torch.manual_seed(7)
    tensor_D = torch.rand(size=(1, 1, 1, 10))
    print(tensor_D, tensor_D.shape)
    tensor_E = tensor_D.squeeze()
    print(tensor_E, tensor_E.shape)
    return tensor_D, tensor_E


tensor_D, tensor_E = squeeze_demo()
