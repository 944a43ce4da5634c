"""Inputs for the activity-rnn suite: hypothesis strategies for the activations, the RNN and the
optimizers, and the generated activity series the training check learns from.

Hypothesis draws the sizes and a seed; the values come from a numpy generator with that seed, so
shrinking makes the sizes small without drawing floats one by one. The RNN's parameters are
N(0, 0.5^2), biases included (a forward without a bias is visibly wrong, tanh is far from
saturated). Cases whose exact gradients reach 9.5 in size are left out: the course clips gradients
to [-10, 10], and a student who kept that clip must not lose points for it.
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): what computes answers is in activity_rnn_private.py

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from hypothesis import strategies as st

from grader.suite import reference

ref = reference()   # the reference's answers, recorded with the cases where they can be (grader.oracle)

PARAMETERS = ("W1", "B1", "W1_rec", "W2", "B2")
GRADIENTS = tuple(f"d{name}" for name in PARAMETERS)
CLIP = 9.5                  # below the course's clip at 10, with room for rounding


# --- activations --------------------------------------------------------------------------------------
@st.composite
def arrays(draw: st.DrawFn, scale: float = 3.0) -> np.ndarray:
    """A float64 array of 1..3 dimensions (sizes 1..5), N(0, scale^2), with some exact zeros and
    some values in (0, 1]: where ReLU's derivative and a bad copy of it differ."""
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=1, max_size=3)))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    x = scale * rng.standard_normal(shape)
    x[rng.random(shape) < 0.15] = 0.0
    small = rng.random(shape) < 0.3
    x[small] = rng.uniform(0.05, 1.0, int(small.sum()))
    return x


@st.composite
def large_logits(draw: st.DrawFn) -> np.ndarray:
    """(B, K) scores with entries near 800: exp overflows unless the row's maximum is subtracted."""
    batch, classes = draw(st.integers(1, 4)), draw(st.integers(2, 6))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    return 800.0 + 3.0 * rng.standard_normal((batch, classes))


@st.composite
def label_prediction_pairs(draw: st.DrawFn) -> dict[str, np.ndarray]:
    """One-hot labels (N, K) and softmax predictions, N in 1..6 (never exactly 0 or 1)."""
    n, classes = draw(st.integers(1, 6)), draw(st.integers(2, 6))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    scores = rng.standard_normal((n, classes))
    preds = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    labels = np.eye(classes)[rng.integers(0, classes, n)]
    return {"labels": labels, "preds": preds}


# --- the RNN ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RnnCase:
    """A batch through an RNN whose parameters the grader sets."""

    params: dict[str, np.ndarray]      # W1 (D, H), B1 (1, H), W1_rec (H, H), W2 (H, K), B2 (1, K)
    X: np.ndarray                      # (B, T, D)
    Y: np.ndarray                      # (B, K) one-hot

    @property
    def sizes(self) -> tuple[int, int, int, int, int]:
        """(B, T, D, H, K)."""
        (batch, steps, inputs), (hidden, classes) = self.X.shape, self.params["W2"].shape
        return batch, steps, inputs, hidden, classes

    def constructor(self, learning_rate: float = 0.1, mom_coeff: float = 0.85) -> dict[str, Any]:
        batch, steps, inputs, hidden, classes = self.sizes
        return {"input_dim": inputs, "hidden_dim": hidden, "seq_len": steps, "learning_rate": learning_rate,
                "mom_coeff": mom_coeff, "batch_size": batch, "output_class": classes}

    def label(self) -> str:
        _, _, inputs, hidden, classes = self.sizes
        return f"RNN(input_dim={inputs}, hidden_dim={hidden}, output_class={classes})"

    def as_inputs(self) -> dict[str, Any]:
        return {**self.params, "X": self.X, "Y": self.Y}

    def reference(self) -> ref.RNN:
        return reference_model("RNN", self.constructor(), self.params)


