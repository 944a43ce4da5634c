"""The HTML reports as a reader sees them: rendered by headless Chromium, screenshotted, and
watched for network requests (a report must be readable offline and leak nothing).

Chromium is Debian's ``chromium`` (``.ci/run`` installs it). Without it these tests skip on a
developer's machine and fail under CI, where a silent skip would hide a broken report.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from grader.cli import main
from grader.report import write_student_report

EXAMPLES = Path(__file__).resolve().parent.parent / "assignments" / "cnn-numpy" / "examples"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

if CHROMIUM is None:
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed; .ci/run installs it (apt-get install chromium)", pytrace=False)
    pytest.skip("chromium is not installed (apt-get install chromium; .ci/run does)", allow_module_level=True)


# Chromium's own traffic (clock sync, component updates, sign-in), made whatever the page is; seen
# with a blank page. Every other request is the page's doing.
BROWSER_SERVICES = (b"clients2.google.com", b"update.googleapis.com", b"accounts.google.com",
                    b"clientservices.googleapis.com", b"safebrowsing.googleapis.com",
                    b"optimizationguide-pa.googleapis.com", b"content-autofill.googleapis.com")


class RequestTrap:
    """A proxy that only counts: Chromium is told to send every request through it."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.requests: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    first = conn.recv(4096).split(b"\r\n", 1)[0]
                except OSError:
                    first = b"(connection)"
                # A connection closed before sending a byte names nothing: Chromium opens spare
                # connections to its proxy ahead of need. A request always has a request line.
                if first:
                    self.requests.append(first)

    def close(self) -> None:
        self.server.close()


def chromium(page: Path, tmp_path: Path, *, screenshot: Path | None = None,
             height: int = 2400) -> tuple[str, list[bytes]]:
    """Render ``page``; return its DOM after rendering and the requests that tried to leave."""
    trap = RequestTrap()
    flags = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-default-apps", "--disable-extensions", "--metrics-recording-only",
             f"--user-data-dir={tmp_path / 'profile'}", f"--proxy-server=http://127.0.0.1:{trap.port}",
             "--proxy-bypass-list=<-loopback>", f"--window-size=1280,{height}", "--virtual-time-budget=3000"]
    try:
        if screenshot is not None:
            subprocess.run(flags + [f"--screenshot={screenshot}", page.as_uri()], check=True,
                           capture_output=True, timeout=120)
        dom = subprocess.run(flags + ["--dump-dom", page.as_uri()], check=True, capture_output=True,
                             text=True, timeout=120).stdout
    finally:
        trap.close()
    return dom, [r for r in trap.requests if not any(host in r for host in BROWSER_SERVICES)]


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    """Two students of the example class, graded through the CLI: one perfect, one with bugs."""
    chosen = tmp_path_factory.mktemp("class")
    for name in ("student_a.ipynb",):
        shutil.copy(EXAMPLES / name, chosen / name)
    buggy = next(p for p in EXAMPLES.iterdir() if p.name.startswith("doe_jane"))
    shutil.copy(buggy, chosen / buggy.name)
    out = tmp_path_factory.mktemp("reports")
    assert main(["grade", str(chosen), "-a", "cnn-numpy", "-o", str(out), "-j", "2"]) == 0
    return out


SCREENSHOTS = Path(os.environ.get("GRADER_SCREENSHOTS", "")) if os.environ.get("GRADER_SCREENSHOTS") else None


def _screenshot(tmp_path: Path, name: str) -> Path:
    folder = SCREENSHOTS or tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def test_the_trap_sees_a_page_that_loads_from_the_network(tmp_path):
    """The no-request assertions below can fail: a page with a remote image is caught."""
    page = tmp_path / "leaky.html"
    page.write_text('<!DOCTYPE html><html><body><img src="http://example.invalid/pixel.png">hi</body></html>')
    _, requests = chromium(page, tmp_path)
    assert any(b"example.invalid" in r for r in requests), requests


def test_a_student_report_shows_the_score_and_the_smallest_failing_input(reports, tmp_path):
    page = next(reports.glob("doe_jane*.html"))
    shot = _screenshot(tmp_path, "student-report.png")
    dom, requests = chromium(page, tmp_path, screenshot=shot)
    assert requests == []
    assert shot.stat().st_size > 10_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "68 / 100" in dom                                  # the score
    assert "Smallest failing input" in dom and "Expected" in dom and "Your result" in dom
    assert "conv.value" in dom and "FAILED" in dom


