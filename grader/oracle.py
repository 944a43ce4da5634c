"""The reference as a suite sees it: ``ref = reference()`` in a suite module.

A check asks the reference what the right answer is (``ref.convolution_function(image, ...)``).
Most of those answers depend only on the check's drawn inputs, the same for every student, so
they are recorded once with the cases (:mod:`grader.cases`) and looked up when a student's
replay asks the same question again: the class does not compute the reference once per student,
and a student's self-check can be given the answers without the reference's code (the release
bundle).

``reference()`` returns a :class:`Reference`: attribute access reads the reference module, except
that its own functions come back wrapped. While an example is recorded, a wrapped call's answer is
kept under a key made of the function's name and a digest of its arguments; while one is replayed,
the same question gets the kept answer. An answer is kept only when keeping it changes nothing: the
call left its arguments and every global random generator as they were, and its value reads back
equal from the case file (arrays, numbers, strings, tensors without a graph, and tuples, lists and
dicts of those). A question not asked at recording time (its arguments depend on the student's own
data, say their layer's filters) is answered by the reference itself, live, or, where there is no
reference (a student's bundle), raises :class:`ReferenceUnavailable`: that check is then one the
instructor's run decides.
"""

from __future__ import annotations

import contextvars
import copy
import dataclasses
import hashlib
import importlib
import importlib.util
import random
import sys
import types
from typing import Any, Callable, Mapping

import numpy as np


class ReferenceUnavailable(Exception):
    """The check asked the reference a question whose answer was not recorded, and the reference
    is not here (a student's bundle): only the instructor's run can decide this check."""


class Answers:
    """The reference's answers for one example: recorded (``recording``), or looked up."""

    def __init__(self, known: Mapping[str, Any] | None = None, recording: bool = False):
        self.known: dict[str, Any] = dict(known or {})
        self.recording = recording
        self.missed = 0                      # questions answered live (or not at all)


_answers: contextvars.ContextVar[Answers | None] = contextvars.ContextVar("_answers", default=None)


class answering:
    """Context manager: the reference's answers for the example that runs inside it."""

    def __init__(self, answers: Answers | None):
        self.answers = answers

    def __enter__(self) -> Answers | None:
        self._token = _answers.set(self.answers)
        return self.answers

    def __exit__(self, *exc: object) -> None:
        _answers.reset(self._token)


