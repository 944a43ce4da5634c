"""The loader: IPython syntax, what counts as a definition, per-cell syntax errors, line numbers."""

from __future__ import annotations

import traceback
from pathlib import Path

import nbformat
import pytest
from hypothesis import given, settings, strategies as st
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grader.errors import SubmissionUnreadable
from grader.loader import CodeUnit, PreparedSource, prepare_source


def write_notebook(path: Path, *cells: str | nbformat.NotebookNode) -> Path:
    """A notebook at ``path``; plain strings become code cells."""
    notebook = new_notebook(cells=[new_code_cell(c) if isinstance(c, str) else c for c in cells])
    nbformat.write(notebook, path)
    return path


def prepare_cells(tmp_path: Path, *cells: str, definitions_only: bool = True) -> PreparedSource:
    return prepare_source(write_notebook(tmp_path / "submission.ipynb", *cells), definitions_only=definitions_only)


def sources(prepared: PreparedSource) -> list[str]:
    return [u.source for u in prepared.units]


def notes(prepared: PreparedSource) -> list[tuple[str, str]]:
    return [(n.where, n.what) for n in prepared.notes]


def run_units(units: tuple[CodeUnit, ...]) -> dict:
    """Execute units top to bottom, the way the worker does, and return the namespace."""
    namespace: dict = {}
    for unit in units:
        exec(compile("\n" * (unit.lineno - 1) + unit.source, unit.filename, "exec"), namespace)
    return namespace


# --- IPython syntax ------------------------------------------------------------------------------
def test_shell_escapes_and_line_magics_become_pass_and_are_noted(tmp_path):
    prepared = prepare_cells(tmp_path, "!pip install torch\n%matplotlib inline\nimport math\n"
                                       "files = !ls\nhere = %pwd\nmath.sqrt?\n?math.floor\nmath.*?\nX = 3")
    assert sources(prepared) == ["import math", "X = 3"]
    assert [u.lineno for u in prepared.units] == [3, 9]
    assert notes(prepared) == [
        ("cell 1, line 1", "skipped (IPython syntax): !pip install torch"),
        ("cell 1, line 2", "skipped (IPython syntax): %matplotlib inline"),
        ("cell 1, line 4", "skipped (IPython syntax): files = !ls"),
        ("cell 1, line 5", "skipped (IPython syntax): here = %pwd"),
        ("cell 1, line 6", "skipped (IPython syntax): math.sqrt?"),
        ("cell 1, line 7", "skipped (IPython syntax): ?math.floor"),
        ("cell 1, line 8", "skipped (IPython syntax): math.*?"),
    ]


def test_magic_inside_a_block_keeps_the_block_valid(tmp_path):
    prepared = prepare_cells(tmp_path, "def setup():\n    !pip install numpy\n    return 1")
    assert sources(prepared) == ["def setup():\n    pass\n    return 1"]
    assert run_units(prepared.units)["setup"]() == 1


def test_shell_escape_continued_with_backslash_is_removed_whole(tmp_path):
    prepared = prepare_cells(tmp_path, "!pip install numpy \\\n    torch\nK = 2")
    assert sources(prepared) == ["K = 2"]
    assert prepared.units[0].lineno == 3


def test_time_line_magic_keeps_its_statement(tmp_path):
    prepared = prepare_cells(tmp_path, "%time K = 2\ndef f():\n    %timeit y = 1\n    return y")
    assert sources(prepared) == ["K = 2", "def f():\n    y = 1\n    return y"]
    assert run_units(prepared.units)["f"]() == 1


@pytest.mark.parametrize("magic", ["%%time", "%%timeit", "%%capture captured"])
def test_timing_and_capture_cell_magics_keep_the_body(tmp_path, magic):
    prepared = prepare_cells(tmp_path, f"{magic}\ndef f():\n    return 1\nf()")
    assert sources(prepared) == ["def f():\n    return 1"]
    assert prepared.units[0].where == "cell 1, line 2"
    assert notes(prepared) == [("cell 1, line 4", "skipped (not a definition): f()")]


