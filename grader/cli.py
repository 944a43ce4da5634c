"""``grader``: the command line.

    grader grade SUBMISSIONS -a cnn-numpy -o reports/   an instructor grades a class
    grader grade SUBMISSIONS -a cnn-numpy --dask local  ... on a Dask cluster (or --dask tcp://host:8786)
    grader check my_notebook.ipynb -a cnn-numpy         a student checks their own work (public checks)
    grader ci -a cnn-numpy --pass-mark 60               CI grades the repository it runs in
    grader init-ci -a cnn-numpy                         writes that CI workflow into a repository
    grader new sparse-autoencoder                       scaffolds an assignment from reference/sparse_autoencoder.py
    grader record -a cnn-numpy                          draws every check's inputs once (grade does it when stale)
    grader release -a cnn-numpy -o dist                 what students receive (a self-check without the solutions)
                                                        and Gradescope's autograder
"""

from __future__ import annotations

import argparse
import atexit
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from grader.errors import AuthorError, GraderError
from grader.spec import Assignment, find_assignment, load_assignment

# The grading code (numpy, hypothesis, nbformat, the sandbox) is imported by the commands that
# use it: `grader grade` starts the forkserver of its grading processes before it imports any of
# it (grader.processes), so that the two import at once.
if TYPE_CHECKING:
    from grader.discovery import SubmissionFile
    from grader.results import SubmissionResult


def _assignment(name: str | None) -> Assignment:
    if name is None:
        # a student's bundle (grader release): the assignment it holds, found from where they work
        bundled = sorted(Path.cwd().glob(".grader/*/assignment.toml"))
        if len(bundled) == 1:
            return load_assignment(bundled[0].parent)
        base = Path(__file__).resolve().parent.parent / "assignments"
        known = sorted(p.parent.name for p in base.glob("*/assignment.toml"))
        if len(known) != 1:
            raise AuthorError(f"say which assignment with -a (one of: {', '.join(known)})")
        name = known[0]
    return load_assignment(find_assignment(name))


def cmd_grade(args: argparse.Namespace) -> int:
    if args.dask is None:
        from grader.processes import start_early
        start_early()
    from grader.devices import DeviceUnavailable, choose
    from grader.pipeline import grade_folder
    assignment = _assignment(args.assignment)
    try:
        device = choose(args.device, uses_torch="torch" in _warm(assignment), allowed=assignment.gpu)
    except DeviceUnavailable as exc:
        print(f"grader: {exc}", file=sys.stderr)
        return 2
    if device != "cpu":
        print(f"students' torch code runs on {device}; the reference on the CPU", file=sys.stderr)
    run = grade_folder(assignment, Path(args.submissions), Path(args.output), jobs=args.jobs, dask=args.dask,
                       regrade=args.regrade, progress=_progress, live=args.live, only=args.only or (),
                       overrides=Path(args.overrides) if args.overrides else None, device=device)
    if run is None:
        print(f"no submissions found in {args.submissions}", file=sys.stderr)
        return 2
    _print_table(assignment, run.results)
    print(f"\nreports: {run.folder.index}")
    return _broken_checks_said(run.results)


def _warm(assignment: Assignment) -> tuple[str, ...]:
    """The packages the assignment's workers import first (torch: its students' code is torch)."""
    from grader.sandbox import warm_imports
    return assignment.release.warm if assignment.release is not None else warm_imports(assignment.reference, assignment.suite)


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


def _progress(results: Iterator[SubmissionResult], total: int) -> Iterator[SubmissionResult]:
    from tqdm import tqdm
    with tqdm(total=total, unit="submission",
              disable=not sys.stderr.isatty() and "GRADER_PROGRESS" not in os.environ) as bar:
        for result in results:
            bar.set_postfix_str(f"{result.student}: {result.percent:.0f}%")
            bar.update()
            yield result


def _print_table(assignment: Assignment, results: list[SubmissionResult]) -> None:
    """One line per student: the score, and where a late penalty or an override changed it, what
    changed it and the final points (the number that goes to the gradebook)."""
    width = max(len(r.student) for r in results)
    print(f"{'student':<{width}}  {'score':>14}  {'final':>6}  time")
    for r in results:
        said = [f"late {r.late_penalty_percent:g} %"] if r.late_penalty_percent else []
        said += [f"{what} set by {o.who}" for what, o in r.overrides]
        if r.load_error:
            said.append(r.load_error.splitlines()[0][:60])
        print(f"{r.student:<{width}}  {r.earned:6.1f} / {r.possible:<5.1f}  {r.final:6.1f}  {r.duration_s:5.1f}s"
              + (f"  ({'; '.join(said)})" if said else ""))


