"""Pictures of failed comparisons of large arrays: what is drawn where, and how it reaches the report."""

from __future__ import annotations

import base64
import io
import json
import re
from types import MappingProxyType, ModuleType

import numpy as np
import pytest
from hypothesis import given, strategies as st
from PIL import Image

from grader.checks import run_check
from grader.export import result_from_dict, result_to_dict
from grader.picture import MAX_SIDE, MAX_SLICES, PRINTED_ELEMENTS, difference_picture
from grader.report import render_student_report
from grader.results import ExerciseResult, Status
from grader.spec import Check, Exercise, Tolerance
from grader.suite import Suite, expect_close, expect_gradients_close

from conftest import tiny_assignment
from test_report import a_result

TOL = Tolerance(rtol=1e-6, atol=1e-8)
WHITE, BLACK = (255, 255, 255), (0, 0, 0)


def pixels(b64: str) -> np.ndarray:
    image = Image.open(io.BytesIO(base64.b64decode(b64)))
    assert image.format == "PNG" and image.mode == "RGB"
    return np.asarray(image)


def cells(b64: str, shape: tuple[int, int], grid: tuple[int, int] = (1, 1)) -> np.ndarray:
    """The colour drawn for each element: sample the centre of every cell of a grid of slices."""
    img = pixels(b64)
    rows, cols = grid
    h, w = shape
    # scale and gap follow from the image size: rows*h*s + (rows-1)*g = height, likewise width
    for scale in range(1, 65):
        gap = max(1, scale // 3) if rows * cols > 1 else 0
        if rows * h * scale + (rows - 1) * gap == img.shape[0] and cols * w * scale + (cols - 1) * gap == img.shape[1]:
            break
    else:
        raise AssertionError(f"image {img.shape} does not fit a {grid} grid of {shape} cells")
    out = np.empty((rows, cols, h, w, 3), dtype=np.uint8)
    for gr in range(rows):
        for gc in range(cols):
            for r in range(h):
                for c in range(w):
                    y = gr * (h * scale + gap) + r * scale + scale // 2
                    x = gc * (w * scale + gap) + c * scale + scale // 2
                    out[gr, gc, r, c] = img[y, x]
    return out


def is_white(rgb) -> bool:
    return tuple(int(v) for v in rgb) == WHITE


def test_small_arrays_other_shapes_and_non_numbers_get_no_picture():
    small = np.zeros((6, 6))
    assert small.size == PRINTED_ELEMENTS and difference_picture(small + 1, small, TOL) is None
    big = np.zeros((7, 7))
    assert difference_picture(np.zeros((7, 8)), big, TOL) is None          # the message says shapes differ
    assert difference_picture([1.0] * 50, big.ravel()[:50], TOL) is None    # a list is not an array
    assert difference_picture(np.array(["a"] * 49).reshape(7, 7), big, TOL) is None
    assert difference_picture(big + 1, big, TOL) is not None


def test_difference_marks_exactly_the_elements_out_of_tolerance():
    rng = np.random.default_rng(0)
    expected = rng.normal(size=(2, 3, 8, 8))
    actual = expected * (1 + 1e-8)               # within rtol everywhere ...
    actual[1, 2, :, 0] += 5.0                    # ... except one column, too large
    actual[0, 1, 3, 3] = np.nan                  # and one NaN
    picture = difference_picture(actual, expected, TOL)
    diff = cells(picture.difference_png, (8, 8), grid=(2, 3))   # a row per n, a column per channel
    for n, c, r, col in np.ndindex(2, 3, 8, 8):
        colour = tuple(diff[n, c, r, col])
        if (n, c, col) == (1, 2, 0):
            assert colour == (255, 0, 0), (n, c, r, col)         # red: yours is larger, by the most
        elif (n, c, r, col) == (0, 1, 3, 3):
            assert colour == BLACK
        else:
            assert colour == WHITE, (n, c, r, col)
    # The value images share a scale, on which the column is redder in "your result".
    yours, wanted = cells(picture.actual_png, (8, 8), (2, 3)), cells(picture.expected_png, (8, 8), (2, 3))
    assert all(int(yours[1, 2, r, 0, 1]) < int(wanted[1, 2, r, 0, 1]) for r in range(8))
    assert np.array_equal(yours[0, 0], wanted[0, 0])
    assert "2×3×8×8" in picture.caption and "rtol=1e-06" in picture.caption


def test_red_is_positive_blue_negative_and_worse_is_darker():
    expected = np.zeros((1, 64))
    expected[0, :32] = -1.0
    expected[0, 32:] = 1.0
    actual = expected.copy()
    actual[0, 40] += 1e-5       # 10× the allowed difference (1e-6 + 1e-6 * 1)
    actual[0, 50] = 0.0         # 5e5×, inside the range so the scale stays ±1
    picture = difference_picture(actual, expected, TOL)
    values = cells(picture.expected_png, (1, 64))[0, 0, 0]
    assert tuple(values[0]) == (0, 0, 255) and tuple(values[63]) == (255, 0, 0)
    diff = cells(picture.difference_png, (1, 64))[0, 0, 0]
    assert tuple(diff[50]) == (0, 0, 255)                    # yours smaller, by the most: full blue
    assert tuple(diff[40]) == (255, 191, 191)                # yours larger, by a little: a quarter red
    assert all(is_white(diff[i]) for i in range(64) if i not in (40, 50))


def test_exact_comparison_marks_any_difference():
    expected = np.arange(50.0)
    actual = expected.copy()
    actual[7] += 1e-12
    diff = cells(difference_picture(actual, expected, None).difference_png, (1, 50))[0, 0, 0]
    assert not is_white(diff[7]) and all(is_white(diff[i]) for i in range(50) if i != 7)


def test_large_slices_are_cropped_around_the_worst_element():
    expected = np.zeros((300, 200))
    actual = expected.copy()
    actual[250, 10] = 1.0
    picture = difference_picture(actual, expected, TOL)
    assert "Cropped to rows 218–281 and columns 0–63 of 300×200" in picture.caption
    diff = cells(picture.difference_png, (MAX_SIDE, MAX_SIDE))[0, 0]
    assert not is_white(diff[250 - 218, 10]) and np.sum(~np.all(diff == 255, axis=-1)) == 1


def test_many_slices_draw_those_with_the_most_mismatches():
    expected = np.zeros((40, 5, 5))
    actual = expected.copy()
    actual[33] = 1.0                      # the whole of slice 33 is wrong
    actual[7, 0, 0] = 1.0                 # one element of slice 7
    picture = difference_picture(actual, expected, TOL)
    assert f"{MAX_SLICES} of 40 slices [i, :, :]" in picture.caption
    assert "[7]" in picture.caption and "[33]" in picture.caption
    diff = cells(picture.difference_png, (5, 5), grid=(4, 4))
    flat = diff.reshape(16, 5, 5, 3)
    wrong = [i for i in range(16) if not np.all(flat[i] == 255)]
    shown = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 33]   # ties go to the lowest index
    assert [shown[i] for i in wrong] == [7, 33]


