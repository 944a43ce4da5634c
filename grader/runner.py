"""Grade submissions: the pipeline's stages, in the one place their order is declared.

    discover → load (definitions only) → run each exercise in a fresh worker → results

:class:`Grader` holds what one grading process needs (the assignment, suite, reference and a warm
zygote) and grades one submission at a time. :func:`grade_in_pool` spreads submissions over a pool
of such processes, one submission per process at a time; :mod:`grader.pipeline` chooses between
that, this process and a Dask cluster (grader.cluster).

One submission never stops the class: whatever happens while loading or running it (its code
raised, its worker died or sent a reply we cannot read, the grader tripped over something, its
code killed the process grading it) becomes *its* result, with a reason, and the class goes on.
Only what no submission can cause stops the run: a broken assignment (AuthorError, when the
suite or reference is loaded) or a sandbox that cannot start on this machine (SandboxUnavailable).
"""

from __future__ import annotations

import collections
import concurrent.futures as futures
import os
import signal
import tempfile
import time
import traceback
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Iterator

from grader import __version__
from grader.cases import Recorded, load_release_cases, load_scripts, scripts_file
from grader.cases import available as available_cases
from grader.checks import CONNECTION_BROKE, LiveRun, run_check, run_live, settle, worker_fault
from grader.discovery import SubmissionFile, submission_files
from grader.errors import (AuthorError, MalformedReply, SpecError, StudentCodeRaised, StudentError,
                           SubmissionUnreadable, WorkerLost)
from grader.loader import PreparedSource, prepare_source
from grader.oracle import load_reference, provided, standin_module
from grader.processes import pool_context
from grader.results import Binding, CheckResult, ExerciseResult, LoadNote, Status, SubmissionResult
from grader.sandbox import SandboxUnavailable, WorkerSubmission, Zygote, warm_imports
from grader.similarity import fingerprint, starter_statements
from grader.spec import Assignment, Exercise, load_assignment
from grader.suite import load_suite, seed_for

# What a worker may tell us about loading: at most this many notes, each at most this long.
_MAX_LOAD_NOTES = 500
_MAX_NOTE_CHARS = 2000


@dataclass(frozen=True)
class Pending:
    """A check whose replay failed and whose live run (the shrink to the smallest failing input)
    is still to run: its place in the submission's result, and where the live run starts from."""

    entry: SubmissionFile
    exercise: int      # index in SubmissionResult.exercises
    check: int         # index in that exercise's checks
    run: LiveRun

    @property
    def student(self) -> str:
        return self.entry.student


def with_live_results(result: SubmissionResult, done: dict[tuple[int, int], CheckResult | None]) -> SubmissionResult:
    """``result`` with what the live runs of its pending checks came to (grader.checks.settle), by
    (exercise, check); its time includes theirs."""
    exercises = tuple(
        replace(ex, checks=tuple(settle(check, done[(e, c)]) if (e, c) in done else check
                                 for c, check in enumerate(ex.checks)))
        for e, ex in enumerate(result.exercises))
    spent = sum(r.duration_s for r in done.values() if r is not None)
    return replace(result, exercises=exercises, duration_s=round(result.duration_s + spent, 3))


