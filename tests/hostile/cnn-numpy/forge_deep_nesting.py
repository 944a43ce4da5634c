# Returns a list nested 100000 deep.
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def pooling_function(activation_map, pool_type='max', stride=2, filter_size=2):
    """ATTACK: return [[[[...]]]] nested 10^5 deep, to break whatever encodes or prints it."""
    _hostile_uid()
    nested = [0.0]
    for _ in range(100_000):
        nested = [nested]
    return nested
