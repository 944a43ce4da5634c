"""The API grading suites are written against, and the loader that collects them.

A suite is a plain module (no pytest needed) of check functions::

    from hypothesis import given
    from grader.suite import check, expect_close

    @check("value")                      # cnn-numpy.conv.value in assignment.toml
    @given(case=conv_cases())
    def conv_matches_reference(sub, case):
        actual = sub.function("convolution_function")(input_image=case.image, ...)
        expect_close(actual, ref.convolution_function(...), inputs=case.inputs())

``sub`` is a :class:`grader.submission.Submission`: calls go to the student's code, wherever it
runs; values come back as plain data; comparison happens here. Points, visibility, example counts
and tolerances come from ``assignment.toml``; a check there with no function here, or the other way
round, is the author's error, reported once when the suite loads.
"""

from __future__ import annotations

import contextvars
import importlib.util
import sys
import time
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType, ModuleType
from typing import Any, Callable, Mapping

import hypothesis
from hypothesis import HealthCheck, Phase, Verbosity

from grader.devices import tolerance_on
from grader.compare import comparison_dtype, describe, mismatch
from grader.errors import SpecError
from grader.oracle import Reference, private_of, reference_of
from grader.results import Counterexample, Picture
from grader.spec import Assignment, Check

CheckFunction = Callable[..., None]

_loading: contextvars.ContextVar[Assignment | None] = contextvars.ContextVar("_loading", default=None)
# The siblings loaded while one load_suite runs: two suite modules that load the same sibling share it
# (loading it again would replace the module its classes were defined in, under their feet).
_siblings: contextvars.ContextVar[dict[Path, ModuleType] | None] = contextvars.ContextVar("_siblings", default=None)


@dataclass
class CheckRun:
    """The state of one running check, made per check by :class:`running_check` and read by what
    runs inside it: its tolerances (expect_close), what it saw (observe), and the limits on its
    calls into student code (the worker submission)."""

    assignment: Assignment
    check: Check
    deadline: float | None = None            # time.monotonic() when the check's time budget ends
    observations: list[str] = field(default_factory=list)
    device: str = "cpu"                      # where the student's torch code runs (grader.devices)

    @property
    def call_timeout_s(self) -> float:
        return self.check.timeout_s or self.assignment.limits.call_timeout_s

    def tolerance_for(self, dtype: str) -> Any:
        return tolerance_on(self.device, dtype, self.assignment.tolerance_for(dtype, self.check))


_current: contextvars.ContextVar[CheckRun | None] = contextvars.ContextVar("_current", default=None)


def reference() -> Reference:
    """The reference of the assignment whose suite is being loaded, as its suite modules see it
    (grader.oracle): ``ref = reference()`` at the top of the module, then ``ref.softmax(x)``."""
    assignment = _loading.get()
    if assignment is None:
        raise SpecError("reference() is called at the top of a suite module, while load_suite loads it")
    return _watched(reference_of(assignment))


def load_private(suite_file: str, stem: str) -> Reference:
    """``<stem>.py`` next to ``suite_file``, as private helpers that students never receive: code
    that computes what an exercise asks (a correct backward pass to build a hint's wrong variants
    from, a data generator the exercise asks for). Its functions are called through
    :mod:`grader.oracle` like the reference's: results recorded with the cases, and in a student's
    bundle (where the module is not) looked up. Call it at the top of a suite module, as
    ``private = load_private(__file__, "rnn_scratch_private")``."""
    assignment = _loading.get()
    if assignment is None:
        raise SpecError("load_private is called at the top of a suite module, while load_suite loads it")
    if assignment.release is not None:   # a student's bundle: the module is not here, its answers are
        return _watched(private_of(assignment, stem, lambda: None))   # type: ignore[arg-type,return-value]
    module = load_sibling(suite_file, stem)   # now, while the suite loads: it may call reference() itself
    return _watched(private_of(assignment, stem, lambda: module))


def _watched(found: Reference) -> Reference:
    found.which_check = lambda: run.check.id if (run := _current.get()) is not None else None
    return found


def options() -> Mapping[str, Any]:
    """The assignment's ``[options]`` (assignment.toml): the course's choices where versions of an
    exercise differ. Read at the top of a suite module or inside a check."""
    assignment = _loading.get()
    if assignment is None and (run := _current.get()) is not None:
        assignment = run.assignment
    if assignment is None:
        raise SpecError("options() is read while load_suite loads the suite or inside a check")
    return assignment.options


