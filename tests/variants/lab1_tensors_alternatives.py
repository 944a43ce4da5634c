"""Alternative correct solutions of lab1-tensors: each must score 100 %.

They are written differently from the reference on purpose, so that the suite is shown to accept
what is right rather than what looks like the reference: one that works in numpy and converts at
the edges (np.stack, np.transpose, numpy indexing and argmax, torch.from_numpy back), one in other
torch calls (torch.reshape, indexing with None, vstack / column_stack, movedim, select, einsum,
aminmax, a torch.Generator for the seed, as_tensor and np.asarray) under the other names students
give the functions and their arguments, found through assignment.toml's aliases.
"""

from __future__ import annotations

from pathlib import Path

from . import whole_module

_REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "lab1_tensors.py"

NUMPY_FIRST = '''
import numpy as np


def _back(values):
    return torch.from_numpy(np.ascontiguousarray(values))


def reshape_demo(x):
    a = x.numpy()
    n = a.size
    return {"reshaped": _back(a.reshape(3, n // 3)), "viewed": _back(a[np.newaxis, :]),
            "stacked_rows": _back(np.stack([a, a])), "stacked_columns": _back(np.stack([a, a], axis=-1)),
            "squeezed": _back(np.squeeze(a.reshape(1, n, 1))), "unsqueezed_rows": _back(np.expand_dims(a, 0)),
            "unsqueezed_columns": _back(np.expand_dims(a, -1))}


def permute_demo(x, dims):
    return _back(np.transpose(x.numpy(), dims))


def index_demo(x):
    a = x.numpy()
    picks = {"first_matrix": a[0], "first_row": a[0][0], "element": a[0][0][0], "second_column": a[..., 1],
             "middle": a[:, 1, 1], "last_column": a[0, :, a.shape[2] - 1]}
    return {key: torch.as_tensor(np.array(value)) for key, value in picks.items()}


def np_to_tensor(a):
    return torch.as_tensor(a)


def tensor_to_np(t):
    return np.asarray(t.detach().cpu())


def make_7x7(seed=None):
    if seed is not None:
        torch.manual_seed(seed)
    return torch.from_numpy(torch.rand(49).numpy().reshape(7, 7))


def matmul_7x7_1x7(A, B):
    return _back(np.dot(A.numpy(), B.numpy().T))


def make_pair(device):
    both = torch.rand(2, 2, 3)
    return both[0].to(device), both[1].to(device)


def matmul_pair(A, B):
    return _back(A.cpu().numpy() @ B.cpu().numpy().T)


def minmax(M):
    values = M.cpu().numpy()
    return np.max(values), np.min(values)


def argminmax(M):
    values = M.cpu().numpy()
    return int(np.argmax(values)), int(np.argmin(values))


def squeeze_demo():
    torch.manual_seed(7)
    t = torch.rand(1, 1, 1, 10)
    return t, _back(np.squeeze(t.numpy()))
'''

OTHER_CALLS_AND_NAMES = '''
import numpy as np


def reshaping(tensor):
    n = tensor.numel()
    return {"reshaped": torch.reshape(tensor, (3, n // 3)), "viewed": tensor[None, :],
            "stacked_rows": torch.vstack((tensor, tensor)), "stacked_columns": torch.column_stack((tensor, tensor)),
            "squeezed": torch.squeeze(tensor.reshape(1, -1, 1)), "unsqueezed_rows": torch.unsqueeze(tensor, dim=0),
            "unsqueezed_columns": tensor[:, None]}


def permute_tensor(tensor, order):
    return torch.movedim(tensor, order, tuple(range(len(order))))


def tensor_indexing(t):
    return {"first_matrix": t.select(0, 0), "first_row": t[0][0], "element": t[0, 0, 0].item(),
            "second_column": t[..., 1], "middle": t[:, 1, 1], "last_column": t[0].T[-1]}


def numpy_to_tensor(arr):
    return torch.from_numpy(arr)


def tensor_to_numpy(tensor):
    return tensor.detach().cpu().numpy()


def random_7x7(random_seed=None):
    generator = torch.Generator()
    if random_seed is None:
        generator.seed()
    else:
        generator.manual_seed(random_seed)
    return torch.rand(size=(7, 7), generator=generator)


def matmul_with_transpose(t1, t2):
    return torch.einsum("ij,kj->ik", t1, t2)


def create_pair(dev):
    first = torch.rand(size=(2, 3), device=dev)
    second = torch.rand(size=(2, 3), device=dev)
    return [first, second]


def pair_matmul(tensor_A, tensor_B):
    return torch.mm(tensor_A, tensor_B.t())


def max_min(output):
    smallest, largest = torch.aminmax(output)
    return largest, smallest


def argmax_min(output):
    flat = output.flatten()
    return torch.argmax(flat), torch.argmin(flat)


def squeezing():
    torch.manual_seed(7)
    random_tensor = torch.rand(size=(1, 1, 1, 10))
    return random_tensor, random_tensor[0, 0, 0]
'''

ALTERNATIVES = (
    whole_module(_REFERENCE, "numpy_first", NUMPY_FIRST,
                 "numpy does the work (np.stack, np.transpose, numpy indexing, np.argmax), tensors at the edges"),
    whole_module(_REFERENCE, "other_calls_and_names", OTHER_CALLS_AND_NAMES,
                 "other torch calls (vstack, column_stack, movedim, einsum, aminmax, a Generator) under the "
                 "students' other names"),
)

__all__ = ["ALTERNATIVES"]
