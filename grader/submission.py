"""What a check sees of the student's code: functions and objects reached through bindings.

Two implementations share the binding logic:

- :class:`WorkerSubmission` (in :mod:`grader.sandbox`) runs the student's code in a worker process;
  only plain data comes back. This is what grading uses.
- :class:`LocalSubmission` calls a module in this process. It is for trusted code only: the
  reference checking itself, and the benchmark's in-process baseline.

Checks always call with the *canonical* keyword names of the reference; bindings translate them.
"""

from __future__ import annotations

import abc
import collections
import contextlib
import functools
import traceback
from types import ModuleType
from typing import Any, Callable, Iterator, Mapping

import numpy as np

from grader.binding import (ArgumentPlan, Signature, plan_arguments, resolve_attribute, resolve_method,
                            resolve_name, signature_of)
from grader.boundary import SAFE_FUNCTIONS, Fn, Make, Own  # noqa: F401 - re-exported for suites
from grader.compare import describe
from grader.errors import MissingName, StudentCodeRaised, WorkerLost
from grader.results import Binding, Counterexample
from grader.spec import Assignment, NameSpec


# A function (or method, or harness) that has run past its time limit this many times in one
# submission is not called again: every later call counts as timed out at once. One endless loop
# then costs a class run two call limits, not one per check that calls the function.
TIMEOUTS_PER_FUNCTION = 2

# Values that hold no marker or instance for _resolved to replace (checked by exact type).
_NOTHING_TO_RESOLVE = frozenset({type(None), bool, int, float, str, np.ndarray})


@functools.lru_cache(maxsize=1024)
def _canonical_params(reference: ModuleType, name: str, method: str | None) -> tuple[str, ...]:
    """The reference's parameter names for ``name`` (or its ``method``): asked on every call into
    a student's code, and the same every time (inspect.signature is not cheap)."""
    obj = getattr(reference, name, None)
    if obj is not None and method:
        obj = getattr(obj, method, None)
    sig = signature_of(obj) if obj is not None else None
    return tuple(p.name for p in sig.params if p.name != "self") if sig is not None else ()


class ScriptRun:
    """One replay under :meth:`Submission.scripted`; ``passed`` is set by the caller (and
    ``failure``, what failed, when it did not pass)."""

    passed = False
    failure: Exception | None = None


