"""What the seq-models checks need to know about each cell, and the inputs they draw for it.

A :class:`Cell` names the class, its constructor and forward arguments, its fit function and the
shape of its state, so the three cells are checked by the same code. Parameters and data are drawn
here, in the grading process, from numpy generators with explicit seeds (never from the global
generators), so every student gets the same numbers on every run.
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): what computes answers is in seq_models_private.py

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from grader.suite import reference

ref = reference()   # the reference's answers, recorded with the cases where they can be (grader.oracle)


INPUT_SIZE, HIDDEN_SIZE, OUTPUT_SIZE = 2, 8, 1      # the assignment's own sizes, used for training


@dataclass(frozen=True)
class Cell:
    key: str                        # "rnn": the exercise id
    class_name: str
    sizes: tuple[str, str, str]     # the constructor's (input, hidden, output) keywords
    x_arg: str                      # forward's input keyword
    state_arg: str                  # forward's state keyword
    fit_name: str
    model_arg: str                  # fit's model keyword
    two_states: bool = False        # the LSTM's state is (h, c)

    def new(self, sub, input_size: int, hidden_size: int, output_size: int):
        return sub.new(self.class_name, **dict(zip(self.sizes, (input_size, hidden_size, output_size))))

    def reference(self, parameters: dict[str, torch.Tensor]) -> torch.nn.Module:
        """The reference cell holding ``parameters`` (canonical name -> float64 tensor)."""
        hidden, inputs = parameters[self.square_weight].shape[0], parameters[self.input_weight].shape[1]
        model = getattr(ref, self.class_name)(inputs, hidden, parameters[self.output_weight].shape[0])
        model.load_state_dict(parameters)
        return model

    @property
    def input_weight(self) -> str:
        return {"rnn": "W_xh", "lstm": "W_xi", "gru": "W_xr"}[self.key]

    @property
    def square_weight(self) -> str:
        return {"rnn": "W_hh", "lstm": "W_hi", "gru": "W_hr"}[self.key]

    @property
    def output_weight(self) -> str:
        return "W_hy" if self.key == "rnn" else "Wout"

    def zero_state(self, hidden_size: int) -> Any:
        zeros = torch.zeros(hidden_size, dtype=torch.float64)
        return (zeros, zeros.clone()) if self.two_states else zeros

    def label(self, sizes: tuple[int, int, int]) -> str:
        return f"{self.class_name}({', '.join(f'{k}={v}' for k, v in zip(self.sizes, sizes))})"


RNN = Cell("rnn", "RecurrentNeuralNetwork", ("size_of_input", "hidden_size", "size_of_output"), "x_t",
           "h_t_minus_1", "fit_RNN", "rnn_model")
LSTM = Cell("lstm", "CustomLSTM", ("input_size", "hidden_size", "output_size"), "x", "hc", "fit_LSTM",
            "lstm_model", two_states=True)
GRU = Cell("gru", "CustomGRU", ("input_size", "hidden_size", "output_size"), "x", "h_t", "fit_GRU", "gru_model")


@ref.answer   # recorded: a student's copy knows the shapes without the reference
def parameter_shapes(cell: Cell, sizes: tuple[int, int, int]) -> dict[str, tuple[int, ...]]:
    """Canonical parameter name -> shape, read off the reference cell."""
    with torch.random.fork_rng():
        model = getattr(ref, cell.class_name)(*sizes)
    return {name: tuple(p.shape) for name, p in model.named_parameters()}


def random_parameters(cell: Cell, sizes: tuple[int, int, int], seed: int) -> dict[str, torch.Tensor]:
    """Every parameter random and non-zero: weights ~ U(-1.2, 1.2)/sqrt(fan_in), biases of
    magnitude 0.2-1 with random signs, so that a bias left out of the forward pass shows."""
    rng = np.random.default_rng(seed)
    values = {}
    for name, shape in parameter_shapes(cell, sizes).items():
        if len(shape) == 2:
            value = rng.uniform(-1.2, 1.2, shape) / np.sqrt(shape[1])
        else:
            value = rng.uniform(0.2, 1.0, shape) * rng.choice([-1.0, 1.0], shape)
        values[name] = torch.from_numpy(value)
    return values


@ref.answer
def initial_parameters(cell: Cell, seed: int) -> dict[str, torch.Tensor]:
    """The reference's own initialisation (Xavier weights, zero biases) at the training sizes,
    from a fixed seed: training checks start every student from the same point."""
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        model = getattr(ref, cell.class_name)(INPUT_SIZE, HIDDEN_SIZE, OUTPUT_SIZE)
    return {name: p.detach().clone() for name, p in model.named_parameters()}


def random_vector(rng: np.random.Generator, size: int, limit: float = 1.0) -> torch.Tensor:
    return torch.from_numpy(rng.uniform(-limit, limit, size))


def random_state(cell: Cell, rng: np.random.Generator, hidden_size: int) -> Any:
    """A non-zero state, so a forward pass that ignores the state it is given shows."""
    h = random_vector(rng, hidden_size, 0.9)
    return (h, random_vector(rng, hidden_size, 2.0)) if cell.two_states else h
