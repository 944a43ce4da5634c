"""How a case becomes an entry in the class folder: the honest solution with the attack spliced in,
handed in as a module, a notebook, a folder or a zip, or an entry that is itself the attack (a
symbolic link, a named pipe, a zip bomb, a broken notebook). Links, pipes, zip bombs and huge
notebooks are made here, at test time: they do not belong in git.
"""

from __future__ import annotations

import ast
import os
import stat
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from hostile.corpus import Case

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent.parent

Builder = Callable[["Case", Path], list[str]]


# --- sources --------------------------------------------------------------------------------------
def honest_source(assignment: str) -> str:
    return (HERE / "honest" / f"{assignment}.py").read_text(encoding="utf-8")


def fragment_source(case: Case) -> str:
    """The attack's definitions ("" for an entry whose attack is its shape, not its code)."""
    if case.fragment == "":
        return ""
    return (HERE / case.assignment / (case.fragment or f"{case.name}.py")).read_text(encoding="utf-8")


def top_level_names(source: str) -> dict[str, tuple[int, int]]:
    """First and last line (decorators included) of each top-level def, class and name assignment."""
    spans = {}
    for node in ast.parse(source).body:
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            spans[node.name] = (first, node.end_lineno)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            spans[node.targets[0].id] = (first, node.end_lineno)
    return spans


def splice(honest: str, attack: str) -> str:
    """``honest`` with the definitions ``attack`` makes taken out, and ``attack`` where the first of
    them was (so definitions that use the attacked names while they load, a default argument say,
    still find them), or at the end when it replaces nothing. Its definitions are the only ones of
    their names."""
    replaced = set(top_level_names(attack))
    lines = honest.splitlines(keepends=True)
    spans = sorted((span for name, span in top_level_names(honest).items() if name in replaced), reverse=True)
    for first, last in spans:
        del lines[first - 1:last]
    at = spans[-1][0] - 1 if spans else len(lines)
    marked = f"# --- the hostile part {'-' * 78}\n{attack.rstrip()}\n# --- end of the hostile part {'-' * 71}\n"
    return "".join(lines[:at]) + marked + "".join(lines[at:])


def submission_source(case: Case) -> str:
    attack = fragment_source(case)
    return splice(honest_source(case.assignment), attack) if attack else honest_source(case.assignment)


# --- builders -----------------------------------------------------------------------------------------
def module(entry: str | None = None) -> Builder:
    """The spliced module handed in as ``entry`` (default ``<name>.py``)."""
    def build(case: Case, folder: Path) -> list[str]:
        name = entry or f"{case.name}.py"
        (folder / name).write_text(submission_source(case), encoding="utf-8")
        return [name]
    return build


def modules(*entries: str) -> Builder:
    """The same spliced module handed in under several names (ids that collide once sanitised)."""
    def build(case: Case, folder: Path) -> list[str]:
        for name in entries:
            (folder / name).write_text(submission_source(case), encoding="utf-8")
        return list(entries)
    return build


def reference_path(case: Case) -> Path:
    return PROJECT / "reference" / f"{case.assignment.replace('-', '_')}.py"


def folder_with_link(case: Case, folder: Path) -> list[str]:
    """A folder: solution.py (the spliced module) and reference_link.py, a link to the reference."""
    entry = folder / case.name
    entry.mkdir()
    (entry / "solution.py").write_text(submission_source(case), encoding="utf-8")
    (entry / "reference_link.py").symlink_to(reference_path(case))
    return [case.name]


def link_entry(target: Callable[[Case], Path]) -> Builder:
    """The entry itself is a symbolic link (to the reference, to /etc/passwd)."""
    def build(case: Case, folder: Path) -> list[str]:
        (folder / f"{case.name}.py").symlink_to(target(case))
        return [f"{case.name}.py"]
    return build


def folder_of_link(case: Case, folder: Path) -> list[str]:
    """A folder whose only .py is a symbolic link to the reference."""
    (folder / case.name).mkdir()
    (folder / case.name / "solution.py").symlink_to(reference_path(case))
    return [case.name]


def zip_with(members: Callable[[Case], list[tuple[zipfile.ZipInfo | str, bytes | str]]]) -> Builder:
    def build(case: Case, folder: Path) -> list[str]:
        name = f"{case.name}.zip"
        with zipfile.ZipFile(folder / name, "w", zipfile.ZIP_DEFLATED) as archive:
            for info, data in members(case):
                archive.writestr(info, data)
        return [name]
    return build


