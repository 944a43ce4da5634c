"""Recorded cases: every hypothesis check's inputs, drawn once per assignment version and replayed
for every student.

A check's inputs depend only on its seed (``seed_for(check id)``), so hypothesis draws the same
examples, in the same order, for every student who passes them. Drawing them is most of what a
check costs; :func:`record` draws them once, on the reference in this (trusted) process, and
:func:`ensure` keeps them in a case file next to the assignment, named by a key of everything the
draws depend on (the assignment's spec, suite, reference, the grader and the versions of python,
numpy, torch and hypothesis: :func:`grader.journal.grading_digest`). A stale file is never read:
its key differs, and the cases are recorded again.

Grading a student then calls the check's body on each recorded example in order
(:func:`replay`), under the per-example PRNG seeding hypothesis applies. A student who passes them
all has passed exactly the examples hypothesis would have drawn. At the first example that fails,
the check runs live, seeded as always, so the failure reported is hypothesis's shrunk, smallest one
(:func:`grader.checks.run_check`). Examples the check rejected with ``assume`` are recorded as
such and replayed too, so the student's code sees the same sequence of calls as under hypothesis.

The file is an ``.npz`` read with ``allow_pickle=False``: arrays are stored as arrays, everything
else as JSON with tagged nodes (tuples, non-finite floats, numpy scalars, torch tensors, and
dataclasses of the suite's own modules). A value that is none of these leaves its check live, with
the reason in :attr:`Recorded.live`; ``grader record`` prints them.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import math
import os
import random
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterator, Mapping, Sequence

import numpy as np

from grader.oracle import Answers, answering, fresh
from grader.spec import Assignment

FORMAT = "grader-cases/3"
FOLDER = ".cases"            # in the assignment's folder (git-ignored)
_FLOAT_TAGS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


class NotRecordable(Exception):
    """A drawn value the case file cannot hold; its check is graded live."""


@dataclass(frozen=True)
class Example:
    kwargs: Mapping[str, Any]     # the keyword arguments hypothesis passed the check's body
    valid: bool = True            # False: the body rejected it with ``assume`` on the reference
    # the reference's answers to the questions the body asked it on this example (grader.oracle):
    # question (function name and argument digest) -> value
    answers: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Recorded:
    """The recorded cases of one assignment version."""

    key: str
    cases: dict[str, tuple[Example, ...]] = field(default_factory=dict)    # check id -> examples, in order
    live: dict[str, str] = field(default_factory=dict)                     # check id -> why it runs live
    sha256: str = ""
    path: Path | None = None
    seconds: float = 0.0
    # A release bundle's file also carries what stands in for the reference (grader.release): its
    # call signatures (grader.oracle.signatures) and the plain values its public checks read.
    signatures: dict[str, list[list[Any]]] = field(default_factory=dict)
    constants: dict[str, Any] = field(default_factory=dict)

    def for_check(self, check_id: str) -> tuple[Example, ...] | None:
        return self.cases.get(check_id)

    @property
    def examples(self) -> int:
        return sum(len(v) for v in self.cases.values())


# --- the key ------------------------------------------------------------------------------------------
def cases_key(assignment: Assignment) -> str:
    from grader.journal import environment, grading_digest
    parts = {"format": FORMAT, "id": assignment.id, "version": assignment.version,
             **grading_digest(assignment), **environment()}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:24]


def case_file(assignment: Assignment, key: str | None = None) -> Path:
    return assignment.root / FOLDER / f"{assignment.id}-{key or cases_key(assignment)}.npz"


# --- recording ----------------------------------------------------------------------------------------
def is_replayable(fn: Callable[..., Any]) -> bool:
    return bool(getattr(fn, "is_hypothesis_test", False)) and hasattr(getattr(fn, "hypothesis", None), "inner_test")


def record(assignment: Assignment, functions: Mapping[str, Callable[..., Any]], reference: ModuleType,
           key: str | None = None) -> Recorded:
    """Draw every hypothesis check's examples on the reference, in this process. A check that is not
    a hypothesis test is recorded as one example without inputs: the reference's answers to what it
    asks."""
    from grader.submission import LocalSubmission
    from grader.suite import running_check, seed_for

    started = time.perf_counter()
    recorded = Recorded(key or cases_key(assignment))
    for check in assignment.checks:
        fn: Any = functions[check.id]
        local = LocalSubmission(assignment, reference, reference=reference)
        if not is_replayable(fn):
            answers = Answers(recording=True)
            try:
                local.seed(seed_for(check.id))
                with running_check(assignment, check), answering(answers):
                    fn(local)
            except Exception as exc:  # noqa: BLE001 - the author's to see; the check runs as it is
                recorded.live[check.id] = f"it fails on the reference ({type(exc).__name__})"
                continue
            recorded.cases[check.id] = (Example({}, True, {q: v for q, v in answers.known.items() if _storable(v)}),)
            continue
        try:
            local.seed(seed_for(check.id))
            with running_check(assignment, check):
                drawn = _draw(fn, local)
        except Exception as exc:  # noqa: BLE001 - a check the reference fails is the author's to see, not ours
            recorded.live[check.id] = f"it fails on the reference ({type(exc).__name__})"
            continue
        try:
            for example in drawn:
                if not _same(decode_tree(*encode_tree(example.kwargs)), example.kwargs):
                    raise NotRecordable("a drawn value does not read back equal to itself")
        except (NotRecordable, TypeError, ValueError) as exc:
            recorded.live[check.id] = f"its inputs cannot be recorded: {exc}"
            continue
        # What replay does for a student must pass on the reference (a body that needs hypothesis
        # around it, for note() or target(), say, does not): else the check stays live.
        # It also records the reference's answers to the questions the body asks on each example.
        answered: list[Example] = []
        try:
            local.seed(seed_for(check.id))
            with running_check(assignment, check):
                replay(fn, local, drawn, answered=answered)
        except Exception as exc:  # noqa: BLE001
            recorded.live[check.id] = f"its body does not run outside hypothesis ({type(exc).__name__}: {exc})"[:300]
            continue
        recorded.cases[check.id] = tuple(answered)
    recorded.seconds = time.perf_counter() - started
    return recorded


def _draw(fn: Any, submission: Any) -> list[Example]:
    """Run the hypothesis check ``fn`` on ``submission``, keeping a copy of the arguments of every
    example hypothesis passes its body, in order."""
    drawn: list[Example] = []
    inner = fn.hypothesis.inner_test

    def recorder(*args: Any, **kwargs: Any) -> Any:
        # hypothesis passes the check's first parameter (the submission) by its name, with the rest
        kept = copy.deepcopy({k: v for k, v in kwargs.items() if v is not submission})
        try:
            outcome = inner(*args, **kwargs)
        except _unsatisfied():
            drawn.append(Example(kept, valid=False))
            raise
        drawn.append(Example(kept))
        return outcome

    fn.hypothesis.inner_test = recorder
    try:
        fn(submission)
    finally:
        fn.hypothesis.inner_test = inner
    return drawn


def _unsatisfied() -> type[BaseException]:
    from hypothesis.errors import UnsatisfiedAssumption
    return UnsatisfiedAssumption


# --- replay -------------------------------------------------------------------------------------------
class Diverged(Exception):
    """A recorded example that the check accepted or rejected differently than on the reference:
    its ``assume`` depends on the student's answers, so only the live engine grades it faithfully."""


