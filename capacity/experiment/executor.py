"""Where replications run: in this process, in local worker processes, or on a
dask.distributed cluster.

Every job is one ``(scenario, replication)`` pair and :func:`run_replication` is a pure
function of it, so the results are the same wherever a job runs; they are always
returned in job order.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed

from capacity.experiment.settings import ProgressCallback, Settings
from capacity.model import ReplicationResult, run_replication
from capacity.scenario import Scenario

__all__ = ["Job", "ProgressCallback", "map_replications"]

Job = tuple[Scenario, int]
"""One replication to run: the scenario and the replication number."""

Replicate = Callable[[Scenario, int, bool], ReplicationResult]
"""The function that runs one job; :func:`run_replication` unless a caller substitutes
its own (it must be importable by name for worker processes)."""


def _ignore_sigint() -> None:
    # Ctrl-C is handled once, by the parent, which cancels the work; workers that also
    # received it would each print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _local(
    jobs: Sequence[Job],
    workers: int,
    record_events: bool,
    done: Callable[[int, ReplicationResult], None],
    replicate: Replicate,
) -> None:
    executor = ProcessPoolExecutor(max_workers=min(workers, len(jobs)), initializer=_ignore_sigint)
    try:
        futures = {
            executor.submit(replicate, scenario, replication, record_events): index
            for index, (scenario, replication) in enumerate(jobs)
        }
        for future in as_completed(futures):
            done(futures[future], future.result())
    except BaseException:
        # On Ctrl-C or a failed replication, drop the queued jobs instead of running them
        # all before the error reaches the caller.
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    executor.shutdown(wait=True)


def _dask(
    jobs: Sequence[Job],
    scheduler: str,
    record_events: bool,
    done: Callable[[int, ReplicationResult], None],
    replicate: Replicate,
) -> None:
    from distributed import Client
    from distributed import as_completed as dask_completed

    with Client(scheduler, timeout="20s") as client:
        futures = client.map(
            replicate,
            [scenario for scenario, _ in jobs],
            [replication for _, replication in jobs],
            [record_events] * len(jobs),
            pure=False,
        )
        index = {future.key: i for i, future in enumerate(futures)}
        try:
            for future in dask_completed(futures):
                done(index[future.key], future.result())
        except BaseException:
            client.cancel(futures)
            raise


def map_replications(
    jobs: Sequence[Job],
    settings: Settings,
    *,
    replicate: Replicate = run_replication,
) -> list[ReplicationResult]:
    """Run every job and return the results in job order.

    Args:
        jobs: ``(scenario, replication)`` pairs.
        settings: where the jobs run (``workers``: local processes, 1 runs them one
            after the other in this process; ``scheduler``: a dask.distributed
            scheduler whose workers, which need this package installed, run them
            instead), whether events are kept (``record_events``) and who hears of each
            finished job (``progress``, called as ``progress(done, len(jobs))``).
        replicate: the function run for each job (default :func:`run_replication`).

    Raises:
        OSError: the scheduler cannot be reached.
    """
    workers, scheduler = settings.workers, settings.scheduler
    record_events, progress = settings.record_events, settings.progress
    results: list[ReplicationResult | None] = [None] * len(jobs)
    finished = 0

    def done(index: int, result: ReplicationResult) -> None:
        nonlocal finished
        results[index] = result
        finished += 1
        if progress is not None:
            progress(finished, len(jobs))

    if not jobs:
        return []
    if scheduler is not None:
        _dask(jobs, scheduler, record_events, done, replicate)
    elif workers == 1 or len(jobs) == 1:
        for index, (scenario, replication) in enumerate(jobs):
            done(index, replicate(scenario, replication, record_events))
    else:
        _local(jobs, workers, record_events, done, replicate)
    return [r for r in results if r is not None]
