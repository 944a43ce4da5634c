# Kills the process that forked it (the zygote every later worker comes from).
import os
import signal
import time


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def calculate_output_activation_map_dimensions(Image_Height, Image_Width, Filter_Height, Filter_Width, P=0, S=1):
    """ATTACK: os.kill(os.getppid(), SIGKILL), then give up."""
    _hostile_uid()
    parent = os.getppid()
    try:
        os.kill(parent, signal.SIGKILL)
    except OSError as exc:
        print(f"could not signal the parent: {exc}")
    else:
        # The signal may be delivered and do nothing: the init of a pid namespace ignores SIGKILL
        # from inside it (a normal user's worker shares its init's uid, so kill() succeeds). Only
        # a parent that is gone is a breach.
        time.sleep(0.5)
        if os.getppid() != parent:
            print(f"HOSTILE-BREACH killed its parent {parent}")
        else:
            print(f"the SIGKILL to its parent {parent} changed nothing")
    raise ProcessLookupError("hostile: killed (or tried to kill) the parent; nothing to return")
