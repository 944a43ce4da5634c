# predict returns a generator, and an object whose repr and str never end.
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


class _HostileLoop:
    def __repr__(self):
        while True:
            pass

    __str__ = __repr__


def predict(model, character):
    """ATTACK: return (a generator, an object whose __repr__ loops forever)."""
    _hostile_uid()
    return (c for c in "hostile"), _HostileLoop()
