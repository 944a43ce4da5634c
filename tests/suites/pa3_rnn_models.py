"""What the pa3-rnn suite knows about recurrent models: the five classifier families, how to read
a student's architecture from its parameter names, and the weights the suite chooses (the reference
outputs, right and wrong, are pa3_rnn_private.py's).

A model lives in the student's worker, so its submodules cannot be inspected here; its parameters
can. torch names a recurrent layer's parameters ``weight_ih_l{k}``, ``weight_hh_l{k}``,
``bias_ih_l{k}``, ``bias_hh_l{k}`` (plus ``_reverse`` for the backward direction), whatever the
student called the layer, and their shapes give away the rest: ``weight_hh_l0`` is
(gates * hidden, hidden) with 1 gate block for an RNN, 3 for a GRU and 4 for an LSTM.
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): what computes answers is in pa3_rnn_private.py

import re
from dataclasses import dataclass
from typing import Any

import torch

from grader.suite import fail

GATES = {"RNN": 1, "GRU": 3, "LSTM": 4}
LAYER_OF_GATES = {gates: layer for layer, gates in GATES.items()}

_RECURRENT = re.compile(r"(?:^|\.)((?:weight|bias)_(?:ih|hh)_l(\d+)(_reverse)?)$")


@dataclass(frozen=True)
class Family:
    """One model of the assignment: its class name, exercise id, recurrent layer and directions."""
    class_name: str
    exercise: str
    layer: str
    directions: int = 1
    head: str = "log_softmax"       # the classifiers' log-probabilities, or Binary_LSTM's sigmoid per step

    @property
    def outputs(self) -> str:
        """fc's out_features, as the starter writes it."""
        return "output_dim" if self.head == "log_softmax" else "1"

    def constructor(self, case: Any) -> dict[str, int]:
        """The keyword arguments of the class's __init__ for ``case``'s sizes."""
        sizes = {"input_dim": case.input_dim, "hidden_dim": case.hidden_dim, "num_layers": case.num_layers}
        return sizes | ({"output_dim": case.output_dim} if self.head == "log_softmax" else {})

    def label(self, case: Any) -> str:
        return f"{self.class_name}({', '.join(f'{k}={v}' for k, v in self.constructor(case).items())})"

    @property
    def gates(self) -> int:
        return GATES[self.layer]

    def layer_call(self) -> str:
        extra = ", bidirectional=True" if self.directions == 2 else ""
        return f"nn.{self.layer}(input_dim, hidden_dim, num_layers, batch_first=True{extra})"


CLASSIFIERS = (
    Family("vanilla_RNN", "vanilla-rnn", "RNN"),
    Family("vanilla_LSTM", "vanilla-lstm", "LSTM"),
    Family("vanilla_GRU", "vanilla-gru", "GRU"),
    Family("bidirectional_RNN", "bidirectional-rnn", "RNN", 2),
    Family("bidirectional_LSTM", "bidirectional-lstm", "LSTM", 2),
)
BINARY_LSTM = Family("Binary_LSTM", "binary-lstm", "LSTM", head="sigmoid")


@dataclass(frozen=True)
class Layout:
    """A model's parameters, sorted: torch's recurrent suffix -> the student's dotted name, and the
    read-out's weight and bias (the only other parameters a model of this assignment has)."""
    recurrent: dict[str, str]
    head_weight: str
    head_bias: str
    shapes: dict[str, tuple[int, ...]]

    def shape(self, suffix: str) -> tuple[int, ...] | None:
        name = self.recurrent.get(suffix)
        return None if name is None else self.shapes[name]


def expected_shapes(family: Family, case: Any) -> dict[str, tuple[int, ...]]:
    """torch's recurrent suffix (or ``head.weight`` / ``head.bias``) -> shape, for ``case``'s sizes."""
    h, dirs, rows = case.hidden_dim, family.directions, family.gates * case.hidden_dim
    shapes: dict[str, tuple[int, ...]] = {}
    for k in range(case.num_layers):
        for suffix in ("", "_reverse")[:dirs]:
            width = case.input_dim if k == 0 else h * dirs
            shapes |= {f"weight_ih_l{k}{suffix}": (rows, width), f"weight_hh_l{k}{suffix}": (rows, h),
                       f"bias_ih_l{k}{suffix}": (rows,), f"bias_hh_l{k}{suffix}": (rows,)}
    return shapes | {"head.weight": (case.output_dim, h * dirs), "head.bias": (case.output_dim,)}


