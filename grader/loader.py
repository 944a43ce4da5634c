"""Turn a submitted ``.py`` or ``.ipynb`` into code units the worker runs one at a time.

    prepare_source(path) -> PreparedSource(units, notes)

Per notebook cell (a ``.py`` file is one cell):

1. IPython syntax becomes Python: ``%%time``-like cell magics keep their body, other cell magics
   drop the cell; line magics, shell escapes and ``obj?`` help become ``pass``.
2. The cell is parsed; a cell that does not parse is skipped with a note, the others still load.
3. By default only what defines things is kept (imports, ``def``, ``class``, simple assignments), so
   a cell that trains for ten epochs or reads a missing image does not run at grading time.
4. Every kept top-level statement is its own :class:`CodeUnit`, so one that fails in the worker
   loses only what it defines, and its line numbers are those the student sees.

Cells are numbered by their position in the notebook (markdown cells count), from 1.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import io
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from grader.errors import SubmissionUnreadable
from grader.results import LoadNote

# Cell magics whose body is ordinary Python that should still define things; any other cell magic
# (%%bash, %%writefile, %%html, ...) is not Python, so its cell is dropped.
_BODY_KEEPING_CELL_MAGICS = frozenset({"time", "timeit", "capture"})

# `files = !ls` and `a, b = %who_ls`: an IPython assignment from a shell escape or a magic.
_ASSIGNED_MAGIC = re.compile(r"^\s*[A-Za-z_][\w.]*(\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*[!%]")
# `%time out = f(x)`: IPython runs the statement, so we do too (with options, `%timeit -n 3 ...`, we don't).
_TIMED_STATEMENT = re.compile(r"^(\s*)%(?:time|timeit)\s+(?!-)(\S.*)$")
# `np.array?`, `np.array??`, `np.*load*?`: IPython help.
_TRAILING_HELP = re.compile(r"^\s*[\w.*]+\?{1,2}\s*$")

_NOTE_WIDTH = 80
# What ast.parse raises for source it cannot parse: ValueError for null bytes (3.11), and
# RecursionError or a bare MemoryError (the parser's stack) for absurdly nested code.
_UNPARSABLE = (SyntaxError, ValueError, RecursionError, MemoryError)


@dataclass(frozen=True)
class CodeUnit:
    source: str        # one top-level statement (decorators included), ready to compile
    filename: str      # what tracebacks name: "submission.ipynb, cell 3" in a notebook, "solution.py" for a module
    where: str         # "cell 3, line 5" in a notebook, "line 12" in a module
    lineno: int        # line of the statement's first line in its cell or file, 1-based
    node: ast.stmt | None = field(default=None, compare=False, repr=False)   # its syntax tree, as parsed here


@dataclass(frozen=True)
class PreparedSource:
    units: tuple[CodeUnit, ...]
    notes: tuple[LoadNote, ...]    # what was skipped, and why


@dataclass(frozen=True)
class _Cell:
    source: str
    number: int | None     # position in the notebook; None for a module

    def where(self, line: int | None = None) -> str:
        """``"cell 3, line 5"``, ``"cell 3"`` (no line), or ``"line 5"`` for a module."""
        if self.number is None:
            return f"line {line or 1}"
        return f"cell {self.number}" if line is None else f"cell {self.number}, line {line}"


def prepare_source(path: Path, *, definitions_only: bool = True) -> PreparedSource:
    """The submission's top-level statements as units, in source order, and notes on what was skipped.

    With ``definitions_only`` (the default) only imports, ``def``, ``class``, ``try:`` blocks of
    imports and simple assignments are kept; otherwise every statement is. Raises
    :class:`SubmissionUnreadable` when the file itself cannot be read; problems inside it
    (syntax errors, skipped statements) become notes. Same input, same output.
    """
    path = Path(path)
    units: list[CodeUnit] = []
    notes: list[LoadNote] = []
    imported: set[str] = set()     # names bound by kept imports so far, in source order
    for cell in _read_cells(path):
        # a notebook's lines count from its cell's top, so its tracebacks name the cell as well
        filename = path.name if cell.number is None else f"{path.name}, {cell.where()}"
        cell_units, cell_notes = _prepare_cell(cell, filename, definitions_only, imported)
        units.extend(cell_units)
        notes.extend(cell_notes)
    return PreparedSource(tuple(units), tuple(notes))


# --- reading --------------------------------------------------------------------------------
def _read_cells(path: Path) -> list[_Cell]:
    suffix = path.suffix.lower()
    if suffix == ".ipynb":
        return _read_notebook(path)
    if suffix == ".py":
        return [_Cell(_normalise_newlines(_read_module_text(path)), None)]
    raise SubmissionUnreadable(f"{path.name}: cannot grade a '{path.suffix or 'file without suffix'}' file. "
                               f"Submit your work as a .ipynb notebook or a .py module.")


def _read_module_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")   # -sig: editors on Windows add a BOM
    except UnicodeDecodeError as exc:
        raise SubmissionUnreadable(f"{path.name}: not UTF-8 text ({exc.reason} at byte {exc.start}). "
                                   f"Save the file as UTF-8 in your editor and submit it again.") from exc
    except OSError as exc:
        raise SubmissionUnreadable(f"{path.name}: cannot be read ({exc.strerror or exc}).") from exc


@contextlib.contextmanager
def quiet_nbformat():
    """Reading a notebook without nbformat's MissingIDFieldWarning: cells without ids (saved before
    nbformat 4.5, or by a tool that drops them) are common in a class and harmless here, and the
    warning, printed by every grading process, only cluttered the instructor's terminal."""
    from nbformat.warnings import MissingIDFieldWarning
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MissingIDFieldWarning)
        yield


