# Returns objects of a class that calls itself torch's Tensor (its __module__ is "torch" and its
# __name__ "Tensor"), whose detach/to/contiguous/numpy hand back what it likes.
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


class Tensor:
    __module__ = "torch"

    def __init__(self, values):
        self.values = np.asarray(values, dtype=np.float64)
        self.dtype = torch.float64
        self.shape = self.values.shape
        self.device = "cuda:7"
        self.requires_grad = True

    def detach(self):
        return self

    def to(self, *args, **kwargs):
        return self

    def contiguous(self):
        return self

    def view(self, *args):
        return self

    def numpy(self):
        return self.values

    def __eq__(self, other):
        return True

    __hash__ = object.__hash__


def generate_data(num_samples):
    """ATTACK: return lists of fake "torch.Tensor" objects (device cuda:7, requires_grad) holding wrong data."""
    _hostile_uid()
    return [Tensor(np.full((2, 2), 0.5)) for _ in range(num_samples)], [Tensor([7.0]) for _ in range(num_samples)]
