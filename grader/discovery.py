"""Find the submissions in a folder: one entry per student, each pointing at the file to grade.

    discover(folder, workdir=...) -> [SubmissionFile, ...]      a class, sorted by student id
    open_submission(path, workdir=...) -> SubmissionFile        one file, folder or zip

An entry is a ``.py``, a ``.ipynb``, a folder, or a ``.zip`` of either. LMS download names
(Moodle, Canvas, Blackboard) give the student id and, where the name has one, the submission time.
Nothing here raises for one bad submission: the entry carries the problem, so the student still
gets a report that says what was wrong, and the rest of the class is graded.

Symbolic links are never followed, because the grader would read what they point at with its own
rights (the reference, another student's work, ``/etc/passwd``): an entry of the class folder that
is a link gets a problem saying so, links inside folders are left out, zip members that are links
are not extracted, and the file chosen to grade is a regular file inside the submission.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import os
import re
import stat
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable

from grader.errors import GraderError, SubmissionUnreadable
from grader.layout import RESERVED_IDS

GRADABLE_SUFFIXES = (".ipynb", ".py")
# Files a student may have submitted instead of a notebook: they get a report saying why it could
# not be graded. Anything else in the folder (an LMS receipt .txt, a grades.csv) is ignored.
_UNGRADABLE_SUFFIXES = (".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".pdf", ".html", ".docx")
_JUNK_NAMES = frozenset({"__pycache__", ".ipynb_checkpoints", "__MACOSX"})

MAX_ZIP_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 2000
_COPY_CHUNK = 1024 * 1024

# Moodle: "Doe Jane_123456_assignsubmission_file_" (a folder) or "..._assignsubmission_file_hw2.ipynb".
_MOODLE = re.compile(r"^(?P<name>.+?)_\d+_assignsubmission_[a-z]+_", re.IGNORECASE)
# Canvas: "doejane_12345_6789012_hw2.ipynb", late ones "doejane_LATE_12345_6789012_hw2.ipynb".
_CANVAS = re.compile(r"^(?P<name>[a-z0-9-]+?)(?:_late)?_\d+_\d+_.", re.IGNORECASE)
# Blackboard: "Assignment 2_username_attempt_2026-10-03-14-22-10_hw2.ipynb". The username is the
# last segment before "_attempt_"; when that is a bare number ("doe_jane_40017_attempt_..."), the
# name before it belongs to the id too, or every such student would be "assignment_2"-like.
_BLACKBOARD = re.compile(r"^(?P<prefix>.*?)_?(?P<user>[^_]+)_attempt_(?P<time>\d{4}(?:-\d\d){5})(?:_|\.|$)")


@dataclass(frozen=True)
class SubmissionFile:
    student: str               # stable id, safe in file names: [a-z0-9_.-]
    path: Path                 # the .py or .ipynb to load (inside the extracted zip or folder)
    origin: Path               # what was found in the submissions folder: file, folder or zip
    sha256: str                # of the file; of a zip's bytes; of a folder's files (names included)
    submitted_at: str | None   # ISO time when the LMS name carries one
    problem: str | None = None  # why this submission cannot be loaded; None when it can
    root: Path | None = None   # what holds the submission's files: the file or folder itself, or the
                               # folder its zip was extracted to; ``path`` lies inside it when loadable


def discover(folder: Path, *, workdir: Path, prefer: tuple[str, ...] = ()) -> list[SubmissionFile]:
    """One entry per submission in ``folder``, sorted by student id.

    Ids are unique: entries that would share one get ``-2``, ``-3``, ... in the order of their
    names. Zips are extracted under ``workdir``. Raises only when ``folder`` is not a folder.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise GraderError(f"{folder}: not a folder of submissions. Give the folder that holds one file, "
                          f"folder or zip per student (for a single file use `grader check`).")
    workdir = Path(workdir)
    found = [p for p in sorted(folder.iterdir(), key=lambda p: p.name)
             if _is_submission(p) and os.path.realpath(p) != os.path.realpath(workdir)]
    ids = _unique_ids([student_id(p.name) for p in found])
    return sorted((_open(p, student, workdir, prefer, follow_link=False) for p, student in zip(found, ids)),
                  key=lambda entry: entry.student)