class Grader:
    """Grades submissions of one assignment in this process, with one warm zygote."""

    def __init__(self, assignment: Assignment, *, public_only: bool = False, hidden: Iterable[Path] = (),
                 scratch_dir: Path | None = None, live: bool = False, device: str = "cpu", early: bool = False):
        """``early``: start the zygote now, so that it loads while the suite, the reference and the
        cases do (a grading process of a pool grades at once); else on first use."""
        self.assignment = assignment
        self.public_only = public_only
        self.device = device   # where the students' torch code runs: "cpu" or "cuda" (grader.devices)
        self._scratch = tempfile.TemporaryDirectory(prefix="grader-", dir=scratch_dir)
        root = assignment.project_root
        self._hidden = [root / "reference", root / "tests", root / "assignments", *hidden]
        self._zygote: Zygote | None = None
        if early:
            try:
                self._zygote = self._new_zygote(wait=False)
            except Exception:  # noqa: BLE001 - the first use starts it again, and says what stops it
                self._zygote = None
        self.cases: Recorded | None
        try:
            if assignment.release is not None:
                # A student's bundle (grader.release): no reference here. Its recorded cases stand in for
                # it: the reference's answers, its signatures, the plain values the checks read. A replay
                # that fails is the verdict (nothing can shrink it without the reference).
                provided(assignment).update(load_release_cases(assignment, constants_only=True).constants)
                self.suite = load_suite(assignment)
                self.cases = load_release_cases(assignment)
                self.reference = standin_module(assignment.id, self.cases.signatures)
            else:
                self.suite = load_suite(assignment)
                self.reference = load_reference(assignment)
                # The recorded cases (grader.cases), read from the case file or recorded now; with ``live``
                # every check draws its inputs again for every student, as hypothesis does on its own.
                self.cases = None if live else available_cases(assignment, self.suite.functions, self.reference)
        except BaseException:
            self._drop_zygote()   # an assignment that cannot be loaded leaves no sandbox behind
            self._scratch.cleanup()
            raise
        self._later: list[tuple[int, int, LiveRun]] | None = None   # live runs deferred (grade_deferring)
        # The last submission whose live runs are still to come, loaded (see _keep): run_live forks
        # their workers from it instead of reading, parsing and loading the file again for each.
        self._kept: tuple[tuple[str, str], WorkerSubmission] | None = None
        # Each check's requests as the last replay that passed here sent them: the next submission's
        # worker gets them ahead of need (grader.sandbox, scripts), so it is never idle between calls.
        # The first submission gets those recorded with the cases (grader.cases, scripts), if any.
        self.scripts: dict[str, list[list[bytes]]] = {}
        if self.cases is not None and assignment.release is None:
            self.scripts.update(load_scripts(scripts_file(assignment, self.cases.key)) or {})
        self._starter_statements: frozenset[tuple[str, ...]] | None = None   # see _fingerprint

    @property
    def zygote(self) -> Zygote:
        """The warm zygote, started on first use and again after student code killed it. Raises
        :class:`SandboxUnavailable` when it cannot start: that stops grading, as no one's code can run."""
        try:
            if self._zygote is None:
                self._zygote = self._new_zygote(wait=True)
            return self._zygote.ready()
        except SandboxUnavailable:
            raise
        except Exception as exc:  # noqa: BLE001 - InternalError, OSError, ...: all mean the same here
            raise SandboxUnavailable(f"the sandbox for student code cannot start: {exc}") from exc

    def _new_zygote(self, wait: bool) -> Zygote:
        release = self.assignment.release
        return Zygote(Path(self._scratch.name), self._hidden,
                      warm=release.warm if release is not None else warm_imports(self.assignment.reference,
                                                                              self.assignment.suite),
                      gpu=self.device == "cuda", wait=wait)

    def close(self) -> None:
        self._drop_kept()
        self._drop_zygote(kill=False)
        self._scratch.cleanup()

    def _keep(self, entry: SubmissionFile, submission: WorkerSubmission) -> None:
        """Keep ``submission`` (its loaded template; its last worker ends) for the live runs of
        ``entry`` this process may get: one at most, so one student's loaded code at a time."""
        key = (str(entry.path), entry.sha256)
        if self._kept is not None and self._kept[1] is not submission:
            self._drop_kept()
        _quietly(submission.restart)
        self._kept = (key, submission)

    def _drop_kept(self) -> None:
        kept, self._kept = self._kept, None
        if kept is not None:
            _quietly(kept[1].close)

    def _zygote_died(self) -> bool:
        process = getattr(self._zygote, "process", None)
        return process is not None and process.poll() is not None

    def _drop_zygote(self, kill: bool = True) -> None:
        """Stop the zygote (``kill``: at once, as after student code signalled or wrecked it); the
        next use starts a new one."""
        zygote, self._zygote = self._zygote, None
        if zygote is None:
            return
        process = getattr(zygote, "process", None)
        try:
            if kill and process is not None and process.poll() is None:
                process.kill()
            zygote.close()
        except Exception:  # noqa: BLE001 - it is being thrown away; a later start says if the sandbox is broken
            pass

    def _with_live_zygote(self, submission: WorkerSubmission) -> None:
        """Give ``submission`` a zygote that is running: student code can kill the one it had
        (``os.kill(os.getppid(), 9)`` in a worker), and the next exercise must still get a worker."""
        if self._zygote is not None and self._zygote_died():
            self._drop_zygote()
        if submission.zygote is not self.zygote:
            _quietly(submission.close)
            submission.zygote = self.zygote

    def checks_of(self, exercise: Exercise):
        return [c for c in exercise.checks if not (self.public_only and c.hidden)]

    def grade(self, entry: SubmissionFile) -> SubmissionResult:
        """The result of ``entry``, whatever its code does. Raises only what no submission can
        cause: :class:`SandboxUnavailable`, and KeyboardInterrupt."""
        if self.assignment.release is not None:
            return self.grade_deferring(entry)[0]   # a bundle: the replay's failures are the verdicts
        return self._graded(entry, None)

    def grade_deferring(self, entry: SubmissionFile) -> tuple[SubmissionResult, list[Pending]]:
        """:meth:`grade`, except that the live runs of checks whose replay failed (the hypothesis
        shrink that finds the smallest failing input) are not run: they come back as
        :class:`Pending` runs, for :meth:`run_live` here or in another grading process, and the
        result holds each one's replay failure meanwhile. The verdicts are those :meth:`grade`
        gives, once each pending check's result is put in place."""
        later: list[tuple[int, int, LiveRun]] = []
        result = self._graded(entry, later)
        pending = [Pending(entry, e, c, run) for e, c, run in later] if result.load_error is None else []
        # a result that is not the exercises' own (the whole submission failed) has nothing pending
        if any(p.exercise >= len(result.exercises) or p.check >= len(result.exercises[p.exercise].checks)
               or result.exercises[p.exercise].checks[p.check].check.id != p.run.check_id for p in pending):
            pending = []
        return result, pending

    def run_live(self, pending: Pending) -> CheckResult | None:
        """The result of one pending live run (see :meth:`grade_deferring`): the check on a fresh
        worker of the submission, in the state its replay left. None when it cannot run at all
        (the replay's failure then stands as the verdict)."""
        check = next((c for c in self.assignment.checks if c.id == pending.run.check_id), None)
        if check is None:
            return None
        kept = self._kept
        if kept is not None and kept[0] == (str(pending.entry.path), pending.entry.sha256):
            submission = kept[1]   # its template is the file loaded, as a new one would be
            submission.scripts = None
        else:
            self._drop_kept()
            try:
                prepared = prepare_source(pending.entry.path)
                submission = WorkerSubmission(self.assignment, self.zygote, prepared.units, self.reference,
                                              files=submission_files(pending.entry, self.assignment.import_as),
                                              device=self.device)
            except SandboxUnavailable:
                raise
            except Exception:  # noqa: BLE001 - it loaded a moment ago; if it no longer does, the replay stands
                return None
        try:
            self._with_live_zygote(submission)
            submission._bindings.clear()
            return run_live(self.suite, check, submission, self.assignment.limits.check_budget_s, pending.run.state)
        finally:
            self._keep(pending.entry, submission)   # for the submission's next live run, if it comes here
            if self._zygote is not None and self._zygote_died():
                self._drop_zygote()
                self._drop_kept()

    def _graded(self, entry: SubmissionFile, later: list[tuple[int, int, LiveRun]] | None) -> SubmissionResult:
        started = time.perf_counter()
        self._later = later
        try:
            return self._grade(entry, started)
        except SandboxUnavailable:
            raise
        except Exception as exc:  # noqa: BLE001 - one submission must never end the class
            status, message = blame(exc, "while grading your submission")
        except WorkerLost as exc:
            status = Status.TIMEOUT if exc.reason == "timeout" else Status.CRASHED
            message = f"while grading your submission: {exc.detail}"
        self._drop_zygote()   # whatever went wrong, the next submission starts from a clean sandbox
        return failed_result(self.assignment, entry, status, message, public_only=self.public_only,
                             duration_s=time.perf_counter() - started)

    def _grade(self, entry: SubmissionFile, started: float) -> SubmissionResult:
        problem = entry.problem
        prepared = None
        if problem is None:
            try:
                prepared = prepare_source(entry.path)
            except SubmissionUnreadable as exc:
                problem = str(exc)
            except Exception as exc:  # noqa: BLE001 - a file crafted to trip the loader is still unreadable
                problem = f"{entry.path.name}: the grader could not read it ({_describe(exc)})."
        if prepared is not None and not prepared.units:
            why = "; ".join(f"{n.what} ({n.where})" for n in prepared.notes) or "it defines nothing"
            problem, prepared = f"nothing in your submission could be loaded: {why}", None
        if prepared is None:
            exercises = tuple(self._not_run(ex, problem or "could not load") for ex in self.assignment.exercises)
            return self._result(entry, exercises, (), problem, started)
        if self._zygote is not None and self._zygote_died():
            self._drop_zygote()
        self._drop_kept()
        submission = WorkerSubmission(self.assignment, self.zygote, prepared.units, self.reference,
                                      files=submission_files(entry, self.assignment.import_as), device=self.device)
        submission.scripts = self.scripts
        notes = list(prepared.notes)
        try:
            exercises = tuple(self._grade_exercise(ex, submission, notes, index)
                              for index, ex in enumerate(self.assignment.exercises))
        finally:
            if self._later:   # its live runs come next (grade_deferring): they start from it
                self._keep(entry, submission)
            else:
                _quietly(submission.close)
        return replace(self._result(entry, exercises, tuple(dict.fromkeys(notes)), None, started),
                       fingerprint=self._fingerprint(prepared))

    def _fingerprint(self, prepared: PreparedSource) -> tuple[str, ...] | None:
        """The submission's fingerprint for the class's near-duplicates (grader.similarity), from
        the parse just graded, so that the command need not read and parse every file again."""
        try:
            if self._starter_statements is None:
                self._starter_statements = starter_statements(self.assignment.starter)
            return tuple(fingerprint(prepared, self._starter_statements))
        except Exception:  # noqa: BLE001 - a courtesy: the command takes it from the file instead
            return None

    def _grade_exercise(self, exercise: Exercise, submission: WorkerSubmission,
                        notes: list[LoadNote], index: int = 0) -> ExerciseResult:
        checks = self.checks_of(exercise)

        def every_check(status: Status, message: str) -> ExerciseResult:
            return ExerciseResult(exercise, tuple(CheckResult(c, status, message, seed=seed_for(c.id)) for c in checks))

        self._with_live_zygote(submission)
        try:
            submission._bindings.clear()
            submission.fresh()
            loaded = _load_notes(submission.load_notes)
        except SandboxUnavailable:
            raise
        except WorkerLost as exc:
            status = Status.TIMEOUT if exc.reason == "timeout" else Status.CRASHED
            return every_check(status, f"while loading your code: {exc.detail}")
        except Exception as exc:  # noqa: BLE001 - the load reply is the student's code's to corrupt
            status, message = blame(exc, "while loading your code")
            self._after_trouble(submission, message)
            return every_check(status, message)
        notes.extend(loaded)
        results: list[CheckResult] = []
        for check in checks:
            self._with_live_zygote(submission)
            deferred: list[LiveRun] | None = [] if self._later is not None else None
            try:
                result = run_check(self.suite, check, submission, budget_s=self.assignment.limits.check_budget_s,
                                   cases=self.cases.for_check(check.id) if self.cases is not None else None,
                                   later=deferred)
                if deferred and self._later is not None:
                    self._later.append((index, len(results), deferred[0]))
            except SandboxUnavailable:
                raise
            except Exception as exc:  # noqa: BLE001 - run_check catches everything; this is the net under it
                status, message = blame(exc, "while running this check")
                result = CheckResult(check, status, message, seed=seed_for(check.id))
            if result.status is Status.CRASHED:
                self._after_trouble(submission, result.message)
            results.append(result)
        try:
            bindings = _plain_bindings(submission.bindings())
        except Exception:  # noqa: BLE001 - how names were bound is a courtesy; the checks have run
            bindings = ()
        return ExerciseResult(exercise, tuple(results), bindings)

    def _after_trouble(self, submission: WorkerSubmission, message: str) -> None:
        """After a crash: a zygote that died (student code can kill it), or whose connection broke,
        is replaced before the next check asks it for a worker."""
        if self._zygote_died() or CONNECTION_BROKE in message:
            self._drop_zygote()
        _quietly(submission.close)

    def _not_run(self, exercise: Exercise, why: str) -> ExerciseResult:
        return ExerciseResult(exercise, tuple(CheckResult(c, Status.NOT_RUN, why, seed=seed_for(c.id))
                                              for c in self.checks_of(exercise)))

    def _result(self, entry: SubmissionFile, exercises: tuple[ExerciseResult, ...],
                notes: tuple[LoadNote, ...], load_error: str | None, started: float) -> SubmissionResult:
        return _submission_result(self.assignment, entry, exercises, notes=notes, load_error=load_error,
                                  duration_s=time.perf_counter() - started,
                                  sandbox=(getattr(self._zygote, "kind", "") if self._zygote else "")
                                  + ("; torch code on CUDA" if self._zygote and self.device == "cuda" else ""))


