"""The cs231n-layers suite can pass and can fail (tests/variants/contract.py: the reference and every
alternative score 100 %, every mutant fails the checks that name its mistake), the reference
reproduces the notebook's printed numbers and agrees with finite differences, and the example class
is graded through the CLI and real worker processes, the way an instructor does.

The starter is a module, layers.py, as CS231n hands it out (in a folder submission laid out like the
course's, cs231n/layers.py is the file graded).
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

import variants.cs231n_layers
from grader.checks import run_check
from grader.cli import main
from grader.spec import find_assignment, load_assignment
from grader.submission import LocalSubmission
from variants import load_variant
from variants.contract import Subject, SuiteContract, student_facing_internals


SUBJECT = Subject("cs231n-layers", variants.cs231n_layers, reference="reference.cs231n_layers")
EXAMPLES = SUBJECT.examples
ref = SUBJECT.reference


class TestSuiteContract(SuiteContract):
    subject = SUBJECT


def test_the_reference_reproduces_the_notebooks_conv_forward_numbers():
    x = np.linspace(-0.1, 0.5, num=2 * 3 * 4 * 4).reshape(2, 3, 4, 4)
    w = np.linspace(-0.2, 0.3, num=3 * 3 * 4 * 4).reshape(3, 3, 4, 4)
    b = np.linspace(-0.1, 0.2, num=3)
    out, _ = ref.conv_forward_naive(x, w, b, {"stride": 2, "pad": 1})
    correct_out = np.array([[[[-0.08759809, -0.10987781], [-0.18387192, -0.2109216]],
                             [[0.21027089, 0.21661097], [0.22847626, 0.23004637]],
                             [[0.50813986, 0.54309974], [0.64082444, 0.67101435]]],
                            [[[-0.98053589, -1.03143541], [-1.19128892, -1.24695841]],
                             [[0.69108355, 0.66880383], [0.59480972, 0.56776003]],
                             [[2.36270298, 2.36904306], [2.38090835, 2.38247847]]]])
    assert np.max(np.abs(out - correct_out)) < 1e-7


def test_the_reference_reproduces_the_notebooks_max_pool_numbers():
    x = np.linspace(-0.3, 0.4, num=2 * 3 * 4 * 4).reshape(2, 3, 4, 4)
    out, _ = ref.max_pool_forward_naive(x, {"pool_height": 2, "pool_width": 2, "stride": 2})
    correct_out = np.array([[[[-0.26315789, -0.24842105], [-0.20421053, -0.18947368]],
                             [[-0.14526316, -0.13052632], [-0.08631579, -0.07157895]],
                             [[-0.02736842, -0.01263158], [0.03157895, 0.04631579]]],
                            [[[0.09052632, 0.10526316], [0.14947368, 0.16421053]],
                             [[0.20842105, 0.22315789], [0.26736842, 0.28210526]],
                             [[0.32631579, 0.34105263], [0.38526316, 0.4]]]])
    assert np.max(np.abs(out - correct_out)) < 1e-7


def _numerical(f, value: np.ndarray, dout: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """d sum(f() * dout) / d value by central differences (f reads ``value``, changed in place)."""
    grad = np.zeros_like(value)
    for index in np.ndindex(value.shape):
        old = value[index]
        value[index] = old + h
        plus = np.sum(f() * dout)
        value[index] = old - h
        minus = np.sum(f() * dout)
        value[index] = old
        grad[index] = (plus - minus) / (2 * h)
    return grad


def _layers(rng: np.random.Generator):
    """(name, forward of the inputs, the inputs in the order backward returns their gradients, backward)."""
    x4 = rng.normal(size=(2, 4, 5, 5))
    bn = {"mode": "train", "eps": 1e-5, "momentum": 0.9}
    yield ("affine", lambda x, w, b: ref.affine_forward(x, w, b), [rng.normal(size=(3, 2, 3)),
           rng.normal(size=(6, 4)), rng.normal(size=4)], ref.affine_backward)
    yield ("relu", lambda x: ref.relu_forward(x), [rng.normal(size=(3, 4))], lambda d, c: (ref.relu_backward(d, c),))
    yield ("conv", lambda x, w, b: ref.conv_forward_naive(x, w, b, {"stride": 2, "pad": 1}),
           [rng.normal(size=(2, 2, 5, 5)), rng.normal(size=(3, 2, 3, 3)), rng.normal(size=3)], ref.conv_backward_naive)
    yield ("pool", lambda x: ref.max_pool_forward_naive(x, {"pool_height": 3, "pool_width": 2, "stride": 1}),
           [rng.normal(size=(2, 2, 5, 4))], lambda d, c: (ref.max_pool_backward_naive(d, c),))
    yield ("batchnorm", lambda x, g, b: ref.batchnorm_forward(x, g, b, dict(bn)),
           [rng.normal(3, 2, size=(5, 3)), rng.normal(size=3), rng.normal(size=3)], ref.batchnorm_backward)
    yield ("spatial batchnorm", lambda x, g, b: ref.spatial_batchnorm_forward(x, g, b, dict(bn)),
           [x4, rng.normal(size=4), rng.normal(size=4)], ref.spatial_batchnorm_backward)
    yield ("groupnorm", lambda x, g, b: ref.spatial_groupnorm_forward(x, g, b, 2, {"eps": 1e-5}),
           [x4.copy(), rng.normal(size=(1, 4, 1, 1)), rng.normal(size=(1, 4, 1, 1))], ref.spatial_groupnorm_backward)


@pytest.mark.parametrize("layer", list(range(7)), ids=["affine", "relu", "conv", "pool", "batchnorm",
                                                        "spatial-batchnorm", "groupnorm"])
def test_the_reference_backward_passes_agree_with_finite_differences(layer):
    """The grader compares students' gradients with these: they must be the derivatives of the forwards."""
    name, forward, inputs, backward = list(_layers(np.random.default_rng(231)))[layer]
    out, cache = forward(*inputs)
    dout = np.random.default_rng(7).normal(size=out.shape)
    analytic = backward(dout, cache)
    for k, value in enumerate(inputs):
        numeric = _numerical(lambda: forward(*inputs)[0], value, dout)
        assert np.allclose(analytic[k], numeric, rtol=1e-5, atol=1e-7), (name, k)