def replay(fn: Any, submission: Any, examples: Sequence[Example], answered: list[Example] | None = None) -> None:
    """Run the check's body on each recorded example in order, as hypothesis runs it (global
    ``random``/numpy seeding per example), with the reference's recorded answers at hand
    (:mod:`grader.oracle`). Raises what the body raises at the first failure, or
    :class:`Diverged`. ``answered``: record the reference's answers instead, and append each
    example with them."""
    from hypothesis.internal.entropy import deterministic_PRNG

    if not is_replayable(fn):   # a plain check: run as it runs live, with the reference's answers at hand
        for example in examples:
            with answering(Answers(example.answers)):
                fn(submission)
        return
    inner = fn.hypothesis.inner_test
    unsatisfied = _unsatisfied()
    # The generators' states are saved once and restored at the end (deterministic_PRNG); each
    # example starts from the state hypothesis gives it, seed 0 (_reseed: the same, set directly).
    with deterministic_PRNG(), warnings.catch_warnings():
        # assume() outside hypothesis's own run still works, with a deprecation warning; were it
        # to stop working, the trial replay on the reference would fail and the check stay live
        warnings.filterwarnings("ignore", message="Using `assume` outside")
        generators = _managed()
        for example in examples:
            kwargs = {k: _fresh(v) for k, v in example.kwargs.items()}
            answers = Answers(recording=True) if answered is not None else Answers(example.answers)
            _reseed(generators)
            try:
                with answering(answers):
                    inner(submission, **kwargs)
            except unsatisfied:
                if example.valid:
                    raise Diverged("a recorded example was rejected") from None
                if answered is not None:
                    answered.append(dataclasses.replace(example, answers={}))
                continue
            if not example.valid:
                raise Diverged("an example rejected on the reference was accepted")
            if answered is not None:
                answered.append(dataclasses.replace(example, answers={q: v for q, v in answers.known.items()
                                                                      if _storable(v)}))


