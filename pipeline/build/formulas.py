"""The formula engine: pure functions over frames, no warehouse connection.

An indicator's formula (and its aggregation inputs) are SQL expressions over the variables of
its sources. To evaluate them the sources' staging rows are stacked (`stack_sources`: the
first listed source wins for a variable, area and period), pivoted wide on (area_code, year,
month) (`pivot_wide`: annual values fill the months of their year), given a column for every
`lag(x, n)`, `at_year(x, y)` and `level_total(x)` they use (`add_period_columns`), and evaluated row by row in an
in-memory DuckDB (`evaluate`), where a non-finite result is an error (`evaluated_frame`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence

import duckdb
import numpy as np
import pandas as pd

from pipeline import readers

KEYS = ["area_code", "year", "month"]
LAG = re.compile(r"\blag\(\s*([A-Za-z_]\w*)\s*,\s*(\d+)\s*\)", re.IGNORECASE)
AT_YEAR = re.compile(r"\bat_year\(\s*([A-Za-z_]\w*)\s*,\s*(\d{4})\s*\)", re.IGNORECASE)
LEVEL_TOTAL = re.compile(r"\blevel_total\(\s*([A-Za-z_]\w*)\s*\)", re.IGNORECASE)


class FormulaError(ValueError):
    """An expression gives a non-finite value (division by zero) on some rows."""


@functools.cache
def _engine() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB per process; each evaluation works on its own cursor."""
    return duckdb.connect(":memory:")


# --------------------------------------------------------------------------- stack and pivot


def stack_sources(sources: Sequence[tuple[pd.DataFrame | None, bool]]) -> pd.DataFrame:
    """The staging rows of the listed sources, stacked: `area_code, year, month, variable,
    value, _order, _monthly`. `sources` is (staging rows or None, is monthly) per source in the
    listed order; `_order` is the source's position. The first listed source wins where two
    give a variable for the same area and period; a variable over extra key columns (e.g. ages)
    is their total."""
    parts = []
    for order, (staging, monthly) in enumerate(sources):
        if staging is None:
            continue
        extra = [
            c for c in staging.columns if c not in (*readers.STAGING_COLUMNS, readers.ROW_COLUMN)
        ]
        rows = staging
        if extra:
            rows = rows.groupby([*KEYS, "variable"], dropna=False, as_index=False, sort=False)[
                "value"
            ].sum(min_count=1)
        parts.append(rows[[*KEYS, "variable", "value"]].assign(_order=order, _monthly=monthly))
    if not parts:
        return pd.DataFrame(columns=[*KEYS, "variable", "value", "_order", "_monthly"])
    stacked = pd.concat(parts, ignore_index=True)
    stacked["month"] = pd.to_datetime(stacked["month"])
    return stacked.drop_duplicates([*KEYS, "variable"], keep="first").reset_index(drop=True)


def pivot_wide(stacked: pd.DataFrame, columns: Sequence[str]) -> list[pd.DataFrame]:
    """Each of `columns` of `stacked` pivoted wide: rows (area_code, year, month) sorted, one
    float column per variable (by name). Annual rows have month NaT; when there are monthly
    rows, the rows are the monthly periods and annual values fill the months of their year
    (after the monthly variables; a variable given both ways keeps its monthly value)."""
    is_monthly = stacked["_monthly"].to_numpy(dtype=bool)
    annual, monthly = stacked[~is_monthly], stacked[is_monthly]
    a_keys, a_cells = _wide_cells(annual, ["area_code", "year"])
    if monthly.empty:
        keys = a_keys.assign(month=pd.NaT)
        keys["month"] = pd.to_datetime(keys["month"])
        return [_scatter(keys, a_cells, annual[column]) for column in columns]
    m_keys, m_cells = _wide_cells(monthly, KEYS)
    numbered = a_keys.assign(_annual=np.arange(len(a_keys)))
    annual_row = m_keys[["area_code", "year"]].merge(numbered, how="left")["_annual"]
    annual_row = annual_row.fillna(len(a_keys)).to_numpy(dtype="int64")
    frames = []
    for column in columns:
        wide = _scatter(m_keys, m_cells, monthly[column])
        filling = _scatter(a_keys, a_cells, annual[column]).drop(columns=["area_code", "year"])
        filling = pd.concat([filling, filling.iloc[:0].reindex([len(a_keys)])])  # no annual row
        filling = filling.iloc[annual_row].reset_index(drop=True)
        for name in filling.columns:
            wide[name] = wide[name].fillna(filling[name]) if name in wide else filling[name]
        frames.append(wide)
    return frames


