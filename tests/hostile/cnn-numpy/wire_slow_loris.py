# Writes to the worker's socket itself: announces a reply, then sends it one byte a second, each
# byte inside the per-call time limit, for 30 s; then goes silent. A grader that times a call by
# each read instead of by the whole reply waits 30 s (or forever, if the trickle never ends).
import os
import struct
import sys
import time


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def _hostile_socket():
    frame = sys._getframe()
    while frame is not None:
        sock = getattr(frame.f_locals.get("self"), "sock", None)
        if sock is not None and hasattr(sock, "sendall"):
            return sock
        frame = frame.f_back
    import gc
    import socket
    for obj in gc.get_objects():       # not found on the stack: any connected unix stream socket
        if isinstance(obj, socket.socket) and obj.fileno() >= 0 and obj.family == socket.AF_UNIX \
                and obj.type == socket.SOCK_STREAM:
            return obj
    raise RuntimeError("hostile: the worker's socket was not found")


def get_embossing_filter():
    """ATTACK: a slow-loris reply: a 4-byte length, then one byte per second for 30 s, then silence."""
    _hostile_uid()
    sock = _hostile_socket()
    sock.sendall(struct.pack("!I", 1000))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        sock.sendall(b" ")
        time.sleep(1.0)
    while True:
        time.sleep(1)