_SEEDED_STATE = random.Random(0).getstate()


def _managed() -> list[Any]:
    """The generators hypothesis seeds before each example it runs: ``random``, numpy's global
    generator and any registered with ``register_random``."""
    from hypothesis.internal.entropy import RANDOMS_TO_MANAGE
    return list(RANDOMS_TO_MANAGE.values())


def _reseed(generators: list[Any]) -> None:
    """Seed ``generators`` with 0, as hypothesis does before each example."""
    for generator in generators:
        if type(generator) is random.Random:
            generator.setstate(_SEEDED_STATE)
        else:
            generator.seed(0)


_fresh = fresh


# --- the file -----------------------------------------------------------------------------------------
def ensure(assignment: Assignment, functions: Mapping[str, Callable[..., Any]], reference: ModuleType,
           *, force: bool = False) -> Recorded:
    """The assignment's recorded cases: read from its case file when the key matches, else recorded
    now and written there (atomically; where the folder cannot be written, kept in memory only)."""
    key = cases_key(assignment)
    path = case_file(assignment, key)
    if not force:
        found = load(path, key)
        if found is not None:
            return found
    recorded = record(assignment, functions, reference, key)
    try:
        save(recorded, path)
        for old in path.parent.glob(f"{assignment.id}-*.npz"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass
    return recorded


def available(assignment: Assignment, functions: Mapping[str, Callable[..., Any]],
              reference: ModuleType) -> Recorded | None:
    """:func:`ensure`, or None (every check live) when the cases can be neither read nor recorded:
    that costs time, never a verdict, so it is said on stderr and grading goes on."""
    try:
        return ensure(assignment, functions, reference)
    except Exception as exc:  # noqa: BLE001 - recording is an optimisation
        print(f"grader: the recorded cases of {assignment.id} could not be read or recorded "
              f"({type(exc).__name__}: {exc}); every check draws its inputs live", file=sys.stderr)
        return None


def load_release_cases(assignment: Assignment, *, constants_only: bool = False) -> Recorded:
    """A release bundle's recorded cases (grader.release), whatever key they were recorded under."""
    from grader.errors import SpecError
    release = assignment.release
    found = load(release.cases, None, constants_only=constants_only) if release is not None else None
    if found is None:
        raise SpecError(f"{release.cases if release else assignment.root}: the recorded cases of this copy of "
                        f"{assignment.id} cannot be read (altered, or from another version of the grader)")
    return found


def save(recorded: Recorded, path: Path) -> None:
    arrays: list[np.ndarray] = []
    checks = {cid: [{"valid": e.valid, "kwargs": _encode(dict(e.kwargs), arrays),
                     "answers": {q: _encode(v, arrays) for q, v in e.answers.items()}} for e in examples]
              for cid, examples in recorded.cases.items()}
    constants = {name: _encode(v, arrays) for name, v in recorded.constants.items()}
    index, blob = _pack(arrays)
    recorded.sha256 = _content_hash([checks, recorded.signatures, constants, index], blob)
    manifest = {"format": FORMAT, "key": recorded.key, "sha256": recorded.sha256, "checks": checks,
                "live": recorded.live, "seconds": round(recorded.seconds, 3),
                "signatures": recorded.signatures, "constants": constants, "arrays": index}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".writing-", suffix=".npz", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, manifest=np.array(json.dumps(manifest, sort_keys=True, allow_nan=False)), blob=blob)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    recorded.path = path


