"""A pool with one grading process per CPU keeps each process (with its zygote and workers) to a
CPU of its own; a smaller pool leaves the scheduler free (grader.runner._keep_to_one_cpu).

The machine's CPUs are stood in for (os.sched_getaffinity/sched_setaffinity), so the test says the
same on a machine of any size and never changes the affinity of the process running it."""

from __future__ import annotations

import os

import pytest

from grader.runner import _keep_to_one_cpu


class FakeCpus:
    """What a grading process may run on: ``allowed`` CPUs, of which it keeps what it sets."""

    def __init__(self, allowed: set[int]):
        self.allowed = set(allowed)
        self.current = set(allowed)

    def get(self, pid: int) -> set[int]:
        assert pid == 0
        return set(self.current)

    def set(self, pid: int, cpus: set[int]) -> None:
        assert pid == 0 and set(cpus) <= self.allowed
        self.current = set(cpus)


@pytest.fixture
def machine(monkeypatch):
    def make(allowed: set[int]) -> FakeCpus:
        fake = FakeCpus(allowed)
        monkeypatch.setattr(os, "sched_getaffinity", fake.get, raising=False)
        monkeypatch.setattr(os, "sched_setaffinity", fake.set, raising=False)
        return fake
    return make


@pytest.mark.parametrize("allowed", [{0, 1}, {2, 5, 7}])
def test_each_process_of_a_full_pool_takes_a_cpu_of_its_own(machine, tmp_path, allowed):
    taken = []
    for _ in range(len(allowed) + 1):   # one more than the pool has: a pool started again after a death
        fake = machine(allowed)         # each grading process starts with all of them
        _keep_to_one_cpu(tmp_path, jobs=len(allowed))
        taken.append(fake.current)
    assert taken == [{c} for c in sorted(allowed)] + [{min(allowed)}]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f".cpu-slot-{i}" for i in range(len(allowed) + 1))


def test_past_its_slots_a_process_is_left_unpinned(machine, tmp_path):
    for slot in range(8):   # four pools of two, all broken: every slot is taken
        (tmp_path / f".cpu-slot-{slot}").touch()
    fake = machine({0, 1})
    _keep_to_one_cpu(tmp_path, jobs=2)
    assert fake.current == {0, 1}


@pytest.mark.parametrize("allowed, jobs", [({0, 1}, 1), ({0, 1, 2, 3}, 2), ({0}, 1), ({0, 1}, 3)])
def test_a_pool_that_is_not_one_process_per_cpu_is_left_to_the_scheduler(machine, tmp_path, allowed, jobs):
    fake = machine(allowed)
    _keep_to_one_cpu(tmp_path, jobs=jobs)
    assert fake.current == allowed
    assert list(tmp_path.iterdir()) == []
