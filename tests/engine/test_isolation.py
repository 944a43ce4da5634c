"""What a worker can reach: never root, none of the instructor's files, nothing outside its own
processes, nothing left running after its exercise. Attacks sit in function bodies, as in a real
submission (the loader runs definitions only)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.errors import StudentCodeRaised, WorkerLost
from grader.sandbox import FALLBACK_ENV, SANDBOX_ENV, SandboxUnavailable, Zygote
from grader.spec import Limits
from grader.zygote import world_readable

from conftest import tiny_assignment, units

PROJECT = Path(__file__).resolve().parent.parent.parent
SLOW_CALLS = tiny_assignment(Limits(call_timeout_s=60, load_timeout_s=10, memory_mb=512))


def _running(marker: str) -> list[str]:
    ps = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout.splitlines()
    return [line for line in ps if marker in line and "ps -eo" not in line]


def test_student_code_never_runs_as_root(load):
    sub = load("import os\ndef ids(x):\n    return [os.getuid(), os.geteuid(), os.getgid(), *os.getgroups()]\n")
    assert 0 not in sub.function("ids")(x=1)


def test_the_project_and_its_history_are_not_there(load, zygote):
    if zygote.kind.startswith("rlimits"):
        pytest.skip("rlimits has no private view of the filesystem; its report says so: " + zygote.kind)
    sub = load(f"""
import glob, os, subprocess
def look(x):
    found = glob.glob({str(PROJECT)!r} + '/**', recursive=True)
    secret = [p for p in found if '/reference' in p or '/tests' in p or '/.git' in p or '/assignments' in p]
    git = subprocess.run(['git', '-C', {str(PROJECT)!r}, 'show', 'HEAD:reference/cnn_numpy.py'],
                         capture_output=True, text=True)
    anywhere = []
    for top in sorted(set(os.listdir('/')) - set(['usr', 'proc', 'sys', 'dev', 'lib', 'lib64', 'etc', 'bin', 'sbin'])):
        for folder, _, names in os.walk('/' + top):
            anywhere += [folder + '/' + n for n in names if n == 'cnn_numpy.py' and 'site-packages' not in folder]
    return secret, git.returncode, anywhere, sorted(os.listdir({str(PROJECT)!r}))
""", SLOW_CALLS)   # walking the disk takes seconds on a busy machine
    secret, git_status, anywhere, listing = sub.function("look")(x=1)
    assert secret == [] and anywhere == []
    assert git_status != 0
    assert ".git" not in listing and "reference" not in listing


def test_the_grader_is_out_of_reach(load, zygote):
    if zygote.kind.startswith("rlimits"):
        pytest.skip("rlimits has no pid namespace of its own here: " + zygote.kind)
    sub = load("""
import os, signal
def attack(x):
    seen = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())
    environ = []
    for pid in seen:
        try:
            environ.append(open(f'/proc/{pid}/environ', 'rb').read())
        except OSError:
            pass
    for target in (os.getppid(), -1, 1):
        try:
            os.kill(target, signal.SIGKILL)
        except OSError:
            pass
    try:
        os.killpg(os.getpgid(os.getppid()), signal.SIGKILL)
    except OSError:
        pass
    return seen, sorted(os.environ), b''.join(environ).count(b'GRADER')
""")
    try:
        seen, environment, grader_vars = sub.function("attack")(x=1)
    except WorkerLost:   # kill(-1) may take the worker itself: fine, as long as nothing else went
        seen, environment, grader_vars = [1, 2], [], 0
    assert max(seen) <= 3, seen          # its own namespace: its init, itself, perhaps a child
    assert grader_vars == 0 and not any(name.startswith("GRADER") for name in environment)
    assert os.getpid() > 0   # we are still here
    assert zygote.alive
    after = load("def f(x):\n    return x + 1\n")
    assert after.function("f")(x=1) == 2


def test_nothing_a_student_starts_outlives_the_exercise(load):
    sub = load("""
import os, subprocess
def daemonize(x):
    subprocess.Popen(['sleep', '7771'], start_new_session=True)
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            os.execvp('sleep', ['sleep', '7772'])
        os._exit(0)
    return 1
""")
    assert sub.function("daemonize")(x=1) == 1
    time.sleep(0.3)
    assert _running("sleep 777"), "the test did not start its daemons"
    sub.close()
    deadline = time.monotonic() + 5
    while _running("sleep 777") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _running("sleep 777") == []


def test_the_environment_is_cleared(load, monkeypatch):
    sub = load("import os\ndef env(x):\n    return dict(os.environ)\n")
    env = sub.function("env")(x=1)
    assert set(env) <= {"PATH", "HOME", "LANG", "TMPDIR", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "PWD",
                        "OPENBLAS_NUM_THREADS", "PYTHONDONTWRITEBYTECODE", "PYTHONHASHSEED", "PYTHONPATH",
                        "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"}


def test_a_patched_wire_is_the_students_fault(load):
    sub = load("""
def f(x):
    import grader.wire as w
    w.encode = lambda *a, **k: {'__nd__': 99, 'dtype': '<f8', 'shape': [10**12]}
    return x
def g(x):
    return x