def _submission_result(assignment: Assignment, entry: SubmissionFile, exercises: tuple[ExerciseResult, ...], *,
                       notes: tuple[LoadNote, ...] = (), load_error: str | None = None, duration_s: float = 0.0,
                       sandbox: str = "") -> SubmissionResult:
    return SubmissionResult(
        student=entry.student, path=str(entry.origin), sha256=entry.sha256,
        assignment=assignment.id, assignment_version=assignment.version,
        grader_version=__version__, exercises=exercises, load_notes=notes, load_error=load_error,
        duration_s=round(duration_s, 3), sandbox=sandbox,
        seeds={c.id: seed_for(c.id) for ex in exercises for c in (r.check for r in ex.checks)},
        submitted_at=entry.submitted_at,
        late_penalty_percent=assignment.late.penalty_percent(entry.submitted_at) if assignment.late else 0.0,
        late_policy=assignment.late.describe() if assignment.late else None)


def failed_result(assignment: Assignment, entry: SubmissionFile, status: Status, message: str, *,
                  public_only: bool = False, duration_s: float = 0.0, sandbox: str = "") -> SubmissionResult:
    """A result for ``entry`` in which every check (public ones only with ``public_only``) has
    ``status`` and ``message``: what grading it came to when it could not be graded to the end."""
    exercises = tuple(
        ExerciseResult(ex, tuple(CheckResult(c, status, message, seed=seed_for(c.id))
                                 for c in ex.checks if not (public_only and c.hidden)))
        for ex in assignment.exercises)
    return _submission_result(assignment, entry, exercises, duration_s=duration_s, sandbox=sandbox)


