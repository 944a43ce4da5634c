"""Inputs for the rnn-scratch suite: hypothesis strategies for the numpy RNN and the char-RNN.

Hypothesis draws the sizes, the sequences and a seed; the parameter values come from a numpy
generator with that seed. Shrinking then makes the sizes small (what a student reads in a report)
without drawing hundreds of floats one by one.

The numpy RNN's parameters are N(0, 0.5^2), biases included, so that a forward without ``+ b`` or
``+ c`` is visibly wrong and tanh is far from saturated (its derivative matters). Cases whose exact
gradients reach 4.5 in size are left out: min-char-rnn clips gradients to [-5, 5], and a student who
kept that clip must not lose points for it.

The char-RNN's weights are N(0, 1): larger than torch's initialisation, so that the next character
depends on the whole prefix, which is what the sampling checks need to see.
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): what computes answers is in rnn_scratch_private.py

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from hypothesis import strategies as st

from grader.errors import SpecError
from grader.suite import reference

ref = reference()   # the reference's answers, recorded with the cases where they can be (grader.oracle)

PARAMETERS = ("W_xh", "W_hh", "W_yh", "b", "c")
CLIP = 4.5                  # below min-char-rnn's clip at 5, with room for rounding


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise SpecError(f"tests/suites/rnn_scratch_cases.py: {message}")


# --- numpy RNN ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RnnCase:
    """One sequence through an RNN whose parameters the grader sets."""

    params: dict[str, np.ndarray]      # W_xh (H, V), W_hh (H, H), W_yh (V, H), b (H, 1), c (V, 1)
    inputs: list[int]
    targets: list[int]
    hprev: np.ndarray                  # (H, 1)

    @property
    def hidden_size(self) -> int:
        return self.params["W_hh"].shape[0]

    @property
    def vocab_size(self) -> int:
        return self.params["W_xh"].shape[1]

    def label(self) -> str:
        return f"RNN(hidden_size={self.hidden_size}, vocab_size={self.vocab_size})"

    def as_inputs(self) -> dict[str, Any]:
        return {**self.params, "inputs": self.inputs, "targets": self.targets, "hprev": self.hprev}

    def reference(self) -> ref.RNN:
        """The reference RNN holding this case's parameters."""
        rnn = ref.RNN(self.hidden_size, self.vocab_size, len(self.inputs), 0.1)
        for name, value in self.params.items():
            setattr(rnn, name, value.copy())
        return rnn


def rnn_cases(*, max_vocab: int = 6, max_hidden: int = 5,
              lengths: tuple[int, int] = (1, 5)) -> st.SearchStrategy[RnnCase]:
    """Vocabularies of 2..max_vocab characters, 1..max_hidden hidden units, sequences whose length
    lies in ``lengths``; only cases whose exact gradients stay below CLIP in size."""
    low, high = lengths
    _require(max_vocab >= 2 and max_hidden >= 1, f"max_vocab={max_vocab}, max_hidden={max_hidden}: need >= 2 and >= 1")
    _require(1 <= low <= high, f"lengths={lengths}: need 1 <= low <= high")

    @st.composite
    def build(draw: st.DrawFn) -> RnnCase:
        vocab, hidden = draw(st.integers(2, max_vocab)), draw(st.integers(1, max_hidden))
        length = draw(st.integers(low, high))
        chars = st.lists(st.integers(0, vocab - 1), min_size=length, max_size=length)
        inputs, targets = draw(chars), draw(chars)
        rng = np.random.default_rng(draw(st.integers(0, 2**16)))
        shapes = {"W_xh": (hidden, vocab), "W_hh": (hidden, hidden), "W_yh": (vocab, hidden),
                  "b": (hidden, 1), "c": (vocab, 1)}
        params = {name: 0.5 * rng.standard_normal(shape) for name, shape in shapes.items()}
        return RnnCase(params, inputs, targets, rng.uniform(-0.5, 0.5, (hidden, 1)))
    return build().filter(_gradients_below_clip)


def _gradients_below_clip(case: RnnCase) -> bool:
    rnn = case.reference()
    grads = rnn.backward(*rnn.forward(case.inputs, case.hprev), case.targets)
    return all(np.max(np.abs(g)) < CLIP for g in grads)