""")
    with pytest.raises(WorkerLost) as info:
        sub.function("f")(x=1)
    assert info.value.reason == "crashed"
    assert "malformed reply" in info.value.detail and "grader problem" not in info.value.detail


def test_the_submissions_own_files_are_a_private_copy(zygote, tmp_path):
    from grader.sandbox import WorkerSubmission
    (tmp_path / "weights.txt").write_text("1 2 3")
    outside = tmp_path.parent / "elsewhere.txt"
    outside.write_text("secret")
    (tmp_path / "link.txt").symlink_to(outside)
    sub = WorkerSubmission(tiny_assignment(), zygote,
                           units("import os\ndef f(x):\n    return sorted(os.listdir('.')), open('weights.txt').read()\n"),
                           files=[("weights.txt", tmp_path / "weights.txt"), ("link.txt", tmp_path / "link.txt")])
    try:
        assert sub.function("f")(x=1) == (["weights.txt"], "1 2 3")
    finally:
        sub.close()


@pytest.mark.skipif(os.getuid() != 0, reason="the refusal is about running as root")
def test_root_without_a_way_to_drop_root_refuses_with_a_fix(tmp_path, monkeypatch):
    if all(world_readable(p) for p in (sys.prefix, sys.base_prefix)):
        pytest.skip(f"here nobody can read the interpreter ({sys.base_prefix}), so rlimits can drop root")
    monkeypatch.setenv(SANDBOX_ENV, "rlimits")
    with pytest.raises(SandboxUnavailable) as info:
        Zygote(tmp_path)
    assert "bubblewrap" in str(info.value) and "GRADER_SANDBOX=none" in str(info.value)


def test_an_unknown_sandbox_name_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv(SANDBOX_ENV, "docker")
    with pytest.raises(SandboxUnavailable, match="not a sandbox"):
        Zygote(tmp_path)


def test_opting_out_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv(SANDBOX_ENV, "none")
    z = Zygote(tmp_path)
    try:
        assert z.kind.startswith("NONE: sandboxing turned off")
    finally:
        z.close()


def test_student_errors_keep_coming_back_as_errors(load):
    sub = load("def f(x):\n    raise KeyError('k')\n")
    with pytest.raises(StudentCodeRaised):
        sub.function("f")(x=1)


@pytest.mark.parametrize("body, says", [
    ("import ctypes\n    ctypes.string_at(0)", "SIGSEGV"),
    ("import os, signal\n    os.killpg(0, signal.SIGKILL)", "SIGKILL"),
    ("import os\n    os._exit(3)", "exit status 3"),
])
def test_how_a_worker_ended_is_reported_as_it_ended(load, body, says):
    sub = load(f"def f(x):\n    {body}\n")
    with pytest.raises(WorkerLost) as info:
        sub.function("f")(x=1)
    assert says in info.value.detail and "grader problem" not in info.value.detail


def test_a_worker_holds_no_trusted_module(load):
    """The trust boundary in the import graph: the process that runs student code imports the wire,
    the boundary markers, the harness and the binding helpers, never the spec, the comparison, the
    suites or the reference (nothing there for a student's code to read or patch)."""
    sub = load("""
import sys
def modules(x):
    return sorted(name for name in sys.modules
                  if name.split('.')[0] in ('grader', 'reference', 'tests') or name.startswith('grader_suite'))
""")
    loaded = set(sub.function("modules")(x=1))
    assert {"grader.worker", "grader.wire", "grader.boundary"} <= loaded, loaded
    trusted = {"grader.spec", "grader.compare", "grader.suite", "grader.submission", "grader.results",
               "grader.runner", "grader.checks", "grader.report", "grader.export", "grader.sandbox", "reference",
               "tests"}
    assert not loaded & trusted and not any(name.startswith("grader_suite") for name in loaded), loaded & trusted


@pytest.mark.parametrize("variable, value", [(SANDBOX_ENV, "rlimits"), (SANDBOX_ENV, "none"), (FALLBACK_ENV, "rlimits")])
def test_no_forkserver_where_student_code_could_reach_its_socket(monkeypatch, variable, value):
    """A forkserver listens on a socket in this machine's /tmp and forks what a process that
    connects asks for. Bubblewrap and namespaces give the worker a /tmp of its own (the hostile case
    net_forkserver); a sandbox that leaves it the host's /tmp and the grader's uid gets a pool of
    processes started afresh instead."""
    from grader.processes import pool_context
    monkeypatch.delenv(SANDBOX_ENV, raising=False)
    monkeypatch.delenv(FALLBACK_ENV, raising=False)
    assert pool_context().get_start_method() == "forkserver"
    monkeypatch.setenv(variable, value)
    assert pool_context().get_start_method() == "spawn"


def test_no_forkserver_where_its_socket_would_not_fit(monkeypatch, tmp_path):
    """A unix socket's path holds 107 bytes: under a long TMPDIR the forkserver cannot listen, and
    a class run would stop before grading anyone. Its processes are started afresh there instead."""
    import tempfile
    from grader.processes import pool_context
    monkeypatch.delenv(SANDBOX_ENV, raising=False)
    monkeypatch.delenv(FALLBACK_ENV, raising=False)
    long = tmp_path / ("t" * 100)
    long.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(long))
    assert pool_context().get_start_method() == "spawn"
    monkeypatch.setattr(tempfile, "tempdir", "/tmp")
    assert pool_context().get_start_method() == "forkserver"
