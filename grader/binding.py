"""Match the names and arguments an exercise needs with what the student actually wrote.

Students name things their own way (``conv2d`` for ``convolution_function``, ``kernel`` for
``filter``). Bindings try the canonical name, then the aliases in assignment.toml, and say which
one they used; arguments go by keyword where the student's parameter can be found by name or alias,
otherwise by position, and every such guess becomes a note in the report.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from grader.errors import MissingName, StudentError
if TYPE_CHECKING:   # the worker imports this module; the spec stays on the trusted side
    from grader.spec import NameSpec


@dataclass(frozen=True)
class Param:
    name: str
    kind: str          # inspect.Parameter kind name, e.g. "POSITIONAL_OR_KEYWORD"
    has_default: bool


@dataclass(frozen=True)
class Signature:
    params: tuple[Param, ...]

    @property
    def accepts_var_keyword(self) -> bool:
        return any(p.kind == "VAR_KEYWORD" for p in self.params)

    @property
    def positional(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.kind in ("POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD"))

    def as_plain(self) -> list[list[Any]]:
        return [[p.name, p.kind, p.has_default] for p in self.params]

    @classmethod
    def from_plain(cls, rows: Sequence[Sequence[Any]]) -> "Signature":
        return cls(tuple(Param(str(n), str(k), bool(d)) for n, k, d in rows))


def signature_of(obj: Any) -> Signature | None:
    """The call signature of a function, bound method or class (its ``__init__``); None if unknown."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    return Signature(tuple(Param(p.name, p.kind.name, p.default is not inspect.Parameter.empty)
                           for p in sig.parameters.values()))


def resolve_name(spec: NameSpec, defined: Sequence[str]) -> str:
    """The student's name for ``spec``: the canonical one if defined, else the first alias found."""
    for candidate in (spec.name, *spec.aliases):
        if candidate in defined:
            return candidate
    raise MissingName(spec.name, spec.aliases)


def resolve_method(spec: NameSpec, method: str, defined: Sequence[str]) -> str:
    for candidate in (method, *spec.methods.get(method, ())):
        if candidate in defined:
            return candidate
    raise MissingName(f"{spec.name}.{method}", tuple(f"{spec.name}.{a}" for a in spec.methods.get(method, ())))


def resolve_attribute(spec: NameSpec, attr: str, defined: Sequence[str]) -> str:
    """The student's name for attribute ``attr`` of an object of ``spec``'s class."""
    for candidate in (attr, *spec.attributes.get(attr, ())):
        if candidate in defined:
            return candidate
    raise MissingName(f"{spec.name}.{attr}", tuple(f"{spec.name}.{a}" for a in spec.attributes.get(attr, ())))


@dataclass(frozen=True)
class ArgumentPlan:
    """How canonical keyword arguments become a call on the student's signature."""

    positional: tuple[str, ...]          # canonical names passed positionally, in order
    keywords: Mapping[str, str]          # canonical name -> the student's parameter name
    notes: tuple[str, ...]

    def apply(self, kwargs: Mapping[str, Any]) -> tuple[list[Any], dict[str, Any]]:
        args = [kwargs[name] for name in self.positional]
        return args, {self.keywords[k]: v for k, v in kwargs.items() if k in self.keywords}


def plan_arguments(function: str, canonical: Sequence[str], given: Sequence[str],
                   aliases: Mapping[str, tuple[str, ...]], student: Signature | None) -> ArgumentPlan:
    """Map the canonical argument names a check passes (``given``) onto the student's parameters.

    ``canonical`` is the reference's parameter order, used when a parameter can only be matched by
    position. Raises StudentError when an argument has nowhere to go.
    """
    if student is None:   # builtins and C functions: trust the canonical names
        return ArgumentPlan((), {g: g for g in given}, ())
    names = {p.name: p for p in student.params}
    claimed: dict[str, str] = {}
    notes: list[str] = []
    unmatched: list[str] = []
    for arg in given:
        match = next((c for c in (arg, *aliases.get(arg, ())) if c in names and c not in claimed.values()), None)
        if match is None:
            unmatched.append(arg)
            continue
        claimed[arg] = match
        if match != arg:
            notes.append(f"argument `{arg}` of `{function}` passed as your `{match}`")
    order = list(canonical) or list(given)
    positional_slots = student.positional
    for arg in unmatched:
        index = order.index(arg) if arg in order else -1
        slot = positional_slots[index] if 0 <= index < len(positional_slots) else None
        if slot is not None and slot.name not in claimed.values():
            claimed[arg] = slot.name
            notes.append(f"argument `{arg}` of `{function}` passed as your `{slot.name}` (by position)")
        elif student.accepts_var_keyword:
            claimed[arg] = arg
        else:
            have = ", ".join(p.name for p in student.params) or "none"
            raise StudentError(f"`{function}` has no parameter for `{arg}` (your parameters: {have}). "
                               f"Use the signature given in the starter notebook.")
    positional_only = [arg for arg, name in claimed.items() if names.get(name) and names[name].kind == "POSITIONAL_ONLY"]
    positional_only.sort(key=lambda a: [p.name for p in student.params].index(claimed[a]))
    keywords = {a: n for a, n in claimed.items() if a not in positional_only}
    return ArgumentPlan(tuple(positional_only), keywords, tuple(notes))
