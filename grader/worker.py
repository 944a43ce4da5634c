"""The worker: the only place the student's code runs.

It is forked from the zygote with its limits already in force (see :mod:`grader.zygote`), loads
the submission's code units into a fresh module, then answers requests over its socket until the
grader closes it. Replies carry plain data only; objects that cannot travel stay here in
``handles``. Whatever the student's code prints is captured, capped, and sent back with each reply.
"""

from __future__ import annotations

import builtins
import gc
import importlib.abc
import io
import os
import signal
import socket
import sys
import sysconfig
import time
import traceback
import types
from typing import Any, Sequence

from grader import devices, harness, wire
from grader.binding import signature_of
from grader.boundary import SAFE_FUNCTIONS

# Trusted code the student must not import: the reference answers and the suites.
_HIDDEN_PACKAGES = ("reference", "tests", "grader_suite_")


class _HiddenImports(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Any, target: Any = None) -> None:
        if fullname.split(".")[0] in _HIDDEN_PACKAGES or fullname.startswith("grader_suite_"):
            raise ImportError(f"No module named {fullname!r}")
        return None


class _CappedText(io.TextIOBase):
    """A stdout/stderr that keeps the first ``limit`` characters and counts the rest."""

    def __init__(self, limit: int):
        self.limit = limit
        self.parts: list[str] = []
        self.kept = 0
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        room = self.limit - self.kept
        if room > 0:
            self.parts.append(text[:room])
            self.kept += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def take(self) -> str:
        text = "".join(self.parts)
        if self.dropped:
            text += f"\n[… {self.dropped} more characters of output not kept]"
        self.parts, self.kept, self.dropped = [], 0, 0
        return text


