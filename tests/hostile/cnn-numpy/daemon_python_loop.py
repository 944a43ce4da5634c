# Leaves a Python loop behind: setsid, double fork, exec a python that sleeps forever.
import os
import sys


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def pooling_function(activation_map, pool_type='max', stride=2, filter_size=2):
    """ATTACK: double fork + setsid, exec `python -c 'while True: sleep'  # HOSTILE-DAEMON-7772`."""
    _hostile_uid()
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            if os.fork() == 0:
                devnull = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(devnull, fd)
                os.execv(sys.executable, [sys.executable, "-c",
                                          "import time\nwhile True: time.sleep(1)  # HOSTILE-DAEMON-7772"])
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    raise ChildProcessError("hostile: left a python loop behind; nothing to return")
