"""The submission as the student handed it in, as a page the instructor's report links to.

A notebook is rendered by nbconvert (the "basic" template: cells, prompts, outputs, the plots the
student saved) and a module by pygments, with line numbers, since load notes and ``grader ci``
annotations point at lines. Nothing is executed: the outputs are the ones saved in the notebook.

Those outputs are the student's HTML, so the page is built to be opened safely. The rendered body
goes through bleach with an allow-list: the tags a notebook needs (headings, paragraphs, tables,
code, images), no scripts, styles, frames, forms or meta refreshes; images only as ``data:`` URIs,
links only to http(s), mailto and anchors. On top of that, a Content-Security-Policy allows
nothing but the page's own inline styles and ``data:`` images, so even markup that got through
could not load or run anything: a student's ``<img src="http://…">`` tells nobody the page was
opened. (nbconvert's own ``sanitize_html`` escapes headings and paragraphs, which makes every
markdown cell unreadable; hence our list.)

The page is written with the grader's rights, so it shows only a regular file inside the
submission: never a symbolic link, never a file whose real path lies outside it.
"""

from __future__ import annotations

import os
import stat
import warnings
from pathlib import Path

import jinja2
import nbformat
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

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
        from nbconvert import HTMLExporter
        exporter = HTMLExporter(template_name="basic")
        with warnings.catch_warnings():      # no IPython lexer in the grading environment: Python's is used
            warnings.simplefilter("ignore", UserWarning)
            body, _ = exporter.from_notebook_node(nbformat.reads(data.decode("utf-8"), as_version=4))
        body = clean(body)
        kind = "notebook"
    else:
        source = data.decode("utf-8", errors="replace")
        body = highlight(source, PythonLexer(), HtmlFormatter(cssclass="highlight", linenos="table"))
        kind = "module"
    return _TEMPLATE.render(student=student, name=path.name, sha256=sha256, kind=kind,
                            body=jinja2.utils.markupsafe.Markup(body),
                            highlight_css=jinja2.utils.markupsafe.Markup(formatter.get_style_defs(".highlight")))


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
