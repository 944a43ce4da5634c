"""What every assignment's suite must show, written once: it can pass and it can fail.

A test file subclasses :class:`SuiteContract` and says which assignment it is about::

    class TestSuiteContract(SuiteContract):
        subject = Subject("seq-models", variants.seq_models, reference="reference.seq_models")

and gets, run in this process on :class:`grader.submission.LocalSubmission` (trusted code, called
directly), these tests:

- the points add up to 100 and every exercise has a public check;
- the reference scores full marks;
- every check is named by some mutant, and each mutant fails the checks it names (only those are
  run for it);
- (slow) graded on every check, a mutant loses points only on the checks it names and those its
  fault touches: one mistake is charged where it is, not again by the checks of other exercises;
- every alternative correct implementation scores full marks;
- a submission of the starter's stubs earns nothing;
- a mutant differs from the reference exactly where it says;
- the starter defines every name with the reference's parameters.

Grading here runs torch in one thread, as workers do (OMP_NUM_THREADS=1): on a busy 2-core machine
the default thread pool makes tiny recurrent models train many times slower.
"""

from __future__ import annotations

import ast
import functools
import html
import importlib
import inspect
import types
from functools import cached_property
from pathlib import Path
from typing import Any

import nbformat
import pytest

from grader.checks import run_check
from grader.results import CheckResult
from grader.spec import find_assignment, load_assignment
from grader.submission import LocalSubmission
from grader.suite import load_suite

from . import Variant, build_variant, load_variant, top_level_spans

__all__ = ["Subject", "SuiteContract", "internals_in", "report", "student_facing_internals"]

ROOT = Path(__file__).resolve().parents[2]
REFERENCE_FOLDER = ROOT / "reference"


class Subject:
    """One assignment under test: its spec, suite, reference and variants."""

    def __init__(self, assignment_id: str, variants: types.ModuleType, *, reference: str):
        self.assignment = load_assignment(find_assignment(assignment_id))
        self.suite = load_suite(self.assignment)
        self.reference = importlib.import_module(reference)
        self.reference_path = Path(variants.REFERENCE)
        self.mutants: list[Variant] = list(variants.MUTANTS)
        self.alternatives: list[Variant] = list(variants.ALTERNATIVES)
        self.check_ids = {c.id for c in self.assignment.checks}
        self.examples = self.assignment.root / "examples"

    def grade(self, module: types.ModuleType, skip: frozenset[str] = frozenset()) -> list[CheckResult]:
        """Every check of the assignment but those in ``skip``, run in this process on ``module``."""
        submission = LocalSubmission(self.assignment, module, reference=self.reference)
        return [run_check(self.suite, check, submission) for check in self.assignment.checks
                if check.id not in skip]

    @cached_property
    def recorded(self):
        """The assignment's recorded cases (grader.cases), recorded first if they are stale."""
        from grader.cases import ensure
        return ensure(self.assignment, self.suite.functions, self.reference)

    def grade_replaying(self, module: types.ModuleType) -> list[CheckResult]:
        """Every check on ``module``, replaying the recorded cases as grading does (the live engine
        runs only where a replay fails, to shrink)."""
        submission = LocalSubmission(self.assignment, module, reference=self.reference)
        return [run_check(self.suite, check, submission, cases=self.recorded.for_check(check.id) or None)
                for check in self.assignment.checks]

    @cached_property
    def reference_results(self) -> list[CheckResult]:
        """The reference, graded once for every test that looks at it."""
        return self.grade(self.reference)

    def starter_sources(self) -> list[str]:
        """The starter's code: a notebook's code cells, or a module's whole text (CS231n hands out
        layers.py)."""
        path = self.assignment.starter
        if path.suffix == ".py":
            return [path.read_text(encoding="utf-8")]
        return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]

    def starter_module(self) -> types.ModuleType:
        """The starter's imports and definitions (its stubs), as a student who changed nothing
        would submit them."""
        starter = types.ModuleType("starter")
        for source in self.starter_sources():
            for node in ast.parse(source).body:
                if not isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)):
                    continue
                try:   # the course's own package (cs231n.layers) is not importable here: as in a worker
                    exec(compile(ast.Module(body=[node], type_ignores=[]), self.assignment.starter.name, "exec"),
                         starter.__dict__)  # trusted: ours
                except ImportError:   # without it, a failed import costs a load note, not the stubs
                    if not isinstance(node, (ast.Import, ast.ImportFrom)):
                        raise
        return starter


