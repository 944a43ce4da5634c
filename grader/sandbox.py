"""The trusted side of the worker boundary: start the zygote, spawn workers, talk to them.

:class:`WorkerSubmission` is the :class:`~grader.submission.Submission` that grading uses: each
call becomes a request to a worker process; a reply that takes longer than the limit gets the
worker killed (``WorkerLost("timeout")``), a worker that dies gets its exit status reported
(``WorkerLost("crashed")``), and the next exercise gets a fresh worker.

What a worker sees is an allow-list (:func:`view`): the interpreter, site-packages and the grader's
engine read-only, a scratch folder holding a private copy of the submission, a private /tmp. Not
the project tree, ``.git``, the reference, the suites, other submissions or the reports. Sandboxes,
strongest available first (``GRADER_SANDBOX`` picks one):

- ``bubblewrap``: the zygote runs in ``bwrap`` with that view and new pid, network, IPC and UTS
  namespaces (and a user namespace when not root), a new session, a cleared environment;
- ``namespaces``: the same, set up by the zygote itself (:mod:`grader.confine`) where bwrap is
  not installed;
- ``rlimits``: no private view (the machine does not allow namespaces); only when asked for
  (``GRADER_SANDBOX=rlimits``, or ``grader check``/``ci`` on a student's own machine); the report
  says what was not in force;
- ``none``: the instructor's explicit opt-out; every report says so.

In every mode each worker gets its own pid namespace where the machine allows (everything it
starts dies with it), rlimits (address space, CPU time, file size, open files, processes), and
never runs as root: as root the worker drops to ``nobody``, and grading stops with a message when
that is impossible (unless ``GRADER_SANDBOX=none``).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Sequence

import grader
from grader import confine, wire
from grader.binding import Signature
from grader.confine import FALLBACK_ENV, SANDBOX_ENV, View
from grader.errors import GraderError, InternalError, MalformedReply, ScriptDiverged, StudentCodeRaised, WorkerLost

from grader.spec import Assignment, Limits
from grader.submission import ScriptRun, Submission
from grader.suite import current_check

if TYPE_CHECKING:
    from grader.loader import CodeUnit

MODES = ("bubblewrap", "namespaces", "rlimits", "none")   # what SANDBOX_ENV may name (grader.confine)
MAX_COPIED_BYTES = 64 * 2**20     # of a submission's own files, copied into each worker's scratch folder
MAX_COPIED_FILES = 500
PROCESS_LIMIT = 256               # processes and threads of a worker's uid (RLIMIT_NPROC, grader.zygote)


class SandboxUnavailable(GraderError):
    """The sandbox asked for (or any sandbox that keeps student code from running as root) cannot be
    set up on this machine. The message says how to fix it."""


def _engine() -> Path:
    return Path(grader.__file__).resolve().parent


def view(scratch_root: Path, hidden: Sequence[Path] = (), devices: Sequence[str] = ()) -> View:
    """What a worker may see. The interpreter and its import path, but nothing of the project
    except the engine: a path inside the project is kept only inside the virtual environment.
    ``devices``: device files it may open besides /dev/null and the like (a GPU's)."""
    engine = _engine()
    # The project checkout the engine runs from (its reference, suites and submissions beside it), or
    # None where the engine was installed from its wheel (a student's copy, Gradescope's image): then
    # site-packages around it is the import path, to be seen whole.
    project = None if engine.parent.name in ("site-packages", "dist-packages") else engine.parent
    prefix = Path(sys.prefix).resolve()
    # Of the import path only site-packages: the folder a script was started from, or the current
    # one, could be a home folder holding another copy of the project.
    candidates = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parent,
                  *(Path(p) for p in sys.path if p and Path(p).name in ("site-packages", "dist-packages"))}
    readonly = {str(engine)}
    for path in candidates:
        path = path.resolve() if path.exists() else path
        if not path.exists() or path == Path("/"):
            continue
        if project is not None and (path == project or path in project.parents or (
                path.is_relative_to(project) and not (path.is_relative_to(prefix) or path.is_relative_to(engine)))):
            continue
        readonly.add(str(path))
    covered: set[str] = set()
    for folder in sorted(readonly):   # a folder whose parent is already there is not bound twice
        if not any(folder.startswith(other + "/") for other in covered):
            covered.add(folder)
    secret = [*hidden, *(Path(p) / name for p in covered for name in ("reference", "tests"))]
    hide = sorted(str(Path(h).resolve()) for h in secret
                  if Path(h).is_dir() and any(str(Path(h).resolve()).startswith(c + "/") for c in covered))
    return View(readonly=tuple(sorted(covered)), writable=(str(scratch_root.resolve()),), hidden=tuple(hide),
                devices=tuple(devices))


