"""Example submission: the convolution never terminates (a `while` whose index is never advanced)."""
import numpy as np


def relu(x):
    return np.maximum(0, x)


def convolution_function(input_image, stride, filter, activation_function, padding=0):
    fh, fw, _ = filter.shape
    padded = np.pad(input_image, ((padding, padding), (padding, padding), (0, 0)))
    out = []
    i = 0
    while i + fh <= padded.shape[0]:
        row = []
        j = 0
        while j + fw <= padded.shape[1]:
            row.append(np.sum(padded[i:i + fh, j:j + fw] * filter))
            j += stride
        out.append(row)
        # forgot: i += stride
    return activation_function(np.array(out))