def open_submission(path: Path, *, workdir: Path, prefer: tuple[str, ...] = ()) -> SubmissionFile:
    """The entry for one file, folder or zip. A path that does not exist raises
    :class:`SubmissionUnreadable`; anything wrong with what is there goes in ``problem``.

    This is a student's own work on their own machine (``grader check``, ``grader ci``), so a link
    given as ``path`` itself is followed; links inside a folder or zip still are not."""
    path = Path(path)
    if not path.exists():
        raise SubmissionUnreadable(f"{path}: no such file or folder. Check the path and try again.")
    return _open(path, student_id(path.absolute().name), Path(workdir), prefer, follow_link=True)


# --- names --------------------------------------------------------------------------------------
def student_id(name: str) -> str:
    """A stable id from an entry's name: the LMS user or name part, else the sanitised stem.

    >>> student_id("Doe Jane_123456_assignsubmission_file_")
    'doe_jane'
    """
    blackboard = _BLACKBOARD.match(name)
    if blackboard:
        user = blackboard.group("user")
        return _safe(f"{blackboard.group('prefix')}_{user}" if user.isdigit() else user)
    for pattern in (_MOODLE, _CANVAS):
        match = pattern.match(name)
        if match:
            return _safe(match.group("name"))
    return _safe(_stem(name))


def submitted_at(name: str) -> str | None:
    """The ISO submission time an LMS name carries (Blackboard's do), else None."""
    match = _BLACKBOARD.match(name)
    if not match:
        return None
    try:
        return datetime.datetime.strptime(match.group("time"), "%Y-%m-%d-%H-%M-%S").isoformat()
    except ValueError:   # a name that only looks like a timestamp, e.g. month 13
        return None


def file_time(origin: Path) -> str:
    """When ``origin`` was last modified, as ISO time with this machine's UTC offset: the file's
    time, or the newest file's in a folder."""
    origin = Path(origin)
    if origin.is_symlink():   # the link's own time: what it points at is not the submission
        newest = origin.lstat().st_mtime
    else:
        files = [origin / f for f in _files_under(origin)] if origin.is_dir() else [origin]
        newest = max((p.stat().st_mtime for p in files), default=origin.stat().st_mtime)
    return datetime.datetime.fromtimestamp(int(newest)).astimezone().isoformat()


def with_file_times(entries: list[SubmissionFile]) -> list[SubmissionFile]:
    """``entries`` with a submission time from file metadata where the name carried none."""
    return [entry if entry.submitted_at else dataclasses.replace(entry, submitted_at=file_time(entry.origin))
            for entry in entries]


def _stem(name: str) -> str:
    for suffix in (*GRADABLE_SUFFIXES, ".zip", *_UNGRADABLE_SUFFIXES):
        if name.lower().endswith(suffix):
            return name[:-len(suffix)]
    return name


MAX_ID_CHARS = 80
# Names the reports folder uses for itself: a student called "index" must not overwrite the overview.


def _safe(text: str) -> str:
    # Ids become report file names: ASCII only (accents folded), no separators, not hidden, short
    # enough for any file system (a long name keeps its start and gets a digest of the whole), and
    # never one of the reports folder's own names.
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    safe = re.sub(r"[^a-z0-9_.-]+", "_", ascii_text.lower()).strip("_.-")
    if len(safe) > MAX_ID_CHARS:
        digest = hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:10]
        safe = f"{safe[:MAX_ID_CHARS - 11].rstrip('_.-')}-{digest}"
    if safe in RESERVED_IDS:
        safe = f"{safe}_"
    return safe or "student"


def _unique_ids(ids: list[str]) -> list[str]:
    """``ids`` with repeats renamed ``id-2``, ``id-3``, ..., never to an id another entry has."""
    taken = set(ids)
    seen: set[str] = set()
    unique = []
    for raw in ids:
        candidate, n = raw, 1
        while candidate in seen or (candidate != raw and candidate in taken):
            n += 1
            candidate = f"{raw}-{n}"
        seen.add(candidate)
        unique.append(candidate)
    return unique


def _is_junk(name: str) -> bool:
    return name.startswith(".") or name in _JUNK_NAMES


def _is_submission(path: Path) -> bool:
    if _is_junk(path.name):
        return False
    if path.suffix.lower() in (*GRADABLE_SUFFIXES, ".zip", *_UNGRADABLE_SUFFIXES):
        return True
    if path.is_symlink():   # stat only, nothing read: a link to a folder stands for a student too
        return os.path.isdir(path)
    return path.is_dir()


