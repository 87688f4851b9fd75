"""Same seed, same numbers: nothing the model sums in floating point may depend on the
order in which a set of objects iterates (which follows memory addresses, so it changes
with whatever ran before in the process)."""

from __future__ import annotations

from helpers import variant

from capacity.model.entities import Task
from capacity.model.replication import build_office


def test_cancelled_tasks_leave_the_backlog_sum_in_release_order() -> None:
    """A leaving user's queued tasks come off the sum of release times in release order.

    Three tasks released at 0.1, 0.2 and 0.3 hours (the sum of the release times, from 0,
    is 0.1 + 0.2 + 0.3 = 0.6000000000000001 in binary floating point); they are given
    release order opposite to the order the user's set of tasks iterates in. Taken off
    in release order the sum ends at exactly ((0.6000000000000001 - 0.1) - 0.2) - 0.3 =
    1.1102230246251565e-16; in the set's order, ((0.6000000000000001 - 0.3) - 0.2) - 0.1
    = 8.326672684688674e-17."""
    scenario = variant("office_2011", run__horizon_days=10, run__warm_up_days=0)
    env, office, _ = build_office(scenario, 0)
    user = next(iter(office.users_by_uid.values()))
    tasks = [Task(env, user, "assessment", 1.0, seq=0) for _ in range(3)]
    user.pending = set(tasks)
    in_set_order = list(user.pending)
    times = (0.1, 0.2, 0.3)
    for seq, (task, released) in enumerate(zip(reversed(in_set_order), times, strict=True)):
        task.seq, task.released = seq, released
    office.queued["assessment"] = 3
    office.queued_released_sum = 0.0
    for released in times:
        office.queued_released_sum += released
    assert office.queued_released_sum == 0.6000000000000001

    office.cancel_open_tasks(user)

    assert office.queued_released_sum == 1.1102230246251565e-16
    assert office.queued["assessment"] == 0
    assert not user.pending
