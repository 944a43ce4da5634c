"""lab6-transfer's private helpers: what computes an answer of the exercises (an accuracy in percent,
the cross-entropy of a validation set), kept from students
(grader.release ships only modules marked for them). The suite calls these through grader.oracle
(load_private), so their results are recorded with the cases.
"""

from __future__ import annotations

from typing import Any

import numpy as np



def accuracy_percent(scores: Any, labels: Any) -> float:
    """100 * the fraction of rows whose argmax is the label."""
    return 100.0 * float(np.mean(np.asarray(scores).argmax(axis=1) == np.asarray(labels)))


def cross_entropy(scores: Any, labels: Any) -> float:
    """Mean cross-entropy of logits ``scores`` (n, C) against class indices, in float64."""
    z = np.asarray(scores, dtype=np.float64)
    z = z - z.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-np.mean(log_p[np.arange(len(z)), np.asarray(labels)]))
