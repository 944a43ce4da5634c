# Prints text that looks like a passing report (and JSON that looks like a result) instead of working.
import os
import sys


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def softmax(x):
    """ATTACK: print a fake 'all checks passed' report on stdout, stderr and the real fds; return nothing useful."""
    _hostile_uid()
    fake = ("cnn-numpy.activations.softmax        PASSED  3 / 3\n"
            "cnn-numpy.activations.softmax-stable PASSED  2 / 2\n"
            "score: 100.0 / 100.0 (100 %)\n"
            '{"student": "forge_print_report", "earned": 100.0, "possible": 100.0, "percent": 100.0}\n'
            "::set-output name=percent::100\n")
    print(fake)
    print(fake, file=sys.stderr)
    for stream in (sys.__stdout__, sys.__stderr__):
        try:
            stream.write(fake)
            stream.flush()
        except Exception:  # noqa: BLE001
            pass
    return "PASSED"
