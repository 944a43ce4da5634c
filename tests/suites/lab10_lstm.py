"""The grading suite of lab10-lstm: one ``@check`` per check in assignments/lab10-lstm/assignment.toml.

Lab 10 is Lab 9's pipeline with nn.LSTM: the checks the two labs share live in lab_series_windows.py
(E1) and lab_series_text.py (E2, E3), registered here for the LSTM. This module adds the optional
exercise, one LSTM step from the gate equations (lstm_step). What computes answers is in
lab_series_private.py.
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): what computes answers is in lab_series_private.py

import numpy as np
import torch
from hypothesis import given
from hypothesis import strategies as st

from grader.suite import check, expect_close, fail, load_sibling, matches

windows = load_sibling(__file__, "lab_series_windows")
text = load_sibling(__file__, "lab_series_text")
private = windows.private
LAB = windows.Lab(kind="lstm", model="LSTMModel", names="NameLSTM", chars="CharLSTM")

globals().update(windows.register(LAB))
globals().update(text.register(LAB))


@check("cell.value")
@given(batch=st.integers(1, 3), inputs=st.integers(1, 4), hidden=st.integers(1, 4), seed=st.integers(0, 2 ** 16))
def cell_value(sub, batch, inputs, hidden, seed):
    """lstm_step against torch's own LSTMCell with the same weights, in float64, to 1e-6."""
    rng = np.random.default_rng(seed)
    args = {"x": rng.normal(size=(batch, inputs)), "h": rng.normal(size=(batch, hidden)),
            "c": rng.normal(size=(batch, hidden)), "weight_ih": rng.normal(size=(4 * hidden, inputs)),
            "weight_hh": rng.normal(size=(4 * hidden, hidden)), "bias_ih": rng.normal(size=4 * hidden),
            "bias_hh": rng.normal(size=4 * hidden)}
    shown = {"x": f"({batch}, {inputs})", "h, c": f"({batch}, {hidden})", "weight_ih": f"({4 * hidden}, {inputs})",
             "seed": seed}
    out = windows.parts(sub.function("lstm_step")(**{k: torch.from_numpy(v) for k, v in args.items()}), 2,
                        "lstm_step(x, h, c, weight_ih, weight_hh, bias_ih, bias_hh)", shown)
    h_next, c_next = (windows.numbers(v, name, shown) for v, name in zip(out, ("h'", "c'")))
    expected = private.lstm_step(**args)
    wrong = private.lstm_step_reordered(**args)
    if not matches(c_next, expected[1]) and matches(c_next, wrong[1]):
        fail("lstm_step reads the gates in the order (i, f, o, g); torch stacks them (i, f, g, o) in weight_ih_l0, "
             "weight_hh_l0 and the biases: the third chunk is the cell candidate g, the fourth the output gate o.",
             inputs=shown, expected=expected[1], actual=c_next)
    expect_close(c_next, expected[1], what="c' = sigmoid(f) * c + sigmoid(i) * tanh(g), as nn.LSTM computes it",
                 inputs=shown)
    expect_close(h_next, expected[0], what="h' = sigmoid(o) * tanh(c'), as nn.LSTM computes it", inputs=shown)