def _wide_cells(rows: pd.DataFrame, keys: list[str]):
    """The sorted distinct `keys` of `rows`, and each row's (key row, variable) cell."""
    codes, uniques = [], []
    for key in keys:
        code, unique = pd.factorize(rows[key], sort=True, use_na_sentinel=False)
        codes.append(code.astype("int64"))
        uniques.append(unique)
    combined = np.zeros(len(rows), dtype="int64")
    for code, unique in zip(codes, uniques, strict=True):
        combined = combined * max(len(unique), 1) + code
    distinct, row = np.unique(combined, return_inverse=True)
    frame = {}
    for key, unique in zip(reversed(keys), reversed(uniques), strict=True):
        size = max(len(unique), 1)
        frame[key] = unique.take(distinct % size)
        distinct = distinct // size
    variable, names = pd.factorize(rows["variable"], sort=True)
    key_frame = pd.DataFrame({key: frame[key] for key in keys})
    for key in keys:
        key_frame[key] = key_frame[key].astype(rows[key].dtype)
    return key_frame, (row.ravel(), variable, list(names))


def _scatter(keys: pd.DataFrame, cells, values: pd.Series) -> pd.DataFrame:
    row, variable, names = cells
    matrix = np.full((len(keys), len(names)), np.nan)
    matrix[row, variable] = values.to_numpy(dtype="float64")
    return pd.concat([keys, pd.DataFrame(matrix, columns=names)], axis=1)


# --------------------------------------------------------------------------- lag and at_year


class RowsByVariable(Mapping[str, pd.DataFrame]):
    """The stacked rows of each variable (as a group-by would give them), selected the first
    time a variable is asked for: only the variables of lags, totals and fills ever are."""

    def __init__(self, stacked: pd.DataFrame):
        self._stacked = stacked
        self._codes, names = pd.factorize(stacked["variable"])
        self._position = {name: n for n, name in enumerate(names)}
        self._rows: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._rows:
            self._rows[name] = self._stacked[self._codes == self._position[name]]
        return self._rows[name]

    def __iter__(self):
        return iter(self._position)

    def __len__(self) -> int:
        return len(self._position)


