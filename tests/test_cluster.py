"""Replications on a dask.distributed cluster give exactly the local results."""

from __future__ import annotations

import pandas as pd
import pytest

from capacity.experiment import run_experiment
from capacity.scenario import Scenario

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    """A two-process LocalCluster standing in for a real one."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        yield local


def test_cluster_results_equal_local_results(tiny: Scenario, cluster) -> None:
    """Four replications of the tiny scenario: identical summary, per-replication figures
    and time series on the cluster and in this process (same seeds, same order)."""
    local = run_experiment(tiny, replications=4, workers=1)
    remote = run_experiment(tiny, replications=4, scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(local.summary, remote.summary)
    pd.testing.assert_frame_equal(local.figures, remote.figures)
    pd.testing.assert_frame_equal(local.timeseries, remote.timeseries)