def quoted_internals(subject: Subject, results: list[CheckResult]) -> list[str]:
    """What a student must never read that these results say: a path of the suites or the reference,
    or a line of the suites' code (hypothesis quotes the test function it ran, a traceback its frames)."""
    found = []
    for r in results:
        example = r.counterexample
        texts = [r.message] + ([example.expected or "", example.actual or ""] + [d for _, d in example.inputs]
                               if example is not None else [])
        found += [f"{r.check.id}: {leak}" for text in texts
                  for leak in internals_in(text, subject.assignment, repository=False)]
    return found


def internals_in(text: str, assignment: Any, *, repository: bool = True) -> list[str]:
    """The suites' and the reference's paths, and lines of the suites' code, that ``text`` quotes
    (HTML entities read as the characters they stand for); with ``repository``, any path inside the
    repository too (what a worker sends back never names one). Results graded in this process
    (LocalSubmission) carry tracebacks through grader/submission.py: those are checked without it."""
    text = html.unescape(text)
    suites = assignment.suite.parent
    folders = {suites, REFERENCE_FOLDER, *([ROOT] if repository else [])}
    found = [f"path {folder}" for folder in folders if str(folder) in text]
    found += [repr(marker) for marker in ("tests/suites", "reference/", "hypothesis/") if marker in text]
    found += [f"code {line!r}" for line in map(str.strip, text.splitlines()) if line in _suite_lines(suites)]
    return found


@functools.cache
def _suite_lines(suites: Path) -> frozenset[str]:
    """The suites' lines of code (25 characters or more); not the reference's, which a mutant's own
    traceback quotes as its own code."""
    return frozenset(line.strip() for path in suites.glob("*.py")
                     for line in path.read_text(encoding="utf-8").splitlines() if len(line.strip()) >= 25)


def student_facing_internals(reports: Path, assignment: Any) -> list[str]:
    """What the student-facing files of a graded class (each student's own report, the Gradescope
    results students see, the JUnit file a CI run prints) quote of the suites or the reference."""
    files = [*(reports / "student").glob("*.html"), *(reports / "gradescope").glob("*.json"), reports / "junit.xml"]
    assert files, f"no student-facing files under {reports}"
    return [f"{path.relative_to(reports)}: {leak}" for path in files if path.is_file()
            for leak in internals_in(path.read_text(encoding="utf-8"), assignment)]


def report(results: list[CheckResult]) -> str:
    return "\n\n".join(f"{r.check.id} [{r.status.value}]\n{r.message}" for r in results)


def _definition(source: str, span: tuple[int, int] | None) -> str | None:
    if span is None:
        return None
    return "".join(source.splitlines(keepends=True)[span[0] - 1:span[1]])


