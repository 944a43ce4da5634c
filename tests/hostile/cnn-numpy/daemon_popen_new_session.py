# Leaves `sleep 7773` behind with one call: subprocess.Popen(..., start_new_session=True).
import os
import subprocess


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def get_embossing_filter():
    """ATTACK: subprocess.Popen(['sleep', '7773'], start_new_session=True); then give up."""
    _hostile_uid()
    subprocess.Popen(["sleep", "7773"], start_new_session=True, stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    raise ChildProcessError("hostile: left `sleep 7773` behind; nothing to return")
