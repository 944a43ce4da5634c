"""The lab3-regression suite can pass and can fail (tests/variants/contract.py: the reference and every
alternative score 100 %, every mutant fails the checks that name its mistake); the reference gives
the catalog's golden values; and the example class is graded through the CLI and real worker
processes, the way an instructor does.
"""

from __future__ import annotations

import json

import pytest

import variants.lab3_regression
from grader.cli import main
from grader.spec import find_assignment, load_assignment
from variants.contract import Subject, SuiteContract, student_facing_internals

SUBJECT = Subject("lab3-regression", variants.lab3_regression, reference="reference.lab3_regression")
EXAMPLES = SUBJECT.examples


class TestSuiteContract(SuiteContract):
    subject = SUBJECT


def test_the_manuals_bugs_are_mutants():
    """The lab manual's bugs (catalog seed-003, section 12, items 6-8) and the slips the brief names are
    among the mutants, each charged to the checks of its own exercise."""
    mutants = {m.name: m for m in SUBJECT.mutants}
    expected = {"init_rand": ("regression-model.init", "regression-model.training"),       # torch.rand, not 1
                "criterion_not_member": ("regression-model.criterion",),                    # a function beside the class
                "gradient_sign_flipped": ("gradient-step.golden", "gradient-step.value"),   # A1's (y - yp) misread
                "no_zero_grad": ("linear-module.train-linear",),
                "logistic_lr_slip": ("logistic.train-logistic",),                           # separable data, boundary 24.25
                "linreg_lr_slip": ("linreg.golden", "linreg.value")}
    for name, checks in expected.items():
        assert mutants[name].must_fail == tuple(f"lab3-regression.{c}" for c in checks), name
    assert {a.name for a in SUBJECT.alternatives} >= {"numpy_first", "torch_first_aliases"}


E1_X = [12.4, 14.3, 14.5, 14.9, 16.1, 16.9, 16.5, 15.4, 17.0, 17.9, 18.8, 20.3, 22.4, 19.4, 15.5, 16.7, 17.3,
        18.4, 19.2, 17.4, 19.5, 19.7, 21.2]
E1_Y = [11.2, 12.5, 12.7, 13.1, 14.1, 14.8, 14.4, 13.4, 14.9, 15.6, 16.4, 17.7, 19.6, 16.9, 14.0, 14.6, 15.1,
        16.1, 16.8, 15.2, 17.0, 17.2, 18.6]
E3_X, E3_Y = [5.0, 7.0, 12.0, 16.0, 20.0], [40.0, 120.0, 180.0, 210.0, 240.0]


def test_the_reference_gives_the_catalogs_golden_values():
    ref = SUBJECT.reference
    assert ref.gradient_step([2, 4], [20, 40], 1.0, 1.0) == pytest.approx((757, -174, -52, 1.174, 1.052))
    assert ref.gradient_step([2, 4], [20, 40], 1.174, 1.052) == pytest.approx(
        (724.379752, -170.208, -50.852, 1.344208, 1.102852))
    w, b, losses = ref.train_linreg(E1_X, E1_Y)
    assert (w, b, losses[0], losses[99]) == pytest.approx((0.820030, 0.987891, 10.153913, 0.0173059), rel=1e-5)
    for train in (ref.train_regression, ref.train_linear):
        w, b, losses = train(E3_X, E3_Y)
        assert (w, b, losses[0], losses[99]) == pytest.approx((12.850759, 2.150008, 25359.8, 481.306), rel=1e-5)
    coefficients, intercept = ref.multiple_regression([[3, 8], [4, 5], [5, 7], [6, 3], [2, 1]],
                                                      [-3.7, 3.5, 2.5, 11.5, 5.7])
    assert [*coefficients.tolist(), intercept] == pytest.approx([2.281630, -1.672100, 2.799561], rel=1e-6)
    assert 3 * coefficients[0].item() + 2 * coefficients[1].item() + intercept == pytest.approx(6.300251, rel=1e-6)
    w, b, _ = ref.train_logistic([1, 5, 10, 10, 25, 50, 70, 75, 100], [0, 0, 0, 0, 0, 1, 1, 1, 1])
    assert 25 < -b / w < 50


@pytest.mark.slow
def test_the_example_class_is_graded_by_the_cli_in_seconds(tmp_path):
    """The instructor's path: worker processes, a script that prints, plots and trains at the top level
    (none of which runs), and a notebook with the manual's mistakes."""
    assert main(["grade", str(EXAMPLES), "-a", "lab3-regression", "-o", str(tmp_path), "-j", "1"]) == 0
    assert not student_facing_internals(tmp_path, load_assignment(find_assignment("lab3-regression")))
    graded, durations = {}, {}
    for path in tmp_path.glob("*.json"):
        result = json.loads(path.read_text())
        failed = {c["id"].removeprefix("lab3-regression.") for e in result["exercises"] for c in e["checks"]
                  if c["status"] != "passed"}
        durations[result["student"]] = result["duration_s"]
        graded[result["student"]] = (sum(c["earned"] for e in result["exercises"] for c in e["checks"]), failed)
    correct, buggy = "okaforchidi", "lindqvist_maja"
    assert set(graded) == {correct, buggy}, set(graded)
    assert graded[correct] == (100, set()), graded[correct]
    # criterion beside the class (the manual's code), no zero_grad in train_linear
    lost = {"regression-model.criterion": 5, "linear-module.train-linear": 10}
    assert graded[buggy] == (100 - sum(lost.values()), set(lost)), graded[buggy]
    assert max(durations.values()) < 60, durations
