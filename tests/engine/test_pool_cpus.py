"""A pool with one grading process per CPU keeps each process (with its zygote and workers) to a
CPU of its own; a smaller pool leaves the scheduler free (grader.runner._keep_to_one_cpu)."""

from __future__ import annotations

import os

import pytest

from grader.runner import _keep_to_one_cpu

pytestmark = pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="CPU affinity is Linux's")


@pytest.fixture
def cpus():
    """The CPUs this process may use; restored after the test, whatever it set."""
    allowed = os.sched_getaffinity(0)
    yield sorted(allowed)
    os.sched_setaffinity(0, allowed)


def test_each_process_of_a_full_pool_takes_a_cpu_of_its_own(cpus, tmp_path):
    if len(cpus) < 2:
        pytest.skip(f"needs two CPUs to tell them apart; this process may use {len(cpus)}")
    taken = []
    for _ in range(len(cpus) + 1):   # one more than the pool has: a pool started again after a death
        os.sched_setaffinity(0, set(cpus))   # each grading process starts with all of them
        _keep_to_one_cpu(tmp_path, jobs=len(cpus))
        taken.append(os.sched_getaffinity(0))
    assert taken[:len(cpus)] == [{c} for c in cpus]
    assert taken[-1] == {cpus[0]}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f".cpu-slot-{i}" for i in range(len(cpus) + 1))


@pytest.mark.parametrize("jobs", [1, "fewer"])
def test_a_pool_smaller_than_the_machine_is_left_to_the_scheduler(cpus, tmp_path, jobs):
    jobs = len(cpus) - 1 if jobs == "fewer" else jobs
    if jobs < 1:
        pytest.skip("this process may use one CPU: no pool smaller than that to try")
    _keep_to_one_cpu(tmp_path, jobs=jobs)
    assert sorted(os.sched_getaffinity(0)) == cpus
    assert list(tmp_path.iterdir()) == []