@pytest.mark.parametrize("magic", ["%%bash", "%%writefile helper.py", "%%html"])
def test_other_cell_magics_drop_the_cell(tmp_path, magic):
    prepared = prepare_cells(tmp_path, "K = 1", f"{magic}\ndef g():\n    return 1")
    assert sources(prepared) == ["K = 1"]
    name = magic.split()[0]
    assert notes(prepared) == [("cell 2", f"skipped (cell magic {name}): not Python")]


def test_valid_python_that_looks_like_a_magic_is_untouched(tmp_path):
    cell = 'RATE = (10\n% 3)\nDOC = """\n%d items\n!important\n"""\nSAME = (1\n!= 2)'
    prepared = prepare_cells(tmp_path, cell)
    assert sources(prepared) == ["RATE = (10\n% 3)", 'DOC = """\n%d items\n!important\n"""', "SAME = (1\n!= 2)"]
    assert prepared.notes == ()


def test_strings_and_brackets_are_followed_when_a_cell_also_has_magics(tmp_path):
    cell = '!echo hi\nDOC = """\n%d items\n"""\nPAIR = (1,\n  2)  # why?\nS = "a # b"\n%who'
    prepared = prepare_cells(tmp_path, cell)
    assert sources(prepared) == ['DOC = """\n%d items\n"""', "PAIR = (1,\n  2)", 'S = "a # b"']
    assert [n[0] for n in notes(prepared)] == ["cell 1, line 1", "cell 1, line 8"]


# --- what counts as a definition ----------------------------------------------------------------
ASSIGNMENT_CELL = """\
import numpy as np
import torch
from torch import nn
from torchvision.io import read_image

def convolution_function(image, kernel):
    return image
conv2d = convolution_function
E = np.array([[1, 2], [3, 4]])
batch_size = 64
device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
criterion = nn.CrossEntropyLoss()
img = read_image('logo.jpeg')
model = vanilla_RNN(3, 4)
"""


def test_simple_assignments_are_kept_and_calls_of_bare_names_skipped(tmp_path):
    prepared = prepare_cells(tmp_path, ASSIGNMENT_CELL)
    kept = sources(prepared)
    for expected in ["conv2d = convolution_function", "E = np.array([[1, 2], [3, 4]])", "batch_size = 64",
                     "device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')",
                     "criterion = nn.CrossEntropyLoss()"]:
        assert expected in kept
    assert not any(s.startswith(("img =", "model =")) for s in kept)
    assert ("cell 1, line 13", "skipped (assignment that runs code): img = read_image('logo.jpeg')") in notes(prepared)
    assert ("cell 1, line 14", "skipped (assignment that runs code): model = vanilla_RNN(3, 4)") in notes(prepared)


def test_missing_image_cell_is_skipped_so_the_rest_loads(tmp_path):
    prepared = prepare_cells(tmp_path, "import numpy as np", "img = read_image('logo.jpeg')\nplt.imshow(img)",
                             "def f():\n    return 2")
    namespace = run_units(prepared.units)   # would raise NameError/FileNotFoundError if the cell ran
    assert namespace["f"]() == 2
    assert [w for w, _ in notes(prepared)] == ["cell 2, line 1", "cell 2, line 2"]


def test_training_loop_cell_is_skipped_definitions_beside_it_kept(tmp_path):
    cell = ("class Net:\n    pass\nmodel = Net()\nfor epoch in range(10):\n    train(model, epoch)\n"
            "while True:\n    break\nwith open('log.txt') as f:\n    f.read()\ntrain(model, 10)")
    prepared = prepare_cells(tmp_path, cell)
    assert sources(prepared) == ["class Net:\n    pass"]
    assert [what for _, what in notes(prepared)] == [
        "skipped (assignment that runs code): model = Net()",
        "skipped (not a definition): for epoch in range(10):",
        "skipped (not a definition): while True:",
        "skipped (not a definition): with open('log.txt') as f:",
        "skipped (not a definition): train(model, 10)",
    ]


