# Writes new files into the project (its root, grader/, reference/, tests/, .git/) and checks
# whether it could open existing ones for writing (appending nothing, so nothing changes).
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def relu(x):
    """ATTACK: create HOSTILE-* files in the project tree; open README.md and grader/cli.py for appending."""
    _hostile_uid()
    import grader
    project = os.path.dirname(os.path.dirname(os.path.abspath(grader.__file__)))
    for folder in ("", "grader", "reference", "tests", ".git", "reports"):
        path = os.path.join(project, folder, "HOSTILE-write_project_tree.txt")
        try:
            with open(path, "w") as handle:
                handle.write("written by a hostile submission\n")
            print(f"HOSTILE-WROTE created {path}")
        except OSError:
            pass
    for name in ("README.md", "grader/cli.py", ".git/HEAD", "reference/cnn_numpy.py"):
        try:
            with open(os.path.join(project, name), "a"):
                pass                                     # opened for writing, nothing written
            print(f"HOSTILE-WROTE could open {name} for writing")
        except OSError:
            pass
    raise PermissionError("hostile: wrote what it could in the project tree; nothing to return")
