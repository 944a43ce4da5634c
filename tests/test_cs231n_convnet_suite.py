"""The cs231n-convnet suite can pass and can fail (tests/variants/contract.py: the reference and every
alternative score 100 %, every mutant fails the checks that name its mistake, and a correct cnn.py on a
wrong conv layer loses nothing here), the reference network's gradients agree with finite differences,
and the example class is graded through the CLI and real worker processes, the way an instructor does.

The starter is cnn.py, which imports the student's cs231n.layers: for the in-process tests (the starter's
stubs, its signature) the course's package is put on the import path with the reference's copy of the
layers as cs231n.layers.
"""

from __future__ import annotations

import json
import shutil
import sys
import types
import zipfile

import numpy as np
import pytest

import variants.cs231n_convnet
from grader.cli import main
from grader.spec import find_assignment, load_assignment
from variants.contract import Subject, SuiteContract, student_facing_internals

SUBJECT = Subject("cs231n-convnet", variants.cs231n_convnet, reference="reference.cs231n_convnet")
EXAMPLES = SUBJECT.examples
ref = SUBJECT.reference


@pytest.fixture(autouse=True, scope="module")
def course_package_importable():
    """``import cs231n.layers`` (the starter's first line) finds the reference's layers in this process."""
    saved = {k: v for k, v in sys.modules.items() if k == "cs231n" or k.startswith("cs231n.")}
    support = str(SUBJECT.assignment.support)
    sys.path.insert(0, support)
    layers = types.ModuleType("cs231n.layers")
    layers.__dict__.update({k: v for k, v in vars(ref).items() if not k.startswith("__") and k != "ThreeLayerConvNet"})
    import cs231n
    sys.modules["cs231n.layers"], cs231n.layers = layers, layers
    yield
    sys.path.remove(support)
    for k in [k for k in sys.modules if k == "cs231n" or k.startswith("cs231n.")]:
        del sys.modules[k]
    sys.modules.update(saved)


class TestSuiteContract(SuiteContract):
    subject = SUBJECT


def test_the_reference_gradients_agree_with_finite_differences():
    np.random.seed(231)
    net = ref.ThreeLayerConvNet(input_dim=(3, 8, 8), num_filters=3, filter_size=3, hidden_dim=7, reg=0.5,
                                weight_scale=0.3, dtype=np.float64)
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(2, 3, 8, 8)), rng.integers(0, 10, 2)
    loss, grads = net.loss(X, y)
    for key, value in net.params.items():
        numeric = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            old = value[index]
            value[index] = old + 1e-6
            plus = net.loss(X, y)[0]
            value[index] = old - 1e-6
            minus = net.loss(X, y)[0]
            value[index] = old
            numeric[index] = (plus - minus) / 2e-6
        assert np.allclose(grads[key], numeric, rtol=1e-5, atol=1e-8), key


def test_the_reference_sanity_loss_is_log_10():
    np.random.seed(0)
    net = ref.ThreeLayerConvNet(input_dim=(3, 16, 16), num_filters=4, hidden_dim=20)
    X, y = np.random.randn(10, 3, 16, 16), np.arange(10)
    assert abs(net.loss(X, y)[0] - np.log(10)) < 1e-3
    net.reg = 0.5
    assert net.loss(X, y)[0] > np.log(10)


@pytest.mark.slow
def test_the_example_class_is_graded_by_the_cli_in_seconds(tmp_path):
    """The instructor's path: worker processes, a zipped course folder whose cnn.py imports its own
    cs231n/layers.py (next to a notebook: the file named cnn.py is graded), a buggy course folder, a
    notebook that defines the layers and the network itself, and (added here) a cnn.py sent without its
    layers.py, which keeps the points that need no layer and is told why it loses the others, and a course
    folder whose package sits in assignment2/ and whose cnn.py imports its layers relatively."""
    folder = tmp_path / "class"
    shutil.copytree(EXAMPLES, folder)
    with zipfile.ZipFile(next(EXAMPLES.glob("ito_ren_*.zip"))) as archive:
        (folder / "kim_min_40901_cnn.py").write_bytes(archive.read("cs231n/classifiers/cnn.py"))
        # the course's own layout: its package deep in the folder, cnn.py importing its siblings relatively
        for name in archive.namelist():
            text = archive.read(name)
            if name == "cs231n/classifiers/cnn.py":
                text = text.replace(b"from cs231n.", b"from ..")
                assert b"from ..layers import *" in text
            target = folder / "park_joon_40950" / "assignment2" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text)
    out = tmp_path / "reports"
    assert main(["grade", str(folder), "-a", "cs231n-convnet", "-o", str(out), "-j", "1"]) == 0
    assert not student_facing_internals(out, load_assignment(find_assignment("cs231n-convnet")))
    graded, durations, messages = {}, {}, {}
    for path in out.glob("*.json"):
        result = json.loads(path.read_text())
        checks = [c for e in result["exercises"] for c in e["checks"]]
        failed = {c["id"].removeprefix("cs231n-convnet.") for c in checks if c["status"] != "passed"}
        durations[result["student"]] = result["duration_s"]
        graded[result["student"]] = (sum(c["earned"] for c in checks), failed)
        messages[result["student"]] = [c.get("message", "") for c in checks if c["status"] != "passed"]
    correct, notebook, buggy, alone = "ito_ren_40112", "silva_ana_40518", "weber_lukas_40733", "kim_min_40901_cnn"
    deep = "park_joon_40950"
    assert set(graded) == {correct, notebook, buggy, alone, deep}
    assert graded[correct] == (100, set()), graded[correct]
    assert graded[deep] == (100, set()), (graded[deep], messages[deep])
    assert graded[notebook] == (100, set()), graded[notebook]
    # the L2 term without its 0.5 while the gradient is reg * W
    lost = {"loss.reg": 14, "gradients.numeric": 14}
    assert graded[buggy] == (100 - sum(lost.values()), set(lost)), graded[buggy]
    assert graded[alone][0] == 18, graded[alone]          # params.shapes and params.init need no layer
    assert messages[alone] and all("cs231n/layers.py" in m for m in messages[alone]), messages[alone]
    assert max(durations.values()) < 120, durations


def test_a_wrong_conv_layer_costs_no_convnet_points_and_the_report_says_why():
    """The flipped kernel of a student's layers.py is cs231n-layers' to charge: here every check passes,
    and those that accepted the network of the student's own layers say so."""
    alternative = next(a for a in SUBJECT.alternatives if a.name == "wrong_conv_layer_correct_net")
    results = {r.check.id.split(".", 1)[1]: r for r in SUBJECT.grade(variants.load_variant(SUBJECT.reference_path,
                                                                                             alternative))}
    assert all(r.passed for r in results.values()), {k: r.message for k, r in results.items() if not r.passed}
    for check in ("scores.forward", "loss.data", "loss.reg", "gradients.numeric", "training.overfit"):
        assert any("cs231n-layers grades the layers" in o for o in results[check].observations), check
