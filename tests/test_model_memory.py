"""Memory: a replication frees what it no longer needs by reference counting alone.

run_replication pauses Python's cycle collector while it simulates (see
capacity/model/replication.py), which is safe only while the model makes no reference
cycle per user or per task: then memory stays bounded by the users in the office.
"""

from __future__ import annotations

import gc

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
