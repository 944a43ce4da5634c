"""Objects that stay in the worker, used the way training checks use them: passed back into the
student's functions, given an optimizer and a loss built there, trained by the grader's own loop,
loaded with the grader's weights, and read under the names students use."""

from __future__ import annotations

import types

import pytest

from conftest import tiny_assignment
from grader.errors import MissingName, StudentCodeRaised
from grader.spec import NameSpec
from grader.submission import LocalSubmission, Make

MODEL = '''
import torch
from torch import nn

class Net(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.W_hy = nn.Parameter(torch.zeros(n_out, n_in, dtype=torch.float64))
        self.b = nn.Parameter(torch.zeros(n_out, dtype=torch.float64))

    def forward(self, x):
        return x @ self.W_hy.T + self.b

def fit(opt, loss_function, model, X, Y, epochs=5, zero_grad=True):
    history = []
    for _ in range(epochs):
        if zero_grad:
            opt.zero_grad()
        loss = loss_function(model(X), Y)
        loss.backward()
        opt.step()
        history.append(loss.item())
    return history

def uses_vocabulary(word):
    return [char2int[c] for c in word]
'''

NAMES = {"Net": NameSpec("Net", attributes={"W_yh": ("W_hy", "Why")})}


def local_submission():
    module = types.ModuleType("student")
    exec(compile(MODEL, "student.py", "exec"), module.__dict__)
    return LocalSubmission(tiny_assignment(names=NAMES), module)


@pytest.fixture(params=["worker", "local"])
def sub(request, load):
    if request.param == "local":
        return local_submission()
    return load(MODEL, tiny_assignment(names=NAMES))


def data():
    import torch
    g = torch.Generator().manual_seed(0)
    x = torch.randn(32, 3, dtype=torch.float64, generator=g)
    return x, x @ torch.tensor([[1.0], [-2.0], [0.5]], dtype=torch.float64) + 0.25


def test_an_instance_is_passed_back_with_an_optimizer_and_loss_built_where_it_lives(sub):
    x, y = data()
    net = sub.new("Net", n_in=3, n_out=1)
    history = sub.function("fit")(opt=Make.of("SGD", params=net, lr=0.1), loss_function=Make.of("MSELoss"),
                                  model=net, X=x, Y=y, epochs=30)
    assert len(history) == 30 and history[-1] < 0.1 * history[0]


def test_the_graders_training_loop_reports_losses_steps_and_time(sub):
    x, y = data()
    net = sub.new("Net", n_in=3, n_out=1)
    run = sub.harness("train_steps")(model=net, inputs=x, targets=y, loss="mse", optimizer="Adam", lr=0.1,
                                     steps=50, batch_size=8, seed=3)
    assert run["steps"] == 50 == len(run["losses"]) and run["stopped"] == "steps"
    assert run["losses"][-1] < 0.1 * run["losses"][0]
    again = sub.new("Net", n_in=3, n_out=1)
    rerun = sub.harness("train_steps")(model=again, inputs=x, targets=y, loss="mse", optimizer="Adam", lr=0.1,
                                       steps=50, batch_size=8, seed=3)
    assert rerun["losses"] == run["losses"]      # same seed, same batches, same numbers


def test_a_zero_time_budget_stops_training_before_the_first_step(sub):
    x, y = data()
    net = sub.new("Net", n_in=3, n_out=1)
    run = sub.harness("train_steps")(model=net, inputs=x, targets=y, loss="mse", steps=10, budget_s=-1)
    assert run == {**run, "steps": 0, "stopped": "budget"}


def test_parameters_are_read_and_written_under_canonical_names_and_stay_parameters(sub):
    import torch
    net = sub.new("Net", n_in=3, n_out=1)
    assert net.attribute("W_yh") == "W_hy" and net.has("b") and not net.has("c")
    net.set("W_yh", torch.ones(1, 3))                  # float32 in, copied into the float64 parameter
    params = net.parameters()
    assert set(params) == {"W_hy", "b"} and params["W_hy"].dtype == torch.float64
    assert torch.equal(params["W_hy"], torch.ones(1, 3, dtype=torch.float64))
    assert any("`W_yh` found as `W_hy`" in n for b in sub.bindings() for n in b.notes)
    with pytest.raises(StudentCodeRaised, match="shape"):
        net.set("b", torch.ones(2))
    with pytest.raises(MissingName):
        net.get("c")
    sub.harness("load_parameters")(model=net, values={"b": torch.tensor([2.0])})
    assert net.get("b").item() == 2.0


def test_globals_the_starter_provides_are_defined_by_the_grader(sub):
    with pytest.raises(StudentCodeRaised, match="char2int"):
        sub.function("uses_vocabulary")(word="ab")
    sub.define(char2int={"a": 1, "b": 0})
    assert sub.function("uses_vocabulary")(word="ab") == [1, 0]


def test_defined_globals_survive_a_new_worker(load):
    sub = load(MODEL, tiny_assignment(names=NAMES))
    sub.define(char2int={"a": 7})
    sub.fresh()
    assert sub.function("uses_vocabulary")(word="a") == [7]


def test_only_known_factories_and_helpers_exist():
    with pytest.raises(ValueError, match="not one of"):
        Make.of("os.system")
    with pytest.raises(ValueError, match="not one of"):
        local_submission().harness("exec")
