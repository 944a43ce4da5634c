"""What computes the answers of lab9-rnn and lab10-lstm (the same lab with nn.RNN and with nn.LSTM),
kept from students (grader.release ships only modules marked for them). Both suites load it with
load_private, so the results of these functions are recorded with the cases where they depend on the
drawn inputs only.

The data are generated here: a price series (a positive random walk), a sine, made-up surname
"languages" (each its own letters), and "hello world " repeated. Nothing is read from disk.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import numpy as np
import torch
from numpy.lib.stride_tricks import sliding_window_view

ALL_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,;'"
HIDDEN = 5          # RNNModel / LSTMModel: nn.RNN(1, 5) or nn.LSTM(1, 5), then Linear(5, 1)
GATES = {"rnn": 1, "lstm": 4, "gru": 3}
HELLO = "hello world " * 50


# --- E1: the price series --------------------------------------------------------------------------------
def price_series(length: int, seed: int) -> np.ndarray:
    """A positive daily price series of ``length`` points: a random walk in log space."""
    steps = np.random.default_rng(seed).normal(0.0, 0.03, length)
    return np.round(3.0 * np.exp(np.cumsum(steps)), 4)


def windows(series: Any, seq_len: int, n: int | None) -> tuple[np.ndarray, np.ndarray]:
    """X = the first n rows of sliding_window_view(series, seq_len), Y[i] = series[i + seq_len]."""
    y = np.asarray(series, dtype=np.float64)
    count = len(y) - seq_len if n is None else n
    return sliding_window_view(y, seq_len)[:count].copy(), y[seq_len:seq_len + count].copy()


def split_counts(n: int, test_size: float) -> tuple[int, int]:
    """(train, test) sizes of train_test_split(test_size, shuffle=False): the test set rounds up."""
    test = math.ceil(test_size * n)
    return n - test, test


def series_parameters(kind: str, seed: int) -> dict[str, np.ndarray]:
    """Drawn parameters of RNNModel / LSTMModel by canonical name (rnn.*_l0, fc.weight, fc.bias)."""
    rng = np.random.default_rng(seed)
    rows = GATES[kind] * HIDDEN
    shapes = {"weight_ih_l0": (rows, 1), "weight_hh_l0": (rows, HIDDEN), "bias_ih_l0": (rows,),
              "bias_hh_l0": (rows,), "fc.weight": (1, HIDDEN), "fc.bias": (1,)}
    return {name: rng.uniform(-0.8, 0.8, shape).astype(np.float32) for name, shape in shapes.items()}


def _recurrence(kind: str, params: Mapping[str, Any], x: np.ndarray) -> np.ndarray:
    """Every step's hidden state (B, T, H) of a one-layer nn.RNN (tanh) or nn.LSTM, batch first, from zeros."""
    p = {k: np.asarray(v, dtype=np.float64) for k, v in params.items()}
    batch, steps, _ = x.shape
    h = np.zeros((batch, p["weight_hh_l0"].shape[1]))
    c = np.zeros_like(h)
    states = []
    for t in range(steps):
        z = x[:, t] @ p["weight_ih_l0"].T + p["bias_ih_l0"] + h @ p["weight_hh_l0"].T + p["bias_hh_l0"]
        if kind == "lstm":
            h, c = lstm_gates(z, c)
        else:
            h = np.tanh(z)
        states.append(h)
    return np.stack(states, axis=1)


