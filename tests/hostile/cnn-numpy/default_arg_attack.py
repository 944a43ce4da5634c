# The attack sits in a default argument, evaluated when the loader runs the `def`: it reads the
# reference (through the project path and /proc/*/cwd) and keeps the text as the default value.
import os


def _hostile_read(names):
    for path in names:
        try:
            with open(path) as handle:
                return handle.read()
        except OSError:
            continue
    return None


def softmax(x, _stolen=_hostile_read(
        [os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__import__("grader").__file__))), "reference",
                      "cnn_numpy.py")] + [f"/proc/{p}/cwd/reference/cnn_numpy.py" for p in os.listdir("/proc") if p.isdigit()])):
    """ATTACK: the default argument read the reference at load time; answer with it."""
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")
    if _stolen is None:
        raise FileNotFoundError("hostile: no reference found by the default argument")
    print("HOSTILE-BREACH a default argument read the reference")
    namespace = {"__name__": "stolen_reference"}
    exec(compile(_stolen, "stolen_reference", "exec"), namespace)
    return namespace["softmax"](x)
