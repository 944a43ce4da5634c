"""Mutants of reference/sparse_autoencoder.py: one known mistake each, and the checks that must catch it.

The first four are the mistakes of the seed's own submission (catalog section 5, rows 1-4): min and
max swapped in Normalize (intensities inverted, range still right), an extra ½ in the MSE gradient,
the λW gradient divided by N, and the KL term with one scalar ρ̂ and N hard-coded. The others are
slips of the same kind: BGR channel order, one mean for the whole set, clipping at ±3 instead of
±3σ, the biases regularised, the KL gradient's sign, weights that start at zero or beyond the
bound (the writeup's misprint 6/sqrt(L_pre + L_post)), σ' taken of the pre-activation, Jgrad in
another order than We, a forward that forgets b2, Keras's λΣW² without the ½, and a gradient step
that never reaches self.W_e. Each mutant is the reference with one or two lines changed, written
the way a student would. The alternatives, which must score 100 %, are in
sparse_autoencoder_alternatives.
"""

from __future__ import annotations

from pathlib import Path

from . import Variant, definition, edit, edits, mutant_maker
from .sparse_autoencoder_alternatives import ALTERNATIVES

REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "sparse_autoencoder.py"

_mutant = mutant_maker("sparse-autoencoder")
_PREP = definition(REFERENCE, "ImagePreprocessing")
_AE = definition(REFERENCE, "Autoencoder")
_MSE = definition(REFERENCE, "MSE")
_TIK = definition(REFERENCE, "TykhonowRegularization")
_KL = definition(REFERENCE, "KL_divergence")
_COST = definition(REFERENCE, "aeCost")
# Every check that grades aeCost's gradients: a mistake in a term's gradient reaches all of them.
_GRADIENTS = ("aecost.gradient", "aecost.bias-gradients", "aecost.finite-differences")