def blame(exc: BaseException, doing: str) -> tuple[Status, str]:
    """Status and message for an exception that escaped grading one submission: the student's
    when their code or their worker caused it, else ours (with a request to report it)."""
    if isinstance(exc, StudentCodeRaised):
        tail = exc.traceback.strip().splitlines()[-12:] if exc.traceback else []
        return Status.ERROR, f"{doing}: {exc}" + ("\n\n" + "\n".join(tail) if tail else "")
    if isinstance(exc, StudentError):
        return Status.ERROR, f"{doing}: {exc}"
    fault = worker_fault(exc)
    if fault is not None:
        return fault[0], f"{doing}: {fault[1]}"
    where = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    at = f" at {Path(where[0].filename).name}:{where[0].lineno}" if where else ""
    if isinstance(exc, AuthorError):   # only the course author's files raise these: the student keeps the points
        return Status.GRADER_FAULT, (f"{doing}, the grader failed (a problem in the assignment, not in your code; "
                                     f"it is left out of your points possible): {_describe(exc)}{at}")
    kind = "an error in the grader"
    return Status.ERROR, (f"{doing}, the grader failed ({kind}, not in your code; please report it): "
                          f"{_describe(exc)}{at}")


def _describe(exc: BaseException) -> str:
    try:
        text = str(exc)
    except Exception:  # noqa: BLE001
        text = ""
    text = text if len(text) <= 500 else text[:500] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _quietly(action) -> None:
    try:
        action()
    except Exception:  # noqa: BLE001 - cleaning up after a worker the student's code may have wrecked
        pass


