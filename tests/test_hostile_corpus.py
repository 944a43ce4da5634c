"""The hostile corpus (tests/hostile/) graded the way an instructor grades: one class run of the real
CLI per assignment, every case of that assignment next to one honest student.

For each assignment, with the strongest sandbox the machine has (the default) and with the
fallback ``GRADER_SANDBOX=namespaces`` (all marked slow: six class runs of several minutes in all,
run by ``make test-slow`` and by CI after ``make test``):

- the run ends normally (exit code 0), writes grades.csv and index.html, and every entry gets a
  result and its own report; the honest student scores 100 %;
- each case earns at most its honest parts (``max_percent``), its result says why it lost points
  (``reason``), and holds nothing it must not (``must_not_contain``, ``must_not_render``);
- no file of the project (``git ls-files`` and ``.git/``) or of the canaries changed, no file
  appeared in the project, the canaries or the host's /tmp, /var/tmp and /dev/shm, nobody wrote to
  the reports folder but the grader;
- no process of the run is left once the CLI has exited, the decoy process is alive, no
  connection reached the listeners (contain.py), no attack printed ``HOSTILE-BREACH`` and none of
  its code ran as root (``HOSTILE-UID=0``).

A sandbox that cannot be set up here (e.g. ``namespaces`` where the machine forbids them) refuses to
grade and says how to fix it, as the design asks; then nothing ran, and the test is skipped with the
CLI's message.

The run happens in a pid namespace of its own (tests/hostile/contain.py): some cases signal every
process they can see. Every failure of a run is collected and reported together, case by case.
``HOSTILE_CASES=<regex>`` grades only the cases whose names match (to look at a few; the full
corpus is what the test is about). tests/hostile/measure.py measures each case's ``max_percent``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from hostile import corpus
from hostile.runs import grade_contained, pid_namespace_prefix, results_by_entry, strings_of, tight_assignment

PROJECT = corpus.PROJECT
SKIPPED_DIRS = {".venv", "__pycache__", ".pytest_cache", ".hypothesis", "reports", "build", ".mypy_cache", ".cases"}
RUN_TIMEOUT_S = {"cnn-numpy": 420, "seq-models": 420, "rnn-scratch": 420}
MAX_RESULT_BYTES = 2 * 2**20


# --- what the run may not change -----------------------------------------------------------------------
def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        return f"unreadable: {exc.strerror}"


def project_checksums() -> dict[str, str]:
    """sha256 of every tracked file and of every file under .git/."""
    listed = subprocess.run(["git", "-C", str(PROJECT), "ls-files", "-z"], capture_output=True, check=True).stdout
    tracked = [PROJECT / os.fsdecode(name) for name in listed.split(b"\0") if name]
    in_git = [p for p in (PROJECT / ".git").rglob("*") if p.is_file()]
    return {str(p.relative_to(PROJECT)): _digest(p) for p in tracked + in_git}


def project_files() -> set[str]:
    """Every file of the project but generated ones (.venv, caches, reports/)."""
    found = set()
    for folder, dirs, names in os.walk(PROJECT):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS and not d.endswith(".egg-info")]
        found.update(str((Path(folder) / n).relative_to(PROJECT)) for n in names)
    return found


def folder_state(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): _digest(p) for p in folder.rglob("*") if p.is_file()} if folder.is_dir() else {}


def host_hostile_files() -> set[str]:
    found = set()
    for folder in corpus.HOST_TMP_FOLDERS:
        try:
            found.update(str(folder / n) for n in os.listdir(folder) if "HOSTILE" in n.upper())
        except OSError:
            pass
    return found


@contextlib.contextmanager
def one_run_per_machine():
    """The canary in /tmp has one name on the machine (the cases write to it by that name): two
    runs of the corpus at once (two users, two CI jobs) would take each other's canary for an
    attack's doing. They take turns instead, through a lock file anyone can open."""
    lock = Path("/tmp/grader-corpus-turn.lock")
    try:
        fd = os.open(lock, os.O_RDONLY)   # flock needs no more; another user's file opens so
    except FileNotFoundError:
        fd = os.open(lock, os.O_RDONLY | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)   # and the lock with it


def make_canaries() -> None:
    """The canary folders, world-writable like a shared /tmp, each with a world-writable canary.txt."""
    for folder in (corpus.TMP_CANARY, corpus.PROJECT_CANARY):
        shutil.rmtree(folder, ignore_errors=True)
        if folder.exists():
            pytest.fail(f"{folder} is left from another user's run of the corpus and cannot be removed by this one: "
                        f"remove it (rm -rf {folder}) and run again")
        folder.mkdir(parents=True)
        folder.chmod(0o777)
        (folder / "canary.txt").write_text(f"canary of {folder}\n")
        (folder / "canary.txt").chmod(0o666)


