"""How the grading processes of a pool start (grader.runner.grade_in_pool).

Kept apart from the runner, and light to import, so that ``grader grade`` can start the forkserver
before it imports anything heavy itself: the forkserver then imports the grader while the command
does the same, on the other core, instead of each grading process importing it again afterwards.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
from multiprocessing.context import BaseContext

from grader.confine import FALLBACK_ENV, SANDBOX_ENV

# Sandboxes whose workers may reach the forkserver's socket (see pool_context).
WEAK_SANDBOXES = ("rlimits", "none")

# What the forkserver imports before it forks a grading process: the grader's grading code and
# what it imports (numpy, hypothesis, nbformat), about half a second of CPU per process otherwise.
PRELOAD = ["grader.runner"]


def pool_context() -> BaseContext:
    """Grading processes forked from a forkserver where the platform has one, started afresh
    (spawn) elsewhere; never forked from the command itself, which has threads (the pool's, the
    progress bar's). A forkserver ends when the command does, and the processes it forked with it
    (grader.runner._init_process).

    Not under a sandbox that leaves student code this machine's /tmp and the grader's uid (rlimits,
    none, or a fallback to rlimits): a forkserver listens on a socket there and forks whatever a
    process that connects asks for, outside the worker's limits."""
    weak = (os.environ.get(SANDBOX_ENV, "").strip().lower() in WEAK_SANDBOXES
            or os.environ.get(FALLBACK_ENV, "").strip().lower() in WEAK_SANDBOXES)
    if weak or "forkserver" not in multiprocessing.get_all_start_methods() or not _socket_fits():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


# A unix socket's path holds at most 107 bytes (Linux). The forkserver's is
# <temporary folder>/pymp-XXXXXXXX/listener-XXXXXXXX: 32 bytes past the folder's own.
_SOCKET_PATH_BYTES = 107
_FORKSERVER_SOCKET_TAIL = 32


def _socket_fits() -> bool:
    """Whether the forkserver's socket fits under the temporary folder (TMPDIR): under a long one
    it cannot listen, and the pool's processes are started afresh instead."""
    return len(os.fsencode(tempfile.gettempdir())) + _FORKSERVER_SOCKET_TAIL <= _SOCKET_PATH_BYTES


def start_early() -> None:
    """Start the forkserver now (it loads PRELOAD in the background), so that the pool's processes
    are forked at once when the pool asks for them."""
    if pool_context().get_start_method() == "forkserver":
        from multiprocessing import forkserver
        forkserver.ensure_running()