def current_check() -> CheckRun | None:
    """The check running in this context, if any."""
    return _current.get()


class CheckFailed(AssertionError):
    """Raised by a check when the student's answer is wrong. Hypothesis shrinks on it."""

    def __init__(self, message: str, counterexample: Counterexample | None = None,
                 draw: Callable[[], Picture | None] | None = None):
        super().__init__(message)
        self.message = message
        self.counterexample = counterexample
        self.draw = draw      # the picture of the failure, made only for the one hypothesis keeps

    def drawn(self) -> Counterexample | None:
        """The counterexample with a picture of the two arrays when they are too large to print.
        Drawn here, once for the final failure, not for every example hypothesis tries."""
        picture = self.draw() if self.draw is not None else None
        if picture is None:
            return self.counterexample
        return replace(self.counterexample or Counterexample(inputs=()), picture=picture)


def seed_for(check_id: str) -> int:
    """The hypothesis seed of a check: a function of its id only, so every student and every run
    sees the same inputs."""
    return zlib.crc32(check_id.encode())


def check(key: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function for ``<exercise id>.<key>`` of the assignment being loaded.

    ``key`` may be the full id (``cnn-numpy.conv.value``) or the part after the assignment id
    (``conv.value``). Hypothesis tests get the grading settings and their seed here.
    """
    def register(fn: CheckFunction) -> CheckFunction:
        assignment = _loading.get()
        if assignment is None:
            raise SpecError(f"@check({key!r}) on {fn.__name__}: suites are loaded with grader.suite.load_suite")
        full = key if key.startswith(assignment.id + ".") else f"{assignment.id}.{key}"
        spec = next((c for c in assignment.checks if c.id == full), None)
        if spec is None and assignment.release is not None:
            return fn   # a student's copy lists the public checks only: a hidden one a loop registers is not run
        if spec is None:
            raise SpecError(f"{fn.__code__.co_filename}:{fn.__code__.co_firstlineno}: @check({key!r}) "
                            f"names no check in {assignment.root / 'assignment.toml'}")
        if getattr(fn, "is_hypothesis_test", False):
            fn = hypothesis.settings(
                max_examples=spec.examples, database=None, deadline=None, derandomize=False,
                suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet,
                report_multiple_bugs=False, print_blob=False,
                phases=(Phase.explicit, Phase.generate, Phase.shrink),
            )(hypothesis.seed(seed_for(full))(fn))
        fn.__grader_check__ = full  # type: ignore[attr-defined]
        return fn
    return register


@dataclass(frozen=True)
class Suite:
    assignment: Assignment
    module: ModuleType
    functions: Mapping[str, CheckFunction]   # check id -> function
    # check id -> why the check fails on the reference (None: it passes), filled in only when a
    # check raised on a student's code (see grader.checks.check_is_broken)
    verdicts_on_reference: dict[str, str | None] = field(default_factory=dict, compare=False)


def load_suite(assignment: Assignment) -> Suite:
    """Import the suite module named in assignment.toml and match its checks with the spec."""
    name = f"grader_suite_{assignment.id.replace('-', '_')}"
    spec = importlib.util.spec_from_file_location(name, assignment.suite)
    if spec is None or spec.loader is None:
        raise SpecError(f"{assignment.suite}: cannot import the suite")
    module = importlib.util.module_from_spec(spec)
    token, siblings = _loading.set(assignment), _siblings.set({})
    try:
        sys.modules[name] = module
        spec.loader.exec_module(module)
    finally:
        _loading.reset(token)
        _siblings.reset(siblings)
    functions: dict[str, CheckFunction] = {}
    for value in vars(module).values():
        cid = getattr(value, "__grader_check__", None)
        if cid is None:
            continue
        if cid in functions and functions[cid] is not value:
            raise SpecError(f"{assignment.suite}: two functions are registered for check {cid}")
        functions[cid] = value
    missing = [c.id for c in assignment.checks if c.id not in functions]
    if missing:
        raise SpecError(f"{assignment.suite}: no @check function for {', '.join(missing)} "
                        f"(listed in {assignment.root / 'assignment.toml'})")
    return Suite(assignment, module, MappingProxyType(functions))


class running_check:
    """Context manager the runner wraps around one check: a fresh :class:`CheckRun` is current
    inside it. ``budget_s`` is the time all the check's calls into student code may take."""

    def __init__(self, assignment: Assignment, check_spec: Check, budget_s: float | None = None, device: str = "cpu"):
        deadline = time.monotonic() + budget_s if budget_s is not None else None
        self.run = CheckRun(assignment, check_spec, deadline, device=device)

    @property
    def observations(self) -> list[str]:
        return self.run.observations

    def __enter__(self) -> "running_check":
        self.token = _current.set(self.run)
        return self

    def __exit__(self, *exc: object) -> None:
        _current.reset(self.token)


def load_sibling(suite_file: str, stem: str) -> ModuleType:
    """Import ``<stem>.py`` from the folder of ``suite_file``: the strategies and helpers a suite
    keeps next to it. Suites are loaded from a file path, not as a package, so they cannot use
    relative imports; the module is registered as ``grader_suite_<stem>``, which workers hide."""
    name = f"grader_suite_{stem}"
    path = Path(suite_file).with_name(f"{stem}.py").resolve()
    loaded = _siblings.get()
    if loaded is not None and path in loaded:   # already loaded by another module of this suite
        return loaded[path]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SpecError(f"{suite_file}: cannot load its sibling {stem}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module          # dataclasses look their module up while it runs
    if loaded is not None:
        loaded[path] = module
    spec.loader.exec_module(module)
    return module


def observe(text: str) -> None:
    """Record what the running check saw, shown in the report whether it passes or fails:
    ``observe(f"loss {first:.3g} → {last:.3g} in {steps} steps")``. Repeated texts are kept once."""
    run = _current.get()
    if run is None:
        raise SpecError("observe called outside a running check")
    if text not in run.observations:
        run.observations.append(text)


def _running_tolerances(caller: str) -> Callable[[str], Any]:
    """dtype -> Tolerance for the running check (its overrides first, then the assignment's)."""
    run = _current.get()
    if run is None:
        raise SpecError(f"{caller} called outside a running check")
    return run.tolerance_for


def expect_close(actual: Any, expected: Any, *, what: str = "output",
                 inputs: Mapping[str, Any] | None = None) -> None:
    """Fail the running check unless ``actual`` matches ``expected`` within its tolerance."""
    lines = mismatch(actual, expected, _running_tolerances("expect_close"))
    if lines:
        fail(f"{what} does not match the reference.\n" + "\n".join(lines),
             inputs=inputs, expected=expected, actual=actual)


def matches(actual: Any, expected: Any) -> bool:
    """Whether :func:`expect_close` would pass: for a check that accepts more than one answer (the
    reference's, or the one the student's own code for an earlier step implies)."""
    try:
        return not mismatch(actual, expected, _running_tolerances("expect_close"))
    except (TypeError, ValueError):   # values that cannot be compared are not a match
        return False


def expect_gradients_close(actual: Mapping[str, Any], expected: Mapping[str, Any], *,
                           what: str = "gradients", inputs: Mapping[str, Any] | None = None) -> None:
    """Fail the running check unless every gradient in ``expected`` (name -> array) is matched by
    ``actual`` within the check's tolerance. The message is a table of the worst entries."""
    from grader.gradients import gradient_mismatch, worst_gradient
    tolerance_for = _running_tolerances("expect_gradients_close")
    lines = gradient_mismatch(actual, expected, tolerance_for)
    if lines:
        example = (Counterexample(inputs=tuple((k, describe(v)) for k, v in inputs.items()))
                   if inputs is not None else None)
        def draw() -> Picture | None:
            from grader.picture import difference_picture
            worst = worst_gradient(actual, expected, tolerance_for)
            return None if worst is None else difference_picture(
                actual[worst], expected[worst], tolerance_for(comparison_dtype(actual[worst], expected[worst])),
                f"the gradient with respect to {worst}")
        raise CheckFailed(f"{what} do not match.\n" + "\n".join(lines), example, draw)


def expect_inputs_unchanged(sub: Any, name: str, *, fix: str = "", **kwargs: Any) -> Any:
    """Call the student's ``name`` with ``kwargs`` (as ``sub.function(name)(**kwargs)``; with an
    instance of the student's class as ``sub``, its method ``name``) and fail the running check if
    the call changed any array argument in place; returns the call's result.

    Only arrays and tensors (also inside lists, tuples and dicts) are compared, exactly (NaN equal
    to NaN): a function may keep what it was given, but not change it. ``fix``, when given, replaces
    the general advice at the end of the message."""
    from grader.compare import as_array
    before = {k: _copy_arrays(v) for k, v in kwargs.items()}
    result, after = sub.call_keeping_inputs(name, **kwargs)
    for key, old in before.items():
        if key not in after:
            continue
        change = _first_change(old, after[key], key, as_array)
        if change:
            fail(f"`{name}` changed its argument `{key}` in place: {change}. A function should leave its "
                 f"inputs as it got them, since the caller may use them again. "
                 + (fix or (f"Work on a copy (`{key} = {key}.copy()`) or build a new array."
                            if not isinstance(old, (list, tuple, dict)) else "Work on copies of the arrays in it.")),
                 inputs={k: v for k, v in before.items()})
    return result


def _copy_arrays(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return type(value)(_copy_arrays(v) for v in value)
    if isinstance(value, dict):
        return {k: _copy_arrays(v) for k, v in value.items()}
    copy = getattr(value, "copy", None) if type(value).__module__ == "numpy" else None
    if copy is not None:
        return copy()
    clone = getattr(value, "clone", None) if type(value).__module__.startswith("torch") else None
    return clone().detach() if clone is not None else value


def _first_change(old: Any, new: Any, path: str, as_array: Callable[[Any], Any]) -> str:
    """How ``new`` differs from ``old`` (arrays only, recursing into containers), or ''."""
    if isinstance(old, (list, tuple)) and isinstance(new, (list, tuple)) and len(old) == len(new):
        return next((c for i, (o, n) in enumerate(zip(old, new)) if (c := _first_change(o, n, f"{path}[{i}]", as_array))), "")
    if isinstance(old, dict) and isinstance(new, dict):
        return next((c for k in old if k in new and (c := _first_change(old[k], new[k], f"{path}[{k!r}]", as_array))), "")
    a, b = as_array(old), as_array(new)
    if a is None or b is None:
        return ""
    if a.shape != b.shape:
        return f"{path} had shape {tuple(a.shape)} before the call and has shape {tuple(b.shape)} after it"
    if a.dtype != b.dtype:
        return f"{path} was of dtype {a.dtype} before the call and is of dtype {b.dtype} after it"
    import numpy as np
    same = a == b
    if a.dtype.kind in "fc":
        same |= np.isnan(a) & np.isnan(b)
    if same.all():
        return ""
    where = tuple(int(i) for i in np.argwhere(~same)[0])
    return (f"{path}{list(where) if where else ''} was {_scalar(a[where])} before the call and is "
            f"{_scalar(b[where])} after it ({int((~same).sum())} of {same.size} elements changed)")


def _scalar(x: Any) -> str:
    value = x.item()
    return f"{value:.6g}" if isinstance(value, float) else repr(value)


def expect(condition: bool, message: str | Callable[[], str], *, inputs: Mapping[str, Any] | None = None,
           expected: Any = None, actual: Any = None) -> None:
    """Fail the running check with ``message`` unless ``condition`` holds (property checks). A
    message that costs something to build (``describe`` of a large value) can be a function that
    returns it: it is called only when the check fails, not on every example that passes."""
    if not condition:
        fail(message() if callable(message) else message, inputs=inputs, expected=expected, actual=actual)


def fail(message: str, *, inputs: Mapping[str, Any] | None = None, expected: Any = None,
         actual: Any = None) -> None:
    example = None
    if inputs is not None or expected is not None or actual is not None:
        example = Counterexample(
            inputs=tuple((k, describe(v)) for k, v in (inputs or {}).items()),
            expected=None if expected is None else describe(expected),
            actual=None if actual is None else describe(actual))
    draw = None
    if expected is not None and actual is not None:
        current = _current.get()

        def draw() -> Picture | None:
            from grader.picture import difference_picture
            tolerance = current.tolerance_for(comparison_dtype(actual, expected)) if current is not None else None
            return difference_picture(actual, expected, tolerance)
    raise CheckFailed(message, example, draw)


__all__ = ["CheckFailed", "Suite", "check", "expect", "expect_close", "expect_gradients_close", "expect_inputs_unchanged", "fail",
           "load_private", "matches", "load_sibling", "load_suite", "observe", "options", "reference", "seed_for"]