def _load_notes(plain: object) -> list[LoadNote]:
    """The worker's notes on loading, checked: it runs the student's code, which may have replaced
    what it sends."""
    if not isinstance(plain, list) or not all(isinstance(n, (list, tuple)) and len(n) == 2 for n in plain):
        raise MalformedReply("the notes on loading your code are not a list of [where, what] pairs")
    notes = [LoadNote(str(where)[:_MAX_NOTE_CHARS], str(what)[:_MAX_NOTE_CHARS])
             for where, what in plain[:_MAX_LOAD_NOTES]]
    if len(plain) > _MAX_LOAD_NOTES:
        notes.append(LoadNote("", f"[… {len(plain) - _MAX_LOAD_NOTES} more notes not kept]"))
    return notes


def _plain_bindings(bindings: Iterable[Binding]) -> tuple[Binding, ...]:
    """Bindings with names that are text: the student's names came from their worker."""
    return tuple(Binding(str(b.name), None if b.bound_to is None else str(b.bound_to)[:200],
                         tuple(str(n)[:_MAX_NOTE_CHARS] for n in b.notes)) for b in bindings)


# --- a pool of grading processes ----------------------------------------------------------------
_process_grader: Grader | None = None
_process_defers = True    # live runs go back to the pool (with one process, they run where they are)
_process_setup_error: BaseException | None = None

