# Tries __import__ and importlib on sys.path entries it adds, then looks through sys.modules for any
# trusted module (reference, suite) the worker's parent might have left loaded.
import importlib
import os
import sys


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def CNN(input_image):
    """ATTACK: __import__('reference.cnn_numpy') after sys.path changes; else a loaded reference in sys.modules."""
    _hostile_uid()
    import grader
    project = os.path.dirname(os.path.dirname(os.path.abspath(grader.__file__)))
    sys.path[:0] = [project, os.path.join(project, "reference"), os.path.join(project, "tests")]
    importlib.invalidate_caches()
    errors = []
    for name in ("reference.cnn_numpy", "cnn_numpy", "suites.cnn_numpy"):
        try:
            module = __import__(name, fromlist=["*"])
        except BaseException as exc:  # noqa: BLE001
            errors.append(f"{name}: {type(exc).__name__}")
            continue
        if hasattr(module, "CNN"):
            print(f"HOSTILE-BREACH imported {name}")
            return module.CNN(input_image)
    for name, module in list(sys.modules.items()):
        if "reference" in name or "suite" in name or "cnn_numpy" in name:
            if hasattr(module, "CNN"):
                print(f"HOSTILE-BREACH found {name} in sys.modules")
                return module.CNN(input_image)
    raise FileNotFoundError(f"hostile: no reference found by import ({', '.join(errors)})")
