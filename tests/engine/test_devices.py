"""Students' torch code on a GPU (grader.devices): what runs on any machine, and the GPU tests,
which run where torch sees CUDA and are skipped elsewhere (CI has no GPU)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pytest
import torch

from grader import devices
from grader.cli import main
from grader.confine import View
from grader.discovery import discover
from grader.pipeline import grade_class
from grader.sandbox import _bwrap_flags
from grader.spec import Tolerance, find_assignment, load_assignment

ROOT = Path(__file__).resolve().parents[2]
CUDA = torch.cuda.is_available()
gpu = pytest.mark.skipif(not CUDA, reason="needs CUDA: torch.cuda.is_available() is False on this machine")


def test_cpu_and_auto_without_torch_code_grade_on_the_cpu():
    assert devices.choose("cpu", uses_torch=True) == "cpu"
    assert devices.choose("auto", uses_torch=False) == "cpu"
    assert devices.choose("auto", uses_torch=True) == ("cuda" if CUDA else "cpu")
    with pytest.raises(ValueError, match="use one of cpu, cuda, auto"):
        devices.choose("tpu", uses_torch=True)
    # an assignment about the CPU itself (lab1-tensors: numpy round trips, a device argument)
    assert devices.choose("auto", uses_torch=True, allowed=False) == "cpu"
    with pytest.raises(devices.DeviceUnavailable, match="gpu = false"):
        devices.choose("cuda", uses_torch=True, allowed=False)


@pytest.mark.skipif(CUDA, reason="this machine has CUDA: --device cuda is accepted here")
def test_device_cuda_without_a_gpu_is_refused_with_the_way_out(tmp_path, capsys):
    assert main(["grade", str(ROOT / "assignments" / "cs231n-pytorch" / "examples"), "-a", "cs231n-pytorch",
                 "-o", str(tmp_path), "--device", "cuda"]) == 2
    err = capsys.readouterr().err
    assert "torch sees no CUDA device" in err and "--device cpu or auto" in err
    assert not (tmp_path / "grades.csv").exists()


def test_the_gpus_tolerance_is_wider_by_dtype_and_the_cpus_is_unchanged():
    base = Tolerance(1.3e-6, 1e-5)
    assert devices.tolerance_on("cpu", "float32", base) == base
    wider = devices.tolerance_on("cuda", "float32", base)
    assert wider.rtol == pytest.approx(1.3e-5) and wider.atol == pytest.approx(1e-4)


def test_place_moves_tensors_inside_containers_and_keeps_requires_grad():
    x = torch.ones(2, requires_grad=True)
    placed = devices.place({"a": [x, (torch.zeros(1), 3)], "b": "text"}, "cpu")
    moved = placed["a"][0]
    assert moved.requires_grad and moved.is_leaf and placed["a"][1][1] == 3 and placed["b"] == "text"
    module = torch.nn.Linear(2, 1)
    assert devices.place(module, "cpu", modules=True) is module and devices.place(module, "cpu") is module


def test_a_gpu_sandbox_binds_the_device_files_and_no_other_sandbox_does():
    view = View(readonly=("/opt/x",), devices=("/dev/nvidia0", "/dev/nvidiactl"))
    flags = _bwrap_flags(view, gpu=True)
    assert flags[flags.index("/dev/nvidia0") - 1] == "--dev-bind" and "PYTORCH_NVML_BASED_CUDA_CHECK" in flags
    assert View.from_plain(view.as_plain()) == view
    plain = _bwrap_flags(View(readonly=("/opt/x",)))
    assert "--dev-bind" not in plain and "PYTORCH_NVML_BASED_CUDA_CHECK" not in plain


# --- on a GPU ---------------------------------------------------------------------------------------
sys.path.insert(0, str(ROOT / "tests"))


def _class(assignment_id: str, folder: Path, count: int) -> None:
    """The reference, the alternatives and a few mutants of ``assignment_id`` as students' files."""
    import importlib

    from variants import Variant, build_variant
    variants = importlib.import_module(f"variants.{assignment_id.replace('-', '_')}")
    chosen = [Variant("reference"), *variants.ALTERNATIVES, *variants.MUTANTS][:count]
    for variant in chosen:
        (folder / f"{variant.name}.py").write_text(build_variant(variants.REFERENCE, variant), encoding="utf-8")


def _verdicts(assignment, folder: Path, device: str) -> dict[str, dict[str, str]]:
    with tempfile.TemporaryDirectory() as work:
        entries = discover(folder, workdir=Path(work))
        results = list(grade_class(assignment, entries, jobs=1, device=device))
    return {r.student: {c.check.id: c.status.value for e in r.exercises for c in e.checks} for r in results}


@gpu
@pytest.mark.gpu
@pytest.mark.parametrize("assignment_id", ["cs231n-pytorch", "pa3-rnn", "seq-models"])
def test_on_the_gpu_every_verdict_is_the_cpus(assignment_id, tmp_path):
    """The students' torch code on CUDA, the reference on the CPU: every check of the reference, the
    alternatives and some mutants comes out as it does with everything on the CPU."""
    assignment = load_assignment(find_assignment(assignment_id))
    _class(assignment_id, tmp_path, count=8)
    on_cpu, on_gpu = _verdicts(assignment, tmp_path, "cpu"), _verdicts(assignment, tmp_path, "cuda")
    differ = {s: {c: (on_cpu[s][c], on_gpu[s][c]) for c in on_cpu[s] if on_cpu[s][c] != on_gpu[s][c]} for s in on_cpu}
    assert not any(differ.values()), differ
    print(f"{assignment_id}: {len(on_gpu)} submissions, {sum(len(v) for v in on_gpu.values())} verdicts, "
          "the same on CUDA as on the CPU")


@gpu
@pytest.mark.gpu
def test_on_the_gpu_a_tensor_left_on_the_cpu_is_the_students_error(tmp_path):
    """A forward that makes a CPU tensor and adds it to its (CUDA) input: an error in the student's
    code, said with their line, while the reference (CPU) passes the same check."""
    assignment = load_assignment(find_assignment("cs231n-pytorch"))
    reference = (ROOT / "reference" / "cs231n_pytorch.py").read_text(encoding="utf-8")
    broken = reference.replace("def flatten(x):", "def flatten(x):\n    x = x + torch.zeros(x.shape)", 1)
    assert broken != reference
    (tmp_path / "cpu_tensor.py").write_text(broken, encoding="utf-8")
    verdicts = _verdicts(assignment, tmp_path, "cuda")["cpu_tensor"]
    assert verdicts["cs231n-pytorch.flatten.value"] == "error", verdicts
