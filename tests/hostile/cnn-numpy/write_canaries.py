# Writes into the canary folders the test made (world-writable, like a shared /tmp), into /tmp
# itself, and next to itself in the working directory.
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def pooling_layer(activation_map, pool_type='max', stride=2, filter_size=(2, 2)):
    """ATTACK: overwrite canary.txt and add files in /tmp/grader-hostile-canary, <project>/reports/hostile-canary and /tmp."""
    _hostile_uid()
    import grader
    project = os.path.dirname(os.path.dirname(os.path.abspath(grader.__file__)))
    for folder in ("/tmp/grader-hostile-canary", os.path.join(project, "reports", "hostile-canary")):
        for name, mode in (("canary.txt", "a"), ("HOSTILE-write_canaries.txt", "w")):
            try:
                with open(os.path.join(folder, name), mode) as handle:
                    handle.write("HOSTILE\n")
                print(f"HOSTILE-WROTE {folder}/{name}")
            except OSError:
                pass
    for path in ("/tmp/HOSTILE-write_canaries.txt", "/var/tmp/HOSTILE-write_canaries.txt", "/dev/shm/HOSTILE-write_canaries.txt"):
        try:
            with open(path, "w") as handle:
                handle.write("HOSTILE\n")
            print(f"HOSTILE-WROTE {path}")
        except OSError:
            pass
    raise PermissionError("hostile: wrote what it could to the canaries; nothing to return")
