"""The trusted side of the worker boundary: start the zygote, spawn workers, talk to them.

:class:`WorkerSubmission` is the :class:`~grader.submission.Submission` that grading uses: each
call becomes a request to a worker process; a reply that takes longer than the limit gets the
worker killed (``WorkerLost("timeout")``), a worker that dies gets its exit status reported
(``WorkerLost("crashed")``), and the next exercise gets a fresh worker.

Isolation, strongest available first:

- ``bubblewrap``: the zygote runs in ``bwrap`` with a read-only root, a private /tmp, no network,
  an unprivileged uid, and the reference, suites and submissions folders hidden;
- ``rlimits+netns``: each worker unshares its network namespace and drops to ``nobody``.

Both add rlimits per worker: address space, CPU time, file size, open files.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from grader import wire
from grader.binding import Signature
from grader.errors import InternalError, StudentCodeRaised, WorkerLost

from grader.spec import Assignment, Limits
from grader.submission import Submission

if TYPE_CHECKING:
    from grader.loader import CodeUnit

SANDBOX_ENV = "GRADER_SANDBOX"   # "bubblewrap", "rlimits", or unset for the strongest available


@functools.lru_cache(maxsize=1)
def bubblewrap_works() -> bool:
    """True when ``bwrap`` is installed and can make the namespaces we ask for on this machine."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return False
    # Run the real interpreter, so a sandbox that cannot see it falls back instead of failing later.
    probe = [bwrap, *_bwrap_flags([], Path(tempfile.gettempdir())), sys.executable, "-c", "import grader"]
    return subprocess.run(probe, capture_output=True, timeout=30).returncode == 0


def _visible_paths() -> list[str]:
    """What the worker must still see after /tmp is made private: the interpreter, its import
    path and the project (a clone under /tmp is common in CI). Parents first, so none is covered."""
    project = Path(__file__).resolve().parent.parent
    paths = {sys.prefix, sys.base_prefix, str(Path(sys.executable).resolve().parent), str(project),
             *(p for p in sys.path if p)}
    existing = {str(Path(p).resolve()) for p in paths if Path(p).exists()}
    return sorted(existing, key=lambda p: (p.count("/"), p))


def _bwrap_flags(hidden: Sequence[Path], scratch_root: Path) -> list[str]:
    flags = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    for path in _visible_paths():
        if path.startswith("/tmp/") or path == "/tmp":
            flags += ["--ro-bind", path, path]
    flags += ["--bind", str(scratch_root), str(scratch_root),
             "--unshare-net", "--unshare-ipc", "--unshare-uts",
             "--unshare-user", "--uid", "65534", "--gid", "65534", "--die-with-parent"]
    for path in hidden:
        if path.is_dir():
            flags += ["--tmpfs", str(path.resolve())]
    return flags


def _fallback_kind() -> str:
    from grader.zygote import _world_readable
    if os.getuid() != 0:
        return "rlimits+netns"
    if all(_world_readable(p) for p in (sys.prefix, sys.base_prefix)):
        return "rlimits+netns+nobody"
    return "rlimits+netns (as root: install bubblewrap to make the filesystem read-only)"


