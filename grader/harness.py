"""Trusted helpers that run where the student's code runs, on the student's objects.

A model the student built lives in the worker, so anything that must touch it many times (train it
for 200 steps, load the grader's weights into it, read its parameters) runs there too, and only
numbers come back. The code is the grader's own; it is imported in the worker like numpy is. What
it reports (losses, steps, seconds) is data the student's code could have influenced, so verdicts
stay in the grading process, which judges the numbers it gets.

- :data:`FACTORIES`: objects a check may hand to the student's code by name (:class:`~grader.submission.Make`):
  optimizers over a model's parameters, loss modules.
- :data:`HARNESS`: functions a check may run through ``sub.harness(name)(...)``.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Mapping

__all__ = ["FACTORIES", "HARNESS", "assign", "build", "final_outputs", "load_parameters", "named_parameters",
           "optimizer_steps", "train_steps"]


def _params(model: Any) -> Any:
    """What an optimizer is given: the parameters of a module, or an explicit list of tensors."""
    return model.parameters() if hasattr(model, "parameters") else model


_STEPS = [0]   # steps taken by the optimizers the grader built in this worker (optimizer_steps)


def _optimizer(cls_name: str) -> Callable[..., Any]:
    def make(params: Any, **kwargs: Any) -> Any:
        import torch
        optimizer = getattr(torch.optim, cls_name)(_params(params), **kwargs)
        optimizer.register_step_post_hook(_count_step)
        return optimizer
    return make


def _count_step(*_: Any) -> None:
    _STEPS[0] += 1


def optimizer_steps() -> int:
    """How many steps the optimizers handed to the student's code (FACTORIES) have taken so far in
    this worker: a check reads it before and after a call to see how often that call stepped."""
    return _STEPS[0]


def _loss(cls_name: str) -> Callable[..., Any]:
    def make(**kwargs: Any) -> Any:
        import torch
        return getattr(torch.nn, cls_name)(**kwargs)
    return make


FACTORIES: Mapping[str, Callable[..., Any]] = {
    **{name: _optimizer(name) for name in ("SGD", "Adam", "NAdam", "AdamW", "RMSprop", "Adagrad")},
    **{name: _loss(name) for name in ("MSELoss", "NLLLoss", "CrossEntropyLoss", "BCELoss", "BCEWithLogitsLoss")},
}


def build(name: str, kwargs: Mapping[str, Any]) -> Any:
    return FACTORIES[name](**kwargs)


def assign(obj: Any, attr: str, value: Any) -> None:
    """``setattr``, except that an existing ``torch.nn.Parameter`` keeps being the module's
    parameter: the value is copied into it (in its dtype), after its shape is checked."""
    current = getattr(obj, attr, None)
    torch = _torch_if_loaded()
    if torch is not None and isinstance(current, torch.nn.Parameter):
        _copy_into(current, value, attr)
        return
    setattr(obj, attr, value)


def _copy_into(target: Any, value: Any, name: str) -> None:
    """Copy ``value`` into the parameter ``target`` in place, in its dtype, after checking the shape."""
    import torch
    value = torch.as_tensor(value)
    if tuple(value.shape) != tuple(target.shape):
        raise ValueError(f"{name} has shape {tuple(target.shape)}; the grader's value has shape {tuple(value.shape)}")
    with torch.no_grad():
        target.copy_(value.to(target.dtype))


def named_parameters(model: Any) -> dict[str, Any]:
    """Every named parameter of a torch module, detached copies by dotted name."""
    if not hasattr(model, "named_parameters"):
        raise TypeError(f"{type(model).__name__} is not a torch.nn.Module: it has no named_parameters()")
    return {name: p.detach().clone() for name, p in model.named_parameters()}


def load_parameters(model: Any, values: Mapping[str, Any]) -> None:
    """Copy ``values`` (dotted name -> tensor) into the module's parameters, in place."""
    params = dict(model.named_parameters())
    missing = sorted(set(values) - set(params))
    if missing:
        raise KeyError(f"{type(model).__name__} has no parameter {', '.join(missing)} "
                       f"(it has: {', '.join(params) or 'none'})")
    for name, value in values.items():
        _copy_into(params[name], value, f"parameter {name}")


def _first(output: Any) -> Any:
    """``model(x)`` may return ``(out, hidden)``; training looks at ``out``."""
    return output[0] if isinstance(output, (tuple, list)) else output


