"""The same class of cnn-numpy notebooks, autograded by nbgrader: the other side of the comparison.

    .venv/bin/python benchmarks/nbgrader_class.py
    .venv/bin/python benchmarks/nbgrader_class.py --size 11 --keep /tmp/nbgrader-course

nbgrader grades a notebook by running it, top to bottom, in a fresh kernel, and counting the test
cells that raise nothing. So this module writes the assignment as an nbgrader instructor would: a
source notebook with the reference between ``### BEGIN SOLUTION`` and ``### END SOLUTION``, and 13
locked test cells that call the student's functions on small fixed inputs and compare with values
the reference computed when the cells were written (embedded as literals, as an instructor pastes
them in). The random parts (filters, weights) are tested on what does not depend on the draw.

The class is 31 students in the release notebook: 30 correct solutions (the reference and the
alternatives of tests/variants/cnn_numpy_alternatives.py in turn) and the real buggy notebook of
the example class. Only ``nbgrader autograde`` is timed. nbgrader itself lives in its own virtual
environment (benchmarks/.nbgrader-venv, made on first use), with the numpy of requirements.lock,
so that the kernel that runs the notebooks has the numerics our grader has.
"""

from __future__ import annotations

import argparse
import ast
import csv
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "reference" / "cnn_numpy.py"
ASSIGNMENT = ROOT / "assignments" / "cnn-numpy"
ASSIGNMENT_ID = "cnn-numpy"
NOTEBOOK = "cnn.ipynb"
COURSE_ID = "dl-benchmark"
# The buggy notebook of the example class (a real submission): the last student of the class.
EXAMPLE = ASSIGNMENT / "examples" / "doe_jane_40017_attempt_2026-10-03-14-22-10_cnn.ipynb"
DEFAULT_VENV = ROOT / "benchmarks" / ".nbgrader-venv"
CELL_TIMEOUT_S = 600      # nbgrader's default is 30 s a cell; a busy two-core machine needs room

if str(ROOT / "tests") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests"))


# --- the test cells, as data ----------------------------------------------------------------------
# A template is the assertion as it appears in the cell: {call} is replaced by the case's call and
# {expected} by the reference's value of the case's `expected` expression, written as a literal.
ALLCLOSE = "np.testing.assert_allclose({call}, {expected}, rtol=1e-5, atol=1e-6)"
SAME_TUPLE = "assert tuple({call}) == {expected}"
RAISES_VALUE_ERROR = """\
try:
    {call}
except ValueError:
    pass
else:
    raise AssertionError("a negative padding must raise ValueError")"""
# Probabilities whatever the random weights were: the right shape, finite, non-negative, sum 1.
PROBABILITIES = """\
scores = {call}
assert np.shape(scores) == {expected}, f"scores have shape {np.shape(scores)}"
assert np.all(np.isfinite(scores)) and np.all(scores >= 0)
assert np.isclose(np.sum(scores), 1.0, atol=1e-5), f"scores sum to {np.sum(scores)}"
"""
# The layer's own random filters, checked by convolving with them by hand.
MAPS_MATCH_FILTERS = """\
maps, filters = {call}
maps_shape, filter_shape = {expected}
assert np.shape(maps) == maps_shape, f"maps have shape {np.shape(maps)}, expected {maps_shape}"
assert len(filters) == maps_shape[2], f"{len(filters)} filters returned for {maps_shape[2]} maps"
assert not any(np.array_equal(filters[i], filters[j]) for i in range(len(filters)) for j in range(i)), \
    "two of the filters are the same: each filter is a draw of its own"
for k, kernel in enumerate(filters):
    assert np.shape(kernel) == filter_shape, f"filter {k} has shape {np.shape(kernel)}"
    np.testing.assert_allclose(maps[:, :, k], correlate_by_hand(image, kernel, stride, padding, activation),
                               rtol=1e-5, atol=1e-5)
"""
PARAMETER_SHAPES = """\
mlp = {call}
weight_shapes, bias_shapes = {expected}
assert [np.shape(w) for w in mlp.weights] == weight_shapes, [np.shape(w) for w in mlp.weights]
assert [np.shape(b) for b in mlp.biases] == bias_shapes, [np.shape(b) for b in mlp.biases]
"""