class Zygote:
    """One warm parent per grading process; workers are forked from it."""

    def __init__(self, scratch_root: Path, hidden: Sequence[Path] = ()):
        choice = os.environ.get(SANDBOX_ENV, "")
        use_bwrap = choice == "bubblewrap" or (choice != "rlimits" and bubblewrap_works())
        if choice == "bubblewrap" and not bubblewrap_works():
            raise InternalError(f"{SANDBOX_ENV}=bubblewrap but bwrap is missing or cannot create namespaces here")
        self.kind = "bubblewrap" if use_bwrap else _fallback_kind()
        self.scratch_root = scratch_root
        scratch_root.chmod(0o711)   # workers run as nobody and must reach their own scratch folder
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        command = [sys.executable, "-m", "grader.zygote", str(theirs.fileno()), "1" if use_bwrap else "0"]
        if use_bwrap:
            command = [shutil.which("bwrap") or "bwrap", *_bwrap_flags(hidden, scratch_root), *command]
        env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
               "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"}
        self.process = subprocess.Popen(command, pass_fds=[theirs.fileno()], env=env,
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE)
        theirs.close()
        self.control = ours
        self.control.settimeout(120)
        try:
            ready = self.control.recv(1024)
        except OSError:
            ready = b""
        if not ready:
            err = self.process.stderr.read().decode(errors="replace")[-2000:] if self.process.stderr else ""
            raise InternalError(f"the worker zygote did not start ({self.kind}): {err}")

    def spawn(self, limits: Limits, cpu_s: int) -> tuple[socket.socket, int, Path]:
        scratch = Path(tempfile.mkdtemp(prefix="worker-", dir=self.scratch_root))
        scratch.chmod(0o777)   # the worker runs as nobody
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        request = {"op": "spawn", "scratch": str(scratch),
                   "limits": {"memory_mb": limits.memory_mb, "cpu_s": cpu_s, "output_kb": limits.output_kb}}
        socket.send_fds(self.control, [json.dumps(request).encode()], [theirs.fileno()])
        theirs.close()
        pid = json.loads(self.control.recv(65536))["pid"]
        return ours, pid, scratch

    def status(self, pid: int, wait_s: float = 2.0) -> str | None:
        self.control.send(json.dumps({"op": "status", "pid": pid, "wait_s": wait_s}).encode())
        return json.loads(self.control.recv(65536))["status"]

    def close(self) -> None:
        self.control.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class WorkerProcess:
    """One worker: a socket, a pid, a scratch folder, and the rules for talking to it."""

    def __init__(self, zygote: Zygote, limits: Limits):
        self.zygote = zygote
        self.limits = limits
        self.sock, self.pid, self.scratch = zygote.spawn(limits, cpu_s=int(limits.load_timeout_s + 600))
        self.output: list[str] = []
        self.alive = True

    def request(self, header: dict[str, Any], buffers: list[bytes] = (), timeout: float | None = None) -> Any:
        """Send one request; return the decoded value, or raise what the student's code raised."""
        if not self.alive:
            raise InternalError("request to a worker that is no longer running")
        limit = timeout or self.limits.call_timeout_s
        self.sock.settimeout(limit)
        try:
            wire.send(self.sock, header, list(buffers))
            reply, reply_buffers = wire.receive(self.sock)
        except socket.timeout:
            self.kill()
            raise WorkerLost("timeout", f"your code ran for more than {limit:g} s (the limit for one call) and "
                                        f"was stopped. Does it loop forever, or is it far slower than it needs to be?")
        except (EOFError, ConnectionError, BrokenPipeError):
            status = self.zygote.status(self.pid) or "no exit status"
            self.kill(reaped=True)
            raise WorkerLost("crashed", _crash_message(status, self.limits))
        except wire.WireError as exc:
            self.kill()
            raise WorkerLost("crashed", f"the worker sent something that is not plain data ({exc})")
        if reply.get("output"):
            self.output.append(str(reply["output"]))
        if "error" in reply:
            err = reply["error"]
            raise StudentCodeRaised(str(err["type"]), str(err["message"]), str(err.get("traceback", "")))
        return wire.decode(reply["value"], reply_buffers)

    def kill(self, reaped: bool = False) -> None:
        if not self.alive:
            return
        self.alive = False
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.sock.close()
        if not reaped:
            self.zygote.status(self.pid, wait_s=5.0)
        shutil.rmtree(self.scratch, ignore_errors=True)


def _crash_message(status: str, limits: Limits) -> str:
    hint = ""
    if "SIGKILL" in status or "SIGSEGV" in status:
        hint = f" It may have run out of memory (the limit is {limits.memory_mb} MiB) or crashed in native code."
    elif "SIGXCPU" in status:
        hint = " It used up its CPU-time limit."
    elif status == "exit status 70":
        hint = " The worker could not start; this is a grader problem, please report it."
    elif status.startswith("exit status"):
        hint = " Something in your code ended the process (os._exit, sys.exit in a thread, os.abort?)."
    return f"the worker running your code stopped unexpectedly ({status}).{hint}"


