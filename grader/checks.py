"""Run one check against one submission and always come back with a :class:`CheckResult`."""

from __future__ import annotations

import time
import traceback

from grader.errors import MissingName, StudentCodeRaised, StudentError, WorkerLost
from grader.results import CheckResult, Counterexample, Status
from grader.spec import Check
from grader.submission import Submission
from grader.suite import CheckFailed, Suite, running_check, seed_for


def run_check(suite: Suite, check: Check, submission: Submission) -> CheckResult:
    """Run ``check`` on ``submission``. Every outcome, a dead worker included, becomes a result.

    Hypothesis has already shrunk a failure by the time it reaches us, so the exception we catch
    describes the smallest failing input.
    """
    fn = suite.functions[check.id]
    started = time.perf_counter()
    output_before = submission.output_mark() if hasattr(submission, "output_mark") else None

    context = running_check(suite.assignment, check)

    def result(status: Status, message: str = "", example: Counterexample | None = None) -> CheckResult:
        output = submission.output_since(output_before) if output_before is not None else ""
        return CheckResult(check, status, message, example, round(time.perf_counter() - started, 4),
                           output, seed_for(check.id), tuple(context.observations))

    try:
        submission.seed(seed_for(check.id))
        with context:
            fn(submission)
    except CheckFailed as exc:
        return result(Status.FAILED, exc.message, _drawn(exc))
    except MissingName as exc:
        return result(Status.MISSING, str(exc))
    except StudentCodeRaised as exc:
        return result(Status.ERROR, _raised_message(exc), _example_of(exc))
    except StudentError as exc:
        return result(Status.ERROR, str(exc), _example_of(exc))
    except WorkerLost as exc:
        status = Status.TIMEOUT if exc.reason == "timeout" else Status.CRASHED
        return result(status, exc.detail, _example_of(exc))
    except Exception as exc:  # noqa: BLE001 - a check must never take the run down with it
        return result(Status.ERROR, "the check itself failed (an error in the suite, please report):\n"
                      + "".join(traceback.format_exception_only(exc)).strip())
    return result(Status.PASSED)


def _drawn(exc: CheckFailed) -> Counterexample | None:
    """The failure's counterexample with its picture; without one if drawing it goes wrong, which
    must not cost the student the message."""
    try:
        return exc.drawn()
    except Exception:  # noqa: BLE001
        return exc.counterexample


def _raised_message(exc: StudentCodeRaised) -> str:
    tail = exc.traceback.strip().splitlines()[-12:] if exc.traceback else []
    return str(exc) + ("\n\n" + "\n".join(tail) if tail else "")


def _example_of(exc: BaseException) -> Counterexample | None:
    """The call that was running, if the submission recorded it (see Submission.last_call)."""
    return getattr(exc, "counterexample", None)
