# Monkeypatches numpy's comparison functions to say "equal" to anything, then returns zeros.
import os

import numpy
import numpy.testing


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def softmax(x):
    """ATTACK: np.allclose/isclose/array_equal/testing.* always agree; return zeros of the right shape."""
    _hostile_uid()
    agree = lambda *args, **kwargs: True                      # noqa: E731
    for module, names in ((numpy, ("allclose", "array_equal", "array_equiv")),
                          (numpy.testing, ("assert_allclose", "assert_array_equal", "assert_array_almost_equal",
                                           "assert_equal", "assert_almost_equal"))):
        for name in names:
            setattr(module, name, agree if module is numpy else (lambda *a, **k: None))
    numpy.isclose = lambda a, b, *args, **kwargs: numpy.ones(numpy.broadcast(a, b).shape, dtype=bool)
    return numpy.zeros(numpy.shape(x))
