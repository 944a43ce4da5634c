"""Run one check against one submission and always come back with a :class:`CheckResult`."""

from __future__ import annotations

import time
import traceback
import dataclasses
import re
from dataclasses import dataclass
from pathlib import PurePath
from types import ModuleType
from typing import Any, Callable, Sequence

from hypothesis.errors import FlakyFailure, FlakyReplay

from grader import wire
from grader.cases import Example, is_replayable, replay
from grader.errors import (MalformedReply, MissingName, ScriptDiverged, StudentCodeRaised, StudentError,
                           WorkerLost)
from grader.oracle import ReferenceUnavailable
from grader.results import CheckResult, Counterexample, Status
from grader.sandbox import SandboxUnavailable
from grader.spec import Check
from grader.submission import Submission
from grader.suite import CheckFailed, Suite, running_check, seed_for

# Where the grader reads and handles the worker's replies: an exception raised in here, while a
# check talked to the worker, comes from a reply the student's code corrupted, or from a worker (or
# the zygote that forks workers) that the student's code killed.
_WORKER_PLUMBING = ("sandbox.py", "wire.py", "zygote.py", "confine.py")
CONNECTION_BROKE = "the connection to the worker running your code broke"


@dataclass(frozen=True)
class LiveRun:
    """A check whose replay failed, to be run live later (perhaps in another grading process):
    the submission's state that the live run starts from (see Submission.state)."""

    check_id: str
    state: Any


def run_check(suite: Suite, check: Check, submission: Submission, budget_s: float | None = None,
              cases: Sequence[Example] | None = None, later: list[LiveRun] | None = None) -> CheckResult:
    """Run ``check`` on ``submission``. Every outcome, a dead worker included, becomes a result.

    With ``cases`` (the check's recorded examples, grader.cases) the check's body runs on them
    first; a submission that passes them all has passed the check, and the hypothesis engine never
    runs. Otherwise, and at the first recorded example that fails, the check runs live: hypothesis
    has shrunk a failure by the time it reaches us, so the exception we catch describes the smallest
    failing input.

    The live run after a failed replay (:func:`run_live`) starts from a fresh worker and leaves
    nothing behind: the next check gets a fresh worker too, and the submission's state
    (Submission.state) is as the replay left it. So it can run anywhere, later: with ``later``, it
    is not run here but added to ``later``, and the result returned is the replay's failure. Either
    way :func:`settle` decides between the two.
    """
    failed: list[Any] = []    # the submission's state after a replay that failed
    replayed = _run_check(suite, check, submission, budget_s, cases, failed)
    if not failed or not is_replayable(suite.functions[check.id]):
        return replayed   # passed; or a plain check, whose live run would be the same run again
    submission.set_state(failed[0])
    submission.restart()
    if later is not None:
        later.append(LiveRun(check.id, failed[0]))
        return replayed
    return settle(replayed, run_live(suite, check, submission, budget_s, failed[0]))


def run_live(suite: Suite, check: Check, submission: Submission, budget_s: float | None, state: Any) -> CheckResult:
    """``check`` run by hypothesis, live, on a fresh worker of ``submission`` in ``state``; the next
    check gets a fresh worker too."""
    submission.set_state(state)
    submission.restart()
    try:
        return _run_check(suite, check, submission, budget_s, None, [])
    finally:
        submission.set_state(state)
        submission.restart()


def settle(replayed: CheckResult, live: CheckResult | None) -> CheckResult:
    """The result of a check whose replay failed: the live run's, whose failure hypothesis shrank
    to the smallest input, when it failed too (a wrong answer or an exception). When it did not
    (it timed out or crashed exploring inputs the replay never tried, which depends on the machine;
    it passed, which only code that answers differently each time does; it could not run), the
    replay's failure, on a recorded input, stands: the verdict is the same on every machine."""
    if live is None or live.check.id != replayed.check.id or live.status not in (Status.FAILED, Status.ERROR):
        return replayed
    return dataclasses.replace(live, duration_s=round(replayed.duration_s + live.duration_s, 4))