# --- one entry ------------------------------------------------------------------------------------
def _open(path: Path, student: str, workdir: Path, prefer: tuple[str, ...], *, follow_link: bool) -> SubmissionFile:
    """The entry for ``path``; a problem with it is caught and carried, never raised."""
    if path.is_symlink() and not follow_link:
        return SubmissionFile(student=student, path=path, origin=path, sha256=_link_digest(path),
                              submitted_at=submitted_at(path.name), root=path,
                              problem=(f"{path.name}: is a symbolic link, and it was not followed: the grader does "
                                       f"not read what a link points to. Submit the notebook, module, folder or "
                                       f"zip itself."))
    if not path.is_dir() and not _is_regular_file(path):
        return SubmissionFile(student=student, path=path, origin=path, sha256=hashlib.sha256(b"").hexdigest(),
                              submitted_at=submitted_at(path.name), root=path,
                              problem=f"{path.name}: not a regular file, so it was not read. Submit your notebook "
                                      f"(.ipynb) or module (.py), or a .zip that holds it.")
    problem, target, root = None, path, path
    try:
        target, root = _file_to_grade(path, student, workdir, prefer)
    except SubmissionUnreadable as exc:
        problem = str(exc)
    return SubmissionFile(student=student, path=target, origin=path, sha256=_sha256_of(path),
                          submitted_at=submitted_at(path.name), problem=problem, root=root)


def _is_regular_file(path: Path) -> bool:
    """A regular file (following a link only where links are allowed: ``open_submission``'s path)."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _link_digest(path: Path) -> str:
    """A link's hash is of where it points (its text), never of what is there."""
    try:
        return hashlib.sha256(b"symlink\0" + os.fsencode(os.readlink(path))).hexdigest()
    except OSError:
        return hashlib.sha256(b"").hexdigest()


def _file_to_grade(path: Path, student: str, workdir: Path, prefer: tuple[str, ...]) -> tuple[Path, Path]:
    """The file to grade, and the root it must lie in (the folder, the file itself, or the folder
    its zip was extracted to)."""
    if path.is_dir():
        return _choose_in_folder(path, path.name, student, workdir, prefer)
    suffix = path.suffix.lower()
    if suffix in GRADABLE_SUFFIXES:
        return path, path
    if suffix == ".zip":
        root = extract_zip(path, _fresh_dir(workdir, student))
        return _choose_in_folder(root, path.name, student, workdir, prefer, zips_allowed=False)
    raise SubmissionUnreadable(f"{path.name}: cannot grade a '{path.suffix}' file. Submit your notebook "
                               f"(.ipynb) or module (.py), or a .zip that holds it.")


def _choose_in_folder(root: Path, label: str, student: str, workdir: Path, prefer: tuple[str, ...],
                      zips_allowed: bool = True) -> tuple[Path, Path]:
    """The one .py/.ipynb to grade under ``root`` (and ``root``): the only one, else a ``prefer``
    name, else the only notebook. A folder whose only content is one zip (an LMS folder around an
    upload) is looked into once."""
    files = _files_under(root)
    candidates = [f for f in files if f.suffix.lower() in GRADABLE_SUFFIXES and not _is_test_file(f)]
    zips = [f for f in files if f.suffix.lower() == ".zip"]
    if not candidates and zips_allowed and len(zips) == 1:
        inner = extract_zip(root / zips[0], _fresh_dir(workdir, student))
        return _choose_in_folder(inner, f"{label}/{zips[0]}", student, workdir, prefer, zips_allowed=False)
    chosen = _choose(candidates, prefer)
    if chosen is not None:
        return _inside(root, root / chosen, label), root
    if not candidates:
        seen = ", ".join(str(f) for f in files[:10]) or "nothing"
        raise SubmissionUnreadable(f"{label}: no .ipynb or .py file in it (found: {seen}). "
                                   f"Submit your notebook or module.")
    raise SubmissionUnreadable(f"{label}: cannot tell which file to grade among "
                               f"{', '.join(str(c) for c in candidates)}. Submit only your solution"
                               + (f", named {' or '.join(prefer)}." if prefer else "."))