def _link_member(name: str, target: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3                                 # Unix, so the mode bits are read
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def zip_link_member(case: Case):
    return [(_link_member("solution.py", str(reference_path(case))), str(reference_path(case)))]


def zip_slip(case: Case):
    return [("solution.py", honest_source(case.assignment)),
            ("../../../../../../../../../tmp/HOSTILE-zip_slip.py", "print('escaped')\n"),
            ("/tmp/HOSTILE-zip_slip_absolute.py", "print('escaped')\n")]


def zip_bomb(case: Case):
    return [("solution.py", honest_source(case.assignment)), ("data.bin", b"\0" * (300 * 2**20))]


def zip_many_members(case: Case):
    return [("solution.py", honest_source(case.assignment))] + [(f"junk/{i}.txt", "x") for i in range(2500)]


def fifo_entry(case: Case, folder: Path) -> list[str]:
    """The entry is a named pipe: reading it would block until someone writes (no one will)."""
    os.mkfifo(folder / f"{case.name}.py")
    return [f"{case.name}.py"]


def raw(text: str, suffix: str = ".ipynb") -> Builder:
    def build(case: Case, folder: Path) -> list[str]:
        (folder / f"{case.name}{suffix}").write_text(text, encoding="utf-8")
        return [f"{case.name}{suffix}"]
    return build


def cells_of(source: str) -> list[str]:
    """A module cut into notebook cells: the imports, then one cell per top-level statement group."""
    lines = source.splitlines(keepends=True)
    starts = sorted({min([n.lineno, *(d.lineno for d in getattr(n, "decorator_list", []))])
                     for n in ast.parse(source).body if not isinstance(n, (ast.Import, ast.ImportFrom, ast.Expr))})
    cuts = [0] + [s - 1 for s in starts] + [len(lines)]
    return [c for c in ("".join(lines[a:b]).strip("\n") for a, b in zip(cuts, cuts[1:])) if c.strip()]


def notebook(extra: Callable[[Case], list[tuple[str, str]]] = lambda case: [], drop: tuple[str, ...] = ()) -> Builder:
    """The spliced module as a notebook, one definition per cell (but those named in ``drop``), plus
    ``extra`` cells (kind, source); kind "code", "markdown", "html" (a cell whose saved output is that
    HTML) or "output:<n>" (a code cell whose saved output is n characters)."""
    def build(case: Case, folder: Path) -> list[str]:
        import nbformat
        source = submission_source(case)
        lines = source.splitlines(keepends=True)
        for name, (first, last) in sorted(top_level_names(source).items(), key=lambda kv: -kv[1][0]):
            if name in drop:
                del lines[first - 1:last]
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(c) for c in cells_of("".join(lines))]
        for kind, text in extra(case):
            if kind == "markdown":
                nb.cells.append(nbformat.v4.new_markdown_cell(text))
            elif kind == "html":
                cell = nbformat.v4.new_code_cell("display_html()")
                cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": text, "text/plain": "x"})]
                nb.cells.append(cell)
            elif kind.startswith("output:"):
                cell = nbformat.v4.new_code_cell(text)
                cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="x" * int(kind[7:]))]
                nb.cells.append(cell)
            else:
                nb.cells.append(nbformat.v4.new_code_cell(text))
        name = f"{case.name}.ipynb"
        nbformat.write(nb, str(folder / name))
        return [name]
    return build


def huge_cells(case: Case) -> list[tuple[str, str]]:
    return [("code", "# " + "padding " * 2_500_000), ("markdown", "m" * 5_000_000),
            ("output:10000000", "print('a cell whose saved output is ten million characters')")]


def broken_backward_cell(case: Case) -> list[tuple[str, str]]:
    honest = honest_source(case.assignment)
    first, last = top_level_names(honest)["RNN"]
    rnn = "".join(honest.splitlines(keepends=True)[first - 1:last])
    return [("code", rnn.replace("        steps = len(targets)\n", "        steps = len(targets\n"))]


def html_outputs(case: Case) -> list[tuple[str, str]]:
    return [("html", '<script>alert("hostile")</script><img src="http://hostile.invalid/pixel.png">'
                     '<iframe src="https://hostile.invalid/"></iframe><a href="javascript:alert(1)">x</a>'),
            ("markdown", '<script>alert("hostile")</script> ![x](http://hostile.invalid/pixel.png)')]


def shell_escapes(case: Case) -> list[tuple[str, str]]:
    return [("code", "!touch /tmp/HOSTILE-nb-bang.txt\n!sleep 7781 &"),
            ("code", "%%bash\ntouch /tmp/HOSTILE-nb-cellmagic.txt\nsetsid sleep 7781 &"),
            ("code", "%system touch /tmp/HOSTILE-nb-linemagic.txt\nfiles = !ls /"),
            ("code", "get_ipython().system('touch /tmp/HOSTILE-nb-getipython.txt')"),
            ("code", "import os\nos.system('touch /tmp/HOSTILE-nb-ossystem.txt')")]