MUTANTS: tuple[Variant, ...] = (
    # --- the seed's own mistakes (catalog section 5, rows 1-4) ---
    _mutant("normalize_min_max_swapped", "min and max swapped: (data - max) / (min - max), intensities inverted",
            ("preprocess.normalize",),
            ImagePreprocessing=edit(_PREP, "low, high = data.min(), data.max()", "low, high = data.max(), data.min()")),
    _mutant("mse_gradient_extra_half", "the MSE gradient keeps the ½ of the value: ½ (pred - label) / N",
            ("loss.mse", *_GRADIENTS),
            MSE=edit(_MSE, "return (pred - label) / n", "return 0.5 * (pred - label) / n")),
    _mutant("tikhonov_gradient_over_n", "λW divided by N along with the data term",
            ("aecost.gradient", "aecost.finite-differences"),
            aeCost=edits(_COST, ('dW2 = A1.T @ dZ2 + tikhonov["dW2"]', 'dW2 = A1.T @ dZ2 + tikhonov["dW2"] / len(X)'),
                         ('dW1 = X.T @ dZ1 + tikhonov["dW1"]', 'dW1 = X.T @ dZ1 + tikhonov["dW1"] / len(X)'))),
    _mutant("kl_scalar_rho_hat_fixed_n", "ρ̂ = np.mean(A1), one scalar for all units, and N = 10240 in np.tile",
            ("loss.kl",), touches=("aecost.value", *_GRADIENTS, "train.lowers-cost"),
            KL_divergence=edits(_KL, ("rho_hat = A1.mean(axis=0)", "rho_hat = np.mean(A1)"),
                                ("(1.0 - rho_hat)) / n", "(1.0 - rho_hat)) / 10240"),
                                ("np.tile(per_unit, (n, 1))", "np.tile(per_unit, (10240, 1))"))),
    # --- preprocessing slips ---
    _mutant("gray_bgr", "the luminosity weights on B, G, R (OpenCV's order)", ("preprocess.gray",),
            ImagePreprocessing=edit(_PREP, "data[..., 0] * 0.2126 + data[..., 1] * 0.7152 + data[..., 2] * 0.0722",
                                    "data[..., 2] * 0.2126 + data[..., 1] * 0.7152 + data[..., 0] * 0.0722")),
    _mutant("mean_of_the_whole_set", "one mean of all images removed from each", ("preprocess.mean-removal",),
            ImagePreprocessing=edit(_PREP, "means = data.reshape(len(data), -1).mean(axis=1)",
                                    "means = np.full(len(data), data.mean())")),
    _mutant("clip_at_three", "np.clip(data, -std_scaler, std_scaler): ±3, not ±3σ", ("preprocess.clip",),
            ImagePreprocessing=edit(_PREP, "bound = std_scaler * np.std(data)", "bound = std_scaler")),
    # --- initialisation ---
    _mutant("init_zeros", "W1 and W2 start at zero: every hidden unit alike forever", ("init.random",),
            Autoencoder=edits(_AE, ('"W1": np.random.uniform(-bound, bound, (input_size, hidden_size))',
                                    '"W1": np.zeros((input_size, hidden_size))'),
                              ('"W2": np.random.uniform(-bound, bound, (hidden_size, input_size))',
                               '"W2": np.zeros((hidden_size, input_size))'))),
    _mutant("init_bound_misprint", "the writeup's bound 6 / sqrt(L_in + L_hid) instead of sqrt(6 / (L_in + L_hid))",
            ("init.shapes",),
            Autoencoder=edit(_AE, "bound = np.sqrt(6.0 / (input_size + hidden_size))",
                             "bound = 6.0 / np.sqrt(input_size + hidden_size)")),
    # --- forward and the loss terms ---
    _mutant("forward_without_b2", "the output bias is never added", ("forward.values",),
            Autoencoder=edit(_AE, 'Z2 = A1 @ self.W_e["W2"] + self.W_e["b2"]', 'Z2 = A1 @ self.W_e["W2"]')),
    _mutant("tikhonov_without_half", "Keras's l2(λ): λΣW² without the ½", ("loss.tikhonov", "aecost.value"),
            TykhonowRegularization=edit(_TIK, "return 0.5 * lambd * (", "return lambd * (")),
    _mutant("kl_gradient_sign", "the KL gradient's sign flipped: ρ/ρ̂ − (1 − ρ)/(1 − ρ̂)",
            ("loss.kl", *_GRADIENTS), touches=("train.lowers-cost",),
            KL_divergence=edit(_KL, "beta * (-rho / rho_hat + (1.0 - rho) / (1.0 - rho_hat))",
                               "beta * (rho / rho_hat - (1.0 - rho) / (1.0 - rho_hat))")),
    # --- aeCost ---
    _mutant("biases_regularised", "the Tikhonov term includes b1 and b2, in J and in their gradients",
            ("aecost.value", "aecost.bias-gradients", "aecost.finite-differences"),
            aeCost=edits(_COST, ("+ KL_divergence(rho, beta, A1)\n",
                                 "+ KL_divergence(rho, beta, A1)\n"
                                 "    J += 0.5 * lambd * (np.sum(b1 ** 2) + np.sum(b2 ** 2))\n"),
                         ("db2 = dZ2.sum(axis=0, keepdims=True)", "db2 = dZ2.sum(axis=0, keepdims=True) + lambd * b2"),
                         ("db1 = dZ1.sum(axis=0, keepdims=True)", "db1 = dZ1.sum(axis=0, keepdims=True) + lambd * b1"))),
    _mutant("sigmoid_derivative_of_z", "σ'(z) computed as z(1 − z) from the pre-activation, not σ(z)(1 − σ(z))",
            _GRADIENTS, touches=("train.lowers-cost",),
            aeCost=edits(_COST, ("* sigmoid(Z2, grad=True)", "* Z2 * (1.0 - Z2)"),
                         ("* sigmoid(Z1, grad=True)", "* Z1 * (1.0 - Z1)"))),
    _mutant("jgrad_in_layer_order", "Jgrad returned as [dW1, db1, dW2, db2], not in We's order",
            _GRADIENTS, touches=("train.lowers-cost",),
            aeCost=edit(_COST, 'return J, {"W1": dW1, "W2": dW2, "b1": db1, "b2": db2}',
                        "return J, [dW1, db1, dW2, db2]")),
    # --- training ---
    _mutant("step_rebinds_a_local", "the update makes a new array on a loop variable: self.W_e never changes",
            ("train.lowers-cost",),
            Autoencoder=edits(_AE, ("for key in self.W_e:\n", "for key, W in self.W_e.items():\n"),
                              ("self.W_e[key] = self.W_e[key] - self.learning_rate * grads[key]",
                               "W = W - self.learning_rate * grads[key]"))),
)

__all__ = ["ALTERNATIVES", "MUTANTS", "REFERENCE"]
