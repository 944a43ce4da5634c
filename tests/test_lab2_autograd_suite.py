"""The lab2-autograd suite can pass and can fail (tests/variants/contract.py: the reference and every
alternative score 100 %, every mutant fails the checks that name its mistake); the reference gives
the lab manual's printed numbers and the catalog's table values; and the example class is graded
through the CLI and real worker processes, the way an instructor does.
"""

from __future__ import annotations

import json
import math

import pytest
import torch

import variants.lab2_autograd
from grader.cli import main
from grader.spec import find_assignment, load_assignment
from variants.contract import Subject, SuiteContract, student_facing_internals

SUBJECT = Subject("lab2-autograd", variants.lab2_autograd, reference="reference.lab2_autograd")
EXAMPLES = SUBJECT.examples


class TestSuiteContract(SuiteContract):
    subject = SUBJECT


def test_the_manuals_bugs_are_mutants():
    """The lab manual's bugs and the autograd mistakes it invites are among the mutants, each
    charged to the check of its own exercise (catalog seed-003, sections 3 and 12)."""
    mutants = {m.name: m for m in SUBJECT.mutants}
    expected = {"p1_gradient_as_z": "p1.autograd",              # "will make z = 14": 14 is dz/dx
                "p1_two_point_two_x": "p1.manual",              # "dz/dx = 2.2x" is 2 * 2x
                "e5_constant_plus_1": "e5.autograd",            # the derivation's "+1" for the constant 3
                "e4_sign_of_cos": "e4.manual",                  # a sign slip in E4's analytic gradient
                "p3_no_requires_grad": "p3.autograd",           # backward() on a tensor autograd does not track
                "e2_grad_read_before_backward": "e2.autograd",  # .grad is None before backward()
                "e4_accumulated_gradients": "e4.autograd"}      # one leaf, never zeroed
    for name, check in expected.items():
        assert mutants[name].must_fail == (f"lab2-autograd.{check}",), name


# The catalog's numbers (seed-003, section 3 and section 13), point -> (value, derivative).
GOLDEN = {
    "dz_dx_autograd": {(3.5,): (27.5, 14.0)},
    "df_dx_autograd": {(1.0,): (1.0, -2.0)},
    "dy_dx_autograd": {(2.0,): (9.0, 4.0)},
    "grad_sigmoid_autograd": {(2.0,): (0.8807970779778823, 0.10499358540350662)},
    "dz_da_autograd": {(1.0, 1.0): (34.0, 34.0), (2.0, 3.0): (329.0, 64.0), (0.5, -1.0): (-9.25, 19.0)},
    "da_dw_relu_autograd": {(2.0, 3.0, 1.0): (7.0, 3.0), (0.5, 2.0, -0.3): (0.7, 2.0), (-1.0, 2.0, 0.5): (0.0, 0.0)},
    "da_dw_sigmoid_autograd": {(2.0, 3.0, 1.0): (0.9990890, 0.00273066), (0.5, 2.0, -0.3): (0.6681877, 0.44342575),
                               (-1.0, 2.0, 0.5): (0.1824255, 0.29829290)},
    "grad_poly_autograd": {(2.0,): (195.0, 326.0)},
}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_the_reference_gives_the_manuals_numbers(name):
    for point, expected in GOLDEN[name].items():
        assert getattr(SUBJECT.reference, name)(*point) == pytest.approx(expected, rel=1e-6, abs=1e-7), point
        manual = getattr(SUBJECT.reference, name.replace("_autograd", "_manual"))(*point)
        assert manual == pytest.approx(expected[1], rel=1e-6, abs=1e-7), point


