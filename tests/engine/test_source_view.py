"""The submission as handed in, linked from the instructor's report: readable, and safe to open."""

from __future__ import annotations

import base64
import io
import os
import re

import nbformat
import numpy as np
import pytest
from PIL import Image

from grader.report import render_student_report, write_student_report
from grader.source_view import OutsideSubmission, read_inside, render_submission, write_submission_view

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


# --- only a regular file inside the submission is ever shown ---------------------------------------
SECRET = "ANSWER = 'the reference solution'\n"


@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "outside" / "reference.py"
    path.parent.mkdir()
    path.write_text(SECRET)
    return path


@pytest.mark.parametrize("how", ["link", "link in a linked folder", "outside the root", "parent link"])
def test_no_view_is_written_for_a_file_outside_the_submission(tmp_path, secret, how):
    sub = tmp_path / "student_a"
    sub.mkdir()
    if how == "link":
        path, root = sub / "hw.py", sub
        path.symlink_to(secret)
    elif how == "link in a linked folder":
        (sub / "linked").symlink_to(secret.parent, target_is_directory=True)
        path, root = sub / "linked" / "reference.py", sub
    elif how == "outside the root":
        path, root = secret, sub
    else:
        path, root = sub / ".." / "outside" / "reference.py", sub
    out = tmp_path / "out"
    assert write_submission_view(path, "student_a", "ab" * 32, out, root=root) is None
    assert not (out / "submissions").exists()
    with pytest.raises(OutsideSubmission):
        render_submission(path, "student_a", "ab" * 32, root)


def test_a_link_is_refused_even_without_a_root(tmp_path, secret):
    link = tmp_path / "hw.py"
    link.symlink_to(secret)
    assert write_submission_view(link, "student_a", "ab" * 32, tmp_path / "out") is None
    with pytest.raises(OutsideSubmission, match="symbolic link"):
        read_inside(link)


def test_a_pipe_is_refused_without_waiting_on_it(tmp_path):
    pipe = tmp_path / "hw.py"
    os.mkfifo(pipe)
    with pytest.raises(OutsideSubmission, match="not a regular file"):
        read_inside(pipe, tmp_path)


def test_a_file_inside_its_submission_is_shown(tmp_path):
    sub = tmp_path / "student_a"
    module = sub / "hw" / "solution.py"
    module.parent.mkdir(parents=True)
    module.write_text("def relu(x):\n    return x\n")
    view = write_submission_view(module, "student_a", "ab" * 32, tmp_path / "out", root=sub)
    assert view is not None and "relu" in view.read_text()
    assert write_submission_view(module, "student_b", "ab" * 32, tmp_path / "out", root=module) is not None


def test_grader_grade_writes_no_view_of_what_a_link_points_at(tmp_path, secret):
    from grader.cli import main
    subs = tmp_path / "subs"
    (subs / "student_a").mkdir(parents=True)
    (subs / "student_a" / "hw.py").symlink_to(secret)
    (subs / "student_b.py").symlink_to(secret)
    out = tmp_path / "out"
    assert main(["grade", str(subs), "-a", "cnn-numpy", "-o", str(out), "-j", "1"]) == 0
    assert not (out / "submissions").exists() or not list((out / "submissions").iterdir())
    for page in out.rglob("*.html"):
        assert "the reference solution" not in page.read_text(), page