def read_notebook_text(text: str) -> Any:
    """A notebook as nbformat reads it (any version, converted to v4), without checking it against
    the schema: a notebook that fails the schema is read all the same (nbformat only logs that),
    and what uses one here checks what it takes. The check cost a grading process 40-70 ms to
    compile the schema's validator, and 2-3 ms per notebook."""
    return nbformat.convert(nbformat.reader.reads(text), 4)


def _read_notebook(path: Path) -> list[_Cell]:
    """The notebook's code cells; anything that is not a readable v4 notebook raises."""
    try:
        with quiet_nbformat():
            notebook = read_notebook_text(path.read_text(encoding="utf-8"))
        cells = [(number, cell) for number, cell in enumerate(notebook["cells"], 1)
                 if cell.get("cell_type") == "code"]
        return [_Cell(_normalise_newlines(_cell_text(cell.get("source", ""))), number) for number, cell in cells]
    except Exception as exc:  # noqa: BLE001 - nbformat raises a zoo of types (JSON, schema, Key, Type)
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise SubmissionUnreadable(f"{path.name}: not a readable Jupyter notebook ({reason}). "
                                   f"Open it in Jupyter, save it, and submit the saved .ipynb file.") from exc


def _cell_text(source: object) -> str:
    if isinstance(source, list):   # an unnormalised cell still holds its lines as a list
        source = "".join(source)
    if not isinstance(source, str):
        raise TypeError(f"a cell's source is a {type(source).__name__}, not text")
    return source


def _normalise_newlines(text: str) -> str:
    # One line ending, so the line numbers we count agree with the ones ast reports.
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- one cell ---------------------------------------------------------------------------------
def _prepare_cell(cell: _Cell, filename: str, definitions_only: bool,
                  imported: set[str]) -> tuple[list[CodeUnit], list[LoadNote]]:
    """Units and notes for one cell; adds the names its kept imports bind to ``imported``."""
    source, notes, tree = _python_of(cell)
    if source is None:
        return [], notes
    try:
        tree = tree or ast.parse(source)
    except _UNPARSABLE as exc:
        line = getattr(exc, "lineno", None)
        message = getattr(exc, "msg", None) or str(exc) or "nested too deeply to parse"
        return [], notes + [LoadNote(cell.where(line), f"{type(exc).__name__}: {message}")]
    units = []
    lines = io.StringIO(source, newline="").readlines()   # as ast counts them: \n, \r\n and \r end a line
    for node in tree.body:
        if _does_nothing(node):   # a removed magic, a docstring: nothing to run, nothing to note
            continue
        segment, first_line = _segment(lines, node)
        if definitions_only and (receiver := _device_move(node)) is not None:
            # model = nn.Sequential(...).to(device): a Colab notebook's device is cuda, which the grading
            # machine may not have; the grader puts models on its own device, so the model is kept without it
            assert isinstance(node, ast.Assign)
            move = ast.unparse(node.value)[len(ast.unparse(receiver)):]
            node, segment = _without_device_move(node, receiver, lines)
            notes.append(LoadNote(cell.where(first_line), f"kept without its device move ({_short(move)}): the "
                                  f"grader places models on its own device"))
        reason = _skip_reason(node, imported) if definitions_only else None
        if reason is None:
            units.append(CodeUnit(segment, filename, cell.where(first_line), first_line, node))
            if isinstance(node, (ast.Import, ast.ImportFrom, ast.Try)):
                imported.update(_imported_names(node))
            if isinstance(node, ast.ClassDef) and any(ast.unparse(b).split(".")[-1] == "Module" for b in node.bases):
                imported.add(f"class {node.name}")   # a torch module of the submission's own: built like nn's
        else:
            notes.append(LoadNote(cell.where(first_line), f"skipped ({reason}): {_short(segment)}"))
    return units, notes