def _run_check(suite: Suite, check: Check, submission: Submission, budget_s: float | None,
               cases: Sequence[Example] | None, failed: list[Any]) -> CheckResult:
    fn = suite.functions[check.id]
    started = time.perf_counter()
    output_before: int | None = None

    context = running_check(suite.assignment, check, budget_s, device=getattr(submission, "device", "cpu"))

    def result(status: Status, message: str = "", example: Counterexample | None = None) -> CheckResult:
        try:
            output = submission.output_since(output_before) if output_before is not None else ""
        except Exception:  # noqa: BLE001 - the output is a courtesy; the verdict must not depend on it
            output = ""
        return CheckResult(check, status, message, example, round(time.perf_counter() - started, 4),
                           output, seed_for(check.id), tuple(context.observations))

    try:
        output_before = submission.output_mark()   # may start a worker, so it is inside the net
        submission.seed(seed_for(check.id))
        with context:
            if cases is not None:
                try:
                    with submission.scripted(check.id) as run:
                        run.failure = _passes_recorded(fn, submission, cases)
                        run.passed = run.failure is None
                    again = False
                except ScriptDiverged:   # a script sent ahead no longer applied: replay without it
                    again = True
                if again:
                    output_before = _from_the_start(submission, check, context, budget_s)
                    with submission.scripted(check.id, again=True) as run:
                        run.failure = _passes_recorded(fn, submission, cases)
                        run.passed = run.failure is None
                if run.failure is None:
                    return result(Status.PASSED)
                failed.append(submission.state())
                raise run.failure      # the replay's verdict; the live run, later, says more
            fn(submission)
    except CheckFailed as exc:
        return result(Status.FAILED, exc.message, _drawn(exc))
    except MissingName as exc:
        return result(Status.MISSING, str(exc))
    except StudentCodeRaised as exc:
        return result(Status.ERROR, _raised_message(exc), _example_of(exc))
    except MalformedReply as exc:
        return _discarding_worker(submission, result(Status.ERROR, str(exc), _example_of(exc)))
    except StudentError as exc:
        return result(Status.ERROR, str(exc), _example_of(exc))
    except WorkerLost as exc:
        status = Status.TIMEOUT if exc.reason == "timeout" else Status.CRASHED
        return result(status, exc.detail, _example_of(exc))
    except SandboxUnavailable:   # no sandbox can start on this machine: that stops grading, for everyone
        raise
    except ReferenceUnavailable as exc:   # a student's bundle: only the instructor's run can decide this one
        return result(Status.INSTRUCTOR, str(exc))
    except Exception as exc:  # noqa: BLE001 - a check must never take the run down with it
        fault = worker_fault(exc)
        if fault is not None:
            status, message = fault
            return _discarding_worker(submission, result(status, message, _example_of(exc)))
        if isinstance(exc, (FlakyFailure, FlakyReplay)):   # a failure that did not happen again on the same input
            reference = submission.reference
            if reference is None or getattr(reference, "__grader_standin__", False) \
                    or check_is_broken(suite, check, reference) is None:
                return _nondeterministic(exc, result)
        what = "".join(traceback.format_exception_only(exc)).strip()
        # What the check tried to send to the worker is the check's own: a suite error, always.
        if isinstance(exc, wire.Unsendable):
            broken: str | None = "the check passes the worker what cannot travel"
        elif submission.reference is None or getattr(submission.reference, "__grader_standin__", False):
            # nothing to try it on (a student's bundle has signatures only): not proven the author's, so it counts
            return result(Status.ERROR, f"the check itself failed (please report it):\n{what}", _example_of(exc))
        else:
            broken = check_is_broken(suite, check, submission.reference)
        if broken is not None:
            return result(Status.GRADER_FAULT, "the check itself is broken: it fails on the reference solution too, "
                          "so this is the course author's problem or the grader's, not yours, and it is left out of "
                          f"your points possible.\n{what}\nOn the reference: {broken}")
        return result(Status.ERROR, "the check could not use what your code gave back (it works on the "
                      "reference solution; compare the type and shape of your result with what the exercise "
                      f"asks for):\n{what}", _example_of(exc))
    return result(Status.PASSED)