def test_the_reference_gives_the_catalogs_tables():
    ref = SUBJECT.reference
    # P4: the manual's hand chain prints 0.1049935854035065; float32 autograd gives 0.10499356687068939
    assert ref.grad_sigmoid_manual(2.0) == pytest.approx(0.1049935854035065, abs=1e-15)
    x32 = torch.tensor(2.0, requires_grad=True)
    torch.sigmoid(x32).backward()
    assert x32.grad.item() == pytest.approx(ref.grad_sigmoid_manual(2.0), abs=1e-7)
    assert [ref.grad_poly_manual(x) for x in (0.0, 1.0, -1.0, 3.0)] == [6.0, 61.0, -31.0, 993.0]
    points = torch.tensor([0.0, 1.0, -1.0, 0.5, 2.0])
    f, grad = ref.grad_f4_autograd(points)
    assert f.tolist() == pytest.approx([1.0, 0.021462008, 6.3058072, 0.17738628, 1.3512674e-4], rel=1e-7)
    assert grad.tolist() == pytest.approx([-3.0, -0.097444004, -3.4070422, -0.68782995, -7.5452786e-4], rel=1e-7)
    assert ref.grad_f4_manual(points).tolist() == pytest.approx(grad.tolist(), rel=1e-12)
    # E6 at (0.5, pi/2, 2): exactly f = 0.8 and the gradient (0.48, 0, 0.12)
    nodes = ref.f6_intermediates(0.5, math.pi / 2, 2.0)
    assert [nodes[k] for k in "abcdef"] == pytest.approx([1, 1, 1, 2, math.log(3), 0.8], abs=1e-12)
    assert ref.grads_f6_manual(0.5, math.pi / 2, 2.0) == pytest.approx((0.48, 0.0, 0.12), abs=1e-12)
    assert ref.grads_f6_autograd(0.5, math.pi / 2, 2.0) == pytest.approx((0.8, 0.48, 0.0, 0.12), abs=1e-12)
    for point, gradient in {(1.0, 1.0, 1.0): (0.2086996, -0.1340045, 0.2086996),
                            (2.0, 1.0, 3.0): (0.00795653, -0.01021766, 0.00530435)}.items():
        assert ref.grads_f6_manual(*point) == pytest.approx(gradient, rel=1e-6), point


@pytest.mark.slow
def test_the_example_class_is_graded_by_the_cli_in_seconds(tmp_path):
    """The instructor's path: worker processes, a script that prints, plots and experiments at the top
    level (none of which runs), a notebook with the manual's mistakes, and a notebook with shell escapes,
    magics and the names of the assignment's aliases."""
    assert main(["grade", str(EXAMPLES), "-a", "lab2-autograd", "-o", str(tmp_path), "-j", "1"]) == 0
    assert not student_facing_internals(tmp_path, load_assignment(find_assignment("lab2-autograd")))
    graded, durations = {}, {}
    for path in tmp_path.glob("*.json"):
        result = json.loads(path.read_text())
        failed = {c["id"].removeprefix("lab2-autograd.") for e in result["exercises"] for c in e["checks"]
                  if c["status"] != "passed"}
        durations[result["student"]] = result["duration_s"]
        graded[result["student"]] = (sum(c["earned"] for e in result["exercises"] for c in e["checks"]), failed,
                                     " ".join(n["what"] for n in result["load_notes"]))
    correct, buggy, aliases = "mehtaanika", "rao_vikram", "kowalczyk_ewa_48122"
    assert set(graded) == {correct, buggy, aliases}, set(graded)
    assert graded[correct][:2] == (100, set()), graded[correct]
    assert graded[aliases][:2] == (100, set()), graded[aliases]
    # z returned as 14 (P1), the manual's nested quote (a SyntaxError: P2's cell is skipped), one leaf
    # reused over E4's points without zeroing
    lost = {"p1.autograd": 3, "p2.manual": 3, "p2.autograd": 3, "e4.autograd": 7}
    assert graded[buggy][:2] == (100 - sum(lost.values()), set(lost)), graded[buggy]
    assert "SyntaxError" in graded[buggy][2], graded[buggy][2]
    assert max(durations.values()) < 60, durations
