"""Mutants of reference/lab3_regression.py: one known mistake each, and the checks that must catch it.

From the lab manual's own bugs (catalog seed-003, section 12): RegressionModel drawn with torch.rand
instead of starting at 1, criterion written beside the class instead of as its member, a gradient
whose sign follows the residual's convention (the loss squares (y - yp), so its gradient does not
change: A1), training on separable logistic data with the learning rate that leaves the boundary short
of the classes, gradients never zeroed between epochs, and a learning-rate slip that changes E1's
golden values. The alternatives, which must score 100 %, are in lab3_regression_alternatives.py.
"""

from __future__ import annotations

from pathlib import Path

from . import definition, edit, edits, mutant_maker
from .lab3_regression_alternatives import ALTERNATIVES

REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "lab3_regression.py"

_mutant = mutant_maker("lab3-regression")


def _changed(name: str, old: str, new: str) -> str:
    return edit(definition(REFERENCE, name), old, new)


MUTANTS = (
    # --- the manual's bugs ----------------------------------------------------------------------------
    _mutant("init_rand", "RegressionModel draws w and b with torch.rand, as the manual's code does, not 1",
            ("regression-model.init", "regression-model.training"),
            RegressionModel=_changed("RegressionModel", "self.w = torch.ones(1, requires_grad=True)",
                                     "self.w = torch.rand(1, requires_grad=True)")),
    _mutant("criterion_not_member", "criterion(y, yp) is a function beside the class, as in the manual's code",
            ("regression-model.criterion",),
            RegressionModel=_changed("RegressionModel", "    def criterion(self, y, yp):\n"
                                                        "        return ((yp - y) ** 2).mean()\n", ""),
            train_regression=edits(definition(REFERENCE, "train_regression"),
                                   ("    model = RegressionModel()\n", "    model = RegressionModel()\n\n"
                                    "    def criterion(y, yp):\n        return ((yp - y) ** 2).mean()\n\n"),
                                   ("model.criterion(y, model.forward(x))", "criterion(y, model.forward(x))"))),
    _mutant("gradient_sign_flipped", "(y - yp) taken for the residual in the gradient too: the step goes uphill",
            ("gradient-step.golden", "gradient-step.value"),
            gradient_step=_changed("gradient_step", "residual = w * x + b - y", "residual = y - w * x - b")),
    _mutant("no_zero_grad", "train_linear never calls optimizer.zero_grad(): the gradients add up over epochs",
            ("linear-module.train-linear",),
            train_linear=_changed("train_linear", "            optimizer.zero_grad()\n", "")),
    _mutant("no_reset_grad", "train_regression never calls reset_grad(): the gradients add up over epochs",
            ("regression-model.training",),
            train_regression=_changed("train_regression", "        model.reset_grad()\n", "")),
    _mutant("logistic_lr_slip", "train_logistic trains with lr 0.01 whatever it is given: after 1000 epochs "
            "on the separable data the boundary is 24.25, short of x = 25",
            ("logistic.train-logistic",),
            train_logistic=_changed("train_logistic", "lr=lr)", "lr=0.01)")),
    _mutant("linreg_lr_slip", "train_linreg steps with lr 0.01 whatever it is given",
            ("linreg.golden", "linreg.value"),
            train_linreg=_changed("train_linreg", "w -= lr * w.grad\n            b -= lr * b.grad",
                                  "w -= 0.01 * w.grad\n            b -= 0.01 * b.grad")),
    # --- the slips each exercise invites ----------------------------------------------------------------
    _mutant("forward_no_bias", "RegressionModel.forward returns w * x, without b",
            ("regression-model.forward", "regression-model.training"),
            RegressionModel=_changed("RegressionModel", "return self.w * x + self.b", "return self.w * x")),
    _mutant("module_zero_init", "LinearRegressionModel starts from w = b = 0",
            ("linear-module.parameters", "linear-module.trains", "linear-module.train-linear"),
            LinearRegressionModel=edits(definition(REFERENCE, "LinearRegressionModel"),
                                        ("self.w = nn.Parameter(torch.ones(1))", "self.w = nn.Parameter(torch.zeros(1))"),
                                        ("self.b = nn.Parameter(torch.ones(1))", "self.b = nn.Parameter(torch.zeros(1))"))),
    _mutant("dataset_swapped", "RegressionDataset returns (y[i], x[i])",
            ("linear-module.train-linear",),
            RegressionDataset=_changed("RegressionDataset", "return self.x[i], self.y[i]", "return self.y[i], self.x[i]")),
    _mutant("nn_linear_default_init", "LinearNN keeps nn.Linear's random initialisation",
            ("nn-linear.architecture", "nn-linear.trains"),
            LinearNN=_changed("LinearNN", "        nn.init.ones_(self.linear.weight)\n"
                                          "        nn.init.ones_(self.linear.bias)\n", "")),
    _mutant("multiple_no_intercept", "multiple_regression fits y ~ X w without an intercept (b = 0)",
            ("multiple.golden", "multiple.value"),
            multiple_regression=edits(definition(REFERENCE, "multiple_regression"),
                                      ("torch.cat([X, torch.ones(len(X), 1, dtype=torch.float64)], dim=1)", "X"),
                                      ("return solution[:-1], solution[-1].item()", "return solution, 0.0"))),
    _mutant("logistic_no_sigmoid", "LogisticRegressionModel returns w x + b, no sigmoid",
            ("logistic.forward", "logistic.boundary", "logistic.train-logistic"),
            LogisticRegressionModel=_changed("LogisticRegressionModel", "return torch.sigmoid(self.linear(x))",
                                             "return self.linear(x)")),
)

__all__ = ["ALTERNATIVES", "MUTANTS", "REFERENCE"]
