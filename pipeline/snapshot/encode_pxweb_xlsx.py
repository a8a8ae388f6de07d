"""A fetched PxWeb table as the PxWeb web page's xlsx download (the `pxweb_xlsx` format, read by
`pipeline.readers.pxweb_xlsx`), so a refreshed 11yq keeps the bundled copy's layout."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from pipeline.jsonstat import jsonstat_meta
from pipeline.snapshot.encode import json_number, refuse_repeated_cells


def frame_to_pxweb_xlsx(frame: pd.DataFrame, source: Any, roles: Mapping[str, str]) -> bytes:
    """The PxWeb web page's xlsx layout the bundled copy has (`pipeline.readers.pxweb_xlsx`):
    a title naming the catalogue's stub columns, a header of measure labels on row 3, then one
    row per period, area and category, the stubs written on the first row of each block.
    Areas are written "<code> <name>" (regions) or "KOKO MAA", as the bundled labels are."""
    import io

    import openpyxl

    geo, time, metric = roles.get("geo"), roles.get("time"), roles.get("metric")
    dims = list(jsonstat_meta(frame).dimensions)
    refuse_repeated_cells(frame, dims)
    others = [d for d in dims if d not in (geo, time, metric) and frame[d].nunique() > 1]
    if None in (geo, time, metric) or len(others) != 1:
        raise ValueError(f"the pxweb_xlsx shape needs geo, time, metric and one category ({dims})")
    category, cols = others[0], source.columns
    measures = list(dict.fromkeys(frame[metric]))
    labels = dict(zip(frame[metric], frame[f"{metric}_label"], strict=True))
    wide = frame.pivot_table(
        index=[time, geo, category], columns=metric, values="value", sort=False, dropna=False
    ).reindex(columns=measures)
    names = dict(zip(frame[geo], frame[f"{geo}_label"].astype(str), strict=True))
    texts = dict(zip(frame[category], frame[f"{category}_label"].astype(str), strict=True))
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(source.pxweb.table.removesuffix(".px"))
    stubs = f"{cols['period']}, {cols['name']}, {cols['category']}"
    sheet.append([f"{source.title.get(source.pxweb.language)} muuttujina {stubs} ja Tiedot"])
    sheet.append([])
    sheet.append([None, None, None, *(str(labels[m]) for m in measures)])
    previous: tuple = (None, None)
    for (period, area, cat), values in wide.iterrows():
        stub = [
            str(period) if period != previous[0] else None,
            _area_label(area, names[area]) if (period, area) != previous else None,
            texts[cat],
        ]
        previous = (period, area)
        sheet.append([*stub, *(".." if pd.isna(v) else json_number(v) for v in values)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _area_label(code: str, name: str) -> str:
    if code == "SSS":
        return "KOKO MAA"
    return name if name.startswith(f"{code} ") else f"{code} {name}"
