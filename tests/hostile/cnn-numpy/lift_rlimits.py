# Tries to lift its own resource limits (possible only with privileges it should not have). It
# allocates nothing: a worker that succeeds says so, and the test fails on that.
import os
import resource


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def leaky_relu(x, alpha=0.01):
    """ATTACK: setrlimit(AS/FSIZE/NOFILE/CPU/NPROC, unlimited) above the hard limits; report success."""
    _hostile_uid()
    for name in ("RLIMIT_AS", "RLIMIT_FSIZE", "RLIMIT_NOFILE", "RLIMIT_CPU", "RLIMIT_NPROC"):
        which = getattr(resource, name)
        soft, hard = resource.getrlimit(which)
        if hard == resource.RLIM_INFINITY:
            continue
        target = 2**20 if name == "RLIMIT_NOFILE" else resource.RLIM_INFINITY
        try:
            resource.setrlimit(which, (soft, target))
            print(f"HOSTILE-BREACH raised the hard {name} from {hard}")
        except (ValueError, OSError):
            pass
    raise PermissionError("hostile: tried to lift its limits; nothing to return")
