"""Eurostat files keyed by NUTS code: the long series CSVs (one row per series, area and year)
and the bulk SDMX-CSV (`unit, geo, TIME_PERIOD, OBS_VALUE`).

`columns` name the area, category (the series or unit column the selectors pick from), period
and value columns. Areas are NUTS codes, translated with `nuts_codes` (built from the municipality
key): the country `FI` is `SSS`, a NUTS 2 region the large region (`SA1`…`SA5`) it equals, a
NUTS 3 region the maakunta (`MKxx`) it equals, whatever NUTS version (2013–2024) the file uses.
NUTS 1 and Eurostat's pseudo-regions (not regionalised, Extra-Regio) are no area of the product
and are left out; any other code fails.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from pipeline.jsonstat import quote
from pipeline.readers.common import ReaderError, numbers, periods, staging
from pipeline.readers.tidy_csv import read_csv

# Finland's NUTS 3 codes of NUTS 2013, 2016 and 2021 that NUTS 2024 (the municipality key's
# `nuts3_code`) changed, each → its NUTS 2024 code. Eurostat's NUTS history: Kainuu was FI1D4 and
# Pohjois-Pohjanmaa FI1D6 until NUTS 2016 (FI1D8, FI1D9); NUTS 2024 recoded the maakunnat whose
# boundaries changed in 2021. No code was reused for another region, so one table serves all.
EARLIER_NUTS3 = {
    "FI193": "FI198",  # Keski-Suomi
    "FI194": "FI199",  # Etelä-Pohjanmaa
    "FI195": "FI19A",  # Pohjanmaa
    "FI197": "FI19B",  # Pirkanmaa
    "FI1C3": "FI1C6",  # Päijät-Häme
    "FI1C4": "FI1C7",  # Kymenlaakso
    "FI1D1": "FI1DA",  # Etelä-Savo
    "FI1D2": "FI1DB",  # Pohjois-Savo
    "FI1D3": "FI1DC",  # Pohjois-Karjala
    "FI1D4": "FI1D8",  # Kainuu (NUTS 2013)
    "FI1D6": "FI1D9",  # Pohjois-Pohjanmaa (NUTS 2013)
}
# NUTS 1 (FI1 mainland, FI2 Åland = FI20) and the pseudo-regions FIX… (not regionalised) and
# FIZ… (Extra-Regio): no area of the product.
NOT_AREAS = re.compile(r"^FI(\d|X+|Z+)$")
COUNTRY = "FI"
LARGE_REGION_PREFIX = "SA"


def nuts_codes(key: pd.DataFrame) -> dict[str, str]:
    """NUTS code (every version 2013–2024) → the product's area code, from the raw
    municipality key (`nuts2_code`, `suuralue_code`, `nuts3_code`, `maakunta_code`)."""
    out = {COUNTRY: "SSS"}
    for row in key.drop_duplicates("nuts3_code").itertuples(index=False):
        out[str(row.nuts2_code).strip()] = f"{LARGE_REGION_PREFIX}{int(row.suuralue_code)}"
        out[str(row.nuts3_code).strip()] = f"MK{int(row.maakunta_code):02d}"
    for earlier, current in EARLIER_NUTS3.items():
        if current in out:
            out[earlier] = out[current]
    return out


def read_eurostat_csv(path: Path) -> pd.DataFrame:
    """The file as published (text cells; CRLF line ends read as any other)."""
    return read_csv(path)


def tidy_eurostat(
    raw: pd.DataFrame,
    columns: Mapping[str, str],
    variables: Mapping[str, str],
    nuts: Mapping[str, str],
    file: str,
) -> pd.DataFrame:
    """Staging rows of the `variables` (variable → category value) from a NUTS-keyed file."""
    for role in ("area", "category", "period", "value"):
        if columns.get(role) not in raw.columns:
            raise ReaderError(
                f"{file}: no {role} column {quote(columns.get(role))} in {quote(list(raw), 300)}"
            )
    geo = raw[columns["area"]].astype(str).str.strip()
    unknown = sorted(set(geo) - set(nuts) - {g for g in set(geo) if NOT_AREAS.match(g)})
    if unknown:
        raise ReaderError(f"{file}: unknown NUTS codes {quote(unknown, 200)} (Finland's expected)")
    category = raw[columns["category"]].astype(str).str.strip()
    values = numbers(raw, columns["value"], file)
    parts = []
    for variable, selector in variables.items():
        rows = raw[(category == selector) & geo.isin(set(nuts))]
        if rows.empty:
            raise ReaderError(
                f"{file}: no rows with {columns['category']} = {quote(selector)} "
                f"(variable {variable})"
            )
        years, months = periods(rows[columns["period"]], file)
        parts.append(
            pd.DataFrame(
                {
                    "area_code": geo[rows.index].map(nuts),
                    "year": years,
                    "month": months,
                    "variable": variable,
                    "value": values[rows.index],
                    "source_row": rows.index + 2,
                }
            )
        )
    return staging(pd.concat(parts, ignore_index=True))
