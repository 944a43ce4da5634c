"""Grade submissions: the pipeline's stages, in the one place their order is declared.

    discover → load (definitions only) → run each exercise in a fresh worker → results

:class:`Grader` holds what one grading process needs (the assignment, suite, reference and a warm
zygote) and grades one submission at a time. :func:`grade_class` spreads submissions over a pool
of such processes, one submission per process at a time, or over a Dask cluster (grader.cluster).
"""

from __future__ import annotations

import concurrent.futures as futures
import importlib
import importlib.util
import multiprocessing
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Iterable, Iterator

from grader import __version__
from grader.checks import run_check
from grader.discovery import SubmissionFile
from grader.errors import SpecError, SubmissionUnreadable, WorkerLost
from grader.loader import prepare_source
from grader.results import CheckResult, ExerciseResult, LoadNote, Status, SubmissionResult
from grader.sandbox import WorkerSubmission, Zygote
from grader.spec import Assignment, Exercise, load_assignment
from grader.suite import load_suite, seed_for


def load_reference(assignment: Assignment) -> ModuleType:
    """The reference module, imported as a package module when it lives in ``reference/``."""
    path = assignment.reference
    if path.parent.name == "reference" and (path.parent / "__init__.py").exists():
        try:
            return importlib.import_module(f"reference.{path.stem}")
        except ImportError:
            pass
    spec = importlib.util.spec_from_file_location(f"grader_reference_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise SpecError(f"{path}: cannot import the reference")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Grader:
    """Grades submissions of one assignment in this process, with one warm zygote."""

    def __init__(self, assignment: Assignment, *, public_only: bool = False, hidden: Iterable[Path] = ()):
        self.assignment = assignment
        self.public_only = public_only
        self.suite = load_suite(assignment)
        self.reference = load_reference(assignment)
        self._scratch = tempfile.TemporaryDirectory(prefix="grader-")
        root = assignment.project_root
        self._hidden = [root / "reference", root / "tests", root / "assignments", *hidden]
        self._zygote: Zygote | None = None

    @property
    def zygote(self) -> Zygote:
        if self._zygote is None:
            self._zygote = Zygote(Path(self._scratch.name), self._hidden)
        return self._zygote

    def close(self) -> None:
        if self._zygote is not None:
            self._zygote.close()
            self._zygote = None
        self._scratch.cleanup()

    def checks_of(self, exercise: Exercise):
        return [c for c in exercise.checks if not (self.public_only and c.hidden)]

    def grade(self, entry: SubmissionFile) -> SubmissionResult:
        started = time.perf_counter()
        problem = entry.problem
        prepared = None
        if problem is None:
            try:
                prepared = prepare_source(entry.path)
            except SubmissionUnreadable as exc:
                problem = str(exc)
        if prepared is not None and not prepared.units:
            why = "; ".join(f"{n.what} ({n.where})" for n in prepared.notes) or "it defines nothing"
            problem, prepared = f"nothing in your submission could be loaded: {why}", None
        if prepared is None:
            exercises = tuple(self._not_run(ex, problem or "could not load") for ex in self.assignment.exercises)
            return self._result(entry, exercises, (), problem, started)
        submission = WorkerSubmission(self.assignment, self.zygote, prepared.units, self.reference)
        notes = list(prepared.notes)
        try:
            exercises = tuple(self._grade_exercise(ex, submission, notes) for ex in self.assignment.exercises)
        finally:
            submission.close()
        return self._result(entry, exercises, tuple(dict.fromkeys(notes)), None, started)

    def _grade_exercise(self, exercise: Exercise, submission: WorkerSubmission,
                        notes: list[LoadNote]) -> ExerciseResult:
        submission._bindings.clear()
        try:
            submission.fresh()
        except WorkerLost as exc:
            status = Status.TIMEOUT if exc.reason == "timeout" else Status.CRASHED
            message = f"while loading your code: {exc.detail}"
            return ExerciseResult(exercise, tuple(CheckResult(c, status, message, seed=seed_for(c.id))
                                                  for c in self.checks_of(exercise)))
        notes.extend(LoadNote(where, what) for where, what in submission.load_notes)
        results = []
        for check in self.checks_of(exercise):
            submission.call_timeout = check.timeout_s
            submission.check_deadline = time.monotonic() + self.assignment.limits.check_budget_s
            results.append(run_check(self.suite, check, submission))
        submission.check_deadline = None
        return ExerciseResult(exercise, tuple(results), submission.bindings())

    def _not_run(self, exercise: Exercise, why: str) -> ExerciseResult:
        return ExerciseResult(exercise, tuple(CheckResult(c, Status.NOT_RUN, why, seed=seed_for(c.id))
                                              for c in self.checks_of(exercise)))

    def _result(self, entry: SubmissionFile, exercises: tuple[ExerciseResult, ...],
                notes: tuple[LoadNote, ...], load_error: str | None, started: float) -> SubmissionResult:
        return SubmissionResult(
            student=entry.student, path=str(entry.origin), sha256=entry.sha256,
            assignment=self.assignment.id, assignment_version=self.assignment.version,
            grader_version=__version__, exercises=exercises, load_notes=notes, load_error=load_error,
            duration_s=round(time.perf_counter() - started, 3),
            sandbox=self._zygote.kind if self._zygote else "",
            seeds={c.id: seed_for(c.id) for ex in exercises for c in (r.check for r in ex.checks)},
            submitted_at=entry.submitted_at,
            late_penalty_percent=self.assignment.late.penalty_percent(entry.submitted_at) if self.assignment.late else 0.0)


# --- a pool of grading processes ----------------------------------------------------------------
_process_grader: Grader | None = None


def _init_process(assignment_dir: str, public_only: bool, hidden: list[str]) -> None:
    global _process_grader
    _process_grader = Grader(load_assignment(Path(assignment_dir)), public_only=public_only,
                             hidden=[Path(h) for h in hidden])


def _grade_in_process(entry: SubmissionFile) -> SubmissionResult:
    assert _process_grader is not None
    return _process_grader.grade(entry)


def grade_class(assignment: Assignment, entries: list[SubmissionFile], *, jobs: int,
                public_only: bool = False, hidden: Iterable[Path] = (),
                dask: str | None = None) -> Iterator[SubmissionResult]:
    """Grade every entry, ``jobs`` at a time; yields results as they finish (order not fixed).

    With ``dask`` (a scheduler address, or "local") the grading processes are Dask workers
    (grader.cluster); otherwise a local pool of ``jobs`` processes, or this process for one job.
    """
    if dask is not None:
        from grader.cluster import grade_on_dask
        yield from grade_on_dask(assignment, entries, address=dask, jobs=jobs, public_only=public_only,
                                 hidden=hidden)
        return
    if jobs <= 1 or len(entries) <= 1:
        grader = Grader(assignment, public_only=public_only, hidden=hidden)
        try:
            for entry in entries:
                yield grader.grade(entry)
        finally:
            grader.close()
        return
    context = multiprocessing.get_context("spawn")   # no fork of a process that has started threads
    with futures.ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_init_process,
                                     initargs=(str(assignment.root), public_only, [str(h) for h in hidden])) as pool:
        pending = {pool.submit(_grade_in_process, e): e for e in entries}
        for done in futures.as_completed(pending):
            yield done.result()

