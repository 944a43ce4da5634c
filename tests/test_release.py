"""What a student receives (grader release): a bundle that checks their work without the solutions.

Each bundle is built, copied where the project cannot be seen, installed into a fresh virtual
environment from its own wheel (numpy assignments without torch: the light install), and run on a
correct and a failing example. Its public verdicts must equal the instructor's run's, check for
check, except those it says only the instructor's run can decide; and nothing in it may give away a
hidden check or a line of the reference.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from grader.pipeline import grade_one
from grader.release import build_wheel, gradescope_autograder, leaks, student_bundle
from grader.spec import find_assignment, load_assignment

ROOT = Path(__file__).resolve().parent.parent

# assignment -> (a correct example, a failing one, the checks only the instructor's run can decide:
# they ask the reference about the student's own filters or weights)
RELEASED = {
    "cnn-numpy": ("examples/student_a.ipynb", "examples/doe_jane_40017_attempt_2026-10-03-14-22-10_cnn.ipynb",
                  {"cnn-numpy.conv-layer.maps-match-filters", "cnn-numpy.mlp.forward"}),
    "rnn-scratch": ("examples/kimlee_41877_2209314_rnn_scratch.py",
                    "examples/Smith Alex_123456_assignsubmission_file_rnn_scratch.ipynb",
                    {"rnn-scratch.sample.learns-word"}),   # measured on the student's own trained weights
    # training is measured on the student's own trained weights (decided here only when they equal the
    # reference's, as a student who trains exactly as the reference does)
    "seq-models": ("examples/kim_lee_40412_attempt_2026-11-15-20-11-09_seq_models.py",
                   "examples/poe_sam_40388_attempt_2026-11-15-23-58-41_addition_rnn.ipynb",
                   {"seq-models.rnn.training", "seq-models.lstm.training", "seq-models.gru.training"}),
    "pa3-rnn": ("examples/lindqvisterik_48213_6620017_pa3_rnn.py",
                "examples/Okafor Tunde_204117_assignsubmission_file_PA3_RNN.ipynb",
                {"pa3-rnn.vanilla-rnn.learns-digits", "pa3-rnn.vanilla-lstm.learns-digits",
                 "pa3-rnn.vanilla-gru.learns-digits",     # registered in a loop: the hidden ones are skipped
                 # measured on the student's trained weights: decided in the bundle only where the recorded
                 # answer's question comes up bit for bit, which depends on the machine (on an AMD EPYC one,
                 # at 3c22b22 too, it does not)
                 "pa3-rnn.binary-lstm.learns-addition"}),
    "sparse-autoencoder": ("examples/haldane_50213_2211408_sparse_autoencoder.py",
                           "examples/Marlow Quinn_318842_assignsubmission_file_MiniProject3.ipynb",
                           {"sparse-autoencoder.train.lowers-cost"}),   # the reference's cost of the trained weights
    # the course's cs231n package goes with the bundle: the examples import it
    "cs231n-layers": ("examples/oliveira_bruno_30977_attempt_2026-11-21-09-15-02_ConvolutionalNetworks.ipynb",
                      "examples/Keller Jonas_31250_assignsubmission_file_layers.py", set()),
    "activity-rnn": ("examples/santosluis_52290_2271840_activity_rnn.py",
                     "examples/Virtanen Mikko_284913_assignsubmission_file_activity_rnn.ipynb",
                     {"activity-rnn.training.learns-activities"}),   # the reference on the trained weights
    "cs231n-pytorch": ("examples/oseikwame_52291_7730144_pytorch.py",
                       "examples/Ferreira Lucas_215530_assignsubmission_file_PyTorch.ipynb",
                       {"cs231n-pytorch.open-ended.learns-cifar-like"}),
    "lab2-autograd": ("examples/mehtaanika_61204_3385127_lab2.py",
                      "examples/Rao Vikram_287415_assignsubmission_file_Lab2.ipynb", set()),
    "lab1-tensors": ("examples/raoananya_61842_7730551_lab1.py",
                     "examples/Menon Kiran_204518_assignsubmission_file_Lab1.ipynb", set()),
    "lab3-regression": ("examples/okaforchidi_52817_4410923_lab3.py",
                        "examples/Lindqvist Maja_318840_assignsubmission_file_Lab3.ipynb", set()),
    # the grader's loop trains the student's own MNISTFFN (its own initial weights) on the digits stand-in
    "lab4-feedforward": ("examples/adebayotunde_53102_6620841_lab4.py",
                         "examples/Nakamura Rei_318877_assignsubmission_file_Lab4.ipynb",
                         {"lab4-feedforward.mnist.learns-digits", "lab4-feedforward.confusion.value"}),
    # the grader's loop trains the student's own make_cnn on the generated FashionMNIST stand-in; the
    # confusion matrix is the one the student's own network's scores imply
    "lab5-cnn": ("examples/kulkarniaditya_61377_5520418_lab5.py",
                 "examples/Bhat Sneha_204733_assignsubmission_file_Lab5.ipynb",
                 {"lab5-cnn.fashion.learns", "lab5-cnn.confusion.value"}),
    # accuracies and validation losses of the student's own trained CNN are computed by the private module
    "lab6-transfer": ("examples/okonkwochidi_61207_7731502_lab6.py",
                      "examples/Lindqvist Maja_402913_assignsubmission_file_Lab6.ipynb",
                      {"lab6-transfer.evaluate.accuracy", "lab6-transfer.full.fine-tune",
                       "lab6-transfer.best.min-val-loss"}),
    "lab12-vae": ("examples/okonkwochidi_40417_8823106_lab12.py",
                  "examples/Lindqvist Astrid_402713_assignsubmission_file_Lab12.ipynb", set()),
    # the penalties and the SGD step are measured on the student's own network (its shapes, its gradients)
    "lab8-regularization": ("examples/fernandesmaya_53318_7731024_lab8.py",
                            "examples/Iyer Rohan_318902_assignsubmission_file_Lab8.ipynb",
                            {"lab8-regularization.l2.value", "lab8-regularization.l1.value",
                             "lab8-regularization.train.l2-weight-decay", "lab8-regularization.train.l2-manual",
                             "lab8-regularization.dropout-net.eval"}),
    # every answer the public checks need is recorded: the grader's own weights, data and training starts
    "lab9-rnn": ("examples/okoroemeka_53417_6620912_lab9.py",
                 "examples/Haugen Sigrid_318951_assignsubmission_file_Lab9.ipynb", set()),
    "lab10-lstm": ("examples/Farouk Amal_319004_assignsubmission_file_Lab10.ipynb",
                   "examples/brennanliam_53502_6620977_lab10.py", set()),
}


def _pip(venv: Path, *args: str) -> None:
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "-c", str(ROOT / "requirements.lock"),
                    *args], check=True, capture_output=True, timeout=1200)


def _fresh_venv() -> Path:
    """A fresh virtual environment outside the project, in a folder every user can read: pytest's own
    temporary folders are root's only when the tests run as root, and the sandbox's workers (uid
    nobody) import torch's submodules lazily from the venv. Removed with its folder by the caller."""
    folder = Path(tempfile.mkdtemp(prefix="grader-student-"))
    folder.chmod(0o755)
    subprocess.run([sys.executable, "-m", "venv", str(folder / "venv")], check=True)
    return folder / "venv"


