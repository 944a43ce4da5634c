"""``grader release``: what each kind of user receives, built from the recorded cases.

The student bundle (:func:`student_bundle`) is a folder a course hands out::

    cnn-numpy-student/
      README.md                 the assignment's public README, and how to check with this copy
      starter.ipynb             to work in
      .grader/cnn-numpy/        the assignment as the student's copy of the grader sees it:
        assignment.toml           the public checks only, and a [release] table
        suite/*.py                the suite's modules, without the hidden checks' functions
        cases.npz                 the public checks' recorded inputs, with the reference's answers to
                                  them, its signatures and the plain values the checks read
        starter.ipynb             (what students were given: unchanged code is not theirs)
      .grader/wheels/*.whl      the grader itself, without any reference
      .grader/requirements.lock the versions everyone is graded with
      .github/workflows/grader.yml   as a student repository template (GitHub Classroom): the public
                                checks on every push, the grader installed from the wheel above

Next to it, :func:`gradescope_autograder` writes ``<id>-gradescope.zip``: every check, hidden ones
included, for Gradescope (the course's files for the assignment, root's only once set up).

It holds no line of the reference and nothing of a hidden check: not its function, id, inputs or
seed (only how many there are and their points). ``grader check`` in it grades the public checks in
the student's own trusted process, comparing with the recorded answers, with the same tolerances
and messages as the instructor's run; a failure is shown on the first recorded input that fails
(the smallest: cases are recorded small first). A check that needs the reference on the student's
own data (their layer's filters, their weights) is left to the instructor's run and says so
(grader.oracle, Status.INSTRUCTOR).
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any, Callable

from grader.errors import SpecError
from grader.spec import Assignment

__all__ = ["gradescope_autograder", "leaks", "public_spec", "strip_checks", "student_bundle"]

BUNDLE_FOLDER = ".grader"
# The line an author puts in a suite module that may go to students: it holds nothing that computes
# what an exercise asks (expected values come from the reference, through grader.oracle).
RELEASABLE_LINE = '__release__ = "student"'
RELEASABLE = re.compile(r'^__release__ = "student"', re.M)
PROJECT = Path(__file__).resolve().parent.parent


def student_bundle(assignment: Assignment, out: Path, *, wheel: Path | None = None,
                   say: Callable[[str], None] = print) -> Path:
    """Build the student bundle of ``assignment`` in ``out``/<id>-student (replaced if there)."""
    from grader.cases import Recorded, ensure, save
    from grader.oracle import reference_of, signatures
    from grader.suite import load_suite

    if assignment.release is not None:
        raise SpecError(f"{assignment.root} is itself a release copy: release from the course's project")
    suite = load_suite(assignment)
    reference = reference_of(assignment)
    module = reference.module()
    assert module is not None
    recorded = ensure(assignment, suite.functions, module)
    public = [c for c in assignment.checks if not c.hidden]
    hidden = [c for c in assignment.checks if c.hidden]

    root = Path(out) / f"{assignment.id}-student"
    if root.exists():
        shutil.rmtree(root)
    home = root / BUNDLE_FOLDER / assignment.id
    (home / "suite").mkdir(parents=True)

    # What the public checks read of the reference's plain values, found by grading the reference
    # on them here (which also proves the public checks pass on it, as they must).
    constants = _constants_read(assignment, suite, module, recorded, public)
    names = sorted({*assignment.names, *(n for e in assignment.exercises for n in e.names)})
    kept = Recorded(recorded.key, {c.id: recorded.cases[c.id] for c in public if c.id in recorded.cases},
                    {c.id: why for c, why in ((c, recorded.live.get(c.id)) for c in public) if why},
                    signatures=signatures(module, names), constants=constants)
    save(kept, home / "cases.npz")
    (home / "cases.npz").chmod(0o644)   # public checks only: the student's to read

    files = suite_files(assignment.suite)
    unreviewed = [f.name for f in files if not RELEASABLE.search(f.read_text(encoding="utf-8"))]
    if unreviewed:
        shutil.rmtree(root)
        raise SpecError(
            f"{', '.join(unreviewed)} would go to students, and no one has said they may: a suite module can hold "
            "code that computes what the exercise asks (a backward pass that a hint's variants are built from, a "
            "data generator, a model's forward), which no search for the reference's lines finds. Keep such code "
            "out of the modules students receive (call the reference through grader.oracle instead), then mark "
            f"each module with a line `{RELEASABLE_LINE}`.")
    hidden_ids = {c.id for c in hidden}
    for path in files:
        (home / "suite" / path.name).write_text(strip_checks(path.read_text(encoding="utf-8"), assignment, hidden_ids),
                                                encoding="utf-8")
    (home / "assignment.toml").write_text(public_spec(assignment, files[0].name, warm_of(assignment)),
                                          encoding="utf-8")
    if assignment.starter is not None:
        shutil.copy2(assignment.starter, home / assignment.starter.name)
        shutil.copy2(assignment.starter, root / assignment.starter.name)
    if assignment.support is not None:   # the course's modules: for the workers, and for students to work with
        unwanted = shutil.ignore_patterns("__pycache__")
        shutil.copytree(assignment.support, home / assignment.support.relative_to(assignment.root), ignore=unwanted)
        shutil.copytree(assignment.support, root, ignore=unwanted, dirs_exist_ok=True)
    readme = assignment.root / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.is_file() else f"# {assignment.title}\n"
    (root / "README.md").write_text(text.rstrip() + "\n\n" + _how_to_check(assignment, hidden, "torch" in warm_of(assignment)),
                                    encoding="utf-8")

    wheels = root / BUNDLE_FOLDER / "wheels"
    wheels.mkdir()
    shutil.copy2(wheel or build_wheel(wheels.parent / "build"), wheels)
    shutil.rmtree(wheels.parent / "build", ignore_errors=True)
    shutil.copy2(PROJECT / "requirements.lock", root / BUNDLE_FOLDER / "requirements.lock")
    # The student repository template (GitHub Classroom): grades the public checks on every push,
    # with the grader installed from this folder's own wheel, and hands the points to Classroom.
    from grader.ci import bundle_install, workflow
    (wheel_name,) = [p.name for p in wheels.glob("*.whl")]
    flow = root / ".github" / "workflows" / "grader.yml"
    flow.parent.mkdir(parents=True)
    flow.write_text(workflow(100, bundle_install(wheel_name, "torch" in warm_of(assignment)), classroom=True),
                    encoding="utf-8")

    found = leaks(root, assignment)
    if found:
        shutil.rmtree(root)
        raise SpecError("the student bundle would give away what it must not; nothing was written:\n" + "\n".join(found))
    say(f"student bundle: {root} ({len(public)} public checks, {len(hidden)} hidden ones left out)")
    return root


def gradescope_autograder(assignment: Assignment, out: Path, *, wheel: Path | None = None,
                          say: Callable[[str], None] = print) -> Path:
    """Build ``out``/<id>-gradescope.zip, Gradescope's autograder for ``assignment`` (and the folder it
    zips): ``setup.sh`` (a virtual environment with the grader's wheel and the pinned packages, then
    the recorded cases, made once in the image) and ``run_autograder`` (grades
    /autograder/submission on every check, hidden ones included, into
    /autograder/results/results.json). It holds the course's files for this assignment, the
    reference among them, readable by root only after setup: student code runs as nobody, or in
    bubblewrap where the image allows it."""
    if assignment.release is not None:
        raise SpecError(f"{assignment.root} is a release copy: build the autograder from the course's project")
    root = Path(out) / f"{assignment.id}-gradescope"
    if root.exists():
        shutil.rmtree(root)
    project = assignment.project_root
    course = root / "course"
    assignment_dir = course / assignment.root.relative_to(project)
    shutil.copytree(assignment.root, assignment_dir,
                    ignore=shutil.ignore_patterns("examples", ".cases", "__pycache__", "*.pyc"))
    for path in [assignment.reference, *suite_files(assignment.suite)]:
        target = course / path.relative_to(project)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    if (assignment.reference.parent / "__init__.py").is_file():
        shutil.copy2(assignment.reference.parent / "__init__.py", course / assignment.reference.parent.relative_to(project))
    (root / "wheels").mkdir()
    shutil.copy2(wheel or build_wheel(root / "build"), root / "wheels")
    shutil.rmtree(root / "build", ignore_errors=True)
    shutil.copy2(PROJECT / "requirements.lock", root / "requirements.lock")
    torch = "torch" in warm_of(assignment)
    relative = assignment_dir.relative_to(root).as_posix()
    (root / "setup.sh").write_text(_SETUP.format(extra="[torch]" if torch else "", assignment=relative), encoding="utf-8")
    (root / "run_autograder").write_text(_RUN.format(assignment=relative), encoding="utf-8")
    for script in ("setup.sh", "run_autograder"):
        (root / script).chmod(0o755)
    archive = shutil.make_archive(str(root), "zip", root)
    say(f"Gradescope autograder: {archive} (upload it as the assignment's autograder)")
    return Path(archive)


def warm_of(assignment: Assignment) -> tuple[str, ...]:
    from grader.sandbox import warm_imports
    return assignment.release.warm if assignment.release is not None else warm_imports(assignment.reference, assignment.suite)


# Gradescope runs setup.sh once, as root, when it builds the image (the zip is unpacked in
# /autograder/source), and run_autograder once per submission. AUTOGRADER_ROOT lets a test run both
# in a folder of its own.
_SETUP = """#!/usr/bin/env bash
# Made by `grader release`: Gradescope runs this once, as root, when it builds the autograder image.
set -euo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
SOURCE="$ROOT/source"
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && [ -z "${{GRADER_NO_APT:-}}" ]; then
  # bubblewrap: the sandbox for student code; python3-venv for the grader's own environment
  apt-get update -qq && apt-get install -y -qq python3 python3-venv python3-pip bubblewrap >/dev/null
