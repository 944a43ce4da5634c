# Kills the process that forked it (the zygote every later worker comes from).
import os
import signal


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def calculate_output_activation_map_dimensions(Image_Height, Image_Width, Filter_Height, Filter_Width, P=0, S=1):
    """ATTACK: os.kill(os.getppid(), SIGKILL), then give up."""
    _hostile_uid()
    parent = os.getppid()
    try:
        os.kill(parent, signal.SIGKILL)
        print(f"HOSTILE-BREACH sent SIGKILL to its parent {parent}")
    except OSError as exc:
        print(f"could not signal the parent: {exc}")
    raise ProcessLookupError("hostile: killed (or tried to kill) the parent; nothing to return")
