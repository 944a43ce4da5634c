"""How the grading processes of a pool start (grader.runner.grade_in_pool).

Kept apart from the runner, and light to import, so that ``grader grade`` can start the forkserver
before it imports anything heavy itself: the forkserver then imports the grader while the command
does the same, on the other core, instead of each grading process importing it again afterwards.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.context import BaseContext

# What the forkserver imports before it forks a grading process: the grader's grading code and
# what it imports (numpy, hypothesis, nbformat), about half a second of CPU per process otherwise.
PRELOAD = ["grader.runner"]


def pool_context() -> BaseContext:
    """Grading processes forked from a forkserver where the platform has one, started afresh
    (spawn) elsewhere; never forked from the command itself, which has threads (the pool's, the
    progress bar's). A forkserver ends when the command does, and the processes it forked with it
    (grader.runner._init_process)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def start_early() -> None:
    """Start the forkserver now (it loads PRELOAD in the background), so that the pool's processes
    are forked at once when the pool asks for them."""
    if pool_context().get_start_method() == "forkserver":
        from multiprocessing import forkserver
        forkserver.ensure_running()
