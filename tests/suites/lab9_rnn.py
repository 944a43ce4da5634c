"""The grading suite of lab9-rnn: one ``@check`` per check in assignments/lab9-rnn/assignment.toml.

Lab 10 (lab10-lstm) is the same lab with nn.LSTM, so the checks live in two modules both suites load:
lab_series_windows.py (E1: windows, split, dataset, model, train, denormalize) and lab_series_text.py
(E2: the surname classifier; E3: the next-character predictor). This module says which lab it is.
What computes answers is in lab_series_private.py.
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): what computes answers is in lab_series_private.py

from grader.suite import load_sibling

windows = load_sibling(__file__, "lab_series_windows")
text = load_sibling(__file__, "lab_series_text")
LAB = windows.Lab(kind="rnn", model="RNNModel", names="NameRNN", chars="CharRNN")

globals().update(windows.register(LAB))
globals().update(text.register(LAB))
