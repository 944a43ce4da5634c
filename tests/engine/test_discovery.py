"""Discovery: LMS names, unique ids, choosing the file to grade, safe zip extraction, hashes."""

from __future__ import annotations

import hashlib
import os
import stat
import zipfile
from pathlib import Path

import pytest

from grader import discovery
from grader.discovery import SubmissionFile, discover, open_submission, student_id, submitted_at
from grader.errors import GraderError, SubmissionUnreadable

NOTEBOOK = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


def make_files(root: Path, files: dict[str, str]) -> Path:
    """Create ``files`` (relative path -> text) under ``root``; returns ``root``."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    root.mkdir(parents=True, exist_ok=True)
    return root


def make_zip(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return path


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    path = tmp_path / "work"
    path.mkdir()
    return path


def by_student(entries: list[SubmissionFile]) -> dict[str, SubmissionFile]:
    return {e.student: e for e in entries}


# --- names --------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, expected", [
    ("Doe Jane_123456_assignsubmission_file_", "doe_jane"),
    ("Doe Jane_123456_assignsubmission_file_cnn_numpy.ipynb", "doe_jane"),
    ("Doe-Ünal Kim_42_assignsubmission_onlinetext_", "doe-unal_kim"),
    ("doejane_12345_6789012_hw2.ipynb", "doejane"),
    ("doejane_LATE_12345_6789012_hw2-1.ipynb", "doejane"),
    ("Assignment 2_jdoe3_attempt_2026-10-03-14-22-10_hw2.ipynb", "jdoe3"),
    ("HW_2_jdoe3_attempt_2026-10-03-14-22-10_hw2.ipynb", "jdoe3"),
    ("doe_jane_40017_attempt_2026-10-03-14-22-10_cnn.ipynb", "doe_jane_40017"),
    ("Assignment 2_40017_attempt_2026-10-03-14-22-10_hw2.ipynb", "assignment_2_40017"),
    ("student_a.ipynb", "student_a"),
    ("Student A (final).zip", "student_a_final"),
    ("..hidden..py", "hidden"),
    ("???.py", "student"),
])
def test_student_id_from_lms_names(name, expected):
    assert student_id(name) == expected


@pytest.mark.parametrize("name, expected", [
    ("Assignment 2_jdoe3_attempt_2026-10-03-14-22-10_hw2.ipynb", "2026-10-03T14:22:10"),
    ("Assignment 2_jdoe3_attempt_2026-10-03-14-22-10.txt", "2026-10-03T14:22:10"),
    ("Assignment 2_jdoe3_attempt_2026-13-03-14-22-10_hw2.ipynb", None),
    ("doejane_12345_6789012_hw2.ipynb", None),
    ("Doe Jane_123456_assignsubmission_file_", None),
])
def test_submitted_at_from_lms_names(name, expected):
    assert submitted_at(name) == expected


# --- discover -------------------------------------------------------------------------------------
def test_discover_finds_one_entry_per_submission_and_ignores_junk(tmp_path, workdir):
    folder = make_files(tmp_path / "subs", {
        "student_a.py": "X = 1",
        "doejane_12345_6789012_hw2.ipynb": NOTEBOOK,
        "Roe Max_123_assignsubmission_file_/hw2.ipynb": NOTEBOOK,
        "Assignment 2_jdoe3_attempt_2026-10-03-14-22-10_hw2.ipynb": NOTEBOOK,
        "Assignment 2_jdoe3_attempt_2026-10-03-14-22-10.txt": "receipt",
        "grades.csv": "id,grade",
        ".DS_Store": "",
        "__MACOSX/._student_a.py": "",
        "__pycache__/x.pyc": "",
        ".ipynb_checkpoints/x-checkpoint.ipynb": NOTEBOOK,
    })
    make_zip(folder / "student_c.zip", {"hw2/hw2.ipynb": NOTEBOOK})
    entries = discover(folder, workdir=workdir)
    assert [e.student for e in entries] == ["doejane", "jdoe3", "roe_max", "student_a", "student_c"]
    found = by_student(entries)
    assert all(e.problem is None for e in entries)
    assert found["roe_max"].path == folder / "Roe Max_123_assignsubmission_file_" / "hw2.ipynb"
    assert found["roe_max"].origin == folder / "Roe Max_123_assignsubmission_file_"
    assert found["jdoe3"].submitted_at == "2026-10-03T14:22:10"
    assert found["student_a"].path == found["student_a"].origin == folder / "student_a.py"
    assert found["student_c"].path == workdir / "student_c" / "hw2" / "hw2.ipynb"
    assert found["student_c"].origin == folder / "student_c.zip"


def test_duplicate_ids_get_suffixes_in_name_order(tmp_path, workdir):
    folder = make_files(tmp_path / "subs", {
        "doejane_1_10_hw2.ipynb": NOTEBOOK,
        "doejane_1_11_helper.py": "X = 1",
        "doejane_LATE_1_12_hw2.ipynb": NOTEBOOK,
        "doejane-2.py": "X = 2",
    })
    entries = by_student(discover(folder, workdir=workdir))
    assert {k: v.origin.name for k, v in entries.items()} == {
        "doejane": "doejane_1_10_hw2.ipynb",
        "doejane-3": "doejane_1_11_helper.py",
        "doejane-2": "doejane-2.py",
        "doejane-4": "doejane_LATE_1_12_hw2.ipynb",
    }
    assert discover(folder, workdir=workdir) == discover(folder, workdir=workdir)


def test_one_bad_entry_does_not_stop_discovery(tmp_path, workdir):
    folder = make_files(tmp_path / "subs", {"student_a.ipynb": NOTEBOOK, "student_b.zip": "not a zip",
                                            "student_c.rar": "rar", "student_d/notes.txt": "hello"})
    entries = by_student(discover(folder, workdir=workdir))
    assert entries["student_a"].problem is None
    assert "student_b.zip: not a readable zip file" in entries["student_b"].problem
    assert entries["student_b"].path == folder / "student_b.zip"
    assert "student_c.rar: cannot grade a '.rar' file" in entries["student_c"].problem
    assert "student_d: no .ipynb or .py file in it (found: notes.txt)" in entries["student_d"].problem


def test_discover_skips_a_workdir_inside_the_folder(tmp_path):
    folder = make_files(tmp_path / "subs", {"student_a.py": "X = 1"})
    make_zip(folder / "student_b.zip", {"b.py": "X = 2"})
    entries = discover(folder, workdir=folder / "unpacked")
    assert [e.student for e in entries] == ["student_a", "student_b"]
    assert [e.student for e in discover(folder, workdir=folder / "unpacked")] == ["student_a", "student_b"]


def test_discover_needs_a_folder(tmp_path, workdir):
    with pytest.raises(GraderError, match="not a folder of submissions"):
        discover(tmp_path / "missing", workdir=workdir)


# --- choosing the file in a folder or zip ---------------------------------------------------------
def test_two_notebooks_and_a_prefer_name(tmp_path, workdir):
    sub = make_files(tmp_path / "student_a", {"cnn_numpy.ipynb": NOTEBOOK, "scratch.ipynb": NOTEBOOK})
    chosen = open_submission(sub, workdir=workdir, prefer=("cnn_numpy.ipynb",))
    assert chosen.path == sub / "cnn_numpy.ipynb" and chosen.problem is None


def test_two_notebooks_without_a_prefer_name_is_a_problem_listing_both(tmp_path, workdir):
    sub = make_files(tmp_path / "student_a", {"a.ipynb": NOTEBOOK, "b.ipynb": NOTEBOOK})
    entry = open_submission(sub, workdir=workdir)
    assert entry.problem == ("student_a: cannot tell which file to grade among a.ipynb, b.ipynb. "
                             "Submit only your solution.")
    assert entry.path == sub


def test_prefer_matches_a_renamed_copy_when_it_is_the_only_one(tmp_path, workdir):
    sub = make_files(tmp_path / "student_a", {"Copy of cnn_numpy.ipynb": NOTEBOOK, "draft.ipynb": NOTEBOOK})
    assert open_submission(sub, workdir=workdir, prefer=("cnn_numpy.ipynb",)).path.name == "Copy of cnn_numpy.ipynb"


def test_prefer_takes_the_shallowest_match(tmp_path, workdir):
    sub = make_files(tmp_path / "student_a", {"hw/cnn_numpy.ipynb": NOTEBOOK, "hw/old/cnn_numpy.ipynb": NOTEBOOK})
    assert open_submission(sub, workdir=workdir, prefer=("cnn_numpy.ipynb",)).path == sub / "hw" / "cnn_numpy.ipynb"


def test_single_notebook_wins_over_helper_modules_tests_and_checkpoints(tmp_path, workdir):
    sub = make_files(tmp_path / "student_a", {
        "hw2.ipynb": NOTEBOOK, "utils.py": "X = 1", "test_hw2.py": "", "tests/check.py": "",
        ".ipynb_checkpoints/hw2-checkpoint.ipynb": NOTEBOOK})
    assert open_submission(sub, workdir=workdir).path == sub / "hw2.ipynb"


def test_single_module_is_chosen(tmp_path, workdir):
    sub = make_files(tmp_path / "student_a", {"solution.py": "X = 1", "conftest.py": ""})
    assert open_submission(sub, workdir=workdir).path == sub / "solution.py"


def test_folder_holding_one_zip_is_looked_into(tmp_path, workdir):
    sub = tmp_path / "Roe Max_123_assignsubmission_file_"
    sub.mkdir()
    make_zip(sub / "upload.zip", {"hw2.ipynb": NOTEBOOK})
    entry = open_submission(sub, workdir=workdir)
    assert (entry.student, entry.path, entry.problem) == ("roe_max", workdir / "roe_max" / "hw2.ipynb", None)


def test_empty_folder_is_a_problem(tmp_path, workdir):
    sub = make_files(tmp_path / "student_a", {})
    assert "no .ipynb or .py file in it (found: nothing)" in open_submission(sub, workdir=workdir).problem


def test_open_submission_of_a_missing_path_raises(tmp_path, workdir):
    with pytest.raises(SubmissionUnreadable, match="no such file or folder"):
        open_submission(tmp_path / "typo.ipynb", workdir=workdir)


def test_extracting_twice_never_writes_over_a_folder(tmp_path, workdir):
    archive = make_zip(tmp_path / "student_a.zip", {"a.py": "X = 1"})
    first = open_submission(archive, workdir=workdir)
    second = open_submission(archive, workdir=workdir)
    assert first.path == workdir / "student_a" / "a.py"
    assert second.path == workdir / "student_a-2" / "a.py"


# --- zips that must be refused ------------------------------------------------------------------
@pytest.mark.parametrize("member", ["../evil.py", "hw/../../evil.py", "/tmp/evil.py", "..\\evil.py", "C:/evil.py"])
def test_zip_slip_is_refused_and_nothing_is_written(tmp_path, workdir, member):
    archive = make_zip(tmp_path / "student_a.zip", {"hw2.ipynb": NOTEBOOK, member: "X = 1"})
    entry = open_submission(archive, workdir=workdir)
    assert "would be written outside the folder" in entry.problem
    assert entry.path == archive
    assert not (tmp_path / "evil.py").exists() and not list(workdir.rglob("*"))


def test_corrupt_zip_is_a_problem(tmp_path, workdir):
    archive = make_zip(tmp_path / "student_a.zip", {"hw2.ipynb": NOTEBOOK * 50})
    data = bytearray(archive.read_bytes())
    data[40:200] = b"\0" * 160   # overwrite the member's compressed data and its header
    archive.write_bytes(bytes(data))
    entry = open_submission(archive, workdir=workdir)
    assert entry.problem.startswith("student_a.zip: not a readable zip file") and entry.path == archive


def test_zip_with_too_many_members_is_refused(tmp_path, workdir, monkeypatch):
    monkeypatch.setattr(discovery, "MAX_ZIP_MEMBERS", 3)
    archive = make_zip(tmp_path / "student_a.zip", {f"f{i}.py": "" for i in range(4)})
    assert "4 files in the zip (at most 3)" in open_submission(archive, workdir=workdir).problem


def test_zip_that_unpacks_too_large_is_refused(tmp_path, workdir, monkeypatch):
    monkeypatch.setattr(discovery, "MAX_ZIP_BYTES", 1000)
    archive = make_zip(tmp_path / "student_a.zip", {"hw2.py": "X = 1\n" * 400})
    assert "unpacks to more than" in open_submission(archive, workdir=workdir).problem
    assert not list(workdir.rglob("*.py"))


def test_extracted_bytes_are_counted_even_if_declared_sizes_lie(tmp_path, monkeypatch):
    archive = make_zip(tmp_path / "a.zip", {"hw2.py": "X = 1\n" * 400})
    monkeypatch.setattr(discovery, "MAX_ZIP_BYTES", 1000)

    def trust_declared_sizes(zf, label):   # as if the archive had declared tiny sizes
        return [(info, discovery.PurePosixPath(info.filename)) for info in zf.infolist()]
    monkeypatch.setattr(discovery, "_checked_members", trust_declared_sizes)
    with pytest.raises(SubmissionUnreadable, match="unpacks to more than"):
        discovery.extract_zip(archive, tmp_path / "out")


def test_macosx_members_are_not_extracted(tmp_path, workdir):
    archive = make_zip(tmp_path / "student_a.zip", {"hw2.ipynb": NOTEBOOK, "__MACOSX/._hw2.ipynb": "junk"})
    entry = open_submission(archive, workdir=workdir)
    assert entry.path == workdir / "student_a" / "hw2.ipynb"
    assert not (workdir / "student_a" / "__MACOSX").exists()


# --- hashes ---------------------------------------------------------------------------------------
def test_file_and_zip_hashes_are_of_their_bytes(tmp_path, workdir):
    module = make_files(tmp_path, {"student_a.py": "X = 1"}) / "student_a.py"
    archive = make_zip(tmp_path / "student_b.zip", {"b.py": "X = 2"})
    for path in (module, archive):
        assert open_submission(path, workdir=workdir).sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_folder_hash_covers_names_and_contents_and_is_stable(tmp_path, workdir):
    sub = make_files(tmp_path / "student_a", {"hw2.ipynb": NOTEBOOK, "data/w.txt": "1"})
    first = open_submission(sub, workdir=workdir).sha256
    assert open_submission(sub, workdir=workdir).sha256 == first
    (sub / "data" / "w.txt").write_text("2", encoding="utf-8")
    changed_content = open_submission(sub, workdir=workdir).sha256
    (sub / "data" / "w.txt").rename(sub / "data" / "v.txt")
    renamed = open_submission(sub, workdir=workdir).sha256
    assert len({first, changed_content, renamed}) == 3


# --- symbolic links are never followed --------------------------------------------------------------
SECRET = "def relu(x):\n    return 'the reference answer'\n"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """What a link could point at: a file and a folder outside the class folder."""
    return make_files(tmp_path / "outside", {"reference.py": SECRET, "folder/solution.py": SECRET})


def test_entries_that_are_links_get_a_problem_and_nothing_they_point_at_is_read(tmp_path, workdir, outside,
                                                                                   monkeypatch):
    folder = make_files(tmp_path / "subs", {"honest.py": "X = 1"})
    (folder / "to_a_file.py").symlink_to(outside / "reference.py")
    (folder / "to_passwd.ipynb").symlink_to("/etc/passwd")
    (folder / "to_a_folder").symlink_to(outside / "folder", target_is_directory=True)
    (folder / "to_a_zip.zip").symlink_to(make_zip(tmp_path / "z.zip", {"a.py": SECRET}))
    (folder / "dangling.py").symlink_to(tmp_path / "nothing-here.py")
    opened = []
    real_open = open

    def watching_open(file, *args, **kwargs):
        opened.append(os.path.realpath(file) if isinstance(file, (str, Path)) else file)
        return real_open(file, *args, **kwargs)
    monkeypatch.setattr("builtins.open", watching_open)
    entries = by_student(discover(folder, workdir=workdir))
    monkeypatch.undo()
    assert set(entries) == {"honest", "to_a_file", "to_passwd", "to_a_folder", "to_a_zip", "dangling"}
    assert entries["honest"].problem is None
    for student in ("to_a_file", "to_passwd", "to_a_folder", "to_a_zip", "dangling"):
        entry = entries[student]
        assert "is a symbolic link, and it was not followed" in entry.problem, student
        assert entry.path == entry.origin == entry.root == folder / entry.origin.name
    assert not any(str(p).startswith((str(outside), "/etc", str(tmp_path / "z.zip"))) for p in opened)
    assert not list(workdir.iterdir())                       # the linked zip was not extracted
    assert entries["to_a_file"].sha256 != hashlib.sha256(SECRET.encode()).hexdigest()


def test_a_file_the_grader_could_block_on_is_a_problem(tmp_path, workdir):
    folder = make_files(tmp_path / "subs", {})
    os.mkfifo(folder / "pipe.py")
    (entry,) = discover(folder, workdir=workdir)             # returns: nothing waited on the pipe
    assert "not a regular file" in entry.problem


def test_links_and_pipes_inside_a_folder_are_left_out(tmp_path, workdir, outside):
    sub = make_files(tmp_path / "subs" / "student_a", {"notes.txt": "hi"})
    (sub / "solution.py").symlink_to(outside / "reference.py")
    (sub / "linked").symlink_to(outside / "folder", target_is_directory=True)
    os.mkfifo(sub / "pipe.ipynb")
    (entry,) = discover(tmp_path / "subs", workdir=workdir)
    assert "no .ipynb or .py file in it (found: notes.txt)" in entry.problem
    assert discovery.submission_files(entry) == []


def test_the_chosen_file_is_a_regular_file_inside_the_submission(tmp_path, workdir, outside):
    sub = make_files(tmp_path / "subs" / "student_a", {"hw2.ipynb": NOTEBOOK, "data/w.txt": "1"})
    (sub / "data" / "elsewhere.txt").symlink_to(outside / "reference.py")
    (entry,) = discover(tmp_path / "subs", workdir=workdir)
    assert (entry.path, entry.root, entry.problem) == (sub / "hw2.ipynb", sub, None)
    assert sorted(name for name, _ in discovery.submission_files(entry)) == ["data/w.txt", "hw2.ipynb"]
    with pytest.raises(SubmissionUnreadable, match="not a regular file inside the submission"):
        discovery._inside(sub, sub / "data" / "elsewhere.txt", "student_a")
    with pytest.raises(SubmissionUnreadable, match="not a regular file inside the submission"):
        discovery._inside(sub / "data", sub / "hw2.ipynb", "student_a")


def link_member(zf: zipfile.ZipFile, name: str, target: str) -> None:
    info = zipfile.ZipInfo(name)
    info.create_system = 3                                   # Unix: the mode is in the high bits
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    zf.writestr(info, target)


def test_zip_members_that_are_links_are_not_extracted(tmp_path, workdir, outside):
    archive = tmp_path / "student_a.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        link_member(zf, "hw2.py", str(outside / "reference.py"))
        link_member(zf, "passwd.ipynb", "/etc/passwd")
        zf.writestr("README.txt", "my homework")
    entry = open_submission(archive, workdir=workdir)
    assert "no .ipynb or .py file in it (found: README.txt)" in entry.problem
    extracted = [p for p in workdir.rglob("*")]
    assert all(not p.is_symlink() for p in extracted)
    assert sorted(p.name for p in extracted if p.is_file()) == ["README.txt"]


def test_a_zip_with_a_link_beside_the_notebook_grades_the_notebook(tmp_path, workdir, outside):
    archive = tmp_path / "student_a.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("hw2.ipynb", NOTEBOOK)
        link_member(zf, "helper.py", str(outside / "reference.py"))
    entry = open_submission(archive, workdir=workdir)
    assert (entry.path, entry.root, entry.problem) == (workdir / "student_a" / "hw2.ipynb", workdir / "student_a", None)
    assert not (workdir / "student_a" / "helper.py").exists()


def test_open_submission_follows_a_link_the_student_gives_it(tmp_path, workdir, outside):
    # `grader check link.ipynb` on a student's own machine: their own choice to follow it.
    link = tmp_path / "mine.py"
    link.symlink_to(outside / "reference.py")
    entry = open_submission(link, workdir=workdir)
    assert entry.problem is None and entry.path == link


def test_a_very_long_name_gets_a_short_distinct_id():
    long_a, long_b = "a" * 240 + "x.py", "a" * 240 + "y.py"
    ids = [student_id(long_a), student_id(long_b)]
    assert all(len(i) <= 80 for i in ids) and ids[0] != ids[1]
    assert ids[0].startswith("aaaa")


def test_names_the_reports_folder_uses_are_never_student_ids():
    assert student_id("index.py") != "index"
    assert student_id("grades.ipynb") != "grades"
    assert student_id("junit.py") != "junit"


def test_a_course_package_copied_deep_in_a_submission_is_named_from_the_package_up(tmp_path):
    """CS231n students hand in their whole assignment2/ folder: with import_as = cs231n.layers, the
    worker's copy starts at cs231n/, so `import cs231n.layers` finds the student's file."""
    student = tmp_path / "class" / "kim"
    for name in ("assignment2/cs231n/layers.py", "assignment2/cs231n/__init__.py", "assignment2/notes.txt", "notes.txt"):
        (student / name).parent.mkdir(parents=True, exist_ok=True)
        (student / name).write_text("x = 1\n")
    (entry,) = discover(tmp_path / "class", workdir=tmp_path / "work", prefer=("layers.py",))
    assert entry.path.name == "layers.py"
    named = sorted(name for name, _ in discovery.submission_files(entry, ("cs231n.layers",)))
    assert named == ["cs231n/__init__.py", "cs231n/layers.py", "notes.txt"]   # outside assignment2/: not copied
    assert sorted(name for name, _ in discovery.submission_files(entry)) == [
        "assignment2/cs231n/__init__.py", "assignment2/cs231n/layers.py", "assignment2/notes.txt", "notes.txt"]
    # a graded file that is not in such folders keeps every name
    assert len(discovery.submission_files(entry, ("other.layers",))) == 4
