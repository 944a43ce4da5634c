"""A class graded on a Dask cluster: ``grader grade SUBMISSIONS -a ID --dask local`` (a local
cluster of ``--jobs`` worker processes) or ``--dask tcp://scheduler:8786`` (a running cluster, e.g.
one that dask-jobqueue started on SLURM).

Each Dask worker is a trusted grading process: it holds one :class:`grader.runner.Grader` (suite,
reference, warm zygote), set up once by :class:`GraderPlugin`, and grades one submission per task.
Student code still runs only in the sandboxed workers that the zygote forks; Dask never runs it.
Results travel back as the JSON record of grader.export, and ``grader grade`` journals each one as
it arrives, exactly as with the local pool, so the two give the same files.

A remote cluster must see the same paths as the machine that starts the run: the project, the
submissions folder and the grader's temporary folder (a shared filesystem, as on a SLURM cluster).

A task that fails becomes its submission's result, as in the local pool: a Dask worker that dies
while grading (student code killed it) is restarted by its nanny and the task tried again, and a
submission that kills its worker more than that gets a final CRASHED result (``KilledWorker``).
Every Dask worker starts its own session, so student code that signals its parent's process group
cannot reach the nanny or the command that runs the class.
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path
from typing import Iterable, Iterator

import dask
from distributed import Client, LocalCluster, WorkerPlugin, as_completed, get_worker
from distributed.scheduler import KilledWorker

from grader.discovery import SubmissionFile
from grader.export import result_from_dict, result_to_dict
from grader.results import Status, SubmissionResult
from grader.runner import PROCESS_DEATHS_ALLOWED, Grader, blame, failed_result, stops_the_run
from grader.spec import Assignment, load_assignment

PLUGIN = "grader"


class GraderPlugin(WorkerPlugin):
    """Gives every Dask worker its grading process state, and closes its zygote when it stops."""

    def __init__(self, assignment_dir: str, public_only: bool, hidden: list[str], live: bool = False,
                 device: str = "cpu"):
        self.assignment_dir, self.public_only, self.hidden, self.live = assignment_dir, public_only, hidden, live
        self.device = device
        self.grader: Grader | None = None

    def setup(self, worker) -> None:
        # Dask's own threads draw from the global `random` module (heartbeat jitter) while hypothesis
        # generates a check's inputs, which hypothesis takes for a strategy using `random`. The
        # suites do not use it, and hypothesis draws from its own seeded generator either way.
        warnings.filterwarnings("ignore", message="Do not use the `random` module inside strategies")
        try:
            os.setsid()   # a student's killpg of "its parent's group" reaches this process, not the nanny
        except OSError:   # already a session leader
            pass
        self.grader = Grader(load_assignment(Path(self.assignment_dir)), public_only=self.public_only,
                             hidden=[Path(h) for h in self.hidden], live=self.live, device=self.device, early=True)

    def teardown(self, worker) -> None:
        if self.grader is not None:
            self.grader.close()
            self.grader = None


def _grade_on_worker(entry: SubmissionFile) -> dict:
    plugin = get_worker().plugins[PLUGIN]
    assert isinstance(plugin, GraderPlugin) and plugin.grader is not None
    return result_to_dict(plugin.grader.grade(entry))


def grade_on_dask(assignment: Assignment, entries: list[SubmissionFile], *, address: str, jobs: int,
                  public_only: bool = False, hidden: Iterable[Path] = (), live: bool = False,
                  device: str = "cpu") -> Iterator[SubmissionResult]:
    """Grade every entry on the cluster at ``address`` ("local": start one with ``jobs`` single-threaded
    worker processes); yields results as they finish."""
    cluster = None
    if address == "local":
        # A task whose worker dies is tried again on a fresh worker; on this cluster, once. One task
        # per worker at a time, so a worker's death counts against the submission it was grading only.
        with dask.config.set({"distributed.scheduler.allowed-failures": PROCESS_DEATHS_ALLOWED - 1,
                              "distributed.scheduler.worker-saturation": 1.0}):
            cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
    client = Client(cluster if cluster is not None else address)
    try:
        client.register_plugin(GraderPlugin(str(assignment.root), public_only, [str(h) for h in hidden], live, device),
                               name=PLUGIN)
        keys = [f"grade-{entry.student}" for entry in entries]
        by_key = dict(zip(keys, entries))
        futures = client.map(_grade_on_worker, entries, pure=False, key=keys)
        for future in as_completed(futures):
            yield _result_of(future, by_key[future.key], assignment, public_only)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _result_of(future, entry: SubmissionFile, assignment: Assignment, public_only: bool) -> SubmissionResult:
    """The task's result; its failure made into the submission's result, unless no submission
    could have caused it (a broken assignment, no sandbox), which stops the run."""
    try:
        return result_from_dict(future.result())
    except KilledWorker:
        return failed_result(assignment, entry, Status.CRASHED,
                             "the process grading your submission died while it ran your code, each time it was "
                             "tried, so it was not graded. Only your code ran in it besides the grader: does it "
                             "kill processes (os.kill, os.killpg, signal), or use far more memory than it needs?",
                             public_only=public_only)
    except Exception as exc:  # noqa: BLE001 - one submission must never end the class
        if stops_the_run(exc):
            raise
        status, message = blame(exc, "while grading your submission")
        return failed_result(assignment, entry, status, message, public_only=public_only)
