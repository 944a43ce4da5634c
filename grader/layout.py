"""Where each file of a graded class lies in the reports folder (``grader grade -o``): the one place
that decides it. Report writers, the source view, the journal and the CLI ask here.

    index.html  grades.csv  junit.xml  journal.jsonl        the class
    <student>.html  <student>.json                          the instructor's report and the record
    student/<student>.html                                  the report to hand to the student
    submissions/<student>.html                              the submission as handed in
    gradescope/<student>/results.json                       Gradescope's results format

Student ids never collide with these names: discovery gives an id that would a trailing "_"
(:data:`RESERVED_IDS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from grader.errors import InternalError

INDEX, GRADES, JUNIT, JOURNAL = "index.html", "grades.csv", "junit.xml", "journal.jsonl"
SUBMISSIONS, STUDENT, GRADESCOPE = "submissions", "student", "gradescope"

# Names at the top of the reports folder that a student id must not take.
RESERVED_IDS = frozenset({Path(INDEX).stem, Path(GRADES).stem, Path(JUNIT).stem, Path(JOURNAL).stem,
                          SUBMISSIONS, STUDENT, GRADESCOPE})


def report_filename(student: str) -> str:
    """``<student>.html``; refuses a name that would land outside the report folder."""
    if not student or student in (".", "..") or any(c in student for c in "/\\\0"):
        raise InternalError(f"student name {student!r} cannot be a report file name; please report "
                            f"this with the submission's folder layout")
    return f"{student}.html"


@dataclass(frozen=True)
class ReportsFolder:
    root: Path

    @property
    def index(self) -> Path:
        return self.root / INDEX

    @property
    def grades(self) -> Path:
        return self.root / GRADES

    @property
    def junit(self) -> Path:
        return self.root / JUNIT

    @property
    def journal(self) -> Path:
        return self.root / JOURNAL

    def report(self, student: str) -> Path:
        return self.root / report_filename(student)

    def record(self, student: str) -> Path:
        return self.root / f"{Path(report_filename(student)).stem}.json"

    def student_copy(self) -> "ReportsFolder":
        """The folder of reports meant for students (no instructor-only detail)."""
        return ReportsFolder(self.root / STUDENT)

    def gradescope(self, student: str) -> Path:
        return self.root / GRADESCOPE / Path(report_filename(student)).stem / "results.json"

    def submission_view(self, student: str) -> Path:
        return self.root / SUBMISSIONS / report_filename(student)

    def submission_href(self, student: str) -> str | None:
        """The link from a report in this folder to the submission as handed in, when that page exists."""
        if not self.submission_view(student).exists():
            return None
        return f"{SUBMISSIONS}/{quote(report_filename(student))}"
