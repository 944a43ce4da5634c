"""What the tests of lab9-rnn and lab10-lstm (the same lab with nn.RNN and nn.LSTM) both assert: the
reference gives the catalog's golden values (seed-003, sections 9, 10 and 13), the grader's training
starts leave a wide margin, and the example class graded through the CLI."""

from __future__ import annotations

import json
import types
from pathlib import Path

import numpy as np
import torch
from numpy.lib.stride_tricks import sliding_window_view

from grader.cli import main
from grader.harness import train_steps
from grader.spec import find_assignment, load_assignment

from .contract import student_facing_internals

SUITES = Path(__file__).resolve().parents[1] / "suites"


def private() -> types.ModuleType:
    import importlib.util
    spec = importlib.util.spec_from_file_location("lab_series_private_for_tests", SUITES / "lab_series_private.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assert_catalog_constants(ref: types.ModuleType, model: str, parameters: int) -> None:
    """5910 days -> 5900 windows of 10, Y[i] = y[i + 10], split 5310 / 590 in order; the model's
    parameter count; n_letters 57, 'a' -> 0, 'J' -> 35, 'Ślusàrski' -> 'Slusarski'."""
    y = private().price_series(5910, 3)
    X, Y = ref.make_windows(y)
    assert X.shape == (5900, 10) and Y.shape == (5900,)
    assert np.array_equal(X, sliding_window_view(y, 10)[:5900]) and np.array_equal(Y, y[10:5910])
    parts = ref.split_windows(X, Y, test_size=0.1)
    assert [len(p) for p in parts] == [5310, 590, 5310, 590]
    assert np.array_equal(parts[1], X[5310:]) and np.array_equal(parts[3], Y[5310:])
    assert sum(p.numel() for p in getattr(ref, model)().parameters()) == parameters
    gru = torch.nn.GRU(1, 5, batch_first=True)
    assert sum(p.numel() for p in gru.parameters()) + 6 == 126
    assert ref.n_letters == 57 and ref.letter_to_index("a") == 0 and ref.letter_to_index("J") == 35
    assert ref.unicode_to_ascii("Ślusàrski") == "Slusarski"
    assert tuple(ref.line_to_tensor("Jones").shape) == (5, 1, 57)
    values = np.array([3.5, 2.0, 7.25])
    lo, hi = values.min(), values.max()
    assert np.allclose(ref.denormalize((values - lo) / (hi - lo), lo, hi), values)


def sine_margin(ref: types.ModuleType, model: str, kind: str, start: int) -> float:
    """The reference's held-out MSE after the grader's sine training from its start, over the bar."""
    data = private().sine_windows()
    net = getattr(ref, model)()
    named = dict(net.named_parameters())
    layer = next(name.split(".")[0] for name in named if name.endswith("weight_ih_l0"))
    with torch.no_grad():
        for name, value in private().series_parameters(kind, start).items():
            named[name.replace("fc.", "fc1.") if name.startswith("fc.") else f"{layer}.{name}"].copy_(torch.from_numpy(value))
    train_steps(net, torch.from_numpy(data["train_x"]), torch.from_numpy(data["train_y"]), loss="mse", optimizer="Adam",
                lr=0.02, steps=300, batch_size=32, budget_s=60.0, seed=0)
    with torch.no_grad():
        after = float(((net(torch.from_numpy(data["test_x"])).reshape(-1) - torch.from_numpy(data["test_y"])) ** 2).mean())
    baseline = float(np.mean((data["test_x"][:, -1, 0] - data["test_y"]) ** 2))
    return after / baseline


def example_grades(tmp_path: Path, assignment_id: str) -> tuple[dict[str, tuple[float, set[str]]], dict[str, float]]:
    """Grade the assignment's examples through the CLI (worker processes): student -> (points, failed
    checks), and student -> seconds."""
    assignment = load_assignment(find_assignment(assignment_id))
    assert main(["grade", str(assignment.root / "examples"), "-a", assignment_id, "-o", str(tmp_path), "-j", "1"]) == 0
    assert not student_facing_internals(tmp_path, assignment)
    graded, durations = {}, {}
    for path in tmp_path.glob("*.json"):
        result = json.loads(path.read_text())
        if "exercises" not in result:
            continue
        checks = [c for e in result["exercises"] for c in e["checks"]]
        failed = {c["id"].removeprefix(assignment_id + ".") for c in checks if c["status"] != "passed"}
        graded[result["student"]] = (sum(c["earned"] for c in checks), failed)
        durations[result["student"]] = result["duration_s"]
    return graded, durations