def _device_move(node: ast.stmt) -> ast.expr | None:
    """For ``x = <expr>.to(device)`` or ``x = <expr>.cuda()``, the ``<expr>``; else None. Only a
    move to a device: ``.to(device)``, ``.to(torch.device(...))``, ``.to('cuda')``, not ``.to(dtype)``."""
    if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)):
        return None
    call, func = node.value, node.value.func
    attr = func.attr
    if attr == "cuda" and not call.args and not call.keywords:
        return func.value
    if attr != "to" or call.keywords or len(call.args) != 1:
        return None
    (arg,) = call.args
    devicelike = ((isinstance(arg, ast.Name) and "device" in arg.id.lower())
                  or (isinstance(arg, ast.Call) and ast.unparse(arg.func).endswith("device"))
                  or (isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                      and arg.value.split(":")[0] in ("cuda", "cpu", "mps")))
    return func.value if devicelike else None


def _without_device_move(node: ast.Assign, receiver: ast.expr, lines: list[str]) -> tuple[ast.Assign, str]:
    """``node`` assigning ``receiver`` itself, and its source: the statement's text up to the end of
    ``receiver`` (so its lines, and a traceback's line numbers, stay the student's)."""
    first, last = node.lineno - 1, (receiver.end_lineno or node.lineno) - 1
    text = lines[first:last + 1]
    end = len(text[-1].encode("utf-8")[:receiver.end_col_offset or 0].decode("utf-8", errors="ignore"))
    text[-1] = text[-1][:end]
    start = len(text[0].encode("utf-8")[:node.col_offset].decode("utf-8", errors="ignore"))
    text[0] = text[0][start:]
    kept = ast.Assign(targets=node.targets, value=receiver)
    ast.copy_location(kept, node)
    return kept, "".join(text)


def _does_nothing(node: ast.stmt) -> bool:
    return isinstance(node, ast.Pass) or (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))


def _segment(lines: list[str], node: ast.stmt) -> tuple[str, int]:
    """The statement's source, decorators included, and the line it starts on. (What
    ast.get_source_segment gives, from lines split once: it splits the whole cell on every call,
    which made a cell of many statements quadratic.)"""
    decorators = getattr(node, "decorator_list", [])
    first_line = decorators[0].lineno if decorators else node.lineno
    # A top-level decorator starts its own line, so the statement begins at column 0 there.
    start_col = 0 if decorators else node.col_offset
    last_line, end_col = node.end_lineno or first_line, node.end_col_offset
    if end_col is None or not 0 < first_line <= last_line <= len(lines):
        return "", first_line
    # ast's columns count UTF-8 bytes
    if first_line == last_line:
        return lines[first_line - 1].encode()[start_col:end_col].decode(), first_line
    head = lines[first_line - 1].encode()[start_col:].decode()
    tail = lines[last_line - 1].encode()[:end_col].decode()
    return "".join([head, *lines[first_line:last_line - 1], tail]), first_line