def test_the_class_overview_renders_every_section_offline(reports, tmp_path):
    shot = _screenshot(tmp_path, "class-overview.png")
    dom, requests = chromium(reports / "index.html", tmp_path, screenshot=shot)
    assert requests == []
    assert shot.stat().st_size > 10_000
    for heading in ("Score distribution", "Scores", "Pass rate per check", "Failures across students",
                    "Slowest submissions", "Near-duplicate submissions"):
        assert f"<h2>{heading}</h2>" in dom
    assert "student_a" in dom and "doe_jane" in dom


def test_the_student_version_hides_hidden_checks_in_the_browser_too(reports, tmp_path):
    page = next((reports / "student").glob("doe_jane*.html"))
    dom, requests = chromium(page, tmp_path)
    assert requests == [] and "hidden check" in dom and "softmax-stable" not in dom


# Written into a copy of the page: after load, the size each picture decoded to and where it is.
PROBE = """<script>
window.addEventListener("load", () => {
  const images = Array.from(document.querySelectorAll("figure.difference img"));
  document.body.dataset.images = images.map(i => `${i.complete}:${i.naturalWidth}x${i.naturalHeight}`).join(" ");
  const box = images.length ? images[2].getBoundingClientRect() : null;
  if (box) document.body.dataset.box = [box.x, box.y + window.scrollY, box.width, box.height].map(Math.round).join(",");
});
</script>"""


def test_a_large_array_failure_is_drawn_as_a_picture_of_the_difference(reports, tmp_path):
    """doe_jane's hidden emboss check compares 128×128 maps: the instructor report draws expected,
    her result and the difference, cropped to 64×64 around the worst element."""
    from PIL import Image
    page = next(reports.glob("doe_jane*.html"))
    assert page.read_text().count("data:image/png;base64,") == 3
    probe = tmp_path / "probe.html"
    # The probe is a script, which the report's Content-Security-Policy forbids: the copy drops it.
    html, policies = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page.read_text())
    assert policies == 1
    probe.write_text(html.replace("</body>", PROBE + "</body>"))
    shot = _screenshot(tmp_path, "difference-picture.png")
    dom, requests = chromium(probe, tmp_path, screenshot=shot, height=9000)
    assert requests == []
    images = re.search(r'data-images="([^"]*)"', dom).group(1).split()
    assert images == ["true:256x256"] * 3                       # 64×64 elements, 4 px each, decoded
    assert "Cropped to rows 0–63 and columns 0–63 of 128×128" in dom
    x, y, w, h = map(int, re.search(r'data-box="([^"]*)"', dom).group(1).split(","))
    with Image.open(shot) as full:
        crop = full.convert("RGB").crop((x, y, x + w, y + h))
    if SCREENSHOTS:
        crop.save(SCREENSHOTS / "difference-picture-crop.png")
    # With its policy in place the same probe does not run: the report runs no script at all.
    guarded = tmp_path / "guarded.html"
    guarded.write_text(page.read_text().replace("</body>", PROBE + "</body>"))
    dom, requests = chromium(guarded, tmp_path)
    assert requests == [] and "data-images" not in dom and "Cropped to rows" in dom
    rgb = np.asarray(crop, dtype=int)
    red = int(np.sum((rgb[..., 0] > 200) & (rgb[..., 1] < 120) & (rgb[..., 2] < 120)))
    assert red > 0.5 * rgb.shape[0] * rgb.shape[1], f"{red} of {rgb.shape[0] * rgb.shape[1]} pixels are red"


