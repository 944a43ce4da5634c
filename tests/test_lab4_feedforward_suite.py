"""The lab4-feedforward suite can pass and can fail (tests/variants/contract.py: the reference and every
alternative score 100 %, every mutant fails the checks that name its mistake); the reference gives
the catalog's golden values; and the example class is graded through the CLI and real worker
processes, the way an instructor does.
"""

from __future__ import annotations

import json

import pytest
import torch
from torch import nn

import variants.lab4_feedforward
from grader.cli import main
from grader.spec import find_assignment, load_assignment
from variants.contract import Subject, SuiteContract, student_facing_internals

SUBJECT = Subject("lab4-feedforward", variants.lab4_feedforward, reference="reference.lab4_feedforward")
EXAMPLES = SUBJECT.examples

XOR_X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = torch.tensor([0.0, 1.0, 1.0, 0.0])
SEED42_INIT = [[[0.5406, 0.5869], [-0.1657, 0.6496]], [-0.1549, 0.1427], [[-0.3443, 0.4153]], [0.6233]]
PRINTED = [[[0.5413, 0.5890], [-0.1679, 0.6455]], [-0.1505, 0.1357], [[-0.3832, 0.3738]], [0.5562]]


class TestSuiteContract(SuiteContract):
    subject = SUBJECT


def test_the_manuals_bugs_are_mutants():
    """The lab manual's bugs (catalog seed-003, sections 5 and 12) are among the mutants, each charged to
    the checks of its own exercise."""
    mutants = {m.name: m for m in SUBJECT.mutants}
    expected = {"init_unit_interval": ("xor.init",),                        # "a weight's value is from 0 to 1"
                "output_sigmoid": ("xor.forward",),
                "count_weights_only": ("xor.count-params",),
                "manual_output_activation": ("manual.golden", "manual.value"),
                "confusion_transposed": ("confusion.value",),
                "mnist_no_flatten": ("mnist.forward",)}
    for name, checks in expected.items():
        assert mutants[name].must_fail == tuple(f"lab4-feedforward.{c}" for c in checks), name
    assert {a.name for a in SUBJECT.alternatives} >= {"numpy_first", "torch_first_aliases"}


def _the_manuals_loop(model: nn.Module, epochs: int) -> None:
    """The manual's E1 loop: batches of 1, shuffled, MSE on the flattened output, SGD lr 0.03."""
    loader = torch.utils.data.DataLoader(list(zip(XOR_X, XOR_Y)), batch_size=1, shuffle=True)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.03)
    for _ in range(epochs):
        for x, y in loader:
            optimizer.zero_grad()
            nn.functional.mse_loss(model(x).flatten(), y).backward()
            optimizer.step()


def test_the_reference_gives_the_catalogs_golden_values():
    ref = SUBJECT.reference
    torch.manual_seed(42)
    model = ref.XORModel()
    for param, init in zip(model.parameters(), SEED42_INIT):
        assert torch.allclose(param.detach(), torch.tensor(init), atol=5e-5)
    _the_manuals_loop(model, epochs=2)          # the manual's printed parameters are these, not 10000 epochs'
    for param, printed in zip(model.parameters(), PRINTED):
        assert torch.allclose(param.detach(), torch.tensor(printed), atol=5e-5)
    assert ref.count_params(model) == 9 and ref.count_params(ref.XORModelReLU()) == 9
    params = dict(zip(["linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias"],
                      (torch.tensor(p) for p in PRINTED)))
    assert ref.manual_forward(params, XOR_X).flatten().tolist() == pytest.approx(
        [0.578553, 0.579656, 0.511522, 0.520069], abs=2e-6)
    with torch.no_grad():
        assert torch.allclose(ref.manual_forward(model.state_dict(), XOR_X), model(XOR_X), atol=1e-6)
    for (h1, h2), count in {(100, 100): 89_610, (128, 64): 109_386, (256, 128): 235_146, (512, 256): 535_818,
                            (64, 32): 52_650}.items():
        assert ref.count_params(ref.MNISTFFN(h1, h2)) == count


@pytest.mark.slow
def test_the_example_class_is_graded_by_the_cli_in_seconds(tmp_path):
    """The instructor's path: worker processes, a script that trains at the top level and calls
    train_one_epoch before defining it (none of which runs), and a notebook with the manual's mistakes."""
    assert main(["grade", str(EXAMPLES), "-a", "lab4-feedforward", "-o", str(tmp_path), "-j", "1"]) == 0
    assert not student_facing_internals(tmp_path, load_assignment(find_assignment("lab4-feedforward")))
    graded, durations = {}, {}
    for path in tmp_path.glob("*.json"):
        result = json.loads(path.read_text())
        failed = {c["id"].removeprefix("lab4-feedforward.") for e in result["exercises"] for c in e["checks"]
                  if c["status"] != "passed"}
        durations[result["student"]] = result["duration_s"]
        graded[result["student"]] = (sum(c["earned"] for e in result["exercises"] for c in e["checks"]), failed)
    correct, buggy = "adebayotunde", "nakamura_rei"
    assert set(graded) == {correct, buggy}, set(graded)
    assert graded[correct] == (100, set()), graded[correct]
    # weights redrawn in [0, 1) (the manual's text), a transposed confusion matrix
    lost = {"xor.init": 6, "confusion.value": 10}
    assert graded[buggy] == (100 - sum(lost.values()), set(lost)), graded[buggy]
    assert max(durations.values()) < 60, durations