fi
python3 -m venv "$SOURCE/venv"
"$SOURCE/venv/bin/python" -m pip install --quiet --upgrade pip
"$SOURCE/venv/bin/python" -m pip install --quiet -c "$SOURCE/requirements.lock" "$(ls "$SOURCE"/wheels/*.whl){extra}"
# The inputs of every check, drawn once here, in the image, instead of for every submission.
"$SOURCE/venv/bin/grader" record -a "$SOURCE/{assignment}"
# The reference and the hidden checks: root's only. Student code never runs as root.
chmod -R go-rwx "$SOURCE/course"
"""

_RUN = """#!/usr/bin/env bash
# Made by `grader release`: Gradescope runs this for every submission; it writes results/results.json.
set -euo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
mkdir -p "$ROOT/results"
cd "$ROOT/source"
exec "$ROOT/source/venv/bin/grader" gradescope "$ROOT/submission" -a "$ROOT/source/{assignment}" \
  --results "$ROOT/results/results.json"
"""


def suite_files(suite: Path) -> list[Path]:
    """The suite module and the siblings it loads (``load_sibling(__file__, "name")``), the suite first."""
    found = [suite]
    for path in found:
        for stem in re.findall(r"load_sibling\(\s*__file__\s*,\s*[\"'](\w+)[\"']", path.read_text(encoding="utf-8")):
            sibling = suite.with_name(f"{stem}.py")
            if sibling not in found:
                found.append(sibling)
    return found


def strip_checks(source: str, assignment: Assignment, hidden: set[str]) -> str:
    """``source`` without the functions registered for ``hidden`` checks (``@check("key")``), and the
    comment lines right above them."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    drop: set[int] = set()
    for node in tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for deco in node.decorator_list:
            if (isinstance(deco, ast.Call) and getattr(deco.func, "id", getattr(deco.func, "attr", None)) == "check"
                    and deco.args and isinstance(deco.args[0], ast.Constant) and isinstance(deco.args[0].value, str)):
                key = deco.args[0].value
                full = key if key.startswith(assignment.id + ".") else f"{assignment.id}.{key}"
                if full in hidden:
                    first = min(d.lineno for d in node.decorator_list) - 1
                    while first > 0 and lines[first - 1].lstrip().startswith("#"):
                        first -= 1
                    drop.update(range(first, node.end_lineno or node.lineno))
    kept = "".join(line for i, line in enumerate(lines) if i not in drop)
    return re.sub(r"\n{4,}", "\n\n\n", kept)