def load(path: Path, key: str | None, *, constants_only: bool = False) -> Recorded | None:
    """The cases in ``path``; None when it is missing, of another key or format, or altered.
    ``key`` None: whatever key the file has (a release bundle's, recorded where the reference is).
    ``constants_only``: the reference's plain values only, which a suite module may read as it
    loads (before the suite's own classes, which the cases hold, exist)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            manifest = json.loads(str(data["manifest"][()]))
            blob = data["blob"]
    except (OSError, ValueError, KeyError):
        return None
    if (not isinstance(manifest, dict) or manifest.get("format") != FORMAT or blob.dtype != np.uint8
            or blob.ndim != 1 or (key is not None and manifest.get("key") != key)):
        return None
    checks, signatures, constants = manifest.get("checks", {}), manifest.get("signatures", {}), manifest.get("constants", {})
    index = manifest.get("arrays", [])
    if _content_hash([checks, signatures, constants, index], blob) != manifest.get("sha256"):
        return None
    try:
        arrays = _unpack(index, blob)
        if constants_only:
            checks = {}
        cases = {cid: tuple(Example(_decode(e["kwargs"], arrays), bool(e["valid"]),
                                    {str(q): _decode(v, arrays) for q, v in e["answers"].items()})
                            for e in examples)
                 for cid, examples in checks.items()}
        values = {str(name): _decode(v, arrays) for name, v in constants.items()}
    except (NotRecordable, KeyError, TypeError, ValueError, IndexError):
        return None
    return Recorded(str(manifest["key"]), cases, dict(manifest.get("live", {})), manifest["sha256"], path,
                    float(manifest.get("seconds", 0.0)), dict(signatures), values)


# The recorded arrays travel in one byte string, each at a multiple of this from its start: one
# read for all of them, where an archive member per array took ~50 us each to find and parse
# (1,500 arrays for cnn-numpy: 70 ms of every grading process's start).
_ALIGN = 64


def _pack(arrays: Sequence[np.ndarray]) -> tuple[list[list[Any]], np.ndarray]:
    """Each array's [dtype, shape, offset] and the bytes of all of them, ``_ALIGN``-aligned."""
    index: list[list[Any]] = []
    parts: list[bytes] = []
    offset = 0
    for a in arrays:
        raw = np.ascontiguousarray(a).tobytes()
        index.append([a.dtype.str, list(a.shape), offset])
        padding = -len(raw) % _ALIGN
        parts += [raw, bytes(padding)]
        offset += len(raw) + padding
    return index, np.frombuffer(b"".join(parts), dtype=np.uint8)


def _unpack(index: Any, blob: np.ndarray) -> list[np.ndarray]:
    """The arrays of :func:`_pack`, as read-only views of ``blob`` (decoding copies them). Raises
    ValueError on an entry that is not a plain numeric array inside ``blob``."""
    if not isinstance(index, list):
        raise ValueError("no array index")
    arrays = []
    for entry in index:
        if not (isinstance(entry, list) and len(entry) == 3 and isinstance(entry[0], str) and isinstance(entry[1], list)
                and all(type(n) is int and n >= 0 for n in entry[1]) and type(entry[2]) is int and entry[2] >= 0):
            raise ValueError("a malformed array entry")
        dtype = np.dtype(entry[0])
        if dtype.hasobject or dtype.kind not in "biufc":
            raise ValueError(f"an array of dtype {dtype}")
        count = math.prod(entry[1])
        if entry[2] + count * dtype.itemsize > blob.size:
            raise ValueError("an array past the end of the file")
        array = np.frombuffer(blob, dtype=dtype, count=count, offset=entry[2]).reshape(entry[1])
        array.flags.writeable = False
        arrays.append(array)
    return arrays


