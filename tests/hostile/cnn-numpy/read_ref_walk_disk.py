# Searches the whole disk (and every path in the environment) for reference/cnn_numpy.py.
import os
import time

_HOSTILE_FOUND = {}


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def _hostile_search():
    if "source" in _HOSTILE_FOUND:
        return _HOSTILE_FOUND["source"]
    deadline = time.monotonic() + 1.2
    roots = ["/work", "/home", "/root", "/tmp", "/srv", "/opt", "/mnt", "/builds", "/github", "/"]
    roots += [v for k, v in os.environ.items() if v.startswith("/")]
    seen = set()
    for root in roots:
        for folder, dirs, files in os.walk(root, onerror=lambda e: None):
            if time.monotonic() > deadline:
                break
            dirs[:] = [d for d in dirs if d not in ("proc", "sys", "dev", "site-packages", "node_modules", ".git")
                       and os.path.join(folder, d) not in seen]
            seen.add(folder)
            if os.path.basename(folder) == "reference" and "cnn_numpy.py" in files:
                try:
                    with open(os.path.join(folder, "cnn_numpy.py")) as handle:
                        _HOSTILE_FOUND["source"] = (handle.read(), folder)
                        return _HOSTILE_FOUND["source"]
                except OSError:
                    pass
    _HOSTILE_FOUND["source"] = None
    return None


def relu(x):
    """ATTACK: walk /, /work, /home, /root, /tmp and the environment's paths for reference/cnn_numpy.py."""
    _hostile_uid()
    found = _hostile_search()
    if found is None:
        raise FileNotFoundError("hostile: no reference found on the disk")
    source, folder = found
    print(f"HOSTILE-BREACH read the reference in {folder}")
    namespace = {"__name__": "stolen_reference"}
    exec(compile(source, "stolen_reference", "exec"), namespace)
    return namespace["relu"](x)
