"""A class graded on Dask (grader.cluster) gets exactly the results of the local pool: on a local
cluster that ``--dask local`` starts, and on a running cluster given by its scheduler's address."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
from distributed import LocalCluster

from grader.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "assignments" / "cnn-numpy" / "examples"


def outcomes(out: Path) -> dict[str, list[tuple]]:
    """Every check of every student: id, status, message and points, from the JSON records."""
    found = {}
    for path in out.glob("*.json"):
        record = json.loads(path.read_text())
        found[record["student"]] = [(c["id"], c["status"], c["message"], c["earned"])
                                    for e in record["exercises"] for c in e["checks"]]
    return found


@pytest.fixture(scope="module")
def a_class(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("class")
    for name in ("student_a.ipynb", "syntax_error.py", "patches_numpy.py"):
        shutil.copy(EXAMPLES / name, folder / name)
    jane = next(p for p in EXAMPLES.iterdir() if p.name.startswith("doe_jane"))
    shutil.copy(jane, folder / jane.name)
    return folder


@pytest.fixture(scope="module")
def pool_outcomes(a_class, tmp_path_factory) -> dict[str, list[tuple]]:
    out = tmp_path_factory.mktemp("pool")
    assert main(["grade", str(a_class), "-a", "cnn-numpy", "-o", str(out), "-j", "2"]) == 0
    return outcomes(out)


@pytest.mark.slow
def test_a_local_dask_cluster_gives_the_pools_results(a_class, pool_outcomes, tmp_path, capsys):
    out = tmp_path / "dask"
    assert main(["grade", str(a_class), "-a", "cnn-numpy", "-o", str(out), "-j", "2", "--dask", "local"]) == 0
    assert outcomes(out) == pool_outcomes
    assert {student: points for student, points in
            ((s, sum(c[3] for c in checks)) for s, checks in outcomes(out).items())} == {
        "doe_jane_40017": 68.0, "patches_numpy": 0.0, "student_a": 100.0, "syntax_error": 0.0}
    assert len((out / "journal.jsonl").read_text().splitlines()) == 4     # journaled like any run
    assert "Do not use the `random` module" not in capsys.readouterr().err


@pytest.mark.slow
def test_a_running_cluster_is_reached_by_its_address(a_class, pool_outcomes, tmp_path):
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://")
        out = tmp_path / "remote"
        assert main(["grade", str(a_class), "-a", "cnn-numpy", "-o", str(out), "--dask", address]) == 0
        # The cluster outlives the run: grader grade closes its client, not someone else's cluster.
        assert len(cluster.scheduler_info["workers"]) == 1
    assert outcomes(out) == pool_outcomes
