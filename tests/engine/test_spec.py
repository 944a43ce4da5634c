"""assignment.toml errors name the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.errors import SpecError
from grader.spec import load_assignment

GOOD = """
[assignment]
id = "demo"
title = "Demo"
version = "1"
project_root = "."
reference = "ref.py"
suite = "suite.py"

[limits]
call_timeout_s = 5

[[exercise]]
id = "one"
names = ["f"]
  [[exercise.check]]
  id = "value"
  points = 2
  [exercise.check.tolerance.float32]
  rtol = 1e-4
  atol = 1e-5
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "ref.py").write_text("")
    (tmp_path / "suite.py").write_text("")
    (tmp_path / "assignment.toml").write_text(text)
    return tmp_path


def test_support_modules_and_import_names_are_read(tmp_path):
    folder = write(tmp_path, GOOD.replace('suite = "suite.py"', 'suite = "suite.py"\nsupport = "course"\n'
                                          'import_as = ["cs231n.layers"]', 1))
    (folder / "course").mkdir()
    a = load_assignment(folder)
    assert a.support == folder / "course" and a.import_as == ("cs231n.layers",)


def test_options_are_read_and_checked(tmp_path):
    a = load_assignment(write(tmp_path, GOOD + '\n[options]\ndropout_p = "keep"\nsizes = [1, 2]\n'))
    assert a.options == {"dropout_p": "keep", "sizes": [1, 2]}
    with pytest.raises(SpecError, match="nested"):
        load_assignment(write(tmp_path, GOOD + '\n[options]\nnested = {a = 1}\n'))


def test_a_good_file_loads(tmp_path):
    a = load_assignment(write(tmp_path, GOOD))
    (check,) = a.checks
    assert check.id == "demo.one.value" and check.points == 2.0
    assert a.tolerance_for("float32", check).rtol == 1e-4
    assert a.tolerance_for("float32").rtol == 1.3e-6
    assert a.limits.call_timeout_s == 5.0


@pytest.mark.parametrize("change, message", [
    (('points = 2', 'points = -1'), "points=-1 must not be negative"),
    (('points = 2', 'points = "two"'), "points='two' should be"),
    (('call_timeout_s = 5', 'call_timeout_s = 0'), "call_timeout_s=0 must be positive"),
    (('[exercise.check.tolerance.float32]', '[exercise.check.tolerance.float8]'), "unknown dtype 'float8'"),
    (('suite = "suite.py"', 'suite = "nope.py"'), "suite="),
    (('id = "demo"\n', ''), "missing required key 'id'"),
    (('points = 2', 'points = 2\n  hiden = true'), "unknown key 'hiden'; did you mean 'hidden'?"),
    (('call_timeout_s = 5', 'call_timout_s = 5'), "[limits] unknown key 'call_timout_s'; did you mean 'call_timeout_s'?"),
    (('suite = "suite.py"', 'suite = "suite.py"\nstarer = "s.ipynb"'), "did you mean 'starter'?"),
    (('names = ["f"]', 'name = ["f"]'), "unknown key 'name'; did you mean 'names'?"),
    (('rtol = 1e-4', 'rtoll = 1e-4'), "did you mean 'rtol'?"),
    (('[limits]', '[limit]'), "[top level] unknown key 'limit'; did you mean 'limits'?"),
    (('suite = "suite.py"', 'suite = "suite.py"\nsupport = "course"'), "support="),
    (('suite = "suite.py"', 'suite = "suite.py"\nimport_as = ["cs231n/layers"]'), "import_as=['cs231n/layers'] should be"),
])
def test_bad_values_name_file_and_key(tmp_path, change, message):
    folder = write(tmp_path, GOOD.replace(*change, 1))
    with pytest.raises(SpecError) as info:
        load_assignment(folder)
    assert str(folder / "assignment.toml") in str(info.value) and message in str(info.value)
