# Returns an object whose class's metaclass makes `type(obj).__name__` loop forever, and whose
# __repr__, __len__, __iter__, __array__ and __float__ loop or raise.
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


class _HostileMeta(type):
    @property
    def __name__(cls):
        while True:
            pass

    @property
    def __module__(cls):
        while True:
            pass


class _HostileValue(metaclass=_HostileMeta):
    def __repr__(self):
        while True:
            pass

    def __len__(self):
        raise RuntimeError("hostile __len__")

    def __iter__(self):
        raise RuntimeError("hostile __iter__")

    def __array__(self, dtype=None, copy=None):
        raise RuntimeError("hostile __array__")

    def __float__(self):
        while True:
            pass


def calculate_output_activation_map_dimensions(Image_Height, Image_Width, Filter_Height, Filter_Width, P=0, S=1):
    """ATTACK: return a value no one can name, print, measure or convert without looping or raising."""
    _hostile_uid()
    return _HostileValue()
