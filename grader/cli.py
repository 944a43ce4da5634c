"""``grader``: the command line.

    grader grade SUBMISSIONS -a cnn-numpy -o reports/   an instructor grades a class
    grader grade SUBMISSIONS -a cnn-numpy --dask local  ... on a Dask cluster (or --dask tcp://host:8786)
    grader check my_notebook.ipynb -a cnn-numpy         a student checks their own work (public checks)
    grader ci -a cnn-numpy --pass-mark 60               CI grades the repository it runs in
    grader init-ci -a cnn-numpy                         writes that CI workflow into a repository
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Iterator

from grader.discovery import discover, open_submission, with_file_times
from grader.errors import AuthorError, GraderError
from grader.export import write_gradescope_json, write_junit_xml, write_result_json, write_summary_csv
from grader.report import write_student_report, write_summary
from grader.results import SubmissionResult
from grader.runner import grade_class
from grader.sandbox import FALLBACK_ENV
from grader.similarity import near_duplicates
from grader.source_view import write_submission_view
from grader.spec import Assignment, find_assignment, load_assignment

def _assignment(name: str | None) -> Assignment:
    if name is None:
        base = Path(__file__).resolve().parent.parent / "assignments"
        known = sorted(p.parent.name for p in base.glob("*/assignment.toml"))
        if len(known) != 1:
            raise AuthorError(f"say which assignment with -a (one of: {', '.join(known)})")
        name = known[0]
    return load_assignment(find_assignment(name))


def _prefer(assignment: Assignment) -> tuple[str, ...]:
    return (assignment.starter.name,) if assignment.starter else ()


def cmd_grade(args: argparse.Namespace) -> int:
    from grader.journal import Journal
    assignment = _assignment(args.assignment)
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    journal = Journal(out, assignment)
    with tempfile.TemporaryDirectory(prefix="grader-unpack-") as workdir:
        entries = discover(Path(args.submissions), workdir=Path(workdir), prefer=_prefer(assignment))
        if not entries:
            print(f"no submissions found in {args.submissions}", file=sys.stderr)
            return 2
        if assignment.late is not None and assignment.late.file_times:
            entries = with_file_times(entries)
        reused, todo = ([], entries) if args.regrade else journal.split(entries)
        if reused:
            print(f"{len(reused)} of {len(entries)} submissions are unchanged since {journal.path} recorded "
                  "them: their results are reused (--regrade grades everyone again)")
        by_student = {e.student: e for e in entries}
        results = list(reused)
        try:
            for result in _grade_with_progress(assignment, todo, args.jobs, hidden=[Path(args.submissions)],
                                               dask=args.dask):
                entry = by_student[result.student]
                journal.record(entry, result)                          # on disk before the next one
                if entry.problem is None:   # only a regular file inside the submission is ever shown
                    write_submission_view(entry.path, entry.student, entry.sha256, out,
                                          root=entry.root or entry.origin)
                _write_student_files(result, out)
                results.append(result)
        finally:
            journal.close()
        journal.compact(entries, {r.student: r for r in results})
        duplicates = near_duplicates(((e.student, e.path) for e in entries if e.problem is None),
                                     starter=assignment.starter)
    results.sort(key=lambda r: r.student)
    for result in reused:
        _write_student_files(result, out)
    write_summary_csv(results, out / "grades.csv")
    write_junit_xml(results, out / "junit.xml")
    index = write_summary(results, out, duplicates)
    _print_table(assignment, results)
    print(f"\nreports: {index}")
    return _broken_checks_said(results)


def _broken_checks_said(results: list[SubmissionResult]) -> int:
    """3 (the author's problem) when a check broke by the assignment's fault or ours, after saying
    which on stderr; else 0. The students keep their points either way."""
    broken = {c.check.id for r in results for c in r.grader_faults}
    if not broken:
        return 0
    print(f"grader: {len(broken)} check(s) broke on the reference solution too and were left out of the points "
          f"possible: {', '.join(sorted(broken))}. Fix the suite or reference and grade again with --regrade.",
          file=sys.stderr)
    return 3


def _write_student_files(result: SubmissionResult, out: Path) -> None:
    """The student's files, the JSON record first. A report that cannot be written is said on
    stderr and the class goes on: one student's files never stop everyone else's."""
    write_result_json(result, out / f"{result.student}.json")
    for write in (lambda: write_gradescope_json(result, out / "gradescope" / result.student / "results.json"),
                  lambda: write_student_report(result, out, audience="instructor"),
                  lambda: write_student_report(result, out / "student", audience="student")):
        try:
            write()
        except Exception as exc:  # noqa: BLE001
            print(f"grader: could not write a report of {result.student} (an error in the grader, please "
                  f"report it): {type(exc).__name__}: {exc}", file=sys.stderr)


def _grade_with_progress(assignment: Assignment, entries, jobs: int, hidden,
                         dask: str | None = None) -> Iterator[SubmissionResult]:
    if not entries:
        return
    from tqdm import tqdm
    with tqdm(total=len(entries), unit="submission", disable=not sys.stderr.isatty() and "GRADER_PROGRESS" not in os.environ) as bar:
        # isolate: even with one job, the class is graded in a process of its own session, which
        # student code that kills its grading process (or that process's group) cannot reach past
        for result in grade_class(assignment, entries, jobs=jobs, hidden=hidden, dask=dask, isolate=True):
            bar.set_postfix_str(f"{result.student}: {result.percent:.0f}%")
            bar.update()
            yield result


def _print_table(assignment: Assignment, results: list[SubmissionResult]) -> None:
    width = max(len(r.student) for r in results)
    print(f"{'student':<{width}}  {'score':>14}  time")
    for r in results:
        print(f"{r.student:<{width}}  {r.earned:6.1f} / {r.possible:<5.1f}  {r.duration_s:5.1f}s"
              + (f"  ({r.load_error.splitlines()[0][:60]})" if r.load_error else ""))


def cmd_check(args: argparse.Namespace) -> int:
    from grader.terminal import Paint, check_summary, colour_enabled
    os.environ.setdefault(FALLBACK_ENV, "rlimits")   # the student's own machine: a weaker sandbox is theirs to accept
    assignment = _assignment(args.assignment)
    with tempfile.TemporaryDirectory(prefix="grader-unpack-") as workdir:
        entry = open_submission(Path(args.file), workdir=Path(workdir), prefer=_prefer(assignment))
        (result,) = list(grade_class(assignment, [entry], jobs=1, public_only=True))
    paint = Paint(colour_enabled(args.color, sys.stdout, os.environ))
    print(check_summary(result, sum(1 for c in assignment.checks if c.hidden), paint))
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    print(f"report: {write_student_report(result, out, audience='student')}")
    if result.grader_faults:
        return _broken_checks_said([result])
    return 0 if all(c.passed for ex in result.exercises for c in ex.checks) else 1


def cmd_ci(args: argparse.Namespace) -> int:
    from grader import ci
    os.environ.setdefault(FALLBACK_ENV, "rlimits")   # the student's own repository and runner
    assignment = _assignment(args.assignment)
    repo = Path(args.path).resolve()
    with tempfile.TemporaryDirectory(prefix="grader-unpack-") as workdir:
        entry = open_submission(repo / args.file if args.file else repo, workdir=Path(workdir),
                                prefer=_prefer(assignment))
        (result,) = list(grade_class(assignment, [entry], jobs=1, public_only=True))
        graded = entry.path
        shown_as = os.path.relpath(graded, repo) if graded.is_relative_to(repo) else graded.name
        for line in ci.annotations(result, graded, shown_as):
            print(line)
    ci.append_summary(ci.job_summary(result, assignment.title, args.pass_mark), os.environ, sys.stdout)
    ci.write_outputs(result, args.pass_mark, os.environ, sys.stdout)
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    write_student_report(result, out, audience="student")
    return 0 if result.percent >= args.pass_mark else 1


def cmd_init_ci(args: argparse.Namespace) -> int:
    from grader import ci
    assignment = _assignment(args.assignment)
    path = Path(args.path) / ".github" / "workflows" / "grader.yml"
    if path.exists() and not args.force:
        print(f"{path} exists; --force replaces it", file=sys.stderr)
        return 2
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ci.workflow(assignment.id, args.pass_mark, args.install, args.classroom), encoding="utf-8")
    print(f"wrote {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="grader", description="Grade deep-learning homework against reference implementations.")
    commands = parser.add_subparsers(dest="command", required=True)
    grade = commands.add_parser("grade", help="grade a folder of submissions")
    grade.add_argument("submissions", help="folder with one .py/.ipynb/folder/zip per student")
    grade.add_argument("-a", "--assignment", help="assignment id (e.g. cnn-numpy) or folder")
    grade.add_argument("-o", "--output", default="reports", help="where reports go (default: reports/)")
    grade.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                       help="submissions graded at once (default: number of cores)")
    grade.add_argument("--dask", metavar="ADDRESS",
                       help="grade on a Dask cluster: a scheduler address (tcp://host:8786), or `local` "
                            "for a local cluster of --jobs workers")
    grade.add_argument("--regrade", action="store_true",
                       help="grade every submission again, even those the journal says are unchanged")
    grade.set_defaults(run=cmd_grade)
    check = commands.add_parser("check", help="check your own work against the public checks")
    check.add_argument("file", help="your notebook or module")
    check.add_argument("-a", "--assignment", help="assignment id (e.g. cnn-numpy) or folder")
    check.add_argument("-o", "--output", default=".", help="where the HTML report goes (default: here)")
    check.add_argument("--color", "--colour", choices=["auto", "always", "never"], default="auto",
                       help="colour the summary (default auto: on a terminal, unless NO_COLOR is set)")
    check.set_defaults(run=cmd_check)
    ci = commands.add_parser("ci", help="grade the repository this runs in (GitHub Actions summary, annotations, outputs)")
    ci.add_argument("-a", "--assignment", help="assignment id (e.g. cnn-numpy) or folder")
    ci.add_argument("--path", default=".", help="the repository (default: here)")
    ci.add_argument("--file", help="the submission inside it (default: found like a submission folder)")
    ci.add_argument("--pass-mark", type=float, default=100.0, help="percent of the public points to pass (default 100)")
    ci.add_argument("-o", "--output", default="grader-report", help="where the HTML report goes")
    ci.set_defaults(run=cmd_ci)
    init = commands.add_parser("init-ci", help="write a GitHub Actions workflow that runs `grader ci` on every push")
    init.add_argument("-a", "--assignment", help="assignment id (e.g. cnn-numpy) or folder")
    init.add_argument("--path", default=".", help="the student repository template (default: here)")
    init.add_argument("--pass-mark", type=float, default=100.0)
    init.add_argument("--install", default="grader", help="what `pip install` is given to get the grader")
    init.add_argument("--force", action="store_true", help="replace an existing workflow")
    init.add_argument("--classroom", action="store_true",
                      help="add GitHub Classroom's autograding reporter, which records the points in Classroom")
    init.set_defaults(run=cmd_init_ci)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except AuthorError as exc:
        print(f"grader: problem in the assignment (course author): {exc}", file=sys.stderr)
        return 3
    except GraderError as exc:
        print(f"grader: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