def snapshot() -> dict[str, object]:
    return {"checksums": project_checksums(), "files": project_files(), "host": host_hostile_files(),
            **{f"canary:{c}": folder_state(c) for c in (corpus.TMP_CANARY, corpus.PROJECT_CANARY)}}


def clean_up(before: dict[str, object]) -> None:
    """Remove the canaries and whatever an attack managed to create (files named HOSTILE*) where it
    must not; a file someone else made in the project meanwhile is left alone."""
    for folder in (corpus.TMP_CANARY, corpus.PROJECT_CANARY):
        shutil.rmtree(folder, ignore_errors=True)
    for name in project_files() - before["files"]:
        if "HOSTILE" in name.upper():
            (PROJECT / name).unlink(missing_ok=True)
    for path in host_hostile_files() - before["host"]:
        Path(path).unlink(missing_ok=True)


# --- the checks -----------------------------------------------------------------------------------------
def changes(before: dict[str, object], after: dict[str, object]) -> list[str]:
    found = []
    for key in before:
        old, new = before[key], after[key]
        if key == "checksums":
            found += [f"project file changed: {p}" for p in sorted(old) if new.get(p) != old[p]]
        elif key == "files":
            found += [f"file appeared in the project: {p}" for p in sorted(new - old)]
        elif key == "host":
            found += [f"file appeared on the host: {p}" for p in sorted(new - old)]
        else:
            found += [f"{key}: {p} changed or removed" for p in sorted(old) if new.get(p) != old[p]]
            found += [f"{key}: {p} appeared" for p in sorted(set(new) - set(old))]
    return found


def leftover_processes(report: dict) -> list[str]:
    """Processes alive in the run's pid namespace after the CLI exited, but the namespace's init
    (contain.py), the decoy and ps itself. Zombies are dead and do not count."""
    keep = {report["self_pid"], report["decoy_pid"]}
    found = []
    for line in report["ps"].splitlines()[1:]:
        parts = line.split(None, 2)
        pid, args = int(parts[0]), parts[2] if len(parts) > 2 else ""
        if pid in keep or args.startswith("ps -eo") or args.endswith("<defunct>"):
            continue
        marker = " (a case's marker)" if corpus.LEFTOVER.search(args) else ""
        found.append(f"process left after the run{marker}: {line.strip()}")
    return found


def why_points_were_lost(result: dict) -> str:
    """What the result says about lost points: why it could not be loaded, what the loader skipped or
    could not run, and the message of every check that did not pass (not the student's own output,
    which says whatever the student likes)."""
    parts = [str(result.get("load_error") or "")] + [note["what"] for note in result.get("load_notes", [])]
    parts += [check["message"] for exercise in result.get("exercises", []) for check in exercise["checks"]
              if check["status"] != "passed"]
    return "\n".join(parts)


def case_failures(entry: str, case: corpus.Case, result: dict | None, out: Path) -> list[str]:
    label = f"{case.assignment}/{case.name} ({entry!r})"
    if result is None:
        return [f"{label}: no result"]
    text = "\n".join(strings_of(result))
    found = []
    if result["percent"] > case.max_percent + 1e-6:
        found.append(f"{label}: earned {result['percent']:.1f} %, more than its honest parts ({case.max_percent:g} %)")
    if case.reason is not None and not re.search(case.reason, why_points_were_lost(result)):
        found.append(f"{label}: its result does not say why it lost points (no match for {case.reason!r}): "
                     f"{why_points_were_lost(result)[:300]!r}")
    student = Path(result["_file"]).stem
    pages = [out / f"{student}.html", out / "student" / f"{student}.html", out / "submissions" / f"{student}.html"]
    html = "\n".join(p.read_text(errors="replace") for p in pages if p.is_file())
    for forbidden in case.must_not_contain:
        if forbidden in text or forbidden in html:
            found.append(f"{label}: {forbidden!r} appears in its result or reports")
    overview = (out / "index.html").read_text(errors="replace") if (out / "index.html").is_file() else ""
    for forbidden in case.must_not_render:
        shown = re.search(forbidden, html) or re.search(forbidden, overview)
        if shown:
            found.append(f"{label}: {shown.group(0)!r} appears unescaped in its reports or the class overview")
    if case.max_seconds is not None and result["duration_s"] > case.max_seconds:
        found.append(f"{label}: took {result['duration_s']:.1f} s to grade (at most {case.max_seconds:g} s)")
    own = out / f"{student}.html"
    if not own.is_file() or f"<title>{student}: " not in own.read_text(errors="replace"):
        found.append(f"{label}: {own.name} is missing or is not its report")
    if (out / result["_file"]).stat().st_size > MAX_RESULT_BYTES:
        found.append(f"{label}: its result is {(out / result['_file']).stat().st_size} bytes")
    return found