def _short(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first if len(first) <= _NOTE_WIDTH else first[:_NOTE_WIDTH - 3] + "..."


# --- IPython syntax ------------------------------------------------------------------------------
def _python_of(cell: _Cell) -> tuple[str | None, list[LoadNote], ast.Module | None]:
    """The cell as plain Python with the same line numbers, or None when the cell is dropped; and
    its syntax tree when the cell parsed as it is.

    Valid Python comes back untouched: only a cell that does not parse can hold IPython syntax,
    and leaving the others alone means no Python is ever mistaken for a magic.
    """
    tree = _parsed(cell.source)
    if tree is not None:
        return cell.source, [], tree
    lines = cell.source.split("\n")
    magic_line = next((i for i, line in enumerate(lines) if line.strip()), None)
    if magic_line is not None and lines[magic_line].lstrip().startswith("%%"):
        name = (lines[magic_line].strip()[2:].split() or [""])[0]
        if name not in _BODY_KEEPING_CELL_MAGICS:
            return None, [LoadNote(cell.where(), f"skipped (cell magic %%{name}): not Python")], None
        lines[magic_line] = ""   # keep the line so later line numbers stay those of the cell
    python, notes = _replace_ipython_lines(lines, cell)
    return "\n".join(python), notes, None


def _parsed(source: str) -> ast.Module | None:
    if len(source) > _SHARED_TREE_CHARS:
        return _parse(source)
    return _shared_tree(source)


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except _UNPARSABLE:
        return None


# A cell's syntax tree, shared by every notebook of the grading process that has the same cell: in a
# class most cells are the starter's (imports, given code, test cells), and parsing them again for
# every student was most of reading a notebook. Nothing here or downstream changes a tree it is given.
_SHARED_TREE_CHARS = 64 * 1024
_shared_tree = functools.lru_cache(maxsize=512)(_parse)


def _replace_ipython_lines(lines: list[str], cell: _Cell) -> tuple[list[str], list[LoadNote]]:
    """Lines with each IPython line at the start of a statement replaced by ``pass``
    (``%time stmt`` by ``stmt``), so blocks stay valid and line numbers stay the cell's."""
    out: list[str] = []
    notes: list[LoadNote] = []
    scanner = _StatementScanner()
    in_escape = False     # inside a shell escape continued with a trailing backslash
    for number, line in enumerate(lines, 1):
        timed = _TIMED_STATEMENT.match(line) if scanner.at_statement_start else None
        if in_escape:
            out.append("")
            in_escape = line.endswith("\\")
        elif timed:
            line = timed.group(1) + timed.group(2)
            scanner.feed(line)
            out.append(line)
        elif scanner.at_statement_start and _is_ipython_line(line):
            indent = line[:len(line) - len(line.lstrip())]
            out.append(f"{indent}pass")   # same indentation keeps `if x:\n    %time f()` a valid block
            notes.append(LoadNote(cell.where(number), f"skipped (IPython syntax): {_short(line)}"))
            in_escape = line.endswith("\\")
        else:
            scanner.feed(line)
            out.append(line)
    return out, notes


def _is_ipython_line(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and (stripped[0] in "%!?" or bool(_ASSIGNED_MAGIC.match(line))
                               or bool(_TRAILING_HELP.match(line)))


class _StatementScanner:
    """Follows brackets, strings and backslash continuations line by line, to tell whether the
    next line starts a new statement (only there can an IPython line be)."""

    def __init__(self) -> None:
        self.depth = 0           # open brackets
        self.quote = ""          # delimiter of the open string: ', ", ''' or \"\"\"
        self.continued = False   # the last line ended in a backslash

    @property
    def at_statement_start(self) -> bool:
        return self.depth == 0 and not self.quote and not self.continued

    def feed(self, line: str) -> None:
        i, self.continued = 0, False
        while i < len(line):
            if self.quote:
                i = self._past_string(line, i)
                continue
            char = line[i]
            if char == "#":
                return
            if char in "([{":
                self.depth += 1
            elif char in ")]}":
                self.depth = max(0, self.depth - 1)
            elif char in "'\"":
                self.quote = line[i:i + 3] if line[i:i + 3] in ("'''", '"""') else char
                i += len(self.quote)
                continue
            elif char == "\\" and i == len(line) - 1:
                self.continued = True
            i += 1
        if len(self.quote) == 1 and not line.endswith("\\"):
            self.quote = ""   # an unclosed one-line string ends with its line (a syntax error anyway)

    def _past_string(self, line: str, i: int) -> int:
        while i < len(line):
            if line[i] == "\\":
                i += 2
            elif line.startswith(self.quote, i):
                i, self.quote = i + len(self.quote), ""
                return i
            else:
                i += 1
        return i


# --- what counts as a definition ----------------------------------------------------------------
def _skip_reason(node: ast.stmt, imported: set[str]) -> str | None:
    """None when ``node`` defines things and is kept; otherwise why it is skipped."""
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return None
    if isinstance(node, ast.Assign):
        if not all(_binds_names_only(target) for target in node.targets):
            return "not a definition"
        return None if _is_simple(node.value, imported) else "assignment that runs code"
    if isinstance(node, ast.AnnAssign):
        if not isinstance(node.target, ast.Name):
            return "not a definition"
        values = [node.annotation] + ([node.value] if node.value is not None else [])
        return None if all(_is_simple(v, imported) for v in values) else "assignment that runs code"
    if isinstance(node, ast.Try) and all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in node.body):
        return None
    if isinstance(node, ast.If) and _is_main_guard(node.test):
        return "main block"
    return "not a definition"


def _binds_names_only(target: ast.expr) -> bool:
    if isinstance(target, (ast.Tuple, ast.List)):
        return all(_binds_names_only(t) for t in target.elts)
    return isinstance(target, ast.Name)


def _is_main_guard(test: ast.expr) -> bool:
    return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__"
            and len(test.comparators) == 1 and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value == "__main__")


