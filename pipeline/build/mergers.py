"""Municipal rows on the 2025 division, and the completeness rule for `core.indicator_values`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.aggregate import aggregate
from pipeline.build import schemas
from pipeline.build.areas import current_codes
from pipeline.build.formulas import KEYS

PERIOD = ["indicator_id", "year", "month"]


def merge_onto_current(frame: pd.DataFrame, rules: dict, code_map: dict[str, str]):
    """Map pre-merger codes onto the 2025 code, combining parts with each indicator's rule.

    A merged municipality gets a value only when every part present in the data for that period
    has one (`n_values` equals the parts present); returns (values, lost rows).
    """
    frame = frame.assign(target=current_codes(frame.area_code, code_map))
    targets = set(frame.loc[frame.target != frame.area_code, "target"])
    involved = frame.target.isin(targets)
    keep = frame[~involved].drop(columns="target")
    parts = frame[involved]
    counts = parts.groupby(["target", *PERIOD], dropna=False).area_code.transform("nunique")
    single = parts[counts == 1].drop(columns="area_code").rename(columns={"target": "area_code"})
    multi = parts[counts > 1].assign(_parts=counts[counts > 1])
    multi = multi.assign(_rule=multi.indicator_id.map(lambda i: rules[i].rule))
    combined = [_combined(rows, rule, rules) for rule, rows in multi.groupby("_rule")]
    columns = ["indicator_id", *KEYS, "value", "numerator", "denominator", "weight", "source_id"]
    pieces = [keep[columns], single[columns], *(c[columns] for c in combined)]
    merged = pd.concat(pieces, ignore_index=True)
    lost = (
        pd.concat([c[c.value.isna()] for c in combined])[["indicator_id", *KEYS]]
        if combined
        else pd.DataFrame(columns=["indicator_id", *KEYS])
    )
    return merged, lost


def _combined(rows: pd.DataFrame, rule: str, rules: dict) -> pd.DataFrame:
    """The parts of merged municipalities (one aggregation rule) combined per 2025 code."""
    out = aggregate(
        rows.drop(columns="target"),
        rows[["target", "area_code"]].drop_duplicates().rename(columns={"target": "group_code"}),
        rule,
        1.0,
        keys=tuple(PERIOD),
    ).rename(columns={"group_code": "area_code"})
    if rule == "ratio":
        out["value"] = out["value"] * out["indicator_id"].map(lambda i: rules[i].scale)
    info = rows.groupby(["target", *PERIOD], dropna=False, as_index=False).agg(
        _parts=("_parts", "first"), source_id=("source_id", "first")
    )
    out = out.merge(info.rename(columns={"target": "area_code"}), on=["area_code", *PERIOD])
    out.loc[out["n_values"] < out["_parts"], "value"] = np.nan
    return out


def completeness(
    con, values: pd.DataFrame, municipalities: pd.DataFrame, gaps: pd.DataFrame
) -> list[str]:
    """Every 2025 municipality has a value for each indicator and period it claims (has any
    value for), unless the gap is excused (suppressed input, merger that cannot be combined)."""
    con.register("_values", values[["indicator_id", *KEYS]])
    con.register("_gaps", gaps[["indicator_id", *KEYS]])
    con.register("_munis", municipalities[["area_code", "name_fi"]])
    try:
        missing = con.execute(
            """
            WITH periods AS (SELECT DISTINCT indicator_id, year, month FROM _values),
            expected AS (
                SELECT p.indicator_id, m.area_code, m.name_fi, p.year, p.month
                FROM periods p CROSS JOIN _munis m
            )
            SELECT e.* FROM expected e
            WHERE NOT EXISTS (
                SELECT 1 FROM _values v WHERE v.indicator_id = e.indicator_id
                  AND v.area_code = e.area_code AND v.year = e.year
                  AND v.month IS NOT DISTINCT FROM e.month)
              AND NOT EXISTS (
                SELECT 1 FROM _gaps g WHERE g.indicator_id = e.indicator_id
                  AND g.area_code = e.area_code AND g.year = e.year
                  AND g.month IS NOT DISTINCT FROM e.month)
            ORDER BY e.indicator_id, e.year, e.month, e.area_code
            """
        ).df()
    finally:
        for name in ("_values", "_gaps", "_munis"):
            con.unregister(name)
    problems = []
    for (indicator_id, year, month), rows in missing.groupby(PERIOD, dropna=False, sort=False):
        period = f"{month:%Y-%m}" if isinstance(month, pd.Timestamp) else str(year)
        shown = ", ".join(f"{r.area_code} {r.name_fi}" for r in rows.head(5).itertuples())
        more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
        problems.append(
            f"core.indicator_values: completeness: indicator {indicator_id}, {period}: "
            f"no value for {len(rows)} municipalities of the 2025 division: {shown}{more}"
        )
        if len(problems) >= schemas.MAX_REPORTED:
            break
    return problems
