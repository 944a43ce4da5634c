"""The lab8-regularization suite can pass and can fail (tests/variants/contract.py: the reference and every
alternative score 100 %, every mutant fails the checks that name its mistake); the reference gives the
catalog's golden values; the stand-in torchvision behaves as torchvision's transforms do; and the
example class is graded through the CLI and real worker processes, the way an instructor does.
"""

from __future__ import annotations

import importlib
import json

import numpy as np
import pytest
import torch

import variants.lab8_regularization
from grader.cli import main
from grader.spec import find_assignment, load_assignment
from variants.contract import Subject, SuiteContract, student_facing_internals

SUBJECT = Subject("lab8-regularization", variants.lab8_regularization, reference="reference.lab8_regularization")
EXAMPLES = SUBJECT.examples


class TestSuiteContract(SuiteContract):
    subject = SUBJECT


def test_the_manuals_bugs_are_mutants():
    """The lab manual's bugs that apply to Lab 8 (catalog seed-003, sections 8 and 12) are among the
    mutants, each charged to the checks of its own exercise."""
    mutants = {m.name: m for m in SUBJECT.mutants}
    expected = {"noise_std_as_variance": ("noise.statistics",),                  # bug 15: `var` as std
                "l1_through_weight_decay": ("train.l1",),                        # bug 16: weight_decay is L2
                "l2_penalty_doubled": ("l2.value",),                             # lam * sum p**2
                "dropout_no_scaling": ("my-dropout.expectation",),               # bug 17: neither scaling
                "dropout_active_in_eval": ("my-dropout.modes",),
                "dropout_keeps_with_p": ("my-dropout.expectation",),
                "early_stop_greater_equal": ("early-stopping.golden", "early-stopping.value"),   # bug 18
                "early_stop_never_resets": ("early-stopping.golden", "early-stopping.value")}
    for name, checks in expected.items():
        assert mutants[name].must_fail == tuple(f"lab8-regularization.{c}" for c in checks), name
    assert {a.name for a in SUBJECT.alternatives} >= {"torch_first", "aliases_numpy"}


def test_the_reference_gives_the_catalogs_golden_values():
    ref = SUBJECT.reference
    tables = {(1.0, 0.8, 0.7, 0.72, 0.71, 0.73, 0.74, 0.75, 0.76, 0.77, 0.78): (8, 2),
              (0.5, 0.6, 0.7, 0.4, 0.45, 0.46, 0.47, 0.48, 0.49, 0.5, 0.3): (9, 3),
              (1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.85): (None, 7)}
    for losses, expected in tables.items():
        assert ref.early_stopping_epoch(list(losses)) == expected
    stopper = ref.EarlyStopper(patience=5)
    assert [stopper.step(v) for v in (1.0, 0.8, 0.7, 0.72, 0.71, 0.73, 0.74, 0.75, 0.76)] == [False] * 8 + [True]
    for p, kept in ((0.5, 2.0), (0.2, 1.25), (0.8, 5.0)):      # inverted dropout's kept values on ones
        out = ref.MyDropout(p).train()(torch.ones(1000))
        assert torch.all((out == 0) | torch.isclose(out, torch.tensor(kept)))
    # SGD's weight_decay=lam and the penalty lam/2 * sum p**2 take the same steps; p.grad = g_data + lam * p
    torch.manual_seed(0)
    x, y = torch.rand(4, 3, 32, 32), torch.tensor([0, 1, 1, 0])
    nets = {reg: ref.make_net(0.0) for reg in ("l2_wd", "l2_manual", None)}
    start = nets[None].state_dict()
    for reg, model in nets.items():
        model.load_state_dict(start)
        ref.train(model, [(x, y)] * 3, reg=reg, lam=0.1, lr=0.1, epochs=1)
    for name, p in nets["l2_wd"].named_parameters():
        assert torch.allclose(p, dict(nets["l2_manual"].named_parameters())[name], atol=1e-6)
    model = ref.make_net(0.0)
    torch.nn.functional.cross_entropy(model(x), y).backward()
    data_grads = {k: p.grad.clone() for k, p in model.named_parameters()}
    model.zero_grad()
    (torch.nn.functional.cross_entropy(model(x), y) + ref.l1_penalty(model, 0.3)).backward()
    for k, p in model.named_parameters():
        assert torch.allclose(p.grad, data_grads[k] + 0.3 * torch.sign(p.detach()), atol=1e-6)
    torch.manual_seed(1)
    noise = ref.GaussianNoise(0, 0.15)(torch.zeros(100_000))
    assert abs(float(noise.std()) - 0.15) < 0.01 and abs(float(noise.mean())) < 0.01