class SuiteContract:
    """Subclass as ``Test…`` and set ``subject``; see the module docstring."""

    subject: Subject

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        for argument, variants in (("mutant", self.subject.mutants), ("alternative", self.subject.alternatives)):
            if argument in metafunc.fixturenames:
                metafunc.parametrize(argument, variants, ids=lambda v: v.name)

    @pytest.fixture(autouse=True, scope="class")
    @classmethod
    def one_torch_thread(cls):
        import torch
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        yield
        torch.set_num_threads(threads)

    def test_points_add_up_to_100_and_every_exercise_has_a_public_check(self):
        assignment = self.subject.assignment
        assert sum(c.points for c in assignment.checks) == 100
        for exercise in assignment.exercises:
            assert any(not c.hidden for c in exercise.checks), exercise.id

    def test_the_reference_scores_full_marks(self):
        failed = [r for r in self.subject.reference_results if not r.passed]
        assert not failed, report(failed)

    def test_every_check_is_shown_to_fail_by_some_mutant(self):
        named = {check for mutant in self.subject.mutants for check in mutant.must_fail}
        unproven = sorted(self.subject.check_ids - named)
        assert not unproven, f"no mutant proves these checks can fail: {unproven}"

    def test_a_mutant_fails_the_checks_that_name_its_mistake(self, mutant: Variant):
        subject = self.subject
        assert mutant.must_fail and set(mutant.must_fail) <= subject.check_ids, f"{mutant.name}: unknown check ids"
        # Only the checks it names: they are what is asserted (grading the rest cost minutes).
        results = subject.grade(load_variant(subject.reference_path, mutant),
                                skip=frozenset(subject.check_ids - set(mutant.must_fail)))
        failed = {r.check.id for r in results if not r.passed}
        assert not quoted_internals(subject, results), quoted_internals(subject, results)
        assert set(mutant.must_fail) <= failed, (
            f"{mutant.name} ({mutant.note}) passed {sorted(set(mutant.must_fail) - failed)}\n" + report(results))

    @pytest.mark.slow
    def test_a_mutant_loses_points_only_where_its_fault_touches(self, mutant: Variant):
        """One mistake costs its own checks: graded on everything, the mutant fails no check beyond
        those it names and those its fault touches (Variant.touches)."""
        subject = self.subject
        assert set(mutant.touches) <= subject.check_ids, f"{mutant.name}: unknown check ids in touches"
        results = subject.grade_replaying(load_variant(subject.reference_path, mutant))
        charged = [r for r in results if not r.passed and r.check.id not in {*mutant.must_fail, *mutant.touches}]
        assert not charged, (f"{mutant.name} ({mutant.note}) also loses points on checks its fault does not "
                             f"touch:\n" + report(charged))
        assert not quoted_internals(subject, results), quoted_internals(subject, results)

    def test_an_alternative_correct_solution_scores_full_marks(self, alternative: Variant):
        failed = [r for r in self.subject.grade(load_variant(self.subject.reference_path, alternative))
                  if not r.passed]
        assert not failed, f"{alternative.name} ({alternative.note}):\n" + report(failed)

    def test_the_starter_notebook_earns_nothing(self):
        """Every check can fail: a submission of the starter's stubs (NotImplementedError) passes none."""
        results = self.subject.grade(self.subject.starter_module())
        passed = [r for r in results if r.passed]
        assert not passed, report(passed)
        assert not quoted_internals(self.subject, results), quoted_internals(self.subject, results)

    def test_a_mutant_differs_from_the_reference_only_where_it_says(self):
        path = self.subject.reference_path
        reference = path.read_text()
        reference_spans = top_level_spans(reference)
        for mutant in self.subject.mutants:
            source = build_variant(path, mutant)
            changed = {name for name, span in top_level_spans(source).items()
                       if _definition(source, span) != _definition(reference, reference_spans.get(name))}
            assert changed == set(mutant.replaces), mutant.name

    def test_the_starter_defines_every_name_with_the_reference_signature(self):
        assignment = self.subject.assignment
        code = "\n\n".join(source for source in self.subject.starter_sources() if "def " in source)
        defined = {node.name: node for node in ast.parse(code).body
                   if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
        for name in {n for e in assignment.exercises for n in e.names}:
            node = defined[name]
            if isinstance(node, ast.ClassDef):
                node = next(f for f in node.body if isinstance(f, ast.FunctionDef) and f.name == "__init__")
            expected = [p for p in inspect.signature(getattr(self.subject.reference, name)).parameters
                        if p != "self"]
            assert [a.arg for a in node.args.args if a.arg != "self"] == expected, name
