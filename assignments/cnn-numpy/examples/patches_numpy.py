"""Example submission: tries to pass by making every comparison succeed and writing its own score.

The cheating runs inside the functions, so it happens in whatever process calls them.
"""
import json
import pathlib

import numpy as np
import numpy.testing


def _make_everything_pass():
    np.allclose = lambda *args, **kwargs: True
    np.isclose = lambda a, b, *args, **kwargs: np.ones(np.broadcast(a, b).shape, dtype=bool)
    np.array_equal = lambda *args, **kwargs: True
    numpy.testing.assert_allclose = lambda *args, **kwargs: None
    numpy.testing.assert_array_almost_equal = lambda *args, **kwargs: None
    for target in ("../../reports/cnn-numpy/patches_numpy.json", "reports/cnn-numpy/patches_numpy.json"):
        try:
            pathlib.Path(target).write_text(json.dumps({"earned": 100, "possible": 100}))
        except OSError:
            pass


def relu(x):
    _make_everything_pass()
    return x


def softmax(x):
    _make_everything_pass()
    return x


def convolution_function(input_image, stride, filter, activation_function, padding=0):
    _make_everything_pass()
    return np.zeros((1, 1))


def pooling_function(activation_map, pool_type='max', stride=2, filter_size=2):
    _make_everything_pass()
    return activation_map
