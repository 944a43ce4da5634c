"""The submission as handed in, linked from the instructor's report: readable, and safe to open."""

from __future__ import annotations

import base64
import io
import re

import nbformat
import numpy as np
import pytest
from PIL import Image

from grader.report import render_student_report, write_student_report
from grader.source_view import render_submission, write_submission_view

from test_report import a_result

HOSTILE_HTML = ("<b>fine</b><script>document.title='pwned'</script><img src='http://example.invalid/t.png'>"
                "<meta http-equiv='refresh' content='0;url=http://example.invalid/'>"
                "<iframe src='http://example.invalid/'></iframe><style>body{display:none}</style>"
                "<a href='javascript:alert(1)'>click</a><form action='http://example.invalid/'><input></form>")


def png_base64() -> str:
    buffer = io.BytesIO()
    Image.fromarray(np.full((4, 4, 3), 200, dtype=np.uint8)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def hostile_notebook(path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# My CNN\n\nSome *thoughts*, a [link](https://example.org/) and a table:\n\n"
                                      "| a | b |\n|---|---|\n| 1 | 2 |"),
        nbformat.v4.new_code_cell("def relu(x):\n    return np.maximum(x, 0)", execution_count=1, outputs=[
            nbformat.v4.new_output("display_data", data={"image/png": png_base64(), "text/plain": "<Figure>"}),
            nbformat.v4.new_output("display_data", data={"text/html": HOSTILE_HTML, "text/plain": "x"}),
            nbformat.v4.new_output("stream", name="stdout", text="loss <b>0.5</b>\n")]),
    ]
    nbformat.write(nb, path)
    return path


def test_a_notebook_is_shown_with_its_markdown_code_and_saved_plots(tmp_path):
    page = render_submission(hostile_notebook(tmp_path / "nb.ipynb"), "tova_quill", "ab" * 32)
    assert re.search(r"<h1[^>]*>My CNN", page) and "<em>thoughts</em>" in page and "<table" in page
    assert "relu" in page and 'src="data:image/png;base64,' in page
    assert "loss &lt;b&gt;0.5&lt;/b&gt;" in page                      # printed text stays text
    assert "<b>fine</b>" in page and 'href="https://example.org/"' in page


def test_nothing_in_a_students_output_can_run_load_or_navigate(tmp_path):
    page = render_submission(hostile_notebook(tmp_path / "nb.ipynb"), "tova_quill", "ab" * 32)
    head, body = page.split("<body>", 1)
    assert ('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; '
            "style-src 'unsafe-inline'\">") in head
    for hostile in ("<script", "example.invalid", "<meta", "<iframe", "<style", "javascript:", "<form", "<input"):
        assert hostile not in body, hostile


def test_a_module_is_shown_with_line_numbers(tmp_path):
    module = tmp_path / "homework.py"
    module.write_text("import numpy as np\n\n\ndef relu(x):\n    return np.maximum(x, 0)\n")
    page = render_submission(module, "tova_quill", "ab" * 32)
    assert "homework.py" in page and "linenos" in page and re.search(r">\s*5\s*<", page)


def test_an_unreadable_notebook_gets_no_view_and_no_link(tmp_path):
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{ not json")
    assert write_submission_view(broken, "tova_quill", "ab" * 32, tmp_path) is None
    report = write_student_report(a_result("tova_quill"), tmp_path).read_text()
    assert "as submitted</a>" not in report


def test_the_instructor_report_links_the_view_and_the_students_does_not(tmp_path):
    view = write_submission_view(hostile_notebook(tmp_path / "nb.ipynb"), "tova_quill", "ab" * 32, tmp_path / "out")
    assert view == tmp_path / "out" / "submissions" / "tova_quill.html"
    instructor = write_student_report(a_result("tova_quill"), tmp_path / "out").read_text()
    assert '<a href="submissions/tova_quill.html">as submitted</a>' in instructor
    assert "as submitted" not in render_student_report(a_result("tova_quill"), audience="student",
                                                       submission_href="submissions/tova_quill.html")
