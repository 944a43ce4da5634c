"""Linux namespaces and mounts for the worker sandbox, in the standard library and ``ctypes`` only.

This module runs inside the sandbox (the zygote imports it), so it imports nothing of the grader.

- :func:`enter_view`: the zygote's own confinement when bubblewrap is not used. A new mount,
  network, IPC and UTS namespace (and a user namespace when not root); a fresh root on a tmpfs that
  holds only the paths of the :class:`View` (the interpreter, site-packages, the grader's engine,
  the scratch folder), read-only but for the scratch folder; ``pivot_root`` into it. The project
  tree, ``.git``, the reference, other submissions and the reports are simply not there.
- :func:`isolate_worker`: for each worker, a pid namespace of its own (so everything it starts
  dies with it, and no process outside can be named, let alone signalled), a private ``/proc`` and
  ``/tmp``, and an unprivileged uid with no capabilities.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import signal
import stat
from dataclasses import dataclass, field
from typing import Sequence

# How the grader is told which confinement to use: read by grader.sandbox, and by grader.processes
# (here, light to import, for `grader grade` to read before it imports the sandbox).
SANDBOX_ENV = "GRADER_SANDBOX"   # bubblewrap | namespaces | rlimits | none; unset: the strongest available
FALLBACK_ENV = "GRADER_SANDBOX_FALLBACK"   # "rlimits": the automatic choice may end at rlimits (grader check/ci)

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MS_NOATIME, MS_NODIRATIME, MS_RELATIME = 1024, 2048, 1 << 21
MNT_DETACH = 2

PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS = 1, 4, 38

NOBODY = 65534
_SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}
_ST_TO_MS = ((os.ST_RDONLY, MS_RDONLY), (os.ST_NOSUID, MS_NOSUID), (os.ST_NODEV, MS_NODEV),
             (os.ST_NOEXEC, MS_NOEXEC), (os.ST_NOATIME, MS_NOATIME), (os.ST_NODIRATIME, MS_NODIRATIME),
             (os.ST_RELATIME, MS_RELATIME))


class ConfineError(OSError):
    """A namespace or mount could not be made; the message names which."""


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise ConfineError(err, f"{what}: {os.strerror(err)}")


def prctl(option: int, value: int) -> None:
    _check(_libc().prctl(option, ctypes.c_ulong(value), 0, 0, 0), f"prctl({option})")


def unshare(flags: int) -> None:
    _check(_libc().unshare(flags), f"unshare({flags:#x})")


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    enc = (lambda s: None if s is None else s.encode())
    _check(_libc().mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)),
           f"mount {source or fstype} on {target}")


def really_root() -> bool:
    """Whether this process is root with root's rights on the machine's files: uid 0, and uid 0 of
    its user namespace is uid 0 outside it. A rootless container's root (``unshare --map-root-user``,
    podman) is uid 0 mapped to a normal user: it cannot become nobody (no other uid is mapped) and
    has no more rights than that user, so it is sandboxed as a normal user is."""
    if os.getuid() != 0:
        return False
    try:
        with open("/proc/self/uid_map") as f:
            for line in f:
                inside, outside, count = (int(n) for n in line.split())
                if inside <= 0 < inside + count:
                    return outside - inside == 0
    except (OSError, ValueError):
        return True   # no /proc: assume the worst, that root is root
    return False


def map_ids(inside: int, outside_uid: int, outside_gid: int) -> None:
    """After unshare(CLONE_NEWUSER): map one uid and gid (the only mapping an unprivileged process may write)."""
    with open("/proc/self/setgroups", "w") as f:
        f.write("deny")
    with open("/proc/self/uid_map", "w") as f:
        f.write(f"{inside} {outside_uid} 1")
    with open("/proc/self/gid_map", "w") as f:
        f.write(f"{inside} {outside_gid} 1")


def drop_capabilities() -> None:
    """Empty effective, permitted and inheritable sets (a root-in-its-own-user-namespace keeps none)."""
    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]
    header, data = Header(0x20080522, 0), (Data * 2)()
    _check(_libc().capset(ctypes.byref(header), ctypes.byref(data)), "capset")


# --- the zygote's view of the filesystem ---------------------------------------------------------
@dataclass(frozen=True)
class View:
    """What a worker may see: read-only paths, writable paths, and paths covered by an empty tmpfs."""
    readonly: tuple[str, ...]
    writable: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()
    system: tuple[str, ...] = field(default=("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"))
    devices: tuple[str, ...] = ()   # device files besides null, zero, ...: a GPU's (grader.devices)

    def under_tmp(self) -> list[tuple[str, bool]]:
        """The view's paths below /tmp, with whether each is read-only."""
        below = lambda p: p.startswith("/tmp/")
        return [(p, True) for p in self.readonly if below(p)] + [(p, False) for p in self.writable if below(p)]

    def as_plain(self) -> dict[str, list[str]]:
        return {"readonly": list(self.readonly), "writable": list(self.writable), "hidden": list(self.hidden),
                "system": list(self.system), "devices": list(self.devices)}

    @classmethod
    def from_plain(cls, plain: dict[str, list[str]]) -> "View":
        return cls(tuple(plain["readonly"]), tuple(plain["writable"]), tuple(plain["hidden"]), tuple(plain["system"]),
                   tuple(plain.get("devices", ())))


