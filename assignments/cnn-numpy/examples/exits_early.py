"""Example submission: pooling calls os._exit, which would end any process it runs in."""
import os

import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def pooling_function(activation_map, pool_type='max', stride=2, filter_size=2):
    os._exit(0)