class Worker:
    def __init__(self, sock: socket.socket, output_limit: int):
        self.sock = sock
        self.reader = wire.Reader(sock, fds=True)
        self.module = types.ModuleType("submission")
        self.module.__dict__["__builtins__"] = builtins
        self.handles: dict[int, Any] = {}
        self._numbers: dict[int, int] = {}   # id(obj) -> its handle
        self._new: list[int] = []            # handles kept while answering the current request
        self._types: dict[int, int] = {}     # id(class) -> its number, in the order classes were seen
        self._seen_types: list[type] = []    # the classes numbered (kept, so their ids stay theirs)
        self.output = _CappedText(output_limit)
        self.device: str | None = None       # "cuda": torch tensors and modules go there (grader.devices)

    # --- values -------------------------------------------------------------------------------
    def keep(self, obj: Any) -> wire.Handle:
        """A handle for ``obj``, numbered in the order objects were first kept: the same requests
        give the same handles in every worker, so the grader can send a check's requests ahead
        (grader.sandbox, scripts). Kept objects are never dropped, so ``id`` stays theirs."""
        number = self._numbers.get(id(obj))
        if number is None:
            number = self._numbers[id(obj)] = len(self.handles) + 1
            self.handles[number] = obj
            self._new.append(number)
        return wire.Handle(number, type(obj).__name__)

    def about(self, obj: Any) -> dict[str, Any] | None:
        """What the grader asks of a new object before it uses it: its attribute names (as the
        ``attrs`` request gives them), those it holds itself rather than through its class, and
        its class's number. Sent with the reply that made it, it saves those round trips. None
        when the object will not say (its ``__dir__`` raises, say): then the grader asks."""
        try:
            attrs = sorted(n for n in dir(obj) if not n.startswith("__"))
            own = sorted(n for n in getattr(obj, "__dict__", {}) if isinstance(n, str) and not n.startswith("__"))
        except Exception:  # noqa: BLE001 - the student's object; the grader asks again if it needs to
            return None
        cls = type(obj)
        number = self._types.get(id(cls))
        if number is None:
            number = self._types[id(cls)] = len(self._seen_types) + 1
            self._seen_types.append(cls)
        return {"attrs": attrs, "own": own, "type": number}

    def resolve(self, marker: dict[str, Any]) -> Any:
        if "__fn__" in marker:
            return SAFE_FUNCTIONS[str(marker["__fn__"])]
        if "__own__" in marker:
            return self.module.__dict__[str(marker["__own__"])]
        if "__make__" in marker:
            return harness.build(str(marker["__make__"]), marker["kwargs"])
        return self.handles[int(marker["__handle__"])]

    def target(self, request: dict[str, Any]) -> Any:
        target = request["target"]
        obj = self.handles[target] if isinstance(target, int) else self.module.__dict__[target]
        method = request.get("method")
        return getattr(obj, method) if method else obj

    # --- requests -----------------------------------------------------------------------------
    def handle(self, request: dict[str, Any], buffers: list[bytes]) -> Any:
        op = request["op"]
        if op == "load":
            return self.load(request["units"], request.get("import_as") or [])
        if op == "seed":
            seed_everything(int(request["value"]))
            return None
        if op == "defined":
            return sorted(k for k in self.module.__dict__ if not k.startswith("__"))
        if op == "signature":
            sig = signature_of(self.target(request))
            return None if sig is None else sig.as_plain()
        if op == "attrs":
            return sorted(n for n in dir(self.handles[request["target"]]) if not n.startswith("__"))
        if op == "device":
            self.device = devices.enter(str(request["name"]), self.module.__dict__)
            return self.device
        if op == "call":
            args = self.placed(wire.decode(request["args"], buffers, self.resolve))
            kwargs = self.placed(wire.decode(request["kwargs"], buffers, self.resolve))
            result = self.placed(self.target(request)(*args, **kwargs), modules=True)
            return [result, args, kwargs] if request.get("arguments_after") else result
        if op == "vjp":
            args = self.placed(wire.decode(request["args"], buffers, self.resolve))
            kwargs = self.placed(wire.decode(request["kwargs"], buffers, self.resolve))
            cotangent = self.placed(wire.decode(request["cotangent"], buffers, self.resolve))
            return vector_jacobian_product(self.target(request), args, kwargs, cotangent)
        if op == "getattr":
            return getattr(self.target(request), request["attr"])
        if op == "setattr":
            value = wire.decode(request["value"], buffers, self.resolve)
            harness.assign(self.target(request), request["attr"], value)
            return None
        if op == "harness":
            kwargs = self.placed(wire.decode(request["kwargs"], buffers, self.resolve))
            return harness.HARNESS[str(request["name"])](**kwargs)
        if op == "fork":
            return self.fork()
        if op == "reap":
            return reap(int(request["pid"]), bool(request["kill"]), float(request["wait_s"]))
        if op == "define":
            values = wire.decode(request["values"], buffers)
            self.module.__dict__.update({str(k): v for k, v in values.items() if not str(k).startswith("__")})
            return None
        raise ValueError(f"unknown request {op!r}")

    def placed(self, value: Any, modules: bool = False) -> Any:
        """``value`` on the worker's device: its torch tensors (and, for what the student's code
        returned, a torch module it built) moved there; unchanged on the CPU."""
        return value if self.device is None else devices.place(value, self.device, modules=modules)

    def load(self, units: list[list[Any]], import_as: Sequence[str] = ()) -> list[list[str]]:
        """Run each unit on its own, so one that fails loses only what it defines. The scratch
        folder (the course's support modules, the submission's own files) is on the import path,
        and the submission can be imported as each of ``import_as`` too."""
        sys.path.insert(0, os.getcwd())
        notes = []
        for name in import_as:
            try:
                self._import_as(str(name))
            except Exception as exc:  # noqa: BLE001 - a course package that fails to import is a note
                notes.append(["course modules", f"the submission could not be made importable as {name} "
                                                f"({type(exc).__name__}: {exc})"])
        for source, filename, lineno, where in units:
            try:
                code = compile("\n" * (int(lineno) - 1) + source, filename, "exec")
                exec(code, self.module.__dict__)
            except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt too
                first = source.strip().splitlines()[0][:80] if source.strip() else ""
                notes.append([where, f"{type(exc).__name__}: {exc} (while running `{first}`)"])
        return notes

    def _import_as(self, name: str) -> None:
        """``import name`` gives the submission's module: its parent packages are the course's
        (imported from the support folder) or, where the course has none, empty packages."""
        parent_name, _, leaf = name.rpartition(".")
        parent = None
        if parent_name:
            try:
                parent = importlib.import_module(parent_name)
            except ImportError:
                self._import_as_package(parent_name)
                parent = sys.modules[parent_name]
        sys.modules[name] = self.module
        if parent is not None:
            setattr(parent, leaf, self.module)
        if parent_name and not self.module.__package__:   # the first name places it: `from ..layers import *`
            self.module.__package__ = parent_name

    def _import_as_package(self, name: str) -> None:
        parent_name, _, leaf = name.rpartition(".")
        package = types.ModuleType(name)
        package.__path__ = []   # a package with nothing in it but what is put there
        sys.modules[name] = package
        if parent_name:
            if parent_name not in sys.modules:
                self._import_as_package(parent_name)
            setattr(sys.modules[parent_name], leaf, package)

    def fork(self) -> int:
        """A copy of this worker, as it is now (loaded, nothing called yet), serving the socket that
        came with the request: the next exercise's worker, without loading the submission again.
        It dies with this one (parent-death signal), and this one ends it with ``reap``."""
        (fd,) = self.reader.take_fds(b"F", 1)
        conn = socket.socket(fileno=fd)
        gc.freeze()   # what loading made is never scanned in a fork, so the fork does not copy it
        pid = os.fork()
        if pid == 0:
            try:
                from grader import confine
                confine.prctl(confine.PR_SET_PDEATHSIG, signal.SIGKILL)
                if os.getppid() == 1:    # the parent died before the signal was armed
                    os._exit(70)
                os.setpgid(0, 0)         # killpg(0) in an exercise ends the exercise, not the template
                self.sock.close()
                self.sock, self.reader = conn, wire.Reader(conn, fds=True)
                self.output = _CappedText(self.output.limit)
                sys.stdout = sys.stderr = self.output
                wire.send(conn, {"hello": {"lacking": [], "uid": os.getuid()}})
                self.serve()
            finally:
                os._exit(0)
        conn.close()
        return pid

    def serve(self) -> None:
        while True:
            try:
                request, buffers = self.reader.receive()
            except EOFError:
                return
            reply_buffers: list[bytes] = []
            self._new = []
            try:
                value = self.handle(request, buffers)
                reply = {"value": wire.encode(value, reply_buffers, self.keep)}
                about = {str(n): self.about(self.handles[n]) for n in self._new[:ABOUT_MAX]}
                if about:
                    reply["about"] = about
                size = sum(len(b) for b in reply_buffers)
                if size > wire.MAX_MESSAGE_BYTES:
                    raise ValueTooLarge(f"your code returned {size / 2**20:.0f} MiB of data; the grader accepts "
                                        f"at most {wire.MAX_MESSAGE_BYTES // 2**20} MiB in one result")
            except BaseException as exc:  # noqa: BLE001 - report, never die, on student errors
                reply_buffers = []
                reply = {"error": {"type": type(exc).__name__, "message": _text(exc)[:2000],
                                   "traceback": _student_traceback(exc)}}
            reply["output"] = self.output.take()
            wire.send(self.sock, reply, reply_buffers)