class Submission(abc.ABC):
    """The student's code as checks see it. Subclasses say how a call reaches it."""

    def __init__(self, assignment: Assignment, reference: ModuleType | None = None):
        self.assignment = assignment
        self.reference = reference
        self._bindings: dict[str, Binding] = {}
        self._timeouts: collections.Counter[str] = collections.Counter()   # label -> calls that timed out
        self._plans: dict[tuple[Any, ...], ArgumentPlan] = {}   # how a call's keywords go onto a signature

    def __repr__(self) -> str:
        return "<your submission>"    # in hypothesis's messages; no memory address, so every run reads the same

    # --- what checks call -------------------------------------------------------------------
    def function(self, name: str) -> Callable[..., Any]:
        """The student's function for canonical ``name``; call it with canonical keywords."""
        target = self._bind(name)

        def call(**kwargs: Any) -> Any:
            plan = self._plan(name, None, self._signature(target, None), kwargs)
            args, kw = plan.apply(self._resolve(kwargs))
            return self._traced(name, kwargs, self._call, target, None, args, kw)
        call.__name__ = name
        return call

    def call_keeping_inputs(self, name: str, **kwargs: Any) -> tuple[Any, dict[str, Any]]:
        """Call the student's function ``name`` as :meth:`function` does, and return its result with
        each argument as the call left it (canonical name -> value). A function that changes an input
        array in place shows it here; comparing is the suite's (grader.suite.expect_inputs_unchanged).
        In a worker the arguments come back over the wire after the call, as values."""
        target = self._bind(name)
        plan = self._plan(name, None, self._signature(target, None), kwargs)
        args, kw = plan.apply(self._resolve(kwargs))
        result, args_after, kw_after = self._traced(name, kwargs, self._call_returning_arguments, target, args, kw)
        return result, _by_canonical_name(plan, args_after, kw_after)

    def new(self, class_name: str, **kwargs: Any) -> "Instance":
        """Construct the student's class ``class_name`` with canonical keywords."""
        target = self._bind(class_name)
        plan = self._plan(class_name, None, self._signature(target, None), kwargs)
        args, kw = plan.apply(self._resolve(kwargs))
        return Instance(self, class_name, self._traced(class_name, kwargs, self._construct, target, args, kw))

    def own(self, name: str) -> Own:
        self._bind(name)
        return Own(name)

    def harness(self, name: str) -> Callable[..., Any]:
        """Trusted helper ``name`` from :data:`grader.harness.HARNESS`, run where the student's code
        runs (a training loop over a student's model, say). Its arguments may be instances."""
        from grader.harness import HARNESS
        if name not in HARNESS:
            raise ValueError(f"harness {name!r}: not one of {', '.join(HARNESS)}")

        def call(**kwargs: Any) -> Any:
            return self._traced(f"grader's {name}", kwargs, self._run_harness, name, self._resolve(kwargs))
        call.__name__ = name
        return call

    def define(self, **values: Any) -> None:
        """Set globals of the student's module, as the assignment's starter does (``char2int``,
        ``batch_size``, ...): the functions under test read them. Plain data only."""
        self._define(dict(values))

    def _traced(self, label: str, kwargs: Mapping[str, Any], fn: Callable[..., Any], *args: Any) -> Any:
        """Run ``fn``; if the student's code raises or the worker dies, remember the call's inputs.
        A function that timed out TIMEOUTS_PER_FUNCTION times already is not called: it times out."""
        try:
            if self._timeouts[label] >= TIMEOUTS_PER_FUNCTION:
                raise WorkerLost("timeout", f"`{label}` was not called again: it ran past its time limit for one call "
                                            f"{self._timeouts[label]} times already in your submission, so every later "
                                            f"call to it counts as timed out. Does it loop forever?")
            return fn(*args)
        except (StudentCodeRaised, WorkerLost) as exc:
            if isinstance(exc, WorkerLost) and exc.one_call:
                self._timeouts[label] += 1
            exc.counterexample = Counterexample(  # type: ignore[union-attr]
                inputs=(("call", label),) + tuple((k, describe(v)) for k, v in kwargs.items()))
            raise

    @contextlib.contextmanager
    def scripted(self, key: str, again: bool = False) -> Iterator["ScriptRun"]:
        """Around one replay of the check ``key``: a submission in a worker sends the requests an
        earlier replay of that check sent ahead of need (grader.sandbox); here, nothing. The caller
        sets ``passed`` on what it yields when the replay passed."""
        yield ScriptRun()

    def state(self) -> Any:
        """What, besides the loaded code, the next check's calls depend on: the functions that timed
        out too often to be called again (and, in a worker, the globals checks defined). Plain data:
        it can go to another grading process, where :meth:`set_state` puts it in place."""
        return {"timeouts": dict(self._timeouts)}

    def set_state(self, state: Any) -> None:
        self._timeouts = collections.Counter(state["timeouts"])

    def restart(self) -> None:
        """Where the student's code runs in a worker: the next call gets a fresh one, holding the
        loaded submission and nothing any call did since. Here: nothing to do."""
        return None

    def rewind(self) -> None:
        """Where the student's code runs in a worker: put a worker in the state the running check
        started from (see grader.sandbox, scripts). Here: nothing to do."""
        return None

    def output_mark(self) -> int | None:
        """Where the student's captured output stands now (None: nothing is captured here)."""
        return None

    def output_since(self, mark: int | None) -> str:
        """What the student's code printed since ``mark``."""
        return ""

    def seed(self, value: int) -> None:
        """Seed the global generators (random, numpy, torch) where the student's code runs."""
        from grader.worker import seed_everything
        seed_everything(value)

    def bindings(self) -> tuple[Binding, ...]:
        return tuple(self._bindings.values())

    def _note(self, name: str, note: str) -> None:
        """Add a note (an alias used, say) to the binding of ``name``, once."""
        old = self._bindings.get(name, Binding(name, name))
        if note not in old.notes:
            self._bindings[name] = Binding(old.name, old.bound_to, old.notes + (note,))

    # --- binding, shared by every implementation --------------------------------------------
    def name_spec(self, name: str) -> NameSpec:
        return self.assignment.names.get(name) or NameSpec(name)

    def _bind(self, name: str) -> str:
        bound = self._bindings[name].bound_to if name in self._bindings else None
        if bound:
            return bound
        try:
            bound = resolve_name(self.name_spec(name), self._defined())
        except MissingName:
            self._bindings[name] = Binding(name, None)
            raise
        notes = (f"`{name}` found under the name `{bound}`",) if bound != name else ()
        self._bindings[name] = Binding(name, bound, notes)
        return bound

    def _plan(self, name: str, method: str | None, student: Signature | None,
              kwargs: Mapping[str, Any]) -> ArgumentPlan:
        key = (name, method, student, tuple(kwargs))
        plan = self._plans.get(key)
        if plan is None:
            label = f"{name}.{method}" if method else name
            plan = self._plans[key] = plan_arguments(label, self._canonical_params(name, method), list(kwargs),
                                                     self.name_spec(name).params, student)
        if plan.notes:
            old = self._bindings.get(name, Binding(name, name))
            new_notes = tuple(n for n in plan.notes if n not in old.notes)
            if new_notes:
                self._bindings[name] = Binding(old.name, old.bound_to, old.notes + new_notes)
        return plan

    def _canonical_params(self, name: str, method: str | None) -> list[str]:
        return list(_canonical_params(self.reference, name, method)) if self.reference else []

    def _resolve(self, kwargs: Mapping[str, Any]) -> dict[str, Any]:
        """Replace Own markers by the student's bound name and instances by their handles (the
        worker resolves both), inside Make markers, lists and tuples too."""
        return {k: self._resolved(v) for k, v in kwargs.items()}

    def _resolved(self, value: Any) -> Any:
        if type(value) in _NOTHING_TO_RESOLVE:
            return value
        if isinstance(value, Own):
            return Own(self._bind(value.name))
        if isinstance(value, Instance):
            return value._handle
        if isinstance(value, Make):
            return Make(value.name, tuple((k, self._resolved(v)) for k, v in value.kwargs))
        if isinstance(value, (list, tuple)) and any(isinstance(v, (Own, Instance, Make)) for v in value):
            return type(value)(self._resolved(v) for v in value)
        return value

    # --- what an implementation provides ---------------------------------------------------
    @abc.abstractmethod
    def _defined(self) -> list[str]:
        """Top-level names the submission defines."""

    @abc.abstractmethod
    def _signature(self, target: Any, method: str | None) -> Signature | None:
        """Signature of top-level ``target`` (a name) or of ``method`` on instance handle ``target``."""

    @abc.abstractmethod
    def _methods(self, handle: Any) -> list[str]:
        """Attribute names of an instance."""

    @abc.abstractmethod
    def _call(self, target: Any, method: str | None, args: list[Any], kwargs: dict[str, Any]) -> Any:
        """Call top-level function ``target`` or ``method`` on instance handle ``target``."""

    @abc.abstractmethod
    def _call_returning_arguments(self, target: Any, args: list[Any], kwargs: dict[str, Any],
                                  method: str | None = None) -> tuple[Any, list[Any], dict[str, Any]]:
        """Call top-level function ``target`` (or ``method`` of the object ``target``); return its
        result and its arguments after the call."""

    @abc.abstractmethod
    def _construct(self, target: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        """Instantiate class ``target``; returns a handle."""

    @abc.abstractmethod
    def _vjp(self, handle: Any, method: str, args: list[Any], kwargs: dict[str, Any], cotangent: Any) -> dict[str, Any]:
        """Vector-Jacobian product of ``method`` on instance ``handle`` (see Instance.vjp)."""

    @abc.abstractmethod
    def _run_harness(self, name: str, kwargs: dict[str, Any]) -> Any:
        """Run trusted helper ``name`` where the student's code runs."""

    @abc.abstractmethod
    def _define(self, values: dict[str, Any]) -> None:
        """Set globals of the student's module."""

    @abc.abstractmethod
    def _getattr(self, handle: Any, attr: str) -> Any: ...

    @abc.abstractmethod
    def _setattr(self, handle: Any, attr: str, value: Any) -> None: ...


class Instance:
    """An object of the student's class. It lives wherever the student's code runs."""

    def __init__(self, submission: Submission, class_name: str, handle: Any):
        self._submission = submission
        self._class_name = class_name
        self._handle = handle

    def __repr__(self) -> str:
        # what a report shows for it: the same on every run (no memory address)
        return f"<a {self._class_name} object of yours>"

    def call(self, method: str, **kwargs: Any) -> Any:
        sub = self._submission
        bound = resolve_method(sub.name_spec(self._class_name), method, sub._methods(self._handle))
        plan = sub._plan(self._class_name, method, sub._signature(self._handle, bound), kwargs)
        args, kw = plan.apply(sub._resolve(kwargs))
        return sub._traced(f"{self._class_name}.{method}", kwargs, sub._call, self._handle, bound, args, kw)

    def invoke(self, *args: Any, label: str | None = None, **shown: Any) -> Any:
        """``obj(*args)``: the object called as a function, as a course calls a transform, a loss or
        a module (its ``__call__``, which :meth:`call` does not look up: it binds the methods the
        assignment names). Positional arguments only; ``shown`` names them for the report when the
        call raises, and ``label`` is how the report writes the call (``GaussianNoise(...)(img)``)."""
        sub = self._submission
        label = label or f"{self._class_name}(...)"
        described = shown or {f"argument {i + 1}": a for i, a in enumerate(args)}
        resolved = [sub._resolved(a) for a in args]
        return sub._traced(label, described, sub._call, self._handle, "__call__", resolved, {})

    def call_keeping_inputs(self, method: str, **kwargs: Any) -> tuple[Any, dict[str, Any]]:
        """:meth:`call`, returning the result and each argument as the call left it (canonical name
        -> value), as :meth:`Submission.call_keeping_inputs` does for a function."""
        sub = self._submission
        bound = resolve_method(sub.name_spec(self._class_name), method, sub._methods(self._handle))
        plan = sub._plan(self._class_name, method, sub._signature(self._handle, bound), kwargs)
        args, kw = plan.apply(sub._resolve(kwargs))
        result, args_after, kw_after = sub._traced(f"{self._class_name}.{method}", kwargs,
                                                   sub._call_returning_arguments, self._handle, args, kw, bound)
        return result, _by_canonical_name(plan, args_after, kw_after)

    def vjp(self, method: str, cotangent: Any, **kwargs: Any) -> dict[str, Any]:
        """Call ``method`` and backpropagate ``cotangent`` from its output, where the object lives.

        Returns ``{"output", "inputs", "parameters"}``: the output, the gradient of each floating
        tensor argument (by canonical name; a tensor inside a tuple argument by its path, ``hc.0``
        and ``hc.1`` for an LSTM's (h, c)), and of each of the module's named parameters.
        ``cotangent`` has the nesting of the output, None where a part is not differentiated.
        """
        sub = self._submission
        bound = resolve_method(sub.name_spec(self._class_name), method, sub._methods(self._handle))
        plan = sub._plan(self._class_name, method, sub._signature(self._handle, bound), kwargs)
        args, kw = plan.apply(sub._resolve(kwargs))
        result = sub._traced(f"{self._class_name}.{method} (backward)", kwargs, sub._vjp,
                             self._handle, bound, args, kw, cotangent)
        renamed = {student: canonical for canonical, student in plan.keywords.items()}
        positional = dict(enumerate(plan.positional))

        def canonical(key: str) -> str:          # "hc.1" (nested in argument hc) keeps its path
            top, dot, rest = key.partition(".")
            name = renamed.get(top, positional.get(int(top), top) if top.isdigit() else top)
            return name + dot + rest
        result["inputs"] = {canonical(k): v for k, v in result["inputs"].items()}
        return result

    def attribute(self, attr: str) -> str:
        """The student's name for canonical attribute ``attr`` (``W_yh`` may be ``W_hy``); raises
        MissingName when neither it nor an alias exists."""
        sub = self._submission
        spec = sub.name_spec(self._class_name)
        found = resolve_attribute(spec, attr, sub._methods(self._handle))
        if found != attr:
            sub._note(self._class_name, f"attribute `{attr}` found as `{found}`")
        return found

    def has(self, attr: str) -> bool:
        try:
            self.attribute(attr)
        except MissingName:
            return False
        return True

    def get(self, attr: str) -> Any:
        sub = self._submission
        name = self.attribute(attr)
        return sub._traced(f"{self._class_name}.{name}", {}, sub._getattr, self._handle, name)

    def set(self, attr: str, value: Any) -> None:
        """Set attribute ``attr``; an existing ``nn.Parameter`` is overwritten in place (it stays a
        parameter of the module, with its dtype), so the grader can load weights into a model."""
        sub = self._submission
        name = self.attribute(attr)
        sub._traced(f"{self._class_name}.{name} = …", {"value": value}, sub._setattr, self._handle, name, value)

    def parameters(self) -> dict[str, Any]:
        """``named_parameters()`` of a torch module, as plain tensors by their dotted names."""
        return self._submission.harness("named_parameters")(model=self)


def _by_canonical_name(plan: ArgumentPlan, args: list[Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    """The arguments of a call as it left them, by the check's (canonical) names."""
    after = dict(zip(plan.positional, args))
    after.update({canonical: kwargs[mine] for canonical, mine in plan.keywords.items() if mine in kwargs})
    return after


def _arrays_copied(value: Any) -> Any:
    """``value`` with its numpy arrays copied (also in lists, tuples and dicts), as a result that
    came over the wire would be: the student's code cannot change what the check already holds."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if type(value) in (list, tuple):
        return type(value)(_arrays_copied(v) for v in value)
    if type(value) is dict:
        return {k: _arrays_copied(v) for k, v in value.items()}
    return value


class LocalSubmission(Submission):
    """Calls a trusted module in this process (the reference, a benchmark baseline)."""

    def __init__(self, assignment: Assignment, module: ModuleType, reference: ModuleType | None = None):
        super().__init__(assignment, reference if reference is not None else module)
        self.module = module

    def _defined(self) -> list[str]:
        return list(vars(self.module))

    def _signature(self, target: Any, method: str | None) -> Signature | None:
        obj = getattr(target, method) if method else getattr(self.module, target)
        return signature_of(obj)

    def _methods(self, handle: Any) -> list[str]:
        return [n for n in dir(handle) if not n.startswith("__")]

    def _unwrap(self, value: Any) -> Any:
        if isinstance(value, Fn):
            return SAFE_FUNCTIONS[value.name]
        if isinstance(value, Own):
            return getattr(self.module, value.name)
        if isinstance(value, Make):
            from grader.harness import build
            return build(value.name, {k: self._unwrap(v) for k, v in value.kwargs})
        if isinstance(value, (list, tuple)):
            return type(value)(self._unwrap(v) for v in value)
        if type(value) is dict:   # a worker gets a copy of a dict too (bn_param, which the call updates)
            return {k: self._unwrap(v) for k, v in value.items()}
        if isinstance(value, np.ndarray):
            return value.copy()   # as a worker gets it: a copy, which the call may change without touching ours
        if type(value).__module__.startswith("torch") and hasattr(value, "detach"):
            return value.detach().clone()   # a tensor too, and without a graph, as one off the wire
        return value

    def _run_harness(self, name: str, kwargs: dict[str, Any]) -> Any:
        from grader.harness import HARNESS
        try:
            return HARNESS[name](**{k: self._unwrap(v) for k, v in kwargs.items()})
        except Exception as exc:
            raise StudentCodeRaised(type(exc).__name__, str(exc), traceback.format_exc()) from exc

    def _define(self, values: dict[str, Any]) -> None:
        vars(self.module).update(values)

    def _call(self, target: Any, method: str | None, args: list[Any], kwargs: dict[str, Any]) -> Any:
        return self._call_returning_arguments(target, args, kwargs, method)[0]

    def _call_returning_arguments(self, target: Any, args: list[Any], kwargs: dict[str, Any],
                                  method: str | None = None) -> tuple[Any, list[Any], dict[str, Any]]:
        fn = getattr(target, method) if method else getattr(self.module, target)
        args, kwargs = list(map(self._unwrap, args)), {k: self._unwrap(v) for k, v in kwargs.items()}
        try:
            return _arrays_copied(fn(*args, **kwargs)), args, kwargs
        except Exception as exc:  # same shape as an exception coming back from a worker
            raise StudentCodeRaised(type(exc).__name__, str(exc), traceback.format_exc()) from exc

    def _construct(self, target: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        return self._call(target, None, args, kwargs)

    def _vjp(self, handle: Any, method: str, args: list[Any], kwargs: dict[str, Any], cotangent: Any) -> dict[str, Any]:
        from grader.worker import vector_jacobian_product
        try:
            return vector_jacobian_product(getattr(handle, method), list(map(self._unwrap, args)),
                                           {k: self._unwrap(v) for k, v in kwargs.items()}, cotangent)
        except Exception as exc:
            raise StudentCodeRaised(type(exc).__name__, str(exc), traceback.format_exc()) from exc

    def _getattr(self, handle: Any, attr: str) -> Any:
        try:
            return getattr(handle, attr)
        except AttributeError as exc:   # same shape as from a worker
            raise StudentCodeRaised(type(exc).__name__, str(exc)) from exc

    def _setattr(self, handle: Any, attr: str, value: Any) -> None:
        from grader.harness import assign
        try:
            assign(handle, attr, value)
        except (AttributeError, TypeError, ValueError, RuntimeError) as exc:
            raise StudentCodeRaised(type(exc).__name__, str(exc)) from exc