# Expressions made only of these (and of library calls) compute a value from values: no file is
# read, no model trained. Comprehensions are left out on purpose: they loop over arbitrary code.
_SIMPLE_LEAVES = (ast.Constant, ast.Name)
_SIMPLE_BRANCHES = (ast.Attribute, ast.Tuple, ast.List, ast.Set, ast.Dict, ast.UnaryOp, ast.BinOp, ast.BoolOp,
                    ast.Compare, ast.IfExp, ast.Subscript, ast.Slice, ast.Starred, ast.JoinedStr,
                    ast.FormattedValue)
_OPERATORS = (ast.operator, ast.unaryop, ast.boolop, ast.cmpop, ast.expr_context)


def _is_simple(expr: ast.AST, imported: set[str]) -> bool:
    """Whether ``expr`` only combines values, e.g. ``np.array([[1, 2], [3, 4]])`` or ``64 * 2``."""
    try:
        return _simple(expr, imported)
    except RecursionError:   # absurdly deep expressions are not what a constant looks like
        return False


def _simple(expr: ast.AST, imported: set[str]) -> bool:
    if isinstance(expr, _SIMPLE_LEAVES + _OPERATORS):
        return True
    if isinstance(expr, ast.Call):
        if isinstance(expr.func, ast.Name) and f"class {expr.func.id}" in imported:   # Flatten(): its own module
            return all(_simple(a, imported) for a in expr.args) and all(_simple(k.value, imported)
                                                                         for k in expr.keywords)
        return _is_library_call(expr, imported)
    if isinstance(expr, ast.Lambda):   # the body runs later; only default values run now
        defaults = expr.args.defaults + [d for d in expr.args.kw_defaults if d is not None]
        return all(_simple(d, imported) for d in defaults)
    if isinstance(expr, _SIMPLE_BRANCHES):
        return all(_simple(child, imported) for child in ast.iter_child_nodes(expr))
    return False


# Library calls that read files or data sets: a definition-only load must not run them.
_READS_DATA = re.compile(r"(^|\.)(datasets|DataLoader|ImageFolder|load\w*|read_\w+|imread|open|urlopen|fromfile)\b")


def _is_library_call(call: ast.Call, imported: set[str]) -> bool:
    """``torch.device('cpu')``, ``nn.CrossEntropyLoss()``: a call through an imported module.

    Calls of bare names (``train(model)``, ``read_image('logo.jpeg')``) run the student's own or
    I/O code and are not simple, even when the name was imported.
    """
    root = call.func
    if not isinstance(root, ast.Attribute):
        return False
    while isinstance(root, ast.Attribute):
        root = root.value
    if not (isinstance(root, ast.Name) and root.id in imported):
        return False
    if any(k.arg == "download" for k in call.keywords):
        return False   # torchvision.datasets.MNIST(..., download=True): a download, not a constant
    if _READS_DATA.search(ast.unparse(call.func)):
        return False   # datasets.MNIST('data', train=False), np.load('w.npy'), pd.read_csv(...): reads files
    return all(_simple(arg, imported) for arg in call.args) and all(_simple(k.value, imported)
                                                                     for k in call.keywords)


def _imported_names(node: ast.stmt) -> set[str]:
    """Names bound by an import, or by the imports of a ``try:`` block: ``import torch.nn as nn``
    binds ``nn``, ``import torch.nn`` binds ``torch``."""
    names: set[str] = set()
    for child in ast.walk(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in child.names
                         if alias.name != "*")
    return names