# The instructor's own convolution, in loops: the convolution-layer test must not trust the
# student's convolution_function, or a layer built on a wrong one would pass.
CORRELATE_BY_HAND = '''\
def correlate_by_hand(image, kernel, stride, padding, activation):
    padded = np.pad(np.asarray(image, dtype=float), ((padding, padding), (padding, padding), (0, 0)))
    fh, fw = np.shape(kernel)[:2]
    out = np.zeros(((padded.shape[0] - fh) // stride + 1, (padded.shape[1] - fw) // stride + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(padded[i * stride:i * stride + fh, j * stride:j * stride + fw] * kernel)
    return activation(out)
'''
IDENTITY = "identity = lambda z: z\n"
LINE = "line = np.array([-30.0, -2.5, -1.0, -0.1, 0.0, 0.3, 1.0, 4.0, 30.0])"
EMBOSS = ("emboss = np.repeat(np.array([[-2.0, -1.0, 0.0], [-1.0, 1.0, 1.0], [0.0, 1.0, 2.0]])[:, :, None], "
          "3, axis=2)")


@dataclass(frozen=True)
class Case:
    """One call of the student's code on one fixed input: the unit INPUTS_PER_SUBMISSION counts.

    ``setup`` makes the input (it may draw from the cell's ``rng``), ``call`` is the call under test,
    ``check`` the assertion template, ``expected`` an expression of ``got`` (the reference's result
    of ``call``) whose value is embedded in the cell.
    """

    setup: str
    call: str
    check: str = ALLCLOSE
    expected: str = "got"


@dataclass(frozen=True)
class CellSpec:
    """A test cell before its expected values are computed: what it tests and the checks of
    assignment.toml it stands for (its points are theirs)."""

    grade_id: str
    title: str
    seed: int
    checks: tuple[str, ...]
    cases: tuple[Case, ...]
    preamble: str = ""


@dataclass(frozen=True)
class TestCell:
    """A test cell as it goes into the notebook."""

    __test__ = False          # not a pytest class, whatever its name

    grade_id: str
    points: int
    source: str
    cases: tuple[Case, ...]