def test_a_long_vector_is_wrapped_and_its_end_is_padding():
    expected = np.ones(1000)
    actual = expected.copy()
    actual[999] = 0.0
    picture = difference_picture(actual, expected, TOL)
    assert "row by row" in picture.caption
    diff = cells(picture.difference_png, (32, 32))[0, 0]       # ceil(sqrt(1000)) = 32 per row
    assert not is_white(diff[31, 7]) and tuple(diff[31, 8]) == (230, 230, 230)


@given(shape=st.sampled_from([(37,), (7, 7), (2, 3, 4, 5), (3, 2, 2, 3, 3)]), seed=st.integers(0, 2**16))
def test_same_arrays_draw_the_same_bytes(shape, seed):
    rng = np.random.default_rng(seed)
    expected, actual = rng.normal(size=shape), rng.normal(size=shape)
    assert difference_picture(actual, expected, TOL) == difference_picture(actual.copy(), expected.copy(), TOL)


# --- through a check, into the results and the report ---------------------------------------------
class Nothing:
    """A submission the check does not call: run_check needs only its seed and output marks."""

    reference = None

    def seed(self, value: int) -> None:
        pass

    def output_mark(self) -> None:
        return None

    def output_since(self, mark: None) -> str:
        return ""


def run_failing(actual: np.ndarray, expected: np.ndarray):
    check = Check("tiny.ex.value", "tiny.ex", 1.0)
    assignment = tiny_assignment()

    def compare(sub):
        expect_close(actual, expected, inputs={"x": expected})

    suite = Suite(assignment, ModuleType("suite"), MappingProxyType({check.id: compare}))
    return run_check(suite, check, Nothing()), check