def _standin():
    ref = SUBJECT.reference
    return ref._support_transforms(), importlib.import_module("lab8_regularization_torchvision.transforms.functional")


def test_the_standin_torchvision_behaves_as_torchvisions_transforms():
    """The support folder's torchvision: the layout and names of torchvision.transforms, ToTensor's
    scaling and layout, counter-clockwise rotation, flips, Normalize, and random transforms that
    torch.manual_seed repeats."""
    T, F = _standin()
    assert {"Compose", "ToTensor", "Normalize", "RandomHorizontalFlip", "RandomRotation", "ToPILImage"} <= set(dir(T))
    image = np.random.default_rng(0).integers(0, 256, size=(5, 7, 3), dtype=np.uint8)
    tensor = T.ToTensor()(image)
    assert tensor.shape == (3, 5, 7) and tensor.dtype == torch.float32
    assert torch.allclose(tensor, torch.from_numpy(image).permute(2, 0, 1).float() / 255)
    square = torch.arange(2 * 4 * 4, dtype=torch.float32).reshape(2, 4, 4)
    assert torch.equal(F.rotate(square, 90), torch.rot90(square, 1, dims=(-2, -1)))     # counter-clockwise
    assert torch.equal(F.rotate(square, 0), square)
    assert torch.equal(T.RandomHorizontalFlip(p=1.0)(square), square.flip(-1))
    assert torch.equal(T.RandomHorizontalFlip(p=0.0)(square), square)
    assert np.array_equal(F.rotate(image[:5, :5], 90), np.rot90(image[:5, :5]))        # numpy images as PIL ones
    normalized = T.Normalize([0.5] * 3, [0.25] * 3)(tensor)
    assert torch.allclose(normalized, (tensor - 0.5) / 0.25)
    pipeline = T.Compose([T.ToTensor(), T.RandomHorizontalFlip(), T.RandomRotation(45)])
    torch.manual_seed(3)
    first = [pipeline(image) for _ in range(4)]
    torch.manual_seed(3)
    assert all(torch.equal(a, pipeline(image)) for a in first)
    assert not all(torch.equal(first[0], a) for a in first[1:])
    rotation = T.RandomRotation(45)
    assert rotation.degrees == [-45.0, 45.0]
    torch.manual_seed(0)
    assert all(-45 <= T.RandomRotation.get_params(rotation.degrees) <= 45 for _ in range(20))
    pil = T.ToPILImage()(tensor)
    assert pil.size == (7, 5) and np.array_equal(np.asarray(pil), image)
    assert torch.equal(T.ToTensor()(F.hflip(pil)), tensor.flip(-1))


@pytest.mark.slow
def test_the_example_class_is_graded_by_the_cli_in_seconds(tmp_path):
    """The instructor's path: worker processes importing the stand-in torchvision, a script that trains at
    the top level (none of which runs) and a notebook with one of the manual's mistakes."""
    assert main(["grade", str(EXAMPLES), "-a", "lab8-regularization", "-o", str(tmp_path), "-j", "1"]) == 0
    assert not student_facing_internals(tmp_path, load_assignment(find_assignment("lab8-regularization")))
    graded, durations = {}, {}
    for path in tmp_path.glob("*.json"):
        result = json.loads(path.read_text())
        failed = {c["id"].removeprefix("lab8-regularization.") for e in result["exercises"] for c in e["checks"]
                  if c["status"] != "passed"}
        durations[result["student"]] = result["duration_s"]
        graded[result["student"]] = (sum(c["earned"] for e in result["exercises"] for c in e["checks"]), failed)
    correct, buggy = "fernandesmaya", "iyer_rohan"
    assert set(graded) == {correct, buggy}, set(graded)
    assert graded[correct] == (100, set()), graded[correct]
    # early stopping with ">=" (the manual's message says 5), and the sample's Gaussian(mean, var) squared
    lost = {"early-stopping.golden": 6, "early-stopping.value": 6, "noise.statistics": 7}
    assert graded[buggy] == (100 - sum(lost.values()), set(lost)), graded[buggy]
    assert max(durations.values()) < 60, durations