# --- scripts: the requests a replay that passed sends, recorded with the cases -----------------------
# Each check's requests to the worker as a replay of the reference, graded like a submission, sent
# them (grader.sandbox: scripts). A grading process starts with them, so its first submission's
# requests go ahead of need like every later one's; without them only a submission graded after one
# that passed the same check got that. A script only ever goes ahead of a check that asks for exactly
# its requests, in order: one that does not apply costs time, never a verdict.
SCRIPTS_FORMAT = "grader-scripts/1"
MAX_SCRIPT_BYTES = 256 * 1024 * 1024


def scripts_file(assignment: Assignment, key: str) -> Path:
    return assignment.root / FOLDER / f"{assignment.id}-{key}.scripts"


def save_scripts(scripts: Mapping[str, Sequence[Sequence[bytes]]], path: Path) -> None:
    """Write ``scripts`` (check id -> kinds, each a list of requests) at ``path``, atomically, and
    remove the scripts of the assignment's other versions."""
    index: list[str] = []
    named: dict[str, Any] = {}
    for cid, kinds in sorted(scripts.items()):
        for kind in kinds:
            named[f"d{len(index)}"] = np.frombuffer(b"".join(kind), dtype=np.uint8)
            named[f"n{len(index)}"] = np.array([len(m) for m in kind], dtype=np.int64)
            index.append(cid)
    named["manifest"] = np.array(json.dumps({"format": SCRIPTS_FORMAT, "checks": index}))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".writing-", suffix=".scripts", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **named)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    assignment_id = path.name[:path.name.rindex("-")]   # <id>-<key>.scripts; a key has no dash
    for old in path.parent.glob(f"{assignment_id}-*.scripts"):
        if old != path:
            old.unlink(missing_ok=True)


def load_scripts(path: Path) -> dict[str, list[list[bytes]]] | None:
    """The scripts at ``path``; None when there is no such file or it cannot be read as one."""
    try:
        with np.load(path, allow_pickle=False) as data:
            manifest = json.loads(str(data["manifest"][()]))
            if not isinstance(manifest, dict) or manifest.get("format") != SCRIPTS_FORMAT:
                return None
            checks = manifest["checks"]
            scripts: dict[str, list[list[bytes]]] = {}
            total = 0
            for i, cid in enumerate(checks):
                raw, sizes = data[f"d{i}"], data[f"n{i}"]
                total += raw.size
                if (not isinstance(cid, str) or raw.dtype != np.uint8 or sizes.dtype != np.int64 or raw.ndim != 1
                        or sizes.ndim != 1 or (sizes < 0).any() or int(sizes.sum()) != raw.size or total > MAX_SCRIPT_BYTES):
                    return None
                blob, ends = raw.tobytes(), np.cumsum(sizes)
                scripts.setdefault(cid, []).append([blob[int(e - n):int(e)] for e, n in zip(ends, sizes)])
            return scripts
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _content_hash(parts: Any, blob: np.ndarray) -> str:
    h = hashlib.sha256(json.dumps(parts, sort_keys=True, allow_nan=False).encode())
    h.update(np.ascontiguousarray(blob).data)
    return h.hexdigest()


# --- the codec: plain JSON with tagged nodes, arrays kept aside ----------------------------------------
def encode_tree(value: Any) -> tuple[Any, list[np.ndarray]]:
    arrays: list[np.ndarray] = []
    return _encode(value, arrays), arrays


def decode_tree(tree: Any, arrays: Sequence[np.ndarray]) -> Any:
    return _decode(tree, arrays)