SPECS: tuple[CellSpec, ...] = (
    CellSpec("test-sigmoid-tanh-relu", "sigmoid, tanh and relu, elementwise; every activation leaves its input alone", 1,
             ("activations.elementwise", "activations.keep-input"), (
        Case(LINE, "sigmoid(line)"),
        Case("grid = rng.uniform(-6, 6, (3, 4))", "sigmoid(grid)"),
        Case("", "tanh(line)"),
        Case("", "tanh(grid)"),
        Case("", "relu(line)"),
        Case("", "relu(grid)"),
        # the array after all five activations were called on it: unchanged, if none wrote into it
        Case("given = rng.uniform(-6, 6, (3, 4))",
             "[f(given) for f in (sigmoid, tanh, relu, leaky_relu, softmax)] and given"),
    )),
    CellSpec("test-leaky-relu", "leaky_relu with the default slope and a given one", 2, ("activations.leaky-relu",), (
        Case(LINE, "leaky_relu(line)"),
        Case("grid = rng.uniform(-6, 6, (3, 4))", "leaky_relu(grid)"),
        Case("", "leaky_relu(grid, 0.2)"),
    )),
    CellSpec("test-softmax", "softmax over the last axis, stable for large inputs", 3,
             ("activations.softmax", "activations.softmax-stable"), (
        Case("logits = rng.uniform(-3, 3, 6)", "softmax(logits)"),
        Case("rows = rng.uniform(-3, 3, (4, 5))", "softmax(rows)"),
        Case("large = np.array([[1000.0, 1001.0, 1002.0], [-1000.0, 0.0, 1000.0]])", "softmax(large)"),
    )),
    CellSpec("test-output-dimensions", "the output size formula", 4, ("output-dims.formula",), (
        Case("", "calculate_output_activation_map_dimensions(256, 256, 3, 3, 1, 1)", SAME_TUPLE, "tuple(got)"),
        Case("", "calculate_output_activation_map_dimensions(7, 9, 3, 2, 0, 1)", SAME_TUPLE, "tuple(got)"),
        Case("", "calculate_output_activation_map_dimensions(10, 10, 4, 4, 2, 3)", SAME_TUPLE, "tuple(got)"),
        Case("", "calculate_output_activation_map_dimensions(5, 8, 5, 3, 1, 2)", SAME_TUPLE, "tuple(got)"),
    )),
    CellSpec("test-convolution-values", "convolution values and shapes, padding border, no flip", 5,
             ("conv.value", "conv.shape", "conv.padding-border", "conv.uses-filter", "conv.cross-correlation"), (
        Case("image = rng.uniform(-1, 1, (5, 6, 3))\nkernel = rng.uniform(-1, 1, (3, 3, 3))",
             "convolution_function(image, 1, kernel, identity, 0)"),
        Case("", "convolution_function(image, 2, kernel, identity, 1)"),
        Case("", "convolution_function(image, 1, kernel, identity, 2)"),
        Case("tall = rng.uniform(-1, 1, (7, 4, 2))\nwide_kernel = rng.uniform(-1, 1, (2, 3, 2))",
             "convolution_function(tall, 3, wide_kernel, identity, 1)"),
        Case("corner = np.zeros((3, 3, 2))\ncorner[0, 0, :] = 1.0", "convolution_function(tall, 1, corner, identity, 0)"),
        Case("centre = np.zeros((3, 3, 2))\ncentre[1, 1, :] = 1.0", "convolution_function(tall, 1, centre, identity, 1)"),
    ), IDENTITY),
    CellSpec("test-convolution-activation", "the activation, negative padding, an embossed uint8 picture", 6,
             ("conv.activation", "conv.rejects-negative-padding", "conv.emboss-regression"), (
        Case("image = rng.uniform(-2, 2, (6, 5, 3))\nkernel = rng.uniform(-1, 1, (3, 3, 3))",
             "convolution_function(image, 1, kernel, np.tanh, 1)"),
        Case("", "convolution_function(image, 2, kernel, lambda z: np.maximum(z, 0.0), 0)"),
        Case("", "convolution_function(image, 1, kernel, np.tanh, -1)", RAISES_VALUE_ERROR),
        Case(f"picture = rng.integers(0, 256, (8, 8, 3), dtype=np.uint8)\n{EMBOSS}",
             "convolution_function(picture, 1, emboss, identity, 1)"),
    ), IDENTITY),
    CellSpec("test-embossing-filter", "the embossing filter", 7, ("emboss.filter",), (
        Case("", "get_embossing_filter()"),
    )),
    CellSpec("test-max-pooling", "max pooling, channel by channel, 2-D maps and int sizes", 8,
             ("pooling.max", "pooling.channels-separate", "pooling.flat-map-int-size"), (
        Case("maps = rng.uniform(-1, 1, (6, 6, 2))", "pooling_function(maps, 'max', 2, (2, 2))"),
        Case("odd = rng.uniform(-1, 1, (7, 5, 3))", "pooling_function(odd, 'max', 1, (3, 2))"),
        Case("layers = np.stack([np.full((4, 4), 1.0), np.full((4, 4), 5.0), np.full((4, 4), -3.0)], axis=2)",
             "pooling_function(layers, 'max', 2, (2, 2))"),
        Case("flat = rng.uniform(-1, 1, (5, 5))", "pooling_function(flat, 'max', 2, 3)"),
    )),
    CellSpec("test-average-pooling", "average pooling, no rescaling", 9, ("pooling.average", "pooling.no-rescaling"), (
        Case("maps = rng.uniform(-1, 1, (6, 6, 2))", "pooling_function(maps, 'average', 2, (2, 2))"),
        Case("odd = rng.uniform(-1, 1, (7, 7, 3))", "pooling_function(odd, 'average', 2, (3, 3))"),
        Case("pixels = rng.integers(0, 256, (6, 6, 3)).astype(float)", "pooling_function(pixels, 'average', 2, 2)"),
    )),
    CellSpec("test-convolution-layer", "the layer's maps are the convolutions with the filters it returns", 11,
             ("conv-layer.shape", "conv-layer.random-filters", "conv-layer.maps-match-filters"), (
        Case("image = rng.uniform(-1, 1, (6, 5, 2))\nstride, padding, activation = 2, 1, np.tanh",
             "convolution_layer(image, 4, (3, 2), stride, padding, activation)", MAPS_MATCH_FILTERS,
             "(np.shape(got[0]), np.shape(got[1][0]))"),
        Case("image = rng.uniform(-1, 1, (5, 5, 3))\nstride, padding, activation = 1, 0, (lambda z: np.maximum(z, 0.0))",
             "convolution_layer(image, 2, (3, 3), stride, padding, activation)", MAPS_MATCH_FILTERS,
             "(np.shape(got[0]), np.shape(got[1][0]))"),
    ), CORRELATE_BY_HAND),
    CellSpec("test-pooling-layer", "global average pooling (float and uint8) and windowed pooling", 10,
             ("pooling-layer.global-average", "pooling-layer.windowed", "pooling-layer.gap-regression"), (
        Case("maps = rng.uniform(-1, 1, (5, 4, 3))", "pooling_layer(maps, 'global_average')"),
        Case("picture = rng.integers(0, 256, (16, 16, 3), dtype=np.uint8)", "pooling_layer(picture, 'global_average')"),
        Case("windows = rng.uniform(-1, 1, (6, 6, 2))", "pooling_layer(windows, 'max', 2, (2, 2))"),
        Case("", "pooling_layer(windows, 'average', 1, (2, 3))"),
    )),
    CellSpec("test-multilayer-perceptron", "parameter shapes; the forward pass with set weights and biases", 12,
             ("mlp.parameters", "mlp.forward", "mlp.biases", "mlp.linear-output", "mlp.softmax"), (
        Case("", "MultiLayerPerceptron(5, 2, [4, 3], np.tanh, 6)", PARAMETER_SHAPES,
             "([np.shape(w) for w in got.weights], [np.shape(b) for b in got.biases])"),
        Case("mlp.weights = [rng.uniform(-1, 1, (5, 4)), rng.uniform(-1, 1, (4, 3)), rng.uniform(-1, 1, (3, 6))]\n"
             "mlp.biases = [rng.uniform(-1, 1, 4), rng.uniform(-1, 1, 3), rng.uniform(-1, 1, 6)]\n"
             "x = rng.uniform(-2, 2, 5)", "mlp.forward_prop(x, False)"),
        Case("", "mlp.forward_prop(x)"),
        Case("features = rng.uniform(-2, 2, 8)", "MultiLayerPerceptron(8, 1, [6], np.tanh, 4).forward_prop(features)",
             PROBABILITIES, "np.shape(got)"),
    )),
    CellSpec("test-cnn", "the whole network gives 1000 probabilities", 13, ("cnn.output",), (
        Case("small = rng.uniform(0, 1, (16, 16, 3))", "CNN(small)", PROBABILITIES, "np.shape(got)"),
        Case("large = rng.uniform(0, 1, (32, 32, 3))", "CNN(large)", PROBABILITIES, "np.shape(got)"),
    )),
)


