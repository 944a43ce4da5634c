"""activity-rnn checks of the RNN with a stack of dense ReLU layers before its softmax
(Three_Hidden_Layer_RNN, Five_Hidden_Layer_RNN): forward and BPTT, graded as Multi_Layer_RNN's are,
naming the course's mistakes where the student's values are exactly theirs: its Three_Hidden_Layer_RNN's
loss at every step, its Five_Hidden_Layer_RNN's last output pushed back at every step, its ReLU_grad,
and a dense layer without its ReLU. Loaded by tests/suites/activity_rnn.py, which registers these checks
with its own.
"""

from __future__ import annotations

__release__ = "student"   # may go to students (grader release): what computes answers is in activity_rnn_private.py

from hypothesis import given

from grader.suite import check, load_private, load_sibling

private = load_private(__file__, "activity_rnn_private")   # what computes answers: never sent to students
cases = load_sibling(__file__, "activity_rnn_cases")
_expect = load_sibling(__file__, "activity_rnn_expect")
_models = load_sibling(__file__, "activity_rnn_models")

ONE_LOSS = ("the loss this assignment fixes is the mean cross-entropy of the LAST step only (many-to-one, as for "
            "every model here): dy = (p_(T-1) - Y) / B enters at the last step, goes back through the dense layers "
            "with the last step's values, and reaches the earlier steps only through the recurrence (dh_next)")
DEEP_MISTAKES = {
    "loss-every-step": "every step t has its own error dy = p_t - Y (the course's Three_Hidden_Layer_RNN: a "
                       f"many-to-many loss, the same label at every step); {ONE_LOSS}",
    "last-output-every-step": "the last step's error p_(T-1) - Y is pushed back through the dense layers with each "
                              "step's values and into dh at EVERY step (the course's Five_Hidden_Layer_RNN); "
                              f"{ONE_LOSS}",
    "reinjects-output": "the dense layers' gradient at h_(T-1) is added to dh at EVERY step; only h_(T-1) feeds the "
                        "dense layers that the loss reads, so dh starts there and then comes only from the step after",
    "relu-grad-x": _models.MULTI_MISTAKES["relu-grad-x"],
}


def without_relu(case) -> dict[str, list]:
    """The probs of a forward whose k-th dense layer has no ReLU, keyed by the sentence that names it."""
    return {f"these are the probabilities of a forward whose dense layer W{k + 2}, B{k + 2} has no ReLU: every "
            f"dense layer is ReLU(a W_k + B_k), only the read-out goes into the softmax as it is.":
            private.stack_probs_without_relu(case, k) for k in range(cases.DENSE_LAYERS[case.model])}


def expect_deep_forward(sub, case) -> None:
    returned = _expect.student_model(sub, case.model, case, tuple(case.params)).call("forward", X=case.X.copy())
    _expect.expect_forward(returned, ("X_state", "hidden_state", "probs"), private.multi_forward(case),
                           case.X.shape[1], f"{case.label()}.forward(X {case.X.shape}) with the grader's parameters",
                           case.as_inputs(), without_relu(case))


@check("three-layer.forward")
@given(case=cases.deep_cases("Three_Hidden_Layer_RNN"))
def three_layer_forward_matches_the_reference(sub, case):
    expect_deep_forward(sub, case)


@check("three-layer.bptt")
@given(case=cases.deep_cases("Three_Hidden_Layer_RNN"))
def three_layer_bptt_matches_finite_differences(sub, case):
    _models.expect_stack_bptt(sub, case, DEEP_MISTAKES)


@check("five-layer.forward")
@given(case=cases.deep_cases("Five_Hidden_Layer_RNN"))
def five_layer_forward_matches_the_reference(sub, case):
    expect_deep_forward(sub, case)


@check("five-layer.bptt")
@given(case=cases.deep_cases("Five_Hidden_Layer_RNN"))
def five_layer_bptt_matches_finite_differences(sub, case):
    _models.expect_stack_bptt(sub, case, DEEP_MISTAKES)
