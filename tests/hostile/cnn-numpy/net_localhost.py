# Connects to the listener the test runs on the host's loopback (TCP 127.0.0.1:47771 and [::1]) and
# to its abstract unix socket.
import os
import socket


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def relu(x):
    """ATTACK: connect to 127.0.0.1:47771, [::1]:47771 and @grader-hostile-listener and send a message."""
    _hostile_uid()
    reached = []
    for family, address in ((socket.AF_INET, ("127.0.0.1", 47771)), (socket.AF_INET6, ("::1", 47771)),
                            (socket.AF_UNIX, b"\0grader-hostile-listener")):
        try:
            with socket.socket(family, socket.SOCK_STREAM) as conn:
                conn.settimeout(0.5)
                conn.connect(address)
                conn.sendall(b"HOSTILE net_localhost")
                reached.append(repr(address))
        except OSError:
            pass
    if reached:
        print(f"HOSTILE-BREACH connected to {', '.join(reached)}")
    raise ConnectionRefusedError("hostile: tried the host's listeners; nothing to return")
