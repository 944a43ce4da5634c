"""The lab9-rnn suite can pass and can fail (tests/variants/contract.py: the reference and every
alternative score 100 %, every mutant fails the checks that name its mistake); the manual's own bugs
are among the mutants; the reference gives the catalog's golden values; and the example class is
graded through the CLI and real worker processes, the way an instructor does.
"""

from __future__ import annotations

import pytest

import variants.lab9_rnn
from variants.contract import Subject, SuiteContract
from variants.lab_series_golden import assert_catalog_constants, example_grades, sine_margin

SUBJECT = Subject("lab9-rnn", variants.lab9_rnn, reference="reference.lab9_rnn")


class TestSuiteContract(SuiteContract):
    subject = SUBJECT


def test_the_manuals_bugs_are_mutants():
    """The lab manual's bugs (catalog seed-003, sections 9 and 12) are among the mutants, each charged to
    the checks of its own exercise."""
    mutants = {m.name: m for m in SUBJECT.mutants}
    expected = {"no_zero_grad": ("train.zero-grad",),                      # the manual's loop
                "batch_indexed_as_array": ("train.zero-grad",),            # data[:, 0] on the [x, y] batch
                "target_off_by_one": ("windows.value", "windows.golden"),  # the comment's Y[i] = y[i + 9]
                "hard_coded_5900": ("windows.value",),                     # range(0, 5900)
                "first_step_output": ("model.forward", "model.learns-sine"),
                "letter_index_off_by_one": ("names.letters",),
                "one_hot_52_wide": ("names.line-tensor",),
                "denormalize_not_inverse": ("denormalize.value",)}
    for name, checks in expected.items():
        assert mutants[name].must_fail == tuple(f"lab9-rnn.{c}" for c in checks), name
    assert {a.name for a in SUBJECT.alternatives} >= {"numpy_first", "torch_first_aliases"}


def test_the_reference_gives_the_catalogs_golden_values():
    assert_catalog_constants(SUBJECT.reference, "RNNModel", 46)


def test_the_sine_check_starts_where_the_reference_learns_with_a_wide_margin():
    """From the grader's start the reference ends 100-fold below the bar (repeating the last day)."""
    assert sine_margin(SUBJECT.reference, "RNNModel", "rnn", start=1) < 0.01


@pytest.mark.slow
def test_the_example_class_is_graded_by_the_cli_in_seconds(tmp_path):
    """The instructor's path: worker processes, a script that reads a CSV, trains and plots at the top
    level (none of which runs), and a notebook with the manual's loop (no zero_grad)."""
    graded, durations = example_grades(tmp_path, "lab9-rnn")
    correct, buggy = "okoroemeka", "haugen_sigrid"
    assert set(graded) == {correct, buggy}, set(graded)
    assert graded[correct] == (100, set()), graded[correct]
    assert graded[buggy] == (90, {"train.zero-grad"}), graded[buggy]
    assert max(durations.values()) < 60, durations
