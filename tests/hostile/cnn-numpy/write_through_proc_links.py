# Writes through the /proc magic links of processes outside its sandbox: /proc/<pid>/cwd (the
# grader's is the project) and /proc/<pid>/root (the host's root), into the canary folders the test
# made world-writable and into the project root.
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def tanh(x):
    """ATTACK: create files through /proc/<pid>/cwd and /proc/<pid>/root, then give up."""
    _hostile_uid()
    import grader
    project = os.path.dirname(os.path.dirname(os.path.abspath(grader.__file__)))
    for pid in [1, os.getppid()] + sorted(int(p) for p in os.listdir("/proc") if p.isdigit()):
        targets = [f"/proc/{pid}/cwd/HOSTILE-write_through_proc_links.txt",
                   f"/proc/{pid}/root/tmp/grader-hostile-canary/HOSTILE-write_through_proc_links.txt",
                   f"/proc/{pid}/root{project}/reports/hostile-canary/HOSTILE-write_through_proc_links.txt",
                   f"/proc/{pid}/root{project}/HOSTILE-write_through_proc_links.txt"]
        for path in targets:
            try:
                with open(path, "w") as handle:
                    handle.write("written by a hostile submission\n")
                print(f"HOSTILE-WROTE created {path}")
            except OSError:
                pass
    raise PermissionError("hostile: wrote what it could through /proc; nothing to return")
