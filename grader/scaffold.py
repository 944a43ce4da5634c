"""``grader new ID --reference reference/ID.py``: the files of a new assignment, from its reference.

The course author writes the reference first (fresh from the math); the scaffold reads its public
functions and classes and writes, without overwriting anything:

    assignments/<id>/assignment.toml    one exercise per public definition, a public value check each
    assignments/<id>/starter.ipynb      the same signatures and docstrings, bodies `raise NotImplementedError`
    assignments/<id>/README.md          what students read
    tests/suites/<mod>.py               one @check per check, each raising until the author writes it
    tests/variants/<mod>.py             REFERENCE, MUTANTS (empty), ALTERNATIVES (empty)
    tests/test_<mod>_suite.py           the SuiteContract that proves the suite can pass and fail

The suite's placeholders fail on the reference too, so `grader grade` reports them as the author's
fault (never the students'), and `make test` fails until every check is written and every check is
caught by a mutant: a scaffold is a start, never a suite.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from grader.errors import AuthorError


@dataclass(frozen=True)
class Definition:
    name: str
    kind: str            # "function" | "class"
    signature: str       # "def conv(x, w, stride=1):" or "class Net(nn.Module):\n    def __init__(self, n):"
    doc: str


def public_definitions(reference: Path) -> tuple[list[str], list[Definition]]:
    """The reference's imports and its public top-level functions and classes (with ``__init__``)."""
    source = reference.read_text(encoding="utf-8")
    tree = ast.parse(source)
    imports = [ast.get_source_segment(source, node) or "" for node in tree.body
               if isinstance(node, (ast.Import, ast.ImportFrom)) and not
               (isinstance(node, ast.ImportFrom) and node.module == "__future__")]
    found = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            found.append(Definition(node.name, "function", f"def {node.name}({ast.unparse(node.args)}):",
                                    ast.get_docstring(node) or ""))
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            bases = ", ".join(ast.unparse(b) for b in node.bases)
            init = next((f for f in node.body if isinstance(f, ast.FunctionDef) and f.name == "__init__"), None)
            head = f"class {node.name}({bases}):" if bases else f"class {node.name}:"
            if init is not None:
                head += f"\n    def __init__({ast.unparse(init.args)}):"
            found.append(Definition(node.name, "class", head, ast.get_docstring(node) or ""))
    return imports, found


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _points(n: int) -> list[int]:
    base = 100 // n
    return [base + (1 if i < 100 - base * n else 0) for i in range(n)]


def _toml(assignment_id: str, title: str, module: str, definitions: list[Definition]) -> str:
    lines = ["[assignment]", f'id = "{assignment_id}"', f'title = "{title}"', 'version = "1"',
             f'reference = "reference/{module}.py"', f'suite = "tests/suites/{module}.py"',
             'starter = "starter.ipynb"', "", "[limits]", "call_timeout_s = 10", ""]
    for definition, points in zip(definitions, _points(len(definitions))):
        lines += ["[[exercise]]", f'id = "{_slug(definition.name)}"', f'title = "{definition.name}"',
                  f'names = ["{definition.name}"]', "  [[exercise.check]]", '  id = "value"', f"  points = {points}",
                  f'  description = "{definition.name} gives the reference\'s outputs"', "  examples = 25", ""]
    return "\n".join(lines)


def _stub(definition: Definition) -> str:
    doc = f'    """{definition.doc}"""\n' if definition.doc and definition.kind == "function" else ""
    if definition.kind == "function":
        return f"{definition.signature}\n{doc}    raise NotImplementedError  # your code here\n"
    head, _, init = definition.signature.partition("\n")
    doc = f'    """{definition.doc}"""\n\n' if definition.doc else ""
    body = f"{init}\n        raise NotImplementedError  # your code here\n" if init else "    pass\n"
    return f"{head}\n{doc}{body}"


