"""The lab5-cnn suite can pass and can fail (tests/variants/contract.py: the reference and every
alternative score 100 %, every mutant fails the checks that name its mistake); the reference gives
the catalog's golden values; and the example class is graded through the CLI and real worker
processes, the way an instructor does.
"""

from __future__ import annotations

import json

import pytest
import torch
from torch import nn

import variants.lab5_cnn
from grader.cli import main
from grader.spec import find_assignment, load_assignment
from variants.contract import Subject, SuiteContract, student_facing_internals

SUBJECT = Subject("lab5-cnn", variants.lab5_cnn, reference="reference.lab5_cnn")
EXAMPLES = SUBJECT.examples


class TestSuiteContract(SuiteContract):
    subject = SUBJECT


def test_the_manuals_bugs_are_mutants():
    """The lab manual's bugs (catalog seed-003, sections 6 and 12) are among the mutants, each charged to
    the checks of its own exercise."""
    mutants = {m.name: m for m in SUBJECT.mutants}
    expected = {"cnn_global_batch_size": ("cnn.any-batch",),                 # features.view(batch_size, -1)
                "conv_size_no_floor": ("conv-size.table", "conv-size.formula"),
                "conv_size_padding_once": ("conv-size.table", "conv-size.formula"),
                "equiv_weight_transposed": ("conv-equiv.equal",),
                "equiv_bias_dropped": ("conv-equiv.equal",),                 # "you may ignore bias"
                "drop_pct_by_new": ("reduced.drop-pct",),
                "cnn_wider_head": ("cnn.params",),                           # another parameter count
                "confusion_transposed": ("confusion.value",)}
    for name, checks in expected.items():
        assert mutants[name].must_fail == tuple(f"lab5-cnn.{c}" for c in checks), name
    assert len(SUBJECT.mutants) >= 6
    assert {a.name for a in SUBJECT.alternatives} >= {"numpy_first", "torch_first_aliases"}


def test_the_reference_gives_the_catalogs_golden_values():
    ref = SUBJECT.reference
    table = [[ref.conv_out_size(6, 3, s, p) for p in (0, 1, 2)] for s in (1, 2, 3)]
    assert table == [[4, 6, 8], [2, 3, 4], [2, 2, 3]]
    image = torch.rand(6, 6)
    out = ref.conv_demo(image, torch.ones(3, 3), stride=1, padding=0)
    assert out.shape == (1, 1, 4, 4)
    assert torch.allclose(out[0, 0, 1, 2], image[1:4, 2:5].sum())
    module, functional = ref.conv_equiv(image)
    assert module.shape == (1, 3, 4, 4) and (module - functional).abs().max() <= 1e-6
    assert ref.count_params(nn.Conv2d(1, 3, 3)) == 30 and ref.count_params(nn.Conv2d(1, 3, 3, bias=False)) == 27
    assert ref.count_params(ref.CNNClassifier()) == 149_798
    assert [ref.count_params(layer) for layer in (*ref.CNNClassifier().net[::3], *ref.CNNClassifier(
        ).classification_head[::2])] == [640, 73_856, 73_792, 1_300, 210]
    for side in range(22, 30):
        assert ref.CNNClassifier()(torch.rand(1, 1, side, side)).shape == (1, 10)
    for channels, (count, drop) in {(32, 64, 32): (38_150, 74.53), (16, 32, 16): (9_974, 93.34),
                                    (8, 16, 8): (2_798, 98.13)}.items():
        assert ref.count_params(ref.make_cnn(channels)) == count
        assert round(ref.param_drop_pct(149_798, count), 2) == drop
    assert ref.count_params(ref.make_cnn()) == 149_798


@pytest.mark.slow
def test_the_example_class_is_graded_by_the_cli_in_seconds(tmp_path):
    """The instructor's path: worker processes, a script that trains at the top level (none of which
    runs), and a notebook with the manual's global batch_size in its forward."""
    assert main(["grade", str(EXAMPLES), "-a", "lab5-cnn", "-o", str(tmp_path), "-j", "1"]) == 0
    assert not student_facing_internals(tmp_path, load_assignment(find_assignment("lab5-cnn")))
    graded, durations = {}, {}
    for path in tmp_path.glob("*.json"):
        result = json.loads(path.read_text())
        failed = {c["id"].removeprefix("lab5-cnn.") for e in result["exercises"] for c in e["checks"]
                  if c["status"] != "passed"}
        durations[result["student"]] = result["duration_s"]
        graded[result["student"]] = (sum(c["earned"] for e in result["exercises"] for c in e["checks"]), failed)
    correct, buggy = "kulkarniaditya", "bhat_sneha"
    assert set(graded) == {correct, buggy}, set(graded)
    assert graded[correct] == (100, set()), graded[correct]
    # view(batch_size, -1) in CNNClassifier.forward (the manual's), the padding counted once
    lost = {"cnn.any-batch": 7, "conv-size.table": 6, "conv-size.formula": 8}
    assert graded[buggy] == (100 - sum(lost.values()), set(lost)), graded[buggy]
    assert max(durations.values()) < 60, durations
