"""Grading a class of the corpus: an assignment with tight limits, and one contained CLI run.

- :func:`tight_assignment`: a copy of ``assignments/<id>`` whose limits are small enough that the
  corpus's loops, sleeps and floods cost seconds, not minutes, and whose hypothesis checks draw
  fewer examples (an attack fails on its first one; the honest parts pass on any number). The copy
  points back at the project for the reference and the suite (``project_root``).
- :func:`grade_contained`: ``grader grade`` as a subprocess, in a pid namespace of its own (see
  contain.py), with ``GRADER_PROGRESS`` unset and ``GRADER_SANDBOX`` as asked.
- :func:`results_by_entry`: the students' JSON results, by the name of the entry they came from.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent.parent

# The limits of the corpus's runs, and the most examples a hypothesis check draws. The honest
# student must not time out on a busy machine: seq-models' fit functions take a second or two per
# call (the first optimizer a worker makes costs about a second), and checks with a timeout of their
# own (training, 256x256 images) get CHECK_TIMEOUT_S.
LIMITS = {"check_budget_s": 40, "load_timeout_s": 15, "memory_mb": 1024, "output_kb": 16}
CALL_TIMEOUT_S = {"cnn-numpy": 3, "seq-models": 6, "rnn-scratch": 3}
CHECK_TIMEOUT_S = {"cnn-numpy": 8, "seq-models": 30, "rnn-scratch": 15}
MAX_EXAMPLES = 6


def tight_assignment(assignment: str, dest: Path, *, call_timeout_s: float | None = None,
                     check_timeout_s: float | None = None, max_examples: int | None = MAX_EXAMPLES) -> Path:
    """``dest``: a copy of the assignment's folder (toml and starter) with the corpus's limits (or
    the ones given; ``max_examples=None`` keeps the assignment's number of examples)."""
    source = PROJECT / "assignments" / assignment
    dest.mkdir(parents=True, exist_ok=True)
    for item in source.iterdir():
        if item.is_file() and item.name != "assignment.toml":
            shutil.copy2(item, dest / item.name)
    text = (source / "assignment.toml").read_text(encoding="utf-8")
    limits = {"call_timeout_s": call_timeout_s or CALL_TIMEOUT_S[assignment], **LIMITS}
    limits = "[limits]\n" + "".join(f"{k} = {v}\n" for k, v in limits.items()) + "\n"
    if re.search(r"(?m)^\[limits\]", text):
        text = re.sub(r"(?ms)^\[limits\]\n.*?(?=^\[|^#|\Z)", lambda m: limits, text, count=1)
    else:
        text = re.sub(r"(?m)^(?=\[names|\[\[exercise\]\])", lambda m: limits, text, count=1)
    text = re.sub(r"(?m)^(\[assignment\]\n)", lambda m: f'{m.group(1)}project_root = "{PROJECT}"\n', text, count=1)
    text = re.sub(r"(?m)^(\s*timeout_s\s*=\s*)[\d.]+", lambda m: f"{m.group(1)}{check_timeout_s or CHECK_TIMEOUT_S[assignment]}",
                  text)
    if max_examples is not None:
        text = re.sub(r"(?m)^(\s*examples\s*=\s*)(\d+)", lambda m: f"{m.group(1)}{min(int(m.group(2)), max_examples)}",
                      text)
    (dest / "assignment.toml").write_text(text, encoding="utf-8")
    return dest


def pid_namespace_prefix() -> list[str] | None:
    """The command that runs what follows in a new pid namespace (with /proc to match), or None."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    for prefix in ([unshare, "--pid", "--fork", "--mount-proc"],
                   [unshare, "--user", "--map-root-user", "--pid", "--fork", "--mount-proc"]):
        try:
            if subprocess.run([*prefix, "true"], capture_output=True, timeout=30).returncode == 0:
                return prefix
        except (OSError, subprocess.TimeoutExpired):
            continue
    return None


def grade_contained(submissions: Path, assignment_dir: Path, out: Path, report: Path, *, sandbox: str | None,
                    jobs: int = 2, timeout_s: float = 600) -> dict:
    """Run ``grader grade`` on ``submissions`` inside a pid namespace (contain.py); its report."""
    prefix = pid_namespace_prefix()
    if prefix is None:
        raise RuntimeError("no pid namespace can be made here (unshare --pid): the corpus's kill(-1) cases would "
                           "reach every process of this user")
    grader = Path(sys.executable).with_name("grader")
    command = [str(grader), "grade", str(submissions), "-a", str(assignment_dir), "-o", str(out), "-j", str(jobs)]
    env = {k: v for k, v in os.environ.items() if k not in ("GRADER_PROGRESS", "GRADER_SANDBOX")}
    if sandbox:
        env["GRADER_SANDBOX"] = sandbox
    subprocess.run([*prefix, sys.executable, str(HERE / "contain.py"), str(report), str(timeout_s), "--", *command],
                   cwd=PROJECT, env=env, check=True, timeout=timeout_s + 120)
    return json.loads(report.read_text(encoding="utf-8"))


def results_by_entry(out: Path) -> dict[str, dict]:
    """Every student's JSON in ``out``, by the file name of the entry it came from."""
    found = {}
    for path in out.glob("*.json"):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(record, dict) and record.get("format", "").startswith("grader-results/") and "path" in record:
            found[Path(record["path"]).name] = {**record, "_file": path.name}
    return found


def strings_of(value) -> list[str]:
    """Every string in a JSON value (keys too), for searching a result for a reason."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [str(k), *strings_of(v)]]
    if isinstance(value, list):
        return [s for v in value for s in strings_of(v)]
    return []
