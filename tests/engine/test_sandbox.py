"""The worker boundary: student code runs in a limited worker; only plain data comes back."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
import types
from pathlib import Path

import numpy as np
import pytest

from grader.errors import MissingName, StudentCodeRaised, WorkerLost
from grader.spec import Check, Limits
from grader.submission import Fn
from grader.suite import running_check
from grader.wire import Handle

from conftest import tiny_assignment

PROJECT = Path(__file__).resolve().parent.parent.parent


def test_values_round_trip_with_dtype(load):
    sub = load("import numpy as np\ndef f(x):\n    return x.astype(np.float32) * 2, [1, 'a', None], {'k': np.int64(3)}\n")
    arr, items, mapping = sub.function("f")(x=np.arange(4.0))
    assert arr.dtype == np.float32 and arr.tolist() == [0, 2, 4, 6]
    assert items == [1, "a", None] and mapping == {"k": 3}


def test_objects_stay_behind_handles(load):
    sub = load("class Counter:\n    def __init__(self, start):\n        self.n = start\n"
               "    def bump(self, by=1):\n        self.n += by\n        return self\n")
    counter = sub.new("Counter", start=5)
    returned = counter.call("bump", by=2)
    assert isinstance(returned, Handle)
    assert counter.get("n") == 7
    counter.set("n", np.arange(3))
    assert counter.get("n").tolist() == [0, 1, 2]


def test_what_a_new_object_is_said_to_have_holds_until_code_runs(load):
    """The reply that makes an object says what the grader would ask of it next (its attribute
    names, which of its methods are its class's), saving those round trips. Once more code has run,
    the object may have changed (grown attributes, a method replaced on it): then the grader asks."""
    sub = load("class Net:\n    def __init__(self, n):\n        self.w = n\n"
               "    def fit(self, x):\n        self.fit = lambda y, z: 0\n        return x\n")
    asked = []
    worker = sub._live()
    request = worker.request
    worker.request = lambda header, *a, **k: asked.append(header["op"]) or request(header, *a, **k)
    nets = []
    for i in range(3):
        nets.append(sub.new("Net", n=i))
        assert nets[-1].get("w") == i and nets[-1].call("fit", x=i) == i
    assert asked.count("attrs") == 0 and asked.count("signature") == 2   # Net(), and fit once for all three
    assert nets[0].call("fit", y=1, z=2) == 0         # the lambda fit put on it, with its own parameters
    assert asked.count("signature") == 3
    first, _second = sub.new("Net", n=7), sub.new("Net", n=8)
    assert first.get("w") == 7                         # the second one's __init__ ran since it was made
    assert asked.count("attrs") == 1


def test_safe_functions_travel_by_name(load):
    sub = load("def apply(fn, x):\n    return fn(x)\n")
    assert sub.function("apply")(fn=Fn("relu"), x=np.array([-1.0, 2.0])).tolist() == [0.0, 2.0]


def test_student_exception_comes_back_with_its_traceback(load):
    sub = load("def f(x):\n    return 1 / 0\n")
    with pytest.raises(StudentCodeRaised) as info:
        sub.function("f")(x=1)
    assert info.value.exc_type == "ZeroDivisionError"
    assert 'student.py", line 2' in info.value.traceback
    assert "grader/" not in info.value.traceback


def test_library_frames_are_named_as_their_package_names_them_not_by_the_machines_folders(load):
    sub = load("import numpy as np\nimport json\ndef f(x):\n    np.ones(-1)\ndef g(x):\n    json.loads(x)\n")
    for name, arg, frame in (("f", 1, 'File "numpy/_core/numeric.py"'), ("g", "{", 'File "json/decoder.py"')):
        with pytest.raises(StudentCodeRaised) as info:
            sub.function(name)(x=arg)
        assert frame in info.value.traceback and 'student.py", line' in info.value.traceback
        assert "site-packages" not in info.value.traceback and str(PROJECT) not in info.value.traceback
        assert sys.base_prefix not in info.value.traceback


def test_a_traceback_that_ends_deep_in_a_library_still_shows_the_students_cell_and_line(zygote, tmp_path):
    """A notebook's lines count from its cell, so the cell is named; the library frames between the
    student's last line and the one that raised are cut, so the tail a report shows keeps the former."""
    nbformat = pytest.importorskip("nbformat")
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
    from grader.loader import prepare_source
    from grader.sandbox import WorkerSubmission
    path = tmp_path / "starter.ipynb"
    nbformat.write(new_notebook(cells=[new_markdown_cell("# Part 1"), new_code_cell("import json"),
                                       new_code_cell("\ndef parse(text):\n    return json.loads(text)")]), path)
    sub = WorkerSubmission(tiny_assignment(), zygote, prepare_source(path).units)
    sub.fresh()
    try:
        with pytest.raises(StudentCodeRaised) as info:
            sub.function("parse")(text="{")
    finally:
        sub.close()
    trace = info.value.traceback
    assert 'File "starter.ipynb, cell 3", line 3, in parse' in trace
    assert "frame(s) inside json" in trace and 'File "json/decoder.py"' in trace
    assert trace.count('File "json/') == 1


def test_the_courses_support_modules_and_the_submissions_own_files_are_importable(zygote, tmp_path):
    """An assignment may ship the course's own modules (CS231n's cs231n/layer_utils.py, which imports
    the student's file as cs231n.layers); the submission can be imported under that name, and a
    folder submission's own modules import too. A student's file never replaces a course module."""
    import dataclasses
    from grader.sandbox import WorkerSubmission
    support = tmp_path / "support" / "course"
    support.mkdir(parents=True)
    (support / "__init__.py").write_text("")
    (support / "utils.py").write_text("from course.layers import double\n\ndef quadruple(x):\n    return double(double(x))\n")
    own = tmp_path / "own"
    (own / "course").mkdir(parents=True)
    (own / "helper.py").write_text("K = 3\n")
    (own / "course" / "utils.py").write_text("def quadruple(x):\n    return 0\n")
    assignment = dataclasses.replace(tiny_assignment(), support=tmp_path / "support", import_as=("course.layers",))
    source = ("def double(x):\n    return 2 * x\n", "from course.utils import quadruple\nfrom helper import K\n"
              "def times(x):\n    return K * quadruple(x)\n",
              "from .utils import quadruple as relative\n")   # as the course's own files import each other
    code = [types.SimpleNamespace(source=text, filename="layers.py", lineno=1, where="line 1") for text in source]
    sub = WorkerSubmission(assignment, zygote, code,
                           files=[("helper.py", own / "helper.py"), ("course/utils.py", own / "course" / "utils.py")])
    sub.fresh()
    try:
        assert sub.load_notes == []
        assert sub.function("times")(x=1) == 12 and sub.function("relative")(x=1) == 4
    finally:
        sub.close()


def test_infinite_loop_is_stopped_at_the_call_limit(load):
    sub = load("def f(x):\n    while True:\n        pass\n",
               tiny_assignment(Limits(call_timeout_s=3, load_timeout_s=60, memory_mb=512)))
    started = time.monotonic()
    with pytest.raises(WorkerLost) as info:
        sub.function("f")(x=1)
    assert info.value.reason == "timeout" and "3 s" in info.value.detail
    assert time.monotonic() - started < 30   # stopped near its 3 s limit, even on a busy machine


def test_os_exit_is_a_crash_with_its_status(load):
    sub = load("import os\ndef f(x):\n    os._exit(0)\n")
    with pytest.raises(WorkerLost) as info:
        sub.function("f")(x=1)
    assert info.value.reason == "crashed" and "exit status 0" in info.value.detail


def test_memory_beyond_the_limit_fails_inside_the_worker(load):
    sub = load("import numpy as np\ndef f(x):\n    return np.ones((60000, 60000)).sum()\n")
    with pytest.raises(StudentCodeRaised) as info:
        sub.function("f")(x=1)
    assert info.value.exc_type == "MemoryError"


def test_no_network(load):
    sub = load("import socket\ndef f(x):\n    socket.create_connection(('192.0.2.1', 80), timeout=2)\n")
    with pytest.raises(StudentCodeRaised) as info:
        sub.function("f")(x=1)
    assert info.value.exc_type in ("OSError", "TimeoutError", "ConnectionRefusedError")
    assert "unreachable" in info.value.exc_message.lower() or info.value.exc_type != "TimeoutError"


def test_reference_cannot_be_imported(load):
    sub = load("def f(x):\n    import reference.cnn_numpy\n")
    with pytest.raises(StudentCodeRaised) as info:
        sub.function("f")(x=1)
    assert info.value.exc_type in ("ImportError", "ModuleNotFoundError")


def test_printed_output_is_captured_and_capped(load):
    sub = load("def f(x):\n    print('x' * 10_000_000)\n    print('done')\n    return 1\n")
    mark = sub.output_mark()
    assert sub.function("f")(x=1) == 1
    output = sub.output_since(mark)
    assert len(output) < 100_000 and "more characters of output not kept" in output


def test_a_dead_worker_is_replaced(load):
    sub = load("import os\ndef die(x):\n    os._exit(3)\ndef ok(x):\n    return x + 1\n")
    with pytest.raises(WorkerLost):
        sub.function("die")(x=1)
    assert sub.function("ok")(x=1) == 2


def test_missing_name_says_what_was_looked_for(load):
    sub = load("def other():\n    pass\n")
    with pytest.raises(MissingName, match="`f` is not defined"):
        sub.function("f")


def test_monkeypatching_numpy_in_the_worker_does_not_reach_the_grader(load):
    sub = load("import numpy as np\ndef f(x):\n    np.allclose = lambda *a, **k: True\n    return x\n")
    sub.function("f")(x=1)
    assert not np.allclose(np.zeros(2), np.ones(2))


def test_project_files_cannot_be_written(load, zygote):
    if zygote.kind.startswith("rlimits") and os.getuid() != 0:
        pytest.skip("rlimits as a normal user runs student code as that user, with its rights on its own "
                    "files (the report says so); only `grader check` and `grader ci` fall back to it")
    target = PROJECT / "grader-sandbox-probe.txt"
    sub = load(f"def f(x):\n    open({str(target)!r}, 'w').write('x')\n")
    with pytest.raises(StudentCodeRaised):
        sub.function("f")(x=1)
    assert not target.exists()


def test_nothing_a_worker_writes_outside_its_tmp_reaches_the_next(load, zygote):
    """The view's own folders (its root, /var/tmp, /dev/shm) are not a channel between students."""
    if zygote.kind.startswith("rlimits"):
        pytest.skip("rlimits has no view of its own: " + zygote.kind)
    plant = load("""
import os
import subprocess
import sys
import textwrap
def plant(x):
    written = []
    for folder in ('/', '/var/tmp', '/dev/shm', os.path.dirname(os.__file__), '/tmp'):
        try:
            with open(os.path.join(folder, 'planted-by-a-student.txt'), 'w') as f:
                f.write('x')
            written.append(folder)
        except OSError:
            pass
    return written
""")
    written = plant.function("plant")(x=1)
    assert "/" not in written and os.path.dirname(os.__file__) not in written
    look = load("""
import os
import subprocess
import sys
import textwrap
def look(x):
    return [f for f in ('/', '/var/tmp', '/dev/shm', '/tmp')
            if os.path.exists(os.path.join(f, 'planted-by-a-student.txt'))]
""")
    assert look.function("look")(x=1) == []


RNN_CELL = '''
import torch
from torch import nn

class Cell(nn.Module):
    def __init__(self, input_size, hidden_size, use_bias=True):
        super().__init__()
        self.W_xh = nn.Parameter(torch.randn(hidden_size, input_size, dtype=torch.float64))
        self.W_hh = nn.Parameter(torch.randn(hidden_size, hidden_size, dtype=torch.float64))
        self.b_h = nn.Parameter(torch.randn(hidden_size, dtype=torch.float64))
        self.use_bias = use_bias

    def forward(self, x, h):
        pre = x @ self.W_xh.T + h @ self.W_hh.T
        return torch.tanh(pre + self.b_h if self.use_bias else pre)
'''


def reference_vjp(state, x, h, cotangent):
    import torch
    cell = torch.nn.RNNCell(3, 4, dtype=torch.float64)
    with torch.no_grad():
        cell.weight_ih.copy_(state["W_xh"]), cell.weight_hh.copy_(state["W_hh"])
        cell.bias_ih.copy_(state["b_h"]), cell.bias_hh.zero_()
    x, h = x.clone().requires_grad_(True), h.clone().requires_grad_(True)
    out = cell(x, h)
    out.backward(cotangent)
    return out.detach(), {"x": x.grad, "h": h.grad, "W_xh": cell.weight_ih.grad,
                          "W_hh": cell.weight_hh.grad, "b_h": cell.bias_ih.grad}


@pytest.mark.parametrize("use_bias", [True, False], ids=["correct", "forgets-bias"])
def test_backward_of_a_module_runs_in_the_worker_and_returns_plain_gradients(load, use_bias):
    import torch

    from grader.gradients import gradient_mismatch
    from grader.spec import Tolerance
    sub = load(RNN_CELL)
    cell = sub.new("Cell", input_size=3, hidden_size=4, use_bias=use_bias)
    state = {name: cell.get(name).detach() for name in ("W_xh", "W_hh", "b_h")}
    assert all(isinstance(t, torch.Tensor) and t.dtype == torch.float64 for t in state.values())
    g = torch.Generator().manual_seed(0)
    x, h, cot = (torch.randn(2, n, dtype=torch.float64, generator=g) for n in (3, 4, 4))
    result = cell.vjp("forward", cot, x=x, h=h)
    expected_out, expected = reference_vjp(state, x, h, cot)
    actual = {**result["inputs"], **result["parameters"]}
    lines = gradient_mismatch(actual, expected, lambda d: Tolerance(1e-10, 1e-10))
    if use_bias:
        assert torch.allclose(result["output"], expected_out) and lines == []
    else:
        assert not actual["b_h"].any()            # no gradient flowed: reported as zeros
        assert "b_h" in lines[0] and lines[1].split()[0] == "gradient"


PAIR_CELL = '''
import torch
from torch import nn

class PairCell(nn.Module):
    def __init__(self, n, detach_c=False):
        super().__init__()
        self.W = nn.Parameter(torch.linspace(-1, 1, n * n, dtype=torch.float64).reshape(n, n))
        self.detach_c = detach_c

    def forward(self, x, hc):
        h, c = hc
        c_t = 0.5 * (c.detach() if self.detach_c else c) + torch.tanh(self.W @ x + h)
        h_t = torch.tanh(c_t)
        return self.W @ h_t, (h_t, c_t)
'''


@pytest.mark.parametrize("detach_c", [False, True], ids=["correct", "detaches-c"])
def test_backward_reaches_tensors_nested_in_arguments_and_outputs(load, detach_c):
    """An LSTM's (h, c): gradients for each half of the argument, from a cotangent for each half
    of the output, keyed hc.0 and hc.1; a part of the output with cotangent None is not followed."""
    import torch
    sub = load(PAIR_CELL)
    cell = sub.new("PairCell", n=3, detach_c=detach_c)
    g = torch.Generator().manual_seed(1)
    x, h, c, dy, dh, dc = (torch.randn(3, dtype=torch.float64, generator=g) for _ in range(6))
    result = cell.vjp("forward", (dy, (dh, dc)), x=x, hc=(h, c))
    assert set(result["inputs"]) == {"x", "hc.0", "hc.1"} and set(result["parameters"]) == {"W"}

    W = cell.get("W").detach().clone().requires_grad_(True)
    leaves = [t.clone().requires_grad_(True) for t in (x, h, c)]
    xx, hh, cc = leaves
    c_t = 0.5 * (cc.detach() if detach_c else cc) + torch.tanh(W @ xx + hh)
    h_t = torch.tanh(c_t)
    total = (W @ h_t * dy).sum() + (h_t * dh).sum() + (c_t * dc).sum()
    expected = dict(zip(["x", "hc.0", "hc.1", "W"], torch.autograd.grad(total, leaves + [W], allow_unused=True)))
    if detach_c:
        expected["hc.1"] = torch.zeros(3, dtype=torch.float64)          # reported as zeros
    got = {**result["inputs"], **result["parameters"]}
    for name, value in expected.items():
        assert torch.allclose(got[name], value, rtol=1e-12, atol=1e-12), name
    assert (not got["hc.1"].any()) is detach_c

    only_y = cell.vjp("forward", (dy, None), x=x, hc=(h, c))       # the state is not differentiated
    c_only = 0.5 * c + torch.tanh(cell.get("W").detach() @ x + h)
    assert torch.allclose(only_y["output"][0], cell.get("W").detach() @ torch.tanh(c_only))
    if not detach_c:      # without the cotangents on (h_t, c_t), c's gradient is dy's part alone
        assert not torch.allclose(only_y["inputs"]["hc.1"], result["inputs"]["hc.1"])


def test_a_check_whose_calls_add_up_past_its_budget_is_stopped_and_says_so(load):
    """Each call stays under its 3 s limit, but the check as a whole gets 1 s: a slow submission
    cannot hold the class up for examples × call limit."""
    sub = load("import time\ndef slow(x):\n    time.sleep(0.3)\n    return x\n",
               tiny_assignment(Limits(call_timeout_s=3, load_timeout_s=5, memory_mb=512, check_budget_s=1.0)))
    slow = sub.function("slow")
    assert slow(x=1) == 1                                   # no budget outside a check
    check = Check("tiny.ex.slow", "tiny.ex", 1.0)
    calls = 0
    with running_check(sub.assignment, check, budget_s=sub.assignment.limits.check_budget_s):
        with pytest.raises(WorkerLost) as stopped:
            for calls in range(1, 20):
                slow(x=calls)
        # at least one call (a busy machine makes each slower, never the budget longer), and it stopped
        assert stopped.value.reason == "timeout" and 1 <= calls <= 5, calls
        assert "more than 1 s in all (its time budget)" in stopped.value.detail
        assert "no single call reached its 3 s limit" in stopped.value.detail
        with pytest.raises(WorkerLost, match="time budget"):     # once spent, nothing more runs
            slow(x=0)
    sub.fresh()
    assert slow(x=2) == 2                                   # the next check starts afresh


def test_the_clean_up_after_a_crash_does_not_wait_for_a_worker_already_reaped():
    """After a crash the grader asks how the worker ended, then kills what is left of it. The kill
    answers with the status already read: waiting for a pid that was reaped would never see it end
    (and cost every crashed call five seconds). In a process of its own: the zygote reaps any child."""
    code = textwrap.dedent("""
        import os
        from grader.zygote import Zygote
        zygote = Zygote.__new__(Zygote)
        zygote.ended, zygote.reported = {}, {}
        pid = os.fork()
        if pid == 0:
            os._exit(3)
        assert zygote.status(pid, 10.0) == "exit status 3"
        def wait(pid, wait_s):
            raise SystemExit(f"waited {wait_s} s for a worker already reaped")
        zygote.wait = wait
        assert zygote.kill(pid) == "exit status 3"
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_a_function_that_timed_out_twice_is_not_called_again(load):
    """One endless loop costs two call limits in a submission, not one per check that calls it."""
    sub = load("def spin(x):\n    while True:\n        pass\ndef ok(x):\n    return x\n",
               tiny_assignment(Limits(call_timeout_s=1, load_timeout_s=5, memory_mb=512)))
    for _ in range(2):
        with pytest.raises(WorkerLost) as info:
            sub.function("spin")(x=1)
        assert "the limit for one call" in info.value.detail
    with pytest.raises(WorkerLost) as info:
        sub.function("spin")(x=1)
    assert info.value.reason == "timeout" and "`spin` was not called again" in info.value.detail
    assert sub.function("ok")(x=2) == 2


def test_a_submission_whose_fork_fails_is_loaded_per_exercise_instead(load):
    """Each exercise's worker is forked from the loaded submission. Where fork() fails in there (the
    uid's process limit reached by other code, or the submission's own doing), the exercise gets a
    worker of its own from the zygote, loaded as before, and grading goes on."""
    sub = load("import os\ndef _no(*a, **k):\n    raise BlockingIOError(11, 'Resource temporarily unavailable')\n"
               "os.fork = _no\ndef f(x):\n    return x + 1\n")
    assert sub.function("f")(x=1) == 2
    assert sub.forks is False and sub.template is None
    sub.fresh()
    assert sub.function("f")(x=2) == 3


def test_the_view_hides_the_project_around_a_checkout_and_shows_the_site_packages_of_an_installed_wheel(
        tmp_path, monkeypatch):
    """From a checkout, the project around the engine (reference/, tests/) is not in the view; from a
    wheel (a student's copy, Gradescope's image) the engine sits in site-packages, which workers need
    whole: torch imports some of its modules only when they are first used."""
    import grader.sandbox as sandbox
    site = Path(next(p for p in sys.path if p.endswith("site-packages")))
    monkeypatch.setattr(sandbox, "_engine", lambda: site / "grader")
    installed = sandbox.view(tmp_path)
    assert any(site == Path(p) or site.is_relative_to(p) for p in installed.readonly)
    checkout = tmp_path / "course"
    (checkout / "grader").mkdir(parents=True)
    (checkout / "reference").mkdir()
    monkeypatch.setattr(sandbox, "_engine", lambda: checkout / "grader")
    seen = sandbox.view(tmp_path)
    assert str(checkout / "grader") in seen.readonly
    assert not any(checkout.is_relative_to(p) or Path(p) == checkout / "reference" for p in seen.readonly)


IN_PLACE = """
import numpy as np
def clip(values, low=0.0):
    values[values < low] = low            # writes into the caller's array
    return values
def scale(parts, by):
    return [p * by for p in parts]        # builds new arrays
def shuffle_rows(rows):
    rows[0].sort()                        # in place too, inside a tuple
    return None
"""


def test_an_argument_changed_in_place_is_named_with_where_it_changed(load):
    from grader.suite import CheckFailed, expect_inputs_unchanged
    sub = load(IN_PLACE)
    x = np.array([[1.0, -2.0], [np.nan, -0.5]])
    with pytest.raises(CheckFailed) as failed:
        expect_inputs_unchanged(sub, "clip", values=x)
    assert "`clip` changed its argument `values` in place: values[0, 1] was -2 before the call and is 0 after " \
           "it (2 of 4 elements changed)" in str(failed.value)
    assert np.isnan(x[1, 0]) and x[0, 1] == -2.0           # the check's own array is as it was
    result = expect_inputs_unchanged(sub, "scale", parts=[np.ones(2), np.arange(3.0)], by=2.0)
    assert [r.tolist() for r in result] == [[2.0, 2.0], [0.0, 2.0, 4.0]]
    with pytest.raises(CheckFailed, match=r"rows\[0\]\[0\] was 3 before the call and is 1 after it .*copies of the arrays in it"):
        expect_inputs_unchanged(sub, "shuffle_rows", rows=(np.array([3, 1, 2]),))


METHOD_IN_PLACE = """
import numpy as np
class Net:
    def backward(self, ps, targets):
        for t, target in enumerate(targets):
            dy = ps[t]                     # no copy: the caller's ps[t] changes below
            dy[target] -= 1.0
        return len(targets)
"""


def test_a_method_that_changes_its_arguments_is_named_too(load):
    """An object's method (backward on the student's RNN, say) is checked like a function: its
    arguments come back from the worker after the call, dicts of arrays included."""
    from grader.suite import CheckFailed, expect_inputs_unchanged
    net = load(METHOD_IN_PLACE).new("Net")
    ps = {0: np.array([[0.25], [0.75]]), 1: np.array([[0.5], [0.5]])}
    with pytest.raises(CheckFailed, match=r"`backward` changed its argument `ps` in place: ps\[0\]\[1, 0\] was 0.75 "
                                          r"before the call and is -0.25 after it"):
        expect_inputs_unchanged(net, "backward", ps=ps, targets=[1, 0])
    assert ps[0][1, 0] == 0.75                              # the check's own dict is as it was


def test_in_process_the_same_change_is_seen(tmp_path):
    import types
    from grader.submission import LocalSubmission
    from grader.suite import CheckFailed, expect_inputs_unchanged
    module = types.ModuleType("student")
    exec(IN_PLACE, module.__dict__)
    sub = LocalSubmission(tiny_assignment(), module)
    x = np.array([-1.0, 3.0])
    with pytest.raises(CheckFailed, match=r"values\[0\] was -1 before the call and is 0 after it"):
        expect_inputs_unchanged(sub, "clip", values=x)
    assert expect_inputs_unchanged(sub, "clip", values=np.array([1.0, 2.0])).tolist() == [1.0, 2.0]


def test_a_reply_that_is_not_the_result_and_the_arguments_is_malformed(load):
    """The worker is the student's: what comes back when a call asks for its arguments is checked."""
    from grader.errors import MalformedReply
    sub = load("def f(x):\n    return x\n")
    with pytest.raises(MalformedReply, match="asked for its arguments back"):
        sub._call_returning_arguments.__func__(_Lying(sub), "f", [np.zeros(2)], {})


