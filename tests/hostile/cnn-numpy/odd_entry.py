# The attack is the entry's name or shape (see corpus.py); softmax gives up, so that the points it
# loses show the entry was graded like any other.
import os


def softmax(x):
    """ATTACK: (the entry is the attack) give up."""
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")
    raise NotImplementedError("hostile: an odd entry")
