# Opens files and sockets until it runs out of descriptors.
import os
import socket


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def predict(model, character):
    """ATTACK: open /dev/null and socketpairs until EMFILE; keep them all open."""
    _hostile_uid()
    kept = []
    try:
        while True:
            kept.append(open(os.devnull))
            kept.extend(socket.socketpair())
    except OSError as exc:
        raise OSError(f"hostile: ran out of descriptors after {len(kept)} ({exc}); nothing to return") from None
