"""The sparse-autoencoder suite can pass and can fail (tests/variants/contract.py: the reference and
every alternative score 100 %, every mutant fails the checks that name its mistake), and the example
class gets the scores its README promises when graded through the CLI and real worker processes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import variants.sparse_autoencoder
from grader.cli import main
from grader.spec import find_assignment, load_assignment
from variants.contract import Subject, SuiteContract, student_facing_internals

SUBJECT = Subject("sparse-autoencoder", variants.sparse_autoencoder, reference="reference.sparse_autoencoder")
EXAMPLES = SUBJECT.examples


class TestSuiteContract(SuiteContract):
    subject = SUBJECT


def test_the_training_check_reports_the_cost_it_measured():
    (trains,) = [r for r in SUBJECT.reference_results if r.check.id == "sparse-autoencoder.train.lowers-cost"]
    assert trains.passed and trains.observations and all("→" in text for text in trains.observations)


def test_the_seed_mistakes_are_named_in_their_messages():
    """The four mistakes of the seed's submission each get a message that names the fault."""
    from variants import load_variant
    wanted = {"normalize_min_max_swapped": ("preprocess.normalize", "inverts the intensities"),
              "mse_gradient_extra_half": ("loss.mse", "half the right one"),
              "tikhonov_gradient_over_n": ("aecost.gradient", "divided by N"),
              "kl_scalar_rho_hat_fixed_n": ("loss.kl", "one ρ̂, the mean of all of A1")}
    mutants = {m.name: m for m in SUBJECT.mutants}
    for name, (check, phrase) in wanted.items():
        full = f"sparse-autoencoder.{check}"
        results = SUBJECT.grade(load_variant(SUBJECT.reference_path, mutants[name]),
                                skip=frozenset(SUBJECT.check_ids - {full}))
        (result,) = results
        assert not result.passed and phrase in result.message, (name, result.message)
    # the hard-coded N is named with the scalar ρ̂
    assert "N is hard-coded" in result.message, result.message


@pytest.mark.slow
def test_the_example_class_is_graded_by_the_cli_in_seconds(tmp_path: Path):
    """The instructor's path: worker processes, notebooks that read an HDF5 file, train for 5000
    epochs and plot (none of which runs), a buggy notebook and a .py module under other names."""
    assert main(["grade", str(EXAMPLES), "-a", "sparse-autoencoder", "-o", str(tmp_path), "-j", "2"]) == 0
    assert not student_facing_internals(tmp_path, load_assignment(find_assignment("sparse-autoencoder")))
    graded = {}
    for path in tmp_path.glob("*.json"):
        result = json.loads(path.read_text())
        failed = {c["id"].removeprefix("sparse-autoencoder.") for e in result["exercises"] for c in e["checks"]
                  if c["status"] != "passed"}
        graded[result["student"]] = (sum(c["earned"] for e in result["exercises"] for c in e["checks"]), failed)
    correct, buggy, module = "vance_nora_40588", "marlow_quinn", "haldane"
    assert set(graded) == {correct, buggy, module}, sorted(graded)
    assert graded[correct] == (100, set()), graded[correct]
    assert graded[module] == (100, set()), graded[module]
    # Normalize with min and max swapped; the MSE gradient's extra ½ (which reaches aeCost's
    # gradients); λW divided by N in aeCost
    lost = {"preprocess.normalize": 8, "loss.mse": 8, "aecost.gradient": 10, "aecost.bias-gradients": 6,
            "aecost.finite-differences": 4}
    assert graded[buggy] == (100 - sum(lost.values()), set(lost)), graded[buggy]