def public_spec(assignment: Assignment, suite_name: str, warm: tuple[str, ...]) -> str:
    """assignment.toml of the student's copy: the public checks, the suite in ``suite/``, no reference
    (its path is kept only as a name), no late policy, and the [release] table."""
    import tomli_w
    raw = tomllib.loads((assignment.root / "assignment.toml").read_text(encoding="utf-8"))
    head = dict(raw["assignment"])
    head.update(project_root=".", suite=f"suite/{suite_name}")
    if assignment.starter is None:
        head.pop("starter", None)
    exercises = []
    for exercise in raw["exercise"]:
        checks = [c for c in exercise.get("check", []) if not c.get("hidden", False)]
        if checks:
            exercises.append({**exercise, "check": checks})
    hidden = [c for c in assignment.checks if c.hidden]
    spec: dict[str, Any] = {"assignment": head, **{k: raw[k] for k in ("limits", "names", "tolerance", "options") if k in raw},
            "exercise": exercises,
            "release": {"kind": "student", "cases": "cases.npz", "warm": list(warm),
                        "hidden_checks": len(hidden), "hidden_points": sum(c.points for c in hidden)}}
    return ("# The student's copy of this assignment, made by `grader release`: the public checks only.\n"
            + tomli_w.dumps(spec))


def _constants_read(assignment: Assignment, suite: Any, module: Any, recorded: Any, public: list) -> dict[str, Any]:
    """The reference's plain values that loading the suite or a public check reads: run each public
    check on the reference, here, as its replay runs for a student. Raises when one fails there."""
    from grader.checks import run_check
    from grader.oracle import references_of
    from grader.submission import LocalSubmission
    for check in public:
        result = run_check(suite, check, LocalSubmission(assignment, module, reference=module),
                           cases=recorded.for_check(check.id))
        if not result.passed:
            raise SpecError(f"{check.id} does not pass on the reference ({result.status.value}): {result.message[:300]}")
    public_ids: set[str | None] = {c.id for c in public} | {None}
    return {name: value for r in references_of(assignment) for name, value in r.read_values(public_ids).items()}


