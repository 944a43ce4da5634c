"""The lab12-vae suite can pass and can fail (tests/variants/contract.py: the reference and every
alternative score 100 %, every mutant fails the checks that name its mistake); the reference gives
the catalog's golden values; and the example class is graded through the CLI and real worker
processes, the way an instructor does.
"""

from __future__ import annotations

import json
import math

import pytest
import torch

import variants.lab12_vae
from grader.cli import main
from grader.spec import find_assignment, load_assignment
from variants.contract import Subject, SuiteContract, student_facing_internals

SUBJECT = Subject("lab12-vae", variants.lab12_vae, reference="reference.lab12_vae")
EXAMPLES = SUBJECT.examples


class TestSuiteContract(SuiteContract):
    subject = SUBJECT


def test_the_manuals_bugs_are_mutants():
    """The lab manual's bugs (catalog seed-003, sections 11 and 12) are among the mutants, each charged to
    the checks of its own exercise."""
    mutants = {m.name: m for m in SUBJECT.mutants}
    expected = {"logvar_used_as_std": ("reparameterize.shape", "reparameterize.statistics"),   # std head as log_var
                "generate_in_train_mode": ("generate.batch-of-one",),       # BatchNorm1d on a batch of one
                "view_global_batch_size": ("train-ae.trains",),             # inputs.view(batch_size, -1)
                "kl_sign_flipped": ("vae-loss.golden", "vae-loss.value"),
                "bce_mean": ("vae-loss.golden", "vae-loss.value"),
                "std_exp_logvar": ("reparameterize.statistics",),
                "ae_no_sigmoid": ("ae.range",)}
    for name, checks in expected.items():
        assert mutants[name].must_fail == tuple(f"lab12-vae.{c}" for c in checks), name
    assert {a.name for a in SUBJECT.alternatives} >= {"manual_style", "distributions_reordered"}


def test_the_reference_gives_the_catalogs_golden_values():
    ref = SUBJECT.reference
    assert sum(p.numel() for p in ref.VAE().parameters()) == 181_024
    half = torch.full((1, 4), 0.5)
    zero = torch.zeros(1, 2)
    assert ref.vae_loss(half, half, zero, zero).item() == pytest.approx(4 * math.log(2), abs=1e-6)   # 2.7725887
    mu, logvar = torch.tensor([[0.5, -1.0]]), torch.tensor([[0.0, math.log(4.0)]])
    kl = ref.vae_loss(half, half, mu, logvar).item() - 4 * math.log(2)
    assert kl == pytest.approx(1.4318528, abs=1e-6)
    model = ref.VAE()
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        model.decoder(torch.randn(1, 10))          # the manual's generate_digit: train mode, a batch of one
    assert tuple(ref.generate(model, 1).shape) == (1, 1, 28, 28)


@pytest.mark.slow
def test_the_example_class_is_graded_by_the_cli_in_seconds(tmp_path):
    """The instructor's path: worker processes, a script that trains at the top level (none of which
    runs), and a notebook with two of the manual's mistakes."""
    assert main(["grade", str(EXAMPLES), "-a", "lab12-vae", "-o", str(tmp_path), "-j", "1"]) == 0
    assert not student_facing_internals(tmp_path, load_assignment(find_assignment("lab12-vae")))
    graded, durations = {}, {}
    for path in tmp_path.glob("*.json"):
        result = json.loads(path.read_text())
        failed = {c["id"].removeprefix("lab12-vae.") for e in result["exercises"] for c in e["checks"]
                  if c["status"] != "passed"}
        durations[result["student"]] = result["duration_s"]
        graded[result["student"]] = (sum(c["earned"] for e in result["exercises"] for c in e["checks"]), failed)
    correct, buggy = "okonkwochidi", "lindqvist_astrid"
    assert set(graded) == {correct, buggy}, set(graded)
    assert graded[correct] == (100, set()), graded[correct]
    # generate_digit without model.eval(), and inputs.view(batch_size, -1) in the training loop
    lost = {"generate.batch-of-one": 4, "train-ae.trains": 8}
    assert graded[buggy] == (100 - sum(lost.values()), set(lost)), graded[buggy]
    assert max(durations.values()) < 60, durations
