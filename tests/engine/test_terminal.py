"""`grader check`'s terminal summary: when it is coloured, and that colour changes no words."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest

from grader.results import Status
from grader.terminal import Paint, check_summary, colour_enabled

from test_report import a_result, an_unloadable

ANSI = re.compile(r"\x1b\[[0-9;]*m")


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("choice, stream, environ, expected", [
    ("always", io.StringIO(), {"NO_COLOR": "1"}, True),        # asked for: given
    ("never", Tty(), {"FORCE_COLOR": "1"}, False),
    ("auto", Tty(), {}, True),                                 # a terminal
    ("auto", io.StringIO(), {}, False),                        # a pipe or a file
    ("auto", Tty(), {"NO_COLOR": "1"}, False),                 # https://no-color.org
    ("auto", Tty(), {"NO_COLOR": ""}, True),                   # ... only when not empty
    ("auto", io.StringIO(), {"FORCE_COLOR": "1"}, True),       # CI logs that render colour
    ("auto", Tty(), {"TERM": "dumb"}, False),
])
def test_when_colour_is_used(choice, stream, environ, expected):
    assert colour_enabled(choice, stream, environ) is expected


def test_statuses_are_coloured_and_the_words_are_the_same_without_colour():
    result = a_result()
    coloured = check_summary(result, 1, Paint(True))
    plain = check_summary(result, 1, Paint(False))
    assert "\x1b" not in plain and ANSI.sub("", coloured) == plain
    assert "\x1b[31m[   FAIL]\x1b[0m demo.conv.value" in coloured
    assert "\x1b[32m[   PASS]\x1b[0m demo.conv.shape" in coloured
    assert "\x1b[33m[TIMEOUT]\x1b[0m demo.conv.large" in coloured
    assert "\x1b[2m[MISSING]\x1b[0m demo.pool.value" in coloured


def test_failures_show_the_report_message_and_the_smallest_failing_input():
    plain = check_summary(a_result(), 0, Paint(False))
    assert "Mismatched elements: 4 / 9 (44.4%)" in plain            # CheckResult.message, word for word
    assert "image = array (1, 1, 1) float64" in plain and "stride = 2" in plain
    assert "expected:\n" in plain and "[[0.5]]" in plain and "[[0.25]]" in plain
    assert "`convolution_function` found under the name `conv2d`" in plain
    assert "1 top-level statements were not run" in plain
    assert "public checks: 1 / 10 points" in plain and "hidden checks" not in plain


def test_an_unloadable_submission_says_why_first():
    unloadable = an_unloadable()
    why = unloadable.load_error                   # the runner gives every check the load error
    unloadable = replace(unloadable, exercises=tuple(
        replace(ex, checks=tuple(replace(c, message=why) for c in ex.checks)) for ex in unloadable.exercises))
    plain = check_summary(unloadable, 2, Paint(False))
    assert plain.lstrip().startswith("Your submission could not be loaded:")
    assert "SyntaxError: invalid syntax (line 3)" in plain
    assert plain.rstrip().endswith("; 2 hidden checks are graded after the deadline")
    assert plain.count("SyntaxError: invalid syntax (line 3)") == 1     # said once, not once per check
    assert "[NOT RUN] demo.conv.value  0/3" in plain


def test_full_marks_total_is_green_and_anything_less_is_red():
    result = a_result()
    passed = replace(result, exercises=tuple(
        replace(ex, checks=tuple(replace(c, status=Status.PASSED) for c in ex.checks)) for ex in result.exercises))
    assert "\x1b[1;32mpublic checks: 10 / 10 points" in check_summary(passed, 0, Paint(True))
    assert "\x1b[1;31mpublic checks: 1 / 10 points" in check_summary(result, 0, Paint(True))
