# Reads the command lines of every process: the grader's names the assignment folder (whose
# assignment.toml says where the project is) and the submissions and reports folders.
import os
import re


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def _hostile_candidates():
    candidates = []
    for pid in sorted(int(p) for p in os.listdir("/proc") if p.isdigit()):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                argv = [a.decode(errors="replace") for a in handle.read().split(b"\0") if a]
        except OSError:
            continue
        for arg in argv:
            if not arg.startswith("/"):
                continue
            candidates.append(arg)
            toml = os.path.join(arg, "assignment.toml")
            try:
                with open(toml) as handle:
                    text = handle.read()
            except OSError:
                continue
            found = re.search(r'project_root\s*=\s*"([^"]+)"', text)
            candidates.append(os.path.join(arg, found.group(1)) if found else os.path.join(arg, "..", ".."))
    return candidates


def get_embossing_filter():
    """ATTACK: find the project from /proc/*/cmdline (and assignment.toml) and return the reference's filter."""
    _hostile_uid()
    candidates = _hostile_candidates()
    for base in candidates:
        for up in ("", "..", "../..", "../../.."):
            path = os.path.normpath(os.path.join(base, up, "reference", "cnn_numpy.py"))
            try:
                with open(path) as handle:
                    source = handle.read()
            except OSError:
                continue
            print(f"HOSTILE-BREACH read the reference at {path} (found through /proc/*/cmdline)")
            namespace = {"__name__": "stolen_reference"}
            exec(compile(source, "stolen_reference", "exec"), namespace)
            return namespace["get_embossing_filter"]()
    raise FileNotFoundError(f"hostile: no reference found from {len(candidates)} paths in /proc/*/cmdline")