def run_failures(report: dict, out: Path, results: dict[str, dict]) -> list[str]:
    found = []
    if report["timed_out"] or report["returncode"] != 0:
        found.append(f"the CLI ended with {'a timeout' if report['timed_out'] else report['returncode']}: "
                     f"{report['output'][-1500:]}")
    found += [f"{name} was not written" for name in ("grades.csv", "index.html") if not (out / name).is_file()]
    honest = results.get(f"{corpus.HONEST}.py")
    if honest is None or honest["percent"] != 100.0:
        found.append(f"the honest student scored {honest and honest['percent']} %, not 100 %")
    for path in sorted(out.rglob("*")):
        if path.is_file() and corpus.FORGED in path.read_text(errors="replace"):
            found.append(f"{path.relative_to(out)} holds what a case forged ({corpus.FORGED})")
    found += [f"file a case wrote in the reports folder: {p.name}" for p in out.rglob("*HOSTILE*")]
    found += leftover_processes(report)
    if not report["decoy_alive"]:
        found.append("the decoy process (sleep 9191, outside the sandbox) was killed")
    found += [f"the listeners saw: {c}" for c in report["connections"]]
    uids, breaches = [], []
    for entry, result in results.items():
        for text in strings_of(result):
            uids += [(entry, int(u)) for u in corpus.UID.findall(text)]
            breaches += [f"{entry}: {line.strip()[:200]}" for line in text.splitlines() if corpus.BREACH in line]
    found += [f"an attack succeeded, {b}" for b in dict.fromkeys(breaches)]
    found += [f"{entry}: student code ran as root (HOSTILE-UID=0)" for entry in sorted({e for e, u in uids if u == 0})]
    if not uids:
        found.append("no case's HOSTILE-UID=... output was captured: the uid check saw nothing")
    return found


@pytest.fixture(scope="module")
def pid_namespace():
    if pid_namespace_prefix() is None:
        pytest.skip("no pid namespace can be made here (unshare --pid); the corpus signals every process it can "
                    "see, so it only runs contained")


def only_matching(entries: dict[str, corpus.Case], folder: Path, pattern: str | None) -> dict[str, corpus.Case]:
    """``entries`` whose case names match ``pattern`` (all without one); the others leave ``folder``."""
    if not pattern:
        return entries
    for entry, case in entries.items():
        if not re.search(pattern, case.name):
            path = folder / entry
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
    return {e: c for e, c in entries.items() if re.search(pattern, c.name)}


def summary(entries: dict[str, corpus.Case], results: dict[str, dict]) -> str:
    lines = []
    for entry, case in sorted(entries.items(), key=lambda item: (item[1].name, item[0])):
        result = results.get(entry) or {}
        lines.append(f"  {case.name:32} {result.get('percent', float('nan')):6.1f} % (max {case.max_percent:g})  "
                     f"{result.get('duration_s', 0):5.1f} s")
    return "\n".join(lines)


# rlimits is not here: it cannot hide the project (its reports say so), and an instructor's run
# never uses it unless asked for by name; test_isolation.py covers what it does hold.
@pytest.mark.slow
@pytest.mark.parametrize("sandbox", ["default", "namespaces"])
@pytest.mark.parametrize("assignment", corpus.ASSIGNMENTS)
def test_hostile_corpus(assignment, sandbox, tmp_path, pid_namespace):
    entries = only_matching(corpus.build_class(assignment, tmp_path / "class"), tmp_path / "class",
                            os.environ.get("HOSTILE_CASES"))
    out = tmp_path / "reports"
    with one_run_per_machine():
        make_canaries()
        before = snapshot()
        try:
            report = grade_contained(tmp_path / "class", tight_assignment(assignment, tmp_path / "assignment"), out,
                                     tmp_path / "contained.json", sandbox=None if sandbox == "default" else sandbox,
                                     timeout_s=RUN_TIMEOUT_S[assignment])
            after = snapshot()
        finally:
            clean_up(before)
    results = results_by_entry(out)
    refused = re.search(r"no sandbox could be set up.*", report["output"])
    if refused and report["returncode"] != 0 and not results and not changes(before, after):
        # The design's answer where a sandbox cannot keep student code from running as root (or
        # with the instructor's files in sight): grading stops and says how to fix it. No code ran.
        pytest.skip(f"GRADER_SANDBOX={sandbox} refused to grade on this machine: {refused.group(0)[:300]}")
    failures = run_failures(report, out, results) + changes(before, after)
    for entry, case in sorted(entries.items(), key=lambda item: (item[1].name, item[0])):
        failures += case_failures(entry, case, results.get(entry), out)
    print(f"\n{assignment} ({sandbox}): CLI {report['seconds']} s, exit {report['returncode']}\n"
          f"{summary(entries, results)}")
    assert not failures, f"{len(failures)} failures in the {assignment} corpus ({sandbox} sandbox):\n" + \
        "\n".join(failures)