@dataclass(frozen=True)
class UpdateCase:
    """One update_model call: parameters, gradients (within the clip) and a learning rate."""

    params: dict[str, np.ndarray]
    grads: dict[str, np.ndarray]       # keyed dW_xh, ..., dc
    learning_rate: float

    def label(self) -> str:
        hidden, vocab = self.params["W_xh"].shape
        return f"RNN(hidden_size={hidden}, vocab_size={vocab}, learning_rate={self.learning_rate}).update_model"

    def expected(self) -> dict[str, np.ndarray]:
        return {name: self.params[name] - self.learning_rate * self.grads[f"d{name}"] for name in PARAMETERS}


@st.composite
def update_cases(draw: st.DrawFn) -> UpdateCase:
    case = draw(rnn_cases(lengths=(1, 1)))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    grads = {f"d{name}": rng.uniform(-CLIP, CLIP, value.shape) for name, value in case.params.items()}
    return UpdateCase(case.params, grads, draw(st.sampled_from([1.0, 0.5, 0.1, 0.01])))


# --- PyTorch char-RNN -----------------------------------------------------------------------------
@st.composite
def one_hot_cases(draw: st.DrawFn, *, batch: tuple[int, int]) -> dict[str, Any]:
    """Keyword arguments of one_hot_encode: ``batch`` sequences (an inclusive range of B) of
    T = 1..8 indices into a vocabulary of 2..10."""
    batch_size, seq_len, dict_size = draw(st.integers(*batch)), draw(st.integers(1, 8)), draw(st.integers(2, 10))
    row = st.lists(st.integers(0, dict_size - 1), min_size=seq_len, max_size=seq_len)
    sequence = draw(st.lists(row, min_size=batch_size, max_size=batch_size))
    return {"sequence": sequence, "dict_size": dict_size, "seq_len": seq_len, "batch_size": batch_size}


@dataclass(frozen=True)
class ModelCase:
    """A Model(V, V, H, n_layers) with weights set by the grader (reference parameter names)."""

    vocab: int
    hidden: int
    layers: int
    weights: dict[str, torch.Tensor]

    def label(self) -> str:
        return f"Model({self.vocab}, {self.vocab}, {self.hidden}, {self.layers})"

    def constructor(self) -> dict[str, int]:
        return {"input_size": self.vocab, "output_size": self.vocab, "hidden_dim": self.hidden,
                "n_layers": self.layers}

    def reference(self) -> ref.Model:
        model = ref.Model(**self.constructor())
        model.load_state_dict(self.weights)
        return model.eval()


@st.composite
def model_cases(draw: st.DrawFn, *, vocab: int | None = None, min_hidden: int = 1) -> ModelCase:
    """Models of min_hidden..8 hidden units and 1..2 layers over ``vocab`` characters (2..8 when None)."""
    size = vocab if vocab is not None else draw(st.integers(2, 8))
    hidden, layers = draw(st.integers(min_hidden, 8)), draw(st.integers(1, 2))
    shapes = {name: tuple(p.shape) for name, p in ref.Model(size, size, hidden, layers).named_parameters()}
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    weights = {name: torch.from_numpy(rng.standard_normal(shape).astype(np.float32)) for name, shape in shapes.items()}
    return ModelCase(size, hidden, layers, weights)


@st.composite
def models_with_batches(draw: st.DrawFn) -> tuple[ModelCase, torch.Tensor]:
    """A model case and a one-hot float32 batch (B, T, V) for it, B in 1..3 and T in 1..6."""
    case = draw(model_cases())
    batch_size, seq_len = draw(st.integers(1, 3)), draw(st.integers(1, 6))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    indices = rng.integers(0, case.vocab, (batch_size, seq_len)).tolist()
    return case, torch.from_numpy(ref.one_hot_encode(indices, case.vocab, seq_len, batch_size))


def vocabulary_models() -> st.SearchStrategy[ModelCase]:
    """Models over the template's vocabulary (the letters of "Acknowledgement"), with at least 4
    hidden units: a smaller state forgets so much that sampling from the last character alone
    often gives the same text, and the report could not tell the two apart."""
    return model_cases(vocab=ref.dict_size, min_hidden=4)


def prefixes(min_size: int = 1, max_size: int = 5) -> st.SearchStrategy[str]:
    """Strings of the template's vocabulary."""
    return st.text(alphabet=sorted(ref.char2int), min_size=min_size, max_size=max_size)