@pytest.mark.parametrize("statement, kept", [
    ("X = 1", True),
    ("X: int = 1", True),
    ("X: int", True),
    ("A, (B, C) = 1, (2, 3)", True),
    ("A = B = 'same'", True),
    ("SHAPE = (3, -4)[::-1]", True),
    ("FLAG = not (1 < 2 <= 3) and None is None", True),
    ("CONFIG = {'lr': 1e-3, **{}}", True),
    ("PATH = f'data/{1 + 1:03d}'", True),
    ("ACT = lambda x: relu(x)", True),
    ("ACT = lambda x, k=np.zeros(2): x", True),
    ("ACT = lambda x, k=load(): x", False),
    ("DIM = np.linalg.norm(np.ones(3), ord=2)", True),
    ("X += 1", False),
    ("X: int = f()", False),
    ("np.random.seed(0)", False),
    ("CFG['lr'] = 0.1", False),
    ("np.pi2 = 6.28", False),
    ("SQUARES = [i * i for i in range(3)]", False),
    ("RNG = np.random.default_rng(0).normal(size=3)", False),
    ("DATA = torchvision.datasets.MNIST('data', download=True)", False),
    ("DATA = torchvision.datasets.MNIST('data', train=False)", False),
    ("W = np.load('weights.npy')", False),
    ("T = np.loadtxt('table.csv')", False),
    ("DEV = torchvision.transforms.ToTensor()", True),
    ("WEIGHTS = undefined_module.load('w.pt')", False),
    ("N = len([1, 2])", False),
    ("TEXT = input()", False),
    ("if True:\n    X = 1", False),
    ("try:\n    X = load()\nexcept Exception:\n    pass", False),
])
def test_what_is_a_simple_definition(tmp_path, statement, kept):
    prepared = prepare_cells(tmp_path, "import numpy as np\nimport torchvision", statement)
    assert (statement in sources(prepared)) is kept


def test_calls_need_a_module_imported_earlier(tmp_path):
    prepared = prepare_cells(tmp_path, "E = np.eye(2)", "import numpy as np", "F = np.eye(2)")
    assert sources(prepared) == ["import numpy as np", "F = np.eye(2)"]


def test_imports_from_a_cell_that_did_not_parse_do_not_count(tmp_path):
    prepared = prepare_cells(tmp_path, "import numpy as np\ndef broken(:\n    pass", "E = np.eye(2)")
    assert sources(prepared) == []


def test_import_aliases_bind_the_names_python_binds(tmp_path):
    prepared = prepare_cells(tmp_path, "import torch.nn as nn\nimport os.path\nfrom math import *",
                             "A = nn.ReLU()\nB = os.path.join('a', 'b')\nC = math.sqrt(2)")
    assert sources(prepared)[3:] == ["A = nn.ReLU()", "B = os.path.join('a', 'b')"]


def test_try_import_blocks_are_kept_main_blocks_dropped(tmp_path):
    cell = ("try:\n    import torch\nexcept ImportError:\n    torch = None\n"
            "if __name__ == '__main__':\n    main()")
    prepared = prepare_cells(tmp_path, cell)
    assert sources(prepared) == ["try:\n    import torch\nexcept ImportError:\n    torch = None"]
    assert notes(prepared) == [("cell 1, line 5", "skipped (main block): if __name__ == '__main__':")]


def test_imports_in_a_kept_try_block_allow_library_calls(tmp_path):
    prepared = prepare_cells(tmp_path, "try:\n    import numpy as np\nexcept ImportError:\n    pass",
                             "E = np.eye(2)")
    assert sources(prepared)[-1] == "E = np.eye(2)"


def test_imports_inside_a_function_do_not_count(tmp_path):
    prepared = prepare_cells(tmp_path, "def f():\n    import numpy as np\n    return np", "E = np.eye(2)")
    assert sources(prepared) == ["def f():\n    import numpy as np\n    return np"]


def test_docstrings_and_pass_are_dropped_without_a_note(tmp_path):
    path = tmp_path / "solution.py"
    path.write_text('"""My solution."""\npass\n...\nX = 1\n', encoding="utf-8")
    prepared = prepare_source(path)
    assert (sources(prepared), prepared.notes) == (["X = 1"], ())


