"""Mutants of reference/lab5_cnn.py: one known mistake each, and the checks that must catch it.

From the lab manual and its catalog (seed-003, sections 6 and 12): the forward pass that flattens with
the notebook's global batch_size (`features.view(batch_size, -1)`, which breaks on a partial last batch
and on one image), the output size without the floor or with the padding counted once, F.conv2d given
the layer's weight transposed or without the bias the layer has, the percentage drop divided by the new
count, a CNNClassifier of another architecture (another parameter count), and a confusion matrix with
rows the predicted class. The rest are the slips each exercise invites. The alternatives, which must
score 100 %, are in lab5_cnn_alternatives.py.
"""

from __future__ import annotations

from pathlib import Path

from . import definition, edit, mutant_maker
from .lab5_cnn_alternatives import ALTERNATIVES

REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "lab5_cnn.py"

_mutant = mutant_maker("lab5-cnn")


def _changed(name: str, old: str, new: str) -> str:
    return edit(definition(REFERENCE, name), old, new)


# make_cnn as the class students write, its forward under torch.no_grad() (copied from evaluation code):
# the convolutions never learn.
_NO_GRAD_FEATURES = '''
def make_cnn(channels=(64, 128, 64), hidden=20):
    class ReducedCNN(nn.Module):
        def __init__(self):
            super().__init__()
            c1, c2, c3 = channels
            self.net = nn.Sequential(
                nn.Conv2d(1, c1, 3), nn.ReLU(), nn.MaxPool2d(2, 2),
                nn.Conv2d(c1, c2, 3), nn.ReLU(), nn.MaxPool2d(2, 2),
                nn.Conv2d(c2, c3, 3), nn.ReLU(), nn.MaxPool2d(2, 2))
            self.classification_head = nn.Sequential(nn.Linear(c3, hidden), nn.ReLU(), nn.Linear(hidden, 10))

        def forward(self, x):
            with torch.no_grad():
                features = self.net(x)
            return self.classification_head(features.flatten(1))

    return ReducedCNN()
'''

