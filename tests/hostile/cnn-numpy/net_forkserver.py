# Looks for the grader's own listeners on the host's temporary folders (the sockets multiprocessing's
# forkserver and managers listen on, in pymp-* folders) and connects to every unix socket it finds.
import glob
import os
import socket
import stat
import tempfile


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def relu(x):
    """ATTACK: connect to every unix socket under /tmp, /var/tmp, /dev/shm and $TMPDIR (pymp-* first)."""
    _hostile_uid()
    folders = {tempfile.gettempdir(), "/tmp", "/var/tmp", "/dev/shm", os.environ.get("TMPDIR", "/tmp")}
    candidates = []
    for folder in folders:
        candidates += glob.glob(os.path.join(folder, "pymp-*", "*")) + glob.glob(os.path.join(folder, "*"))
    reached, seen = [], 0
    for path in candidates:
        try:
            if not stat.S_ISSOCK(os.stat(path).st_mode):
                continue
        except OSError:
            continue
        seen += 1
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
                conn.settimeout(0.5)
                conn.connect(path)
                reached.append(path)
        except OSError:
            pass
    if reached:
        print(f"HOSTILE-BREACH connected to {', '.join(reached)}")
    raise ConnectionRefusedError(f"hostile: tried {seen} unix sockets of the host's temporary folders")