def cmd_record(args: argparse.Namespace) -> int:
    from grader.cases import load_scripts, scripts_file, summary
    from grader.pipeline import record_cases
    assignment = _assignment(args.assignment)
    recorded = record_cases(assignment, force=True)
    assert recorded is not None
    for line in summary(recorded):
        print(line)
    path = scripts_file(assignment, recorded.key)
    scripts = load_scripts(path) or {}
    print(f"scripts (the reference's requests, sent ahead for each grading process's first submission): "
          f"{len(scripts)} of {len(recorded.cases)} recorded checks, in {path}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from grader.pipeline import grade_one
    from grader.report import write_student_report
    from grader.sandbox import FALLBACK_ENV
    from grader.terminal import Paint, check_summary, colour_enabled
    os.environ.setdefault(FALLBACK_ENV, "rlimits")   # the student's own machine: a weaker sandbox is theirs to accept
    assignment = _assignment(args.assignment)
    result = grade_one(assignment, Path(args.file), public_only=True)
    paint = Paint(colour_enabled(args.color, sys.stdout, os.environ))
    hidden = assignment.release.hidden_checks if assignment.release else sum(1 for c in assignment.checks if c.hidden)
    print(check_summary(result, hidden, paint))
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    print(f"report: {write_student_report(result, out, audience='student')}")
    if args.json:
        from grader.export import write_result_json
        write_result_json(result, Path(args.json))
    if result.grader_faults:
        return _broken_checks_said([result])
    return 0 if all(c.passed or not c.counts for ex in result.exercises for c in ex.checks) else 1


def cmd_ci(args: argparse.Namespace) -> int:
    from grader import ci
    from grader.pipeline import grade_one
    from grader.report import write_student_report
    from grader.sandbox import FALLBACK_ENV
    os.environ.setdefault(FALLBACK_ENV, "rlimits")   # the student's own repository and runner
    assignment = _assignment(args.assignment)
    repo = Path(args.path).resolve()

    def annotate(entry: SubmissionFile, result: SubmissionResult) -> None:
        graded = entry.path
        shown_as = os.path.relpath(graded, repo) if graded.is_relative_to(repo) else graded.name
        for line in ci.error_annotations(result, graded, shown_as):
            print(line)
    result = grade_one(assignment, repo / args.file if args.file else repo, public_only=True, then=annotate)
    ci.append_summary(ci.job_summary(result, assignment.title, args.pass_mark), os.environ, sys.stdout)
    ci.write_outputs(result, args.pass_mark, os.environ, sys.stdout)
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    write_student_report(result, out, audience="student")
    return 0 if result.percent >= args.pass_mark else 1


def cmd_init_ci(args: argparse.Namespace) -> int:
    from grader import ci
    from grader.release import warm_of
    assignment = _assignment(args.assignment)
    path = Path(args.path) / ".github" / "workflows" / "grader.yml"
    if path.exists() and not args.force:
        print(f"{path} exists; --force replaces it", file=sys.stderr)
        return 2
    torch = "torch" in warm_of(assignment)
    if assignment.release is not None:   # in a student bundle: the grader comes from its own wheel
        (wheel,) = [p.name for p in (assignment.root.parent / "wheels").glob("*.whl")]
        install, which = ci.bundle_install(wheel, torch), None
    elif args.install:
        install, which = ([ci.TORCH_CPU] if torch else []) + [f"python -m pip install {args.install}"], assignment.id
    else:
        print("say where CI gets the grader: --install with a pinned wheel (a path in the repository or a URL), "
              "never a bare name from the package index; or run this in a student bundle (grader release), "
              "whose workflow installs its own wheel", file=sys.stderr)
        return 2
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ci.workflow(args.pass_mark, install, which, args.classroom), encoding="utf-8")
    print(f"wrote {path}")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from grader.scaffold import scaffold
    project = Path(args.project) if args.project else Path(__file__).resolve().parent.parent
    reference = Path(args.reference) if args.reference else project / "reference" / f"{args.id.replace('-', '_')}.py"
    for path in scaffold(project, args.id, reference, title=args.title):
        print(f"wrote {path}")
    print("next: write each check in the suite, add mutants and alternatives, then `make test` "
          "(docs/authoring.md)")
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from grader.release import build_wheel, gradescope_autograder, student_bundle
    assignment = _assignment(args.assignment)
    out = Path(args.output)
    import shutil
    import tempfile
    with tempfile.TemporaryDirectory(prefix="grader-wheel-") as build:
        wheel = build_wheel(Path(build))
        student_bundle(assignment, out, wheel=wheel)
        gradescope_autograder(assignment, out, wheel=wheel)
    shutil.rmtree(out / f"{assignment.id}-gradescope")   # the zip is what Gradescope takes
    return 0


