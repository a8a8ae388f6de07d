"""Seutu Invest In ETL: PxWeb client, snapshot store, DuckDB warehouse and exports."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CATALOGUE = PROJECT_ROOT / "indicators.yaml"
DEFAULT_SNAPSHOT = PROJECT_ROOT / "data" / "snapshot"
DEFAULT_WAREHOUSE = PROJECT_ROOT / "data" / "warehouse.duckdb"
DEFAULT_PRESENTATION = PROJECT_ROOT / "presentation.yaml"
