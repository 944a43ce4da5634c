"""The class overview's analyses: histogram, pass rates, failure groups, near-duplicates."""

from __future__ import annotations

from pathlib import Path

from grader.report import failure_groups, failure_signature, pass_rates, score_histogram
from grader.results import CheckResult, ExerciseResult, Status, SubmissionResult
from grader.similarity import near_duplicates
from grader.spec import Check, Exercise

CHECKS = (Check("a.x.one", "a.x", 60), Check("a.x.two", "a.x", 40, hidden=True))
EXERCISE = Exercise("a.x", "X", ("f",), CHECKS)


def result(student: str, passed_one: bool, passed_two: bool, message: str = "expected 3, got 2.5") -> SubmissionResult:
    checks = tuple(CheckResult(c, Status.PASSED if ok else Status.FAILED, "" if ok else message)
                   for c, ok in zip(CHECKS, (passed_one, passed_two)))
    return SubmissionResult(student, f"{student}.py", "0" * 64, "a", "1", "0", (ExerciseResult(EXERCISE, checks),))


def test_histogram_bands_and_the_full_marks_bin():
    bins = score_histogram([result("s1", True, True), result("s2", True, False), result("s3", False, False)])
    counts = {b.label: b.count for b in bins}
    assert counts["100 %"] == 1 and counts["60–69 %"] == 1 and counts["0–9 %"] == 1 and sum(counts.values()) == 3


def test_pass_rates_hardest_first():
    rates = pass_rates([result("s1", True, False), result("s2", True, False)])
    assert [(r.id, r.passed, r.graded, r.hidden) for r in rates] == [("a.x.two", 0, 2, True), ("a.x.one", 2, 2, False)]


def test_failures_differing_only_in_numbers_are_one_group():
    results = [result("s1", False, True, "expected 3, got 2.5"), result("s2", False, True, "expected 0, got 0.125"),
               result("s3", False, True, "returned None")]
    groups = failure_groups(results)
    assert [(g.check_id, g.students) for g in groups] == [("a.x.one", ("s1", "s2")), ("a.x.one", ("s3",))]
    assert failure_signature(results[0].exercises[0].checks[0]) == "failed: expected #, got #"


BODY = '''
import numpy as np

def conv(image, kernel, stride=1, padding=0):
    padded = np.pad(image, padding)
    rows = (padded.shape[0] - kernel.shape[0]) // stride + 1
    cols = (padded.shape[1] - kernel.shape[1]) // stride + 1
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            out[i, j] = np.sum(padded[i * stride:i * stride + kernel.shape[0], j * stride:j * stride + kernel.shape[1]] * kernel)
    return out
'''


def test_renamed_copies_are_near_duplicates_and_different_code_is_not(tmp_path: Path):
    renamed = (BODY.replace("image", "img").replace("kernel", "w").replace("out", "result")
               .replace("rows", "h").replace("cols", "ww"))
    different = '''
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

def conv(image, kernel, stride=1, padding=0):
    windows = sliding_window_view(np.pad(image, padding), kernel.shape)[::stride, ::stride]
    return np.einsum("ijkl,kl->ij", windows, kernel)
'''
    for name, text in (("a", BODY), ("b", "# my own work!\n" + renamed), ("c", different)):
        (tmp_path / f"{name}.py").write_text(text)
    pairs = near_duplicates((n, tmp_path / f"{n}.py") for n in "abc")
    assert [(p.first, p.second) for p in pairs] == [("a", "b")] and pairs[0].similarity == 1.0


GIVEN = '''
import numpy as np

def load_images(folder, size=(32, 32), grayscale=False, limit=None):
    """Given by the starter: students do not change it."""
    images = []
    for index, name in enumerate(sorted(folder.iterdir())):
        if limit is not None and index >= limit:
            break
        data = np.load(name)
        if grayscale and data.ndim == 3:
            data = data.mean(axis=-1)
        images.append(np.resize(data, size))
    return np.stack(images) if images else np.zeros((0, *size))


def show_grid(images, columns=4):
    rows = (len(images) + columns - 1) // columns
    canvas = np.zeros((rows * images.shape[1], columns * images.shape[2]))
    for k, image in enumerate(images):
        r, c = divmod(k, columns)
        canvas[r * image.shape[0]:(r + 1) * image.shape[0], c * image.shape[1]:(c + 1) * image.shape[1]] = image
    return canvas
'''


def test_code_the_starter_gives_out_does_not_make_students_alike(tmp_path: Path):
    flat = '''
def conv(image, kernel, stride=1, padding=0):
    padded = np.pad(image, padding)
    h, w = kernel.shape
    out = []
    for top in range(0, padded.shape[0] - h + 1, stride):
        row = [float((padded[top:top + h, left:left + w] * kernel).sum())
               for left in range(0, padded.shape[1] - w + 1, stride)]
        out.append(row)
    return np.array(out)
'''
    own = {"a": BODY.replace("import numpy as np", ""), "b": flat}
    (tmp_path / "starter.py").write_text(GIVEN + "\ndef conv(image, kernel, stride=1, padding=0):\n"
                                         "    raise NotImplementedError\n")
    for name, text in own.items():
        (tmp_path / f"{name}.py").write_text(GIVEN + "\n" + text)
    students = [(n, tmp_path / f"{n}.py") for n in own]
    assert [p.similarity >= 0.8 for p in near_duplicates(students, threshold=0.8)] == [True]   # given code dominates
    assert near_duplicates(students, threshold=0.8, starter=tmp_path / "starter.py") == []
    # a copy of one student's own code is still found when the starter's is left out
    (tmp_path / "c.py").write_text(GIVEN + "\n" + flat.replace("out", "y").replace("row", "r") + "\n# mine!\n")
    students.append(("c", tmp_path / "c.py"))
    assert [(p.first, p.second) for p in near_duplicates(students, starter=tmp_path / "starter.py")] == [("b", "c")]
