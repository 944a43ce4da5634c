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
"""

from __future__ import annotations

import warnings
from pathlib import Path

import jinja2
import nbformat
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

FOLDER = "submissions"        # under the reports folder; linked from the instructor report

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


def render_submission(path: Path, student: str, sha256: str) -> str:
    """The page for the submission file at ``path`` (.ipynb or .py)."""
    path = Path(path)
    formatter = HtmlFormatter(cssclass="highlight")
    if path.suffix.lower() == ".ipynb":
        from nbconvert import HTMLExporter
        exporter = HTMLExporter(template_name="basic")
        with warnings.catch_warnings():      # no IPython lexer in the grading environment: Python's is used
            warnings.simplefilter("ignore", UserWarning)
            body, _ = exporter.from_notebook_node(nbformat.read(path, as_version=4))
        body = clean(body)
        kind = "notebook"
    else:
        source = path.read_text(encoding="utf-8", errors="replace")
        body = highlight(source, PythonLexer(), HtmlFormatter(cssclass="highlight", linenos="table"))
        kind = "module"
    return _TEMPLATE.render(student=student, name=path.name, sha256=sha256, kind=kind,
                            body=jinja2.utils.markupsafe.Markup(body),
                            highlight_css=jinja2.utils.markupsafe.Markup(formatter.get_style_defs(".highlight")))


def write_submission_view(path: Path, student: str, sha256: str, out_dir: Path) -> Path | None:
    """Write ``<out_dir>/submissions/<student>.html``; None (and nothing written) when the file
    cannot be rendered: its report already says why it could not be graded."""
    try:
        page = render_submission(path, student, sha256)
    except Exception:  # noqa: BLE001 - a broken notebook still gets its report, just no view
        return None
    from grader.report import report_filename
    target = Path(out_dir) / FOLDER / report_filename(student)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page, encoding="utf-8")
    return target
