"""pa3-rnn's private helpers: what computes an answer of the exercise in another form (the models'
forward passes, right and with the mistakes students make; every binary addition, as the binary
generator makes them), kept from students (grader.release ships only modules marked for them). The
suite calls these through grader.oracle (load_private), so their results are recorded with the
cases, and a student's copy of the grader looks them up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from grader.suite import load_sibling, reference

ref = reference()
models = load_sibling(__file__, "pa3_rnn_models")
read_layout, expected_shapes = models.read_layout, models.expected_shapes


def reference_outputs(family: Any, case: Any, x: torch.Tensor, values: dict[str, torch.Tensor] | None = None) -> dict[str, Any]:
    """The reference model of ``case`` holding ``values`` (the case's seeded weights if None): its
    output on ``x``, and the outputs of the known wrong models with their causes."""
    model = ReferenceModel(family, case, values)
    return {"expected": model.forward(x), "wrong": model.known_mistakes(x)}


def addition() -> tuple[np.ndarray, np.ndarray]:
    """Every sum of two ADDITION_BITS-bit numbers: (x, y) as Addition holds them."""
    table = _every_addition(ADDITION_BITS)
    return table.x, table.y


# --- the reference, with weights the suite chooses or a student's trained ones ------------------------------------------------
class ReferenceModel:
    """The reference's model of ``case``'s sizes with weights drawn from its seed, and the outputs
    of known wrong models built from the same layer and read-out."""

    def __init__(self, family: Any, case: Any, values: dict[str, torch.Tensor] | None = None):
        """``values`` (torch's recurrent suffix or ``head.weight`` / ``head.bias`` -> tensor, as
        :func:`trained_values` reads them off a student's model); the case's seeded weights if None."""
        self.family = family
        self.model = getattr(ref, family.class_name)(**family.constructor(case))
        layout = read_layout(family, dict(self.model.named_parameters()), f"the reference {family.class_name}")
        self.values = case.weights(expected_shapes(family, case)) if values is None else values
        with torch.no_grad():
            for name, value in self.for_student(layout).items():
                self.model.get_parameter(name).copy_(value)
        self.layer = self.model.get_submodule(layout.recurrent["weight_ih_l0"].rpartition(".")[0])
        self.fc = self.model.get_submodule(layout.head_weight.rpartition(".")[0])

    def for_student(self, layout: Any) -> dict[str, torch.Tensor]:
        """The weights under the names of ``layout``'s model, for grader.harness.load_parameters."""
        names = layout.recurrent | {"head.weight": layout.head_weight, "head.bias": layout.head_bias}
        return {names[suffix]: value for suffix, value in self.values.items()}

    @torch.no_grad()
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(x)

    @torch.no_grad()
    def known_mistakes(self, x: torch.Tensor) -> list[tuple[torch.Tensor, str]]:
        """Outputs of recognisable wrong models on ``x``, each with its cause in words."""
        out = self.layer(x)[0]
        # without batch_first the layer reads x as (T, B, D): time and batch swap places
        time_major = self.layer(x.transpose(0, 1))[0].transpose(0, 1)
        mistakes = [(self._read(time_major), "the samples of the batch are mixed: the recurrent layer reads "
                     "(B, T, D) as (T, B, D). Build it with batch_first=True.")]
        if self.family.head == "sigmoid":
            return mistakes + [
                (self.fc(out), "the output is fc(out) without the sigmoid; Binary_LSTM returns probabilities."),
                (self._read(self.layer(x.flip(1))[0].flip(1)), "the bits are read most significant first (the "
                 "time axis is flipped): the sequences are least significant bit first, so the carry flows "
                 "from t = 0 upwards.")]
        last = out[:, -1, :]
        mistakes += [
            (self.fc(last), "the output is fc(out[:, -1, :]) without log_softmax; the model must return "
             "log-probabilities (F.log_softmax(..., dim=1) or nn.LogSoftmax(dim=1))."),
            (torch.softmax(self.fc(last), dim=-1), "the output is softmax probabilities; the model must return "
             "their logarithm, log_softmax."),
            (F.log_softmax(self.fc(last), dim=0), "log_softmax runs over dim 0, the batch; normalise each "
             "sample's class scores, dim=1."),
            (F.log_softmax(self.fc(out[:, 0, :]), dim=-1), "the model reads out[:, 0, :], the output after the "
             "FIRST time step; classify from the last one, out[:, -1, :]."),
        ]
        if self.family.directions == 2:
            hidden = out.shape[-1] // 2
            both_ends = torch.cat([out[:, -1, :hidden], out[:, 0, hidden:]], dim=-1)
            mistakes.append((F.log_softmax(self.fc(both_ends), dim=-1), "the backward direction is read at t = 0 "
                             "(or from h_n). That is a fine summary, but this assignment specifies "
                             "out[:, -1, :] for both directions (see the starter notebook)."))
        return mistakes

    def _read(self, out: torch.Tensor) -> torch.Tensor:
        """What the model returns from (B, T, F) outputs: classifiers read the last step only."""
        if self.family.head == "sigmoid":
            return torch.sigmoid(self.fc(out))
        return F.log_softmax(self.fc(out[:, -1, :]), dim=-1)


# --- binary addition ---------------------------------------------------------------------------
ADDITION_BITS = 3


@dataclass(frozen=True)
class Addition:
    x: np.ndarray           # float32 (64, 4, 2): the bits of a and b, least significant first
    y: np.ndarray           # float32 (64, 4): the bits of a + b


def lsb_first(numbers: np.ndarray, width: int) -> np.ndarray:
    return (numbers[:, None] >> np.arange(width)) & 1


def _every_addition(bits: int) -> Addition:
    a, b = np.divmod(np.arange(4 ** bits), 2 ** bits)
    width = bits + 1
    x = np.stack([lsb_first(a, width), lsb_first(b, width)], axis=-1).astype(np.float32)
    return Addition(x, lsb_first(a + b, width).astype(np.float32))