def _from_the_start(submission: Submission, check: Check, context: Any, budget_s: float | None) -> int | None:
    """Start ``check`` again after a script diverged: its seed, no observations, a new time budget,
    and a worker in the state the check started from (``rewind``). Returns the new output mark."""
    submission.rewind()
    mark = submission.output_mark()
    submission.seed(seed_for(check.id))
    context.run.observations.clear()
    if budget_s is not None:
        context.run.deadline = time.monotonic() + budget_s
    return mark


def _passes_recorded(fn: Callable[..., Any], submission: Submission, cases: Sequence[Example]) -> Exception | None:
    """None when the check's body passes every recorded example. The failure when an example fails
    in a way the live engine reports better (a wrong answer or an exception its shrinking makes
    smaller) or the recorded sequence no longer applies. What ends the check whatever the input (a
    name that is missing, a worker that timed out or died, a reply that cannot be read) is raised
    as it is."""
    try:
        replay(fn, submission, cases)
        return None
    except (MissingName, WorkerLost, MalformedReply, SandboxUnavailable, ReferenceUnavailable):
        raise
    except Exception as exc:  # noqa: BLE001 - the live run says what it is
        if worker_fault(exc) is not None and not isinstance(exc, StudentCodeRaised):
            raise
        return exc


def check_is_broken(suite: Suite, check: Check, reference: ModuleType) -> str | None:
    """Why ``check`` fails on the reference solution, run in this (trusted) process; None when it
    passes there. A check is deterministic for its seed, so one that breaks on the reference is
    broken for everyone: the student is not charged for it. One that passes on the reference broke
    on what this student's code gave back, which is the student's to answer for (else a submission
    could return something odd to have a check left out of its points). Remembered per check."""
    known = suite.verdicts_on_reference
    if check.id in known:
        return known[check.id]
    from grader.submission import LocalSubmission
    local = LocalSubmission(suite.assignment, reference)
    try:
        local.seed(seed_for(check.id))
        with running_check(suite.assignment, check):
            suite.functions[check.id](local)
        verdict = None
    except CheckFailed as exc:
        verdict = f"the reference fails it: {exc.message.splitlines()[0] if exc.message else 'no message'}"
    except Exception as exc:  # noqa: BLE001 - the reference raised, or the check did: broken either way
        verdict = "".join(traceback.format_exception_only(exc)).strip()
    known[check.id] = verdict
    return verdict


def worker_fault(exc: BaseException, _depth: int = 0) -> tuple[Status, str] | None:
    """The status and message for ``exc`` when it comes from the worker's side, which the student's
    code controls: a reply that is not well-formed, or not the answer to what was asked (the grader
    tripped over it reading it), or a connection the student's code broke by killing the worker or
    the process that forks workers. None when it is the grader's or the suite's own error.

    Exceptions that wrap others (hypothesis's "flaky" report, exception groups, ``raise ... from``)
    are looked into: a reply that read differently on replay is still the reply's fault."""
    fault = _fault_of(exc)
    if fault is not None or _depth >= 4:
        return fault
    grouped = exc.exceptions if isinstance(exc, BaseExceptionGroup) else ()
    for inner in (*grouped, exc.__cause__, exc.__context__):
        if isinstance(inner, BaseException) and inner is not exc:
            fault = worker_fault(inner, _depth + 1)
            if fault is not None:
                return fault
    return None


def _fault_of(exc: BaseException) -> tuple[Status, str] | None:
    if isinstance(exc, wire.Unsendable):          # the grader's side tried to send what cannot travel
        return None
    if isinstance(exc, MalformedReply):
        return Status.ERROR, str(exc)
    if isinstance(exc, wire.WireError):
        return Status.ERROR, str(MalformedReply(_describe(exc)))
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames or PurePath(frames[-1].filename).name not in _WORKER_PLUMBING:
        return None
    if isinstance(exc, (OSError, EOFError)):
        return Status.CRASHED, (f"{CONNECTION_BROKE} ({_describe(exc)}): it, or "
                                f"the process that starts workers, was killed or closed its socket. Only your code "
                                f"runs there: does it kill processes (os.kill, os.killpg, signal) or close files "
                                f"it did not open?")
    return Status.ERROR, str(MalformedReply(_describe(exc)))


