"""activity-rnn checks of the LSTM and the GRU with a dense ReLU layer before their softmax
(Multi_Layer_LSTM, Multi_layer_GRU): forward and BPTT, graded as the LSTM's and the GRU's are, with
the mistakes of those and of the dense layer named where the student's values are exactly theirs, and
their momentum step, graded as the GRU's (the course's Multi_Layer_LSTM.SGD flipped the momentum's sign).
Loaded by tests/suites/activity_rnn.py, which registers these checks with its own.
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): what computes answers is in activity_rnn_private.py

from hypothesis import given

from grader.suite import check, load_private, load_sibling

private = load_private(__file__, "activity_rnn_private")   # what computes answers: never sent to students
cases = load_sibling(__file__, "activity_rnn_cases")
_expect = load_sibling(__file__, "activity_rnn_expect")
_models = load_sibling(__file__, "activity_rnn_models")

MULTI_LSTM_GRADIENTS = tuple(f"d{name}" for name in cases.MULTI_LSTM_PARAMETERS)
# the course's Multi_Layer_LSTM returned its gradients read-out first, gates last and backwards
COURSE_LSTM_ORDER = ("dW", "dB", "dW_hid", "dB_hid", "dW_o", "dB_o", "dW_c", "dB_c", "dW_i", "dB_i", "dW_f", "dB_f")
WITHOUT_RELU = ("these are the probabilities of softmax((h_t W_hid + B_hid) W + B): the dense layer's ReLU is left "
                "out. p_t = softmax(ReLU(h_t W_hid + B_hid) W + B).")
DENSE_MISTAKES = {
    "reinjects-output": "the dense layer's gradient at h, (dy W^T * ReLU'(z)) W_hid^T, is added to dh at EVERY "
                        "step; only h_(T-1) feeds the dense layer the loss reads, so dh starts there and then "
                        "comes only from the step after",
    "relu-grad-x": "the dense layer's ReLU derivative is z itself where 0 < z <= 1 (the course's ReLU_grad: "
                   "X[X <= 0] = 0; X[X > 1] = 1). It is exactly 1 wherever z > 0",
}
MULTI_LSTM_MISTAKES = {
    **DENSE_MISTAKES,
    "course-order": "every gradient is right but the list is in the course's order [dW, dB, dW_hid, dB_hid, dW_o, "
                    f"..., dW_f, dB_f]: return them in the order of the parameters, [{', '.join(MULTI_LSTM_GRADIENTS)}]",
}


def _student_model(sub, case):
    return _expect.student_model(sub, case.model, case, tuple(case.params))


def expect_stacked_forward(sub, case, names: tuple[str, ...], expected, mistakes: dict[str, list]) -> None:
    """The student's forward(X) returns ``names`` equal to ``expected``; a known wrong forward (the core's
    ``mistakes``, or the dense layer without its ReLU) is named."""
    returned = _student_model(sub, case).call("forward", X=case.X.copy())
    _expect.expect_forward(returned, names, expected, case.X.shape[1],
                           f"{case.label()}.forward(X {case.X.shape}) with the grader's parameters", case.as_inputs(),
                           {**mistakes, WITHOUT_RELU: private.probs_without_relu(case)})


def expect_stacked_gradients(sub, case, expected, causes: dict[str, str], wrongs) -> None:
    """The student's BPTT(X, Y) returns ``expected`` (finite differences) in the order of the case's
    parameters; a known wrong BPTT (``wrongs``) is named by its cause."""
    what = f"{case.label()}.BPTT(X, Y) (B={case.X.shape[0]}, T={case.X.shape[1]})"
    returned = _student_model(sub, case).call("BPTT", X=case.X.copy(), Y=case.Y.copy())
    actual = _expect.returned_gradients(returned, tuple(f"d{name}" for name in case.params), what, case.as_inputs())
    _expect.expect_gradients_naming_mistakes(actual, expected, f"The gradients from {what} {_models.FINITE_DIFFERENCES}",
                                             case.as_inputs(), causes, wrongs, clip=15)


@check("multi-lstm.forward")
@given(case=cases.stacked_cases("Multi_Layer_LSTM"))
def multi_lstm_forward_matches_the_reference(sub, case):
    expect_stacked_forward(sub, case, ("hidden_state", "cell_state", "probs"), private.lstm_forward(case),
                           _models.lstm_forward_mistakes(case))


@check("multi-lstm.bptt")
@given(case=cases.stacked_cases("Multi_Layer_LSTM"))
def multi_lstm_bptt_matches_finite_differences(sub, case):
    expected = private.lstm_finite_differences(case)
    wrongs = {mistake: private.lstm_mistaken_gradients(case, mistake) for mistake in DENSE_MISTAKES}
    wrongs["course-order"] = {name: expected[course] for name, course in zip(MULTI_LSTM_GRADIENTS, COURSE_LSTM_ORDER)}
    expect_stacked_gradients(sub, case, expected, MULTI_LSTM_MISTAKES, wrongs)


@check("multi-gru.forward")
@given(case=cases.stacked_cases("Multi_layer_GRU"))
def multi_gru_forward_matches_the_reference(sub, case):
    expect_stacked_forward(sub, case, ("hidden_state", "probs"), private.gru_forward(case),
                           _models.gru_forward_mistakes(case))


@check("multi-gru.bptt")
@given(case=cases.stacked_cases("Multi_layer_GRU"))
def multi_gru_bptt_matches_finite_differences(sub, case):
    wrongs = {mistake: private.gru_mistaken_gradients(case, mistake) for mistake in DENSE_MISTAKES}
    expect_stacked_gradients(sub, case, private.gru_finite_differences(case), DENSE_MISTAKES, wrongs)


@check("multi-lstm.step")
@given(case=cases.stacked_cases("Multi_Layer_LSTM", steps=True))
def multi_lstm_step_is_sgd_with_momentum(sub, case):
    _models.expect_momentum_steps(sub, case)


@check("multi-gru.step")
@given(case=cases.stacked_cases("Multi_layer_GRU", steps=True))
def multi_gru_step_is_sgd_with_momentum(sub, case):
    _models.expect_momentum_steps(sub, case)