def _mkdirs(path: str) -> None:
    os.makedirs(path, mode=0o755, exist_ok=True)


def _bind(source: str, target: str, readonly: bool, source_is_dir: bool | None = None) -> None:
    """Bind ``source`` at ``target`` (creating it), read-only unless asked. A symlink is copied as a
    symlink (merged-/usr systems have /bin -> usr/bin)."""
    if os.path.islink(source) and os.path.dirname(source) == "/":
        if not os.path.lexists(target):
            os.symlink(os.readlink(source), target)
        return
    if os.path.isdir(source) if source_is_dir is None else source_is_dir:
        _mkdirs(target)
    else:
        _mkdirs(os.path.dirname(target))
        if not os.path.exists(target):
            open(target, "a").close()
    mount(source, target, None, MS_BIND | MS_REC)
    if readonly:
        _remount_readonly(target)


def _remount_readonly(target: str) -> None:
    kept = 0
    flags = os.statvfs(target).f_flag
    for st, ms in _ST_TO_MS:
        if flags & st:
            kept |= ms
    # Locked flags of the original mount must be repeated, or the kernel refuses the remount.
    mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | kept)


def enter_view(view: View, new_root: str) -> list[str]:
    """Confine this process (the zygote) to ``view``; returns what was set up, for the report.

    As root: new mount/net/IPC/UTS namespaces. As another user: the same inside a new user
    namespace where that user is root (so it may mount), which workers leave again.
    """
    uid, gid = os.getuid(), os.getgid()
    flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
    if uid != 0:
        flags |= CLONE_NEWUSER
    unshare(flags)
    if uid != 0:
        map_ids(0, uid, gid)
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    _mkdirs(new_root)
    mount("tmpfs", new_root, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=16m")
    for path in view.system:
        if os.path.lexists(path):
            _bind(path, new_root + path, readonly=True)
    for path in view.readonly:
        if os.path.exists(path):
            _bind(path, new_root + path, readonly=True)
    for path in view.writable:
        _bind(path, new_root + path, readonly=False)
    for path in view.hidden:
        if os.path.isdir(new_root + path):
            mount("tmpfs", new_root + path, "tmpfs", MS_NOSUID | MS_NODEV | MS_RDONLY, "size=4k,mode=0555")
    _make_dev(new_root + "/dev", view.devices)
    for name in ("tmp", "proc", "old_root"):
        _mkdirs(f"{new_root}/{name}")
    os.chmod(f"{new_root}/tmp", 0o1777)
    mount("/proc", f"{new_root}/proc", None, MS_BIND | MS_REC)   # the zygote's; each worker mounts its own
    old = f"{new_root}/old_root"
    _check(_libc().syscall(_SYS_PIVOT_ROOT[platform.machine()], new_root.encode(), old.encode()), "pivot_root")
    os.chdir("/")
    _check(_libc().umount2(b"/old_root", MNT_DETACH), "umount old root")
    os.rmdir("/old_root")
    return ["namespaces: mount, network, IPC, UTS" + (", user" if uid != 0 else ""), "only the interpreter, "
            "site-packages and the grader's engine are visible"]


def _make_dev(dev: str, extra: Sequence[str] = ()) -> None:
    _mkdirs(dev)
    mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k")
    names = ["null", "zero", "full", "random", "urandom", "tty", *(p.removeprefix("/dev/") for p in extra)]
    for name in names:
        if os.path.exists(f"/dev/{name}"):
            open(f"{dev}/{name}", "a").close()
            mount(f"/dev/{name}", f"{dev}/{name}", None, MS_BIND)
    _mkdirs(f"{dev}/shm")
    os.chmod(f"{dev}/shm", 0o1777)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                         ("stderr", "/proc/self/fd/2")):
        os.symlink(target, f"{dev}/{name}")


