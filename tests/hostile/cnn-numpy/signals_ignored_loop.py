# Ignores every signal it can, re-arms an alarm that interrupts itself, and loops forever.
import os
import signal


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def sigmoid(x):
    """ATTACK: SIG_IGN for SIGTERM/SIGINT/SIGHUP/SIGQUIT/SIGUSR1/SIGPIPE/SIGXCPU, a SIGALRM that re-arms, then loop."""
    _hostile_uid()
    for name in ("SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGPIPE", "SIGXCPU", "SIGCHLD"):
        try:
            signal.signal(getattr(signal, name), signal.SIG_IGN)
        except (OSError, ValueError):
            pass
    signal.signal(signal.SIGALRM, lambda *_: signal.setitimer(signal.ITIMER_REAL, 0.05))
    signal.setitimer(signal.ITIMER_REAL, 0.05)
    while True:
        pass