@pytest.fixture(scope="module")
def venv():
    """A fresh virtual environment outside the project, with nothing of it installed."""
    path = _fresh_venv()
    yield path
    shutil.rmtree(path.parent, ignore_errors=True)


@pytest.fixture
def another_venv():
    path = _fresh_venv()
    yield path
    shutil.rmtree(path.parent, ignore_errors=True)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    return build_wheel(tmp_path_factory.mktemp("wheel"))


def _size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


@pytest.mark.slow
@pytest.mark.parametrize("aid", list(RELEASED))
def test_a_student_bundle_checks_like_the_instructor_without_the_solutions(aid, tmp_path, venv, wheel):
    assignment = load_assignment(find_assignment(aid))
    built = student_bundle(assignment, tmp_path / "dist", wheel=wheel, say=lambda s: None)
    assert leaks(built, assignment) == []
    # the test's own search, independent of the one release runs: no hidden id, no reference line
    text = b"".join(p.read_bytes() for p in built.rglob("*") if p.is_file() and p.suffix != ".whl")
    for check in (c for c in assignment.checks if c.hidden):
        assert check.id.encode() not in text and check.id.split(".", 1)[1].encode() not in text
    solution = assignment.reference.read_bytes()
    assert not any(p.is_file() and p.read_bytes() == solution for p in built.rglob("*"))
    assert not any(p.name == "reference" for p in built.rglob("*"))
    # elsewhere, as a student gets it
    bundle = Path(shutil.copytree(built, tmp_path / "home" / built.name))
    torch = "torch" in assignment.reference.read_text(encoding="utf-8")
    (whl,) = (bundle / ".grader" / "wheels").glob("*.whl")

    def has_torch() -> bool:
        return subprocess.run([str(venv / "bin" / "python"), "-c", "import torch"], capture_output=True).returncode == 0

    # The venv is shared by the module's bundles: a torch assignment's, installed earlier, brings torch.
    had_torch = has_torch()
    _pip(venv, f"{whl}[torch]" if torch else str(whl))
    if not torch and not had_torch:   # the light install: a numpy assignment's check needs no torch
        assert not has_torch()
    print(f"{aid}: virtual environment {_size_mb(venv):.0f} MiB after installing the bundle")

    correct, failing, instructor_only = RELEASED[aid]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    for example in (correct, failing):
        source = assignment.root / example
        mine = bundle / source.name
        shutil.copy(source, mine)
        out = tmp_path / f"{source.stem}.json"
        run = subprocess.run([str(venv / "bin" / "grader"), "check", mine.name, "--json", str(out), "-o", "reports"],
                             cwd=bundle, env=env, capture_output=True, text=True, timeout=900)
        assert run.returncode in (0, 1), run.stderr[-3000:]
        if any(c.hidden for c in assignment.checks):
            assert "hidden checks are graded after the deadline" in run.stdout
        theirs = {c["id"]: c for e in json.loads(out.read_text())["exercises"] for c in e["checks"]}
        ours = grade_one(assignment, source, public_only=True)
        expected = {c.check.id: c for e in ours.exercises for c in e.checks}
        assert set(theirs) == {k for k, c in expected.items() if not c.check.hidden}
        later = {k for k, c in theirs.items() if c["status"] == "instructor"}
        assert later <= instructor_only
        for key, check in theirs.items():
            if key in later:
                assert "your instructor's run grades it" in check["message"]
                continue
            assert check["status"] == expected[key].status.value, (key, check["message"][:500],
                                                                   expected[key].message[:500])
        if example == correct:
            assert all(c["status"] in ("passed", "instructor") for c in theirs.values())
        else:
            assert any(c["status"] == "failed" for c in theirs.values())


