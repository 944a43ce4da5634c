"""Fixtures for the engine's own tests: a tiny in-memory assignment and a zygote per sandbox kind."""

from __future__ import annotations

import os
import textwrap
import types
from pathlib import Path

import pytest

from grader.sandbox import SANDBOX_ENV, SandboxUnavailable, WorkerSubmission, Zygote, bubblewrap_works
from grader.spec import Assignment, Limits, NameSpec, Tolerance


# Generous limits: a test that is not about a limit must not hit one on a busy machine (the
# harness trains a small model; under a load of 30 that takes seconds). Tests about limits set theirs.
def tiny_assignment(limits: Limits = Limits(call_timeout_s=60, load_timeout_s=60, memory_mb=512),
                    names: dict[str, NameSpec] | None = None) -> Assignment:
    here = Path(__file__).parent
    return Assignment(id="tiny", title="tiny", version="1", root=here, project_root=here.parent.parent,
                      reference=here, suite=here, starter=None, exercises=(), names=names or {},
                      tolerances={"float64": Tolerance(1e-7, 1e-7), "float32": Tolerance(1.3e-6, 1e-5)},
                      limits=limits)


def write(path: Path, text: str) -> Path:
    """``text``, dedented, into ``path`` (its folders made): a course or a submission written by a test."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def units(source: str) -> list[types.SimpleNamespace]:
    """The whole source as one code unit (the loader's job is tested elsewhere)."""
    return [types.SimpleNamespace(source=source, filename="student.py", lineno=1, where="line 1")]


SANDBOXES = ["bubblewrap", "namespaces", "rlimits"]


def start_zygote(kind: str, scratch: Path) -> Zygote:
    """A zygote of ``kind``, or a skip that says why this machine cannot have one. Root with an
    interpreter that nobody can read cannot run ``rlimits`` (there is no way to drop root): that
    refusal is itself tested in test_sandbox.py."""
    if kind == "bubblewrap" and not bubblewrap_works():
        pytest.skip("bwrap is not installed or cannot create namespaces here (.ci/run installs it)")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(SANDBOX_ENV, kind)
        try:
            return Zygote(scratch, hidden=[Path(__file__).parent.parent.parent / "reference"])
        except SandboxUnavailable:
            if kind == "rlimits" and os.getuid() == 0:
                pytest.skip("rlimits cannot drop root here (nobody cannot read the interpreter); "
                            "test_isolation.py tests that refusal")
            raise


@pytest.fixture(scope="module", params=SANDBOXES)
def zygote(request, tmp_path_factory):
    z = start_zygote(request.param, tmp_path_factory.mktemp("scratch"))
    yield z
    z.close()


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


@pytest.fixture
def load(zygote):
    """load(source) -> a WorkerSubmission with a fresh worker running ``source``."""
    started = []

    def make(source: str, assignment: Assignment | None = None) -> WorkerSubmission:
        sub = WorkerSubmission(assignment or tiny_assignment(), zygote, units(source))
        sub.fresh()
        started.append(sub)
        return sub
    yield make
    for sub in started:
        sub.close()