# --- one worker ---------------------------------------------------------------------------------
def enter_worker_namespaces(flags: int) -> None:
    """In the keeper process (the worker's parent): unshare, so the next child is pid 1 of a new
    pid namespace. When that child ends, the kernel kills every process left in it."""
    uid, gid = os.getuid(), os.getgid()
    unshare(flags)
    if flags & CLONE_NEWUSER:
        # The zygote is not dumpable, and a non-dumpable process's /proc/self files belong to root:
        # it could not write its own uid_map. Dumpable only while mapping, before any student code.
        prctl(PR_SET_DUMPABLE, 1)
        try:
            map_ids(NOBODY, uid, gid)
        finally:
            prctl(PR_SET_DUMPABLE, 0)


def isolate_worker(scratch: str, tmp_mb: int, own_mounts: bool, under_tmp: list[tuple[str, bool]],
                   drop_uid: bool) -> list[str]:
    """In the worker (pid 1 of its namespace), before any student code: a private /proc and /tmp,
    its scratch folder on a size-limited tmpfs, then nobody with no capabilities. Returns what
    could not be done. ``under_tmp`` lists the view's paths below /tmp (a project cloned under
    /tmp), which are bound again on top of the private /tmp."""
    lacking: list[str] = []
    if own_mounts:
        try:
            mount(None, "/", None, MS_REC | MS_PRIVATE)
            # The view's root is one tmpfs shared by every worker of this zygote: read-only here, or
            # one student could leave files there for the next (as a normal user the worker owns it).
            _remount_readonly("/")
            _private_proc(lacking)
            kept = [(path, readonly, os.open(path, os.O_PATH)) for path, readonly in under_tmp if os.path.exists(path)]
            mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, f"size={tmp_mb * 2**20},mode=1777")
            for path, readonly, fd in kept:
                _bind(f"/proc/self/fd/{fd}", path, readonly, source_is_dir=os.path.isdir(f"/proc/self/fd/{fd}"))
                os.close(fd)
            _private_tmpfs(scratch, tmp_mb, keep_files=True)
            if os.path.isdir("/dev/shm"):
                mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, f"size={tmp_mb * 2**20},mode=1777")
        except (ConfineError, OSError) as exc:
            lacking.append(f"a private, size-limited /tmp and scratch folder ({exc})")
    else:
        lacking.append("a private /proc and /tmp")
    if drop_uid and os.getuid() == 0:
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)        # from root to nobody: the kernel clears every capability
    elif os.getuid() != 0 or not drop_uid:
        try:
            drop_capabilities()
        except ConfineError as exc:
            lacking.append(str(exc))
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    return lacking


def _private_proc(lacking: list[str]) -> None:
    try:
        mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    except ConfineError:
        try:   # a /proc that shows no process beats one that shows the grader's
            mount("tmpfs", "/proc", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, "size=4k")
            lacking.append("a /proc of its own (it gets an empty /proc instead)")
        except ConfineError as exc:
            lacking.append(f"a private /proc ({exc})")


def _private_tmpfs(target: str, size_mb: int, keep_files: bool) -> None:
    """Mount a tmpfs of ``size_mb`` over ``target``, carrying over its regular files when asked
    (the grader's private copy of the submission lies in the scratch folder)."""
    files: dict[str, bytes] = {}
    if keep_files:
        for folder, _, names in os.walk(target):
            for name in names:
                full = os.path.join(folder, name)
                if stat.S_ISREG(os.lstat(full).st_mode):
                    with open(full, "rb") as handle:
                        files[os.path.relpath(full, target)] = handle.read()
    size = size_mb * 2**20 + sum(len(b) for b in files.values())
    mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, f"size={size},mode=1777")
    for relative, content in files.items():
        path = os.path.join(target, relative)
        _mkdirs(os.path.dirname(path))
        with open(path, "wb") as handle:
            handle.write(content)
        os.chmod(path, 0o644)
    for folder, dirs, _ in os.walk(target):
        for d in dirs:
            os.chmod(os.path.join(folder, d), 0o777)


def mirror_exit(status: int) -> None:
    """End this process the way the worker ended (the zygote reports it): same signal or code."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            signal.signal(sig, signal.SIG_DFL)   # SIGKILL and SIGSTOP have no handler to reset
        except (OSError, ValueError):
            pass
        os.kill(os.getpid(), sig)
        os._exit(128 + sig)
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)


def wait_status_text(status: int) -> str:
    """A wait status as the reports give it: "exit status N" or "killed by signal N (NAME)"."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = "unknown signal"
        return f"killed by signal {sig} ({name})"
    if os.WIFEXITED(status):
        return f"exit status {os.WEXITSTATUS(status)}"
    return f"wait status {status}"


def errno_name(exc: OSError) -> str:
    return errno.errorcode.get(exc.errno or 0, "?")