def test_definitions_only_false_keeps_every_statement(tmp_path):
    prepared = prepare_cells(tmp_path, "!pip install x\nX = compute()\nprint(X)\nfor i in range(2):\n    pass",
                             definitions_only=False)
    assert sources(prepared) == ["X = compute()", "print(X)", "for i in range(2):\n    pass"]
    assert notes(prepared) == [("cell 1, line 1", "skipped (IPython syntax): !pip install x")]


# --- units: one per statement, in order, with the student's line numbers ----------------------------
def test_redefinition_later_wins_in_source_order(tmp_path):
    prepared = prepare_cells(tmp_path, "def f():\n    return 1", "X = 1", "def f():\n    return 2\nX = 2")
    assert [u.where for u in prepared.units] == ["cell 1, line 1", "cell 2, line 1", "cell 3, line 1", "cell 3, line 3"]
    namespace = run_units(prepared.units)
    assert namespace["f"]() == 2 and namespace["X"] == 2


def test_syntax_error_loses_only_that_cell(tmp_path):
    prepared = prepare_cells(tmp_path, "def good():\n    return 1",
                             "def lost():\n    return (1\nX = 2",
                             "def also_good():\n    return 3")
    assert [u.source.split("(")[0] for u in prepared.units] == ["def good", "def also_good"]
    (where, what), = notes(prepared)
    assert where.startswith("cell 2, line ") and what.startswith("SyntaxError: ")


def test_syntax_error_note_names_the_line(tmp_path):
    prepared = prepare_cells(tmp_path, "X = 1\nY = = 2")
    assert notes(prepared) == [("cell 1, line 2", "SyntaxError: invalid syntax")]


def test_indentation_error_is_named_as_such(tmp_path):
    prepared = prepare_cells(tmp_path, "def f():\nreturn 1")
    assert notes(prepared)[0][1].startswith("IndentationError: ")


def test_decorators_semicolons_and_multiline_statements(tmp_path):
    cell = "import functools\n@functools.lru_cache()\ndef f(x):\n    return [\n        x]\nA = 1; B = (2,\n 3)"
    prepared = prepare_cells(tmp_path, cell)
    assert sources(prepared)[1:] == ["@functools.lru_cache()\ndef f(x):\n    return [\n        x]", "A = 1", "B = (2,\n 3)"]
    assert [u.lineno for u in prepared.units] == [1, 2, 6, 6]


def test_cells_are_numbered_by_position_markdown_included(tmp_path):
    path = write_notebook(tmp_path / "nb.ipynb", new_markdown_cell("# Part 1"), "X = 1",
                          new_markdown_cell("text"), "\n\nY = 2")
    prepared = prepare_source(path)
    assert [(u.where, u.lineno, u.filename) for u in prepared.units] == [
        ("cell 2, line 1", 1, "nb.ipynb, cell 2"), ("cell 4, line 3", 3, "nb.ipynb, cell 4")]


def test_tracebacks_point_at_the_students_line(tmp_path):
    prepared = prepare_cells(tmp_path, "import math", "\n\ndef f():\n    return 1 / 0")
    namespace = run_units(prepared.units)
    with pytest.raises(ZeroDivisionError) as info:
        namespace["f"]()
    frame = traceback.extract_tb(info.value.__traceback__)[-1]
    assert (frame.filename, frame.lineno) == ("submission.ipynb, cell 2", 4)   # line 4 of the second cell


def test_long_statements_are_trimmed_in_notes(tmp_path):
    prepared = prepare_cells(tmp_path, "train(" + ", ".join(f"arg{i}" for i in range(40)) + ")")
    (_, what), = notes(prepared)
    assert len(what) <= len("skipped (not a definition): ") + 80 and what.endswith("...")


def test_output_is_deterministic(tmp_path):
    path = write_notebook(tmp_path / "nb.ipynb", "!ls\nimport numpy as np", ASSIGNMENT_CELL, "train()")
    assert prepare_source(path) == prepare_source(path)


