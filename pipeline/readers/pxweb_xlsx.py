"""PxWeb user-interface xlsx downloads: a title row, a header row of measures, stub columns
whose values are written only on the first row of each block, and a metadata footer.

The layout of a table saved from the PxWeb web page ("Tallenna tiedosto: Excel (xlsx)"), e.g.
aly 11yq: row 1 the title ("… muuttujina Vuosineljännes, Alue, Toimiala ja Tiedot"), row 3 the
header (empty cells over the stub columns, then one label per measure), the table from row 4,
then an empty row and the footer (notes, "Päivitetty viimeksi", "Lähde"). The stub columns are
named from the title (fi "muuttujina a, b ja c", sv "efter a, b och c", en "by a, b and c");
their empty cells take the value above (fill down). Values are numbers or the publisher's
missing-value markers ("..": not logical to show / not published), kept missing.

The catalogue's `columns` name the area (`name`), `category` and quarter (`period`) columns; a
variable's `selector` names a measure, its `filter` the category labels it sums (required: a
sum over every category would count totals and their parts twice) and optionally the quarters
of the year it keeps (`{<period column>: [Q1]}`). Staging rows are annual: the sum over the
kept quarters of a year, so a flow (start-ups) is the year's total and a stock is read at one
quarter (a stock never sums over time). A year that lacks one of the kept quarters (the newest
year still in progress) is left out; a missing cell makes the year's sum missing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from python_calamine import CalamineWorkbook

from pipeline.jsonstat import quote
from pipeline.readers.common import COUNTRY_CODE, ReaderError, numbers, staging
from pipeline.readers.keyfigures import COUNTRY_NAMES_FOLDED, clean_name

ROW = "sheet_row"
QUARTERS = [1, 2, 3, 4]  # the raw frame's column holding each table row's sheet row number
_QUARTER = re.compile(r"^(?P<year>\d{4})Q(?P<quarter>[1-4])$")
_STUBS = re.compile(r"(?:muuttujina|efter|\bby)\s+(?P<names>.+)$", re.IGNORECASE)
_AND = re.compile(r",\s*|\s+(?:ja|och|and)\s+")
# Areas above regions and below the country (Manner-Suomi, Ahvenanmaa as a major region): the
# product has no group of that level, so their rows are left out on purpose.
_MAJOR_REGION = re.compile(r"^MA\d\b")


def read_pxweb_xlsx(path: Path) -> pd.DataFrame:
    """The table of the first sheet as published, stub cells filled down, footer left out:
    one column per stub (named from the title) and per measure, and `sheet_row`."""
    # calamine (Rust) reads the 97,000-row sheet about 5x faster than openpyxl, with the same
    # cells; an empty cell comes back as "" and is made None, as openpyxl gives it
    with open(path, "rb") as handle:
        sheet = CalamineWorkbook.from_filelike(handle).get_sheet_by_index(0)
        rows = [
            tuple(None if cell == "" else cell for cell in row)
            for row in sheet.to_python(skip_empty_area=False)
        ]
    name = Path(path).name
    header_at = next((i for i, r in enumerate(rows[:10]) if _is_header(r)), None)
    if header_at is None:
        raise ReaderError(f"{name}: no header row (empty stub cells, then measure labels)")
    header = rows[header_at]
    n_stubs = next(i for i, cell in enumerate(header) if cell is not None)
    stubs = _stub_names(rows[0][0] if rows and rows[0] else None, n_stubs, name)
    measures = [str(cell).strip() for cell in header[n_stubs:] if cell is not None]
    body, filled = [], [None] * n_stubs
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        cells = list(row[: n_stubs + len(measures)])
        if all(c is None for c in cells):
            _check_footer(rows[number:], n_stubs, name, number + 1)
            break
        for i in range(n_stubs):
            if cells[i] is None:
                if filled[i] is None:
                    raise ReaderError(f"{name}: row {number}: stub column {stubs[i]!r} is empty")
                cells[i] = filled[i]
            filled[i] = cells[i]
        body.append([*cells, number])
    if not body:
        raise ReaderError(f"{name}: the table has no rows below the header (row {header_at + 1})")
    return pd.DataFrame(body, columns=[*stubs, *measures, ROW])


def _is_header(row: tuple) -> bool:
    cells = list(row)
    first = next((i for i, c in enumerate(cells) if c is not None), None)
    return bool(first) and all(isinstance(c, str) for c in cells[first:] if c is not None)


def _stub_names(title: object, n_stubs: int, name: str) -> list[str]:
    """The stub columns' names from the title: the variables listed before the measures."""
    match = _STUBS.search(str(title or ""))
    names = [n.strip() for n in _AND.split(match["names"])] if match else []
    if len(names) != n_stubs + 1:
        raise ReaderError(
            f"{name}: row 1: title {quote(title)} does not list the {n_stubs} stub variables "
            "and the measures ('… muuttujina a, b ja Tiedot')"
        )
    return names[:n_stubs]