def _choose(candidates: list[PurePosixPath], prefer: tuple[str, ...]) -> PurePosixPath | None:
    """The only candidate; else the one a ``prefer`` name picks; else the only notebook; else None."""
    if len(candidates) == 1:
        return candidates[0]
    for name in prefer:
        for matches in _name_matchers(name):
            hits = [c for c in candidates if matches(c)]
            depth = min((len(h.parts) for h in hits), default=0)
            shallowest = [h for h in hits if len(h.parts) == depth]   # hw/x.ipynb over hw/old/x.ipynb
            if len(shallowest) == 1:
                return shallowest[0]
    notebooks = [c for c in candidates if c.suffix.lower() == ".ipynb"]
    return notebooks[0] if len(notebooks) == 1 else None


def _name_matchers(name: str) -> list[Callable[[PurePosixPath], bool]]:
    """Tests from strict to loose: a renamed copy ("Copy of cnn_numpy.ipynb", "cnn_numpy (1).ipynb")
    of the starter still counts, when it is the only one."""
    stem, suffix = _safe(_stem(name)), Path(name).suffix.lower()
    return [lambda c: c.name == name,
            lambda c: c.name.lower() == name.lower(),
            lambda c: c.suffix.lower() == suffix and stem in _safe(c.stem)]


def _is_test_file(path: PurePosixPath) -> bool:
    name = path.name.lower()
    in_tests = any(part.lower() in ("test", "tests") for part in path.parts[:-1])
    return in_tests or name == "conftest.py" or name.startswith("test_") or name.endswith("_test.py")


def _inside(root: Path, chosen: Path, label: str) -> Path:
    """``chosen``, checked to be a regular file (not a link) whose real path lies under ``root``'s."""
    try:
        real_root, real = root.resolve(strict=True), chosen.resolve(strict=True)
        regular = stat.S_ISREG(os.lstat(chosen).st_mode)
    except (OSError, RuntimeError):   # gone, or a loop of links
        regular = False
    if not regular or not real.is_relative_to(real_root):
        raise SubmissionUnreadable(f"{label}: {chosen.name} is not a regular file inside the submission "
                                   f"(a symbolic link?), so it was not read. Submit the file itself.")
    return chosen


def _files_under(root: Path) -> list[PurePosixPath]:
    """Regular files under ``root``, relative, sorted; junk folders, hidden files and symlinks
    (which could point out of the submission) left out, and so are pipes, sockets and devices
    (reading one could block the grader forever)."""
    found = []
    for folder, dirs, names in os.walk(root, followlinks=False):
        dirs[:] = [d for d in dirs if not _is_junk(d)]
        for name in names:
            full = Path(folder) / name
            try:
                regular = stat.S_ISREG(os.lstat(full).st_mode)   # lstat: a link is never regular
            except OSError:
                regular = False
            if not _is_junk(name) and regular:
                found.append(PurePosixPath(full.relative_to(root).as_posix()))
    return sorted(found, key=str)


def submission_files(entry: SubmissionFile, import_as: tuple[str, ...] = ()) -> list[tuple[str, Path]]:
    """The submission's own regular files as (name relative to its root, path), links left out:
    what each worker gets a private copy of. None for an entry that cannot be loaded.

    With ``import_as`` (``cs231n.classifiers.cnn``): where the graded file lies in folders named
    like that package inside the submission (``assignment2/cs231n/classifiers/cnn.py``), the files
    are named from the package's folder up (``cs231n/...``), so the package imports as the course
    lays it out, however deep the student's copy of the course sits."""
    root = entry.root or entry.origin
    if entry.problem is not None or root.is_symlink():
        return []
    if not root.is_dir():
        return [(root.name, root)] if _is_regular_file(root) else []
    files = [(relative, root / relative) for relative in _files_under(root)]
    try:
        graded = entry.path.relative_to(root)
    except ValueError:
        graded = None
    for name in import_as[:1]:
        folders = tuple(name.split(".")[:-1])
        if graded is None or not folders or graded.parent.parts[-len(folders):] != folders:
            continue
        top = PurePosixPath(graded.parents[len(folders)].as_posix())
        if top != PurePosixPath("."):
            files = [(r.relative_to(top), p) for r, p in files if r.is_relative_to(top)]
    return [(str(r), p) for r, p in files]