class Reference:
    """The reference module, seen through recorded answers (see the module's docstring).

    ``load`` gives the module, or None where there is none (a student's bundle); ``constants``
    are its plain values recorded for such a place."""

    def __init__(self, load: Callable[[], types.ModuleType | None], constants: dict[str, Any] | None = None,
                 prefix: str = "", keep_generators: bool = False):
        self._load = load
        self._module: types.ModuleType | None = None
        self._loaded = False
        self._wrapped: dict[str, _Function] = {}
        # plain values where the module is not (a bundle's), shared by an assignment's References, by
        # ``prefix`` + name; the prefix also names this module's questions apart from the reference's
        self._constants = constants if constants is not None else {}
        self.prefix = prefix
        # helpers that compute answers (a private module's): run with the global generators put back,
        # as @answer helpers are, so an object they build that draws its own weights changes nothing
        self.keep_generators = keep_generators
        # plain values read, by the checks that read them (None: outside any check, e.g. at import):
        # what a release bundle must carry for its public checks (grader.release)
        self.reads: dict[str, set[str | None]] = {}
        self.which_check: Callable[[], str | None] = lambda: None

    def module(self) -> types.ModuleType | None:
        if not self._loaded:
            self._module, self._loaded = self._load(), True
        return self._module

    def answer(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Decorator for a suite helper that computes the reference's answer from plain data (with a
        reference class, say): its results are recorded and looked up as the reference functions'
        are. It must depend on its arguments only. It runs with the global generators put back as
        they were afterwards, so a reference object that draws its own initial weights changes
        nothing the check does next. Where the reference is not here (a student's bundle), a
        question not recorded reaches the helper, whose use of the reference raises
        :class:`ReferenceUnavailable`."""
        wrapped = _Function(self, f"answer:{self.prefix}{fn.__qualname__}", _keeping_generators(fn))
        self._wrapped[wrapped.name] = wrapped
        return wrapped

    def read_values(self, checks: set[str | None]) -> dict[str, Any]:
        """The plain values read by ``checks`` (None: outside any check), by prefixed name."""
        module = self.module()
        return {self.prefix + name: getattr(module, name) for name, by in sorted(self.reads.items())
                if by & checks and module is not None}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        module = self.module()
        if module is None:
            if self.prefix + name in self._constants:
                return fresh(self._constants[self.prefix + name])
            return self._wrapped.setdefault(name, _Function(self, self.prefix + name, None))
        value = getattr(module, name)
        if isinstance(value, types.FunctionType) and value.__module__ == module.__name__:
            wrapped = self._wrapped.get(name)
            if wrapped is None or wrapped.original is not value:
                fn = _keeping_generators(value) if self.keep_generators else value
                wrapped = self._wrapped[name] = _Function(self, self.prefix + name, fn)
                wrapped.original = value
            return wrapped
        if not isinstance(value, (type, types.ModuleType)) and not callable(value):
            self.reads.setdefault(name, set()).add(self.which_check())
        return value

    def __dir__(self) -> list[str]:
        module = self.module()
        return sorted(set(dir(module)) if module is not None else set(self._constants) | set(self._wrapped))


class _Function:
    """One of the reference's functions: answered from the example's recorded answers when the
    same question was recorded, else computed (and, while recording, kept when it may be)."""

    def __init__(self, owner: Reference, name: str, fn: Callable[..., Any] | None):
        self.owner, self.name, self.fn = owner, name, fn
        self.original = fn            # the module's own function (fn may wrap it)
        self.__name__ = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        answers = _answers.get()
        if answers is None:
            return self._live(args, kwargs)
        key = question(self.name, args, kwargs)
        if key is not None and not answers.recording and key in answers.known:
            return fresh(answers.known[key])
        if not answers.recording or key is None:
            answers.missed += 1
            return self._live(args, kwargs)
        return self._record(answers, key, args, kwargs)

    def _live(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if self.fn is None:
            raise ReferenceUnavailable(
                f"this check needs the reference's {self.name} on values your copy of the grader has no recorded "
                "answer for (values your own code made, such as the filters your layer drew or your weights; the "
                "solution stays with your instructor): your instructor's run grades it")
        return self.fn(*args, **kwargs)

    def _record(self, answers: Answers, key: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        before = _generators()
        value = self._live(args, kwargs)
        if question(self.name, args, kwargs) == key and _generators() == before and not _has_graph(value):
            answers.known[key] = fresh(value)   # grader.cases keeps those it can store and read back equal
        else:
            answers.missed += 1
        return value


_references: dict[tuple[str, str], Reference] = {}   # (assignment folder, prefix) -> its Reference
_provided: dict[str, dict[str, Any]] = {}             # assignment folder -> a bundle's plain values


def provided(assignment: Any) -> dict[str, Any]:
    """The plain values a bundle carries for ``assignment``'s References (grader.release), by
    prefixed name: filled before its suite loads, read by every Reference of it."""
    return _provided.setdefault(str(assignment.root), {})


def reference_of(assignment: Any) -> Reference:
    """The :class:`Reference` of ``assignment`` (one per assignment, shared by its suite's modules)."""
    return _reference(assignment, "", lambda: load_reference(assignment))


def private_of(assignment: Any, stem: str, load: Callable[[], types.ModuleType]) -> Reference:
    """A suite's private module (grader.suite.load_private) seen like the reference: its functions'
    results recorded with the cases; in a student's bundle, where the module is not, answers only."""
    return _reference(assignment, f"{stem}.", load, keep_generators=True)


def references_of(assignment: Any) -> list[Reference]:
    return [r for (root, _), r in _references.items() if root == str(assignment.root)]


def _reference(assignment: Any, prefix: str, load: Callable[[], types.ModuleType], keep_generators: bool = False) -> Reference:
    key = (str(assignment.root), prefix)
    found = _references.get(key)
    if found is None:
        found = _references[key] = Reference(lambda: load() if assignment.release is None else None,
                                             provided(assignment), prefix, keep_generators)   # None: a bundle
    return found


def load_reference(assignment: Any) -> types.ModuleType:
    """The reference module, imported as a package module when it lives in ``reference/``."""
    path = assignment.reference
    if path.parent.name == "reference" and (path.parent / "__init__.py").exists():
        try:
            return importlib.import_module(f"reference.{path.stem}")
        except ImportError:
            pass
    spec = importlib.util.spec_from_file_location(f"grader_reference_{path.stem}", path)
    if spec is None or spec.loader is None:
        from grader.errors import SpecError
        raise SpecError(f"{path}: cannot import the reference")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- a reference known by its signatures only (a student's bundle) ------------------------------------
def signatures(module: types.ModuleType, names: Any) -> dict[str, list[list[Any]]]:
    """The call signatures a submission's bindings ask the reference for (grader.submission): each
    of ``names`` the module defines, and for a class each method its classes in the module define,
    as ``Class.method``. Plain data, so a bundle can carry them without the reference's code."""
    from grader.binding import signature_of
    found: dict[str, list[list[Any]]] = {}
    for name in names:
        obj = getattr(module, name, None)
        sig = signature_of(obj) if obj is not None else None
        if sig is None:
            continue
        found[name] = sig.as_plain()
        if isinstance(obj, type):
            own = {m for c in obj.__mro__ if c.__module__ == module.__name__ for m, v in vars(c).items()
                   if callable(v) and (not m.startswith("_") or m == "__call__")}
            for method in sorted(own | {"forward"} if hasattr(obj, "forward") else own):
                msig = signature_of(getattr(obj, method, None))
                if msig is not None:
                    found[f"{name}.{method}"] = msig.as_plain()
    return found


class _Standin:
    """A function or class of the reference known by its signature only: bindings read it, and
    nothing calls it (calls go through :class:`Reference`)."""

    __grader_standin__ = True

    def __init__(self, name: str, plain: list[list[Any]]):
        import inspect
        self.__name__ = name
        self.__signature__ = inspect.Signature([
            inspect.Parameter(str(n), getattr(inspect.Parameter, str(k)),
                              default=None if d and k not in ("VAR_POSITIONAL", "VAR_KEYWORD") else inspect.Parameter.empty)
            for n, k, d in plain])

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise ReferenceUnavailable(f"the reference's {self.__name__} is not part of your copy of the grader")


def standin_module(name: str, plain: Mapping[str, list[list[Any]]]) -> types.ModuleType:
    """A module whose names have the reference's signatures, from :func:`signatures`."""
    module = types.ModuleType(f"grader_reference_standin_{name}")
    module.__grader_standin__ = True  # type: ignore[attr-defined]
    for key, rows in sorted(plain.items(), key=lambda kv: kv[0].count(".")):
        owner, _, method = key.partition(".")
        if method:
            if hasattr(module, owner):
                setattr(getattr(module, owner), method, _Standin(key, rows))
        else:
            setattr(module, key, _Standin(key, rows))
    return module


# --- questions: a function's name and a digest of its arguments --------------------------------------
def question(name: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> str | None:
    """``name:digest`` of a call, or None when an argument is not plain data (then it is never
    recorded, and always computed)."""
    h = hashlib.blake2b(digest_size=16)
    try:
        _digest(h, args)
        _digest(h, dict(kwargs))
    except _NotPlain:
        return None
    return f"{name}:{h.hexdigest()}"


class _NotPlain(Exception):
    pass


_SCALARS = frozenset({type(None), bool, int, float, complex, str, bytes})


def _digest(h: Any, value: Any) -> None:
    kind = type(value)
    if kind in _SCALARS:
        h.update(f"{kind.__name__}:{value!r};".encode())
    elif isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)
        if array.dtype.hasobject:
            raise _NotPlain
        h.update(f"nd:{array.dtype.str}:{array.shape};".encode())
        h.update(np.ascontiguousarray(array))   # its bytes in C order, read in place
    elif kind in (tuple, list):
        h.update(f"{kind.__name__}:{len(value)}(".encode())
        for item in value:
            _digest(h, item)
        h.update(b")")
    elif kind is dict:
        h.update(f"dict:{len(value)}(".encode())
        for k, v in value.items():
            _digest(h, k)
            _digest(h, v)
        h.update(b")")
    elif isinstance(value, _Function):
        h.update(f"ref:{value.name};".encode())
    elif _is_tensor(value):
        if value.is_sparse or value.device.type != "cpu":
            raise _NotPlain
        h.update(f"tensor:{value.dtype}:{tuple(value.shape)}:{value.requires_grad};".encode())
        h.update(np.ascontiguousarray(value.detach().numpy()).tobytes())
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        h.update(f"dc:{kind.__module__}.{kind.__qualname__}(".encode())
        for f in dataclasses.fields(value):
            _digest(h, f.name)
            _digest(h, getattr(value, f.name))
        h.update(b")")
    else:
        from grader.boundary import SAFE_FUNCTIONS
        named = next((n for n, f in SAFE_FUNCTIONS.items() if f is value), None)
        if named is None:
            raise _NotPlain
        h.update(f"fn:{named};".encode())


def fresh(value: Any) -> Any:
    """A copy of a recorded value for one example's body to use (and change) as it likes."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, (int, float, str)):   # their subclasses
        return value
    if kind is tuple:
        return tuple([fresh(v) for v in value])
    if kind is list:
        return [fresh(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        copied = copy.copy(value)
        for f in dataclasses.fields(value):
            object.__setattr__(copied, f.name, fresh(getattr(value, f.name)))
        return copied
    return copy.deepcopy(value)


def _has_graph(value: Any) -> bool:
    """Whether ``value`` holds a tensor that requires grad: a recorded copy would not be part of
    the autograd graph the check may backpropagate through."""
    if _is_tensor(value):
        return bool(value.requires_grad)
    if type(value) in (tuple, list):
        return any(_has_graph(v) for v in value)
    if type(value) is dict:
        return any(_has_graph(v) for v in value.values())
    return False


def _keeping_generators(fn: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        state, legacy = random.getstate(), np.random.get_state()
        torch = sys.modules.get("torch")
        torch_state = torch.random.get_rng_state() if torch is not None else None
        try:
            return fn(*args, **kwargs)
        finally:
            random.setstate(state)
            np.random.set_state(legacy)
            if torch is not None and torch_state is not None:
                torch.random.set_rng_state(torch_state)
    call.__qualname__ = call.__name__ = fn.__name__
    return call


def _generators() -> tuple[Any, ...]:
    """The state of every global generator the reference could draw from, to compare."""
    legacy: Any = np.random.get_state(legacy=True)
    states: list[Any] = [random.getstate(), legacy[0], legacy[1].tobytes(), legacy[2:]]
    torch = sys.modules.get("torch")
    if torch is not None:
        states.append(torch.random.get_rng_state().numpy().tobytes())
    return tuple(states)


def _is_tensor(value: Any) -> bool:
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(value, torch.Tensor)
