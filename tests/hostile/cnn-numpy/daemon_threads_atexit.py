# Starts threads that never end and registers exit handlers that would start a daemon.
import atexit
import os
import threading
import time


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def _hostile_forever():
    while True:
        time.sleep(0.2)
        try:
            with open("/tmp/HOSTILE-daemon_threads_atexit.txt", "a") as handle:
                handle.write("still here\n")
        except OSError:
            pass


def softmax(x):
    """ATTACK: a non-daemon thread writing to /tmp forever; atexit handlers that start `sleep 7774`."""
    _hostile_uid()
    threading.Thread(target=_hostile_forever, daemon=False).start()
    atexit.register(os.system, "sleep 7774 &")
    threading._register_atexit(os.system, "sleep 7774 &")
    raise RuntimeError("hostile: started threads that do not end; nothing to return")