class _Lying:
    """Stands in for the submission: its call answers with a bare result, as a patched worker could."""

    def __init__(self, sub):
        self.sub = sub

    def _call(self, target, method, args, kwargs, arguments_after=False):
        return self.sub._call(target, method, args, kwargs)


def test_the_zygote_warms_torch_dynamo_only_where_optimizers_are_built(tmp_path):
    """The first optimizer a process builds imports torch._dynamo (seconds): the zygote does it once
    for assignments that train, and not for numpy-only or torch-without-training ones."""
    from grader.sandbox import warm_imports
    reference = tmp_path / "ref.py"
    suite = tmp_path / "suite.py"
    suite.write_text("def check(sub):\n    return sub.function('f')()\n")
    reference.write_text("import numpy as np\n")
    assert warm_imports(reference, suite) == ("numpy",)
    reference.write_text("import torch\nfrom torch import nn\n\ndef f():\n    return nn.Linear(2, 1)\n")
    assert warm_imports(reference, suite) == ("numpy", "torch")
    for trains in ("import torch\nfrom torch import optim\n", "import torch\n\ndef f(m):\n    return torch.optim.SGD(m, lr=1)\n"):
        reference.write_text(trains)
        assert warm_imports(reference, suite) == ("numpy", "torch", "torch._dynamo")
    reference.write_text("import torch\n")
    suite.write_text("def check(sub):\n    return sub.harness('train_steps')()\n")
    assert "torch._dynamo" in warm_imports(reference, suite)
    reference.write_text("import numpy as np\n")   # a numpy assignment whose optimizers are the student's own
    assert warm_imports(reference, suite) == ("numpy",)


