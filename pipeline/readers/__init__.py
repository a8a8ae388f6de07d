"""Readers: one per snapshot file format, from a file to a frame.

Each format has a `read_*` function (the file as published: the warehouse's `raw.*` tables) and,
where the file carries statistics, a `tidy_*` function that turns the raw frame into the staging
shape `area_code, year, month, variable, value` (plus extra dimension columns such as `age`).
Apart from opening the file these functions are pure; errors are `ReaderError`s naming the file,
the row and the value at fault. `read_source` picks the reader for a catalogue source.

Modules: `common` (staging shape, area codes, periods), `keyfigures`, `tidy_csv`,
`category_csv` (long name-keyed csvs), `pxweb_xlsx` (PxWeb web-page xlsx downloads), `jsonstat2`,
`eurostat` (NUTS-keyed Eurostat csvs),
`areas` (classification and boundaries) and `dispatch`.
"""

from pipeline.readers.areas import (
    read_classification_csv,
    read_geojson,
    read_topojson,
    tidy_classification,
)
from pipeline.readers.category_csv import CategorySpec, read_category_csv, tidy_category_csv
from pipeline.readers.common import (
    COUNTRY_CODE,
    COUNTRY_NAMES,
    MAX_FILE_BYTES,
    MISSING_MARKERS,
    ROW_COLUMN,
    STAGING_COLUMNS,
    ReaderError,
    area_codes,
    check_file_size,
    municipality_group_code,
    normalise_area_code,
    parse_period,
    region_code,
    subregion_code,
)
from pipeline.readers.dispatch import read_source
from pipeline.readers.eurostat import nuts_codes, read_eurostat_csv, tidy_eurostat
from pipeline.readers.jsonstat2 import jsonstat_table, read_jsonstat_file, tidy_jsonstat
from pipeline.readers.keyfigures import (
    clean_name,
    keyfigure_columns,
    names_to_codes,
    read_keyfigures_csv,
    read_keyfigures_series_csv,
    read_keyfigures_xlsx,
    tidy_keyfigures,
    tidy_keyfigures_series,
)
from pipeline.readers.tidy_csv import read_csv, tidy_csv

__all__ = [
    "COUNTRY_CODE",
    "CategorySpec",
    "COUNTRY_NAMES",
    "MAX_FILE_BYTES",
    "MISSING_MARKERS",
    "ROW_COLUMN",
    "STAGING_COLUMNS",
    "ReaderError",
    "area_codes",
    "check_file_size",
    "clean_name",
    "jsonstat_table",
    "keyfigure_columns",
    "municipality_group_code",
    "names_to_codes",
    "normalise_area_code",
    "nuts_codes",
    "parse_period",
    "read_category_csv",
    "read_classification_csv",
    "read_csv",
    "read_eurostat_csv",
    "read_geojson",
    "read_jsonstat_file",
    "read_keyfigures_csv",
    "read_keyfigures_series_csv",
    "read_keyfigures_xlsx",
    "read_source",
    "read_topojson",
    "region_code",
    "subregion_code",
    "tidy_category_csv",
    "tidy_classification",
    "tidy_csv",
    "tidy_eurostat",
    "tidy_jsonstat",
    "tidy_keyfigures",
    "tidy_keyfigures_series",
]
