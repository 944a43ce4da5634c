# Looks for a process of the instructor's outside the sandbox (the test starts `sleep 9191` before
# the run) and kills it.
import os
import signal


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def tanh(x):
    """ATTACK: find `sleep 9191` in /proc/*/cmdline and SIGKILL it."""
    _hostile_uid()
    for pid in sorted(int(p) for p in os.listdir("/proc") if p.isdigit()):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                argv = handle.read().split(b"\0")
        except OSError:
            continue
        if argv[:2] == [b"sleep", b"9191"]:
            try:
                os.kill(pid, signal.SIGKILL)
                print(f"HOSTILE-BREACH killed the decoy {pid}")
            except OSError as exc:
                print(f"could not kill the decoy {pid}: {exc}")
    raise ProcessLookupError("hostile: went after the decoy; nothing to return")
