"""What crosses the trust boundary besides plain data: markers a check passes into student code.

The worker (:mod:`grader.worker`) imports this module and :mod:`grader.wire`, never the spec, the
suites, the comparison or the reference. A check hands student code a function, one of the
student's own functions, or a trusted object to build *by name*; each side resolves the name in its
own table, so no code object ever travels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np


def _leaky_relu(x: Any, alpha: float = 0.01) -> Any:
    return np.where(x > 0, x, alpha * x)


# Functions a check may pass *into* the student's code (an activation, say). They travel by name,
# so nothing but plain data ever crosses to the worker; both sides resolve the name in this table.
SAFE_FUNCTIONS: Mapping[str, Callable[..., Any]] = {
    "identity": lambda x: x,
    "relu": lambda x: np.maximum(x, 0),
    "sigmoid": lambda x: np.exp(-np.logaddexp(0.0, -x)),   # no overflow for large |x|
    "tanh": np.tanh,
    "leaky_relu": _leaky_relu,
}


@dataclass(frozen=True)
class Fn:
    """A function from :data:`SAFE_FUNCTIONS`, passed as an argument by name."""
    name: str

    def __post_init__(self) -> None:
        if self.name not in SAFE_FUNCTIONS:
            raise ValueError(f"Fn({self.name!r}): not one of {', '.join(SAFE_FUNCTIONS)}")


@dataclass(frozen=True)
class Own:
    """The student's own function ``name`` (canonical), passed as an argument."""
    name: str


@dataclass(frozen=True)
class Make:
    """A trusted object built where the student's code runs, from :data:`grader.harness.FACTORIES`:
    an optimizer over the parameters of a student's model, a loss module. Like :class:`Fn` it
    travels by name, so a check can hand ``fit(opt, loss_function, model, ...)`` what it needs::

        model = sub.new("RecurrentNeuralNetwork", ...)
        sub.function("fit_RNN")(opt=Make.of("NAdam", params=model, lr=1e-3),
                                loss_function=Make.of("MSELoss"), rnn_model=model, ...)
    """
    name: str
    kwargs: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, name: str, **kwargs: Any) -> "Make":
        from grader.harness import FACTORIES
        if name not in FACTORIES:
            raise ValueError(f"Make.of({name!r}): not one of {', '.join(FACTORIES)}")
        return cls(name, tuple(kwargs.items()))