class WorkerSubmission(Submission):
    """The student's code in a worker process. Plain data in, plain data out."""

    def __init__(self, assignment: Assignment, zygote: Zygote, units: Sequence[CodeUnit], reference: Any = None):
        super().__init__(assignment, reference)
        self.zygote = zygote
        self.units = list(units)
        self.worker: WorkerProcess | None = None
        self.load_notes: list[list[str]] = []
        self._defined_names: list[str] | None = None
        self._cache: dict[tuple[str, Any, str | None], Any] = {}
        self._globals: dict[str, Any] = {}   # what define() set, set again in every new worker

    # --- worker lifecycle ---------------------------------------------------------------------
    def fresh(self) -> None:
        """Start a new worker and load the submission into it (the old one, if any, is killed)."""
        self.close()
        self.worker = WorkerProcess(self.zygote, self.assignment.limits)
        plain = [[u.source, u.filename, u.lineno, u.where] for u in self.units]
        self.load_notes = self.worker.request({"op": "load", "units": plain},
                                              timeout=self.assignment.limits.load_timeout_s)
        if self._globals:
            buffers: list[bytes] = []
            self.worker.request({"op": "define", "values": wire.encode(self._globals, buffers)}, buffers)
        self._defined_names = self.worker.request({"op": "defined"})

    def close(self) -> None:
        self._cache.clear()
        if self.worker is not None:
            self.worker.kill()
            self.worker = None

    def _live(self) -> WorkerProcess:
        if self.worker is None or not self.worker.alive:
            self.fresh()
        assert self.worker is not None
        return self.worker

    def output_mark(self) -> int:
        return len(self._live().output)

    def output_since(self, mark: int | None) -> str:
        if self.worker is None or mark is None:
            return ""
        text = "".join(self.worker.output[mark:])
        limit = self.assignment.limits.output_kb * 1024
        if len(text) <= limit:
            return text
        return text[:limit] + f"\n[… {len(text) - limit} more characters of output not kept]"

    # --- Submission -----------------------------------------------------------------------------
    def seed(self, value: int) -> None:
        self._request({"op": "seed", "value": value})

    def _request(self, header: dict[str, Any], timeout: float | None = None) -> Any:
        return self._live().request(header, timeout=timeout)

    def _defined(self) -> list[str]:
        self._live()
        return list(self._defined_names or [])

    def _target(self, target: Any) -> Any:
        return target.id if isinstance(target, wire.Handle) else target

    # Signatures and attribute lists are asked for once per worker, not once per call: a call is on
    # the hot path (every hypothesis example), and an extra round trip per call doubled its cost.
    # Handle ids stay unique for a worker's life because the worker never drops a kept object.
    def _signature(self, target: Any, method: str | None) -> Signature | None:
        key = ("signature", self._target(target), method)
        if key not in self._cache:
            plain = self._request({"op": "signature", "target": key[1], "method": method})
            self._cache[key] = None if plain is None else Signature.from_plain(plain)
        return self._cache[key]

    def _methods(self, handle: Any) -> list[str]:
        key = ("attrs", self._target(handle), None)
        if key not in self._cache:
            self._cache[key] = self._request({"op": "attrs", "target": key[1]})
        return self._cache[key]

    def _call(self, target: Any, method: str | None, args: list[Any], kwargs: dict[str, Any]) -> Any:
        buffers: list[bytes] = []
        header = {"op": "call", "target": self._target(target), "method": method,
                  "args": wire.encode(list(args), buffers), "kwargs": wire.encode(dict(kwargs), buffers)}
        return self._timed(header, buffers)

    def _construct(self, target: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        return self._call(target, None, args, kwargs)

    def _vjp(self, handle: Any, method: str, args: list[Any], kwargs: dict[str, Any], cotangent: Any) -> dict[str, Any]:
        buffers: list[bytes] = []
        header = {"op": "vjp", "target": self._target(handle), "method": method,
                  "args": wire.encode(list(args), buffers), "kwargs": wire.encode(dict(kwargs), buffers),
                  "cotangent": wire.encode(cotangent, buffers)}
        return self._timed(header, buffers)

    def _run_harness(self, name: str, kwargs: dict[str, Any]) -> Any:
        buffers: list[bytes] = []
        header = {"op": "harness", "name": name, "kwargs": wire.encode(dict(kwargs), buffers)}
        return self._timed(header, buffers)

    def _define(self, values: dict[str, Any]) -> None:
        self._globals.update(values)
        buffers: list[bytes] = []
        self._live().request({"op": "define", "values": wire.encode(values, buffers)}, buffers)
        self._defined_names = self._live().request({"op": "defined"})

    def _getattr(self, handle: Any, attr: str) -> Any:
        return self._request({"op": "getattr", "target": self._target(handle), "method": None, "attr": attr})

    def _setattr(self, handle: Any, attr: str, value: Any) -> None:
        buffers: list[bytes] = []
        header = {"op": "setattr", "target": self._target(handle), "method": None, "attr": attr,
                  "value": wire.encode(value, buffers)}
        self._live().request(header, buffers)

    call_timeout: float | None = None   # set by the runner per check (Check.timeout_s)
    check_deadline: float | None = None  # time.monotonic() when the running check's budget ends

    def _timed(self, header: dict[str, Any], buffers: list[bytes]) -> Any:
        """A call into the student's code, stopped at its own limit or at the end of the check's
        budget, whichever comes first (each says which it was)."""
        limit = self.call_timeout or self.assignment.limits.call_timeout_s
        if self.check_deadline is None or self.check_deadline - time.monotonic() >= limit:
            return self._live().request(header, buffers, timeout=limit)
        budget = self.assignment.limits.check_budget_s
        spent = WorkerLost("timeout", f"this check's calls into your code took more than {budget:g} s in all "
                                      f"(its time budget) and it was stopped, though no single call reached its "
                                      f"{limit:g} s limit. Is your code far slower than it needs to be?")
        left = self.check_deadline - time.monotonic()
        if left <= 0:
            raise spent
        try:
            return self._live().request(header, buffers, timeout=left)
        except WorkerLost as exc:
            if exc.reason == "timeout":
                raise spent from None
            raise
