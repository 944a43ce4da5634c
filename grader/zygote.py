"""The zygote: a warm parent that has imported numpy and torch and forks workers on request.

The grader starts it once per grading process (see :mod:`grader.sandbox`), inside bubblewrap or
after confining itself (:func:`grader.confine.enter_view`), and talks to it over a SOCK_SEQPACKET
control socket:

- ``spawn`` (with the worker's socket passed as a file descriptor): start a worker, reply with an id;
- ``kill``: end a worker and everything it started, and say how it ended;
- ``status``: wait briefly for a worker to end and say how it ended.

Each worker has a *keeper*: the zygote forks the keeper, the keeper enters a new pid namespace and
forks the worker, which is pid 1 there. When the worker ends, or its keeper is killed (the worker
has a parent-death signal), the kernel kills every process left in that namespace: a student's
``setsid`` plus double fork dies with its exercise. From inside, no process outside its namespace
has a pid the worker could signal or trace. The keeper ends the way its worker ended, so the
zygote's wait status is the worker's.

Forking from here means a submission pays for its own code, not for ``import torch``.
"""

from __future__ import annotations

import ctypes
import importlib
import json
import os
import resource
import signal
import socket
import struct
import sys
import time

from grader import confine


def _virtual_memory_bytes() -> int:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 4 * 2**30   # no /proc: assume a warm parent of 4 GiB


def apply_limits(limits: dict, base_memory: int, gpu: bool = False) -> None:
    """rlimits for the worker. Memory is on top of what the warm parent already maps. With ``gpu``
    the limit is on data, not on address space: CUDA reserves tens of GiB of addresses it never
    backs, which an address-space limit refuses, and those reservations are not data."""
    memory = base_memory + int(limits["memory_mb"]) * 2**20
    resource.setrlimit(resource.RLIMIT_DATA if gpu else resource.RLIMIT_AS, (memory, memory))
    cpu = int(limits["cpu_s"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (16 * 2**20, 16 * 2**20))
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NPROC, (256, 256))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # a too-large file write fails, it does not kill


def world_readable(path: str) -> bool:
    """Whether ``nobody`` could import from ``path``: every ancestor searchable, the folder readable.
    (Python installed under /root, as pyenv does, is not; dropping to nobody would break imports.)"""
    current = os.path.abspath(path)
    if not os.path.exists(current) or not os.stat(current).st_mode & 0o004:
        return False
    while True:
        if not os.stat(current).st_mode & 0o001:
            return False
        parent = os.path.dirname(current)
        if parent == current:
            return True
        current = parent


class Config:
    """What the grader decided (see grader.sandbox): the mode, the view, and the scratch folder."""

    def __init__(self, plain: dict):
        self.mode: str = plain["mode"]                 # bubblewrap | namespaces | rlimits | none
        self.view = confine.View.from_plain(plain["view"])
        self.new_root: str = plain.get("new_root", "")
        self.scratch_root: str = plain["scratch_root"]
        self.warm: list[str] = ["numpy", *(str(n) for n in plain.get("warm", ["torch"]) if n != "numpy")]
        self.gpu: bool = bool(plain.get("gpu", False))


