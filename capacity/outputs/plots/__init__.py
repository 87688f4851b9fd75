"""Figures of a results folder, as PNG files: what ``capacity plot`` draws.

Four modules, one step each: :mod:`~capacity.outputs.plots.reading` reads a results
folder, :mod:`~capacity.outputs.plots.reduction` turns its tables into the numbers
drawn (no matplotlib), :mod:`~capacity.outputs.plots.drawing` draws them (the only
module that imports matplotlib, and only when it draws), and
:mod:`~capacity.outputs.plots.charts` ties them in :func:`plot_folder`.
"""

from capacity.outputs.plots.charts import PLOTS_FOLDER, plot_folder
from capacity.outputs.plots.drawing import caseload_figure, png_bytes, series_figure, waits_figure
from capacity.outputs.plots.reading import PlotError, folder_kind, varied_table
from capacity.outputs.plots.reduction import (
    SERIES,
    SeriesSpec,
    caseload_distribution,
    rolling_totals,
    series_band,
    series_columns,
    stage_waits,
)

__all__ = [
    "PLOTS_FOLDER",
    "SERIES",
    "PlotError",
    "SeriesSpec",
    "caseload_distribution",
    "caseload_figure",
    "folder_kind",
    "plot_folder",
    "png_bytes",
    "rolling_totals",
    "series_band",
    "series_columns",
    "series_figure",
    "stage_waits",
    "varied_table",
    "waits_figure",
]