def _fresh_dir(workdir: Path, student: str) -> Path:
    """``workdir/<student>``, or ``<student>-2``, ... when taken: we never write over a folder."""
    target, n = workdir / student, 1
    while target.exists():
        n += 1
        target = workdir / f"{student}-{n}"
    return target


# --- hashing ------------------------------------------------------------------------------------
def _sha256_of(path: Path) -> str:
    """Of a file's bytes (a zip's too: the exact upload), or of a folder's files: each name and
    content, in sorted order, so renaming a file changes the hash."""
    try:
        if path.is_symlink():
            return _link_digest(path)
        if not path.is_dir():
            return _file_digest(path).hex()
        digest = hashlib.sha256()
        for relative in _files_under(path):
            digest.update(str(relative).encode() + b"\0" + _file_digest(path / relative))
        return digest.hexdigest()
    except OSError:   # unreadable: the loader will say why; an empty hash says we could not read it
        return hashlib.sha256(b"").hexdigest()


def _file_digest(path: Path) -> bytes:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_COPY_CHUNK), b""):
            digest.update(chunk)
    return digest.digest()


# --- zips -------------------------------------------------------------------------------------------
def extract_zip(archive: Path, target: Path) -> Path:
    """Extract ``archive`` into ``target`` and return it, refusing what could escape ``target``
    (absolute or ``..`` names) or fill the disk (more than 200 MB or 2000 members).

    Raises :class:`SubmissionUnreadable` for a corrupt, encrypted or refused archive.
    """
    try:
        with zipfile.ZipFile(archive) as zf:
            members = _checked_members(zf, archive.name)
            target.mkdir(parents=True, exist_ok=True)
            budget = MAX_ZIP_BYTES
            for info, relative in members:
                budget = _extract_member(zf, info, target / relative, budget, archive.name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError,
            OSError) as exc:   # corrupt, zip64 oddities, unknown compression, encrypted, truncated
        raise SubmissionUnreadable(f"{archive.name}: not a readable zip file ({exc}). Create the zip again "
                                   f"(or submit the .ipynb itself) and upload it again.") from exc
    return target


def _checked_members(zf: zipfile.ZipFile, label: str) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise SubmissionUnreadable(f"{label}: {len(infos)} files in the zip (at most {MAX_ZIP_MEMBERS}). "
                                   f"Zip only your solution, without data sets or environments.")
    if sum(info.file_size for info in infos) > MAX_ZIP_BYTES:
        raise SubmissionUnreadable(f"{label}: unpacks to more than {MAX_ZIP_BYTES // 2**20} MB. "
                                   f"Zip only your solution, without data sets or model weights.")
    members = []
    for info in infos:
        relative = _safe_member_path(info.filename, label)
        if not info.is_dir() and not _is_link_member(info) and relative.parts and relative.parts[0] != "__MACOSX":
            members.append((info, relative))
    return members


def _is_link_member(info: zipfile.ZipInfo) -> bool:
    """A member stored as a symbolic link (Unix mode in the high bits of ``external_attr``): it is
    left out, like a link in a folder, never made into a link or a file holding its target."""
    mode = info.external_attr >> 16
    return stat.S_ISLNK(mode) if mode else False


def _safe_member_path(name: str, label: str) -> PurePosixPath:
    """The member's path, relative and inside the archive's folder; raises for zip-slip names."""
    posix = name.replace("\\", "/")   # zips made on Windows may use backslashes
    path = PurePosixPath(posix)
    if posix.startswith("/") or re.match(r"^[A-Za-z]:", posix) or ".." in path.parts:
        raise SubmissionUnreadable(f"{label}: refused: the member '{name}' would be written outside the "
                                   f"folder it is extracted to. Zip your files with relative names.")
    return PurePosixPath(*[p for p in path.parts if p not in ("", ".")])


def _extract_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, destination: Path, budget: int,
                    label: str) -> int:
    """Copy one member; returns the byte budget left. The declared sizes were checked, but a
    crafted archive can lie about them, so the bytes actually written are counted too."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    with zf.open(info) as source, open(destination, "wb") as sink:
        for chunk in iter(lambda: source.read(_COPY_CHUNK), b""):
            budget -= len(chunk)
            if budget < 0:
                raise SubmissionUnreadable(f"{label}: unpacks to more than {MAX_ZIP_BYTES // 2**20} MB. "
                                           f"Zip only your solution, without data sets or model weights.")
            sink.write(chunk)
    return budget
