# Attacks at the top level. Statements that are not definitions are skipped by the loader (they
# never run); an assignment whose value is a call through an imported module counts as a constant
# and does run, inside the worker, so those must be contained like any other student code.
import os
import subprocess

open("/tmp/HOSTILE-toplevel-skipped.txt", "w").write("a top-level statement ran\n")
os.system("sleep 7776 &")
subprocess.Popen(["sleep", "7776"], start_new_session=True)
for _hostile in range(3):
    os.system("touch /tmp/HOSTILE-toplevel-loop.txt")
_hostile_system = os.system("touch /tmp/HOSTILE-toplevel-assign.txt")
_hostile_daemon = subprocess.Popen(["sleep", "7776"], start_new_session=True)
_hostile_kill = os.kill(os.getppid(), 0)
