"""The grading pipeline, declared once: every way in (``grader grade``, ``check``, ``ci``, the pytest
plugin, Dask) goes through here.

    discover → (journal: reuse what is unchanged) → grade each submission → write its files → class files

- :func:`grade_class` grades entries where they should be graded: this process (one job), a pool of
  grading processes (:func:`grader.runner.grade_in_pool`) or a Dask cluster (:mod:`grader.cluster`).
- :func:`grade_one` grades one submission (a student's file, a CI repository) on its public checks
  or all of them, found as a folder submission is found in a class.
- :func:`grade_folder` grades a class into a reports folder (:class:`grader.layout.ReportsFolder`),
  journalling each result as it comes, so an interrupted run resumes.
"""

from __future__ import annotations

import functools
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from grader.cases import Recorded, case_file
from grader.cases import available as available_cases
from grader.cases import ensure as ensure_cases
from grader.discovery import SubmissionFile, discover, open_submission, with_file_times
from grader.errors import GraderError
from grader.export import write_gradescope_json, write_junit_xml, write_result_json, write_summary_csv
from grader.layout import ReportsFolder
from grader.report import write_student_report, write_summary
from grader.results import SubmissionResult
from grader.runner import Grader, grade_in_pool
from grader.spec import Assignment


def prefer(assignment: Assignment) -> tuple[str, ...]:
    """In a folder submission, the file named like the starter is the one graded."""
    return (assignment.starter.name,) if assignment.starter else ()


def grade_class(assignment: Assignment, entries: list[SubmissionFile], *, jobs: int,
                public_only: bool = False, hidden: Iterable[Path] = (),
                dask: str | None = None, isolate: bool = False, live: bool = False,
                device: str = "cpu") -> Iterator[SubmissionResult]:
    """Grade every entry, ``jobs`` at a time; yields results as they finish (order not fixed), one
    for every entry, whatever its code does.

    With ``dask`` (a scheduler address, or "local") the grading processes are Dask workers
    (grader.cluster); otherwise a local pool of ``jobs`` processes, or this process for one job.
    ``isolate`` grades in a pool even for one job, so that no student's code shares a process
    group with the caller (``grader grade`` does this: a class's code must not be able to end it).

    The checks replay the assignment's recorded cases (grader.cases), recorded here first when they
    are stale so that the grading processes find them; ``live`` draws every input again instead.
    ``device``: where the students' torch code runs ("cpu" or "cuda", grader.devices).
    """
    if dask is not None:
        from grader.cluster import grade_on_dask   # dask is imported only by those who use it
        if entries and not live:
            record_cases(assignment)
        yield from grade_on_dask(assignment, entries, address=dask, jobs=jobs, public_only=public_only,
                                 hidden=hidden, live=live, device=device)
        return
    if not entries:
        return
    if not isolate and (jobs <= 1 or len(entries) <= 1):
        grader = Grader(assignment, public_only=public_only, hidden=hidden, live=live, device=device, early=True)
        try:
            for entry in entries:
                yield grader.grade(entry)
        finally:
            grader.close()
        return
    if not live:
        record_cases(assignment)
    yield from grade_in_pool(assignment, entries, jobs=max(1, min(jobs, len(entries))),
                             public_only=public_only, hidden=list(hidden), live=live, device=device)


def record_cases(assignment: Assignment, *, force: bool = False) -> Recorded | None:
    """Record the assignment's cases in this process unless its case file is current (``force``:
    always), and the scripts that go with them (:func:`record_scripts`) unless they are there.
    None when the cases were current, or cannot be recorded (each grading process then tries, or
    grades live)."""
    from grader.cases import cases_key, scripts_file
    key = cases_key(assignment)
    recorded = None
    if force or not case_file(assignment, key).is_file():
        from grader.runner import load_reference
        from grader.suite import load_suite
        functions, reference = load_suite(assignment).functions, load_reference(assignment)
        recorded = ensure_cases(assignment, functions, reference, force=True) if force else \
            available_cases(assignment, functions, reference)
        if recorded is None:
            return None
    if force or not scripts_file(assignment, key).is_file():
        record_scripts(assignment, key)
    return recorded


