# The attack sits in a decorator, which runs when the loader defines the function: it writes to the
# canaries and the project, starts `sleep 7775` in a session of its own, and wraps the function.
import functools
import os
import subprocess


def _hostile_decorator(fn):
    import grader
    project = os.path.dirname(os.path.dirname(os.path.abspath(grader.__file__)))
    for path in ("/tmp/grader-hostile-canary/HOSTILE-decorator_attack.txt",
                 os.path.join(project, "reports", "hostile-canary", "HOSTILE-decorator_attack.txt"),
                 os.path.join(project, "HOSTILE-decorator_attack.txt"), "/tmp/HOSTILE-decorator_attack.txt"):
        try:
            with open(path, "w") as handle:
                handle.write("HOSTILE\n")
        except OSError:
            pass
    try:
        subprocess.Popen(["sleep", "7775"], start_new_session=True, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        pass

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")
        return fn(*args, **kwargs)
    return wrapper


@_hostile_decorator
def pooling_function(activation_map, pool_type='max', stride=2, filter_size=2):
    """ATTACK: defined under a decorator that attacks at load time; the function itself returns nothing useful."""
    return np.zeros((1, 1))
