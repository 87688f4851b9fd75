"""The office model: SimPy processes for users and caseworkers, one replication at a time."""

from capacity.model.catalogue import EXIT_REASONS, figure_catalogue, timeseries_columns
from capacity.model.replication import run_replication
from capacity.model.result import FigureSpec, ReplicationResult

__all__ = [
    "EXIT_REASONS",
    "FigureSpec",
    "ReplicationResult",
    "figure_catalogue",
    "run_replication",
    "timeseries_columns",
]
