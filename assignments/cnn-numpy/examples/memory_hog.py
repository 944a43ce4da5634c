"""Example submission: the MLP allocates ~30 GB of weights 'to be safe'."""
import numpy as np


def relu(x):
    return np.maximum(0, x)


class MultiLayerPerceptron:
    def __init__(self, input_layer_size, no_of_hidden_layers, hidden_layer_sizes, act_function, output_size):
        self.scratch = np.ones((60_000, 60_000))   # 28.8 GB of float64
        self.weights, self.biases = [], []

    def forward_prop(self, input_vector, use_softmax_in_output_layer=True):
        return np.zeros(4)
