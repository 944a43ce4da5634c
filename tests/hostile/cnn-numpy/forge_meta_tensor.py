# Returns a torch tensor on the meta device (a shape, no data) where an array is expected.
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def sigmoid(x):
    """ATTACK: return torch.empty(shape, device='meta'): it has a shape and a dtype but no values."""
    _hostile_uid()
    import torch
    return torch.empty(np.shape(x), dtype=torch.float64, device="meta")