MUTANTS = (
    # --- the manual's bugs ----------------------------------------------------------------------------
    _mutant("cnn_global_batch_size", "CNNClassifier flattens with the notebook's global batch_size, as the manual "
            "does: features.view(batch_size, -1)", ("cnn.any-batch",),
            CNNClassifier=_changed("CNNClassifier", "features.flatten(1)", "features.view(batch_size, -1)")),
    _mutant("conv_size_no_floor", "conv_out_size divides with / : (h + 2p - k) / s + 1 is not a whole number",
            ("conv-size.table", "conv-size.formula"),
            conv_out_size=_changed("conv_out_size", "(h + 2 * p - k) // s + 1", "(h + 2 * p - k) / s + 1")),
    _mutant("conv_size_padding_once", "conv_out_size counts the padding on one side only",
            ("conv-size.table", "conv-size.formula"),
            conv_out_size=_changed("conv_out_size", "(h + 2 * p - k) // s + 1", "(h + p - k) // s + 1")),
    _mutant("equiv_weight_transposed", "conv_equiv hands F.conv2d the layer's kernels transposed",
            ("conv-equiv.equal",),
            conv_equiv=_changed("conv_equiv", "F.conv2d(x, conv.weight, conv.bias)",
                                "F.conv2d(x, conv.weight.transpose(2, 3), conv.bias)")),
    _mutant("equiv_bias_dropped", "conv_equiv leaves out the bias in F.conv2d ('you may ignore bias') while its "
            "nn.Conv2d has one", ("conv-equiv.equal",),
            conv_equiv=_changed("conv_equiv", "F.conv2d(x, conv.weight, conv.bias)", "F.conv2d(x, conv.weight)")),
    _mutant("drop_pct_by_new", "param_drop_pct divides by the new count", ("reduced.drop-pct",),
            param_drop_pct=_changed("param_drop_pct", "100.0 * (base - new) / base", "100.0 * (base - new) / new")),
    _mutant("cnn_wider_head", "CNNClassifier's head has 32 hidden units, not 20: another architecture, another "
            "parameter count", ("cnn.params",), touches=("cnn.forward",),   # the grader's weights do not fit it
            CNNClassifier=_changed("CNNClassifier", "nn.Linear(64, 20), nn.ReLU(), nn.Linear(20, 10)",
                                   "nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10)")),
    _mutant("confusion_transposed", "confusion counts rows by the predicted class, columns by the true one",
            ("confusion.value",),
            confusion=_changed("confusion", "10 * torch.cat(truth).long() + torch.cat(predicted)",
                              "torch.cat(truth).long() + 10 * torch.cat(predicted)")),
    # --- the slips each exercise invites ----------------------------------------------------------------
    _mutant("conv_demo_flipped_kernel", "conv_demo flips the kernel: a textbook convolution, not F.conv2d's "
            "cross-correlation", ("conv-demo.value",),
            conv_demo=_changed("conv_demo", "w.reshape(1, 1, *w.shape[-2:])",
                               "torch.flip(w, (0, 1)).reshape(1, 1, *w.shape[-2:])")),
    _mutant("conv_demo_positional", "conv_demo calls F.conv2d(x, w, stride, padding): the stride lands in the bias "
            "argument", ("conv-demo.value", "conv-demo.box-sum"),
            conv_demo=_changed("conv_demo", "stride=stride, padding=padding", "stride, padding")),
    _mutant("equiv_same_padding", "conv_equiv pads by 1 on both layers: the outputs agree, but they are not "
            "nn.Conv2d(1, 3, 3)'s", ("conv-equiv.module",),
            conv_equiv=_changed("conv_equiv", "kernel_size=3)", "kernel_size=3, padding=1)").replace(
                "conv.bias)", "conv.bias, padding=1)")),
    _mutant("cnn_avgpool", "CNNClassifier pools by the average, not the maximum", ("cnn.forward",),
            CNNClassifier=definition(REFERENCE, "CNNClassifier").replace("nn.MaxPool2d(2, 2)", "nn.AvgPool2d(2, 2)")),
    _mutant("cnn_reshapes_to_28", "CNNClassifier reshapes its input to (-1, 1, 28, 28) first, as an MNIST MLP "
            "does", ("cnn.input-sizes",),
            CNNClassifier=_changed("CNNClassifier", "features = self.net(x)",
                                   "features = self.net(x.view(-1, 1, 28, 28))")),
    _mutant("count_tensors", "count_params counts the parameter tensors, not their values", ("count.value",),
            count_params=_changed("count_params", "sum(p.numel() for p in model.parameters() if p.requires_grad)",
                                  "len([p for p in model.parameters() if p.requires_grad])")),
    _mutant("make_cnn_ignores_hidden", "make_cnn keeps the manual's 20 hidden units whatever `hidden` says",
            ("reduced.params",),
            make_cnn=_changed("make_cnn", "nn.Linear(c3, hidden), nn.ReLU(), nn.Linear(hidden, 10)",
                              "nn.Linear(c3, 20), nn.ReLU(), nn.Linear(20, 10)")),
    _mutant("make_cnn_no_head_relu", "make_cnn's head has no ReLU between its two Linear layers",
            ("reduced.forward",),
            make_cnn=_changed("make_cnn", "nn.Linear(c3, hidden), nn.ReLU(), nn.Linear(hidden, 10)",
                              "nn.Linear(c3, hidden), nn.Linear(hidden, 10)")),
    _mutant("make_cnn_no_grad_features", "make_cnn's forward computes the features under torch.no_grad(): the "
            "convolutions never learn", ("fashion.learns",),
            make_cnn=_NO_GRAD_FEATURES),
)

__all__ = ["ALTERNATIVES", "MUTANTS", "REFERENCE"]