def reference_model(class_name: str, constructor: dict[str, Any], params: dict[str, np.ndarray]) -> Any:
    """The reference's ``class_name`` built with ``constructor`` and holding copies of ``params``
    (numpy's global generator left as it was)."""
    state = np.random.get_state()
    model = getattr(ref, class_name)(**constructor)
    np.random.set_state(state)
    for name, value in params.items():
        setattr(model, name, value.copy())
    return model


def _draw_params(rng: np.random.Generator, inputs: int, hidden: int, classes: int) -> dict[str, np.ndarray]:
    shapes = {"W1": (inputs, hidden), "B1": (1, hidden), "W1_rec": (hidden, hidden), "W2": (hidden, classes),
              "B2": (1, classes)}
    return {name: 0.5 * rng.standard_normal(shape) for name, shape in shapes.items()}


def rnn_cases(*, max_batch: int = 4, lengths: tuple[int, int] = (1, 6), max_hidden: int = 6,
              min_batch: int = 1) -> st.SearchStrategy[RnnCase]:
    """B in min_batch..max_batch, T in ``lengths``, D = 3, H in 1..max_hidden, K in 2..6; only cases
    whose exact gradients stay below CLIP in size."""
    @st.composite
    def build(draw: st.DrawFn) -> RnnCase:
        batch, steps = draw(st.integers(min_batch, max_batch)), draw(st.integers(*lengths))
        hidden, classes = draw(st.integers(1, max_hidden)), draw(st.integers(2, 6))
        rng = np.random.default_rng(draw(st.integers(0, 2**16)))
        X = rng.standard_normal((batch, steps, 3))
        Y = np.eye(classes)[rng.integers(0, classes, batch)]
        return RnnCase(_draw_params(rng, 3, hidden, classes), X, Y)
    return build().filter(_gradients_below_clip)


def _gradients_below_clip(case: RnnCase) -> bool:
    rnn = case.reference()
    return all(np.max(np.abs(g)) < CLIP for g in rnn.BPTT(rnn.forward(case.X), case.Y))


@dataclass(frozen=True)
class StepCase:
    """Three step() calls: parameters, three sets of gradients, learning rate and momentum."""

    params: dict[str, np.ndarray]
    grads: list[dict[str, np.ndarray]]   # keyed dW1, ..., dB2, one per step
    learning_rate: float
    mom_coeff: float

    def constructor(self) -> dict[str, Any]:
        inputs, hidden = self.params["W1"].shape
        return {"input_dim": inputs, "hidden_dim": hidden, "seq_len": 4, "learning_rate": self.learning_rate,
                "mom_coeff": self.mom_coeff, "batch_size": 2, "output_class": self.params["W2"].shape[1]}

    def label(self) -> str:
        inputs, hidden = self.params["W1"].shape
        return (f"RNN(input_dim={inputs}, hidden_dim={hidden}, learning_rate={self.learning_rate}, "
                f"mom_coeff={self.mom_coeff})")


@st.composite
def step_cases(draw: st.DrawFn) -> StepCase:
    hidden, classes = draw(st.integers(1, 5)), draw(st.integers(2, 6))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    params = _draw_params(rng, 3, hidden, classes)
    grads = [{f"d{name}": rng.uniform(-2, 2, value.shape) for name, value in params.items()} for _ in range(3)]
    return StepCase(params, grads, draw(st.sampled_from([0.5, 0.1, 0.01])), draw(st.sampled_from([0.85, 0.5, 0.9])))


# --- optimizers -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class OptimizerCase:
    """Parameters (a list of 1..3 arrays) and three steps of gradients."""

    params: list[np.ndarray]
    grads: list[list[np.ndarray]]
    learning_rate: float
    mom_coeff: float

    def zeros(self) -> list[np.ndarray]:
        return [np.zeros_like(p) for p in self.params]


@st.composite
def optimizer_cases(draw: st.DrawFn) -> OptimizerCase:
    count = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    shapes = [tuple(int(s) for s in rng.integers(1, 5, rng.integers(1, 3))) for _ in range(count)]
    params = [rng.standard_normal(s) for s in shapes]
    grads = [[rng.standard_normal(s) for s in shapes] for _ in range(3)]
    return OptimizerCase(params, grads, draw(st.sampled_from([0.1, 0.01, 0.003])),
                         draw(st.sampled_from([0.85, 0.5, 0.9])))