# --- modules and unreadable files ------------------------------------------------------------------
def test_module_units_use_file_lines(tmp_path):
    path = tmp_path / "solution.py"
    path.write_text("import numpy as np\r\n\r\ndef f():\r\n    return 1\r\n\r\nf()\r\n", encoding="utf-8")
    prepared = prepare_source(path)
    assert [(u.source, u.where, u.filename) for u in prepared.units] == [
        ("import numpy as np", "line 1", "solution.py"), ("def f():\n    return 1", "line 3", "solution.py")]
    assert notes(prepared) == [("line 6", "skipped (not a definition): f()")]


def test_module_with_colab_shell_escapes_loads(tmp_path):
    path = tmp_path / "solution.py"
    path.write_text("!pip install torch\nimport math\n", encoding="utf-8")
    assert sources(prepare_source(path)) == ["import math"]


def test_module_with_syntax_error_loads_nothing(tmp_path):
    path = tmp_path / "solution.py"
    path.write_text("def f():\n    return 1\n\ndef g(:\n    pass\n", encoding="utf-8")
    prepared = prepare_source(path)
    assert prepared.units == ()
    assert notes(prepared) == [("line 4", "SyntaxError: invalid syntax")]


def test_module_with_bom_loads(tmp_path):
    path = tmp_path / "solution.py"
    path.write_bytes(b"\xef\xbb\xbfX = 1\n")
    assert sources(prepare_source(path)) == ["X = 1"]


def test_module_with_null_bytes_is_a_note_not_a_crash(tmp_path):
    path = tmp_path / "solution.py"
    path.write_bytes(b"X = 1\x00\n")
    prepared = prepare_source(path)
    assert prepared.units == () and len(prepared.notes) == 1


def test_absurdly_nested_code_is_a_note_not_a_crash(tmp_path):
    prepared = prepare_cells(tmp_path, "X = " + "-" * 100_000 + "1", "Y = 2")
    assert sources(prepared) == ["Y = 2"] and len(prepared.notes) == 1


def test_module_not_utf8_is_unreadable(tmp_path):
    path = tmp_path / "solution.py"
    path.write_bytes(b"NAME = '\xe9t\xe9'\n")
    with pytest.raises(SubmissionUnreadable, match=r"solution\.py: not UTF-8 .*Save the file as UTF-8"):
        prepare_source(path)


@pytest.mark.parametrize("content", ["not json at all", "[]", "{}", '{"nbformat": 4, "cells": 3}'])
def test_broken_notebook_is_unreadable(tmp_path, content):
    path = tmp_path / "broken.ipynb"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SubmissionUnreadable, match=r"broken\.ipynb: not a readable Jupyter notebook .*save it"):
        prepare_source(path)


def test_other_suffix_is_unreadable(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(SubmissionUnreadable, match=r"report\.pdf: cannot grade a '\.pdf' file"):
        prepare_source(path)


def test_missing_file_is_unreadable(tmp_path):
    with pytest.raises(SubmissionUnreadable, match="nowhere.py"):
        prepare_source(tmp_path / "nowhere.py")


# --- properties ----------------------------------------------------------------------------------
DEFINITIONS = ["import math", "K = 3", "def f():\n    return 1", "class C:\n    x = 1", "E = math.sqrt(2)"]
NOISE = ["!pip install torch", "%matplotlib inline", "train(model)", "math.sqrt?", "for i in range(3):\n    pass",
         "img = read_image('x.png')"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(DEFINITIONS + NOISE), max_size=6), min_size=1, max_size=4))
def test_every_unit_points_at_its_own_line_and_every_definition_survives(tmp_path_factory, cells):
    tmp_path = tmp_path_factory.mktemp("nb")
    texts = ["\n".join(cell) for cell in cells]
    prepared = prepare_cells(tmp_path, *texts)
    for unit in prepared.units:
        cell_number, _ = unit.where.removeprefix("cell ").split(", line ")
        lines = texts[int(cell_number) - 1].split("\n")
        assert unit.source.split("\n") == lines[unit.lineno - 1:unit.lineno - 1 + unit.source.count("\n") + 1]
    imported = False
    expected = []
    for statement in (s for cell in cells for s in cell):
        imported = imported or statement == "import math"
        if statement in DEFINITIONS and (statement != "E = math.sqrt(2)" or imported):
            expected.append(statement)
    assert sources(prepared) == expected


