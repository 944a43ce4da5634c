# Next to the notebook's shell-escape cells (see corpus.py), one_hot_encode runs a shell command itself.
import os


def one_hot_encode(sequence, dict_size, seq_len, batch_size):
    """ATTACK: os.system('touch /tmp/HOSTILE-nb_shell_escapes.txt; setsid sleep 7781 &'), then give up."""
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")
    os.system("touch /tmp/HOSTILE-nb_shell_escapes.txt; setsid sleep 7781 >/dev/null 2>&1 </dev/null &")
    raise NotImplementedError("hostile: ran a shell command; nothing to return")
