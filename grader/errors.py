"""One exception tree for the whole grader.

Every error says whose fault it is, because each audience needs a different next step::

    GraderError                      base of everything we raise on purpose
    ├── StudentError                 the submission is at fault: it costs points, never the run
    │   ├── SubmissionUnreadable     not a .py/.ipynb/folder/zip we can read, or it does not parse
    │   ├── MissingName              a function or class the exercise needs is not defined
    │   ├── StudentCodeRaised        the student's code raised an exception inside the worker
    │   └── MalformedReply           the worker's reply could not be read: only the student's code
    │                                runs there, so only it can have corrupted it
    ├── AuthorError                  an assignment.toml, reference or suite is wrong: fix the course
    │   └── SpecError                a bad value in assignment.toml (names the file and key)
    └── InternalError                a bug in the grader itself: please report it

    WorkerLost (BaseException)       the worker timed out, crashed or was killed mid-check

``WorkerLost`` derives from ``BaseException`` on purpose: hypothesis retries and shrinks on any
``Exception``, and re-running an input that just looped for ten seconds, dozens of times, would turn
one infinite loop into an hour of grading. Letting it through hypothesis untouched ends the check at
once; the check runner turns it into a TIMEOUT or CRASHED result.
"""

from __future__ import annotations


class GraderError(Exception):
    """Base class for every error the grader raises on purpose."""


class StudentError(GraderError):
    """The submission is at fault. Costs the student points; never stops the run."""


class SubmissionUnreadable(StudentError):
    """The submission file is not something we can load (format, encoding, syntax)."""


class MissingName(StudentError):
    """A function, class or method the exercise needs is not defined in the submission."""

    def __init__(self, name: str, looked_for: tuple[str, ...] = ()):
        self.name = name
        self.looked_for = looked_for
        also = f" (also looked for: {', '.join(looked_for)})" if looked_for else ""
        super().__init__(f"`{name}` is not defined in your submission{also}. "
                         f"Define it with exactly this name, at the top level of your notebook or module.")


class StudentCodeRaised(StudentError):
    """The student's code raised inside the worker. Carries the worker-side traceback as text."""

    def __init__(self, exc_type: str, message: str, traceback: str = ""):
        self.exc_type = exc_type
        self.exc_message = message
        self.traceback = traceback
        super().__init__(f"your code raised {exc_type}: {message}")


class MalformedReply(StudentError):
    """The worker running the student's code sent a reply the grader cannot read (not well-formed,
    too large, not the answer to what was asked). Only the student's code runs in that process, so
    a corrupted reply is its doing: it costs the student the check, never the run."""

    def __init__(self, detail: str):
        self.detail = detail
        super().__init__(f"your code's worker sent a malformed reply ({detail}). Only your code runs in "
                         f"that process: does it replace or patch parts of the grader, numpy or Python "
                         f"itself, or write to the worker's socket?")


class AuthorError(GraderError):
    """An assignment, reference or suite is wrong. The course author must fix it."""


class SpecError(AuthorError):
    """A bad value in assignment.toml. The message names the file and the key."""


class InternalError(GraderError):
    """A bug in the grader itself. Please report it with the message and the submission."""


class WorkerLost(BaseException):
    """The worker running the student's code timed out, crashed or was killed.

    ``reason`` is ``"timeout"`` or ``"crashed"``; ``detail`` says what we know
    (limit that was hit, exit status, signal). ``one_call``: a timeout of one call at its own limit
    (not the running check's time budget running out over many calls). ``status``: how the worker
    process ended ("killed by signal 9 (SIGKILL)"), when that is known.
    """

    def __init__(self, reason: str, detail: str, *, one_call: bool = False, status: str | None = None):
        self.reason = reason
        self.detail = detail
        self.one_call = one_call
        self.status = status
        super().__init__(f"{reason}: {detail}")


class ScriptDiverged(BaseException):
    """A check asked its worker for something other than the next request of the script sent
    ahead for it (grader.sandbox), after later requests had gone out: the worker ran requests the
    check never asked for, so it is replaced and the check runs again without a script. A
    BaseException, like WorkerLost, so that no ``except Exception`` in a suite swallows it."""