def warm_imports(reference: Path, suite: Path | None = None) -> tuple[str, ...]:
    """What the zygote imports before it forks: the packages the reference imports at its top
    level (numpy always; torch only for an assignment whose reference uses it). A fork of a parent
    that holds torch costs about ten times one that does not, and a worker pays that on every fork;
    a student who imports a package the reference does not use pays its import once, when loading.

    When the reference or the ``suite`` uses torch's optimizers, ``torch._dynamo`` too: the first
    optimizer a process builds imports it (and sympy), 1.5-4 s, which every worker forked from a
    parent without it paid again, on every exercise that trains. Holding it does not make a fork
    dearer (page tables are copied lazily; measured 56 vs 53 ms per fork on torch)."""
    import ast
    import importlib.util
    names = {"numpy"}
    try:
        tree = ast.parse(Path(reference).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return ("numpy", "torch")
    if _uses_optimizers([tree, *_parsed(suite)]):
        names.add("torch._dynamo")
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    own = {"reference", "tests", "grader", "__future__"}
    warm = sorted(n for n in names if n not in sys.stdlib_module_names and n not in own
                  and importlib.util.find_spec(n.split(".")[0]) is not None)
    return tuple(n for n in warm if "." not in n or n.split(".")[0] in warm)   # torch._dynamo only with torch


def _parsed(path: Path | None) -> list[Any]:
    import ast
    try:
        return [ast.parse(Path(path).read_text(encoding="utf-8"))] if path is not None else []
    except (OSError, SyntaxError, ValueError):
        return []


# The harness's training helpers and the optimizers it hands to student code (grader.harness), by name.
_TRAINS = frozenset({"train_steps", "optimizer_steps", "SGD", "Adam", "NAdam", "AdamW", "RMSprop", "Adagrad"})


def _uses_optimizers(trees: Sequence[Any]) -> bool:
    """Whether any of these modules names torch's optimizers (``torch.optim``, ``optim.SGD``,
    ``from torch import optim``) or trains through the grader's harness (which builds one)."""
    import ast
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "optim":
                return True
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("torch") and (
                    (node.module or "").startswith("torch.optim") or any(a.name == "optim" for a in node.names)):
                return True
            if isinstance(node, ast.Import) and any(a.name.startswith("torch.optim") for a in node.names):
                return True
            if isinstance(node, ast.Constant) and node.value in _TRAINS:
                return True
    return False


def _environment(gpu: bool = False) -> dict[str, str]:
    """The zygote's whole environment: nothing of the grader's (tokens, paths, command line). With
    ``gpu``, torch asks NVML whether CUDA is there, so that a student's ``torch.cuda.is_available()``
    while loading does not start CUDA in the process the exercises' workers are forked from."""
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8", "TMPDIR": "/tmp",
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
           "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0", "PYTHONPATH": str(_engine().parent)}
    if gpu:
        env["PYTORCH_NVML_BASED_CUDA_CHECK"] = "1"
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):   # numerics on some processors depend on them
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def _bwrap_flags(v: View, gpu: bool = False) -> list[str]:
    flags = []
    for path in v.system:
        if os.path.islink(path):
            flags += ["--symlink", os.readlink(path), path]
        elif os.path.exists(path):
            flags += ["--ro-bind", path, path]
    flags += ["--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--dir", "/var/tmp"]
    for device in v.devices:
        flags += ["--dev-bind", device, device]
    parents = sorted({str(parent) for path in (*v.readonly, *v.writable) for parent in Path(path).parents
                      if str(parent) not in ("/", "/tmp")}, key=lambda p: p.count("/"))
    for parent in parents:   # bwrap copies a parent's mode; /root's 0700 would lock nobody out
        if not any(parent == p or parent.startswith(p + "/") for p in (*v.readonly, *v.writable, *v.system)):
            flags += ["--perms", "0755", "--dir", parent]
    for path in v.readonly:
        flags += ["--ro-bind", path, path]
    for path in v.writable:
        flags += ["--bind", path, path]
    for path in v.hidden:
        flags += ["--tmpfs", path]
    flags += ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
              "--new-session", "--die-with-parent", "--clearenv", "--chdir", "/"]
    if confine.really_root():
        # No user namespace as root: its uid would still be root outside. The zygote keeps what it
        # needs to give each worker a pid namespace and drop it to nobody; the worker keeps nothing.
        flags += ["--cap-add", "CAP_SYS_ADMIN", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        flags += ["--unshare-user", "--uid", "65534", "--gid", "65534"]
    for key, value in _environment(gpu).items():
        flags += ["--setenv", key, value]
    return flags


@functools.lru_cache(maxsize=1)
def bubblewrap_works() -> bool:
    """True when ``bwrap`` is installed and can make the namespaces we ask for on this machine."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return False
    probe = [bwrap, *_bwrap_flags(view(Path(tempfile.gettempdir()))), sys.executable, "-c", "import grader.zygote"]
    try:
        return subprocess.run(probe, capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _modes_to_try() -> list[str]:
    choice = os.environ.get(SANDBOX_ENV, "").strip().lower()
    if choice and choice not in MODES:
        raise SandboxUnavailable(f"{SANDBOX_ENV}={choice!r} is not a sandbox; use one of {', '.join(MODES)} "
                                 f"(or leave it unset for the strongest available)")
    if choice:
        return [choice]
    # rlimits cannot hide the instructor's files, so an instructor's run never falls back to it
    # unasked (DESIGN: "when that cannot be arranged, grading stops and says how to fix it"). A
    # student checking their own work on their own machine (grader check / ci) may.
    weak = ["rlimits"] if os.environ.get(FALLBACK_ENV, "").strip().lower() == "rlimits" else []
    return (["bubblewrap"] if shutil.which("bwrap") else []) + ["namespaces"] + weak


class Zygote:
    """One warm parent per grading process; workers are forked from it. If a submission manages to
    end it, the next spawn starts a new one."""

    def __init__(self, scratch_root: Path, hidden: Sequence[Path] = (), warm: Sequence[str] = ("numpy", "torch"),
                 gpu: bool = False, wait: bool = True):
        """``wait`` False: the zygote starts (in the first sandbox mode to try) while the caller goes on;
        :meth:`ready` waits for it, or tries the others, before anything is asked of it."""
        from grader.devices import visible_devices
        self.scratch_root = Path(scratch_root)
        self.warm = list(warm)
        self.gpu = gpu   # workers may open the GPU's device files, under a data limit instead of an address-space one
        self.scratch_root.chmod(0o711)   # workers run as nobody and must reach their own scratch folder
        self.view = view(self.scratch_root, hidden, devices=visible_devices() if gpu else ())
        self.process: subprocess.Popen | None = None
        self.control: socket.socket | None = None
        self.kind = ""
        self.held: list[str] = []
        self.lacking: list[str] = []
        self._starting: tuple[str, subprocess.Popen, socket.socket] | None = None
        if wait:
            self._start()
        else:
            try:
                mode = _modes_to_try()[0]
                self._starting = (mode, *self._begin(mode))
            except (SandboxUnavailable, IndexError, OSError):
                pass   # ready() tries every mode, and says why none started

    def ready(self) -> "Zygote":
        """The zygote, started (raises SandboxUnavailable when it cannot be)."""
        if self.process is None:
            self._start()
        return self

    def _start(self) -> None:
        errors = []
        starting, self._starting = self._starting, None
        for mode in _modes_to_try():
            try:
                if starting is not None and starting[0] == mode:
                    self._finish(*starting)
                else:
                    self._finish(mode, *self._begin(mode))
                return
            except SandboxUnavailable as exc:
                errors.append(f"{mode}: {exc}")
            finally:
                starting = None
        raise SandboxUnavailable("no sandbox could be set up for student code: " + " | ".join(errors) + ". To fix it: "
                                 "install bubblewrap (apt-get install bubblewrap) or allow unprivileged user "
                                 "namespaces; or accept a weaker sandbox explicitly with GRADER_SANDBOX=rlimits "
                                 "(student code can then read what the grader's user can) or GRADER_SANDBOX=none. "
                                 "Every report says which sandbox was in force.")

    def _begin(self, mode: str) -> tuple[subprocess.Popen, socket.socket]:
        """Start the zygote in ``mode``: its process, and our end of its control socket."""
        config = {"mode": mode, "view": self.view.as_plain(), "scratch_root": str(self.scratch_root), "warm": self.warm,
                  "new_root": str(self.scratch_root.parent / f".{self.scratch_root.name}-root"), "gpu": self.gpu}
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        command = [sys.executable, "-m", "grader.zygote", str(theirs.fileno()), json.dumps(config)]
        try:
            if mode == "bubblewrap":
                if shutil.which("bwrap") is None:
                    raise SandboxUnavailable("bwrap is not installed (apt-get install bubblewrap)")
                command = [shutil.which("bwrap") or "bwrap", *_bwrap_flags(self.view, self.gpu), *command]
            process = subprocess.Popen(command, pass_fds=[theirs.fileno()], env=_environment(self.gpu), cwd="/",
                                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                       start_new_session=True)
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        return process, ours

    def _finish(self, mode: str, process: subprocess.Popen, ours: socket.socket) -> None:
        """Wait for the zygote started in ``mode`` to say it is ready (or why it is not)."""
        ours.settimeout(180)
        try:
            ready = json.loads(ours.recv(65536) or b"{}")
        except (OSError, ValueError):
            ready = {}
        if not ready.get("ready"):
            ours.close()
            process.kill()
            err = process.stderr.read().decode(errors="replace")[-1500:] if process.stderr else ""
            process.wait()
            raise SandboxUnavailable(ready.get("refusal") or f"the zygote did not start: {err.strip()}")
        self.process, self.control = process, ours
        self.held, self.lacking = list(ready["held"]), list(ready["lacking"])
        self.kind = _describe(mode, self.held, self.lacking)

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def _ask(self, request: dict[str, Any], fds: Sequence[int] = ()) -> dict[str, Any]:
        if self.control is None:
            raise WorkerLost("crashed", "the sandbox is not running")
        try:
            if fds:
                socket.send_fds(self.control, [json.dumps(request).encode()], list(fds))
            else:
                self.control.send(json.dumps(request).encode())
            reply = json.loads(self.control.recv(65536))
            if not isinstance(reply, dict):
                raise ValueError(reply)
            return reply
        except (OSError, ValueError) as exc:
            self._lost()
            raise WorkerLost("crashed", "the worker's sandbox stopped while your code ran (it was killed from "
                                        f"inside, or ran out of memory): {type(exc).__name__}") from None

    def _lost(self) -> None:
        if self.control is not None:
            self.control.close()
            self.control = None
        if self.process is not None:
            self.process.kill()
            self.process.wait()

    def spawn(self, limits: Limits, cpu_s: int, files: Sequence[tuple[str, Path]] = ()) -> tuple[socket.socket, int, Path]:
        if not self.alive or self.control is None:
            self._lost()
            self._start()
        scratch = Path(tempfile.mkdtemp(prefix="worker-", dir=self.scratch_root))
        _copy_files(files, scratch)
        scratch.chmod(0o777)   # the worker runs as nobody
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        request = {"op": "spawn", "scratch": str(scratch),
                   "limits": {"memory_mb": limits.memory_mb, "cpu_s": cpu_s, "output_kb": limits.output_kb}}
        try:
            pid = int(self._ask(request, [theirs.fileno()])["pid"])
        finally:
            theirs.close()
        return ours, pid, scratch

    def status(self, pid: int, wait_s: float = 2.0) -> str | None:
        return self._ask({"op": "status", "pid": pid, "wait_s": wait_s}).get("status")

    def kill(self, pid: int) -> str | None:
        """End a worker and everything it started; how it ended (None if it did not end in time)."""
        return self._ask({"op": "kill", "pid": pid}).get("status")

    def close(self) -> None:
        starting, self._starting = self._starting, None
        if starting is not None:   # started, never waited for
            starting[2].close()
            starting[1].kill()
            starting[1].wait()
        if self.control is not None:
            self.control.close()
            self.control = None
        if self.process is not None:
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.scratch_root.parent / f".{self.scratch_root.name}-root", ignore_errors=True)


def _describe(mode: str, held: list[str], lacking: list[str]) -> str:
    if mode == "none":
        text = "NONE: sandboxing turned off by the instructor (GRADER_SANDBOX=none)"
    else:
        text = f"{mode}: " + "; ".join(held)
    if lacking:
        text += " — not in force: " + "; ".join(lacking)
    return text


def support_files(assignment: Assignment) -> list[tuple[str, Path]]:
    """The course's support modules, as (name relative to the support folder, path): every regular
    file under it but caches. They go to each worker's scratch folder, which is on its import path."""
    root = assignment.support
    if root is None or not root.is_dir():
        return []
    return [(str(p.relative_to(root)), p) for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink() and "__pycache__" not in p.parts]


def _copy_files(files: Sequence[tuple[str, Path]], scratch: Path) -> None:
    """A private copy of the submission's own files (regular files only, never a symlink) in the
    worker's scratch folder, where its code runs."""
    total = 0
    for relative, source in list(files)[:MAX_COPIED_FILES]:
        try:
            if source.is_symlink() or not source.is_file() or (scratch / relative).exists():
                continue
            size = source.stat().st_size
            if total + size > MAX_COPIED_BYTES:
                break
            target = scratch / relative
            if not target.resolve().is_relative_to(scratch.resolve()):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target, follow_symlinks=False)
            target.chmod(0o644)
            total += size
        except OSError:
            continue


