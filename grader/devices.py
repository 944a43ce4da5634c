"""Where a student's torch code runs: the CPU, or a CUDA device (``grader grade --device cuda``).

The reference always runs on the CPU, in the trusted process. With ``cuda`` the worker runs the
student's code on the GPU: every torch tensor a check passes is moved there before the call, a
torch module the student's code builds is moved there when it is returned, and the notebook's own
``device`` variable is set to ``"cuda"``. Results come back over the wire as CPU tensors (each
remembering the device it came from), and are compared with the CPU reference at the tolerance
:func:`tolerance_on` gives for that device and dtype. numpy exercises are untouched.

TF32 is switched off in the worker (``torch.backends.{cuda.matmul,cudnn}.allow_tf32 = False``):
with it on, float32 matrix products on Ampere and later GPUs keep about 10 bits of mantissa and
no float32 tolerance a grader should accept would hold. What remains is the order of summation
(cuBLAS and cuDNN pick their own), which the factors below cover.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:   # the worker imports this module, and must hold nothing of the trusted side's
    from grader.spec import Tolerance

DEVICES = ("cpu", "cuda", "auto")

# Tolerance factors on the GPU, by dtype, over the CPU's (rtol, atol): a float32 product of length
# n summed in another order differs by about sqrt(n) ulps; x10 covers the layer sizes of the course.
CUDA_FACTORS: dict[str, tuple[float, float]] = {
    "float64": (10.0, 10.0),
    "float32": (10.0, 10.0),
    "float16": (2.0, 2.0),
    "bfloat16": (2.0, 2.0),
}


class DeviceUnavailable(RuntimeError):
    """``--device cuda`` where no CUDA device can be used."""


def cuda_available() -> bool:
    """Whether torch sees a CUDA device here (False when torch is not installed)."""
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())


def choose(requested: str, uses_torch: bool, allowed: bool = True) -> str:
    """The device a run grades on: ``cpu``; ``cuda`` (refused where there is none, or where the
    assignment says its exercises are for the CPU: ``allowed`` False); ``auto``: cuda for an
    assignment whose code is torch and that allows it, when a CUDA device is there, else cpu."""
    if requested not in DEVICES:
        raise ValueError(f"device {requested!r}: use one of {', '.join(DEVICES)}")
    if requested == "cuda" and not allowed:
        raise DeviceUnavailable("--device cuda: this assignment's exercises are about the CPU (gpu = false in its "
                                "assignment.toml); grade it with --device cpu")
    if requested == "cpu" or (requested == "auto" and not (uses_torch and allowed)):
        return "cpu"
    if cuda_available():
        return "cuda"
    if requested == "auto":
        return "cpu"
    raise DeviceUnavailable("--device cuda: torch sees no CUDA device on this machine (torch.cuda.is_available() is "
                            "False); grade with --device cpu or auto")


def tolerance_on(device: str, dtype: str, tolerance: Tolerance) -> Tolerance:
    """``tolerance`` (the CPU's, for ``dtype``) as it applies to results computed on ``device``."""
    if device != "cuda":
        return tolerance
    rtol, atol = CUDA_FACTORS.get(dtype, (1.0, 1.0))
    return dataclasses.replace(tolerance, rtol=tolerance.rtol * rtol, atol=tolerance.atol * atol)


# --- in the worker ----------------------------------------------------------------------------------
def enter(name: str, namespace: dict[str, Any]) -> str | None:
    """Make the worker run torch code on ``name`` ("cuda" or "cpu"); returns the device it will
    use (None: the CPU, nothing to move). Sets the student's module-level ``device`` variable."""
    if name != "cuda":
        return None
    import torch
    if not torch.cuda.is_available():
        raise DeviceUnavailable("this worker sees no CUDA device")
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.cuda.init()
    if "device" in namespace and not callable(namespace["device"]):
        namespace["device"] = torch.device("cuda")
    return "cuda"


def place(value: Any, device: str, modules: bool = False) -> Any:
    """``value`` with its torch tensors on ``device`` (inside lists, tuples and dicts too); with
    ``modules``, a torch module itself is moved (in place, as ``.to`` does)."""
    torch = sys.modules.get("torch")
    if torch is None:
        return value
    if isinstance(value, torch.Tensor):
        moved = value.detach().to(device).requires_grad_(value.requires_grad) if value.is_leaf else value.to(device)
        return moved
    if modules and isinstance(value, torch.nn.Module):
        return value.to(device)
    if type(value) in (list, tuple):
        return type(value)(place(v, device, modules) for v in value)
    if type(value) is dict:
        return {k: place(v, device, modules) for k, v in value.items()}
    return value


def visible_devices() -> list[str]:
    """The device files a sandboxed worker needs to reach an NVIDIA GPU (what exists of them)."""
    names = ["nvidiactl", "nvidia-uvm", "nvidia-uvm-tools", "nvidia-modeset"]
    found = [f"/dev/{n}" for n in names if os.path.exists(f"/dev/{n}")]
    try:
        found += sorted(f"/dev/{n}" for n in os.listdir("/dev") if n.startswith("nvidia") and n[6:].isdigit())
    except OSError:
        pass
    return found
