"""TEMPORARY STUB: replaced by the real model. Returns figures of the right shape."""

from __future__ import annotations

import numpy as np
import pandas as pd

from capacity.model.catalogue import figure_catalogue, timeseries_columns
from capacity.model.result import ReplicationResult
from capacity.scenario.schema import Scenario


def run_replication(
    scenario: Scenario, replication: int, record_events: bool = False
) -> ReplicationResult:
    rng = np.random.default_rng([scenario.run.seed, replication])
    figures = {spec.name: float(rng.random()) for spec in figure_catalogue(scenario)}
    cols = timeseries_columns(scenario)
    days = scenario.run.horizon_days
    data = {c: rng.random(days) for c in cols}
    data["day"] = np.arange(days)
    data["date"] = [str(scenario.run.start_date + pd.Timedelta(days=int(d)))[:10] for d in range(days)]
    ts = pd.DataFrame(data, columns=cols)
    events = None
    if record_events:
        events = pd.DataFrame(
            {"user": [0], "time_days": [0.0], "date": [str(scenario.run.start_date)],
             "case_type": ["aap"], "stage": ["reception"], "event": ["arrive"], "caseworker": [""]}
        )
    return ReplicationResult(replication, figures, ts, events, ())