def literal(value: Any) -> str:
    """Python source that rebuilds ``value``: arrays as ``np.array([...])``, floats at full precision
    (repr of Python floats round-trips), tuples and lists of shapes as they are."""
    if isinstance(value, np.ndarray):
        return f"np.array({value.tolist()!r})"
    if isinstance(value, (np.floating, np.integer)):
        return repr(value.item())
    if isinstance(value, (tuple, list)):
        items = [literal(v) for v in value]
        if isinstance(value, list):
            return f"[{', '.join(items)}]"
        return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"
    return repr(value)


def load_reference() -> types.ModuleType:
    """The reference module, loaded from its file (not the installed package: the file is the truth)."""
    module = types.ModuleType("cnn_numpy_reference")
    module.__file__ = str(REFERENCE)
    exec(compile(REFERENCE.read_text(encoding="utf-8"), str(REFERENCE), "exec"), module.__dict__)  # our own code
    return module


def check_points() -> dict[str, int]:
    """Points of each check of assignment.toml, as "exercise.check"."""
    with open(ASSIGNMENT / "assignment.toml", "rb") as handle:
        spec = tomllib.load(handle)
    return {f"{exercise['id']}.{check['id']}": int(check["points"])
            for exercise in spec["exercise"] for check in exercise["check"]}