ABOUT_MAX = 64   # new objects described in one reply; the grader asks about any others


class ValueTooLarge(Exception):
    """A result larger than the wire carries."""


def _text(exc: BaseException) -> str:
    try:
        return str(exc)
    except BaseException:  # noqa: BLE001 - an exception whose __str__ raises or loops is the student's
        return f"<{type(exc).__name__} whose message could not be printed>"


def vector_jacobian_product(fn: Any, args: list[Any], kwargs: dict[str, Any], cotangent: Any) -> dict[str, Any]:
    """Call ``fn`` with every floating tensor argument requiring grad, then backpropagate
    ``cotangent`` from its output. Returns the output and the gradients, all plain tensors:

    ``{"output": y, "inputs": {"0": dx, "hc.0": dh, "hc.1": dc, ...}, "parameters": {"fc.weight": dW, ...}}``

    Tensors inside tuples and lists count too, both among the arguments (an LSTM's ``hc`` pair:
    keys ``hc.0``, ``hc.1``) and in the output, where ``cotangent`` has the output's nesting, with
    None for the parts not differentiated: ``(dy, (dh, dc))`` for ``y, (h, c)``. Parameters are
    those of ``fn``'s object when it is a bound method of an ``nn.Module``. A gradient that does not
    flow back is reported as zeros, so a forgotten bias reads as 0, not as an error.
    """
    import torch
    leaves: dict[str, Any] = {}

    def leaf(key: str, value: Any) -> Any:
        if isinstance(value, (tuple, list)):
            items = [leaf(f"{key}.{i}", v) for i, v in enumerate(value)]
            return type(value)(*items) if hasattr(value, "_fields") else type(value)(items)
        if isinstance(value, torch.Tensor) and value.is_floating_point():
            leaves[key] = value.detach().clone().requires_grad_(True)
            # the call gets a copy that it may change in place (that is another check's business);
            # gradients still reach the leaf through it
            return leaves[key].clone()
        return value

    def pairs(out: Any, cot: Any) -> list[tuple[Any, Any]]:
        if cot is None:
            return []
        if isinstance(out, torch.Tensor):
            if isinstance(cot, (tuple, list)) and len(cot) == 1:    # (dy,) for a lone y
                cot = cot[0]
            return [(out, cot)] if isinstance(cot, torch.Tensor) and out.requires_grad else []
        if isinstance(out, (tuple, list)) and isinstance(cot, (tuple, list)):
            return [p for o, c in zip(out, cot) for p in pairs(o, c)]
        return []

    args = [leaf(str(i), a) for i, a in enumerate(args)]
    kwargs = {k: leaf(k, v) for k, v in kwargs.items()}
    owner = getattr(fn, "__self__", None)
    params = dict(owner.named_parameters()) if isinstance(owner, torch.nn.Module) else {}
    output = fn(*args, **kwargs)
    flowing = pairs(output, cotangent)
    wrt = list(leaves.values()) + list(params.values())
    grads: Any = torch.autograd.grad([o for o, _ in flowing], wrt, [c.to(o.dtype) for o, c in flowing],
                                     allow_unused=True) if flowing and wrt else [None] * len(wrt)
    grads = [torch.zeros_like(w) if g is None else g for g, w in zip(grads, wrt)]
    return {"output": output,
            "inputs": dict(zip(leaves, grads[:len(leaves)])),
            "parameters": dict(zip(params, grads[len(leaves):]))}


