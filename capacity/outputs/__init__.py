"""Outputs: results folders with CSV tables and a manifest."""

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