def cmd_gradescope(args: argparse.Namespace) -> int:
    """Gradescope's run_autograder: every check on the submission, into results.json."""
    from grader.export import write_gradescope_json
    from grader.pipeline import grade_one
    from grader.sandbox import FALLBACK_ENV
    os.environ.setdefault(FALLBACK_ENV, "rlimits")   # a container that may not allow bubblewrap: student code as nobody
    assignment = _assignment(args.assignment)
    result = grade_one(assignment, Path(args.submission), public_only=False)
    write_gradescope_json(result, Path(args.results))
    print(f"{result.student}: {result.earned:g} / {result.possible:g}")
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
    grade.add_argument("--only", nargs="+", metavar="STUDENT",
                       help="grade only these students again (their names as in the reports); everyone else's "
                            "result comes from the journal of the last run")
    grade.add_argument("--overrides", metavar="FILE",
                       help="a CSV of manual adjustments (columns student, check, points, reason, who; check is a "
                            "check id or `total`), shown with their reason on every report and export")
    grade.add_argument("--device", choices=["cpu", "cuda", "auto"], default="cpu",
                       help="where students' torch code runs (default cpu); cuda: on the GPU, compared with the "
                            "reference on the CPU at the GPU's tolerance; auto: cuda for a torch assignment when "
                            "a GPU is there")
    grade.add_argument("--live", action="store_true",
                       help="draw every check's inputs again for every student instead of replaying the recorded "
                            "cases (the same verdicts, several times slower; to compare the two)")
    grade.set_defaults(run=cmd_grade)
    record = commands.add_parser("record", help="draw every check's inputs once and record them with the assignment "
                                               "(done by `grade` when they are stale)")
    record.add_argument("-a", "--assignment", help="assignment id (e.g. cnn-numpy) or folder")
    record.set_defaults(run=cmd_record)
    check = commands.add_parser("check", help="check your own work against the public checks")
    check.add_argument("file", help="your notebook or module")
    check.add_argument("-a", "--assignment", help="assignment id (e.g. cnn-numpy) or folder")
    check.add_argument("-o", "--output", default=".", help="where the HTML report goes (default: here)")
    check.add_argument("--json", metavar="FILE", help="also write the result as JSON (every check's status and message)")
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
    init.add_argument("--install", help="what `pip install` is given to get the grader: a pinned wheel (path or URL); "
                                        "not needed in a student bundle, which installs its own")
    init.add_argument("--force", action="store_true", help="replace an existing workflow")
    init.add_argument("--classroom", action="store_true",
                      help="add GitHub Classroom's autograding reporter, which records the points in Classroom")
    init.set_defaults(run=cmd_init_ci)
    release = commands.add_parser("release", help="build what students receive: the starter, the README and a "
                                                 "self-check with the public checks and no solutions")
    release.add_argument("-a", "--assignment", help="assignment id (e.g. cnn-numpy) or folder")
    release.add_argument("-o", "--output", default="dist", help="where the bundles go (default: dist/)")
    release.set_defaults(run=cmd_release)
    gradescope = commands.add_parser("gradescope", help="Gradescope's run_autograder step: grade one submission on "
                                                       "every check into results.json (grader release writes it)")
    gradescope.add_argument("submission", help="the submission: a file or a folder (/autograder/submission)")
    gradescope.add_argument("-a", "--assignment", help="assignment id (e.g. cnn-numpy) or folder")
    gradescope.add_argument("--results", default="/autograder/results/results.json", help="where results.json goes")
    gradescope.set_defaults(run=cmd_gradescope)
    new = commands.add_parser("new", help="scaffold a new assignment from its reference (toml, starter, suite, variants)")
    new.add_argument("id", help="the new assignment's id, e.g. sparse-autoencoder")
    new.add_argument("--reference", help="its reference module (default: reference/<id with _>.py)")
    new.add_argument("--title", help="the title students see (default: the id)")
    new.add_argument("--project", help="the grader project to write into (default: this one)")
    new.set_defaults(run=cmd_new)
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


def run() -> None:
    """The ``grader`` command: :func:`main`, then an exit that leaves out tearing the interpreter
    down. By then every file the command wrote is closed, and the exit handlers (the pool's, the
    temporary folders', the forkserver's) run as they would; what is left out is freeing hundreds
    of modules (numpy, hypothesis, jinja2...) one object at a time, a tenth of a second or more of
    every run that the process's exit does at once."""
    code = main()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - a closed pipe: nothing more can be said there
            pass
    os._exit(code)


if __name__ == "__main__":
    run()