def render_cell(spec: CellSpec, points: int, reference: types.ModuleType) -> TestCell:
    """The cell's source with the reference's values filled in.

    Each case's setup and rendered assertion are run against the reference as they are written, in
    one namespace, so the draws from ``rng`` are the ones the cell will make, and a cell the
    reference does not pass cannot be written.
    """
    namespace: dict[str, Any] = {**vars(reference), "np": np}
    head = f"# {spec.title}\nrng = np.random.default_rng({spec.seed})\n"
    exec(head + spec.preamble, namespace)
    parts = [head.rstrip("\n")] + ([spec.preamble.rstrip("\n")] if spec.preamble else [])
    for case in spec.cases:
        if case.setup:
            exec(case.setup, namespace)
        source = case.check.replace("{call}", case.call)
        if "{expected}" in source:
            got = eval(case.call, namespace)
            source = source.replace("{expected}", literal(eval(case.expected, {**namespace, "got": got})))
        exec(source, namespace)
        parts.append("\n".join(filter(None, [case.setup, source.rstrip("\n")])))
    return TestCell(spec.grade_id, points, "\n\n".join(parts) + "\n", spec.cases)


def build_test_cells() -> tuple[TestCell, ...]:
    """The 13 cells, each worth the points of the checks it stands for; every check of
    assignment.toml is stood for exactly once, so the cells are worth the assignment's 100 points."""
    points = check_points()
    covered = [check for spec in SPECS for check in spec.checks]
    if sorted(covered) != sorted(points):
        raise RuntimeError(f"the test cells stand for {sorted(covered)}, assignment.toml has {sorted(points)}")
    reference = load_reference()
    return tuple(render_cell(spec, sum(points[c] for c in spec.checks), reference) for spec in SPECS)


TEST_CELLS: tuple[TestCell, ...] = build_test_cells()
INPUTS_PER_SUBMISSION: int = sum(len(cell.cases) for cell in TEST_CELLS)