def _encode(value: Any, arrays: list[np.ndarray]) -> Any:
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int) and type(value) is int:
        return value
    if type(value) is float:
        if math.isfinite(value):
            return value
        return {"$float": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject or value.dtype.kind not in "biufc":
            raise NotRecordable(f"an array of dtype {value.dtype}")
        arrays.append(np.array(value, copy=True))
        return {"$array": len(arrays) - 1}
    if isinstance(value, np.generic):
        return {"$scalar": _encode(np.asarray(value), arrays)}
    if type(value) in (list, tuple):
        items = [_encode(v, arrays) for v in value]
        return items if type(value) is list else {"$tuple": items}
    if type(value) is dict:
        return {"$dict": [[_encode(k, arrays), _encode(v, arrays)] for k, v in value.items()]}
    if _is_tensor(value):
        if value.is_sparse or value.device.type != "cpu":
            raise NotRecordable("a sparse or non-CPU tensor")
        return {"$tensor": _encode(value.detach().numpy().copy(), arrays), "grad": bool(value.requires_grad)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        if _class_at(cls.__module__, cls.__qualname__) is not cls:
            raise NotRecordable(f"a {cls.__qualname__} that cannot be found again by its name")
        return {"$dataclass": f"{cls.__module__}:{cls.__qualname__}",
                "fields": {f.name: _encode(getattr(value, f.name), arrays) for f in dataclasses.fields(value)}}
    raise NotRecordable(f"a value of type {type(value).__qualname__}")


def _decode(tree: Any, arrays: Sequence[np.ndarray]) -> Any:
    if tree is None or isinstance(tree, (bool, int, float, str)):
        return tree
    if isinstance(tree, list):
        return [_decode(v, arrays) for v in tree]
    if not isinstance(tree, dict) or len(tree) not in (1, 2):
        raise NotRecordable("a malformed node")
    if "$float" in tree:
        return _FLOAT_TAGS[tree["$float"]]
    if "$array" in tree:
        return np.array(arrays[int(tree["$array"])], copy=True)
    if "$scalar" in tree:
        return _decode(tree["$scalar"], arrays)[()]
    if "$tuple" in tree:
        return tuple(_decode(v, arrays) for v in tree["$tuple"])
    if "$dict" in tree:
        return {_decode(k, arrays): _decode(v, arrays) for k, v in tree["$dict"]}
    if "$tensor" in tree:
        import torch
        tensor = torch.from_numpy(_decode(tree["$tensor"], arrays))
        return tensor.requires_grad_(True) if tree.get("grad") else tensor
    if "$dataclass" in tree:
        module, _, qualname = str(tree["$dataclass"]).partition(":")
        cls: Any = _class_at(module, qualname)
        if not isinstance(cls, type) or not dataclasses.is_dataclass(cls):
            raise NotRecordable(f"no dataclass {tree['$dataclass']} is loaded")
        value: Any = object.__new__(cls)
        names = {f.name for f in dataclasses.fields(cls)}
        fields = tree.get("fields", {})
        if set(fields) != names:
            raise NotRecordable(f"{qualname} has other fields now")
        for name, encoded in fields.items():
            object.__setattr__(value, name, _decode(encoded, arrays))
        return value
    raise NotRecordable("an unknown node")


def _storable(value: Any) -> bool:
    """Whether ``value`` can be kept in the case file and read back equal."""
    arrays: list[np.ndarray] = []
    try:
        return _same(_decode(_encode(value, arrays), arrays), value)
    except (NotRecordable, TypeError, ValueError):
        return False


def _class_at(module: str, qualname: str) -> Any:
    """The class ``module:qualname`` if that module is loaded, and only from the suite's own modules
    (and the grader's): a case file never makes the grader import anything."""
    if not (module.startswith("grader_suite") or module.startswith("grader.")):
        return None
    found: Any = sys.modules.get(module)
    for part in qualname.split("."):
        found = getattr(found, part, None)
    return found if isinstance(found, type) else None


def _is_tensor(value: Any) -> bool:
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(value, torch.Tensor)


def _same(a: Any, b: Any) -> bool:
    """Deep equality that holds for arrays (dtype, shape and values, nan equal to nan)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if isinstance(a, np.generic):
        return _same(np.asarray(a), np.asarray(b))
    if _is_tensor(a):
        return a.requires_grad == b.requires_grad and _same(a.detach().numpy(), b.detach().numpy())
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if dataclasses.is_dataclass(a):
        return all(_same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def summary(recorded: Recorded) -> Iterator[str]:
    yield (f"{len(recorded.cases)} checks recorded ({recorded.examples} examples) in {recorded.seconds:.1f} s"
           + (f": {recorded.path}" if recorded.path else " (kept in memory: the folder cannot be written)"))
    if recorded.sha256:
        yield f"sha256 {recorded.sha256}"
    for cid, why in sorted(recorded.live.items()):
        yield f"live: {cid}: {why}"
