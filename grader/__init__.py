"""grader: an autograder for deep-learning courses.

What a suite author uses is here (see docs/authoring.md)::

    from grader import check, expect, expect_close, Fn, Make

    @check("conv.value")
    @given(case=conv_cases())
    def conv_matches_reference(sub, case):
        expect_close(sub.function("conv")(x=case.x, w=case.w), reference_conv(case), inputs=case.inputs)

Names load on first use: the sandboxed worker imports ``grader.worker`` (and so this package), and
must not pull in the suite API, the spec or the comparison along with it (tests check which modules
a worker holds).
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# name -> the module that defines it
_PUBLIC = {
    # writing checks
    "check": "grader.suite", "expect": "grader.suite", "expect_close": "grader.suite",
    "expect_gradients_close": "grader.suite", "expect_inputs_unchanged": "grader.suite", "fail": "grader.suite",
    "observe": "grader.suite", "matches": "grader.suite",
    "load_sibling": "grader.suite", "seed_for": "grader.suite", "CheckFailed": "grader.suite",
    "reference": "grader.suite", "options": "grader.suite",
    # what a check hands to student code, by name (grader.boundary.SAFE_FUNCTIONS, grader.harness)
    "Fn": "grader.boundary", "Own": "grader.boundary", "Make": "grader.boundary",
    # comparing by hand
    "as_array": "grader.compare", "describe": "grader.compare",
    # running grading from Python
    "grade_one": "grader.pipeline", "grade_folder": "grader.pipeline",
    "load_assignment": "grader.spec", "find_assignment": "grader.spec",
    "Status": "grader.results",
}

__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'grader' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