@pytest.mark.slow
def test_gradescope_autograder_scores_a_submission_as_grader_grade_does(tmp_path, wheel):
    """setup.sh and run_autograder in a simulated /autograder tree (AUTOGRADER_ROOT): the zip unpacked
    in source/, the submission in submission/, results.json out."""
    assignment = load_assignment(find_assignment("cnn-numpy"))
    archive = gradescope_autograder(assignment, tmp_path / "dist", wheel=wheel, say=lambda s: None)
    root = tmp_path / "autograder"
    shutil.unpack_archive(archive, root / "source")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))},
           "AUTOGRADER_ROOT": str(root), "GRADER_NO_APT": "1"}
    setup = subprocess.run(["bash", str(root / "source" / "setup.sh")], env=env, capture_output=True, text=True,
                           timeout=1200)
    assert setup.returncode == 0, setup.stderr[-3000:]
    for example in ("examples/student_a.ipynb", "examples/doe_jane_40017_attempt_2026-10-03-14-22-10_cnn.ipynb"):
        source = assignment.root / example
        shutil.rmtree(root / "submission", ignore_errors=True)
        (root / "submission").mkdir()
        shutil.copy(source, root / "submission" / source.name)
        run = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True,
                             timeout=900)
        assert run.returncode == 0, run.stderr[-3000:]
        results = json.loads((root / "results" / "results.json").read_text())
        ours = grade_one(assignment, source, public_only=False)
        assert results["score"] == ours.final
        assert {t["number"] for t in results["tests"]} == {c.id for c in assignment.checks}
        hidden = {t["number"] for t in results["tests"] if t["visibility"] == "after_published"}
        assert hidden == {c.id for c in assignment.checks if c.hidden}


@pytest.mark.slow
def test_the_student_repository_workflow_is_valid_and_its_commands_grade_the_work(tmp_path, wheel, another_venv):
    """The template's workflow, as GitHub Actions would run it: each ``run`` step in a fresh virtual
    environment (what setup-python gives), in a copy of the bundle holding a student's work."""
    import base64

    import yaml
    assignment = load_assignment(find_assignment("cnn-numpy"))
    built = student_bundle(assignment, tmp_path / "dist", wheel=wheel, say=lambda s: None)
    repo = Path(shutil.copytree(built, tmp_path / "repo"))
    shutil.copy(assignment.root / "examples" / "student_a.ipynb", repo / "starter.ipynb")   # the student's work
    flow = yaml.safe_load((repo / ".github" / "workflows" / "grader.yml").read_text())
    assert flow["name"] == "Autograding Tests" and set(flow[True]) == {"push", "pull_request", "workflow_dispatch"}
    steps = flow["jobs"]["grade"]["steps"]
    commands = [s["run"] for s in steps if "run" in s]
    assert not any("pip install grader" in c or "pip install dlcourse-grader" in c for c in commands)
    venv = another_venv
    outputs, summary = tmp_path / "outputs", tmp_path / "summary.md"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))},
           "PATH": f"{venv / 'bin'}:{os.environ['PATH']}", "GITHUB_OUTPUT": str(outputs),
           "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_ACTIONS": "true"}
    for command in commands:
        run = subprocess.run(["bash", "-e", "-c", command], cwd=repo, env=env, capture_output=True, text=True,
                             timeout=1200)
        assert run.returncode == 0, (command, run.stdout[-2000:], run.stderr[-2000:])
    values = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    ours = grade_one(assignment, assignment.root / "examples" / "student_a.ipynb", public_only=True)
    later = sum(c.points for c in assignment.checks if c.id in RELEASED["cnn-numpy"][2])   # the instructor's to decide
    assert values["passed"] == "true" and float(values["score"]) == ours.earned - later
    record = json.loads(base64.b64decode(values["result"]))
    assert {t["name"] for t in record["tests"]} == {c.id for c in assignment.checks if not c.hidden}
    assert "public points" in summary.read_text()