def record_scripts(assignment: Assignment, key: str) -> None:
    """Grade the reference like a submission and keep, next to the case file, the requests each
    check's replay sent (grader.cases, scripts), for every grading process's first submission. A
    reference that cannot be graded so (one that imports the project's other modules, say) leaves
    fewer or none: the file is written all the same, so that no run tries again."""
    from grader.cases import save_scripts, scripts_file
    scripts: dict[str, list[list[bytes]]] = {}
    if assignment.reference.is_file():
        with tempfile.TemporaryDirectory(prefix="grader-scripts-") as tmp:
            (Path(tmp) / "class").mkdir()
            shutil.copyfile(assignment.reference, Path(tmp) / "class" / assignment.reference.name)
            entries = discover(Path(tmp) / "class", workdir=Path(tmp) / "unpacked")
            grader = Grader(assignment)
            try:
                grader.scripts.clear()   # what this run sends, not what an older file held
                for entry in entries:
                    grader.grade(entry)
                scripts = dict(grader.scripts)
            except Exception as exc:  # noqa: BLE001 - scripts only save time; grading says what is wrong
                print(f"grader: no scripts recorded for {assignment.id} ({type(exc).__name__}: {exc})", file=sys.stderr)
            finally:
                grader.close()
    try:
        save_scripts(scripts, scripts_file(assignment, key))
    except OSError:
        pass   # a folder that cannot be written: every grading process learns them as it goes


def grade_one(assignment: Assignment, path: Path, *, public_only: bool = True,
              then: Callable[[SubmissionFile, SubmissionResult], None] | None = None) -> SubmissionResult:
    """Grade one submission (a file, folder or zip) in this process. ``then`` is called with the
    entry and its result while the entry's files still exist (a zip is unpacked only meanwhile)."""
    with tempfile.TemporaryDirectory(prefix="grader-unpack-") as workdir:
        entry = open_submission(path, workdir=Path(workdir), prefer=prefer(assignment))
        (result,) = list(grade_class(assignment, [entry], jobs=1, public_only=public_only))
        if then is not None:
            then(entry, result)
    return result


@dataclass(frozen=True)
class ClassRun:
    results: list[SubmissionResult]    # every submission's, sorted by student
    reused: int                        # of those, taken from the journal unchanged
    folder: ReportsFolder


