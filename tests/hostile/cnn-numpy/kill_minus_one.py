# Sends SIGKILL to every process it may signal: kill(-1, SIGKILL).
import os
import signal


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def CNN(input_image):
    """ATTACK: os.kill(-1, SIGKILL) (the test runs the grader in a pid namespace of its own), then give up."""
    _hostile_uid()
    try:
        os.kill(-1, signal.SIGKILL)
    except OSError as exc:
        print(f"kill(-1) failed: {exc}")
    raise ProcessLookupError("hostile: sent SIGKILL to everything it could; nothing to return")