# --- the activity data the training check learns ----------------------------------------------------------
ACTIVITIES = ("downstairs", "jogging", "sitting", "standing", "upstairs", "walking")


def activity_series(seed: int, n: int, steps: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """``n`` 3-axis series of ``steps`` samples, X (n, steps, 3), and one-hot labels (n, 6).

    Each class has its own mean posture (an offset along one axis, either sign) and its own rhythm
    (1, 2 or 3 cycles per series, random phase, amplitude 0.5), plus N(0, 0.3^2) noise: learnable,
    but only by a recurrent net that integrates the series."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, len(ACTIVITIES), n)
    cycles = np.array([1, 1, 2, 2, 3, 3])
    offsets = 0.8 * np.array([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]], dtype=float)
    time = np.arange(steps) / steps
    phase = rng.uniform(0, 2 * np.pi, (n, 1, 1))
    X = (offsets[labels][:, None, :] + 0.5 * np.sin(2 * np.pi * cycles[labels][:, None, None] * time[None, :, None]
                                                    + phase) + 0.3 * rng.standard_normal((n, steps, 3)))
    return X, np.eye(len(ACTIVITIES))[labels]


def xavier_parameters(seed: int, inputs: int, hidden: int, classes: int) -> dict[str, np.ndarray]:
    """The grader's starting point for training: Xavier-uniform weights, zero biases."""
    rng = np.random.default_rng(seed)

    def xavier(rows: int, columns: int) -> np.ndarray:
        limit = (6.0 / (rows + columns)) ** 0.5
        return rng.uniform(-limit, limit, (rows, columns))
    return {"W1": xavier(inputs, hidden), "B1": np.zeros((1, hidden)), "W1_rec": xavier(hidden, hidden),
            "W2": xavier(hidden, classes), "B2": np.zeros((1, classes))}


# --- the LSTM -----------------------------------------------------------------------------------------------
LSTM_PARAMETERS = (*(f"{kind}_{gate}" for gate in "fico" for kind in ("W", "B")), "W", "B")
LSTM_CLIP = 14.5            # below the course's LSTM clip at 15


def lstm_gate_shapes(inputs: int, hidden: int) -> dict[str, tuple[int, int]]:
    """W_f, W_i, W_c, W_o (D + H, H) and B_f, B_i, B_c, B_o (1, H)."""
    return {f"{kind}_{gate}": ((inputs + hidden, hidden) if kind == "W" else (1, hidden))
            for gate in "fico" for kind in ("W", "B")}


@dataclass(frozen=True)
class LstmCase:
    """A batch through an LSTM whose parameters the grader sets."""

    params: dict[str, np.ndarray]      # W_f, W_i, W_c, W_o (D + H, H), B_* (1, H), W (H, K), B (1, K)
    X: np.ndarray
    Y: np.ndarray

    def constructor(self) -> dict[str, Any]:
        (batch, steps, inputs), (hidden, classes) = self.X.shape, self.params["W"].shape
        return {"input_dim": inputs, "hidden_dim": hidden, "output_class": classes, "seq_len": steps,
                "batch_size": batch, "learning_rate": 0.1, "mom_coeff": 0.85}

    def label(self) -> str:
        hidden, classes = self.params["W"].shape
        return f"LSTM(input_dim={self.X.shape[2]}, hidden_dim={hidden}, output_class={classes})"

    def as_inputs(self) -> dict[str, Any]:
        return {**self.params, "X": self.X, "Y": self.Y}

    def reference(self) -> ref.LSTM:
        return reference_model("LSTM", self.constructor(), self.params)


def lstm_cases(*, max_batch: int = 3, lengths: tuple[int, int] = (2, 5), max_hidden: int = 4) -> st.SearchStrategy[LstmCase]:
    """B in 2..max_batch, T in ``lengths``, D = 3, H in 1..max_hidden, K in 2..5; gradients below LSTM_CLIP."""
    @st.composite
    def build(draw: st.DrawFn) -> LstmCase:
        batch, steps = draw(st.integers(2, max_batch)), draw(st.integers(*lengths))
        hidden, classes = draw(st.integers(1, max_hidden)), draw(st.integers(2, 5))
        rng = np.random.default_rng(draw(st.integers(0, 2**16)))
        shapes = {**lstm_gate_shapes(3, hidden), "W": (hidden, classes), "B": (1, classes)}
        params = {name: 0.5 * rng.standard_normal(shapes[name]) for name in LSTM_PARAMETERS}
        return LstmCase(params, rng.standard_normal((batch, steps, 3)), np.eye(classes)[rng.integers(0, classes, batch)])
    return build().filter(lambda case: all(np.max(np.abs(g)) < LSTM_CLIP
                                           for g in case.reference().BPTT(case.X, case.Y)))


# --- RNN, dense ReLU, softmax ---------------------------------------------------------------------------------
MULTI_PARAMETERS = (*PARAMETERS, "W3", "B3")


@dataclass(frozen=True)
class MultiCase:
    """A batch through a Multi_Layer_RNN whose parameters the grader sets."""

    model: ClassVar[str] = "Multi_Layer_RNN"

    params: dict[str, np.ndarray]      # W1 (D, H1), B1, W1_rec (H1, H1), W2 (H1, H2), B2, W3 (H2, K), B3
    X: np.ndarray
    Y: np.ndarray

    def constructor(self) -> dict[str, Any]:
        (batch, steps, inputs), (first, second) = self.X.shape, self.params["W2"].shape
        return {"input_dim": inputs, "hidden_dim_1": first, "hidden_dim_2": second, "seq_len": steps,
                "learning_rate": 0.1, "mom_coeff": 0.85, "batch_size": batch, "output_class": self.Y.shape[1]}

    def label(self) -> str:
        first, second = self.params["W2"].shape
        return f"Multi_Layer_RNN(input_dim=3, hidden_dim_1={first}, hidden_dim_2={second}, output_class={self.Y.shape[1]})"

    def as_inputs(self) -> dict[str, Any]:
        return {**self.params, "X": self.X, "Y": self.Y}

    def reference(self) -> ref.Multi_Layer_RNN:
        return reference_model("Multi_Layer_RNN", self.constructor(), self.params)


def multi_cases() -> st.SearchStrategy[MultiCase]:
    """B in 2..3, T in 2..5, D = 3, H1 in 1..4, H2 in 2..4, K in 2..5; the dense layer's inputs at the last
    step at least 1e-3 away from ReLU's kink (finite differences are exact there), some of them in (0, 1]
    (where ReLU's derivative and a bad copy of it differ); gradients below CLIP."""
    @st.composite
    def build(draw: st.DrawFn) -> MultiCase:
        batch, steps = draw(st.integers(2, 3)), draw(st.integers(2, 5))
        first, second, classes = draw(st.integers(1, 4)), draw(st.integers(2, 4)), draw(st.integers(2, 5))
        rng = np.random.default_rng(draw(st.integers(0, 2**16)))
        shapes = {"W1": (3, first), "B1": (1, first), "W1_rec": (first, first), "W2": (first, second),
                  "B2": (1, second), "W3": (second, classes), "B3": (1, classes)}
        params = {name: 0.5 * rng.standard_normal(shape) for name, shape in shapes.items()}
        return MultiCase(params, rng.standard_normal((batch, steps, 3)), np.eye(classes)[rng.integers(0, classes, batch)])

    def usable(case: MultiCase) -> bool:
        model = case.reference()
        cache = model.forward(case.X)
        dense = cache[1][case.X.shape[1] - 1] @ model.W2 + model.B2
        return bool(np.min(np.abs(dense)) > 1e-3 and np.any((dense > 0) & (dense < 1))
                    and all(np.max(np.abs(g)) < CLIP for g in model.BPTT(cache, case.Y)))
    return build().filter(usable)


# --- RNN, a stack of dense ReLU layers, softmax (Three_Hidden_Layer_RNN, Five_Hidden_Layer_RNN) ---------------
DENSE_LAYERS = {"Three_Hidden_Layer_RNN": 2, "Five_Hidden_Layer_RNN": 4}


def stack_parameters(dense_layers: int) -> tuple[str, ...]:
    """W1, B1, W1_rec, then W_k, B_k for the ``dense_layers`` and the read-out."""
    layers = [(f"W{k}", f"B{k}") for k in range(2, 3 + dense_layers)]
    return ("W1", "B1", "W1_rec", *(name for layer in layers for name in layer))


@dataclass(frozen=True)
class DeepCase:
    """A batch through a Three_Hidden_Layer_RNN or a Five_Hidden_Layer_RNN (``model``) whose parameters the
    grader sets."""

    model: str
    params: dict[str, np.ndarray]      # W1 (D, H1), B1, W1_rec (H1, H1), W_k (H_(k-1), H_k), B_k, ..., read-out (H_last, K)
    X: np.ndarray
    Y: np.ndarray

    def hidden_dims(self) -> tuple[int, ...]:
        return tuple(self.params[f"W{k}"].shape[0] for k in range(2, DENSE_LAYERS[self.model] + 3))

    def constructor(self) -> dict[str, Any]:
        batch, steps, inputs = self.X.shape
        sizes = {f"hidden_dim_{k}": size for k, size in enumerate(self.hidden_dims(), start=1)}
        return {"input_dim": inputs, **sizes, "seq_len": steps, "learning_rate": 0.1, "mom_coeff": 0.85,
                "batch_size": batch, "output_class": self.Y.shape[1]}

    def label(self) -> str:
        sizes = ", ".join(f"hidden_dim_{k}={size}" for k, size in enumerate(self.hidden_dims(), start=1))
        return f"{self.model}(input_dim={self.X.shape[2]}, {sizes}, output_class={self.Y.shape[1]})"

    def as_inputs(self) -> dict[str, Any]:
        return {**self.params, "X": self.X, "Y": self.Y}

    def reference(self) -> Any:
        return reference_model(self.model, self.constructor(), self.params)


def deep_cases(model: str) -> st.SearchStrategy[DeepCase]:
    """``model`` with B in 2..3, T in 2..4, D = 3, H1 in 1..3, dense layers of 2..3 units, K in 2..4; at the
    last step every dense layer has a unit above 0 and all its inputs at least 1e-3 away from ReLU's kink
    (finite differences are exact there), some of them in (0, 1] (where ReLU's derivative and the course's
    ReLU_grad differ); gradients below CLIP."""
    dense_layers = DENSE_LAYERS[model]

    @st.composite
    def build(draw: st.DrawFn) -> DeepCase:
        batch, steps, classes = draw(st.integers(2, 3)), draw(st.integers(2, 4)), draw(st.integers(2, 4))
        sizes = (draw(st.integers(1, 3)), *(draw(st.integers(2, 3)) for _ in range(dense_layers)), classes)
        rng = np.random.default_rng(draw(st.integers(0, 2**16)))
        shapes = {"W1": (3, sizes[0]), "B1": (1, sizes[0]), "W1_rec": (sizes[0], sizes[0])}
        for k in range(2, len(sizes) + 1):
            shapes[f"W{k}"], shapes[f"B{k}"] = (sizes[k - 2], sizes[k - 1]), (1, sizes[k - 1])
        params = {name: 0.7 * rng.standard_normal(shapes[name]) + (0.3 if name[0] == "B" else 0.0)
                  for name in stack_parameters(dense_layers)}
        return DeepCase(model, params, rng.standard_normal((batch, steps, 3)),
                        np.eye(classes)[rng.integers(0, classes, batch)])

    def usable(case: DeepCase) -> bool:
        model = case.reference()
        cache = model.forward(case.X)
        inputs, _ = model._dense_inputs(cache[1][case.X.shape[1] - 1])
        return bool(all(np.min(np.abs(z)) > 1e-3 and np.any(z > 0) for z in inputs)
                    and any(np.any((z > 0) & (z < 1)) for z in inputs)
                    and all(np.max(np.abs(g)) < CLIP for g in model.BPTT(cache, case.Y)))
    return build().filter(usable)


# --- the GRU ------------------------------------------------------------------------------------------------
GRU_PARAMETERS = ("W", "B", *(f"{kind}_{gate}" for gate in "zrh" for kind in ("W", "U", "B")))


def gru_gate_shapes(inputs: int, hidden: int) -> dict[str, tuple[int, int]]:
    """W_z, W_r, W_h (D, H), U_z, U_r, U_h (H, H) and B_z, B_r, B_h (1, H)."""
    rows = {"W": inputs, "U": hidden, "B": 1}
    return {f"{kind}_{gate}": (rows[kind], hidden) for gate in "zrh" for kind in rows}


@dataclass(frozen=True)
class GruCase:
    """A batch through a GRU whose parameters the grader sets, and three sets of gradients for step()."""

    model: ClassVar[str] = "GRU"

    params: dict[str, np.ndarray]      # W_* (D, H), U_* (H, H), B_* (1, H) for z, r, h; W (H, K), B (1, K)
    X: np.ndarray
    Y: np.ndarray
    grads: tuple[dict[str, np.ndarray], ...]   # keyed dW, dB, dW_z, ..., one per step
    learning_rate: float = 0.1
    mom_coeff: float = 0.85

    def constructor(self) -> dict[str, Any]:
        (batch, steps, inputs), (hidden, classes) = self.X.shape, self.params["W"].shape
        return {"input_dim": inputs, "hidden_dim": hidden, "output_class": classes, "seq_len": steps,
                "batch_size": batch, "learning_rate": self.learning_rate, "mom_coeff": self.mom_coeff}

    def label(self) -> str:
        hidden, classes = self.params["W"].shape
        return f"GRU(input_dim={self.X.shape[2]}, hidden_dim={hidden}, output_class={classes})"

    def as_inputs(self) -> dict[str, Any]:
        return {**self.params, "X": self.X, "Y": self.Y}

    def reference(self) -> ref.GRU:
        return reference_model("GRU", self.constructor(), self.params)


def gru_cases(*, max_batch: int = 3, lengths: tuple[int, int] = (2, 5), max_hidden: int = 4) -> st.SearchStrategy[GruCase]:
    """B in 2..max_batch, T in ``lengths``, D = 3, H in 1..max_hidden, K in 2..5, learning rate and
    momentum drawn; gradients below LSTM_CLIP (the GRU's clip is the LSTM's, 15)."""
    @st.composite
    def build(draw: st.DrawFn) -> GruCase:
        batch, steps = draw(st.integers(2, max_batch)), draw(st.integers(*lengths))
        hidden, classes = draw(st.integers(1, max_hidden)), draw(st.integers(2, 5))
        rng = np.random.default_rng(draw(st.integers(0, 2**16)))
        shapes = {**gru_gate_shapes(3, hidden), "W": (hidden, classes), "B": (1, classes)}
        params = {name: 0.5 * rng.standard_normal(shapes[name]) for name in GRU_PARAMETERS}
        X, Y = rng.standard_normal((batch, steps, 3)), np.eye(classes)[rng.integers(0, classes, batch)]
        grads = tuple({f"d{name}": rng.uniform(-2, 2, shapes[name]) for name in GRU_PARAMETERS} for _ in range(3))
        return GruCase(params, X, Y, grads, draw(st.sampled_from([0.5, 0.1, 0.01])),
                       draw(st.sampled_from([0.85, 0.5, 0.9])))
    return build().filter(lambda case: all(np.max(np.abs(g)) < LSTM_CLIP
                                           for g in case.reference().BPTT(case.X, case.Y)))


# --- the LSTM and the GRU with a dense ReLU layer (Multi_Layer_LSTM, Multi_layer_GRU) -------------------------
MULTI_LSTM_PARAMETERS = (*LSTM_PARAMETERS[:-2], "W_hid", "B_hid", *LSTM_PARAMETERS[-2:])
MULTI_GRU_PARAMETERS = ("W", "B", "W_hid", "B_hid", *GRU_PARAMETERS[2:])
_STACKED = {"Multi_Layer_LSTM": (MULTI_LSTM_PARAMETERS, lstm_gate_shapes),
            "Multi_layer_GRU": (MULTI_GRU_PARAMETERS, gru_gate_shapes)}


@dataclass(frozen=True)
class StackedCase:
    """A batch through a Multi_Layer_LSTM or a Multi_layer_GRU (``model``) whose parameters the grader sets."""

    model: str
    params: dict[str, np.ndarray]      # the LSTM's or the GRU's gates, W_hid (H1, H2), B_hid (1, H2), W (H2, K), B (1, K)
    X: np.ndarray
    Y: np.ndarray
    grads: tuple[dict[str, np.ndarray], ...] = ()   # for step(): keyed dW_f, ... (or dW, ...), one per step
    learning_rate: float = 0.1
    mom_coeff: float = 0.85

    def constructor(self) -> dict[str, Any]:
        (batch, steps, inputs), (first, second) = self.X.shape, self.params["W_hid"].shape
        return {"input_dim": inputs, "hidden_dim_1": first, "hidden_dim_2": second, "output_class": self.Y.shape[1],
                "seq_len": steps, "batch_size": batch, "learning_rate": self.learning_rate,
                "mom_coeff": self.mom_coeff}

    def label(self) -> str:
        first, second = self.params["W_hid"].shape
        return (f"{self.model}(input_dim={self.X.shape[2]}, hidden_dim_1={first}, hidden_dim_2={second}, "
                f"output_class={self.Y.shape[1]})")

    def as_inputs(self) -> dict[str, Any]:
        return {**self.params, "X": self.X, "Y": self.Y}

    def reference(self) -> Any:
        return reference_model(self.model, self.constructor(), self.params)


def stacked_cases(model: str, steps: bool = False) -> st.SearchStrategy[StackedCase]:
    """``model`` (Multi_Layer_LSTM or Multi_layer_GRU) with B in 2..3, T in 2..4, D = 3, H1 in 1..4,
    H2 in 2..4, K in 2..5; the dense layer's inputs at the last step at least 1e-3 away from ReLU's
    kink (finite differences are exact there), some of them in (0, 1] (where ReLU's derivative and
    the course's ReLU_grad differ); gradients below LSTM_CLIP. With ``steps``, three sets of gradients
    for step() too, a learning rate and a momentum drawn (B = 2, T = 2)."""
    names, gate_shapes = _STACKED[model]

    @st.composite
    def build(draw: st.DrawFn) -> StackedCase:
        batch, length = (2, 2) if steps else (draw(st.integers(2, 3)), draw(st.integers(2, 4)))
        first, second, classes = draw(st.integers(1, 4)), draw(st.integers(2, 4)), draw(st.integers(2, 5))
        rng = np.random.default_rng(draw(st.integers(0, 2**16)))
        shapes = {**gate_shapes(3, first), "W_hid": (first, second), "B_hid": (1, second), "W": (second, classes),
                  "B": (1, classes)}
        params = {name: 0.5 * rng.standard_normal(shapes[name]) for name in names}
        X, Y = rng.standard_normal((batch, length, 3)), np.eye(classes)[rng.integers(0, classes, batch)]
        if not steps:
            return StackedCase(model, params, X, Y)
        grads = tuple({f"d{name}": rng.uniform(-2, 2, shapes[name]) for name in names} for _ in range(3))
        return StackedCase(model, params, X, Y, grads, draw(st.sampled_from([0.5, 0.1, 0.01])),
                           draw(st.sampled_from([0.85, 0.5, 0.9])))

    def usable(case: StackedCase) -> bool:
        model = case.reference()
        h_last = model.forward(case.X)[0][case.X.shape[1] - 1]
        dense = h_last @ model.W_hid + model.B_hid
        return bool(np.min(np.abs(dense)) > 1e-3 and np.any((dense > 0) & (dense < 1))
                    and all(np.max(np.abs(g)) < LSTM_CLIP for g in model.BPTT(case.X, case.Y)))
    return build().filter(usable)