def reap(pid: int, kill: bool, wait_s: float) -> int | None:
    """The wait status of a worker forked by this one, or None when it has not ended within
    ``wait_s``; ``kill`` ends it first. In a pid namespace of our own (this worker is pid 2, under
    an init that is pid 1) everything else in it is killed too: what the exercise started dies with
    it. Forks killed earlier and not waited for are reaped here, so none is left a zombie."""
    if kill:
        for target in ((-1,) if os.getpid() == 2 and os.getppid() == 1 else ()) + (pid,):
            try:
                os.kill(target, signal.SIGKILL)
            except OSError:
                pass
    deadline = time.monotonic() + wait_s
    status = None
    while status is None:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            break
        if not done:
            status = None
            if time.monotonic() >= deadline:
                break
            time.sleep(0.002)
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass
    return status


def seed_everything(seed: int) -> None:
    """Seed every global generator a student might draw from, so random filters or weights are
    the same on every run (the grader seeds once per check, from the check's id)."""
    import random

    import numpy as np
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.manual_seed(seed)


def _student_traceback(exc: BaseException) -> str:
    """The traceback without the worker's own frames: the student sees their code only. Frames in
    a library below the student's last one are cut to its innermost (where the error was raised),
    so a traceback that ends deep in torch still shows the student's cell and line."""
    try:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if "grader/" not in f.filename.replace("\\", "/")]
        theirs = [i for i, f in enumerate(frames) if _is_students(f.filename)]
        for frame in frames:
            frame.filename = _library_path(frame.filename)
        lines = traceback.format_list(frames)
        if theirs and len(frames) - theirs[-1] > 2:
            inside = frames[theirs[-1] + 1:-1]
            package = inside[0].filename.split("/")[0] if inside else "a library"
            lines = (lines[:theirs[-1] + 1] + [f"  ... {len(inside)} frame(s) inside {package} ...\n"]
                     + lines[-1:])
        return "".join(lines + traceback.format_exception_only(exc))[-4000:]
    except BaseException:  # noqa: BLE001
        return ""


def _is_students(filename: str) -> bool:
    """A frame of the submission: its units are compiled under the file's bare name (a notebook's
    with its cell), where a library's frames name a folder of this machine."""
    return not filename.startswith(("/", "<"))


def _library_path(filename: str) -> str:
    """A library's file as its package names it (``numpy/_core/numeric.py``), not where this machine
    keeps it: the student's report shows no folder of the grading machine."""
    for marker in ("/site-packages/", "/dist-packages/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    stdlib = sysconfig.get_paths()["stdlib"].rstrip("/") + "/"
    return filename[len(stdlib):] if filename.startswith(stdlib) else filename


def run(sock: socket.socket, output_limit: int) -> None:
    """Entry point in the forked child: hide trusted modules, capture output, serve."""
    sys.meta_path.insert(0, _HiddenImports())
    for name in [m for m in sys.modules if m.split(".")[0] in _HIDDEN_PACKAGES]:
        del sys.modules[name]
    sys.path[:] = [p for p in sys.path if p and not p.endswith(("/reference", "/tests"))]
    worker = Worker(sock, output_limit)
    sys.stdout = sys.stderr = worker.output
    worker.serve()
