"""Recorded cases give the live engine's verdicts, check for check, on every assignment.

For each assignment: its mutants, alternatives, reference and starter graded in this process on every
check, once replaying the recorded cases and once drawing live; then its example class graded
through the CLI and sandboxed workers both ways, with the assignment's own limits (a busy machine
must not time out an honest call in one run and not the other). The status of every check must
agree; where the check was replayed, its message and smallest failing input too (where it was not,
both runs are the same live code, and a training check's message may quote a time). Marked slow:
it grades everything twice.
"""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import pytest

from grader import cases
from grader.checks import run_check
from grader.cli import main
from grader.submission import LocalSubmission
from variants import load_variant
from variants.contract import Subject

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """The students' code runs here, in-process: on one torch thread, as in a worker. With more, a
    training budget's CPU time would grow with the threads' spinning, which depends on the load."""
    import torch
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)

SUBJECTS = {"cnn-numpy": "cnn_numpy", "rnn-scratch": "rnn_scratch", "seq-models": "seq_models", "pa3-rnn": "pa3_rnn",
            "sparse-autoencoder": "sparse_autoencoder", "cs231n-layers": "cs231n_layers",
            "cs231n-convnet": "cs231n_convnet", "activity-rnn": "activity_rnn", "cs231n-pytorch": "cs231n_pytorch",
            "lab2-autograd": "lab2_autograd", "lab1-tensors": "lab1_tensors",
            "lab3-regression": "lab3_regression", "lab4-feedforward": "lab4_feedforward", "lab5-cnn": "lab5_cnn",
            "lab12-vae": "lab12_vae", "lab8-regularization": "lab8_regularization",
            "lab6-transfer": "lab6_transfer",
            "lab9-rnn": "lab9_rnn", "lab10-lstm": "lab10_lstm"}


def graded(subject: Subject, module, recorded: cases.Recorded | None) -> dict[str, tuple]:
    out = {}
    for check in subject.assignment.checks:
        submission = LocalSubmission(subject.assignment, module, reference=subject.reference)
        result = run_check(subject.suite, check, submission, cases=recorded.for_check(check.id) if recorded else None)
        out[check.id] = (result.status, result.message, result.counterexample)
    return out


def _plain(text: str) -> str:
    """Without memory addresses, which differ between any two runs (an object's default repr)."""
    return re.sub(r" at 0x[0-9a-f]+", " at 0x…", text)


def _budget_stopped(*messages: str) -> bool:
    """A training run that the grader's harness stopped at its time budget reports how far it got,
    which depends on how busy the machine was: its message is not compared, its status is."""
    return any("training (budget)" in m for m in messages)


def disagreements(name: str, live: dict[str, tuple], replayed: dict[str, tuple], recorded: cases.Recorded) -> list[str]:
    found = []
    for cid, (status, message, example) in live.items():
        other = replayed[cid]
        if other[0] != status:
            found.append(f"{name} {cid}: live {status.value}, replayed {other[0].value}")
        elif recorded.for_check(cid) is not None and not _budget_stopped(message, other[1]) and \
                _plain(f"{other[1]}{other[2]}") != _plain(f"{message}{example}"):
            found.append(f"{name} {cid}: the same status, another message or input:\n  {message[:300]!r}\n  "
                         f"{other[1][:300]!r}")
    return found


@pytest.mark.parametrize("assignment_id", sorted(SUBJECTS))
def test_variants_get_the_same_verdict_replayed_and_live(assignment_id):
    module_name = SUBJECTS[assignment_id]
    subject = Subject(assignment_id, importlib.import_module(f"variants.{module_name}"),
                      reference=f"reference.{module_name}")
    recorded = cases.ensure(subject.assignment, subject.suite.functions, subject.reference)
    assert recorded.cases, "nothing was recorded"
    found = []
    modules = [("reference", subject.reference), ("starter", subject.starter_module())]
    modules += [(v.name, load_variant(subject.reference_path, v)) for v in subject.mutants + subject.alternatives]
    for name, module in modules:
        found += disagreements(name, graded(subject, module, None), graded(subject, module, recorded), recorded)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("assignment_id", sorted(SUBJECTS))
def test_the_example_class_gets_the_same_verdicts_replayed_and_live(assignment_id, tmp_path):
    source = Path(__file__).resolve().parent.parent / "assignments" / assignment_id
    runs = {}
    for how in ("replayed", "live"):
        out = tmp_path / how
        assert main(["grade", str(source / "examples"), "-a", assignment_id, "-o", str(out), "-j", "2",
                     *(["--live"] if how == "live" else [])]) == 0
        results = [json.loads(p.read_text()) for p in sorted(out.glob("*.json"))]
        runs[how] = {r["student"]: {c["id"]: c["status"] for e in r["exercises"] for c in e["checks"]}
                     for r in results if isinstance(r, dict) and "exercises" in r}
    assert runs["replayed"] and runs["replayed"] == runs["live"]