def test_a_failed_check_on_large_arrays_carries_its_picture_into_json_and_html():
    expected = np.linspace(-1, 1, 64).reshape(8, 8)
    actual = expected.copy()
    actual[:, -1] = 0
    outcome, check = run_failing(actual, expected)
    assert outcome.status is Status.FAILED and outcome.counterexample.picture is not None
    assert "rtol=1e-07" in outcome.counterexample.picture.caption     # the float64 tolerance of the assignment
    result = a_result()
    exercise = ExerciseResult(Exercise("tiny.ex", "Tiny", (), (check,)), (outcome,))
    result = result.__class__(**{**result.__dict__, "exercises": (exercise,)})
    assert result_from_dict(json.loads(json.dumps(result_to_dict(result)))) == result
    html = render_student_report(result, audience="student")
    assert html.count('src="data:image/png;base64,') == 3
    assert outcome.counterexample.picture.difference_png in html
    assert "Difference" in html and "red where yours is larger" in html
    assert set(re.findall(r'src="([a-z]+:[^,]*),', html)) == {"data:image/png;base64"}


def test_small_arrays_get_printed_values_and_no_picture():
    outcome, _ = run_failing(np.ones((2, 2)), np.zeros((2, 2)))
    assert outcome.status is Status.FAILED and outcome.counterexample.picture is None
    assert "[[1., 1.]" in outcome.counterexample.actual


@pytest.mark.parametrize("bad", [np.full((8, 8), np.inf), np.full((8, 8), np.nan)])
def test_non_finite_results_are_drawn_black(bad):
    outcome, _ = run_failing(bad, np.zeros((8, 8)))
    diff = cells(outcome.counterexample.picture.difference_png, (8, 8))[0, 0]
    assert np.all(diff == 0)


def run_gradient_failure(actual: dict, expected: dict, inputs=None):
    check = Check("tiny.ex.gradients", "tiny.ex", 1.0)

    def compare(sub):
        expect_gradients_close(actual, expected, inputs=inputs)

    suite = Suite(tiny_assignment(), ModuleType("suite"), MappingProxyType({check.id: compare}))
    return run_check(suite, check, Nothing())


def test_a_large_gradient_that_differs_most_is_drawn_with_its_name():
    rng = np.random.default_rng(3)
    expected = {"W_hh": rng.normal(size=(8, 8)), "b": rng.normal(size=8), "x": rng.normal(size=(10, 10))}
    actual = {name: value.copy() for name, value in expected.items()}
    actual["b"][0] += 5.0                     # the largest difference, but 8 numbers: printed in the table
    actual["W_hh"][:, 3] += 0.5
    actual["x"][2, 2] += 1.0                  # the largest difference once b is right
    outcome = run_gradient_failure(actual, expected, inputs={"seed": 3})
    assert outcome.status is Status.FAILED and "Gradients differ in 3 of 3 tensors" in outcome.message
    # b has the greatest difference of all; it is small enough to be read in the table, so no picture
    assert outcome.counterexample.inputs == (("seed", "3"),) and outcome.counterexample.picture is None

    actual["b"] = expected["b"].copy()
    outcome = run_gradient_failure(actual, expected)
    picture = outcome.counterexample.picture
    assert outcome.counterexample.inputs == () and picture.caption.startswith("The gradient with respect to x, a 10×10")
    diff = cells(picture.difference_png, (10, 10))[0, 0]
    assert [(r, c) for r in range(10) for c in range(10) if not is_white(diff[r, c])] == [(2, 2)]
    html = render_student_report(replace_exercises(a_result(), outcome), audience="student")
    assert "Smallest failing input" not in html and "The gradient with respect to x" in html


def replace_exercises(result, outcome):
    exercise = ExerciseResult(Exercise("tiny.ex", "Tiny", (), (outcome.check,)), (outcome,))
    return result.__class__(**{**result.__dict__, "exercises": (exercise,)})
