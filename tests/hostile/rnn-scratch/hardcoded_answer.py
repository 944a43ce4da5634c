# output() knows the word the grader trains on and returns it without looking at the model.
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def output(model, out_len, start):
    """ATTACK: return 'Acknowledgement' when asked for 15 characters from 'A'; otherwise give up."""
    _hostile_uid()
    if (out_len, start) == (15, "A"):
        return "Acknowledgement"
    raise NotImplementedError("hostile: only knows one answer")
