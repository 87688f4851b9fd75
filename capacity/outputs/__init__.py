"""Outputs: results folders with CSV tables, charts and a manifest, written all at once.

Each experiment's result writes itself with ``.save(folder)``, through the writer here
that matches it (:func:`write_results`, :func:`write_comparison`,
:func:`~capacity.outputs.sweep.write_sweep`,
:func:`~capacity.outputs.staffing.write_staffing`).
"""

from capacity.outputs.comparison import write_comparison
from capacity.outputs.manifest import RANDOM_STREAMS, build_manifest, package_versions
from capacity.outputs.writer import CSV_OPTIONS, write_folder, write_results

__all__ = [
    "CSV_OPTIONS",
    "RANDOM_STREAMS",
    "build_manifest",
    "package_versions",
    "write_comparison",
    "write_folder",
    "write_results",
]
