"""Mutants of reference/cs231n_convnet.py: one known mistake of ThreeLayerConvNet each, and the checks that
must catch it. The reference holds the grader's copy of the layers too (a submission's cnn.py imports
the student's cs231n/layers.py), so each variant is a whole submission. The alternatives, which must score
100 %, are in cs231n_convnet_alternatives: among them a correct cnn.py on a wrong conv layer, which must
lose no convnet points (cs231n-layers charges it), and pool before relu, which is no mistake at all (relu
and max pooling commute).
"""

from __future__ import annotations

from pathlib import Path

from . import definition, edits, mutant_maker
from .cs231n_convnet_alternatives import ALTERNATIVES

REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "cs231n_convnet.py"

_mutant = mutant_maker("cs231n-convnet")
_NET = definition(REFERENCE, "ThreeLayerConvNet")


def _net(*changes: tuple[str, str]) -> str:
    return edits(_NET, *changes)


_LOSS_CHECKS = ("loss.data", "loss.reg", "loss.sanity", "gradients.numeric", "training.overfit")

MUTANTS = [
    _mutant("reg_on_biases", "the L2 term (and its gradient) includes the biases", ("loss.reg",),
            ThreeLayerConvNet=_net(
                ("loss += 0.5 * self.reg * (np.sum(W1 * W1) + np.sum(W2 * W2) + np.sum(W3 * W3))",
                 "loss += 0.5 * self.reg * sum(np.sum(v * v) for v in self.params.values())"),
                ("        return loss, grads\n",
                 "        for k in ('b1', 'b2', 'b3'):\n            grads[k] += self.reg * self.params[k]\n"
                 "        return loss, grads\n"))),
    _mutant("reg_without_half", "reg * sum(W^2) in the loss, reg * W in the gradient: inconsistent",
            ("loss.reg", "gradients.numeric"),
            ThreeLayerConvNet=_net(("loss += 0.5 * self.reg * (", "loss += self.reg * ("))),
    _mutant("no_padding", "the convolution without padding (pad 0), W2 sized for the smaller maps",
            ("params.shapes", "scores.forward"), touches=_LOSS_CHECKS,
            ThreeLayerConvNet=_net(
                ('self.params["W2"] = weight_scale * np.random.randn(num_filters * (H // 2) * (W // 2), hidden_dim)',
                 'self.params["W2"] = weight_scale * np.random.randn(\n'
                 '            num_filters * ((H - filter_size + 1) // 2) * ((W - filter_size + 1) // 2), hidden_dim)'),
                ('conv_param = {"stride": 1, "pad": (W1.shape[2] - 1) // 2}', 'conv_param = {"stride": 1, "pad": 0}'))),
    _mutant("hidden_without_relu", "the hidden affine layer's output used without its relu",
            ("scores.forward", "loss.data", "loss.reg"), touches=("training.overfit",),
            ThreeLayerConvNet=_net(("h2, relu2_cache = relu_forward(a2)", "h2, relu2_cache = a2, a2 > -np.inf"),
                                   ("da2 = relu_backward(dh2, relu2_cache)", "da2 = dh2"))),
    _mutant("weight_scale_as_variance", "weights drawn with standard deviation sqrt(weight_scale)",
            ("params.init",),
            ThreeLayerConvNet=_net(("        C, H, W = input_dim\n",
                                    "        C, H, W = input_dim\n        weight_scale = np.sqrt(weight_scale)\n"))),
    _mutant("random_biases", "the biases drawn like the weights instead of zeros", ("params.init",),
            ThreeLayerConvNet=_net(('self.params["b1"] = np.zeros(num_filters)',
                                    'self.params["b1"] = weight_scale * np.random.randn(num_filters)'),
                                   ('self.params["b2"] = np.zeros(hidden_dim)',
                                    'self.params["b2"] = weight_scale * np.random.randn(hidden_dim)'))),
    _mutant("loss_not_averaged", "the data loss and its gradient summed over the samples, not averaged",
            ("loss.data", "loss.sanity"), touches=("loss.reg", "training.overfit"),
            ThreeLayerConvNet=_net(("        loss, dscores = softmax_loss(scores, y)\n",
                                    "        loss, dscores = softmax_loss(scores, y)\n"
                                    "        loss, dscores = loss * len(y), dscores * len(y)\n"))),
    _mutant("dW3_without_reg", "grads['W3'] without the regularisation's reg * W3", ("loss.reg", "gradients.numeric"),
            ThreeLayerConvNet=_net(('        grads["W3"] += self.reg * W3\n', ""))),
    _mutant("scores_are_probabilities", "loss(X) returns the softmax probabilities instead of the scores",
            ("scores.forward",),
            ThreeLayerConvNet=_net(("        if y is None:\n            return scores\n",
                                    "        if y is None:\n            e = np.exp(scores - scores.max(axis=1, keepdims=True))\n"
                                    "            return e / e.sum(axis=1, keepdims=True)\n"))),
    _mutant("b2_forgotten", "the hidden affine layer's bias b2 left out of the forward pass (db2 still returned)",
            ("scores.forward", "loss.data", "loss.reg", "gradients.numeric"),
            ThreeLayerConvNet=_net(("a2, fc2_cache = affine_forward(p1, W2, b2)",
                                    "a2, fc2_cache = affine_forward(p1, W2, 0 * b2)"))),
    _mutant("gradient_ascent", "the softmax gradient taken as one-hot minus probabilities: every gradient has "
            "the wrong sign, so descent climbs the loss", ("loss.data", "gradients.numeric", "training.overfit"),
            touches=("loss.reg",),
            ThreeLayerConvNet=_net(("        loss, dscores = softmax_loss(scores, y)\n",
                                    "        loss, dscores = softmax_loss(scores, y)\n        dscores = -dscores\n"))),
]

__all__ = ["ALTERNATIVES", "MUTANTS", "REFERENCE"]
