"""Run one ``grader grade`` of the hostile corpus inside a pid namespace of its own, and report.

    unshare --pid --fork --mount-proc PYTHON contain.py REPORT.json TIMEOUT_S -- grader grade ...

Some cases signal every process they can see (``kill(-1, SIGKILL)``, every pid in /proc). On a
machine where the sandbox lets that through they would kill the test runner and whatever else runs
as the same user, so the grading run gets a pid namespace of its own: a signal from inside reaches
this process's descendants at most, and when this process (the namespace's init) exits, the kernel
kills everything still running in it, daemons included. Before that, it records what the test
asserts on:

- the exit status of the command (or that it was stopped at TIMEOUT_S), and its output;
- ``ps -eo pid,ppid,args`` of the namespace after the command ended (a second later, to let the
  dying go), so the test can find processes the run left behind;
- whether the decoy ``sleep 9191`` started here before the run (a process of the instructor's,
  outside the sandbox) is still alive;
- every connection made to the TCP listener on 127.0.0.1:47771 ([::1] too) and to the abstract
  unix socket ``@grader-hostile-listener``, which a sandbox without network must make unreachable.

Only the standard library is used: this file runs outside the project's virtualenv's site-packages
and never imports the grader.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

DECOY = ["sleep", "9191"]
PORT = 47771
ABSTRACT = b"\0grader-hostile-listener"


def listen(connections: list[str]) -> list[socket.socket]:
    """Listening sockets that record who connects (and what they send first) in ``connections``."""
    sockets = []
    for family, address in ((socket.AF_INET, ("127.0.0.1", PORT)), (socket.AF_INET6, ("::1", PORT)),
                            (socket.AF_UNIX, ABSTRACT)):
        try:
            server = socket.socket(family, socket.SOCK_STREAM)
            if family != socket.AF_UNIX:
                server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            server.bind(address)
            server.listen(16)
        except OSError as exc:
            connections.append(f"(could not listen on {address!r}: {exc})")
            continue
        sockets.append(server)
        threading.Thread(target=_accept, args=(server, address, connections), daemon=True).start()
    return sockets


def _accept(server: socket.socket, address, connections: list[str]) -> None:
    while True:
        try:
            conn, peer = server.accept()
        except OSError:
            return
        conn.settimeout(0.5)
        try:
            first = conn.recv(200)
        except OSError:
            first = b""
        connections.append(f"connection to {address!r} from {peer!r}: {first[:200]!r}")
        conn.close()


def main() -> int:
    report_path, timeout_s = sys.argv[1], float(sys.argv[2])
    command = sys.argv[sys.argv.index("--") + 1:]
    connections: list[str] = []
    servers = listen(connections)
    decoy = subprocess.Popen(DECOY, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.monotonic()
    # A session of its own, so a timeout can stop the command and everything in its process group.
    run = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           start_new_session=True)
    # Read the output in a thread: processes that left the command's group (a grading pool starts
    # sessions of its own) keep the pipe open, and must not make this wait forever.
    chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: chunks.extend(iter(lambda: run.stdout.read(65536), b"")), daemon=True)
    reader.start()
    timed_out = False
    try:
        run.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        timed_out = True
        try:
            os.killpg(run.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        run.wait()
    seconds = time.monotonic() - started
    time.sleep(1.5)
    processes = subprocess.run(["ps", "-eo", "pid,ppid,args"], capture_output=True, text=True).stdout
    decoy_alive = decoy.poll() is None
    # This process is the namespace's init: kill(-1) reaches every other process in it, whatever
    # session it started, so the output pipe closes.
    try:
        os.kill(-1, signal.SIGKILL)
    except OSError:
        pass
    reader.join(timeout=10)
    output = b"".join(chunks)
    report = {"returncode": run.returncode, "timed_out": timed_out, "seconds": round(seconds, 1),
              "output": output.decode(errors="replace")[-20000:], "ps": processes, "self_pid": os.getpid(),
              "decoy_pid": decoy.pid, "decoy_alive": decoy_alive, "connections": list(connections)}
    with open(report_path, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=1)
    for server in servers:
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