# --- the notebooks ----------------------------------------------------------------------------------
def _nbgrader_meta(grade_id: str, *, grade: bool, solution: bool, locked: bool, points: int | None = None) -> dict:
    meta: dict[str, Any] = {"cell_type": "code", "grade": grade, "grade_id": grade_id, "locked": locked,
                            "schema_version": 3, "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return meta


def _locked_cell(source: str, grade_id: str, points: int | None = None) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.id = grade_id
    cell.metadata = {"deletable": False, "editable": False,
                     "nbgrader": _nbgrader_meta(grade_id, grade=points is not None, solution=False, locked=True,
                                                points=points)}
    return cell


def _solution_cell(source: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.id = "solution"
    cell.metadata = {"nbgrader": _nbgrader_meta("solution", grade=False, solution=True, locked=False)}
    return cell


def release_notebook(student_code: str | list[str] | None) -> nbformat.NotebookNode:
    """The assignment's notebook: with ``None`` the instructor's source version (the reference
    between the solution markers, which ``nbgrader generate_assignment`` replaces with
    ``raise NotImplementedError()``); with a student's code, that student's submission.

    A list of code cells (a student who spread the work over several cells) puts the first in the
    solution cell and the rest in plain cells after it, where a student adds them.
    """
    if student_code is None:
        cells = ["### BEGIN SOLUTION\n" + REFERENCE.read_text(encoding="utf-8").rstrip("\n") + "\n### END SOLUTION"]
    else:
        cells = [student_code] if isinstance(student_code, str) else list(student_code) or [""]
    intro = nbformat.v4.new_markdown_cell(
        "# CNN building blocks in numpy\n\nWrite every function of the assignment in the cell below (add cells "
        "if you like). Images are HWC arrays, filters (Fh, Fw, C); convolution means cross-correlation over a "
        "zero-padded image. The locked cells after it test your code.")
    intro.id = "intro"
    extra = []
    for number, source in enumerate(cells[1:], start=2):
        cell = nbformat.v4.new_code_cell(source)
        cell.id = f"student-cell-{number}"
        extra.append(cell)
    tests = [_locked_cell(cell.source, cell.grade_id, cell.points) for cell in TEST_CELLS]
    nb = nbformat.v4.new_notebook(cells=[intro, _locked_cell("import numpy as np", "imports"),
                                         _solution_cell(cells[0]), *extra, *tests])
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                   "language_info": {"name": "python"}}
    return nb


def _names_table() -> dict[str, Any]:
    with open(ASSIGNMENT / "assignment.toml", "rb") as handle:
        return dict(tomllib.load(handle)["names"])


def required_names(code: str) -> str:
    """Lines binding the names the notebook's tests call to the student's own names.

    The nbgrader notebook fixes the names (its tests call ``convolution_function``, not ``conv2d``),
    so a student who used another name would have renamed it; the one alternative written with the
    students' own names gets one alias line per name instead, taken from assignment.toml's aliases.
    """
    tree = ast.parse(code)
    defined = {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    defined |= {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)}
    methods = {node.name: {m.name for m in node.body if isinstance(m, ast.FunctionDef)}
               for node in tree.body if isinstance(node, ast.ClassDef)}
    lines = []
    for canonical, entry in _names_table().items():
        own = canonical if canonical in defined else next((a for a in entry.get("aliases", []) if a in defined), None)
        if own is None:
            continue
        if own != canonical:
            lines.append(f"{canonical} = {own}")
        for method, aliases in entry.get("methods", {}).items():
            if own in methods and method not in methods[own]:
                alias = next((a for a in aliases if a in methods[own]), None)
                if alias:
                    lines.append(f"{own}.{method} = {own}.{alias}")
    return "\n".join(lines)


def variant_code(variant: Any) -> str:
    """A variant of the reference as a student's solution cell, with the notebook's names bound."""
    from variants import build_variant
    code = build_variant(REFERENCE, variant).rstrip("\n") + "\n"
    aliases = required_names(code)
    return code + (f"\n\n# the names the tests call\n{aliases}\n" if aliases else "")


def example_cells(path: Path = EXAMPLE) -> list[str]:
    """The code cells of a real student's notebook, as that student's code.

    Shell escapes and magics (``!pip install ...``, ``%matplotlib``) are commented out: the
    benchmark times grading, not a package download in the middle of it (and the grading machine
    may have no network). Everything else runs as the student wrote it.
    """
    nb = nbformat.read(path, as_version=4)
    return ["\n".join(f"# {line}" if line.lstrip().startswith(("!", "%")) else line
                      for line in cell.source.splitlines())
            for cell in nb.cells if cell.cell_type == "code"]


def build_class(folder: Path, size: int = 31) -> list[Path]:
    """``size`` submissions: correct ones (the reference and the alternatives in turn), then the real
    buggy notebook last. Returns the notebook paths, in order."""
    from variants import Variant
    from variants.cnn_numpy_alternatives import ALTERNATIVES
    folder.mkdir(parents=True, exist_ok=True)
    correct = itertools.cycle([Variant("reference"), *ALTERNATIVES])
    students: list[tuple[str, str | list[str]]] = [
        (variant.name, variant_code(variant)) for variant in itertools.islice(correct, size - 1)]
    students.append(("real_buggy_notebook", example_cells()))
    paths = []
    for number, (name, code) in enumerate(students, start=1):
        path = folder / f"student{number:02d}_{name}.ipynb"
        nbformat.write(release_notebook(code), path)
        paths.append(path)
    return paths


# --- nbgrader ----------------------------------------------------------------------------------------
def numpy_pin() -> str:
    """The numpy version of requirements.lock, so that both graders run on the same numerics."""
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line.lower().startswith("numpy=="):
            return line.split("==", 1)[1].strip()
    raise RuntimeError("requirements.lock pins no numpy")


def find_nbgrader(venv: Path = DEFAULT_VENV) -> Path | None:
    """The venv's ``nbgrader``, if it is there and its python (the kernel's) has nbgrader and numpy."""
    executable, python = venv / "bin" / "nbgrader", venv / "bin" / "python"
    if not (executable.exists() and python.exists()):
        return None
    probe = subprocess.run([str(python), "-c", "import nbgrader, numpy"], capture_output=True)
    return executable if probe.returncode == 0 else None


def ensure_nbgrader(venv: Path = DEFAULT_VENV) -> Path | None:
    """The ``nbgrader`` executable, installed into ``venv`` the first time (minutes; pip and the
    package index are needed then, not afterwards). None, with the reason on stderr, if that fails."""
    found = find_nbgrader(venv)
    if found is not None:
        return found
    print(f"installing nbgrader and numpy=={numpy_pin()} into {venv} (once) ...", file=sys.stderr)
    steps = [[sys.executable, "-m", "venv", str(venv)],
             [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "nbgrader", f"numpy=={numpy_pin()}"]]
    for step in steps:
        try:
            done = subprocess.run(step, capture_output=True, text=True)
        except OSError as error:
            print(f"could not install nbgrader: {' '.join(step)}: {error}", file=sys.stderr)
            return None
        if done.returncode != 0:
            print(f"could not install nbgrader: {' '.join(step)} exited {done.returncode}:\n"
                  f"{_tail(done.stdout + done.stderr)}", file=sys.stderr)
            return None
    found = find_nbgrader(venv)
    if found is None:
        print(f"nbgrader was installed into {venv}, but {venv / 'bin' / 'nbgrader'} does not work", file=sys.stderr)
    return found


@dataclass(frozen=True)
class NbgraderRun:
    wall_s: float                 # `nbgrader autograde` alone
    scores: dict[str, float]      # student -> points
    max_score: float
    inputs: int                   # fixed inputs checked in all: INPUTS_PER_SUBMISSION per submission


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.splitlines()[-lines:])