def read_layout(family: Family, params: dict[str, Any], label: str) -> Layout:
    """Sort the student's parameters; fail, saying what was found, unless they are one torch
    recurrent layer and one Linear read-out."""
    shapes = {name: tuple(value.shape) for name, value in params.items()}
    listing = ", ".join(f"{n} {s}" for n, s in shapes.items()) or "none"
    recurrent: dict[str, str] = {}
    others = []
    for name in shapes:
        match = _RECURRENT.search(name)
        if match is None:
            others.append(name)
        elif match.group(1) in recurrent:
            fail(f"{label} has two recurrent layers ({recurrent[match.group(1)]} and {name}); it should have "
                 f"one {family.layer_call()}. Its parameters: {listing}.")
        else:
            recurrent[match.group(1)] = name
    if not recurrent:
        fail(f"{label} has none of the parameters of a torch recurrent layer (weight_ih_l0, weight_hh_l0, ...): "
             f"build it on {family.layer_call()}. Its parameters: {listing}.")
    weights = [n for n in others if len(shapes[n]) == 2]
    biases = [n for n in others if len(shapes[n]) == 1]
    if len(weights) != 1 or len(biases) != 1 or len(others) != 2:
        fail(f"{label} should have one Linear read-out (fc: a weight and a bias) besides the recurrent layer; "
             f"its other parameters are: {', '.join(f'{n} {shapes[n]}' for n in others) or 'none'}.")
    return Layout(recurrent, weights[0], biases[0], shapes)


def expect_architecture(family: Family, case: Any, params: dict[str, Any], label: str) -> Layout:
    """The student's parameters are those of the reference model of ``case``'s sizes; otherwise
    fail with the likeliest cause (wrong layer type, hidden size, directions, layers, read-out)."""
    layout = read_layout(family, params, label)
    expected = expected_shapes(family, case)
    rows, hidden = layout.shape("weight_hh_l0") or (0, 0)
    if hidden and rows % hidden == 0 and rows // hidden != family.gates:
        found = LAYER_OF_GATES.get(rows // hidden, f"a layer with {rows // hidden} gate blocks")
        fail(f"{label}: weight_hh_l0 has shape {(rows, hidden)}, {rows // hidden} gate block(s) of the hidden size: "
             f"that is nn.{found}, not nn.{family.layer} ({family.gates} block(s)). Use {family.layer_call()}.")
    if hidden != case.hidden_dim:
        fail(f"{label}: the recurrent layer's hidden size is {hidden}, expected hidden_dim={case.hidden_dim}. "
             f"Pass hidden_dim to the layer instead of a fixed size.")
    reverse = any(s.endswith("_reverse") for s in layout.recurrent)
    if reverse != (family.directions == 2):
        fail(f"{label}: the recurrent layer is {'' if reverse else 'not '}bidirectional (it has "
             f"{'' if reverse else 'no '}*_reverse weights); expected {family.layer_call()}."
             + (" Doubling fc's input or repeating the output does not make a model bidirectional."
                if not reverse else ""))
    layers = len({int(_RECURRENT.search(f"x.{s}").group(2)) for s in layout.recurrent})
    if layers != case.num_layers:
        fail(f"{label}: the recurrent layer has {layers} layer(s), expected num_layers={case.num_layers}. "
             f"Pass num_layers to nn.{family.layer}.")
    width = (layout.shape("weight_ih_l0") or (0, 0))[1]
    if width != case.input_dim:
        fail(f"{label}: the first layer reads {width} features per step, expected input_dim={case.input_dim}.")
    wrong = [f"{s} is {layout.shape(s) or 'missing'}, expected {shape}" for s, shape in expected.items()
             if not s.startswith("head.") and layout.shape(s) != shape]
    if wrong:
        fail(f"{label}: the recurrent layer's parameters differ from {family.layer_call()}: {'; '.join(wrong)}.")
    in_features = "2 * hidden_dim" if family.directions == 2 else "hidden_dim"
    for name, key in ((layout.head_weight, "head.weight"), (layout.head_bias, "head.bias")):
        if layout.shapes[name] != expected[key]:
            fail(f"{label}: the read-out's {name} has shape {layout.shapes[name]}, expected {expected[key]}: "
                 f"fc = nn.Linear({in_features}, {family.outputs}).")
    return layout


def trained_values(layout: Layout, params: dict[str, Any]) -> dict[str, torch.Tensor]:
    """A student's parameters (as ``named_parameters`` brought them back, sorted by ``layout``) under
    torch's suffixes, float32 copies: what :class:`ReferenceModel` loads to run the student's weights
    in the reference model, here in the grading process."""
    names = layout.recurrent | {"head.weight": layout.head_weight, "head.bias": layout.head_bias}
    return {suffix: torch.as_tensor(params[name]).detach().to(torch.float32).clone() for suffix, name in names.items()}


# --- the suite's weights for a student's model ----------------------------------------------------
def student_weights(family: Family, case: Any, layout: Layout) -> dict[str, torch.Tensor]:
    """The case's seeded weights under the names of ``layout``'s model (a student's), for
    grader.harness.load_parameters: the weights pa3_rnn_private.ReferenceModel holds."""
    names = layout.recurrent | {"head.weight": layout.head_weight, "head.bias": layout.head_bias}
    return {names[suffix]: value for suffix, value in case.weights(expected_shapes(family, case)).items()}
