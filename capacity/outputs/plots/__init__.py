"""Figures of a results folder, as PNG files: what ``capacity plot`` draws."""

from capacity.outputs.plots.charts import (
    PLOTS_FOLDER,
    SERIES,
    PlotError,
    SeriesSpec,
    caseload_distribution,
    caseload_figure,
    folder_kind,
    plot_folder,
    png_bytes,
    rolling_totals,
    series_band,
    series_columns,
    series_figure,
    stage_waits,
    varied_table,
    waits_figure,
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