def _environment(nbgrader: Path, workdir: Path) -> dict[str, str]:
    """nbgrader's environment: the venv first on PATH and for kernel specs (so the notebooks run on
    the venv's python, with its numpy), and Jupyter's config and data kept inside the course."""
    venv = nbgrader.resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    jupyter = workdir / ".jupyter"
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", JUPYTER_PATH=str(venv / "share" / "jupyter"),
               JUPYTER_CONFIG_DIR=str(jupyter), JUPYTER_DATA_DIR=str(jupyter / "data"),
               JUPYTER_RUNTIME_DIR=str(jupyter / "runtime"), JUPYTER_PLATFORM_DIRS="1")
    return env


def _nbgrader(nbgrader: Path, args: list[str], workdir: Path, env: dict[str, str]) -> str:
    """Run one nbgrader command in the course; its log on failure."""
    done = subprocess.run([str(nbgrader), *args], cwd=workdir, env=env, capture_output=True, text=True)
    log = done.stdout + done.stderr
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} exited {done.returncode}:\n{_tail(log)}")
    return log


def lay_out_course(notebooks: list[Path], workdir: Path) -> list[str]:
    """An nbgrader course directory: config, source notebook, one submission folder per student.
    Returns the student ids (the notebooks' names)."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
        f"c.CourseDirectory.root = {str(workdir)!r}\n"
        f"c.Execute.timeout = {CELL_TIMEOUT_S}\n", encoding="utf-8")
    source = workdir / "source" / ASSIGNMENT_ID
    source.mkdir(parents=True, exist_ok=True)
    nbformat.write(release_notebook(None), source / NOTEBOOK)
    students = []
    for notebook in notebooks:
        folder = workdir / "submitted" / notebook.stem / ASSIGNMENT_ID
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(notebook, folder / NOTEBOOK)
        students.append(notebook.stem)
    return students


def read_grades(csv_path: Path) -> tuple[dict[str, float], float]:
    """Each student's score and the assignment's maximum, from ``nbgrader export``'s CSV."""
    with open(csv_path, newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["assignment"] == ASSIGNMENT_ID]
    if not rows:
        raise RuntimeError(f"{csv_path} has no grades for {ASSIGNMENT_ID}")
    return {row["student_id"]: float(row["score"]) for row in rows}, float(rows[0]["max_score"])


