"""Binding names and arguments to what the student wrote."""

from __future__ import annotations

import pytest

from grader.binding import plan_arguments, resolve_name, signature_of
from grader.errors import MissingName, StudentError
from grader.spec import NameSpec

CONV = NameSpec("convolution_function", aliases=("conv2d", "convolve"),
                params={"filter": ("kernel",), "input_image": ("image", "img")})
CANONICAL = ["input_image", "stride", "filter", "activation_function", "padding"]


def test_canonical_name_wins_over_aliases():
    assert resolve_name(CONV, ["conv2d", "convolution_function"]) == "convolution_function"


def test_alias_is_used_when_the_canonical_name_is_missing():
    assert resolve_name(CONV, ["conv2d"]) == "conv2d"


def test_missing_name_lists_what_was_looked_for():
    with pytest.raises(MissingName, match="also looked for: conv2d, convolve"):
        resolve_name(CONV, ["something_else"])


def plan(fn):
    return plan_arguments("convolution_function", CANONICAL, CANONICAL, CONV.params, signature_of(fn))


def test_same_names_go_by_keyword_without_notes():
    def convolution_function(input_image, stride, filter, activation_function, padding=0): ...
    p = plan(convolution_function)
    assert p.positional == () and p.keywords == {n: n for n in CANONICAL} and p.notes == ()


def test_aliased_parameter_names_are_used_and_noted():
    def conv2d(img, stride, kernel, activation_function, padding=0): ...
    p = plan(conv2d)
    assert p.keywords["filter"] == "kernel" and p.keywords["input_image"] == "img"
    assert any("passed as your `kernel`" in n for n in p.notes)


def test_unknown_names_fall_back_to_position():
    def conv(x, s, k, act, pad=0): ...
    p = plan(conv)
    assert p.keywords == {"input_image": "x", "stride": "s", "filter": "k", "activation_function": "act", "padding": "pad"}
    assert all("(by position)" in n for n in p.notes)


def test_a_parameter_with_nowhere_to_go_is_the_students_error():
    def conv(x, s, k): ...
    with pytest.raises(StudentError, match="no parameter for `activation_function`"):
        plan(conv)


def test_var_keyword_takes_the_rest():
    def conv(input_image, stride, **options): ...
    p = plan(conv)
    assert p.keywords["padding"] == "padding"


def test_positional_only_parameters_are_passed_by_position():
    def conv(input_image, stride, /, filter, activation_function, padding=0): ...
    p = plan(conv)
    args, kwargs = p.apply({n: i for i, n in enumerate(CANONICAL)})
    assert args == [0, 1] and kwargs == {"filter": 2, "activation_function": 3, "padding": 4}