def _check_footer(rest: list[tuple], n_stubs: int, name: str, first_row: int) -> None:
    """After the table's end only footer notes (text in the first column) may follow."""
    for number, row in enumerate(rest, start=first_row):
        if any(c is not None for c in row[1:]):
            raise ReaderError(
                f"{name}: row {number}: table cells after the empty row that ends the table "
                f"({quote(row, 200)}); the footer holds notes in the first column only"
            )


# --------------------------------------------------------------------------- staging


def tidy_pxweb_xlsx(
    raw: pd.DataFrame,
    columns: Mapping[str, str],
    variables: Mapping[str, str],
    filters: Mapping[str, Mapping[str, object]],
    name_to_code: Mapping[str, str],
    file: str,
) -> pd.DataFrame:
    """Annual staging rows: per variable, area and year the sum over its categories and kept
    quarters (`variables`: id → measure label; `filters`: id → {column: labels})."""
    cols = _columns(raw, columns, file)
    base, keep = _cells(raw, cols, name_to_code, file)
    labels = set(base["category"].unique())
    plans = {}
    for variable, selector in variables.items():
        if selector not in raw.columns:
            raise ReaderError(
                f"{file}: variable {variable}: no measure {quote(selector)}; the measures are "
                f"{quote([c for c in raw.columns if c not in (*cols.values(), ROW)], 300)}"
            )
        plans[variable] = (
            selector,
            *_filter(variable, filters.get(variable) or {}, cols, labels, file),
        )
    used = {label for _, chosen, _ in plans.values() for label in chosen}
    subset = base["category"].isin(used).to_numpy()
    measures = {
        selector: _by_category(
            base[subset], numbers(raw.loc[keep], selector, file, raw.loc[keep, ROW])[subset]
        )
        for selector in dict.fromkeys(selector for selector, _, _ in plans.values())
    }
    parts = [
        _annual(measures[selector], variable, chosen, kept)
        for variable, (selector, chosen, kept) in plans.items()
    ]
    return staging(pd.concat(parts, ignore_index=True))


def _cells(raw: pd.DataFrame, cols: Mapping[str, str], name_to_code, file: str):
    """(area code, year, quarter, category label, sheet row) of each table row of a known
    area, and which raw rows those are; a cell listed twice fails naming its row."""
    codes = _area_codes(raw, cols["name"], name_to_code, file)
    keep = codes.notna()
    quarters = _quarters(raw.loc[keep], cols["period"], file)
    positions, uniques = pd.factorize(raw.loc[keep, cols["category"]])
    base = pd.DataFrame(
        {
            "area_code": codes[keep],
            "year": quarters["year"],
            "quarter": quarters["quarter"],
            "category": np.array([clean_name(u) for u in uniques], dtype=object)[positions],
            "row": raw.loc[keep, ROW],
        }
    )
    repeated = base.duplicated(["area_code", "year", "quarter", "category"])
    if repeated.any():
        first = base[repeated].iloc[0]
        raise ReaderError(
            f"{file}: row {first['row']}: area {first['area_code']}, {first['year']}Q"
            f"{first['quarter']}, {quote(first['category'])} appears twice"
        )
    return base, keep


def _columns(raw: pd.DataFrame, columns: Mapping[str, str], file: str) -> dict[str, str]:
    cols = {}
    for role in ("name", "category", "period"):
        column = columns.get(role)
        if not column or column not in raw.columns:
            raise ReaderError(
                f"{file}: the catalogue's {role} column {quote(column)} is not a stub column of "
                f"the file ({quote(list(raw.columns)[:3])})"
            )
        cols[role] = column
    return cols


