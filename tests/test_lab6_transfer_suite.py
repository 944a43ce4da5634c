"""The lab6-transfer suite can pass and can fail (tests/variants/contract.py: the reference and every
alternative score 100 %, every mutant fails the checks that name its mistake); the catalog's real bugs of
Lab 6 are among the mutants; the stand-in torchvision has torchvision's layers and counts. The last test
grades the example class through the CLI and real worker processes, the way an instructor does.
"""

from __future__ import annotations

import json
import sys
import warnings

import pytest

import variants.lab6_transfer
from grader.cli import main
from grader.spec import find_assignment, load_assignment
from variants.contract import Subject, SuiteContract, student_facing_internals

SUBJECT = Subject("lab6-transfer", variants.lab6_transfer, reference="reference.lab6_transfer")
EXAMPLES = SUBJECT.examples


class TestSuiteContract(SuiteContract):
    subject = SUBJECT


def test_the_catalogs_real_bugs_are_mutants():
    """Each real bug of the catalog for Lab 6 is a mutant, charged to the checks that name it."""
    mutants = {m.name: m for m in SUBJECT.mutants}
    for name, checks in variants.lab6_transfer.REAL_BUGS.items():
        assert mutants[name].must_fail == tuple(f"lab6-transfer.{c}" for c in checks), name
    assert len(variants.lab6_transfer.REAL_BUGS) == 7


def test_the_standin_torchvision_has_torchvisions_layers_and_counts():
    """The catalog's counts (section 13) and torchvision's layer names, and the documented behaviour of
    the weights enums: random weights with a warning, never a download."""
    ref = SUBJECT.reference
    torchvision = sys.modules["lab6_transfer_torchvision"]     # the reference loads it under this name
    models, transforms = torchvision.models, torchvision.transforms

    assert "stand-in for torchvision in the grading environment" in " ".join((torchvision.__doc__ or "").split())
    alexnet, resnet = models.alexnet(weights=None), models.resnet18(weights=None)
    assert sum(p.numel() for p in alexnet.parameters()) == 61_100_840
    assert sum(p.numel() for p in resnet.parameters()) == 11_689_512
    assert [type(m).__name__ for m in alexnet.classifier] == ["Dropout", "Linear", "ReLU", "Dropout", "Linear", "ReLU",
                                                              "Linear"]
    assert {n.split(".")[0] for n, _ in resnet.named_parameters()} == {"conv1", "bn1", "layer1", "layer2", "layer3",
                                                                       "layer4", "fc"}
    assert "layer4.1.bn2.weight" in dict(resnet.named_parameters())
    assert _counts(ref.build_alexnet_2class(pretrained=False, freeze_features=True)) == (57_012_034, 54_542_338)
    assert _counts(ref.build_resnet18_2class(freeze=True)) == (11_177_538, 1_026)
    assert _counts(ref.CNNClassifier()) == (149_798, 149_798)
    with pytest.warns(UserWarning, match="cannot be downloaded"):
        models.alexnet(weights=models.AlexNet_Weights.DEFAULT, num_classes=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        models.resnet18(weights=None)
    import torch
    image = torch.rand(3, 40, 50)
    out = transforms.Compose([transforms.Resize(32), transforms.CenterCrop(32),
                              transforms.Normalize([0.5] * 3, [0.25] * 3)])(image)
    assert tuple(out.shape) == (3, 32, 32)


def _counts(model) -> tuple[int, int]:
    """All parameters and those that require grad."""
    return (sum(p.numel() for p in model.parameters()),
            sum(p.numel() for p in model.parameters() if p.requires_grad))


@pytest.mark.slow
def test_the_example_class_is_graded_by_the_cli(tmp_path):
    """The instructor's path: worker processes, a script that trains and plots at top level (none of which
    runs) and a notebook with two of the catalog's bugs."""
    assert main(["grade", str(EXAMPLES), "-a", "lab6-transfer", "-o", str(tmp_path), "-j", "1"]) == 0
    assert not student_facing_internals(tmp_path, load_assignment(find_assignment("lab6-transfer")))
    graded = {}
    for path in tmp_path.glob("*.json"):
        result = json.loads(path.read_text())
        if "exercises" not in result:
            continue
        failed = {c["id"].removeprefix("lab6-transfer.") for e in result["exercises"] for c in e["checks"]
                  if c["status"] != "passed"}
        graded[result["student"]] = (sum(c["earned"] for e in result["exercises"] for c in e["checks"]), failed)
    correct, buggy = "okonkwochidi", "lindqvist_maja"
    assert set(graded) == {correct, buggy}, set(graded)
    assert graded[correct] == (100, set()), graded[correct]
    # the catalog's bugs: torch.load of the pickled model without weights_only=False, and a resume that
    # restores the model but not the optimizer
    lost = {"full.roundtrip": 10, "full.fine-tune": 8, "checkpoint.resume": 10}
    assert graded[buggy] == (100 - sum(lost.values()), set(lost)), graded[buggy]
