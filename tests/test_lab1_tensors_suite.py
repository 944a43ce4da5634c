"""The lab1-tensors suite can pass and can fail (tests/variants/contract.py: the reference and every
alternative score 100 %, every mutant fails the checks that name its mistake). The reference is
pinned to the lab catalog's golden values (the manual's printed tensors and the seeded draws of its
source), and the last test grades the example class through the CLI and real worker processes, the
way an instructor does.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

import variants.lab1_tensors
from grader.cli import main
from grader.spec import find_assignment, load_assignment
from variants.contract import Subject, SuiteContract, student_facing_internals

SUBJECT = Subject("lab1-tensors", variants.lab1_tensors, reference="reference.lab1_tensors")
EXAMPLES = SUBJECT.examples
ref = SUBJECT.reference

# The catalog's golden constants for Lab 1 (four decimals, as printed).
SEED_7 = [0.5349, 0.1988, 0.6592, 0.6569, 0.2328, 0.4251, 0.2071, 0.6297, 0.3653, 0.8513]
SEED_0_PRODUCT = [1.8542, 1.9611, 2.2884, 3.0481, 1.7067, 2.5290, 1.7989]
SEED_1234_PRODUCT = [[0.3647, 0.4709], [0.5184, 0.5617]]


class TestSuiteContract(SuiteContract):
    subject = SUBJECT


def test_the_manuals_stale_references_are_mutants():
    """Bug 1 of the catalog (exercises 6, 8, 9 and 10 point at the wrong exercises) as what a student
    who follows it writes, each charged to the check of the product it gets wrong."""
    mutants = {m.name: m for m in SUBJECT.mutants}
    assert mutants["stale_ref_e6_permutes_A"].must_fail == ("lab1-tensors.matmul-7x7.values",)
    assert mutants["stale_ref_e8_wrong_tensors"].must_fail == ("lab1-tensors.matmul-pair.values",)
    assert mutants["np_to_tensor_float32"].must_fail == ("lab1-tensors.np-to-tensor.dtype",)
    assert mutants["squeeze_seed_outside"].must_fail == ("lab1-tensors.squeeze-demo.seed-7",)


def test_the_reference_reproduces_the_catalogs_seeded_values():
    state = torch.random.get_rng_state()
    try:
        t, s = ref.squeeze_demo()
        assert tuple(t.shape) == (1, 1, 1, 10) and tuple(s.shape) == (10,)
        np.testing.assert_allclose(s.numpy(), SEED_7, atol=5e-5)
        torch.manual_seed(0)            # once, for both tensors: what the catalog's product is of
        A = ref.make_7x7()
        B = torch.rand(1, 7)
        np.testing.assert_allclose(ref.matmul_7x7_1x7(A, B).numpy().ravel(), SEED_0_PRODUCT, atol=5e-5)
        torch.manual_seed(1234)
        M = ref.matmul_pair(*ref.make_pair("cpu"))
        np.testing.assert_allclose(M.numpy(), SEED_1234_PRODUCT, atol=5e-5)
        largest, smallest = ref.minmax(M)
        assert (round(float(largest), 4), round(float(smallest), 4)) == (0.5617, 0.3647)
        assert tuple(int(i) for i in ref.argminmax(M)) == (3, 0)
    finally:
        torch.random.set_rng_state(state)


def test_the_reference_gives_the_manuals_printed_shapes_and_values():
    x = torch.arange(1., 10.)
    shapes = {k: tuple(v.shape) for k, v in ref.reshape_demo(x).items()}
    assert shapes == {"reshaped": (3, 3), "viewed": (1, 9), "stacked_rows": (2, 9), "stacked_columns": (9, 2),
                      "squeezed": (9,), "unsqueezed_rows": (1, 9), "unsqueezed_columns": (9, 1)}
    assert tuple(ref.permute_demo(torch.rand(2, 3, 5), (2, 0, 1)).shape) == (5, 2, 3)
    picks = ref.index_demo(torch.arange(1, 10).reshape(1, 3, 3))
    assert picks["element"].item() == 1
    assert picks["last_column"].tolist() == [3, 6, 9] and picks["second_column"].tolist() == [[2, 5, 8]]
    a = np.arange(1., 8.)
    t = ref.np_to_tensor(a)
    assert t.dtype == torch.float64
    a[0] = 100                      # torch.from_numpy shares the array's memory
    assert t[0].item() == 100
    assert np.array_equal(ref.tensor_to_np(t), a)


def test_views_share_storage_in_the_reference():
    """What the grader cannot check in a student's worker (results travel as copies), shown here for
    the reference: view, permute, from_numpy and .numpy() share memory with their input."""
    x = torch.arange(1., 10.)
    assert ref.reshape_demo(x)["viewed"].data_ptr() == x.data_ptr()
    y = torch.rand(2, 3, 5)
    assert ref.permute_demo(y, (2, 0, 1)).untyped_storage().data_ptr() == y.untyped_storage().data_ptr()
    a = np.arange(1., 8.)
    assert np.shares_memory(ref.tensor_to_np(ref.np_to_tensor(a)), a)


@pytest.mark.slow
def test_the_example_class_is_graded_by_the_cli_in_seconds(tmp_path):
    """The instructor's path: worker processes, a script-style .py that prints and times a slow loop at the
    top level, a Colab notebook with shell escapes, %%time cells and the students' other names (none of the
    top-level code runs), and a notebook with the manual's stale reference in it."""
    assert main(["grade", str(EXAMPLES), "-a", "lab1-tensors", "-o", str(tmp_path), "-j", "1"]) == 0
    assert not student_facing_internals(tmp_path, load_assignment(find_assignment("lab1-tensors")))
    results = [json.loads(path.read_text()) for path in tmp_path.glob("*.json")]
    results = [r for r in results if isinstance(r, dict) and "exercises" in r]
    checks = {r["student"]: [c for e in r["exercises"] for c in e["checks"]] for r in results}
    graded = {student: (sum(c["earned"] for c in found),
                        {c["id"].removeprefix("lab1-tensors.") for c in found if c["status"] != "passed"})
              for student, found in checks.items()}
    durations = {r["student"]: r["duration_s"] for r in results}
    script, notebook, buggy = "raoananya", "dsouza_neha_58213", "menon_kiran"
    assert set(graded) == {script, notebook, buggy}, set(graded)
    assert graded[script] == (100, set()), graded[script]
    assert graded[notebook] == (100, set()), graded[notebook]
    # the stale "tensor from 2" (A permuted before the product), torch.Tensor for from_numpy, the seed in a cell above
    lost = {"matmul-7x7.values": 6, "np-to-tensor.dtype": 5, "squeeze-demo.seed-7": 5}
    assert graded[buggy] == (100 - sum(lost.values()), set(lost)), graded[buggy]
    assert max(durations.values()) < 60, durations