def _describe(exc: BaseException) -> str:
    try:
        text = str(exc)
    except Exception:  # noqa: BLE001
        text = ""
    text = text if len(text) <= 300 else text[:300] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _discarding_worker(submission: Submission, result: CheckResult) -> CheckResult:
    """``result``, after the worker that sent a reply we could not read is killed: whatever the
    student's code did to it would spoil every later reply, so the next check gets a fresh one."""
    close = getattr(submission, "close", None)
    if callable(close):
        try:
            close()
        except Exception:  # noqa: BLE001 - a worker that will not close is killed with its exercise
            pass
    return result


def _drawn(exc: CheckFailed) -> Counterexample | None:
    """The failure's counterexample with its picture; without one if drawing it goes wrong, which
    must not cost the student the message."""
    try:
        return exc.drawn()
    except Exception:  # noqa: BLE001
        return exc.counterexample


NONDETERMINISTIC = (
    "Your code gives different results for the same input: this check failed on an input, and the same input "
    "run again did not fail the same way. The grader seeds random, numpy's global generator and torch before "
    "each check, so the usual causes are a generator of your own that is not seeded (np.random.default_rng() "
    "with no seed), sampling where the exercise asks for a fixed answer, or a value kept from one call to the "
    "next. A result that changes from run to run cannot be graded as right.")


def _nondeterministic(exc: BaseException, result: Callable[..., CheckResult]) -> CheckResult:
    """The result for hypothesis's report that a failure did not reproduce: the student's code
    answered differently for the same input (the check passes on the reference). The first failure
    is shown as it was reported; hypothesis's own text, which quotes the suite, is not."""
    first = next((e for e in getattr(exc, "exceptions", ()) if isinstance(e, (CheckFailed, StudentCodeRaised))), None)
    if isinstance(first, CheckFailed):
        return result(Status.FAILED, f"{NONDETERMINISTIC}\n\nThe run that failed:\n{first.message}", _drawn(first))
    if isinstance(first, StudentCodeRaised):
        return result(Status.FAILED, f"{NONDETERMINISTIC}\n\nThe run that failed:\n{_raised_message(first)}",
                      _example_of(first))
    return result(Status.FAILED, NONDETERMINISTIC)


def _raised_message(exc: StudentCodeRaised) -> str:
    tail = exc.traceback.strip().splitlines()[-12:] if exc.traceback else []
    known = next((hint for pattern, hint in _PYTHON2 if pattern.search(f"{exc.exc_type}: {exc.exc_message}")), "")
    return str(exc) + (f"\n\n{known}" if known else "") + ("\n\n" + "\n".join(tail) if tail else "")


# Errors with one cause whatever the exercise: code written for Python 2, where / between integers
# was integer division (course code of that time computes sizes with it). NumPy's own message
# already says what replaced np.float, np.int and the like.
_PYTHON2 = (
    (re.compile(r"TypeError: 'float' object cannot be interpreted as an integer|TypeError: slice indices must be "
                r"integers|IndexError: only integers, slices"),
     "A size or an index is a float. In Python 3, / always gives a float (between integers it was integer "
     "division in Python 2, as in 1 + (H + 2 * pad - HH) / stride): use // for sizes and indices (the line is "
     "in the traceback below)."),
    (re.compile(r"NameError: name '(xrange|raw_input|unicode|basestring|long)' is not defined"),
     "This name is Python 2's (xrange is range, raw_input is input, unicode and basestring are str, long is "
     "int in Python 3)."),
)


def _example_of(exc: BaseException) -> Counterexample | None:
    """The call that was running, if the submission recorded it (see Submission.last_call)."""
    example = getattr(exc, "counterexample", None)
    return example if isinstance(example, Counterexample) else None
