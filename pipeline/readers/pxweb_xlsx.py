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
        grid = _grid(sheet.to_python(skip_empty_area=False))
    name = Path(path).name
    header_at = next((i for i, r in enumerate(grid[:10]) if _is_header(tuple(r))), None)
    if header_at is None:
        raise ReaderError(f"{name}: no header row (empty stub cells, then measure labels)")
    header = grid[header_at]
    n_stubs = next(i for i, cell in enumerate(header) if cell is not None)
    stubs = _stub_names(grid[0, 0] if grid.size else None, n_stubs, name)
    measures = [str(cell).strip() for cell in header[n_stubs:] if cell is not None]
    first = header_at + 2  # the sheet row (1-based) of the table's first row
    cells = grid[header_at + 1 :, : n_stubs + len(measures)]
    empty = np.equal(cells, None).all(axis=1)
    if empty.any():
        end = int(np.argmax(empty))
        _check_footer(grid[header_at + 2 + end :], name, first + end + 1)
        cells = cells[:end]
    if not len(cells):
        raise ReaderError(f"{name}: the table has no rows below the header (row {header_at + 1})")
    for i in range(n_stubs):
        cells[:, i] = _filled_down(cells[:, i], stubs[i], name, first)
    numbers = np.arange(first, first + len(cells), dtype=object)
    body = np.concatenate([cells, numbers[:, None]], axis=1).tolist()
    return pd.DataFrame(body, columns=[*stubs, *measures, ROW])


def _grid(rows: list[list]) -> np.ndarray:
    """The sheet's cells as a 2-D object array, empty cells ("") as None."""
    widths = {len(r) for r in rows}
    if len(widths) == 1 and min(widths):
        grid = np.array(rows, dtype=object)
    else:
        grid = np.full((len(rows), max(widths, default=0)), None, dtype=object)
        for i, row in enumerate(rows):
            grid[i, : len(row)] = row
    grid[np.equal(grid, "")] = None
    return grid


def _filled_down(column: np.ndarray, stub: str, name: str, first: int) -> np.ndarray:
    """A stub column with each empty cell taking the value above; an empty first cell fails."""
    given = ~np.equal(column, None)
    if not given[0]:
        raise ReaderError(f"{name}: row {first}: stub column {stub!r} is empty")
    return column[np.maximum.accumulate(np.where(given, np.arange(len(column)), 0))]


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


def _check_footer(rest: np.ndarray, name: str, first_row: int) -> None:
    """After the table's end only footer notes (text in the first column) may follow."""
    cells = ~np.equal(rest[:, 1:], None).all(axis=1)
    if cells.any():
        at = int(np.argmax(cells))
        raise ReaderError(
            f"{name}: row {first_row + at}: table cells after the empty row that ends the table "
            f"({quote(tuple(rest[at]), 200)}); the footer holds notes in the first column only"
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
    cube = _Cube(base[subset])
    measures = {
        selector: cube.values(numbers(raw.loc[keep], selector, file, raw.loc[keep, ROW])[subset])
        for selector in dict.fromkeys(selector for selector, _, _ in plans.values())
    }
    parts = {
        variable: _annual(cube, measures[selector], variable, chosen, kept)
        for variable, (selector, chosen, kept) in plans.items()
    }
    keys = np.concatenate([at for at, _, _ in parts.values()])
    frame = cube.keys.take(keys).reset_index(drop=True)
    return staging(
        frame.assign(
            month=pd.NaT,
            variable=np.repeat(list(parts), [len(at) for at, _, _ in parts.values()]),
            value=np.concatenate([value for _, value, _ in parts.values()]),
            source_row=pd.array(np.concatenate([r for _, _, r in parts.values()]), dtype="Int64"),
        )
    )


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
    positions, uniques = pd.factorize(raw[column].astype(str).str.strip())
    parsed = pd.Series(uniques).str.extract(_QUARTER).take(positions).set_axis(raw.index)
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


class _Cube:
    """The cells of a measure as an array (area/year key × category label × quarter), so that
    each variable sums a few labels and quarters of it; also which cells the file has and
    their sheet rows. Keys are sorted by area code, then year."""

    def __init__(self, base: pd.DataFrame):
        key_codes = []
        for column in ("area_code", "year"):
            codes, uniques = pd.factorize(base[column], sort=True)
            key_codes.append((codes, uniques))
        (area, areas), (year, years) = key_codes
        combined, self.key_of = np.unique(area * len(years) + year, return_inverse=True)
        self.keys = pd.DataFrame(
            {
                "area_code": areas.take(combined // len(years)),
                "year": years.take(combined % len(years)),
            }
        )
        self.category_of, labels = pd.factorize(base["category"])
        self.labels = {label: n for n, label in enumerate(labels)}
        self.quarter_of = base["quarter"].to_numpy("int64") - 1
        shape = (len(self.keys), len(labels), len(QUARTERS))
        self.present = np.zeros(shape, dtype=bool)
        self.present[self.key_of, self.category_of, self.quarter_of] = True
        self.rows = self.values(base["row"])

    def values(self, cells: pd.Series) -> np.ndarray:
        out = np.full(self.present.shape, np.nan)
        out[self.key_of, self.category_of, self.quarter_of] = cells.to_numpy("float64")
        return out


def _annual(cube: _Cube, cells: np.ndarray, variable: str, chosen: list[str], kept: list[int]):
    """(key positions, annual values, sheet rows) of one variable: the sum over its labels and
    kept quarters where the file has every kept quarter (the sheet row of a single cell)."""
    first = cube.labels[chosen[0]]
    have_key = cube.present[:, first, :].any(axis=1)  # the keys the first label has
    columns = [q - 1 for q in kept]
    n_keys = int(have_key.sum())
    value = np.zeros(n_keys)
    complete = np.ones(n_keys, dtype=bool)
    gaps = np.zeros(n_keys, dtype=bool)
    for label in chosen:
        at = cube.labels[label]
        if not np.array_equal(cube.present[:, at, :].any(axis=1), have_key):
            raise ReaderError(f"variable {variable}: {label!r} has other areas or years")
        part = cells[have_key, at][:, columns]
        have = cube.present[have_key, at][:, columns]
        complete &= have.all(axis=1)  # a year in progress is left out
        gaps |= (have & np.isnan(part)).any(axis=1)  # a sum over a cell not published is missing
        value += np.nansum(part, axis=1)
    single = len(chosen) == 1 and len(columns) == 1
    rows = cube.rows[have_key, first, columns[0]] if single else np.full(n_keys, np.nan)
    value = np.where(gaps, np.nan, value)
    return np.flatnonzero(have_key)[complete], value[complete], rows[complete]