def _starter(title: str, imports: list[str], definitions: list[Definition]) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    cells = [nbformat.v4.new_markdown_cell(f"# {title}\n\nFill in each function; keep its name and parameters."),
             nbformat.v4.new_code_cell("\n".join(imports))]
    for definition in definitions:
        cells += [nbformat.v4.new_markdown_cell(f"## {definition.name}"),
                  nbformat.v4.new_code_cell(_stub(definition).rstrip("\n"))]
    notebook.cells = cells
    notebook.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    return notebook


def _suite(assignment_id: str, module: str, definitions: list[Definition]) -> str:
    checks = "\n\n".join(f'''@check("{_slug(d.name)}.value")
def {d.name.lower()}_value(sub):
    # Draw inputs with hypothesis (@given), call sub.function("{d.name}")(...) or sub.new("{d.name}", ...)
    # with the reference's keyword names, and compare: expect_close(actual, ref.{d.name}(...), inputs=...).
    raise NotImplementedError("write this check (docs/authoring.md)")''' for d in definitions)
    return f'''"""The grading suite of {assignment_id}: one @check per check in assignments/{assignment_id}/assignment.toml."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from grader import check, expect, expect_close, reference

ref = reference()   # reference/{module}.py, its answers recorded with the cases (grader.oracle)


{checks}
'''


def _variants(assignment_id: str, module: str) -> str:
    return f'''"""Mutants of reference/{module}.py (one known mistake each, and the checks that must catch it) and
alternative correct implementations (which must score 100 %). See docs/authoring.md."""

from __future__ import annotations

from pathlib import Path

from . import Variant, mutant_maker

REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "{module}.py"

mutant = mutant_maker("{assignment_id}")

# mutant("name", "the mistake, in words", ("exercise.check", ...), function_name="""def ...""")
MUTANTS: list[Variant] = []

# Variant("name", {{"function_name": """def ..."""}}, (), "the way of being right, in words")
ALTERNATIVES: list[Variant] = []
'''


def _contract(assignment_id: str, module: str) -> str:
    return f'''"""The {assignment_id} suite can pass and can fail (tests/variants/contract.py)."""

from __future__ import annotations

import variants.{module}
from variants.contract import Subject, SuiteContract

SUBJECT = Subject("{assignment_id}", variants.{module}, reference="reference.{module}")


class TestSuiteContract(SuiteContract):
    subject = SUBJECT
'''


def scaffold(project: Path, assignment_id: str, reference: Path, title: str | None = None) -> list[Path]:
    """Write the new assignment's files under ``project``; returns them. Refuses to overwrite."""
    if not re.fullmatch(r"[a-z][a-z0-9-]*", assignment_id):
        raise AuthorError(f"assignment id {assignment_id!r}: use lower-case letters, digits and '-' (e.g. cnn-numpy)")
    module = assignment_id.replace("-", "_")
    reference = reference.resolve()
    expected = (project / "reference" / f"{module}.py").resolve()
    if reference != expected:
        raise AuthorError(f"the reference of {assignment_id} lives at {expected}; write it there first")
    imports, definitions = public_definitions(reference)
    if not definitions:
        raise AuthorError(f"{reference} defines no public function or class to make exercises of")
    title = title or assignment_id
    files = {
        project / "assignments" / assignment_id / "assignment.toml": _toml(assignment_id, title, module, definitions),
        project / "assignments" / assignment_id / "README.md":
            f"# {title}\n\nWhat to write, and what is checked:\n\n"
            + "".join(f"- `{d.name}`\n" for d in definitions),
        project / "tests" / "suites" / f"{module}.py": _suite(assignment_id, module, definitions),
        project / "tests" / "variants" / f"{module}.py": _variants(assignment_id, module),
        project / "tests" / f"test_{module}_suite.py": _contract(assignment_id, module),
    }
    starter = project / "assignments" / assignment_id / "starter.ipynb"
    existing = [p for p in (*files, starter) if p.exists()]
    if existing:
        raise AuthorError("these files exist, and the scaffold never overwrites: "
                          + ", ".join(str(p) for p in existing))
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    nbformat.write(_starter(title, imports, definitions), starter)
    (reference.parent / "__init__.py").touch(exist_ok=True)
    return [*files, starter]
