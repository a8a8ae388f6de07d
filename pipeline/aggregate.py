"""Group aggregation by an indicator's rule: a pure function over a frame and a membership.

The same function combines merged municipalities onto the current division and computes group
values (country, regions, sub-regions, municipality groups, user groups, the peer groups), so
all follow one rule:

- `sum`: sum of the values;
- `ratio`: scale * sum(numerator) / sum(denominator) — a ratio of sums, never a mean of ratios;
- `weighted_mean`: sum(value * weight) / sum(weight);
- `none`: not aggregated (value missing).
"""

from __future__ import annotations

import functools

import duckdb
import numpy as np
import pandas as pd

RULES = ("sum", "ratio", "weighted_mean", "none")
INPUT_COLUMNS = ("value", "numerator", "denominator", "weight")
PATHS = ("auto", "join", "gather")
GATHER_FROM_GROUPS = 200


@functools.cache
def _engine() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB engine per process; each call works on its own cursor."""
    return duckdb.connect(":memory:")


def usable(frame: pd.DataFrame, rule: str) -> pd.Series:
    """Rows that can take part in `rule`: the inputs the rule needs are all present."""
    if rule == "ratio":
        return frame["numerator"].notna() & frame["denominator"].notna()
    if rule == "weighted_mean":
        return frame["value"].notna() & frame["weight"].notna()
    return frame["value"].notna()


def aggregate(
    values: pd.DataFrame,
    membership: pd.DataFrame,
    rule: str,
    scale: float = 1.0,
    *,
    keys: tuple[str, ...] = ("year", "month"),
    require_all: bool = False,
    path: str = "auto",
) -> pd.DataFrame:
    """Aggregate member values to their groups.

    `values` has `area_code`, the `keys` columns and `value, numerator, denominator, weight`
    (missing inputs may be NaN). `membership` has `group_code, area_code`. Returns one row per
    group and key with `value`, the summed `numerator, denominator, weight` of the members used,
    `n_members` (the group's size) and `n_values` (members with usable inputs). With
    `require_all`, a group whose `n_values` is below `n_members` gets no value.

    `path` picks the engine: "join" (DuckDB, in memory), "gather" (numpy) or "auto": gather
    for `GATHER_FROM_GROUPS` groups or more (the peers of every town), where joining every value
    row to every group holding its area would be slow.
    """
    if rule not in RULES:
        raise ValueError(f"unknown aggregation rule {rule!r}; expected one of {RULES}")
    if path not in PATHS:
        raise ValueError(f"unknown aggregation path {path!r}; expected one of {PATHS}")
    if path == "auto":
        many = membership["group_code"].nunique() >= GATHER_FROM_GROUPS
        path = "gather" if many else "join"
    engine = _gathered if path == "gather" else _joined
    out = engine(values, membership, rule, scale, keys)
    if require_all:
        out.loc[out["n_values"] < out["n_members"], "value"] = np.nan
    return out


def _joined(
    values: pd.DataFrame, membership: pd.DataFrame, rule: str, scale: float, keys: tuple[str, ...]
) -> pd.DataFrame:
    """Every value row joined to every group that holds its area, grouped in an in-memory
    DuckDB connection (no I/O, so still a pure function of its inputs)."""
    frame = values.copy()
    for column in INPUT_COLUMNS:
        if column not in frame:
            frame[column] = np.nan
    frame["_ok"] = usable(frame, rule).to_numpy()
    frame = frame[["area_code", *keys, *INPUT_COLUMNS, "_ok"]]
    members = membership[["group_code", "area_code"]]
    key_sql = ", ".join(f'v."{k}"' for k in keys)
    key_names = ", ".join(f'"{k}"' for k in keys)
    query = f"""
        WITH joined AS (
            SELECT m.group_code, {key_sql}, v.value, v.numerator, v.denominator, v.weight, v._ok
            FROM frame v JOIN members m ON v.area_code = m.area_code
        ),
        sizes AS (SELECT group_code, count(*) AS n_members FROM members GROUP BY group_code)
        SELECT j.group_code, {key_names},
            sum(value) FILTER (WHERE _ok) AS value_sum,
            sum(numerator) FILTER (WHERE _ok) AS numerator,
            sum(denominator) FILTER (WHERE _ok) AS denominator,
            sum(weight) FILTER (WHERE _ok) AS weight,
            sum(value * weight) FILTER (WHERE _ok) AS weighted,
            count(*) FILTER (WHERE _ok) AS n_values,
            any_value(s.n_members) AS n_members
        FROM joined j JOIN sizes s USING (group_code)
        GROUP BY j.group_code, {key_names}
        ORDER BY j.group_code, {key_names}
    """  # noqa: S608 - identifiers are the caller's column names, not user input
    con = _engine().cursor()
    try:
        con.register("frame", frame)
        con.register("members", members)
        out = con.execute(query).df()
    finally:
        con.close()
    sums = {c: out[c].to_numpy("float64") for c in ("numerator", "denominator", "weight")}
    sums.update(
        value=out["value_sum"].to_numpy("float64"), weighted=out["weighted"].to_numpy("float64")
    )
    out["value"] = _rule_value(rule, scale, sums)
    out.loc[out["n_values"] == 0, "value"] = np.nan
    for column in ("numerator", "denominator", "weight"):
        out[column] = out[column].astype("float64")
    if "month" in out.columns:
        out["month"] = pd.to_datetime(out["month"])
    columns = ["group_code", *keys, "value", "numerator", "denominator", "weight"]
    return out[[*columns, "n_members", "n_values"]].astype(
        {"n_members": "int64", "n_values": "int64"}
    )


def _rule_value(rule: str, scale: float, sums: dict[str, np.ndarray]) -> np.ndarray:
    """The group value from the members' sums of `value, numerator, denominator, weight` and
    `weighted` (value * weight); a zero denominator or weight gives no value."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if rule == "sum":
            return sums["value"]
        if rule == "ratio":
            denominator = sums["denominator"]
            return scale * sums["numerator"] / np.where(denominator != 0, denominator, np.nan)
        if rule == "weighted_mean":
            return sums["weighted"] / np.where(sums["weight"] != 0, sums["weight"], np.nan)
        return np.full(len(sums["value"]), np.nan)


def _member_columns(membership: pd.DataFrame, area_codes: pd.Index):
    """(group codes, group sizes, groups × members matrix of area positions): members in area
    order, a group's unused slots (and unknown areas) point at the padding column."""
    group_of, groups = pd.factorize(membership["group_code"], sort=True)
    member_area = pd.Index(area_codes).get_indexer(membership["area_code"])
    member_area[member_area < 0] = len(area_codes)
    order = np.lexsort((member_area, group_of))
    sizes = np.bincount(group_of, minlength=len(groups))
    position = np.arange(len(order)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    gathered = np.full((len(groups), int(sizes.max()) if len(sizes) else 0), len(area_codes))
    gathered[group_of[order], position] = member_area[order]
    return groups, sizes, gathered


def _gathered(
    values: pd.DataFrame, membership: pd.DataFrame, rule: str, scale: float, keys: tuple[str, ...]
) -> pd.DataFrame:
    """The same rows as `_joined`, in numpy: the inputs are laid out as period × area arrays
    and each group's members are gathered and summed. Sums run in member (area) order, so a
    result may differ from `_joined`'s in the last bits."""
    frame = values.reset_index(drop=True)
    for column in INPUT_COLUMNS:
        if column not in frame:
            frame[column] = np.nan
    period = frame.groupby(list(keys), dropna=False, sort=True).ngroup().to_numpy()
    n_periods = int(period.max()) + 1 if len(period) else 0
    area, area_codes = pd.factorize(frame["area_code"], sort=True)
    n_cells = n_periods * (len(area_codes) + 1)  # the last area column: no values (padding)
    cell = period * (len(area_codes) + 1) + area
    ok = usable(frame, rule).to_numpy()
    inputs = {c: frame[c].to_numpy(dtype="float64") for c in INPUT_COLUMNS}
    inputs["weighted"] = inputs["value"] * inputs["weight"]

    def layout(mask: np.ndarray, data: np.ndarray | None = None) -> np.ndarray:
        counts = np.bincount(cell[mask], data[mask] if data is not None else None, n_cells)
        return counts.reshape(n_periods, len(area_codes) + 1)

    groups, sizes, gathered = _member_columns(membership, area_codes)

    def summed(per_area: np.ndarray) -> np.ndarray:  # groups × periods
        total = np.zeros((len(groups), n_periods))
        for column in gathered.T:
            total += per_area[:, column].T
        return total

    has_row = summed(layout(np.ones(len(frame), dtype=bool))) > 0
    out = {"n_values": summed(layout(ok))[has_row].astype("int64")}
    for column, data in inputs.items():
        present = ok & ~np.isnan(data)
        total = summed(layout(present, data))[has_row]
        out[column] = np.where(summed(layout(present))[has_row] > 0, total, np.nan)
    group_index, period_index = np.nonzero(has_row)
    first_rows = np.unique(period, return_index=True)[1]
    result = frame.loc[first_rows[period_index], list(keys)].reset_index(drop=True)
    result.insert(0, "group_code", groups.take(group_index))
    value = _rule_value(rule, scale, out)
    result["value"] = np.where(out["n_values"] > 0, value, np.nan)
    for column in ("numerator", "denominator", "weight"):
        result[column] = out[column]
    if "month" in result.columns:
        result["month"] = pd.to_datetime(result["month"])
    result["n_members"] = sizes[group_index].astype("int64")
    result["n_values"] = out["n_values"]
    return result
