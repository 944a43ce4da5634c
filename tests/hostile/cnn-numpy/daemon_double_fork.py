# Leaves a daemon behind: setsid and a double fork, the grandchild becomes `sleep 7771`.
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def convolution_layer(input_image, number_of_filters, filter_dimensions=(3, 3), stride=1, padding=0, activation=relu):
    """ATTACK: fork, setsid, fork again and exec `sleep 7771` in the grandchild; then give up."""
    _hostile_uid()
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            if os.fork() == 0:
                devnull = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(devnull, fd)
                os.execv("/bin/sleep", ["sleep", "7771"])
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    raise ChildProcessError("hostile: left `sleep 7771` behind; nothing to return")
