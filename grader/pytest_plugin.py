"""pytest adapter: ``pytest --grade my_notebook.ipynb --assignment cnn-numpy``.

Each check of the assignment becomes one pytest item, so pytest's reporting, ``-k`` selection and
``--junitxml`` work on a grading run. It is a thin layer: the submission is graded once by the
same path as ``grader check`` (:func:`grader.pipeline.grade_one`), and each item reports its check's result. State
lives in ``config.stash``. Without ``--grade`` the plugin does nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.results import CheckResult, SubmissionResult
from grader.spec import Assignment


# The engine is imported only when --grade is given: a plain `pytest` run pays nothing for it.

_result_key = pytest.StashKey[SubmissionResult]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("grader", "grade a submission with grader")
    group.addoption("--grade", metavar="FILE", help="grade this notebook, module, folder or zip")
    group.addoption("--assignment", metavar="ID", help="assignment id or folder (for --grade)")
    group.addoption("--public-only", action="store_true", help="run public checks only (for --grade)")


class CheckFailure(Exception):
    """A failed check, shown by pytest with the check's own message."""


class CheckItem(pytest.Item):
    def __init__(self, *, check_id: str, **kwargs):
        super().__init__(**kwargs)
        self.check_id = check_id

    def runtest(self) -> None:
        result = _graded(self.config)
        check = next(c for e in result.exercises for c in e.checks if c.check.id == self.check_id)
        if not check.passed:
            raise CheckFailure(check)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CheckFailure):
            check: CheckResult = excinfo.value.args[0]
            lines = [f"{check.status.value}: {check.message}"]
            if check.counterexample:
                lines += [f"  {k}: {v}" for k, v in check.counterexample.inputs]
            return "\n".join(lines)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, f"{self.check_id}"


class SubmissionCollector(pytest.Collector):
    def collect(self):
        assignment = self.config.stash[_assignment_key]
        public_only = self.config.getoption("public_only")
        for check in assignment.checks:
            if not (public_only and check.hidden):
                yield CheckItem.from_parent(self, name=check.id, check_id=check.id)


_assignment_key = pytest.StashKey[Assignment]()


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """With --grade, the checks are the only items: the folder's own test files are not collected
    (their skips, say a browser test's where there is no browser, would count in the grading run)."""
    return True if config.getoption("grade") else None


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list) -> None:
    target = config.getoption("grade")
    if not target:
        return
    name = config.getoption("assignment")
    if not name:
        raise pytest.UsageError("--grade needs --assignment (an assignment id such as cnn-numpy)")
    from grader.spec import find_assignment, load_assignment
    config.stash[_assignment_key] = load_assignment(find_assignment(name))
    collector = SubmissionCollector.from_parent(session, name=str(target), path=Path(target).resolve())
    items[:] = list(collector.collect())


def _graded(config: pytest.Config) -> SubmissionResult:
    if _result_key not in config.stash:
        from grader.pipeline import grade_one   # the same path as `grader check`: the same file is graded
        config.stash[_result_key] = grade_one(config.stash[_assignment_key], Path(config.getoption("grade")),
                                              public_only=config.getoption("public_only"))
    return config.stash[_result_key]
