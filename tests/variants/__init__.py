"""Variants of a reference module: mutants that must lose points, alternatives that must not.

A :class:`Variant` names the top-level definitions of the reference it replaces and the new source
of each. :func:`build_variant` finds those definitions with ``ast`` and splices the new text in their
place, so every variant is a whole, realistic submission module that differs from the reference
exactly where it says. That is how a suite is shown to fail on each known mistake (and only to
fail on mistakes: a correct alternative written differently must still score 100 %).
"""

from __future__ import annotations

import ast
import textwrap
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

__all__ = ["Variant", "build_variant", "definition", "edit", "edits", "load_variant", "mutant_maker",
           "top_level_spans", "whole_module"]


@dataclass(frozen=True)
class Variant:
    name: str                                   # pytest id, e.g. "conv_no_filter_multiply"
    replaces: dict[str, str] = field(default_factory=dict)   # top-level name -> new source ("" deletes)
    must_fail: tuple[str, ...] = ()             # full check ids that must fail; () for an alternative
    note: str = ""                              # the mistake (or the way of being right), in words
    # Other checks the same fault reaches and which may fail too: ones that compute the very thing that
    # is wrong (a flipped kernel makes every convolution value wrong). A check outside both lists must
    # not lose points for this mistake: it charges another exercise's fault (see the contract).
    touches: tuple[str, ...] = ()


def top_level_spans(source: str) -> dict[str, tuple[int, int]]:
    """First and last line (1-based, decorators included) of each top-level def, class and
    single-name assignment (``NAME = ...`` or ``NAME: T = ...``) in ``source``."""
    spans: dict[str, tuple[int, int]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            spans[node.name] = (first, node.end_lineno or node.lineno)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            spans[node.targets[0].id] = (node.lineno, node.end_lineno or node.lineno)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            spans[node.target.id] = (node.lineno, node.end_lineno or node.lineno)
    return spans


def build_variant(reference_path: str | Path, variant: Variant) -> str:
    """The reference module's source with ``variant.replaces`` spliced in.

    Raises ValueError when the variant replaces a name the reference does not define at top level
    (a typo would otherwise leave the reference untouched and the "mutant" correct), and
    SyntaxError, naming the variant, when the result does not compile.
    """
    path = Path(reference_path)
    source = path.read_text(encoding="utf-8")
    spans = top_level_spans(source)
    unknown = sorted(set(variant.replaces) - set(spans))
    if unknown:
        raise ValueError(f"variant {variant.name!r} replaces {', '.join(unknown)}, which {path} does not "
                         f"define at top level (it defines: {', '.join(spans)})")
    lines = source.splitlines(keepends=True)
    # bottom-up, so the line numbers of the spans still to splice stay valid
    for name in sorted(variant.replaces, key=lambda n: spans[n][0], reverse=True):
        first, last = spans[name]
        new = textwrap.dedent(variant.replaces[name]).strip("\n")
        lines[first - 1:last] = [new + "\n"] if new else []
    result = "".join(lines)
    compile(result, f"<variant {variant.name} of {path.name}>", "exec")
    return result


def load_variant(reference_path: str | Path, variant: Variant) -> types.ModuleType:
    """The variant as a fresh module object, executed like a submission would be."""
    module = types.ModuleType(f"variant_{variant.name}")
    source = build_variant(reference_path, variant)
    exec(compile(source, f"<variant {variant.name}>", "exec"), module.__dict__)  # trusted test data
    return module


def whole_module(reference_path: str | Path, name: str, source: str, note: str) -> Variant:
    """An alternative that replaces every top-level definition of the reference with ``source``.

    The reference keeps only its docstring and imports; ``source`` takes the place of its first
    definition and brings its own helpers, names and imports.
    """
    spans = top_level_spans(Path(reference_path).read_text(encoding="utf-8"))
    first = min(spans, key=lambda n: spans[n][0])
    return Variant(name, {n: (source if n == first else "") for n in spans}, (), note)


def definition(reference_path: str | Path, name: str) -> str:
    """The source of top-level ``name`` in the reference, for mutants that change a line of it."""
    source = Path(reference_path).read_text(encoding="utf-8")
    first, last = top_level_spans(source)[name]
    return "".join(source.splitlines(keepends=True)[first - 1:last])


def edit(source: str, old: str, new: str) -> str:
    """``source`` with one exact fragment changed; fails loudly unless it occurs exactly once (a
    fragment that is not there would leave the "mutant" correct)."""
    if source.count(old) != 1:
        raise ValueError(f"mutant edit: {old!r} occurs {source.count(old)} times, expected once")
    return source.replace(old, new)


def edits(source: str, *changes: tuple[str, str]) -> str:
    """``source`` with each (old, new) change of :func:`edit` made in turn."""
    for old, new in changes:
        source = edit(source, old, new)
    return source


def mutant_maker(assignment_id: str) -> Callable[..., Variant]:
    """``mutant(name, note, must_fail, touches=(), **replaces)`` for one assignment, with the check
    ids of ``must_fail`` and ``touches`` written without the assignment's prefix."""
    def mutant(name: str, note: str, must_fail: tuple[str, ...], *, touches: tuple[str, ...] = (),
               **replaces: str) -> Variant:
        return Variant(name, replaces, tuple(f"{assignment_id}.{check}" for check in must_fail), note,
                       tuple(f"{assignment_id}.{check}" for check in touches))
    return mutant