def lstm_gates(z: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """h, c from the pre-activations z = W_ih x + b_ih + W_hh h + b_hh, chunked (i, f, g, o)."""
    i, f, g, o = np.split(z, 4, axis=-1)
    sigmoid = lambda a: 1 / (1 + np.exp(-a))   # noqa: E731
    c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    return sigmoid(o) * np.tanh(c), c


def series_forward(kind: str, params: Mapping[str, Any], x: Any, relu: bool = True, step: int = -1) -> np.ndarray:
    """RNNModel / LSTMModel on x (B, T, 1): fc(relu(h at ``step``)), (B, 1). ``step=0`` and ``relu=False``
    give the mistakes (and the manual's quirk) the suite names."""
    h = _recurrence(kind, params, np.asarray(x, dtype=np.float64))[:, step]
    h = np.maximum(h, 0) if relu else h
    return h @ np.asarray(params["fc.weight"], dtype=np.float64).T + np.asarray(params["fc.bias"], dtype=np.float64)


def trained_parameters(kind: str, params: Mapping[str, Any], batches: Sequence[Any], lr: float, relu: bool = True,
                       zero_grad: bool = True) -> dict[str, np.ndarray]:
    """The parameters after one Adam(lr) step of MSE per batch from ``params``, as train() takes them
    (zero_grad=False: the gradients accumulate, the manual's own loop)."""
    layer = (torch.nn.LSTM if kind == "lstm" else torch.nn.RNN)(1, HIDDEN, batch_first=True).double()
    fc = torch.nn.Linear(HIDDEN, 1).double()
    named = {**dict(layer.named_parameters()), **{f"fc.{k}": v for k, v in fc.named_parameters()}}
    with torch.no_grad():
        for name, value in params.items():
            named[name].copy_(torch.as_tensor(np.asarray(value, dtype=np.float64)))
    optimizer = torch.optim.Adam(named.values(), lr=lr)
    for xb, yb in batches:
        if zero_grad:
            optimizer.zero_grad()
        h = layer(torch.as_tensor(np.asarray(xb, dtype=np.float64)))[0][:, -1]
        out = fc(torch.relu(h) if relu else h)
        torch.nn.functional.mse_loss(out.reshape(-1), torch.as_tensor(np.asarray(yb, dtype=np.float64))).backward()
        optimizer.step()
    return {name: value.detach().numpy().copy() for name, value in named.items()}


def sine_windows(seq_len: int = 10) -> dict[str, np.ndarray]:
    """Windows of a sine (period 25 steps) in [0, 1]: 400 to train on, 200 held out (later in time),
    as float32 (n, seq_len, 1) inputs and (n,) targets."""
    t = np.arange(610 + seq_len)
    y = 0.5 + 0.4 * np.sin(2 * np.pi * t / 25)
    X, Y = windows(y, seq_len, None)
    X = X[:, :, None].astype(np.float32)
    Y = Y.astype(np.float32)
    return {"train_x": X[:400], "train_y": Y[:400], "test_x": X[410:610], "test_y": Y[410:610]}


# --- E2: the surname classifier ------------------------------------------------------------------------------
def one_hot_line(name: str) -> np.ndarray:
    """(len(name), 1, 57) one-hot rows at each letter's place in all_letters."""
    tensor = np.zeros((len(name), 1, len(ALL_LETTERS)), dtype=np.float32)
    for i, letter in enumerate(name):
        tensor[i, 0, ALL_LETTERS.index(letter)] = 1
    return tensor


# Made-up "languages": each spells its surnames with its own consonants and vowels, so a model that
# reads the letters tells them apart. No list of real names is used.
LANGUAGES = {"Vellish": ("vlmnr", "ae"), "Tarkic": ("tkdgz", "ou"), "Sophian": ("sphfw", "iy")}


def surnames(count: int, seed: int) -> tuple[tuple[str, int], ...]:
    """``count`` (surname, language index) pairs, the languages in turn, lengths 3 to 7."""
    rng = np.random.default_rng(seed)
    pairs = []
    for k in range(count):
        label = k % len(LANGUAGES)
        consonants, vowels = list(LANGUAGES.values())[label]
        letters = [str(rng.choice(list(consonants if j % 2 == 0 else vowels))) for j in range(int(rng.integers(3, 8)))]
        pairs.append(("".join(letters).capitalize(), label))
    return tuple(pairs)


# --- E3: the next-character predictor -----------------------------------------------------------------------
def hello_vocab() -> tuple[dict[str, int], dict[int, str]]:
    chars = sorted(set(HELLO))
    return {c: i for i, c in enumerate(chars)}, dict(enumerate(chars))


def hello_windows(length: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """Every window of ``length`` characters of "hello world " x 50 (as indices) and the same window
    shifted by one: inputs and next-character targets (n, length), int64."""
    stoi, _ = hello_vocab()
    codes = np.array([stoi[c] for c in HELLO], dtype=np.int64)
    starts = range(len(codes) - length - 1)
    return (np.stack([codes[s:s + length] for s in starts]), np.stack([codes[s + 1:s + length + 1] for s in starts]))


def encode(text: str) -> np.ndarray:
    stoi, _ = hello_vocab()
    return np.array([[stoi[c] for c in text]], dtype=np.int64)


# --- Lab 10: the LSTM cell by hand ---------------------------------------------------------------------------
def lstm_step(x: Any, h: Any, c: Any, weight_ih: Any, weight_hh: Any, bias_ih: Any, bias_hh: Any) -> tuple[np.ndarray, ...]:
    """One step of torch's LSTM in float64, by torch.nn.LSTMCell with these weights: (h', c')."""
    hidden = np.asarray(weight_hh).shape[1]
    cell = torch.nn.LSTMCell(np.asarray(weight_ih).shape[1], hidden).double()
    with torch.no_grad():
        for name, value in (("weight_ih", weight_ih), ("weight_hh", weight_hh), ("bias_ih", bias_ih),
                            ("bias_hh", bias_hh)):
            getattr(cell, name).copy_(torch.as_tensor(np.asarray(value, dtype=np.float64)))
        h_next, c_next = cell(torch.as_tensor(np.asarray(x, dtype=np.float64)),
                              (torch.as_tensor(np.asarray(h, dtype=np.float64)),
                               torch.as_tensor(np.asarray(c, dtype=np.float64))))
    return h_next.numpy(), c_next.numpy()


def lstm_step_reordered(x: Any, h: Any, c: Any, weight_ih: Any, weight_hh: Any, bias_ih: Any,
                        bias_hh: Any) -> tuple[np.ndarray, ...]:
    """The same step with the chunks read as (i, f, o, g): the mistake a hint names."""
    z = (np.asarray(x) @ np.asarray(weight_ih).T + np.asarray(bias_ih) + np.asarray(h) @ np.asarray(weight_hh).T
         + np.asarray(bias_hh))
    i, f, o, g = np.split(z, 4, axis=-1)
    return lstm_gates(np.concatenate([i, f, g, o], axis=-1), np.asarray(c, dtype=np.float64))