def grade_folder(assignment: Assignment, submissions: Path, out: Path, *, jobs: int, dask: str | None = None,
                 regrade: bool = False, progress: Callable[[Iterator[SubmissionResult], int], Iterator[SubmissionResult]]
                 | None = None, say: Callable[[str], None] = print, live: bool = False,
                 only: Sequence[str] = (), overrides: Path | None = None, device: str = "cpu") -> ClassRun | None:
    """Grade the class in ``submissions`` into ``out``; None when there is no submission in it.
    ``live``: every check draws its inputs again for every student (see grade_class).
    ``only``: grade these students again (whatever the journal says) and take everyone else's
    result from the journal. ``overrides``: a TA's adjustments (grader.overrides), applied to every
    file written and to the results returned, never to the journal."""
    from grader import overrides as adjustments
    from grader.journal import Journal
    from grader.similarity import Fingerprints
    from grader.source_view import write_submission_view
    rows = adjustments.read(overrides) if overrides is not None else []
    folder = ReportsFolder(Path(out))
    folder.root.mkdir(parents=True, exist_ok=True)
    journal = Journal(folder.root, assignment)
    with tempfile.TemporaryDirectory(prefix="grader-unpack-") as workdir:
        entries = discover(Path(submissions), workdir=Path(workdir), prefer=prefer(assignment))
        if not entries:
            return None
        if assignment.late is not None and assignment.late.file_times:
            entries = with_file_times(entries)
        by_student = {e.student: e for e in entries}
        _check_names(rows, only, by_student, assignment, overrides, submissions)
        if only:
            todo = [e for e in entries if e.student in only]
            reused, left_out = journal.split([e for e in entries if e.student not in only])
            if left_out:
                say(f"{len(left_out)} other submissions have no result in {journal.path} yet and are not in this "
                    f"run's reports: {', '.join(e.student for e in left_out[:10])}{' ...' if len(left_out) > 10 else ''}")
        else:
            reused, todo = ([], entries) if regrade else journal.split(entries)
        if reused:
            say(f"{len(reused)} of {len(entries)} submissions are unchanged since {journal.path} recorded "
                "them: their results are reused (--regrade grades everyone again)")
        adjusted = functools.partial(_adjusted, rows=rows, path=overrides)
        prints = Fingerprints(assignment.starter)   # taken as results come in, while others are graded
        results = list(reused)
        # isolate: even with one job, the class is graded in a process of its own session, which
        # student code that kills its grading process (or that process's group) cannot reach past
        graded = grade_class(assignment, todo, jobs=jobs, hidden=[Path(submissions).resolve()], dask=dask,
                             isolate=True, live=live, device=device)
        try:
            for result in (progress(graded, len(todo)) if progress else graded):
                entry = by_student[result.student]
                journal.record(entry, result)                          # on disk before the next one
                if entry.problem is None:   # only a regular file inside the submission is ever shown
                    write_submission_view(entry.path, entry.student, entry.sha256, folder.root,
                                          root=entry.root or entry.origin)
                    prints.add(entry.student, entry.path, result.fingerprint)
                write_student_files(adjusted(result), folder)
                results.append(result)
        finally:
            journal.close()
        journal.compact(entries, {r.student: r for r in results})
        for entry in entries:
            if entry.problem is None and entry.student not in prints.prints:
                prints.add(entry.student, entry.path)   # the ones reused from the journal
        duplicates = prints.similar_pairs()
    results = sorted((adjusted(r) for r in results), key=lambda r: r.student)
    for result in reused:
        write_student_files(adjusted(result), folder)
    write_summary_csv(results, folder.grades)
    write_junit_xml(results, folder.junit)
    write_summary(results, folder.root, duplicates)
    return ClassRun(results, len(reused), folder)


def _adjusted(result: SubmissionResult, rows: list, path: Path | None) -> SubmissionResult:
    """``result`` with its overrides, if any (the rows were checked against the class already)."""
    from grader import overrides as adjustments
    mine = [row for row in rows if row.student == result.student]
    return adjustments.apply([result], mine, path or "overrides")[0] if mine else result


def _check_names(rows: list, only: Sequence[str], by_student: dict[str, SubmissionFile], assignment: Assignment,
                 overrides: Path | None, submissions: Path) -> None:
    """Stop before anything is graded when --only or the overrides file names a student who has no
    submission here, or the overrides file a check the assignment does not have."""
    from grader.overrides import TOTAL, OverridesError
    known = ", ".join(sorted(by_student)[:8]) + (", ..." if len(by_student) > 8 else "")
    unknown = [s for s in only if s not in by_student]
    if unknown:
        raise GraderError(f"--only: no submission of {', '.join(map(repr, unknown))} in {submissions} (students: {known})")
    ids = {c.id for c in assignment.checks}
    for row in rows:
        where = f"{overrides}, line {row.line}"
        if row.student not in by_student:
            raise OverridesError(f"{where}: no submission of {row.student!r} in {submissions} (students: {known})")
        if row.check.lower() != TOTAL and not ({row.check, f"{assignment.id}.{row.check}"} & ids):
            raise OverridesError(f"{where}: {assignment.id} has no check {row.check!r} (ids look like "
                                 f"{next(iter(sorted(ids)), 'none')}; use `total` for the whole submission)")


def write_student_files(result: SubmissionResult, folder: ReportsFolder) -> None:
    """The student's files, the JSON record first. A report that cannot be written is said on
    stderr and the class goes on: one student's files never stop everyone else's."""
    write_result_json(result, folder.record(result.student))
    for write in (lambda: write_gradescope_json(result, folder.gradescope(result.student)),
                  lambda: write_student_report(result, folder.root, audience="instructor"),
                  lambda: write_student_report(result, folder.student_copy().root, audience="student")):
        try:
            write()
        except Exception as exc:  # noqa: BLE001
            print(f"grader: could not write a report of {result.student} (an error in the grader, please "
                  f"report it): {type(exc).__name__}: {exc}", file=sys.stderr)