def test_the_reference_softmax_loss_gradient_agrees_with_finite_differences():
    rng = np.random.default_rng(231)
    x, y = rng.normal(size=(5, 4)), rng.integers(0, 4, 5)
    loss, dx = ref.softmax_loss(x, y)
    assert abs(loss - np.mean(np.log(np.exp(x).sum(1)) - x[np.arange(5), y])) < 1e-12
    assert np.allclose(dx, _numerical(lambda: np.array(ref.softmax_loss(x, y)[0]), x, np.array(1.0)), atol=1e-8)


@pytest.mark.slow
def test_the_example_class_is_graded_by_the_cli_in_seconds(tmp_path):
    """The instructor's path: worker processes, caches that travel back and forth between the grader
    and the student's code, a layers.py module, a notebook and a buggy module."""
    assert main(["grade", str(EXAMPLES), "-a", "cs231n-layers", "-o", str(tmp_path), "-j", "1"]) == 0
    assert not student_facing_internals(tmp_path, load_assignment(find_assignment("cs231n-layers")))
    graded, durations = {}, {}
    for path in tmp_path.glob("*.json"):
        result = json.loads(path.read_text())
        failed = {c["id"].removeprefix("cs231n-layers.") for e in result["exercises"] for c in e["checks"]
                  if c["status"] != "passed"}
        durations[result["student"]] = result["duration_s"]
        graded[result["student"]] = (sum(c["earned"] for e in result["exercises"] for c in e["checks"]), failed)
    correct, notebook, buggy = "nakamura_hana_30412", "oliveira_bruno_30977", "keller_jonas"
    assert set(graded) == {correct, notebook, buggy}
    assert graded[correct] == (100, set()), graded[correct]
    assert graded[notebook] == (100, set()), graded[notebook]
    # gamma (1, C, 1, 1) indexed as (C,) in group norm; `=` in max-pool backward; relu_backward writes into dout
    lost = {"groupnorm.forward": 5, "max-pool.backward": 5, "keep-input.dout": 3}
    assert graded[buggy] == (100 - sum(lost.values()), set(lost)), graded[buggy]
    assert max(durations.values()) < 120, durations


def test_the_dropout_checks_follow_the_courses_option_for_p():
    """With [options] dropout_p = "drop" (the 2017 notebook's meaning of p) the same checks accept a dropout
    that drops with probability p, and reject the reference, which keeps with probability p, naming the option."""
    assignment = dataclasses.replace(SUBJECT.assignment, options={**SUBJECT.assignment.options, "dropout_p": "drop"})
    suite = dataclasses.replace(SUBJECT.suite, assignment=assignment, verdicts_on_reference={})
    checks = [c for c in assignment.checks if c.id.startswith("cs231n-layers.dropout.")]
    drops = load_variant(SUBJECT.reference_path,
                         next(m for m in SUBJECT.mutants if m.name == "dropout_p_is_drop_probability"))
    for module, passes in ((drops, True), (ref, False)):
        submission = LocalSubmission(assignment, module, reference=ref)
        results = {r.check.id.split(".", 1)[1]: r for r in (run_check(suite, c, submission) for c in checks)}
        assert results["dropout.train"].passed == passes, results["dropout.train"].message
        assert all(r.passed for k, r in results.items() if k != "dropout.train"), results
        if not passes:
            assert 'dropout_p = "drop"' in results["dropout.train"].message, results["dropout.train"].message