def _loss_value(kind: str, output: Any, target: Any) -> Any:
    import torch.nn.functional as F
    if kind == "nll":                       # log-probabilities (B, C) against class indices
        return F.nll_loss(output.reshape(-1, output.shape[-1]), target.reshape(-1).long())
    if kind == "cross_entropy":             # logits (B, C) or (B*T, V) against class indices
        return F.cross_entropy(output.reshape(-1, output.shape[-1]), target.reshape(-1).long())
    if kind == "bce":                       # probabilities in (0, 1), any shape, against 0/1 targets
        return F.binary_cross_entropy(output.reshape(-1), target.reshape(-1).to(output.dtype))
    if kind == "mse":
        return F.mse_loss(output.reshape(-1), target.reshape(-1).to(output.dtype))
    raise ValueError(f"unknown loss {kind!r}: nll, cross_entropy, bce or mse")


def train_steps(model: Any, inputs: Any, targets: Any, *, loss: str, optimizer: str = "Adam", lr: float = 1e-2,
                steps: int = 100, batch_size: int | None = None, budget_s: float = 30.0, seed: int = 0,
                dtype: str | None = None) -> dict[str, Any]:
    """Train the student's ``model`` with the grader's own loop: ``steps`` optimizer steps on
    minibatches of (``inputs``, ``targets``) drawn in a fixed order from ``seed``, stopping early
    when the worker has spent ``budget_s`` seconds of CPU time in it. CPU time, not the clock: how
    busy the machine is (other students graded beside it) must not decide how far a model trains, or
    the same submission would score differently from run to run. The loop is the textbook one
    (zero_grad, forward, loss, backward, step), so a model that does not learn under it does not learn.

    Returns ``{"losses": [...], "steps": n, "seconds": s, "stopped": "steps" | "budget" | "diverged"}``,
    where ``losses[i]`` is the loss before step ``i``'s update, on that step's batch, and ``seconds``
    the CPU time the loop took.
    """
    import torch
    x, y = torch.as_tensor(inputs), torch.as_tensor(targets)
    if dtype is not None:
        x = x.to(getattr(torch, dtype))
    elif x.is_floating_point():
        first = next(iter(model.parameters()), None)
        if first is not None and first.is_floating_point():
            x = x.to(first.dtype)       # a float64 model gets float64 inputs, a float32 model float32
    opt = build(optimizer, {"params": model, "lr": lr})
    generator = torch.Generator().manual_seed(seed)
    n = x.shape[0]
    losses: list[float] = []
    started = time.process_time()
    stopped = "steps"
    model.train()
    for _ in range(steps):
        if time.process_time() - started > budget_s:
            stopped = "budget"
            break
        index = torch.randperm(n, generator=generator)[:batch_size] if batch_size else slice(None)
        opt.zero_grad()
        value = _loss_value(loss, _first(model(x[index])), y[index])
        if not torch.isfinite(value):
            losses.append(float(value))
            stopped = "diverged"
            break
        value.backward()
        opt.step()
        losses.append(float(value.detach()))
    return {"losses": losses, "steps": len(losses), "seconds": round(time.process_time() - started, 3),
            "stopped": stopped}


def evaluate(model: Any, inputs: Any) -> Any:
    """``model(inputs)`` in eval mode without autograd; the first element of a tuple output."""
    import torch
    model.eval()
    with torch.no_grad():
        return _first(model(torch.as_tensor(inputs)))


def final_outputs(model: Any, sequences: Any, initial_state: Any) -> list[Any]:
    """Feed each of ``sequences`` ((L, I) each) to a cell stepped one time step at a time,
    ``model(x_t, state) -> (output, state)``, from a fresh copy of ``initial_state`` (a tensor or a
    tuple of them), without autograd; return each sequence's last output, flattened."""
    import torch

    def fresh(state: Any) -> Any:
        return tuple(fresh(s) for s in state) if isinstance(state, (tuple, list)) else torch.as_tensor(state).clone()

    model.eval()
    outputs = []
    with torch.no_grad():
        for sequence in sequences:
            state, output = fresh(initial_state), None
            for x_t in torch.as_tensor(sequence):
                output, state = model(x_t, state)
            outputs.append(torch.as_tensor(output).detach().reshape(-1).clone())
    return outputs


def cpu_seconds() -> float:
    """The CPU time the student's code has taken so far where it runs: a training loop driven from
    the grader's side measures its budget in it, so a busy machine does not cut training short."""
    return time.process_time()


HARNESS: Mapping[str, Callable[..., Any]] = {
    "cpu_seconds": cpu_seconds,
    "named_parameters": named_parameters,
    "load_parameters": load_parameters,
    "train_steps": train_steps,
    "evaluate": evaluate,
    "final_outputs": final_outputs,
    "optimizer_steps": optimizer_steps,
}


def _torch_if_loaded() -> Any:
    import sys
    return sys.modules.get("torch")