class WorkerProcess:
    """One worker: a socket, a pid, a scratch folder, and the rules for talking to it. Its
    ``parent`` started it and ends it: the zygote, or the loaded worker it was forked from."""

    def __init__(self, parent: Zygote | Template, limits: Limits, sock: socket.socket, pid: int,
                 scratch: Path | None):
        self.parent = parent
        self.limits = limits
        self.sock, self.pid, self.scratch = sock, pid, scratch
        self.reader = wire.Reader(sock)
        self.output: list[str] = []
        self.alive = True
        self.lacking: list[str] = []
        self._script: _Script | None = None        # requests sent ahead of need (see begin_script)
        self._recording: list[bytes] | None = None   # the requests sent, to be the next script
        self._kinds: list[list[bytes]] = []   # the check's scripts, the latest last
        self._first = False                   # the check has not asked for anything yet
        self.log: list[bytes] | None = None          # every request asked for since it was set up
        # What the worker said about each object it kept (Worker.about), with the numbers of requests
        # that could run code, and of calls, asked for when it said it (see known).
        self.about: dict[int, tuple[About, int, int]] = {}
        self.code_runs = 0
        self.calls = 0
        hello = self._receive(timeout=60, starting=True)[0]
        if not isinstance(hello, dict) or not isinstance(hello.get("hello"), dict):
            self.kill()
            raise WorkerLost("crashed", "the worker did not start properly; this is a grader problem, please report it")
        self.lacking = [str(x) for x in hello["hello"].get("lacking", [])][:20]

    @classmethod
    def spawn(cls, zygote: Zygote, limits: Limits, files: Sequence[tuple[str, Path]] = ()) -> WorkerProcess:
        """A new worker from the zygote, with a private copy of ``files`` in its scratch folder."""
        sock, pid, scratch = zygote.spawn(limits, cpu_s=int(limits.load_timeout_s + 600), files=files)
        return cls(zygote, limits, sock, pid, scratch)

    def _receive(self, timeout: float, starting: bool = False) -> tuple[Any, list[bytes]]:
        try:
            return self.reader.receive(timeout)
        except socket.timeout:
            self.kill()
            if starting:
                raise WorkerLost("crashed", "the worker did not start in time (the machine may be overloaded)") from None
            raise WorkerLost("timeout", f"your code ran for more than {timeout:g} s (the limit for one call) and "
                                        f"was stopped. Does it loop forever, or is it far slower than it needs to be?",
                             one_call=True) from None
        except (EOFError, ConnectionError, OSError):
            status = self.parent.status(self.pid) or "no exit status"
            self.kill()
            raise WorkerLost("crashed", _crash_message(status, self.limits), status=status) from None
        except wire.WireError as exc:
            self.kill()
            raise WorkerLost("crashed", _malformed_message(exc)) from exc

    def request(self, header: dict[str, Any], buffers: Sequence[bytes] = (), timeout: float | None = None,
                fds: Sequence[int] = ()) -> Any:
        """Send one request (and ``fds``, right after it); return the decoded value, or raise what
        the student's code raised.

        Everything that comes back is checked: the worker's side of the socket is the student's."""
        if not self.alive:
            raise InternalError("request to a worker that is no longer running")
        if header.get("op") not in _RUNS_NO_CODE:
            self.code_runs += 1
            self.calls += header.get("op") not in ("getattr", "setattr")
        limit = timeout or self.limits.call_timeout_s
        message = wire.pack(header, list(buffers))
        if self._first and not fds:   # the check's first request picks its script: the latest that fits
            self._first = False
            self._script = next((_Script(k) for k in reversed(self._kinds) if k and k[0] == message), None)
        script = self._script
        if script is not None and not script.follows(message):
            self._script = None
            if script.sent > script.next:   # it has requests the check will not ask for
                raise ScriptDiverged()
            # Nothing went ahead (a reply that names things was awaited): another kind of script
            # that asked the same so far and this now, or none.
            script = self._script = _Script.switch(self._kinds, script, message)
        if self._recording is not None and not fds:
            self._recording.append(message)
        if self.log is not None and not fds:
            self.log.append(message)
        self._send(script.to_send() if script is not None else [message], limit, fds)
        reply, reply_buffers = self._receive(limit)
        try:
            if not isinstance(reply, dict):
                raise wire.WireError(f"a reply must be a mapping, not {type(reply).__name__}")
            output = reply.get("output")
            if output:
                self.output.append(str(output)[: self.limits.output_kb * 1024 + 200])
            if "error" in reply:
                err = reply["error"]
                if not isinstance(err, dict):
                    raise wire.WireError("an error reply must be a mapping")
                raise StudentCodeRaised(str(err.get("type"))[:200], str(err.get("message"))[:2000],
                                        str(err.get("traceback", ""))[-4000:])
            if "value" not in reply:
                raise wire.WireError("a reply without a value")
            if "about" in reply:
                self._read_about(reply["about"])
            return wire.decode(reply["value"], reply_buffers)
        except wire.WireError as exc:
            self.kill()
            raise WorkerLost("crashed", _malformed_message(exc)) from None
        except (RecursionError, MemoryError) as exc:
            self.kill()
            raise WorkerLost("crashed", _malformed_message(wire.WireError(f"{type(exc).__name__}"))) from None

    def _read_about(self, about: Any) -> None:
        """Keep what the worker said about the objects it kept (checked: the student's code may
        have replaced the worker's side). Anything malformed is a WireError."""
        if not isinstance(about, dict) or len(about) > 64:
            raise wire.WireError("what a reply says about new objects must be a mapping of at most 64")
        for key, info in about.items():
            if info is None:
                continue
            if not (isinstance(key, str) and key.isdigit() and isinstance(info, dict)
                    and wire.is_int(info.get("type")) and _names(info.get("attrs")) and _names(info.get("own"))):
                raise wire.WireError("what a reply says about a new object is malformed")
            self.about[int(key)] = (About(tuple(info["attrs"]), frozenset(info["own"]), int(info["type"])),
                                    self.code_runs, self.calls)

    def known(self, handle: int, *, methods: bool = False) -> About | None:
        """What the worker said about ``handle`` when it kept it, if no request that could run code
        came since (it would say the same now). With ``methods`` (which of its methods come from its
        class), if no call came since: reading and setting attributes leaves its methods alone."""
        found = self.about.get(handle)
        if found is None or (found[2] if methods else found[1]) != (self.calls if methods else self.code_runs):
            return None
        return found[0]

    def run_again(self, messages: Sequence[bytes]) -> None:
        """Send ``messages`` (requests an earlier worker of the same submission ran) and read their
        replies, whatever they say: afterwards this worker is in the state that one was in."""
        for message in messages:
            if self.log is not None:
                self.log.append(message)
            self._send([message], self.limits.call_timeout_s)
            self._receive(self.limits.call_timeout_s)

    def _send(self, messages: Sequence[bytes], timeout: float, fds: Sequence[int] = ()) -> None:
        """Send ``messages`` (and ``fds`` after them); a worker that died meanwhile is a crash."""
        try:
            self.sock.settimeout(timeout)
            if messages:
                self.sock.sendall(messages[0] if len(messages) == 1 else b"".join(messages))
            if fds:
                socket.send_fds(self.sock, [b"F"], list(fds))
        except (OSError, socket.timeout):
            status = self.parent.status(self.pid) or "no exit status"
            self.kill()
            raise WorkerLost("crashed", _crash_message(status, self.limits), status=status) from None

    def begin_script(self, kinds: Sequence[list[bytes]] | None) -> None:
        """Follow a script: the requests an earlier replay of the same check sent, in order (of
        the kinds kept, the latest that begins with what this check asks for first; submissions
        that name their functions or attributes differently ask for different things). While the
        check asks for exactly those, the next ones go out before it asks, so the worker is never
        idle waiting for the grader and replies are read as they are needed. The timing changes,
        nothing else: the worker runs the same requests in the same order, and each reply is still
        awaited with its own call's limit. What the check asks for is recorded either way."""
        self._script = None
        self._kinds = list(kinds or [])
        self._first = True
        self._recording = []

    def end_script(self) -> tuple[bool, list[bytes] | None]:
        """Stop following or recording. Returns whether the worker ran requests the check never
        asked for (it must then be replaced), and what was recorded."""
        script, recording = self._script, self._recording
        self._script, self._recording, self._kinds, self._first = None, None, [], False
        return (script is not None and script.sent > script.next), recording

    def kill(self) -> None:
        """End the worker and everything it started (its pid namespace), then drop its scratch folder."""
        if not self.alive:
            return
        self.alive = False
        self.sock.close()
        try:
            self.parent.kill(self.pid)
        except WorkerLost:
            pass   # the zygote itself is gone, and its workers with it; the next spawn starts a new one
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)


