"""`read_source`: the reader for a catalogue source, chosen by its format."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.readers.areas import read_classification_csv, read_geojson, read_topojson
from pipeline.readers.category_csv import CategorySpec, read_category_csv, tidy_category_csv
from pipeline.readers.common import ReaderError, check_file_size
from pipeline.readers.eurostat import read_eurostat_csv, tidy_eurostat
from pipeline.readers.jsonstat2 import read_jsonstat_file, tidy_jsonstat
from pipeline.readers.keyfigures import (
    read_keyfigures_csv,
    read_keyfigures_series_csv,
    read_keyfigures_xlsx,
    tidy_keyfigures,
    tidy_keyfigures_series,
)
from pipeline.readers.paavo import read_paavo_source
from pipeline.readers.pxweb_xlsx import read_pxweb_xlsx, tidy_pxweb_xlsx
from pipeline.readers.tidy_csv import read_csv, tidy_csv


def read_source(
    source: Any, path: Path, name_index: Mapping[str, str]
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """(raw frame, staging frame or None) for a catalogue `Source` by its format.

    `name_index` maps area names to codes for sources that identify areas by name (key figures,
    category csvs): municipality names for municipal sources, region (sub-region) names for
    regional (sub-regional) ones, NUTS codes for Eurostat's (`area_level: nuts`). A file larger
    than its format's reader loads (`check_file_size`) is refused before it is opened.
    """
    check_file_size(path, source.format, source.file)
    variables = {v.id: v.selector for v in source.variables}
    if source.format == "keyfigures_xlsx":
        raw = read_keyfigures_xlsx(path)
        return raw, tidy_keyfigures(raw, variables, name_index, source.file)
    if source.format == "keyfigures_csv":
        raw = read_keyfigures_csv(path, source.encoding)
        return raw, tidy_keyfigures(raw, variables, name_index, source.file)
    if source.format == "keyfigures_series_csv":
        raw = read_keyfigures_series_csv(path, source.encoding)
        tidy = tidy_keyfigures_series(raw, source.columns, variables, name_index, source.file)
        return raw, tidy
    if source.format == "csv":
        raw = read_csv(path)
        return raw, tidy_csv(raw, source.columns, variables, source.file)
    if source.format == "eurostat_csv":
        raw = read_eurostat_csv(path)
        return raw, tidy_eurostat(raw, source.columns, variables, name_index, source.file)
    if source.format == "paavo_csv":
        return read_paavo_source(source, path, name_index)
    if source.format == "category_csv":
        raw = read_category_csv(path)
        spec = CategorySpec(source.columns, source.reference_year)
        filters = {v.id: dict(v.filter) for v in source.variables if v.filter}
        tidy = tidy_category_csv(raw, spec, variables, name_index, source.file, filters=filters)
        return raw, tidy
    if source.format == "pxweb_xlsx":
        raw = read_pxweb_xlsx(path)
        filters = {v.id: dict(v.filter) for v in source.variables}
        return raw, tidy_pxweb_xlsx(
            raw, source.columns, variables, filters, name_index, source.file
        )
    if source.format == "jsonstat2":
        return _jsonstat_source(source, path, variables)
    simple = {
        "classification_csv": read_classification_csv,
        "geojson": read_geojson,
        "topojson": read_topojson,
    }
    if source.format in simple:
        return simple[source.format](path), None
    raise ReaderError(f"{source.file}: no reader for format {source.format!r}")


def _jsonstat_source(source: Any, path: Path, variables: Mapping[str, str]):
    raw, roles, labels = read_jsonstat_file(path)
    tidy = tidy_jsonstat(
        raw,
        roles,
        variables,
        labels,
        source.file,
        filters={v.id: dict(v.filter) for v in source.variables if v.filter},
        variable_dimension=source.variable_dimension,
    )
    return raw, tidy
