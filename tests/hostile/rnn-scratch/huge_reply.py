# Returns a 100 MiB string: plain data, cheap for the worker to make and to send, but a reply header
# far beyond what the grader accepts.
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def predict(model, character):
    """ATTACK: return ('x' * 100 MiB, None): about 100 MB of JSON in the reply header."""
    _hostile_uid()
    return "x" * (100 * 2**20), None
