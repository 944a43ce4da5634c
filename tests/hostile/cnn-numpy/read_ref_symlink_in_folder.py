# Handed in as a folder that also holds `reference_link.py`, a symbolic link to the reference (the
# builder in corpus.py makes it). The folder's path comes from the grader's command line.
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def _hostile_folders():
    folders = []
    for pid in sorted(int(p) for p in os.listdir("/proc") if p.isdigit()):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                argv = [a.decode(errors="replace") for a in handle.read().split(b"\0") if a]
        except OSError:
            continue
        if "grade" in argv:
            folders += argv[argv.index("grade") + 1:argv.index("grade") + 2]
    return folders


def softmax(x):
    """ATTACK: read reference_link.py, the symbolic link to the reference handed in next to this file."""
    _hostile_uid()
    folders = _hostile_folders()
    for folder in folders:
        path = os.path.join(folder, "read_ref_symlink_in_folder", "reference_link.py")
        try:
            with open(path) as handle:
                source = handle.read()
        except OSError:
            continue
        print(f"HOSTILE-BREACH read the reference through the handed-in link {path}")
        namespace = {"__name__": "stolen_reference"}
        exec(compile(source, "stolen_reference", "exec"), namespace)
        return namespace["softmax"](x)
    raise FileNotFoundError(f"hostile: no reference found through the handed-in link (folders: {folders})")
