"""Measure what each case's honest parts earn: the ``max_percent`` written in corpus.py.

    .venv/bin/python tests/hostile/measure.py [--skip REGEX] [ASSIGNMENT ...]

Every case is graded with its attack taken out (:func:`neutered`): each function or method whose
docstring starts with "ATTACK" raises NotImplementedError instead (its decorators and default
values dropped too), a class whose docstring starts with "ATTACK" keeps only its methods (its body
is where that attack ran), and top-level statements other than imports, definitions and
assignments of plain values go. What is left is the honest code around the attack: its score, plus
the case's ``allowance``, is the most the case may earn. Entries whose attack is their shape
(links, zips, broken notebooks) are graded as they are. Prints one line per case next to the
max_percent in corpus.py. ``--skip`` leaves out cases whose names match (one that takes the whole
run down would leave the others unmeasured).
"""

from __future__ import annotations

import ast
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hostile import builders, corpus  # noqa: E402
from hostile.runs import grade_contained, results_by_entry, tight_assignment  # noqa: E402


def _is_attack(node: ast.AST) -> bool:
    doc = ast.get_docstring(node) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else None
    return bool(doc and doc.startswith("ATTACK"))


def _neuter_function(node: ast.FunctionDef) -> ast.FunctionDef:
    raise_ = ast.parse("raise NotImplementedError('neutered')").body[0]
    node.body = [node.body[0], raise_]
    node.decorator_list = []
    node.args.defaults = [ast.Constant(None) for _ in node.args.defaults]
    node.args.kw_defaults = [None if d is None else ast.Constant(None) for d in node.args.kw_defaults]
    return node


def neutered(fragment: str) -> str:
    """The fragment with its attacks taken out (see the module docstring)."""
    tree = ast.parse(fragment)
    body = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            body.append(node)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            body.append(_neuter_function(node) if _is_attack(node) else node)
        elif isinstance(node, ast.ClassDef):
            if _is_attack(node):
                node.decorator_list = []
                node.body = [node.body[0]] + [n for n in node.body[1:] if isinstance(n, (ast.FunctionDef,
                                                                                        ast.AsyncFunctionDef))]
            node.body = [_neuter_function(n) if isinstance(n, ast.FunctionDef) and _is_attack(n) else n
                         for n in node.body]
            body.append(node)
        elif isinstance(node, ast.Assign) and not any(isinstance(n, ast.Call) for n in ast.walk(node.value)):
            body.append(node)
    tree.body = body
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


def measure(assignment: str, work: Path, skip: str | None = None) -> dict[str, float]:
    original, every_case = builders.fragment_source, corpus.CASES
    builders.fragment_source = lambda case: neutered(original(case)) if original(case) else ""
    corpus.CASES = tuple(c for c in every_case if not (skip and re.search(skip, c.name)))
    try:
        entries = corpus.build_class(assignment, work / "class")
    finally:
        builders.fragment_source, corpus.CASES = original, every_case
    grade_contained(work / "class", tight_assignment(assignment, work / "assignment"), work / "out",
                    work / "report.json", sandbox=None, timeout_s=900)
    results = results_by_entry(work / "out")
    scores: dict[str, float] = {}
    for entry, case in entries.items():
        percent = results[entry]["percent"] if entry in results else float("nan")
        scores[case.name] = max(scores.get(case.name, percent), percent)
    return scores


def main(argv: list[str]) -> int:
    skip = None
    if argv[:1] == ["--skip"]:
        skip, argv = argv[1], argv[2:]
    for assignment in argv or corpus.ASSIGNMENTS:
        with tempfile.TemporaryDirectory(prefix=f"hostile-measure-{assignment}-") as work:
            scores = measure(assignment, Path(work), skip)
        for case in corpus.cases_of(assignment):
            if case.name not in scores:
                print(f"{assignment:12} {case.name:32} skipped")
                continue
            expected = scores[case.name] + case.allowance
            flag = "" if abs(expected - case.max_percent) < 0.05 else "   <-- differs"
            print(f"{assignment:12} {case.name:32} neutered {scores[case.name]:6.1f} + allowance {case.allowance:4.1f}"
                  f"   max_percent {case.max_percent:6.1f}{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
