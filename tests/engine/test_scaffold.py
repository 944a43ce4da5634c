"""`grader new` writes a new assignment from its reference: files that load, a starter with the
reference's signatures, and a suite whose unwritten checks count as the author's fault."""

from __future__ import annotations

import ast
import sys

import nbformat
import pytest

from grader.checks import run_check
from grader.cli import main
from grader.results import Status
from grader.spec import load_assignment
from grader.submission import LocalSubmission
from grader.suite import load_suite

REFERENCE = '''
"""A made-up assignment."""
import numpy as np


def scaled_relu(x, alpha=2.0):
    """alpha * max(x, 0)."""
    return alpha * np.maximum(x, 0)


class Counter:
    def __init__(self, start):
        self.value = start


def _helper():
    return 1
'''


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "made_up.py").write_text(REFERENCE)
    (tmp_path / "tests" / "variants").mkdir(parents=True)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "reference", raising=False)   # the tmp project's reference package
    return tmp_path


def test_the_scaffold_writes_an_assignment_that_loads(project, capsys):
    assert main(["new", "made-up", "--project", str(project), "--title", "Made up"]) == 0
    assert "wrote" in capsys.readouterr().out
    assignment = load_assignment(project / "assignments" / "made-up")
    assert [e.names for e in assignment.exercises] == [("scaled_relu",), ("Counter",)]
    assert sum(c.points for c in assignment.checks) == 100

    notebook = nbformat.read(assignment.starter, as_version=4)
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    tree = {n.name: n for n in ast.parse(code).body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    assert set(tree) == {"scaled_relu", "Counter"}                       # _helper is private
    assert [a.arg for a in tree["scaled_relu"].args.args] == ["x", "alpha"]
    assert "import numpy as np" in code and "NotImplementedError" in code

    # An unwritten check fails on the reference too: the author's fault, never a student's.
    suite = load_suite(assignment)
    import reference.made_up as ref
    submission = LocalSubmission(assignment, ref)
    results = [run_check(suite, c, submission) for c in assignment.checks]
    assert {r.status for r in results} == {Status.GRADER_FAULT}


def test_the_scaffold_never_overwrites(project):
    assert main(["new", "made-up", "--project", str(project)]) == 0
    assert main(["new", "made-up", "--project", str(project)]) == 3      # an author's error, said on stderr


def test_an_id_that_is_not_a_slug_is_refused(project):
    assert main(["new", "Made Up", "--project", str(project), "--reference", str(project / "reference" / "made_up.py")]) == 3
