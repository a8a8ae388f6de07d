"""Build the DuckDB warehouse from the snapshot: raw → staging → core, validated, atomic.

`build_warehouse(catalogue, snapshot_dir, out_path)` runs the steps of `pipeline.build.run`;
the core tables are declared in `pipeline.build.registry`, their schemas in
`pipeline.build.schemas`, the SQL models in `pipeline/models/core/*.sql`.
"""

from pipeline.build.report import BuildError, BuildReport
from pipeline.build.run import build_warehouse

__all__ = ["BuildError", "BuildReport", "build_warehouse"]
