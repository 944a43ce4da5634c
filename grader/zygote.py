"""The zygote: a warm parent that has imported numpy and torch and forks workers on request.

The grader starts it once per grading process (under bubblewrap when available, see
:mod:`grader.sandbox`) and talks to it over a SOCK_SEQPACKET control socket:

- ``spawn`` (with the worker's socket passed as a file descriptor): fork a worker, apply its limits,
  reply with its pid;
- ``status``: wait briefly for a worker to end and say how it ended.

Forking from here means a submission pays for its own code, not for ``import torch``.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import signal
import socket
import sys

_CLONE_NEWNET = 0x40000000
_PR_SET_PDEATHSIG = 1
_NOBODY = 65534


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _virtual_memory_bytes() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def apply_limits(limits: dict) -> None:
    """rlimits for the worker. Memory is on top of what the warm parent already maps."""
    memory = _virtual_memory_bytes() + int(limits["memory_mb"]) * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(limits["cpu_s"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (16 * 2**20, 16 * 2**20))
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # a too-large file write fails, it does not kill


def isolate(sandboxed: bool) -> list[str]:
    """Cut the network and drop root when bubblewrap has not already done so. Returns what held."""
    if sandboxed:
        return ["bubblewrap"]
    held = []
    if _libc().unshare(_CLONE_NEWNET) == 0:
        held.append("no network")
    if os.getuid() == 0 and all(_world_readable(p) for p in (sys.prefix, sys.base_prefix)):
        os.setgroups([])
        os.setgid(_NOBODY)
        os.setuid(_NOBODY)
        resource.setrlimit(resource.RLIMIT_NPROC, (512, 512))
        held.append("uid nobody")
    return held


def _world_readable(path: str) -> bool:
    """Whether ``nobody`` could import from ``path``: every ancestor searchable, the folder readable.
    (Python installed under /root, as pyenv does, is not; dropping to nobody would break imports.)"""
    current = os.path.abspath(path)
    if not os.stat(current).st_mode & 0o004:
        return False
    while True:
        if not os.stat(current).st_mode & 0o001:
            return False
        parent = os.path.dirname(current)
        if parent == current:
            return True
        current = parent


def _become_worker(conn: socket.socket, request: dict, sandboxed: bool) -> None:
    """In the forked child: never returns."""
    try:
        os.setsid()   # its own process group, so the grader can kill everything it starts
        _libc().prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        isolate(sandboxed)
        os.chdir(request["scratch"])
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        apply_limits(request["limits"])
        from grader import worker
    except BaseException:  # noqa: BLE001 - the grader reads exit status 70 as "could not start"
        os._exit(70)
    try:
        worker.run(conn, int(request["limits"]["output_kb"]) * 1024)
    finally:
        os._exit(0)


def _status_text(status: int) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        return f"killed by signal {sig} ({signal.Signals(sig).name})"
    return f"exit status {os.WEXITSTATUS(status)}"


def serve(control: socket.socket, sandboxed: bool) -> None:
    ended: dict[int, str] = {}
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(control, 65536, 1)
        except OSError:
            return
        if not data:
            return
        request = json.loads(data)
        ended.update(_reap())   # no zombies pile up between status requests
        if request["op"] == "spawn":
            conn = socket.socket(fileno=fds[0])
            pid = os.fork()
            if pid == 0:
                control.close()
                _become_worker(conn, request, sandboxed)
            conn.close()
            control.send(json.dumps({"pid": pid}).encode())
        elif request["op"] == "status":
            control.send(json.dumps({"status": _wait(int(request["pid"]), float(request["wait_s"]), ended)}).encode())


def _wait(pid: int, wait_s: float, ended: dict[int, str]) -> str | None:
    import time
    deadline = time.monotonic() + wait_s
    while True:
        for other in list(_reap()):
            ended[other[0]] = other[1]
        if pid in ended:
            return ended.pop(pid)
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.01)


def _reap():
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        yield pid, _status_text(status)


def main() -> None:
    control_fd, sandboxed = int(sys.argv[1]), sys.argv[2] == "1"
    _libc().prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    import numpy  # noqa: F401 - warm imports are the point of the zygote
    try:
        import torch  # noqa: F401
    except ImportError:
        pass
    import grader.worker  # noqa: F401
    control = socket.socket(fileno=control_fd)
    control.send(b'{"ready": true}')
    serve(control, sandboxed)


if __name__ == "__main__":
    main()