def _area_codes(raw: pd.DataFrame, column: str, index: Mapping[str, str], file: str) -> pd.Series:
    """Codes by area label (missing for the major regions MA1/MA2, left out); an unknown
    label fails naming its first sheet row."""
    folded = {clean_name(k): v for k, v in index.items()}
    codes = {}
    for label, row in raw.drop_duplicates(column)[[column, ROW]].itertuples(index=False):
        text = str(label).strip()
        if clean_name(text) in COUNTRY_NAMES_FOLDED:
            codes[label] = COUNTRY_CODE
        elif _MAJOR_REGION.match(text):
            codes[label] = None
        elif clean_name(text) in folded:
            codes[label] = folded[clean_name(text)]
        else:
            raise ReaderError(
                f"{file}: row {row}: area {quote(label)} matches no region of the classification"
            )
    return raw[column].map(codes)


def _quarters(raw: pd.DataFrame, column: str, file: str) -> pd.DataFrame:
    parsed = raw[column].astype(str).str.strip().str.extract(_QUARTER)
    bad = parsed["year"].isna()
    if bad.any():
        row = raw.loc[bad].iloc[0]
        raise ReaderError(
            f"{file}: row {row[ROW]}: {column} {quote(row[column])} is not a quarter like 2013Q1"
        )
    return parsed.astype("int32")


def _filter(variable: str, wanted: Mapping[str, object], cols, labels: set[str], file: str):
    """(category labels summed, quarters kept) of a variable."""
    why = f"{file}: variable {variable}"
    unknown = [k for k in wanted if k not in (cols["category"], cols["period"])]
    if unknown or cols["category"] not in wanted:
        raise ReaderError(
            f"{why}: filter must name the {cols['category']!r} labels it sums (and may keep "
            f"quarters of {cols['period']!r}); got {quote(list(wanted))}"
        )
    spec = wanted[cols["category"]]
    chosen = [clean_name(x) for x in ([spec] if isinstance(spec, str) else spec)]
    lacking = [x for x in chosen if x not in labels]
    if lacking:
        raise ReaderError(f"{why}: no {cols['category']} {quote(lacking)} in the file")
    kept = [1, 2, 3, 4]
    if cols["period"] in wanted:
        spec = wanted[cols["period"]]
        items = [spec] if isinstance(spec, str) else list(spec)
        if not all(re.fullmatch(r"Q[1-4]", str(q)) for q in items):
            raise ReaderError(f"{why}: quarters {quote(items)} must be like Q1..Q4")
        kept = sorted({int(str(q)[1]) for q in items})
    return chosen, kept


def _by_category(base: pd.DataFrame, values: pd.Series) -> dict[str, tuple]:
    """A measure's cells per category label as (area/year keys, the four quarters' values,
    which cells the file has, their sheet rows): each variable sums a few of them."""
    cells = base.assign(value=values, present=1.0)
    out = {}
    for label, rows in cells.groupby("category", sort=False):
        wide = rows.pivot(index=["area_code", "year"], columns="quarter")
        wide = wide.reindex(columns=pd.MultiIndex.from_product([wide.columns.levels[0], QUARTERS]))
        out[label] = (
            wide.index,
            wide["value"].to_numpy("float64"),
            wide["present"].fillna(0).to_numpy("float64") > 0,
            wide["row"].to_numpy("float64"),
        )
    return out


def _annual(cells: dict[str, tuple], variable: str, chosen: list[str], kept: list[int]):
    keys = cells[chosen[0]][0]
    columns = [q - 1 for q in kept]
    value = np.zeros(len(keys))
    complete = np.ones(len(keys), dtype=bool)
    gaps = np.zeros(len(keys), dtype=bool)
    for label in chosen:
        index, values, present, rows = cells[label]
        if not index.equals(keys):
            raise ReaderError(f"variable {variable}: {label!r} has other areas or years")
        part, have = values[:, columns], present[:, columns]
        complete &= have.all(axis=1)  # a year in progress is left out
        gaps |= (have & np.isnan(part)).any(axis=1)  # a sum over a cell not published is missing
        value += np.nansum(part, axis=1)
    single = len(chosen) == 1 and len(columns) == 1
    out = keys.to_frame(index=False).assign(
        month=pd.NaT,
        variable=variable,
        value=np.where(gaps, np.nan, value),
        source_row=pd.array(
            cells[chosen[0]][3][:, columns[0]] if single else np.full(len(keys), np.nan),
            dtype="Int64",
        ),
    )
    return out[complete][["area_code", "year", "month", "variable", "value", "source_row"]]