# --- a Colab notebook's models ---------------------------------------------------------------------------
def test_a_model_built_at_the_top_level_is_kept_without_its_move_to_the_notebooks_device(tmp_path):
    """CS231n's PyTorch notebook: `model = nn.Sequential(Flatten(), ...)` with its own Flatten class,
    moved to a Colab GPU. The grader places models itself (the machine may have no GPU), so the model
    is kept, the move dropped (with a note), and its lines stay the student's."""
    prepared = prepare_cells(tmp_path, "import torch\nimport torch.nn as nn", "device = torch.device('cuda')",
                             "class Flatten(nn.Module):\n    def forward(self, x):\n        return x.view(len(x), -1)",
                             "\nmodel = nn.Sequential(\n    Flatten(),\n    nn.Linear(12, 10),\n).to(device)",
                             "net = Flatten().cuda()\ny = torch.zeros(3).to(torch.float64)",
                             "w = Helper()\nmodel.apply(init_weights)")
    kept = {u.source.split(" =")[0]: u for u in prepared.units if " = " in u.source}
    assert kept["model"].source == "model = nn.Sequential(\n    Flatten(),\n    nn.Linear(12, 10),\n)"
    assert kept["model"].where == "cell 4, line 2" and kept["model"].lineno == 2
    assert kept["net"].source == "net = Flatten()"
    assert "y" not in kept   # a move to a dtype is not dropped: a method of a computed value, not run
    assert "w" not in kept                                                # Helper is nothing of the submission's
    assert ("cell 4, line 2", "kept without its device move (.to(device)): the grader places models on its own "
            "device") in notes(prepared)
    namespace = run_units([u for u in prepared.units if not u.source.startswith("device")])
    assert namespace["model"](namespace["torch"].ones(2, 3, 4)).shape == (2, 10)


def test_a_notebook_without_cell_ids_loads_and_is_shown_without_nbformats_warning(tmp_path):
    """Cells without ids in a 4.5 notebook (a tool that drops them): loading and the as-submitted
    page say nothing about it on the instructor's terminal."""
    import json
    import warnings

    from grader.source_view import render_submission
    page = tmp_path / "no_ids.ipynb"
    page.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": "def f(x):\n    return x"},
        {"cell_type": "markdown", "metadata": {}, "source": "notes"}]}))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert [u.source for u in prepare_source(page).units] == ["def f(x):\n    return x"]
        assert "def" in render_submission(page, "tova_quill", "ab" * 32)
    assert not [w for w in caught if "missing an id" in str(w.message)], [str(w.message) for w in caught]


def test_a_cell_two_notebooks_share_is_parsed_once_and_prepared_alike(tmp_path):
    """The starter's cells are in every notebook of a class: the grading process parses each once.
    What each notebook's units say (source, where, line) is its own all the same."""
    given_code = "import math\n\ndef area(r):\n    return math.pi * r * r\n"
    first = prepare_source(write_notebook(tmp_path / "a.ipynb", given_code, "def mine():\n    return 1\n"))
    second = prepare_source(write_notebook(tmp_path / "b.ipynb", "x = 2\n", given_code))
    (a_import, a_area, _), (_, b_import, b_area) = first.units, second.units
    assert a_area.node is b_area.node and a_import.node is b_import.node
    assert (a_area.source, a_area.lineno) == (b_area.source, b_area.lineno)
    assert (a_area.filename, a_area.where) == ("a.ipynb, cell 1", "cell 1, line 3")
    assert (b_area.filename, b_area.where) == ("b.ipynb, cell 2", "cell 2, line 3")
    assert run_units(second.units)["area"](1.0) == pytest.approx(3.14159, abs=1e-5)
    huge = "y = 0\n" * 20_000   # over the size a tree is kept for: parsed for each notebook
    c = prepare_source(write_notebook(tmp_path / "c.ipynb", huge))
    d = prepare_source(write_notebook(tmp_path / "d.ipynb", huge))
    assert c.units[0].node is not d.units[0].node
