import numpy as np

from cs231n.layers import *
from cs231n.fast_layers import *
from cs231n.layer_utils import *


class ThreeLayerConvNet(object):
    """conv - relu - 2x2 max pool - affine - relu - affine - softmax"""

    def __init__(self, input_dim=(3, 32, 32), num_filters=32, filter_size=7,
                 hidden_dim=100, num_classes=10, weight_scale=1e-3, reg=0.0,
                 dtype=np.float32):
        self.params = {}
        self.reg = reg
        self.dtype = dtype
        C, H, W = input_dim
        pooled = num_filters * (H // 2) * (W // 2)
        self.params['W1'] = np.random.normal(0.0, weight_scale, (num_filters, C, filter_size, filter_size))
        self.params['W2'] = np.random.normal(0.0, weight_scale, (pooled, hidden_dim))
        self.params['W3'] = np.random.normal(0.0, weight_scale, (hidden_dim, num_classes))
        self.params['b1'] = np.zeros(num_filters)
        self.params['b2'] = np.zeros(hidden_dim)
        self.params['b3'] = np.zeros(num_classes)
        for k, v in self.params.items():
            self.params[k] = v.astype(dtype)

    def loss(self, X, y=None):
        W1, b1 = self.params['W1'], self.params['b1']
        W2, b2 = self.params['W2'], self.params['b2']
        W3, b3 = self.params['W3'], self.params['b3']
        filter_size = W1.shape[2]
        conv_param = {'stride': 1, 'pad': (filter_size - 1) // 2}
        pool_param = {'pool_height': 2, 'pool_width': 2, 'stride': 2}

        conv_out, conv_cache = conv_forward_fast(X, W1, b1, conv_param)
        relu1_out, relu1_cache = relu_forward(conv_out)
        pool_out, pool_cache = max_pool_forward_fast(relu1_out, pool_param)
        fc1_out, fc1_cache = affine_forward(pool_out, W2, b2)
        relu2_out, relu2_cache = relu_forward(fc1_out)
        scores, fc2_cache = affine_forward(relu2_out, W3, b3)

        if y is None:
            return scores

        grads = {}
        loss, dscores = softmax_loss(scores, y)
        # L2 regularization
        loss += self.reg * (np.sum(W1 * W1) + np.sum(W2 * W2) + np.sum(W3 * W3))

        drelu2, grads['W3'], grads['b3'] = affine_backward(dscores, fc2_cache)
        dfc1 = relu_backward(drelu2, relu2_cache)
        dpool, grads['W2'], grads['b2'] = affine_backward(dfc1, fc1_cache)
        drelu1 = max_pool_backward_fast(dpool, pool_cache)
        dconv = relu_backward(drelu1, relu1_cache)
        dx, grads['W1'], grads['b1'] = conv_backward_fast(dconv, conv_cache)

        grads['W1'] += self.reg * W1
        grads['W2'] += self.reg * W2
        grads['W3'] += self.reg * W3
        return loss, grads
