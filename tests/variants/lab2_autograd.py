"""Mutants of reference/lab2_autograd.py: one known mistake each, and the checks that must catch it.

Five come from the lab manual's own bugs or invite them (catalog seed-003, section 12): a P1 that
returns the gradient as z (the manual's "for input x = 3.5, will make z = 14": z is 27.5, 14 is
dz/dx), a P1 that reads "dz/dx = 2.2x" as 2.2 times x, an E5 whose y ends in "+ 1" (the manual's
derivation writes +1 for the constant 3), and the autograd slips the lab is about: a tensor made
without requires_grad, .grad read before backward(), .grad read from the output instead of the
input, and one leaf reused over E4's points without zeroing its .grad, so the gradients accumulate.
The others are the slips of hand derivation each exercise invites (E4's sign of cos x among them).
The alternatives, which must score 100 %, are in lab2_autograd_alternatives.py.
"""

from __future__ import annotations

from pathlib import Path

from . import definition, edit, mutant_maker
from .lab2_autograd_alternatives import ALTERNATIVES

REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "lab2_autograd.py"

_mutant = mutant_maker("lab2-autograd")


def _changed(name: str, old: str, new: str) -> str:
    return edit(definition(REFERENCE, name), old, new)


MUTANTS = (
    # --- the manual's bugs, and the autograd mistakes the brief names ------------------------------------
    _mutant("p1_gradient_as_z", "the manual's 'will make z = 14': returns dz/dx where z belongs",
            ("p1.autograd",),
            dz_dx_autograd=_changed("dz_dx_autograd", "return z.item(), x.grad.item()",
                                    "return x.grad.item(), x.grad.item()")),
    _mutant("p1_two_point_two_x", "the manual's 'dz/dx = 2.2x' read as 2.2 times x (it is 2 * 2x)",
            ("p1.manual",),
            dz_dx_manual=_changed("dz_dx_manual", "return 4.0 * x", "return 2.2 * x")),
    _mutant("e5_constant_plus_1", "y = 8x^4 + 3x^3 + 7x^2 + 6x + 1: the manual's '+1' for the constant 3",
            ("e5.autograd",),
            grad_poly_autograd=_changed("grad_poly_autograd", "6 * x + 3", "6 * x + 1")),
    _mutant("e4_sign_of_cos", "E4's analytic gradient with -cos x: -(2x + 2 - cos x) f",
            ("e4.manual",),
            grad_f4_manual=_changed("grad_f4_manual", "2 * x + 2 + np.cos(x)", "2 * x + 2 - np.cos(x)")),
    _mutant("p3_no_requires_grad", "P3's tensor is made without requires_grad: backward() raises",
            ("p3.autograd",),
            dy_dx_autograd=_changed("dy_dx_autograd", "x = _leaf(x)", "x = torch.tensor(float(x))")),
    _mutant("e2_grad_read_before_backward", "E2 reads w.grad before a.backward(): it is None",
            ("e2.autograd",),
            da_dw_relu_autograd='''
            def da_dw_relu_autograd(w, x, b):
                w = _leaf(w)
                a = torch.relu(w * x + b)
                grad = w.grad
                a.backward()
                return a.item(), grad
            '''),
    _mutant("e4_accumulated_gradients", "E4 reuses one leaf over the points and never zeroes its .grad",
            ("e4.autograd",),
            grad_f4_autograd='''
            def grad_f4_autograd(x):
                t = torch.zeros((), dtype=torch.float64, requires_grad=True)
                values, grads = [], []
                for point in x.tolist():
                    with torch.no_grad():
                        t.fill_(point)
                    f = torch.exp(-t ** 2 - 2 * t - torch.sin(t))
                    f.backward()
                    values.append(f.item())
                    grads.append(t.grad.item())
                return torch.tensor(values), torch.tensor(grads)
            '''),
    _mutant("p2_grad_of_output", "P2 returns f.grad, the output's .grad (None), instead of x.grad",
            ("p2.autograd",),
            df_dx_autograd=_changed("df_dx_autograd", "return f.item(), x.grad.item()", "return f.item(), f.grad")),
    # --- slips of hand derivation and of building the graph ------------------------------------------------
    _mutant("p2_no_inner_derivative", "P2's f'(x) = 2x - 2",
            ("p2.manual",),
            df_dx_manual=_changed("df_dx_manual", "2.0 * (x - 2.0)", "2.0 * x - 2.0")),
    _mutant("p3_constant_kept", "P3's dy/dx = 2x + 5: the constant kept",
            ("p3.manual",),
            dy_dx_manual=_changed("dy_dx_manual", "return 2.0 * x", "return 2.0 * x + 5.0")),
    _mutant("p4_sign_of_da_dx", "P4's chain with da/dx = +1: the gradient's sign flips",
            ("p4.manual",),
            grad_sigmoid_manual=_changed("grad_sigmoid_manual", "da_dx = -1.0", "da_dx = 1.0")),
    _mutant("p4_exp_of_plus_x", "P4's autograd graph starts from a = x: sigmoid(-x)",
            ("p4.autograd",),
            grad_sigmoid_autograd=_changed("grad_sigmoid_autograd", "torch.exp(-x)", "torch.exp(x)")),
    _mutant("e1_first_term_2", "E1's dz/da = 2 + 30a: dx/da = 2 left out of the first term",
            ("e1.manual",),
            dz_da_manual=_changed("dz_da_manual", "return 4.0 + 30.0 * a", "return 2.0 + 30.0 * a")),
    _mutant("e1_grad_of_b", "E1 returns b.grad (dz/db) for dz/da",
            ("e1.autograd",),
            dz_da_autograd=_changed("dz_da_autograd", "return z.item(), a.grad.item()",
                                    "return z.item(), b.grad.item()")),
    _mutant("e2_relu_ignored", "E2's da/dw = x everywhere: ReLU's zero slope for v < 0 forgotten",
            ("e2.manual",),
            da_dw_relu_manual=_changed("da_dw_relu_manual", "return float(x) if w * x + b > 0 else 0.0",
                                       "return float(x)")),
    _mutant("e3_no_x", "E3's da/dw = sigma(v)(1 - sigma(v)): the factor dv/dw = x forgotten",
            ("e3.manual",),
            da_dw_sigmoid_manual=_changed("da_dw_sigmoid_manual", "return x * s * (1.0 - s)",
                                          "return s * (1.0 - s)")),
    _mutant("e3_still_relu", "E3's autograd graph still uses E2's ReLU",
            ("e3.autograd",),
            da_dw_sigmoid_autograd=_changed("da_dw_sigmoid_autograd", "torch.sigmoid(", "torch.relu(")),
    _mutant("e5_cube_slip", "E5's dy/dx with 3x^2 for the derivative of 3x^3",
            ("e5.manual",),
            grad_poly_manual=_changed("grad_poly_manual", "9.0 * x ** 2", "3.0 * x ** 2")),
    _mutant("e6_log10", "E6's e = log10(d + 1) in the intermediates, which the hand-derived gradient reuses",
            ("e6.intermediates",),
            touches=("e6.manual",),
            f6_intermediates=_changed("f6_intermediates", "math.log(d + 1.0)", "math.log10(d + 1.0)")),
    _mutant("e6_no_cos", "E6's df/dy without the factor db/dy = cos y",
            ("e6.manual",),
            grads_f6_manual=_changed("grads_f6_manual", " * math.cos(y)", "")),
    _mutant("e6_autograd_order_zyx", "E6's autograd returns the gradient in the order z, y, x",
            ("e6.autograd",),
            grads_f6_autograd=_changed("grads_f6_autograd", "x.grad.item(), y.grad.item(), z.grad.item()",
                                       "z.grad.item(), y.grad.item(), x.grad.item()")),
)

__all__ = ["ALTERNATIVES", "MUTANTS", "REFERENCE"]