def test_a_zygote_started_early_is_the_one_used_and_never_outlives_its_owner(tmp_path, monkeypatch):
    """Zygote(wait=False) starts loading while its owner goes on (a pool's grading process loads
    the suite meanwhile): the first use waits for that one, and closing an owner that never used it
    ends it. Where the sandbox cannot start, the first use says why, as if it had not started early."""
    from grader.sandbox import SandboxUnavailable, Zygote
    (tmp_path / "a").mkdir()
    early = Zygote(tmp_path / "a", warm=("numpy",), wait=False)
    started = early._starting[1]
    assert early.ready() is early and early.process is started and early.alive and early.kind
    early.close()
    (tmp_path / "b").mkdir()
    unused = Zygote(tmp_path / "b", warm=("numpy",), wait=False)
    started = unused._starting[1]
    unused.close()
    assert started.poll() is not None
    monkeypatch.setenv("GRADER_SANDBOX", "no such sandbox")
    (tmp_path / "c").mkdir()
    broken = Zygote(tmp_path / "c", warm=("numpy",), wait=False)
    with pytest.raises(SandboxUnavailable, match="is not a sandbox"):
        broken.ready()


def test_a_script_goes_ahead_in_batches_and_never_past_a_request_that_names_things():
    """Up to AHEAD_REQUESTS requests are out ahead of the one a check waits for; they are topped
    up once half were answered, in one send. Nothing goes beyond a request whose reply names
    things (a signature) before that reply was read."""
    from grader.sandbox import _Script
    ahead = _Script.AHEAD_REQUESTS
    items = [b'XXXX{"h": {"op": "call", "n": %d}}' % i for i in range(100)]
    script = _Script(items)
    sends = []
    for n in range(100):
        sends.append(script.to_send())
        assert n < script.sent <= n + 1 + ahead
    assert sends[0] == items[:ahead + 1]
    topped_up = [i for i, sent in enumerate(sends) if sent]
    assert topped_up[1] == ahead // 2 + 1 and len(topped_up) <= 100 // (ahead // 2) + 1
    assert b"".join(b"".join(s) for s in sends) == b"".join(items)   # each once, in order
    named = items[:5] + [b'XXXX{"h": {"op": "signature", "target": "f"}}'] + items[5:10]
    script = _Script(named)
    assert script.to_send() == named[:6]
    assert [script.to_send() for _ in range(5)] == [[]] * 5
    assert script.to_send() == named[6:]
