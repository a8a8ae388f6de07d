"""A fetched Kuntien avainluvut table as the workbook the publisher exports (pure).

The live table (`Kuntien_avainluvut/kuntien_avainluvut_viimeisin.px`) has an area dimension and
a `Tiedot` dimension whose texts carry unit and year ("Väkiluku, 2024", "Taajama-aste, %, 2023");
its codes (M-codes) change between releases. The bundled copy is the publisher's xlsx export of
that table: a header row of `Tiedot` texts after an empty first cell, then one row per area
named by its text. A refresh writes the same shape, so the keyfigures reader picks each variable
by its Finnish label exactly as in the bundled file and no M-code is ever relied on.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from pipeline.jsonstat import jsonstat_meta
from pipeline.snapshot.encode import dimension_list, json_number, refuse_repeated_cells

DEFAULT_SHEET = "Kuntien avainluvut"
_ENDS_WITH_YEAR = re.compile(r",\s*\d{4}\s*$")


def frame_to_keyfigures_xlsx(
    frame: pd.DataFrame, roles: Mapping[str, str], sheet: str | None = None
) -> bytes:
    """The workbook bytes: areas (texts) × `Tiedot` texts, in the table's order.

    A time dimension, if the table has one, is folded into the header ("<text>, <year>") unless
    the text already ends with a year; any other dimension must be fixed at one value.
    """
    geo, metric, time = roles.get("geo"), roles.get("metric"), roles.get("time")
    for role, dim in (("geo", geo), ("metric", metric)):
        if dim is None or dim not in frame.columns:
            raise ValueError(
                f"no {role} dimension in the data (dimensions: {dimension_list(frame)})"
            )
    dims = list(jsonstat_meta(frame).dimensions)
    refuse_repeated_cells(frame, dims)
    for dim in dims:
        if dim not in (geo, metric, time) and frame[dim].nunique() != 1:
            raise ValueError(
                f"dimension {dim} has {frame[dim].nunique()} values; the key-figures shape "
                "needs one"
            )
    headers = frame[f"{metric}_label"].astype(str)
    if time is not None and time in frame.columns:
        years = frame[f"{time}_label"].astype(str)
        dated = headers.str.contains(_ENDS_WITH_YEAR)
        headers = headers.where(dated, headers + ", " + years)
    cells = frame.assign(_header=headers.to_numpy())
    if cells.duplicated([geo, "_header"]).any():
        raise ValueError("two cells of one area share a Tiedot text; the header would repeat")
    areas = list(dict.fromkeys(cells[geo]))
    names = cells.drop_duplicates(geo).set_index(geo)[f"{geo}_label"]
    columns = list(dict.fromkeys(cells["_header"]))
    table = cells.pivot(index=geo, columns="_header", values="value").loc[areas, columns]
    return _workbook(sheet or DEFAULT_SHEET, columns, names.loc[areas].tolist(), table)


def _workbook(sheet: str, columns: list[str], names: list[Any], table: pd.DataFrame) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()  # not write-only: that leaves out the sheet's dimension
    page = book.active
    page.title = sheet
    page.append([None, *columns])
    for name, row in zip(names, table.itertuples(index=False), strict=True):
        page.append([str(name), *(json_number(v) for v in row)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