# Requests that run none of the student's code: what the worker says about an object after one of
# them is what it said before.
_RUNS_NO_CODE = frozenset({"attrs", "signature", "defined", "seed", "fork", "reap", "device"})


@dataclass(frozen=True)
class About:
    """An object the worker kept: its attribute names, those it holds itself, its class's number."""

    attrs: tuple[str, ...]
    own: frozenset[str]
    type: int


def _names(value: Any) -> bool:
    return (isinstance(value, list) and len(value) <= 10_000
            and all(isinstance(n, str) and len(n) <= 300 for n in value))


class _Script:
    """A check's requests, as an earlier replay sent them, for a worker to run ahead of need.
    At most AHEAD_REQUESTS and AHEAD_BYTES are out ahead of the one the check is waiting for: that
    stays far below a socket's buffer, so sending never blocks while the worker's replies wait to
    be read (however large they are). They are topped up once half of them were answered, in one
    send, rather than one by one."""

    AHEAD_REQUESTS = 32
    AHEAD_BYTES = 48 * 1024

    def __init__(self, items: list[bytes]):
        self.items = items
        self.next = 0       # the request the check asks for next
        self.sent = 0       # requests sent so far
        self._ahead = 0     # bytes sent beyond the one being answered

    # Requests whose replies decide what the check asks next, by name: what a submission defines,
    # a function's parameters, an object's attributes. Nothing is sent beyond one of these before
    # its reply is read, so a submission that names things differently diverges before anything
    # went ahead, and the check goes on (with another kind of script, or none) in the same worker.
    NAMING = (b'{"h": {"op": "attrs"', b'{"h": {"op": "signature"', b'{"h": {"op": "defined"')

    def follows(self, message: bytes) -> bool:
        return self.next < len(self.items) and self.items[self.next] == message

    @classmethod
    def switch(cls, kinds: list[list[bytes]], old: "_Script", message: bytes) -> "_Script | None":
        asked = old.items[:old.next]
        for items in kinds:
            if len(items) > len(asked) and items[len(asked)] == message and items[:len(asked)] == asked:
                script = cls(items)
                script.next = script.sent = len(asked)
                return script
        return None

    def to_send(self) -> list[bytes]:
        """The check asked for request ``next``: what to send now (it, if not yet sent, and the ones
        after it that fit), and the books kept for the next call."""
        current = self.next
        self.next += 1
        out = []
        if self.sent <= current:
            out.append(self.items[current])
            self.sent = current + 1
        else:
            self._ahead -= len(self.items[current])
            if self.sent - current - 1 >= self.AHEAD_REQUESTS // 2:
                return out   # enough are out: topped up in batches, not a send (and a wake-up) per call
        while (self.sent < len(self.items) and self.sent - current <= self.AHEAD_REQUESTS
               and self._ahead + len(self.items[self.sent]) <= self.AHEAD_BYTES
               and not self.items[self.sent - 1][4:].startswith(self.NAMING)):
            out.append(self.items[self.sent])
            self._ahead += len(self.items[self.sent])
            self.sent += 1
        return out


