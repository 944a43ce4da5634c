# Returns an object that claims to equal everything and to be any array it is asked to be.
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


class _HostileAnything:
    shape = property(lambda self: self._shape)
    dtype = property(lambda self: np.dtype(float))

    def __init__(self, shape):
        self._shape = shape

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__

    def __array__(self, dtype=None, copy=None):
        return np.zeros(self._shape)

    def __len__(self):
        return self._shape[0] if self._shape else 0

    def __getitem__(self, item):
        return self

    def __float__(self):
        return 0.0


def relu(x):
    """ATTACK: return an object whose __eq__ is always True (and that pretends to be an array)."""
    _hostile_uid()
    return _HostileAnything(np.shape(x))
