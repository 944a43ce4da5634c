"""The lab10-lstm suite can pass and can fail (tests/variants/contract.py: the reference and every
alternative score 100 %, every mutant fails the checks that name its mistake); the manual's own bugs
(Lab 9's, and super(RNNModel, self) in LSTMModel) are among the mutants; the reference gives the
catalog's golden values and reproduces nn.LSTM by hand; and the example class is graded through the
CLI and real worker processes, the way an instructor does.
"""

from __future__ import annotations

import pytest
import torch

import variants.lab10_lstm
from variants.contract import Subject, SuiteContract
from variants.lab_series_golden import assert_catalog_constants, example_grades, sine_margin

SUBJECT = Subject("lab10-lstm", variants.lab10_lstm, reference="reference.lab10_lstm")


class TestSuiteContract(SuiteContract):
    subject = SUBJECT


def test_the_manuals_bugs_are_mutants():
    """Catalog seed-003, sections 10 and 12: every bug of Lab 9 again, and LSTMModel calling
    super(RNNModel, self).__init__(), which fails every check that builds the model."""
    mutants = {m.name: m for m in SUBJECT.mutants}
    expected = {"no_zero_grad": ("train.zero-grad",),
                "batch_indexed_as_array": ("train.zero-grad",),
                "target_off_by_one": ("windows.value", "windows.golden"),
                "hard_coded_5900": ("windows.value",),
                "super_of_rnn_model": ("model.params", "model.forward", "model.learns-sine", "train.zero-grad"),
                "first_step_output": ("model.forward", "model.learns-sine"),
                "letter_index_off_by_one": ("names.letters",),
                "one_hot_52_wide": ("names.line-tensor",),
                "denormalize_not_inverse": ("denormalize.value",),
                "lstm_gates_ifog": ("cell.value",)}
    for name, checks in expected.items():
        assert mutants[name].must_fail == tuple(f"lab10-lstm.{c}" for c in checks), name
    assert {a.name for a in SUBJECT.alternatives} >= {"manuals_style", "numpy_first_aliases"}


def test_the_reference_gives_the_catalogs_golden_values():
    assert_catalog_constants(SUBJECT.reference, "LSTMModel", 166)


def test_the_lstm_step_by_hand_reproduces_nn_lstm_to_1e_6():
    """The catalog's optional check: stepping lstm_step with weight_ih_l0's (i, f, g, o) chunks gives
    nn.LSTM's outputs."""
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(3, 4, batch_first=True).double()
    x = torch.randn(2, 6, 3, dtype=torch.float64)
    h = c = torch.zeros(2, 4, dtype=torch.float64)
    outputs = []
    for t in range(6):
        h, c = SUBJECT.reference.lstm_step(x[:, t], h, c, lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0,
                                           lstm.bias_hh_l0)
        outputs.append(h)
    with torch.no_grad():
        expected, (h_n, c_n) = lstm(x)
        assert torch.allclose(torch.stack(outputs, 1), expected, atol=1e-6)
        assert torch.allclose(c, c_n[0], atol=1e-6)


def test_the_sine_check_starts_where_the_reference_learns_with_a_wide_margin():
    assert sine_margin(SUBJECT.reference, "LSTMModel", "lstm", start=2) < 0.01


@pytest.mark.slow
def test_the_example_class_is_graded_by_the_cli_in_seconds(tmp_path):
    """The instructor's path: a correct notebook, and a script whose LSTMModel calls
    super(RNNModel, self).__init__() (copied from Lab 9): a NameError in every check that builds it; and
    a denormalize that multiplies by the maximum."""
    graded, durations = example_grades(tmp_path, "lab10-lstm")
    correct, buggy = "farouk_amal", "brennanliam"
    assert set(graded) == {correct, buggy}, set(graded)
    assert graded[correct] == (100, set()), graded[correct]
    lost = {"model.params": 5, "model.forward": 8, "model.learns-sine": 5, "train.zero-grad": 8, "denormalize.value": 3}
    assert graded[buggy] == (100 - sum(lost.values()), set(lost)), graded[buggy]
    assert max(durations.values()) < 60, durations
