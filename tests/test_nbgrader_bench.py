"""The nbgrader side of the benchmark, without nbgrader: the class it grades and its test cells.

nbgrader runs a notebook's cells in order and scores the test cells that raise nothing. Here the
same cells run in-process, so CI shows that the correct notebooks pass every cell and a known
mistake fails one, which is what the benchmark's nbgrader scores rely on.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

import nbgrader_class as bench  # noqa: E402
from variants.cnn_numpy import MUTANTS  # noqa: E402


def run_in_process(nb: nbformat.NotebookNode) -> dict[str, bool]:
    """Every code cell in order in one namespace, as a kernel would; whether each test cell passed."""
    namespace: dict[str, object] = {"__name__": "__main__"}
    passed = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        try:
            exec(compile(cell.source, f"<cell {meta.get('grade_id', '')}>", "exec"), namespace)  # our own test data
            ok = True
        except Exception:
            ok = False     # a student's cell may fail (nbgrader goes on too)
        if meta.get("grade"):
            passed[meta["grade_id"]] = ok
    return passed


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory) -> list[Path]:
    return bench.build_class(tmp_path_factory.mktemp("class"))


def test_the_class_is_31_valid_notebooks(notebooks):
    assert len(notebooks) == 31 and len({p.name for p in notebooks}) == 31
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        grades = [c.metadata["nbgrader"] for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
        assert [g["grade_id"] for g in grades] == [c.grade_id for c in bench.TEST_CELLS]
    assert notebooks[0].name == "student01_reference.ipynb"


def test_the_cells_are_worth_the_assignments_100_points():
    assert len(bench.TEST_CELLS) == 13
    assert sum(cell.points for cell in bench.TEST_CELLS) == 100


def test_the_reference_notebook_passes_every_cell(notebooks):
    passed = run_in_process(nbformat.read(notebooks[0], as_version=4))
    assert passed == {cell.grade_id: True for cell in bench.TEST_CELLS}


def test_every_alternative_passes_every_cell():
    from variants.cnn_numpy_alternatives import ALTERNATIVES
    for variant in ALTERNATIVES:
        passed = run_in_process(bench.release_notebook(bench.variant_code(variant)))
        assert all(passed.values()), (variant.name, passed)


def test_a_mutant_fails_a_cell():
    mutant = next(m for m in MUTANTS if m.name == "conv_no_filter_multiply")
    passed = run_in_process(bench.release_notebook(bench.variant_code(mutant)))
    assert passed["test-convolution-values"] is False
    assert passed["test-sigmoid-tanh-relu"] is True


def test_the_real_buggy_notebook_loses_points(notebooks):
    passed = run_in_process(nbformat.read(notebooks[-1], as_version=4))
    assert not all(passed.values()) and any(passed.values())


def test_inputs_are_counted_from_the_cases():
    assert bench.INPUTS_PER_SUBMISSION == sum(len(cell.cases) for cell in bench.TEST_CELLS)
    assert bench.INPUTS_PER_SUBMISSION > 13


def test_the_source_notebook_holds_the_reference_between_solution_markers():
    source = bench.release_notebook(None)
    solution = next(c for c in source.cells if c.metadata.get("nbgrader", {}).get("solution"))
    assert solution.source.startswith("### BEGIN SOLUTION\n") and solution.source.endswith("### END SOLUTION")
    assert "def convolution_function" in solution.source
