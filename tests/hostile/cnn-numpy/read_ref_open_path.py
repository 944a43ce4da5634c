# Reads the reference through the path next to the grader package that the worker imports.
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def _hostile_project():
    import grader
    return os.path.dirname(os.path.dirname(os.path.abspath(grader.__file__)))


def softmax(x):
    """ATTACK: open(<project>/reference/cnn_numpy.py) and answer with the reference's softmax."""
    _hostile_uid()
    path = os.path.join(_hostile_project(), "reference", "cnn_numpy.py")
    try:
        with open(path) as handle:
            source = handle.read()
    except OSError as exc:
        raise FileNotFoundError(f"hostile: no reference found ({path}: {exc})") from None
    print(f"HOSTILE-BREACH read the reference at {path}")
    namespace = {"__name__": "stolen_reference"}
    exec(compile(source, "stolen_reference", "exec"), namespace)
    return namespace["softmax"](x)
