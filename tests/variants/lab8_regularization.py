"""Mutants of reference/lab8_regularization.py: one known mistake each, and the checks that must catch it.

From the lab manual and its catalog (seed-003, sections 8 and 12): the sample's `var` passed to
torch.normal as a variance (here: std squared, where the API says std), "L1 through the optimizer's
weight_decay" (which is L2), lam * sum p**2 for lam/2 * sum p**2 (the decay doubled), dropout with
neither the inverted 1/(1 - p) scaling nor test-time scaling, dropout still active in eval mode, a
mask that keeps with probability p instead of 1 - p, early stopping with ">=" (it stops at 7, not 8,
on the first table) and early stopping that never resets its count on an improvement. The
alternatives, which must score 100 %, are in lab8_regularization_alternatives.py.
"""

from __future__ import annotations

from pathlib import Path

from . import definition, edit, edits, mutant_maker
from .lab8_regularization_alternatives import ALTERNATIVES

REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "lab8_regularization.py"

_mutant = mutant_maker("lab8-regularization")
_TRAIN_STEPS = ("train.l2-weight-decay", "train.l2-manual", "train.l1")


def _changed(name: str, old: str, new: str) -> str:
    return edit(definition(REFERENCE, name), old, new)


MUTANTS = (
    # --- the manual's bugs ----------------------------------------------------------------------------
    _mutant("noise_std_as_variance", "GaussianNoise squares its std, as if torch.normal took a variance",
            ("noise.statistics",),
            GaussianNoise=_changed("GaussianNoise", "torch.normal(self.mean, self.std,",
                                   "torch.normal(self.mean, self.std ** 2,")),
    _mutant("l1_through_weight_decay", "train's 'l1' hands lam to SGD's weight_decay, as the manual's E2(a) asks: "
            "that is L2", ("train.l1",),
            train=edits(definition(REFERENCE, "train"),
                        ('weight_decay=lam if reg == "l2_wd" else 0.0', 'weight_decay=lam if reg in ("l2_wd", "l1") else 0.0'),
                        ('            elif reg == "l1":\n                loss = loss + l1_penalty(model, lam)\n', ""))),
    _mutant("l2_penalty_doubled", "l2_penalty is lam * sum p**2: twice the decay of weight_decay=lam",
            ("l2.value",), touches=("train.l2-manual",),   # train's 'l2_manual' adds the very penalty
            l2_penalty=_changed("l2_penalty", "return lam / 2 * sum(", "return lam * sum(")),
    _mutant("dropout_no_scaling", "MyDropout multiplies by the mask only: neither 1/(1 - p) in training nor "
            "1 - p at test time", ("my-dropout.expectation",),
            MyDropout=_changed("MyDropout", "return x * mask / (1 - self.p)", "return x * mask")),
    _mutant("dropout_active_in_eval", "MyDropout drops in eval mode too", ("my-dropout.modes",),
            MyDropout=_changed("MyDropout", "if not self.training or self.p == 0:", "if self.p == 0:")),
    _mutant("dropout_keeps_with_p", "MyDropout's mask keeps an element with probability p, not 1 - p",
            ("my-dropout.expectation",),
            MyDropout=_changed("MyDropout", "torch.full_like(x, 1 - self.p)", "torch.full_like(x, self.p)")),
    _mutant("early_stop_greater_equal", "early_stopping_epoch stops when the count reaches patience (>=): at 7, "
            "not 8, on the first table", ("early-stopping.golden", "early-stopping.value"),
            early_stopping_epoch=_changed("early_stopping_epoch", "if waited > patience:", "if waited >= patience:")),
    _mutant("early_stop_never_resets", "early_stopping_epoch keeps counting after an improvement",
            ("early-stopping.golden", "early-stopping.value"),
            early_stopping_epoch=_changed("early_stopping_epoch", "best, best_epoch, waited = loss, epoch, 0",
                                          "best, best_epoch = loss, epoch")),
    # --- the slips each exercise invites ----------------------------------------------------------------
    _mutant("noise_numpy_float64", "GaussianNoise adds numpy's float64 noise: a float32 image comes back float64",
            ("noise.shape",),
            GaussianNoise=_changed("GaussianNoise", "return img + torch.normal(self.mean, self.std, img.size(), dtype=img.dtype)",
                                   "import numpy as np\n        return img + torch.from_numpy(np.random.normal("
                                   "self.mean, self.std, tuple(img.size())))")),
    _mutant("transforms_ignore_augment", "make_transforms(True) leaves out the augmentation", ("transforms.augment",),
            make_transforms=_changed("make_transforms", "    if not augment:\n", "    if True:\n")),
    _mutant("transforms_always_augment", "make_transforms(False) augments too", ("transforms.plain",),
            make_transforms=_changed("make_transforms", "    if not augment:\n", "    if False:\n")),
    _mutant("l2_penalty_weights_only", "l2_penalty leaves the biases out", ("l2.value",),
            touches=("train.l2-manual",),
            l2_penalty=_changed("l2_penalty", "for p in model.parameters())", "for p in model.parameters() if p.dim() > 1)")),
    _mutant("l1_penalty_squares", "l1_penalty sums p**2, not |p|", ("l1.value",), touches=("train.l1",),
            l1_penalty=_changed("l1_penalty", "p.abs().sum()", "(p ** 2).sum()")),
    _mutant("train_manual_penalty_ignored", "train's 'l2_manual' computes the penalty but steps on the data loss",
            ("train.l2-manual",),
            train=_changed("train", "loss = loss + l2_penalty(model, lam)", "penalty = l2_penalty(model, lam)")),
    _mutant("train_no_weight_decay", "train's 'l2_wd' builds SGD without weight_decay", ("train.l2-weight-decay",),
            train=_changed("train", 'weight_decay=lam if reg == "l2_wd" else 0.0', "weight_decay=0.0")),
    _mutant("net_fixed_dropout_rate", "make_net ignores p_drop: nn.Dropout(0.5) always", ("dropout-net.train",),
            touches=_TRAIN_STEPS,   # the grader steps make_net(0.0): its dropout makes the step random
            make_net=_changed("make_net", "nn.Dropout(p_drop), nn.Linear", "nn.Dropout(0.5), nn.Linear")),
    _mutant("net_functional_dropout", "make_net's dropout is F.dropout(x, p) in forward, on in eval mode too",
            ("dropout-net.eval",),
            make_net=_changed("make_net", '    return nn.Sequential(\n',
                              "    class AlwaysDropout(nn.Module):\n        def forward(self, x):\n"
                              "            return F.dropout(x, p_drop)\n\n    return nn.Sequential(\n").replace(
                                  "nn.Dropout(p_drop), nn.Linear", "AlwaysDropout(), nn.Linear")),
    _mutant("net_without_dropout", "make_net has no dropout layer", ("dropout-net.train",),
            make_net=_changed("make_net", "nn.Dropout(p_drop), nn.Linear(32, 2))", "nn.Linear(32, 2))")),
    _mutant("dropout_scale_by_p", "MyDropout scales the kept values by 1/p, not 1/(1 - p)",
            ("my-dropout.kept-values", "my-dropout.expectation"),
            MyDropout=_changed("MyDropout", "return x * mask / (1 - self.p)", "return x * mask / self.p")),
    _mutant("dropout_detached", "MyDropout masks x.detach(): no gradient reaches x", ("my-dropout.gradient",),
            MyDropout=_changed("MyDropout", "return x * mask / (1 - self.p)", "return x.detach() * mask / (1 - self.p)")),
    _mutant("stopper_ties_improve", "EarlyStopper counts a tie as an improvement (<=)", ("stopper.steps",),
            EarlyStopper=_changed("EarlyStopper", "if val_loss < self.best - self.min_delta:",
                                  "if val_loss <= self.best - self.min_delta:")),
)

__all__ = ["ALTERNATIVES", "MUTANTS", "REFERENCE"]