# A submission whose grading process dies this many times (the last time with no other submission
# in flight) gets a final "crashed" result instead of another try.
PROCESS_DEATHS_ALLOWED = 2


def _command_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:   # gone, or the number is someone else's process now
        return False
    return True


def _init_process(assignment_dir: str, public_only: bool, hidden: list[str], scratch_dir: str | None = None,
                  live: bool = False, defer: bool = True, parent: int | None = None, device: str = "cpu",
                  environment: dict[str, str] | None = None, cwd: str | None = None, jobs: int = 1) -> None:
    """Set up one grading process of the pool.

    It starts its own session first, so that student code which signals "its parent's process
    group" reaches at most this process and its zygote, never the command that runs the class.
    Being in a session of its own, a signal to the command's group does not reach it either: it
    dies with its parent instead, however that ends (kill -9 included), and its zygote with it.
    Its parent is ``parent`` (the command), or the forkserver the command started (pool_context),
    which ends when the command does. A forked process has the forkserver's environment and working
    folder, from when the forkserver started: ``environment`` and ``cwd`` are the command's now, as
    a process started afresh would have them. A setup that fails is remembered and raised by the
    first task, so it reaches the caller as what it is (a broken assignment) instead of as a pool
    that keeps dying."""
    global _process_grader, _process_setup_error, _process_defers
    _process_defers = defer
    forked_by = os.getppid()
    if environment is not None:
        os.environ.clear()
        os.environ.update(environment)
    if cwd is not None:
        try:
            os.chdir(cwd)
        except OSError:
            pass
    try:
        os.setsid()
    except OSError:   # already a session leader
        pass
    if parent is not None:
        from grader import confine
        try:
            confine.prctl(confine.PR_SET_PDEATHSIG, signal.SIGKILL)
        except confine.ConfineError:   # not Linux: the pool's own shutdown is all there is
            pass
        # the command, or the forkserver, died before the signal was armed
        if os.getppid() != forked_by or not _command_alive(parent):
            os._exit(70)
    if scratch_dir:
        _keep_to_one_cpu(Path(scratch_dir), jobs)
    try:
        _process_grader = Grader(load_assignment(Path(assignment_dir)), public_only=public_only,
                                 hidden=[Path(h) for h in hidden],
                                 scratch_dir=Path(scratch_dir) if scratch_dir else None, live=live, device=device,
                                 early=True)
    except AuthorError as exc:   # raised again by the first task, as a plain (picklable) error
        _process_setup_error = SpecError(str(exc))
    except Exception as exc:  # noqa: BLE001 - the suite or reference raised while it was imported
        _process_setup_error = SpecError(f"a grading process could not load the assignment: {_describe(exc)}")


