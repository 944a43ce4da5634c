"""The results journal: what has been graded, so that a re-run grades only what changed.

``grader grade`` appends one line to ``<reports>/journal.jsonl`` as each submission finishes, and
flushes it to disk, so a run that is killed loses at most the submissions in flight. The next run
reads the journal and reuses the result of every submission whose :func:`key` is unchanged.

A key is everything a result depends on: the submission's bytes (sha256), its student id and
submission time (the late penalty), which checks ran (all, or public only), the assignment's id and
version, digests of the code that grades it (assignment.toml, the reference, the suite and its
sibling modules, and the grader package itself), and the versions of Python and of the packages
that compute the numbers (numpy, torch, hypothesis). Editing a suite without bumping the assignment
version therefore still regrades everyone; the grader never serves a result that the current code
might not give.

Lines that cannot be read (a run killed mid-write) are skipped; a later line for the same
submission replaces an earlier one.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Iterable

from grader import __version__
from grader.discovery import SubmissionFile
from grader.export import result_from_dict, result_to_dict
from grader.layout import JOURNAL
from grader.results import SubmissionResult
from grader.spec import Assignment

FILE_NAME = JOURNAL


def _digest(paths: Iterable[Path]) -> str:
    h = hashlib.sha256()
    for path in sorted(set(paths)):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def grading_digest(assignment: Assignment) -> dict[str, str]:
    """Digests of what decides a grade besides the submission: the assignment's spec, reference
    and suite (with the modules next to it that share its name), and the grader's own code."""
    suite = assignment.suite
    siblings = [p for p in suite.parent.glob(f"{suite.stem}*.py")]
    package = Path(__file__).resolve().parent
    return {
        "assignment": _digest([assignment.root / "assignment.toml"]),
        "reference": _digest([assignment.reference]),
        "suite": _digest([suite, *siblings]),
        "grader": _digest([*package.glob("*.py"), *package.glob("templates/*")]),
    }


def environment() -> dict[str, str]:
    """The versions a grade's numbers depend on besides our code: a new torch may round differently."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"
    return {"python": platform.python_version(),
            **{name: installed(name) for name in ("numpy", "torch", "hypothesis")}}


class Journal:
    """The journal of one reports folder for one assignment and scope."""

    def __init__(self, folder: Path, assignment: Assignment, *, public_only: bool = False):
        self.path = Path(folder) / FILE_NAME
        self.context = {"assignment": assignment.id, "assignment_version": assignment.version,
                        "grader_version": __version__, "public_only": public_only,
                        "digests": grading_digest(assignment), "environment": environment()}
        self._file: Any = None

    def key(self, entry: SubmissionFile) -> dict[str, Any]:
        return {**self.context, "student": entry.student, "sha256": entry.sha256,
                "submitted_at": entry.submitted_at}

    def recorded(self) -> dict[str, SubmissionResult]:
        """Results in the journal by the JSON of their key; unreadable lines are skipped."""
        found: dict[str, SubmissionResult] = {}
        if not self.path.exists():
            return found
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
                found[_canonical(record["key"])] = result_from_dict(record["result"])
            except (ValueError, KeyError, TypeError):
                continue
        return found

    def split(self, entries: list[SubmissionFile]) -> tuple[list[SubmissionResult], list[SubmissionFile]]:
        """(results that can be reused, entries that must be graded)."""
        recorded = self.recorded()
        reused, todo = [], []
        for entry in entries:
            result = recorded.get(_canonical(self.key(entry)))
            if result is not None:
                reused.append(result)
            else:
                todo.append(entry)
        return reused, todo

    def record(self, entry: SubmissionFile, result: SubmissionResult) -> None:
        """Append ``result`` and make sure it is on disk before returning."""
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self.path, "a", encoding="utf-8")
        self._file.write(self._line(entry, result))
        self._file.flush()
        os.fsync(self._file.fileno())

    def compact(self, entries: list[SubmissionFile], results: dict[str, SubmissionResult]) -> None:
        """Rewrite the journal with one line per current submission (``results`` by student), so
        it does not grow with every run or keep submissions that are gone."""
        self.close()
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as out:
            out.writelines(self._line(entry, results[entry.student]) for entry in entries if entry.student in results)
        os.replace(tmp, self.path)

    def _line(self, entry: SubmissionFile, result: SubmissionResult) -> str:
        return json.dumps({"key": self.key(entry), "result": result_to_dict(result)},
                          ensure_ascii=False, allow_nan=False, sort_keys=True) + "\n"

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _canonical(key: dict[str, Any]) -> str:
    return json.dumps(key, sort_keys=True)
