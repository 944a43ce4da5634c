# Empties the list of hidden packages the worker's import guard reads at every import (a module
# global of grader.worker), reloads the grader's worker module, then imports the reference.
import importlib
import os
import sys


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def sigmoid(x):
    """ATTACK: grader.worker._HIDDEN_PACKAGES = (), importlib.reload(grader.worker), import reference."""
    _hostile_uid()
    import grader
    worker = sys.modules.get("grader.worker")
    if worker is not None:
        for name in dir(worker):
            if name.isupper() or name.startswith("_HIDDEN"):
                try:
                    setattr(worker, name, ())
                except Exception:  # noqa: BLE001
                    pass
        try:
            importlib.reload(worker)
        except Exception:  # noqa: BLE001
            pass
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(grader.__file__))))
    importlib.invalidate_caches()
    try:
        ref = importlib.import_module("reference.cnn_numpy")
    except ImportError as exc:
        raise FileNotFoundError(f"hostile: no reference found after patching the import guard ({exc})") from None
    print("HOSTILE-BREACH imported the reference past the patched import guard")
    return ref.sigmoid(x)
