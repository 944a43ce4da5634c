"""cs231n/classifiers/cnn.py: a three-layer convolutional network, built from the layers of your own
cs231n/layers.py.

    conv - relu - 2x2 max pool - affine - relu - affine - softmax

The network works on minibatches of images of shape (N, C, H, W). Fill in the two methods marked TODO.
Check your work with ``grader check <your course folder> -a cs231n-convnet``.
"""

import numpy as np

from cs231n.layers import *
from cs231n.fast_layers import *
from cs231n.layer_utils import *


class ThreeLayerConvNet(object):
    """conv - relu - 2x2 max pool - affine - relu - affine - softmax."""

    def __init__(self, input_dim=(3, 32, 32), num_filters=32, filter_size=7, hidden_dim=100, num_classes=10,
                 weight_scale=1e-3, reg=0.0, dtype=np.float32):
        """
        - input_dim: (C, H, W), the size of an input image
        - num_filters: the number of filters of the convolutional layer
        - filter_size: the width and height of the filters
        - hidden_dim: the number of units of the hidden affine layer
        - num_classes: the number of scores the last affine layer produces
        - weight_scale: the standard deviation of the weights' normal initialisation
        - reg: the strength of the L2 regularisation
        - dtype: the numpy datatype of the computation
        """
        self.params = {}
        self.reg = reg
        self.dtype = dtype
        # TODO: the weights and biases of the network, in self.params: 'W1', 'b1' for the convolution
        # (filters (num_filters, C, filter_size, filter_size)), 'W2', 'b2' for the hidden affine layer and
        # 'W3', 'b3' for the output affine layer. Weights from a normal distribution of mean 0 and
        # standard deviation weight_scale, biases 0. The convolution keeps the input's width and height
        # (stride 1, padding (filter_size - 1) // 2); the pool halves them.
        raise NotImplementedError
        for k, v in self.params.items():
            self.params[k] = v.astype(dtype)

    def loss(self, X, y=None):
        """X (N, C, H, W), y (N,) labels in 0..num_classes-1, or None.

        Returns the scores (N, num_classes) when y is None; otherwise (loss, grads): the softmax loss
        plus 0.5 * reg * the sum of the squared weights (not the biases), and grads, a dict with the
        gradient of the loss for each key of self.params."""
        W1, b1 = self.params['W1'], self.params['b1']
        W2, b2 = self.params['W2'], self.params['b2']
        W3, b3 = self.params['W3'], self.params['b3']

        # pass conv_param to the forward pass of the convolutional layer
        filter_size = W1.shape[2]
        conv_param = {'stride': 1, 'pad': (filter_size - 1) // 2}

        # pass pool_param to the forward pass of the max-pooling layer
        pool_param = {'pool_height': 2, 'pool_width': 2, 'stride': 2}

        # TODO: the forward pass (scores), then, when y is given, the loss and the gradients.
        raise NotImplementedError
