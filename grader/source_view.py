"""The submission as the student handed it in, as a page the instructor's report links to.

A notebook is rendered cell by cell (prompts, code highlighted by pygments, markdown by mistune,
the outputs and plots the student saved) and a module by pygments, with line numbers, since load
notes and ``grader ci`` annotations point at lines. Nothing is executed: the outputs are the ones
saved in the notebook. (nbconvert's HTML exporter did the same at ten times the cost, 0.6 s a
notebook, most of it sanitizing the grader's own highlighted code: a class's pages took longer
than grading it.)

What the student wrote is text and is escaped, except markdown and HTML outputs, which are the
student's HTML: those go through bleach with an allow-list: the tags a notebook needs (headings,
paragraphs, tables, code, images), no scripts, styles, frames, forms or meta refreshes; images only
as ``data:`` URIs, links only to http(s), mailto and anchors. Saved images are shown only as
base64 ``data:`` URIs of an image type. On top of that, a Content-Security-Policy allows nothing
but the page's own inline styles and ``data:`` images, so even markup that got through could not
load or run anything: a student's ``<img src="http://…">`` tells nobody the page was opened.

The page is written with the grader's rights, so it shows only a regular file inside the
submission: never a symbolic link, never a file whose real path lies outside it.
"""

from __future__ import annotations

import base64
import binascii
import functools
import html
import os
import re
import stat
from pathlib import Path
from typing import Any

import jinja2
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from grader.loader import quiet_nbformat, read_notebook_text
from grader.layout import ReportsFolder


_TEMPLATE = jinja2.Environment(loader=jinja2.PackageLoader("grader", "templates"), autoescape=True,
                               undefined=jinja2.StrictUndefined).get_template("submission.html.j2")


_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "details",
    "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "kbd", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul"})
_PLAIN_ATTRIBUTES = frozenset({"class", "id", "title", "alt", "colspan", "rowspan", "data-mime-type"})


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if name in _PLAIN_ATTRIBUTES:
        return True
    if tag == "img" and name in ("src", "width", "height"):
        return name != "src" or value.startswith("data:image/")
    if tag == "a" and name == "href":
        return value.startswith(("http://", "https://", "mailto:", "#"))
    return False


def clean(html: str) -> str:
    """``html`` with only the allow-listed tags and attributes; everything else is removed."""
    import bleach
    return bleach.clean(html, tags=_TAGS, attributes=_allowed_attribute, strip=True, strip_comments=True,
                        protocols=["http", "https", "mailto", "data"])


class OutsideSubmission(ValueError):
    """The file asked for is not a regular file inside the submission: it is never rendered."""


MAX_SOURCE_BYTES = 64 * 1024 * 1024


def read_inside(path: Path, root: Path | None = None) -> bytes:
    """The bytes of ``path``, which must be a regular file, not a symbolic link, whose real path
    lies inside ``root``'s (``root`` may be the file itself; None: ``path``'s own folder is not
    checked, only the link). Raises :class:`OutsideSubmission` otherwise: the page is built with
    the grader's rights, so it must never show a file the student only pointed at."""
    path = Path(path)
    try:
        if stat.S_ISLNK(os.lstat(path).st_mode):
            raise OutsideSubmission(f"{path.name} is a symbolic link; it is not shown")
        if root is not None:
            real_root, real = Path(root).resolve(strict=True), path.resolve(strict=True)
            if not real.is_relative_to(real_root):
                raise OutsideSubmission(f"{path.name} is outside the submission; it is not shown")
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:   # gone, unreadable, or swapped for a link since (O_NOFOLLOW: ELOOP)
        raise OutsideSubmission(f"{path.name} cannot be read: {exc}") from exc
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OutsideSubmission(f"{path.name} is not a regular file; it is not shown")
        data = handle.read(MAX_SOURCE_BYTES + 1)
    if len(data) > MAX_SOURCE_BYTES:
        raise OutsideSubmission(f"{path.name} is larger than {MAX_SOURCE_BYTES // 2**20} MiB; it is not shown")
    return data


def render_submission(path: Path, student: str, sha256: str, root: Path | None = None) -> str:
    """The page for the submission file at ``path`` (.ipynb or .py), which must be a regular file
    inside ``root`` (see :func:`read_inside`)."""
    path = Path(path)
    data = read_inside(path, root)
    formatter = HtmlFormatter(cssclass="highlight")
    if path.suffix.lower() == ".ipynb":
        with quiet_nbformat():
            notebook = read_notebook_text(data.decode("utf-8"))
        body = _notebook_body(notebook)
        kind = "notebook"
    else:
        source = data.decode("utf-8", errors="replace")
        body = highlight(source, PythonLexer(), HtmlFormatter(cssclass="highlight", linenos="table"))
        kind = "module"
    return _TEMPLATE.render(student=student, name=path.name, sha256=sha256, kind=kind,
                            body=jinja2.utils.markupsafe.Markup(body),
                            highlight_css=jinja2.utils.markupsafe.Markup(formatter.get_style_defs(".highlight")))


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def _pre(text: str) -> str:
    return f"<pre>{html.escape(_ANSI.sub('', text))}</pre>"