def variable_rows(by_variable: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame:
    """The rows of one variable that have a value: `area_code, year, month, value`."""
    rows = by_variable.get(name)
    if rows is None:
        return pd.DataFrame({"area_code": [], "year": [], "month": [], "value": []})
    return rows.loc[rows["value"].notna(), [*KEYS, "value"]]


def period_columns(exprs: Iterable[str | None]) -> list[str]:
    """The wide columns `add_period_columns` adds for `exprs` (`x__lag_1`, `x__at_2020`)."""
    text = " ".join(e for e in exprs if e)
    lags = {f"{m[0]}__lag_{int(m[1])}" for m in LAG.findall(text)}
    totals = {f"{m}__level_total" for m in LEVEL_TOTAL.findall(text)}
    return sorted(lags | totals | {f"{m[0]}__at_{int(m[1])}" for m in AT_YEAR.findall(text)})


def add_period_columns(
    wide: pd.DataFrame, by_variable: Mapping[str, pd.DataFrame], exprs: Iterable[str | None]
) -> pd.DataFrame:
    """`wide` with a column for each lag(x, n) and at_year(x, y) in `exprs`, looked up from the
    same area's other periods (`by_variable` maps a variable to its stacked rows). Each column
    is looked up on the key columns only and all are added at once (a merge of the whole wide
    frame per column would copy every column each time)."""
    text = " ".join(e for e in exprs if e)
    added = {}
    for name, lag in {(m[0], int(m[1])) for m in LAG.findall(text)}:
        rows = variable_rows(by_variable, name).copy()
        if rows["month"].notna().any():
            rows["month"] = pd.to_datetime(rows["month"]) + pd.DateOffset(months=lag)
            rows["year"] = rows["month"].dt.year
        else:
            rows["year"] = rows["year"] + lag
        column = f"{name}__lag_{lag}"
        rows = rows.rename(columns={"value": column})
        on = KEYS if rows["month"].notna().any() else ["area_code", "year"]
        added[column] = _looked_up(wide[on], rows[[*on, column]], on)
    for name, year in {(m[0], int(m[1])) for m in AT_YEAR.findall(text)}:
        rows = variable_rows(by_variable, name)
        rows = rows[rows["year"] == year]
        column = f"{name}__at_{year}"
        on = ["area_code", "month"] if rows["month"].notna().any() else ["area_code"]
        if "month" in on:
            parts = pd.DataFrame({"year": year, "month": rows["month"].dt.month, "day": 1})
            rows = rows.assign(month=pd.to_datetime(parts))
        rows = rows.rename(columns={"value": column})[[*on, column]]
        added[column] = _looked_up(wide[on], rows, on)
    for name in set(LEVEL_TOTAL.findall(text)):
        added[f"{name}__level_total"] = _level_total(wide, variable_rows(by_variable, name), name)
    if not added:
        return wide
    return pd.concat([wide.reset_index(drop=True), pd.DataFrame(added)], axis=1)


def _looked_up(keys: pd.DataFrame, rows: pd.DataFrame, on: list[str]) -> pd.Series:
    """The one value column of `rows` for each row of `keys` (matched on `on`; NaN where none)."""
    (column,) = [c for c in rows.columns if c not in on]
    return keys.merge(rows, on=on, how="left", validate="many_to_one")[column]


def area_level(codes: pd.Series) -> pd.Series:
    """The level of each area code: municipality (three digits), region (MKxx), sub-region
    (SKxxx), country (SSS) or the code's letters."""
    positions, text = pd.factorize(codes.astype(str))  # each distinct code once
    levels = pd.Series(text).str.extract(r"^([A-Z]*)", expand=False).replace({"": "municipality"})
    return levels.take(positions).set_axis(codes.index)


def _level_total(wide: pd.DataFrame, rows: pd.DataFrame, name: str) -> pd.Series:
    """Per row of `wide`, `<name>__level_total`: the sum of the variable over the areas of the
    row's level in the row's period (areas without a value add nothing)."""
    column = f"{name}__level_total"
    rows = rows.assign(_level=area_level(rows["area_code"]), month=pd.to_datetime(rows["month"]))
    totals = rows.groupby(["_level", "year", "month"], dropna=False, as_index=False)["value"].sum()
    totals = totals.rename(columns={"value": column})
    keyed = pd.DataFrame(
        {
            "_level": area_level(wide["area_code"]),
            "year": wide["year"],
            "month": pd.to_datetime(wide["month"]),
        }
    )
    return _looked_up(keyed, totals, ["_level", "year", "month"])


# --------------------------------------------------------------------------- evaluation


def to_sql(expr: str) -> str:
    """The expression over wide columns: lag(x, n) → "x__lag_n", at_year(x, y) → "x__at_y"."""
    sql = LAG.sub(lambda m: f'"{m[1]}__lag_{m[2]}"', expr)
    sql = LEVEL_TOTAL.sub(lambda m: f'"{m[1]}__level_total"', sql)
    return AT_YEAR.sub(lambda m: f'"{m[1]}__at_{m[2]}"', sql)


def evaluate(
    wide: pd.DataFrame,
    exprs: Mapping[str, str],
    where: Mapping[str, np.ndarray] | None = None,
) -> dict[str, np.ma.MaskedArray]:
    """Every expression of `exprs` ({label: expression}) over the rows of `wide`, in one DuckDB
    query: {label: float array, masked where NULL}. `where` may give a label a boolean row mask:
    the expression is evaluated on those rows only (NULL elsewhere), so a row no indicator uses
    cannot make the query fail."""
    if not exprs:
        return {}
    where = where or {}
    numeric = wide.drop(columns=["area_code", "month"]).assign(_row=np.arange(len(wide)))
    selects, masks = [], {}
    for number, (label, expr) in enumerate(exprs.items()):
        sql = f"CAST(({to_sql(expr)}) AS DOUBLE)"
        if label in where:
            masks[f"_where{number}"] = where[label]
            sql = f'CASE WHEN "_where{number}" THEN {sql} END'
        selects.append(f"{sql} AS e{number}")
    if masks:  # one concat: a column at a time fragments the frame
        numeric = pd.concat([numeric, pd.DataFrame(masks, index=numeric.index)], axis=1)
    con = _engine().cursor()
    try:
        con.register("_wide", numeric)
        query = f"SELECT {', '.join(selects)} FROM _wide ORDER BY _row"  # noqa: S608
        arrays = con.execute(query).fetchnumpy()
    finally:
        con.close()
    return {label: np.ma.asarray(arrays[f"e{n}"]) for n, label in enumerate(exprs)}


def evaluated_frame(
    keys: pd.DataFrame, exprs: Mapping[str, str | None], arrays: Mapping[str, np.ma.MaskedArray]
) -> pd.DataFrame:
    """The `keys` columns of the evaluated rows with one float column per entry of `exprs`
    (NaN where the expression is empty or NULL). A non-finite value (x/0 gives ±inf or NaN in
    DuckDB, not NULL) raises `FormulaError`."""
    result = {key: keys[key] for key in KEYS}
    for column, expr in exprs.items():
        if not expr:
            result[column] = np.full(len(keys), np.nan)
            continue
        values = np.ma.filled(arrays[column].astype("float64"), np.nan)
        bad = ~np.ma.getmaskarray(arrays[column]) & ~np.isfinite(values)
        if bad.any():
            row = keys.iloc[int(np.argmax(bad))]
            raise FormulaError(
                f"{column} expression {expr!r} gives {values[bad][0]} (division by "
                f"zero?) for {int(bad.sum())} rows, e.g. area {row['area_code']}, "
                f"year {row['year']}"
            )
        result[column] = values
    return pd.DataFrame(result)