class Zygote:
    def __init__(self, control: socket.socket, config: Config):
        self.control = control
        self.config = config
        self.held: list[str] = []
        self.lacking: list[str] = []
        self.worker_flags = 0
        self.drop_uid = False
        self.ended: dict[int, str] = {}
        # How workers ended that the grader already asked about: a kill that follows (the usual
        # clean-up after a crash) answers at once instead of waiting for a pid already reaped.
        self.reported: dict[int, str] = {}
        self.base_memory = _virtual_memory_bytes()
        # Whether this process is root on the host. In ``namespaces`` mode a normal user becomes
        # uid 0 of its own user namespace (to mount the view); that is not root, and its workers
        # leave that namespace for one of their own, as under bubblewrap.
        self.host_uid = os.getuid()
        self.root = confine.really_root()

    # --- start-up, before any student code exists ---------------------------------------------
    def prepare(self) -> str | None:
        """Confine ourselves and find out what workers will get. Returns a refusal, or None."""
        mode = self.config.mode
        if mode == "namespaces":
            self.held += confine.enter_view(self.config.view, self.config.new_root)
        elif mode == "bubblewrap":
            self.held.append("bubblewrap: only the interpreter, site-packages and the grader's engine are visible; "
                             "network, IPC and UTS namespaces")
        elif mode in ("rlimits", "none"):
            try:
                confine.unshare(confine.CLONE_NEWNET)
                self.held.append("no network")
            except confine.ConfineError:
                self.lacking.append("a private network (the worker may reach the network)")
            self.lacking.append("a private filesystem view (the worker can read what nobody can read on "
                                "this machine)" if self.root else
                                "a private filesystem view (the worker can read what the grader's user can)")
        confine.prctl(confine.PR_SET_DUMPABLE, 0)   # workers cannot trace or read the zygote
        self.worker_flags = self._probe_worker_namespaces()
        if self.worker_flags:
            self.held.append("a pid namespace per exercise (everything a student starts dies with it)")
        else:
            self.lacking.append("a pid namespace per exercise (processes a student starts with setsid may "
                                "outlive it; the worker can signal other processes of its uid)")
        if self.root:
            readable = all(world_readable(p) for p in (sys.prefix, sys.base_prefix, os.path.dirname(confine.__file__)))
            if readable:
                self.drop_uid = True
                self.held.append("uid nobody")
            elif mode != "none":
                return ("cannot run student code as an unprivileged user: the grader runs as root, the Python "
                        f"interpreter ({sys.base_prefix}) is not readable by `nobody`, and bubblewrap/namespaces "
                        "are not available. Install bubblewrap (apt-get install bubblewrap), or run the grader as "
                        "a normal user, or install Python where every user can read it. To grade without a "
                        "sandbox anyway, set GRADER_SANDBOX=none (every report will say so).")
            else:
                self.lacking.append("an unprivileged uid (student code ran as root: GRADER_SANDBOX=none)")
        else:
            self.held.append(f"uid {self.host_uid} (not root)" if self.host_uid else
                             "uid 0 of a user namespace mapped to a normal user (not root)")
        return None

    def _probe_worker_namespaces(self) -> int:
        # As root never a user namespace: its uid 65534 would be root outside.
        nested = 0 if self.root else confine.CLONE_NEWUSER
        for flags in (confine.CLONE_NEWPID | confine.CLONE_NEWNS | nested, confine.CLONE_NEWPID | nested):
            pid = os.fork()
            if pid == 0:
                try:
                    confine.enter_worker_namespaces(flags)
                    child = os.fork()
                    if child == 0:
                        os._exit(0 if os.getpid() == 1 else 1)
                    _, status = os.waitpid(child, 0)
                    os._exit(0 if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 else 1)
                except BaseException:  # noqa: BLE001 - any failure means "not available"
                    os._exit(1)
            _, status = os.waitpid(pid, 0)
            if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
                return flags
        return 0

    # --- workers --------------------------------------------------------------------------------
    def spawn(self, conn: socket.socket, request: dict) -> int:
        keeper = os.fork()
        if keeper == 0:
            try:
                self.control.close()
                self._keep(conn, request)
            finally:
                os._exit(70)
        conn.close()
        self.reported.pop(keeper, None)   # a pid used again
        return keeper

    def _keep(self, conn: socket.socket, request: dict) -> None:
        """In the keeper: new namespaces; then an init that is pid 1 there, and the worker under it
        (pid 2, so its signals behave as anywhere else). Each ends as its child ended."""
        confine.prctl(confine.PR_SET_PDEATHSIG, signal.SIGKILL)
        os.setsid()   # a session and process group of its own: the zygote's kill reaches all of it
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, signal.SIG_DFL)
        if self.worker_flags:
            confine.enter_worker_namespaces(self.worker_flags)
            # The init cannot end by a signal it sends itself (pid 1 ignores them), so it tells the
            # keeper the worker's wait status through a pipe, and the keeper ends that way.
            read_end, write_end = os.pipe()

            def worker() -> None:
                os.close(write_end)
                self._become_worker(conn, request)

            def init() -> None:
                os.close(read_end)
                _fork_and_mirror(worker, conn, report_fd=write_end)
            _fork_and_mirror(init, conn, report_fd=None, status_fd=read_end, close_fd=write_end)
        else:
            _fork_and_mirror(lambda: self._become_worker(conn, request), conn)

    def _become_worker(self, conn: socket.socket, request: dict) -> None:
        """In the worker: never returns. Limits and isolation are in force before student code loads."""
        try:
            confine.prctl(confine.PR_SET_PDEATHSIG, signal.SIGKILL)
            scratch = request["scratch"]
            own_mounts = bool(self.worker_flags & confine.CLONE_NEWNS) and self.config.mode != "none"
            lacking = confine.isolate_worker(scratch, int(request["limits"].get("tmp_mb", 64)), own_mounts,
                                             self.config.view.under_tmp(), drop_uid=self.drop_uid)
            wire_hello(conn, lacking)
            os.chdir(scratch)
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            apply_limits(request["limits"], self.base_memory, self.config.gpu)
            from grader import worker
        except BaseException:  # noqa: BLE001 - the grader reads exit status 70 as "could not start"
            os._exit(70)
        try:
            worker.run(conn, int(request["limits"]["output_kb"]) * 1024)
        finally:
            os._exit(0)

    def kill(self, keeper: int) -> str | None:
        for kill in (os.killpg, os.kill):
            try:
                kill(keeper, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if keeper in self.reported:
            return self.reported.pop(keeper)
        return self.wait(keeper, 5.0)

    def status(self, pid: int, wait_s: float) -> str | None:
        """How a worker ended (None if it is still running after ``wait_s``), remembered for its kill."""
        status = self.wait(pid, wait_s)
        if status is not None:
            self.reported[pid] = status
        return status

    def wait(self, pid: int, wait_s: float) -> str | None:
        deadline = time.monotonic() + wait_s
        while True:
            self.ended.update(_reap())
            if pid in self.ended:
                return self.ended.pop(pid)
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.01)

    def serve(self) -> None:
        while True:
            try:
                data, fds, _, _ = socket.recv_fds(self.control, 65536, 1)
            except OSError:
                return
            if not data:
                return
            request = json.loads(data)
            self.ended.update(_reap())   # no zombies pile up between status requests
            op = request["op"]
            reply: dict[str, int | str | None]
            if op == "spawn":
                pid = self.spawn(socket.socket(fileno=fds[0]), request)
                reply = {"pid": pid}
            elif op == "kill":
                reply = {"status": self.kill(int(request["pid"]))}
            else:
                reply = {"status": self.status(int(request["pid"]), float(request["wait_s"]))}
            self.control.send(json.dumps(reply).encode())