def autograde(notebooks: list[Path], workdir: Path, nbgrader: Path) -> NbgraderRun:
    """Generate the assignment, autograde every submission (the only step timed), export the grades.

    Students unknown to the gradebook are created by autograde (the default since nbgrader 0.7;
    ``--create`` is only a deprecated alias of it), and ``--force`` grades again over an earlier run.
    """
    students = lay_out_course(notebooks, workdir)
    env = _environment(nbgrader, workdir)
    _nbgrader(nbgrader, ["generate_assignment", ASSIGNMENT_ID, "--force"], workdir, env)
    started = time.perf_counter()
    log = _nbgrader(nbgrader, ["autograde", ASSIGNMENT_ID, "--force"], workdir, env)
    wall = time.perf_counter() - started
    missing = [s for s in students if not (workdir / "autograded" / s / ASSIGNMENT_ID / NOTEBOOK).exists()]
    if missing:
        raise RuntimeError(f"nbgrader autograde did not grade {', '.join(missing)}:\n{_tail(log)}")
    _nbgrader(nbgrader, ["export", "--to", str(workdir / "grades.csv")], workdir, env)
    scores, max_score = read_grades(workdir / "grades.csv")
    return NbgraderRun(wall, {s: scores[s] for s in students}, max_score, INPUTS_PER_SUBMISSION * len(students))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=31, help="students, the buggy notebook included")
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV, help="where nbgrader is (or is installed)")
    parser.add_argument("--keep", type=Path, help="lay out the course here and keep it, instead of a temporary folder")
    args = parser.parse_args()
    nbgrader = ensure_nbgrader(args.venv)
    if nbgrader is None:
        return 2
    with tempfile.TemporaryDirectory(prefix="nbgrader-class-") as tmp:
        notebooks = build_class(Path(tmp) / "class", args.size)
        run = autograde(notebooks, args.keep or Path(tmp) / "course", nbgrader)
    correct, buggy = list(run.scores.items())[:-1], list(run.scores.items())[-1]
    full = sum(1 for _, score in correct if score == run.max_score)
    print(f"nbgrader autograde, {ASSIGNMENT_ID}: {len(run.scores)} notebooks, {len(TEST_CELLS)} test cells, "
          f"{INPUTS_PER_SUBMISSION} fixed inputs each")
    print(f"  wall {run.wall_s:.1f} s, {run.wall_s / len(run.scores):.2f} s per submission, "
          f"{run.inputs / run.wall_s:.1f} inputs checked per second")
    print(f"  correct solutions with full marks: {full} of {len(correct)} "
          f"(scores {sorted({score for _, score in correct})} of {run.max_score:g})")
    print(f"  {buggy[0]}: {buggy[1]:g} of {run.max_score:g}")
    ok = full == len(correct) and buggy[1] < run.max_score
    if not ok:
        for student, score in correct:
            if score != run.max_score:
                print(f"    {student}: {score:g}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