class Template:
    """A worker that has loaded the submission and runs nothing else: each exercise's worker is
    forked from it, so a submission is loaded once, not once per exercise, and every exercise
    still starts from the state loading left (nothing an earlier exercise did in memory carries
    over). The exercises of one submission share its scratch folder and /tmp, as it is one student's.

    The loaded worker runs the student's code too, so it is trusted with nothing: whatever it says
    is checked, and when it does not answer as it should (it hangs, dies, or its reply is not a
    pid or a status), it is killed with everything forked from it, through the zygote."""

    REAP_TIMEOUT_S = 5.0

    def __init__(self, worker: WorkerProcess):
        self.worker = worker

    @property
    def alive(self) -> bool:
        return self.worker.alive

    def fork(self) -> WorkerProcess:
        """A worker for the next exercise. Raises WorkerLost (the template is then gone) when none
        could be forked."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            try:
                pid = self.worker.request({"op": "fork"}, fds=[theirs.fileno()])
            finally:
                theirs.close()
            if not wire.is_int(pid) or pid <= 1:
                raise WorkerLost("crashed", f"the loaded worker answered a fork with {str(pid)[:40]!r}, not a pid")
            return WorkerProcess(self, self.worker.limits, ours, int(pid), None)
        except (StudentCodeRaised, InternalError) as exc:
            # fork() failed in there: the uid's process limit, shared by every worker of the machine,
            # reached by someone else's code (EAGAIN), or this submission's own doing. Either way
            # the exercise gets a worker from the zygote instead (WorkerSubmission.fresh).
            ours.close()
            self.close()
            raise WorkerLost("crashed", f"the loaded worker could not fork: {exc}") from None
        except BaseException:
            ours.close()
            self.close()
            raise

    def _reap(self, pid: int, kill: bool, wait_s: float) -> str | None:
        """How the forked worker ``pid`` ended (None: not within ``wait_s``), ending it first when
        ``kill``. A template that does not answer properly, or cannot end it, is killed itself."""
        ended = None   # how the template itself ended, if it did: its forks die the same way
        try:
            status = self.worker.request({"op": "reap", "pid": pid, "kill": kill, "wait_s": wait_s},
                                         timeout=wait_s + self.REAP_TIMEOUT_S)
        except WorkerLost as exc:
            status, ended = False, exc.status
        except (StudentCodeRaised, InternalError):
            status = False
        if status is None:   # still running: as asked (kill: the signal is sent; it is reaped later)
            return None
        if not wire.is_int(status):
            self.close()   # and whatever it forked with it (they have a parent-death signal)
            return ended if ended and ended != "no exit status" else None
        return confine.wait_status_text(int(status))

    def kill(self, pid: int) -> str | None:
        return self._reap(pid, kill=True, wait_s=0.0)

    def status(self, pid: int, wait_s: float = 2.0) -> str | None:
        return self._reap(pid, kill=False, wait_s=wait_s)

    def close(self) -> None:
        self.worker.kill()


def _malformed_message(exc: Exception) -> str:
    text = str(exc)
    if "over the limit" in text:
        return (f"your code returned a value too large to send back ({text}). Return arrays of the size the "
                f"exercise asks for; the grader only accepts results up to {wire.MAX_MESSAGE_BYTES // 2**20} MiB.")
    return (f"the worker running your code sent back a malformed reply ({text}). This is your code's doing, "
            f"not the grader's: does it change the grader's modules, sys.stdout or sockets inside the worker?")


def _crash_message(status: str, limits: Limits) -> str:
    hint = ""
    if "SIGKILL" in status or "SIGSEGV" in status:
        hint = f" It may have run out of memory (the limit is {limits.memory_mb} MiB) or crashed in native code."
    elif "SIGXCPU" in status:
        hint = " It used up its CPU-time limit."
    elif status == "exit status 70":
        hint = " The worker could not start; this is a grader problem, please report it."
    elif status.startswith("exit status"):
        hint = (" Something in your code ended the process: os._exit, sys.exit in a thread, os.abort, or a library "
                f"that gave up, for instance on the worker's limit of {PROCESS_LIMIT} processes and threads.")
    return f"the worker running your code stopped unexpectedly ({status}).{hint}"


class WorkerSubmission(Submission):
    """The student's code in a worker process. Plain data in, plain data out."""

    def __init__(self, assignment: Assignment, zygote: Zygote, units: Sequence[CodeUnit], reference: Any = None,
                 files: Sequence[tuple[str, Path]] = (), device: str = "cpu"):
        super().__init__(assignment, reference)
        self.device = device   # "cuda": each exercise's worker runs torch code on the GPU (grader.devices)
        # (relative name, path): the course's support modules first (grader.spec.Assignment.support),
        # then the submission's own files, copied for each worker; a file of the submission never
        # replaces one of the course's
        self.files = [*support_files(assignment), *files]
        self.zygote = zygote
        self.units = list(units)
        self.worker: WorkerProcess | None = None
        self.template: Template | None = None
        self.forks = True   # False once forking from the loaded worker failed: then load per exercise
        self.load_notes: list[list[str]] = []
        self._defined_names: list[str] | None = None
        self._loaded_names: list[str] | None = None   # what the template defined after loading
        self._cache: dict[tuple[str, Any, str | None], Any] = {}
        self._globals: dict[str, Any] = {}   # what define() set, set again in every new worker
        # Each check's requests as the last replay that passed sent them (shared by the grading
        # process's submissions: grader.runner), sent ahead for the next one; None: never.
        self.scripts: dict[str, list[list[bytes]]] | None = None
        self._check_start: tuple[WorkerProcess | None, int] = (None, 0)

    SCRIPTS_PER_CHECK = 8

    @contextlib.contextmanager
    def scripted(self, key: str, again: bool = False) -> Iterator[ScriptRun]:
        run = ScriptRun()
        if self.scripts is None:
            yield run
            return
        worker = self._live()
        self._check_start = (worker, len(worker.log or []))   # what rewind() runs again
        worker.begin_script(None if again else self.scripts.get(key))
        try:
            yield run
        finally:
            polluted, recording = worker.end_script()
            if polluted and worker is self.worker:
                self._end_worker()   # it ran requests the check never asked for
            if run.passed and recording and worker is self.worker and worker.alive:
                kinds = [k for k in self.scripts.get(key, []) if k != recording] + [recording]
                self.scripts[key] = kinds[-self.SCRIPTS_PER_CHECK:]   # the latest last; the oldest kind goes

    # --- worker lifecycle ---------------------------------------------------------------------
    def fresh(self) -> None:
        """A new worker holding the loaded submission (the old one, if any, is ended): forked from
        the template, which is loaded first when there is none."""
        self._end_worker()
        for _ in range(2 if self.forks else 0):   # a template the last exercise killed is loaded again
            if self.template is None or not self.template.alive:
                self._drop_template()
                self.template = Template(self._loaded_worker())   # a failed load is the exercise's result
                self._loaded_names = self._defined_names
            try:
                self.worker = self.template.fork()
                break
            except WorkerLost:
                self.template = None              # fork() ended it
        else:
            self.forks = False                    # a submission that breaks fork() is loaded per exercise
        if self.worker is None:
            self.worker = self._loaded_worker()
        else:
            self._defined_names = self._loaded_names
        if self.device != "cpu":   # here, not in the template: a CUDA context does not survive a fork
            self.worker.request({"op": "device", "name": self.device})
        if self._globals:
            buffers: list[bytes] = []
            self.worker.request({"op": "define", "values": wire.encode(self._globals, buffers)}, buffers)
            self._defined_names = self.worker.request({"op": "defined"})
        self.worker.log = []

    def _loaded_worker(self) -> WorkerProcess:
        """A worker from the zygote with the submission loaded into it."""
        worker = WorkerProcess.spawn(self.zygote, self.assignment.limits, self.files)
        try:
            plain = [[u.source, u.filename, u.lineno, u.where] for u in self.units]
            self.load_notes = worker.request({"op": "load", "units": plain, "import_as": list(self.assignment.import_as)},
                                             timeout=self.assignment.limits.load_timeout_s)
            self._defined_names = worker.request({"op": "defined"})
        except BaseException:
            worker.kill()
            raise
        return worker

    def state(self) -> Any:
        return {**super().state(), "globals": dict(self._globals)}

    def set_state(self, state: Any) -> None:
        super().set_state(state)
        if state["globals"] != self._globals:
            self._globals = dict(state["globals"])
            self._end_worker()   # the next worker gets these globals, not the ones this one has

    def restart(self) -> None:
        self._end_worker()

    def rewind(self) -> None:
        """A new worker in the state the running check started from: a fork of the loaded
        submission that runs again every request the last one ran before the check began. (After a
        script diverged, the last one also ran requests the check never asked for; replaying the
        check from this state gives the verdict it would have had without a script.)"""
        worker, mark = self._check_start
        before = list((worker.log or [])[:mark]) if worker is not None else []
        self._end_worker()
        self._live().run_again(before)

    def _end_worker(self) -> None:
        self._cache.clear()
        if self.worker is not None:
            self.worker.kill()
            self.worker = None

    def _drop_template(self) -> None:
        if self.template is not None:
            self.template.close()
            self.template = None

    def close(self) -> None:
        """End the worker and the template it was forked from."""
        self._end_worker()
        self._drop_template()

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
        asked = self._target(target)
        key: tuple[str, Any, str | None] = ("signature", asked, method)
        about = self._live().known(asked, methods=True) if isinstance(asked, int) and method else None
        if about is not None and method not in about.own:
            key = ("class signature", about.type, method)   # a method of its class: the same for all of them
        if key not in self._cache:
            plain = self._request({"op": "signature", "target": asked, "method": method})
            self._cache[key] = None if plain is None else Signature.from_plain(plain)
        return self._cache[key]

    def _methods(self, handle: Any) -> list[str]:
        key = ("attrs", self._target(handle), None)
        if key not in self._cache:
            about = self._live().known(key[1])
            self._cache[key] = list(about.attrs) if about is not None else \
                self._request({"op": "attrs", "target": key[1]})
        return self._cache[key]

    def _call(self, target: Any, method: str | None, args: list[Any], kwargs: dict[str, Any],
              arguments_after: bool = False) -> Any:
        buffers: list[bytes] = []
        header = {"op": "call", "target": self._target(target), "method": method,
                  "args": wire.encode(list(args), buffers), "kwargs": wire.encode(dict(kwargs), buffers)}
        if arguments_after:
            header["arguments_after"] = True
        return self._timed(header, buffers)

    def _call_returning_arguments(self, target: Any, args: list[Any], kwargs: dict[str, Any],
                                  method: str | None = None) -> tuple[Any, list[Any], dict[str, Any]]:
        reply = self._call(target, method, args, kwargs, arguments_after=True)
        if not (isinstance(reply, list) and len(reply) == 3 and isinstance(reply[1], list) and len(reply[1]) == len(args)
                and isinstance(reply[2], dict) and set(reply[2]) == set(kwargs)):
            raise MalformedReply("a call asked for its arguments back, and the reply is not the result and them")
        return reply[0], reply[1], reply[2]

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

    def _timed(self, header: dict[str, Any], buffers: list[bytes]) -> Any:
        """A call into the student's code, stopped at its own limit or at the end of the running
        check's budget (grader.suite.CheckRun), whichever comes first (each says which it was)."""
        run = current_check()
        limit = run.call_timeout_s if run is not None else self.assignment.limits.call_timeout_s
        deadline = run.deadline if run is not None else None
        if deadline is None or deadline - time.monotonic() >= limit:
            return self._live().request(header, buffers, timeout=limit)
        budget = self.assignment.limits.check_budget_s
        spent = WorkerLost("timeout", f"this check's calls into your code took more than {budget:g} s in all "
                                      f"(its time budget) and it was stopped, though no single call reached its "
                                      f"{limit:g} s limit. Is your code far slower than it needs to be?")
        left = deadline - time.monotonic()
        if left <= 0:
            raise spent
        try:
            return self._live().request(header, buffers, timeout=left)
        except WorkerLost as exc:
            if exc.reason == "timeout":
                raise spent from None
            raise