@functools.lru_cache(maxsize=4096)
def _markdown(text: str) -> str:
    import mistune
    return clean(str(mistune.html(text)))


@functools.lru_cache(maxsize=4096)
def _code(source: str) -> str:
    """A code cell, highlighted. Remembered: in a class most cells are the same for everyone (the
    instructions, the given code, the test cells), and highlighting them is most of a page's cost."""
    return highlight(source, PythonLexer(), HtmlFormatter(cssclass="highlight"))


def _image(mime: str, data: str) -> str | None:
    """An <img> of a saved plot, only when its data is base64 (never markup in disguise)."""
    compact = re.sub(r"\s+", "", data)
    try:
        base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        return None
    return f'<img src="data:{mime};base64,{compact}" alt="{html.escape(mime)} output">'


def _rich(data: dict) -> str:
    for mime in _IMAGE_TYPES:
        if mime in data:
            image = _image(mime, _text(data[mime]))
            if image is not None:
                return image
    if "image/svg+xml" in data:   # as an image, so nothing in it can run
        svg = base64.b64encode(_text(data["image/svg+xml"]).encode()).decode()
        return f'<img src="data:image/svg+xml;base64,{svg}" alt="image/svg+xml output">'
    if "text/html" in data:
        return clean(_text(data["text/html"]))
    if "text/markdown" in data:
        return _markdown(_text(data["text/markdown"]))
    return _pre(_text(data.get("text/plain", "")))


def _output(output: Any) -> str:
    kind = output.get("output_type")
    mime = "text/plain"
    prompt = ""
    if kind == "stream":
        mime = f"application/vnd.jupyter.{'stderr' if output.get('name') == 'stderr' else 'stdout'}"
        body = _pre(_text(output.get("text")))
    elif kind == "error":
        mime = "application/vnd.jupyter.stderr"
        trace = "\n".join(_text(line) for line in output.get("traceback") or [])
        body = _pre(trace or f"{_text(output.get('ename'))}: {_text(output.get('evalue'))}")
    else:
        if kind == "execute_result" and output.get("execution_count") is not None:
            prompt = f"Out[{html.escape(str(output.get('execution_count')))}]:"
        body = _rich(dict(output.get("data") or {}))
    return (f'<div class="jp-OutputArea-child"><div class="jp-OutputPrompt">{prompt}</div>'
            f'<div class="jp-OutputArea-output jp-RenderedText" data-mime-type="{html.escape(mime)}">{body}</div></div>')


def _notebook_body(nb: Any) -> str:
    cells = []
    for cell in nb.get("cells", []):
        source = _text(cell.get("source"))
        kind = cell.get("cell_type")
        if kind == "markdown":
            cells.append('<div class="jp-Cell jp-MarkdownCell"><div class="jp-InputArea"><div class="jp-InputPrompt">'
                         f'</div><div class="jp-InputArea-editor">{_markdown(source)}</div></div></div>')
        elif kind == "code":
            count = cell.get("execution_count")
            prompt = f"In&nbsp;[{html.escape(str(count)) if count is not None else '&nbsp;'}]:"
            outputs = "".join(_output(o) for o in cell.get("outputs") or [])
            cells.append(f'<div class="jp-Cell jp-CodeCell"><div class="jp-InputArea"><div class="jp-InputPrompt">'
                         f'{prompt}</div><div class="jp-InputArea-editor">{_code(source)}</div>'
                         f'</div>{outputs}</div>')
        else:
            cells.append(f'<div class="jp-Cell jp-RawCell">{_pre(source)}</div>')
    return "\n".join(cells)


def write_submission_view(path: Path, student: str, sha256: str, out_dir: Path,
                          root: Path | None = None) -> Path | None:
    """Write ``<out_dir>/submissions/<student>.html``; None (and nothing written) when the file
    cannot be rendered (its report already says why it could not be graded), and when it is not a
    regular file inside ``root``, the submission's file or folder (see :func:`read_inside`)."""
    try:
        page = render_submission(path, student, sha256, root)
    except Exception:  # noqa: BLE001 - a broken notebook still gets its report, just no view
        return None
    target = ReportsFolder(Path(out_dir)).submission_view(student)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page, encoding="utf-8")
    return target
