"""What ``grader check`` prints: a student's summary in the terminal, in colour when it is one.

The messages are the report's messages, word for word; the terminal adds the smallest failing
input and the points. Colour follows the usual conventions: ``--color always|never|auto``; in auto,
``NO_COLOR`` (any non-empty value, https://no-color.org) turns it off, ``FORCE_COLOR`` turns it on,
and otherwise it is on only when standard output is a terminal that is not ``TERM=dumb``.
"""

from __future__ import annotations

from typing import Mapping, TextIO

from grader.results import CheckResult, Status, SubmissionResult

_MARK = {Status.PASSED: "PASS", Status.FAILED: "FAIL", Status.ERROR: "ERROR", Status.TIMEOUT: "TIMEOUT",
         Status.CRASHED: "CRASH", Status.MISSING: "MISSING", Status.NOT_RUN: "NOT RUN",
         Status.GRADER_FAULT: "GRADER", Status.INSTRUCTOR: "LATER"}

# SGR codes: 1 bold, 2 dim, 31 red, 32 green, 33 yellow.
_STATUS_STYLE = {Status.PASSED: "32", Status.FAILED: "31", Status.ERROR: "31", Status.TIMEOUT: "33",
                 Status.CRASHED: "33", Status.MISSING: "2", Status.NOT_RUN: "2",
                 Status.GRADER_FAULT: "35", Status.INSTRUCTOR: "2"}
INDENT = " " * 12


def colour_enabled(choice: str, stream: TextIO, environ: Mapping[str, str]) -> bool:
    """Whether to colour output to ``stream``; ``choice`` is always, never or auto."""
    if choice in ("always", "never"):
        return choice == "always"
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)()) and environ.get("TERM") != "dumb"


class Paint:
    def __init__(self, enabled: bool):
        self.enabled = enabled

    def __call__(self, text: str, sgr: str) -> str:
        return f"\x1b[{sgr}m{text}\x1b[0m" if self.enabled and text else text


def check_summary(result: SubmissionResult, hidden_checks: int, paint: Paint) -> str:
    """The terminal summary of a public-checks run of one submission."""
    lines: list[str] = []
    if result.load_error:
        lines += ["", paint("Your submission could not be loaded:", "1;31"),
                  *("  " + line for line in result.load_error.splitlines()),
                  "  No check could run; each is listed below with its points."]
    skipped = [n for n in result.load_notes if n.what.startswith("skipped")]
    for note in result.load_notes:
        if note not in skipped:
            lines.append(paint(f"note: {note.where}: {note.what}", "33"))
    if skipped:
        lines.append(paint(f"note: {len(skipped)} top-level statements were not run because they are not "
                           "definitions (the report lists them)", "2"))
    for ex in result.exercises:
        score_style = "1;32" if ex.earned == ex.possible else "1"
        lines += ["", paint(ex.exercise.title, "1") + "  " + paint(f"{ex.earned:g} / {ex.possible:g}", score_style)]
        for binding in ex.bindings:
            lines += [f"  note: {note}" for note in binding.notes]
        for check in ex.checks:
            lines += _check_lines(check, paint, said=result.load_error)
    everything = result.earned == result.possible and result.possible > 0
    total = paint(f"public checks: {result.earned:g} / {result.possible:g} points", "1;32" if everything else "1;31")
    tail = f"; {hidden_checks} hidden checks are graded after the deadline" if hidden_checks else ""
    lines += ["", total + tail]
    return "\n".join(lines)


def _check_lines(check: CheckResult, paint: Paint, said: str | None = None) -> list[str]:
    """A check's line, then for a failure its message (unless it is ``said`` already, as the load
    error at the top is) and its smallest failing input."""
    mark = paint(f"[{_MARK[check.status]:>7}]", _STATUS_STYLE[check.status])
    worth = f"{check.check.points:g}" if check.counts else "–"
    lines = [f"  {mark} {check.check.id}  {check.earned:g}/{worth}"]
    lines += [INDENT + paint(f"observed: {seen}", "2") for seen in check.observations]
    if check.passed:
        return lines
    if check.message and check.message != said:
        lines += [INDENT + line for line in check.message.splitlines()]
    cx = check.counterexample
    if cx is not None:
        if cx.inputs:
            lines.append(INDENT + paint("smallest failing input:", "1"))
            lines += _block(f"{name} = {text}" for name, text in cx.inputs)
        if cx.expected is not None:
            lines.append(INDENT + paint("expected:", "1"))
            lines += _block([cx.expected])
        if cx.actual is not None:
            lines.append(INDENT + paint("yours:", "1"))
            lines += _block([cx.actual])
        if cx.picture is not None:
            lines.append(INDENT + paint("(a picture of the difference is in the HTML report)", "2"))
    return lines


def _block(texts) -> list[str]:
    return [INDENT + "  " + line for text in texts for line in text.splitlines()]
