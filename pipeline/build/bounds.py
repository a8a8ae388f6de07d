"""The catalogue's plausibility limits as pandera checks, vectorised over whole frames.

A range check per distinct `min..max` (rows of the variables or indicators declaring it), and a
year-on-year check per distinct `change_factor`: each positive value against the same series'
positive value of the year before. Check names carry the limits and the catalogue kind they
come from, so a failure report says which limit a row broke.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import pandera.pandas as pa

from pipeline.catalogue import Bounds, Variable


def bounds_checks(
    key: str, bounds: Mapping[str, Bounds], series: Sequence[str], only: str | None = None
) -> list[pa.Check]:
    """Frame checks that the rows of each id (`key` column: a variable or an indicator) lie
    within its declared bounds: one check per distinct limits, named by them, and one per
    distinct change factor comparing each value with the same series' value a year earlier
    (`series` columns, and the month for monthly rows). Non-finite and NULL values pass (the
    `finite` check and the suppressed-cell rules see to them); with `only`, the year-on-year
    check compares just the rows where that boolean column is true (complete group values)."""
    ranges: dict[tuple, list[str]] = defaultdict(list)
    factors: dict[tuple, list[str]] = defaultdict(list)
    for ident, limits in bounds.items():
        if limits is None:
            continue
        ranges[(limits.min, limits.max, limits.kind)].append(ident)
        if limits.change_factor is not None:
            factors[(limits.change_factor, limits.kind)].append(ident)
    checks = []
    for (low, high, kind), ids in ranges.items():
        limits = Bounds(low, high, None, kind)
        name = f"bounds {limits.range_text} ({limits.origin})"
        checks.append(pa.Check(_within(key, set(ids), low, high), name=name))
    for (factor, kind), ids in factors.items():
        limits = Bounds(0.0, 1.0, factor, kind)
        name = f"bounds {limits.change_text} ({limits.origin})"
        checks.append(pa.Check(_steady(key, set(ids), factor, series, only), name=name))
    return checks


def _within(key: str, ids: set[str], low: float, high: float):
    def within(frame: pd.DataFrame) -> pd.Series:
        value = frame["value"].to_numpy("float64")
        with np.errstate(invalid="ignore"):
            inside = ((value >= low) & (value <= high)) | ~np.isfinite(
                value
            )  # NULL, inf: other checks
        return pd.Series(inside, index=frame.index) | ~frame[key].isin(ids)

    return within


def _steady(key: str, ids: set[str], factor: float, series: Sequence[str], only: str | None):
    def steady(frame: pd.DataFrame) -> pd.Series:
        ok = np.ones(len(frame), dtype=bool)
        chosen = frame[key].isin(ids).to_numpy(dtype=bool, copy=True)
        if only is not None:
            chosen &= frame[only].fillna(False).to_numpy(dtype=bool)
        positions = np.flatnonzero(chosen)
        if len(positions) > 1:
            columns = [c for c in (key, *series, "year", "month", "value") if c in frame]
            rows = frame[columns].iloc[positions].reset_index(drop=True)
            ok[positions[year_on_year_jumps(rows, [key, *series], factor)]] = False
        return pd.Series(ok, index=frame.index)

    return steady


def year_on_year_jumps(rows: pd.DataFrame, series: Sequence[str], factor: float) -> np.ndarray:
    """Positions (in `rows`) of positive values more than `factor` times above or below the
    same series' positive value of the year before (monthly rows: the same month)."""
    month = rows["month"] if "month" in rows else pd.Series(pd.NaT, index=rows.index)
    codes = [pd.factorize(rows[c], use_na_sentinel=False)[0] for c in series]
    codes.append(pd.to_datetime(month).dt.month.fillna(0).to_numpy("int64"))
    year = pd.to_numeric(rows["year"], errors="coerce").to_numpy("float64")  # a bad year: NaN
    order = np.lexsort([year, *reversed(codes)])
    same = np.ones(len(order) - 1, dtype=bool)
    for code in codes:
        ordered = code[order]
        same &= ordered[1:] == ordered[:-1]
    ordered_year = year[order]
    same &= ordered_year[1:] == ordered_year[:-1] + 1
    value = rows["value"].to_numpy("float64")[order]
    before, now = value[:-1], value[1:]
    with np.errstate(invalid="ignore", over="ignore"):
        jump = (before > 0) & (now > 0) & ((now > factor * before) | (before > factor * now))
    return order[1:][same & jump]


def keyed_bounds(items: Iterable[Variable]) -> dict[str, Bounds]:
    """Variables' declared bounds by id (those without are not checked)."""
    return {item.id: item.bounds for item in items if item.bounds is not None}