def _how_to_check(assignment: Assignment, hidden: list, torch: bool) -> str:
    points = sum(c.points for c in hidden)
    extra = "[torch]" if torch else ""
    return f"""## Checking your work with this copy

This folder holds a copy of the grader with the assignment's public checks (no solutions). Once, in a
virtual environment (the versions everyone is graded with):

```bash
python -m pip install -c .grader/requirements.lock "$(ls .grader/wheels/*.whl){extra}"
```

Then, in this folder, as often as you like:

```bash
grader check {assignment.starter.name if assignment.starter else "my_solution.py"}
```

It runs the public checks on the same inputs as the instructor's run and writes an HTML report. A
failing check shows the first of those inputs your code gets wrong. The {len(hidden)} hidden check(s)
({points:g} points) run only when your work is graded; a check that needs the solution on your own
data (your layer's filters, your weights) says it is graded then too. Pushed to GitHub, the workflow
in `.github/workflows/grader.yml` runs the same check on every push.
"""


def build_wheel(into: Path) -> Path:
    """The grader's wheel (no reference inside: pyproject.toml packages grader only)."""
    into.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(into), str(PROJECT)], check=True, capture_output=True)
    (wheel,) = into.glob("*.whl")
    return wheel


def leaks(root: Path, assignment: Assignment) -> list[str]:
    """What in ``root`` gives away a hidden check (its id) or the reference (a line of its code that
    the starter does not hand out already): ``file: what``, empty when nothing does. Files are
    searched as bytes; the grader's wheel, file by file, for the reference package and for lines of
    the reference that are not the grader's own (its few activations, passed to student code by name:
    grader.boundary)."""
    import zipfile
    hidden = [c.id for c in assignment.checks if c.hidden]
    ids = {h.encode(): f"hidden check id {h}" for h in hidden}
    ids.update({h.split(".", 1)[1].encode(): f"hidden check id {h}" for h in hidden})
    given = "\n".join(_code_lines(assignment.starter.read_text(encoding="utf-8"))) if assignment.starter else ""
    reference = assignment.reference.read_text(encoding="utf-8") if assignment.reference.is_file() else ""
    lines = {line.encode(): f"a line of the reference: {line[:60]!r}" for line in reference_lines(reference)
             if line not in given}
    engine = {line.encode() for path in (PROJECT / "grader").rglob("*.py")
              for line in _code_lines(path.read_text(encoding="utf-8"))}
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        shown = path.relative_to(root)
        if path.suffix == ".whl":
            with zipfile.ZipFile(path) as wheel:
                found += [f"{shown}: holds {n}" for n in wheel.namelist() if n.split("/")[0] == "reference"]
                data = b"".join(wheel.read(n) for n in wheel.namelist())
            found += [f"{shown}: {what}" for needle, what in {**ids, **lines}.items()
                      if needle in data and needle not in engine]
            continue
        data = path.read_bytes()
        found += [f"{shown}: {what}" for needle, what in {**ids, **lines}.items() if needle in data]
    return found


def reference_lines(source: str) -> list[str]:
    """The reference's lines that say something of the solution: code and comments, without the
    imports, blank lines, comment rules (``# ---``) and lines too short to be anyone's in particular
    (``return x``)."""
    return [line for line in _code_lines(source)
            if len(line) >= 24 and not line.startswith(("import ", "from ", '"""', "'''"))
            and not line.startswith(("# ---", "# ===", "#---"))]


def _code_lines(source: str) -> list[str]:
    """The stripped lines of ``source``; of a notebook (JSON), the lines of its cells."""
    if source.lstrip().startswith("{"):
        import json
        try:
            cells = json.loads(source).get("cells", [])
            source = "\n".join("".join(c.get("source", "")) if isinstance(c.get("source"), list) else str(c.get("source", ""))
                               for c in cells)
        except (ValueError, AttributeError):
            pass
    return [line.strip() for line in source.splitlines() if line.strip()]