def _fork_and_mirror(child, conn: socket.socket, report_fd: int | None = None, status_fd: int | None = None,
                     close_fd: int | None = None) -> None:
    """Fork; the child runs ``child`` (and never returns); this process drops the worker's socket,
    waits, and ends the way the child ended. With ``report_fd`` the child's wait status is also
    written there; with ``status_fd`` a status read from there (the worker's, from an init) wins
    over the child's own. Never returns."""
    pid = os.fork()
    if pid == 0:
        try:
            confine.prctl(confine.PR_SET_PDEATHSIG, signal.SIGKILL)
            child()
        finally:
            os._exit(70)
    conn.close()
    if close_fd is not None:
        os.close(close_fd)
    status = 70 << 8
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except ChildProcessError:
            status = 70 << 8
            break
        except BaseException:  # noqa: BLE001 - a signal the student sent this process changes nothing
            continue
    if report_fd is not None:
        os.write(report_fd, struct.pack("!i", status))
    if status_fd is not None:
        reported = os.read(status_fd, 4)
        if len(reported) == 4:
            status = struct.unpack("!i", reported)[0]
    confine.mirror_exit(status)


def wire_hello(conn: socket.socket, lacking: list[str]) -> None:
    """The worker's first message, sent before any student code exists: what isolation it lacks."""
    from grader import wire
    wire.send(conn, {"hello": {"lacking": lacking, "uid": os.getuid()}})


def _reap():
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        yield pid, confine.wait_status_text(status)


def main() -> None:
    control_fd, config = int(sys.argv[1]), Config(json.loads(sys.argv[2]))
    confine.prctl(confine.PR_SET_PDEATHSIG, signal.SIGKILL)
    for name in config.warm:   # warm imports are the point of the zygote
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a package that does not import is the worker's to report
            pass
    import grader.worker
    grader.worker.seed_everything(0)   # imports what seeding needs (numpy.random loads lazily) once, here
    control = socket.socket(fileno=control_fd)
    zygote = Zygote(control, config)
    try:
        refusal = zygote.prepare()
    except confine.ConfineError as exc:
        refusal = f"could not set up the {config.mode} sandbox: {exc}"
    control.send(json.dumps({"ready": refusal is None, "refusal": refusal, "held": zygote.held,
                             "lacking": zygote.lacking}).encode())
    if refusal is None:
        zygote.serve()


if __name__ == "__main__":
    ctypes.CDLL(None)   # fail early and loudly where ctypes cannot load libc
    main()
