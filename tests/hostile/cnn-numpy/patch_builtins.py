# Monkeypatches builtins the worker itself relies on: isinstance, len, open, repr.
import builtins
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def relu(x):
    """ATTACK: builtins.isinstance always True, len always 0, open and repr raise; return zeros."""
    _hostile_uid()
    result = np.zeros(np.shape(x))
    builtins.isinstance = lambda obj, cls: True
    builtins.len = lambda obj: 0
    builtins.repr = lambda obj: (_ for _ in ()).throw(RuntimeError("hostile repr"))

    def _no_open(*args, **kwargs):
        raise PermissionError("hostile open")
    builtins.open = _no_open
    return result
