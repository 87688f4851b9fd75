"""Memory: a replication frees what it no longer needs by reference counting alone.

run_replication pauses Python's cycle collector while it simulates (see
capacity/model/replication.py), which is safe only while the model makes no reference
cycle per user or per task: then memory stays bounded by the users in the office.
"""

from __future__ import annotations

import gc
import weakref

from helpers import variant

from capacity.model.replication import build_office


def test_a_replication_makes_no_cyclic_garbage_per_user_or_task() -> None:
    """office_2011 over 120 days: the objects only the cycle collector could free number
    fewer than a tenth of the users (a cycle per user or per task would make at least one
    for each of them)."""
    scenario = variant("office_2011", run__horizon_days=120, run__warm_up_days=30)
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        env, office, snapshots = build_office(scenario, 0)
        env.run(until=env.process(snapshots.process(scenario.run.horizon_days)))
        gc.collect()
        garbage = len(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert office.arrived_total > 2000
    assert garbage < office.arrived_total / 10, garbage


def test_a_replication_frees_its_office_before_it_returns(monkeypatch) -> None:
    """The office at the end of a run is held together by reference cycles (processes and
    the events they wait for); run_replication drops it before the collector resumes, so
    the collector's first pass frees it and the next replication reuses the memory. By
    the time run_replication returns, nothing of the office or its environment is left."""
    from capacity.model import replication as replication_module

    scenario = variant("office_2011", run__horizon_days=60, run__warm_up_days=0)
    built = []
    original = replication_module.build_office

    def build_and_watch(*args, **kwargs):
        env, office, snapshots = original(*args, **kwargs)
        built.extend([weakref.ref(env), weakref.ref(office), weakref.ref(snapshots)])
        return env, office, snapshots

    monkeypatch.setattr(replication_module, "build_office", build_and_watch)
    assert gc.isenabled()
    result = replication_module.run_replication(scenario, 0)
    assert [ref() for ref in built] == [None, None, None]
    assert gc.isenabled()
    assert result.timeseries["arrived_total"].iloc[-1] > 1650