def _keep_to_one_cpu(scratch: Path, jobs: int) -> None:
    """When the pool has one grading process per CPU this process may use, keep it (and the zygote
    and workers it starts, which inherit this) to a CPU of its own, a different one in each process
    of the pool. A grading process and its worker hand the work to each other request by request:
    on one CPU they do so in a warm cache, without waking each other across CPUs, and neither
    pool's pair competes with the other's. With fewer processes than CPUs the scheduler is left
    free to place them (other work on the machine may need the rest). Each process takes the
    lowest slot nobody took yet, by creating its file in the pool's scratch folder."""
    try:
        cpus = sorted(os.sched_getaffinity(0))
    except (AttributeError, OSError):   # not Linux
        return
    if jobs < 2 or jobs != len(cpus):
        return
    for slot in range(4 * jobs):
        try:
            os.close(os.open(scratch / f".cpu-slot-{slot}", os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            continue   # taken by another process of this pool, or of an earlier pool that broke
        except OSError:
            return
        try:
            os.sched_setaffinity(0, {cpus[slot % len(cpus)]})
        except OSError:
            pass
        return


def _grade_in_process(item: SubmissionFile | Pending) -> tuple[SubmissionResult, list[Pending]] | CheckResult | None:
    if _process_setup_error is not None:
        raise _process_setup_error
    assert _process_grader is not None
    if isinstance(item, Pending):
        return _process_grader.run_live(item)
    if not _process_defers:
        return _process_grader.grade(item), []
    return _process_grader.grade_deferring(item)


def stops_the_run(exc: BaseException) -> bool:
    """What a grading process raised that no submission can cause: the class cannot be graded."""
    return isinstance(exc, (AuthorError, SandboxUnavailable))


def grade_in_pool(assignment: Assignment, entries: list[SubmissionFile], *, jobs: int, public_only: bool,
                   hidden: list[Path], live: bool = False, device: str = "cpu") -> Iterator[SubmissionResult]:
    """Grade ``entries`` in a pool of ``jobs`` grading processes that survives their deaths.

    When a grading process dies (student code killed it, or its memory ran out), the pool breaks
    and every submission in flight is lost. Those are graded again, each *alone* in a new pool, so
    a second death is that submission's own doing: it gets a final CRASHED result, and an innocent
    one that only shared the pool gets its real result. At most ``jobs`` submissions are handed
    to the pool at a time, so the ones lost are exactly the ones in flight.

    A submission's checks whose replay failed come back as pending live runs (the hypothesis
    shrink, the slow part of a wrong answer: Grader.grade_deferring). They go to the front of the
    queue, each on its own, so the processes share them: one submission with many wrong answers no
    longer keeps one process busy long after the others ran out of work. Its result is given when
    all its live runs are in; a live run lost with its process leaves the replay's failure as the
    check's result. With one process there is no one to share with: they run inline.
    """
    queue: collections.deque[SubmissionFile | Pending] = collections.deque(entries)
    deaths: dict[str, int] = collections.Counter()
    held: dict[str, _Held] = {}
    with tempfile.TemporaryDirectory(prefix="grader-pool-") as scratch:
        os.chmod(scratch, 0o711)   # each process's scratch folder inside must stay reachable for workers
        while queue:
            pool = futures.ProcessPoolExecutor(
                max_workers=jobs, mp_context=pool_context(),
                initializer=_init_process,
                initargs=(str(assignment.root), public_only, [str(h) for h in hidden], scratch, live, jobs > 1,
                          os.getpid(), device, dict(os.environ), os.getcwd(), jobs))
            finished = False
            try:
                yield from _run_pool(pool, assignment, queue, deaths, jobs, public_only, held)
                finished = True
            finally:
                _stop_pool(pool, wait=finished)


@dataclass
class _Held:
    """A submission's result waiting for its pending live runs."""

    result: SubmissionResult
    waiting: int
    done: dict[tuple[int, int], CheckResult | None]


def _run_pool(pool: futures.ProcessPoolExecutor, assignment: Assignment, queue: collections.deque,
              deaths: dict[str, int], jobs: int, public_only: bool, held: dict[str, _Held]) -> Iterator[SubmissionResult]:
    """Feed ``queue`` to ``pool`` until it is empty or the pool breaks (then the lost entries are
    back in ``queue``, or have their final result)."""
    in_flight: dict[futures.Future, SubmissionFile | Pending] = {}
    lost: list[SubmissionFile] = []

    def settled(pending: Pending, result: object) -> Iterator[SubmissionResult]:
        waiting = held[pending.student]
        waiting.done[(pending.exercise, pending.check)] = result if isinstance(result, CheckResult) else None
        waiting.waiting -= 1
        if waiting.waiting == 0:
            del held[pending.student]
            yield with_live_results(waiting.result, waiting.done)

    def outcomes(done: Iterable[futures.Future]) -> Iterator[SubmissionResult]:
        for future in done:
            item = in_flight.pop(future)
            if isinstance(item, Pending):
                try:
                    live = future.result()
                except Exception as exc:  # noqa: BLE001 - a lost live run leaves the replay's verdict
                    if stops_the_run(exc):
                        raise
                    live = None
                yield from settled(item, live)
                continue
            try:
                result, pending = future.result()
            except BrokenProcessPool:
                lost.append(item)
                continue
            except Exception as exc:  # noqa: BLE001 - e.g. a result that could not travel back
                if stops_the_run(exc):
                    raise
                status, message = blame(exc, "while grading your submission")
                yield failed_result(assignment, item, status, message, public_only=public_only)
                continue
            if not pending:
                yield result
                continue
            held[item.student] = _Held(result, len(pending), {})
            queue.extendleft(reversed(pending))   # first: they hold a result back

    def refill() -> None:
        while queue and _may_start(queue[0], in_flight, deaths, jobs):
            try:
                in_flight[pool.submit(_grade_in_process, queue[0])] = queue[0]
            except BrokenProcessPool:   # a process died since the last look, while idle or grading
                break
            queue.popleft()

    refill()
    while in_flight:   # empty: a process died while idle, nothing was lost, and a new pool takes the queue
        # The pool gets its next work before the caller gets these results: what the caller does
        # with a result (its reports, the journal) then overlaps the grading of the next ones
        # instead of leaving a grading process idle.
        finished = list(outcomes(futures.wait(in_flight, return_when=futures.FIRST_COMPLETED).done))
        if not lost:
            refill()
        yield from finished
        if lost:
            # The pool is broken: every other future in flight fails the same way, at once.
            yield from outcomes(futures.wait(in_flight).done)
            for entry in lost:
                deaths[entry.student] += 1
                if deaths[entry.student] >= PROCESS_DEATHS_ALLOWED:
                    yield failed_result(assignment, entry, Status.CRASHED, _process_died_message(len(lost) == 1),
                                        public_only=public_only)
                else:
                    queue.append(entry)   # a suspect now: graded again, alone, after the others
            return


def _may_start(entry: SubmissionFile | Pending, in_flight: dict, deaths: dict[str, int], jobs: int) -> bool:
    """Whether ``entry`` may go to the pool now: a submission whose grading process died before
    runs alone, so that if it happens again, there is no doubt whose doing it was."""
    if len(in_flight) >= jobs:
        return False
    if not in_flight:
        return True
    return not deaths.get(entry.student) and not any(deaths.get(e.student) for e in in_flight.values())


def _process_died_message(alone: bool) -> str:
    return ("the process grading your submission died while it ran your code, twice"
            + (" (the second time with no other submission running)" if alone else "")
            + ", so it was not graded. Only your code ran in it besides the grader: does it kill processes "
              "(os.kill, os.killpg, signal), or use far more memory than it needs?")


def _stop_pool(pool: futures.ProcessPoolExecutor, wait: bool) -> None:
    """Shut ``pool`` down; when grading was interrupted, without waiting for the submissions in
    flight (the grading processes have their own sessions, so Ctrl-C does not reach them)."""
    if not wait:
        for process in list(getattr(pool, "_processes", {}).values()):
            try:
                process.kill()
            except Exception:  # noqa: BLE001 - already gone
                pass
    pool.shutdown(wait=True, cancel_futures=True)