def test_the_submission_as_handed_in_opens_offline_and_runs_nothing(reports, tmp_path):
    """The instructor report links the notebook as submitted; a hostile one (script, remote image,
    meta refresh, iframe) loads nothing, runs nothing and goes nowhere."""
    import sys
    sys.path.insert(0, str(Path(__file__).parent / "engine"))
    from test_source_view import hostile_notebook

    from grader.source_view import write_submission_view
    instructor = next(reports.glob("doe_jane*.html")).read_text()
    assert 'href="submissions/doe_jane_40017.html"' in instructor
    dom, requests = chromium(reports / "submissions" / "doe_jane_40017.html", tmp_path)
    assert requests == [] and "convolution_function" in dom and "as submitted" in dom

    page = write_submission_view(hostile_notebook(tmp_path / "nb.ipynb"), "tova_quill", "ab" * 32, tmp_path)
    shot = _screenshot(tmp_path, "submission-view.png")
    dom, requests = chromium(page, tmp_path, screenshot=shot)
    assert requests == []
    assert "<title>tova_quill: nb.ipynb as submitted</title>" in dom           # no script renamed it
    assert "My CNN" in dom and "fine" in dom


# Written into a copy of a page (its policy removed): the page's laid-out width and height after load.
SIZE_PROBE = """<script>
window.addEventListener("load", () => {
  const page = document.documentElement;
  document.body.dataset.size = `${page.scrollWidth}x${page.scrollHeight}`;
  document.body.dataset.open = Array.from(document.querySelectorAll("details.check")).filter(d => d.open).length;
});
</script>"""


def _laid_out(page: Path, tmp_path: Path, name: str) -> tuple[str, int, int, int]:
    """``page`` rendered at 1280 px with the probe: (its DOM, width, height, folded checks open)."""
    html, policies = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page.read_text())
    assert policies == 1
    probe = tmp_path / f"{name}.html"
    probe.write_text(html.replace("</body>", SIZE_PROBE + "</body>"))
    dom, requests = chromium(probe, tmp_path, screenshot=_screenshot(tmp_path, f"{name}.png"))
    assert requests == []
    width, height = map(int, re.search(r'data-size="(\d+)x(\d+)"', dom).groups())
    return dom, width, height, int(re.search(r'data-open="(\d+)"', dom).group(1))


def test_a_report_opens_on_its_summary_with_the_penalty_and_the_passed_checks_folded(reports, tmp_path):
    """doe_jane's report, made late and overridden as a TA would: the top says the final score, the
    penalty and the override with its reason; the failures are listed with links; passed checks are
    folded, so the page is short."""
    from grader.export import read_result_json
    from grader.overrides import Row, apply
    result = read_result_json(next(reports.glob("doe_jane*.json")))
    result = replace(result, late_penalty_percent=20.0, late_policy="10 % of the points per started day after "
                     "2026-10-01 23:59+00:00, at most 50 %")
    (result,) = apply([result], [Row(2, result.student, "pooling.max", 4, "pooled the right windows; off by one", "TA Kim")])
    page = write_student_report(result, tmp_path / "late")
    dom, width, height, opened = _laid_out(page, tmp_path, "late-report")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", dom))
    assert f"{result.final:g} / 100 points" in text and "Late penalty: 20 %" in text
    assert "Points set by TA Kim: 4" in text and "off by one" in text
    assert dom.index('<nav class="summary"') < dom.index('<section class="exercise"')
    assert 'href="#check-cnn-numpy.conv.value"' in dom and "checks passed: each is folded below" in text
    assert opened == 0 and width <= 1280
    unfolded = tmp_path / "unfolded" / page.name
    unfolded.parent.mkdir()
    unfolded.write_text(page.read_text().replace('<details class="check', '<details open class="check'))
    *_, height_unfolded, opened = _laid_out(unfolded, tmp_path, "late-report-unfolded")
    assert opened > 15 and height < height_unfolded - 1500, (height, height_unfolded)   # the passes take a line each


def test_the_overview_fits_1280_px_with_its_statistics(reports, tmp_path):
    dom, width, _, _ = _laid_out(reports / "index.html", tmp_path, "overview-width")
    assert width <= 1280, width
    assert "<h2>Class statistics</h2>" in dom and "median" in dom and ">final<" in dom


def test_a_student_report_names_no_folder_or_sandbox_of_the_grading_machine(reports, tmp_path):
    for page in (reports / "student").glob("*.html"):
        dom, requests = chromium(page, tmp_path)
        assert requests == []
        for detail in (str(reports), str(EXAMPLES), "/tmp/", "bubblewrap", "site-packages", "/work/"):
            assert detail not in dom, (page.name, detail)
