# Allocates far more memory than any limit should allow.
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def softmax(x):
    """ATTACK: bytearray(10**11), then 256 MiB blocks until something stops it."""
    _hostile_uid()
    hoard = []
    try:
        hoard.append(bytearray(10**11))
    except MemoryError:
        pass
    while True:
        hoard.append(bytearray(256 * 2**20))
