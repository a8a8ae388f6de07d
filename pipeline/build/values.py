"""Indicator values: each indicator's formula and aggregation inputs over its sources' rows.

Indicators that list the same sources share one stacked and pivoted frame, and all their
expressions are evaluated in one query (`formulas.evaluate`), each on the rows where one of its
formula's variables is present. Municipal rows are then put on the 2025 division
(`mergers.merge_onto_current`); published rows of other areas (regions, the country) go on to the
group values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.build import formulas, mergers
from pipeline.build.areas import Division, current_codes, is_municipal
from pipeline.build.formulas import KEYS
from pipeline.build.report import Problems
from pipeline.catalogue import Catalogue, Indicator, expression_variables

VALUE_COLUMNS = ["indicator_id", *KEYS, "value", "numerator", "denominator", "weight", "source_id"]


@dataclass(frozen=True)
class IndicatorValues:
    values: pd.DataFrame  # core.indicator_values: municipal rows on the 2025 division
    published: pd.DataFrame  # published rows of non-municipal areas (same columns)
    notes: dict[str, str]  # indicator id → note for core.indicators ("" when none)
    gaps: pd.DataFrame  # indicator_id, area_code, year, month the completeness rule excuses


@dataclass
class SourceFrames:
    """One list of sources stacked and pivoted, with every expression of its indicators."""

    source_ids: tuple[str, ...]
    stacked: pd.DataFrame
    wide: pd.DataFrame  # period columns and every named variable included
    order: pd.DataFrame  # per wide cell, the position of the source that gave it
    by_variable: Mapping[str, pd.DataFrame]
    nulls: dict[str, pd.DataFrame]  # per variable, the keys of rows published without a value
    arrays: dict[str, np.ma.MaskedArray]  # "<indicator>:<column>" → evaluated over `wide`

    def earlier(self, name: str) -> pd.DataFrame:
        """A variable's last value of each area and year (`area_code, from_year, _fill`)."""
        series = formulas.variable_rows(self.by_variable, name).sort_values(KEYS)
        annual = series.drop_duplicates(["area_code", "year"], keep="last")[
            ["area_code", "year", "value"]
        ]
        return annual.sort_values("year").rename(columns={"year": "from_year", "value": "_fill"})


def expressions(indicator: Indicator) -> dict[str, str | None]:
    agg = indicator.aggregation
    return {
        "value": indicator.formula,
        "numerator": agg.numerator,
        "denominator": agg.denominator,
        "weight": agg.weight,
    }


def _present(wide: pd.DataFrame, order: pd.DataFrame, indicator: Indicator) -> np.ndarray:
    """Rows where one of the formula's variables has a value (in the sources)."""
    columns = [v for v in expression_variables(indicator.formula or "") if v in order.columns]
    return ~np.isnan(wide[columns].to_numpy("float64")).all(axis=1)


def source_frames(
    catalogue: Catalogue,
    staging: Mapping[str, pd.DataFrame],
    source_ids: tuple[str, ...],
    indicators: list[Indicator],
) -> SourceFrames:
    """Stack and pivot the sources once and evaluate the `indicators` (that list them)."""
    monthly = [catalogue.source(s).period == "month" for s in source_ids]
    stacked = formulas.stack_sources(
        [(staging.get(s), m) for s, m in zip(source_ids, monthly, strict=True)]
    )
    by_variable = formulas.RowsByVariable(stacked)
    if stacked.empty:
        return SourceFrames(source_ids, stacked, pd.DataFrame(), pd.DataFrame(), {}, {}, {})
    wide, order = formulas.pivot_wide(stacked[stacked["value"].notna()], ("value", "_order"))
    nulls = stacked.loc[stacked["value"].isna(), [*KEYS, "variable"]]
    nulls = {v: rows[KEYS] for v, rows in nulls.groupby("variable", sort=False, observed=True)}
    exprs = [e for i in indicators for e in expressions(i).values() if e]
    wide = formulas.add_period_columns(wide, by_variable, exprs)
    missing = sorted({v for i in indicators for v in i.variables} - set(wide.columns))
    wide = pd.concat([wide, pd.DataFrame(np.nan, index=wide.index, columns=missing)], axis=1)
    order = order.drop(columns=KEYS)
    labelled, where = {}, {}
    for indicator in indicators:
        present = _present(wide, order, indicator)
        for column, expr in expressions(indicator).items():
            if expr:
                labelled[f"{indicator.id}:{column}"] = expr
                where[f"{indicator.id}:{column}"] = present
    arrays = formulas.evaluate(wide, labelled, where)
    return SourceFrames(source_ids, stacked, wide, order, by_variable, nulls, arrays)


def evaluate_indicator(frames: SourceFrames, indicator: Indicator):
    """(rows with value and inputs, note, suppressed keys) for one indicator of `frames`."""
    if frames.stacked.empty:
        return pd.DataFrame(columns=[*KEYS, "value"]), "", pd.DataFrame(columns=KEYS)
    agg = indicator.aggregation
    exprs = expressions(indicator)
    formula_vars = set(expression_variables(indicator.formula or ""))
    suppressed = pd.concat(
        [
            frames.stacked.iloc[:0][KEYS],
            *(frames.nulls[v] for v in formula_vars if v in frames.nulls),
        ]
    )
    present = _present(frames.wide, frames.order, indicator)
    keys = frames.wide.loc[present, KEYS].reset_index(drop=True)
    arrays = {c: frames.arrays[f"{indicator.id}:{c}"][present] for c, e in exprs.items() if e}
    result = formulas.evaluated_frame(keys, exprs, arrays)
    note = ""
    fill_vars = set(indicator.variables) - formula_vars
    if fill_vars and agg.rule in ("ratio", "weighted_mean"):
        inputs = ["numerator", "denominator"] if agg.rule == "ratio" else ["weight"]
        lacking = result["value"].notna() & result[inputs].isna().any(axis=1)
        if lacking.any():
            columns = [
                *KEYS,
                *sorted(indicator.variables),
                *formulas.period_columns(exprs.values()),
            ]
            wide = frames.wide.loc[present, columns].reset_index(drop=True)
            note = fill_aggregation_inputs(wide, frames.earlier, fill_vars, lacking.to_numpy())
            filled = formulas.evaluate(wide, {c: e for c, e in exprs.items() if e})
            result = formulas.evaluated_frame(wide, exprs, filled)
    result["source_id"] = _origin(frames, present, formula_vars)
    suppressed = pd.concat([suppressed, result.loc[result["value"].isna(), KEYS]])
    if agg.rule == "ratio":
        note = " ".join(filter(None, [note, ratio_consistency(result, agg.scale)]))
    return result, note, suppressed  # rows without a value stay until mergers are done


def _origin(frames: SourceFrames, present: np.ndarray, formula_vars: set[str]) -> np.ndarray:
    """Per evaluated row, the first listed source that gives one of the formula's variables."""
    columns = [v for v in formula_vars if v in frames.order.columns]
    origin = np.full(int(present.sum()), "", dtype=object)
    if present.any():
        first = np.fmin.reduce(frames.order[columns].to_numpy("float64")[present], axis=1)
        known = ~np.isnan(first)
        origin[known] = np.asarray(frames.source_ids, dtype=object)[first[known].astype("int64")]
    return origin


def fill_aggregation_inputs(
    wide: pd.DataFrame,
    earlier: Callable[[str], pd.DataFrame],
    variables: Iterable[str],
    rows: np.ndarray,
) -> str:
    """Aggregation-only inputs missing on `rows` take the same area's nearest earlier year
    (`earlier(name)` gives a variable's yearly values); returns the note saying so."""
    notes = []
    for name in sorted(variables):
        missing = rows & wide[name].isna().to_numpy()
        if not missing.any():
            continue
        annual = earlier(name)
        if annual.empty:
            continue
        targets = wide.loc[missing, ["area_code", "year"]].reset_index().sort_values("year")
        filled = pd.merge_asof(
            targets,
            annual,
            left_on="year",
            right_on="from_year",
            by="area_code",
            direction="backward",
            allow_exact_matches=False,
        ).dropna(subset=["_fill"])
        if filled.empty:
            continue
        wide.loc[filled["index"].to_numpy(), name] = filled["_fill"].to_numpy()
        notes.append(
            f"{name} is missing for {_span(sorted(filled['year'].unique()))}; the nearest "
            f"earlier year ({_span(sorted(filled['from_year'].unique()))}) is used."
        )
    return " ".join(notes)


def _span(years) -> str:
    years = [int(y) for y in years]
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def ratio_consistency(result: pd.DataFrame, scale: float) -> str:
    """The municipal value is the formula (the published figure); say how far the group
    numerator/denominator are from reproducing it, when they are more than rounding apart."""
    value, denominator = result["value"].to_numpy(), result["denominator"].to_numpy()
    ratio = scale * result["numerator"].to_numpy() / np.where(denominator != 0, denominator, np.nan)
    both = ~np.isnan(ratio) & ~np.isnan(value) & (np.abs(value) > 0)
    if not both.any():
        return ""
    deviation = np.abs(ratio[both] - value[both]) / np.abs(value[both])
    worst = float(deviation.max())
    if worst <= 0.005:
        return ""
    return (
        f"Group values use scale * sum(numerator) / sum(denominator); for single municipalities "
        f"that ratio differs from the published figure by up to {100 * worst:.1f} % "
        f"(median {100 * float(np.median(deviation)):.2f} %)."
    )


# --------------------------------------------------------------------------- all indicators


def _evaluated_all(catalogue: Catalogue, staging: Mapping[str, pd.DataFrame]):
    """Per indicator (catalogue order): (evaluated rows, note, suppressed keys)."""
    by_sources: dict[tuple[str, ...], list[Indicator]] = {}
    for indicator in catalogue.indicators:
        by_sources.setdefault(tuple(dict.fromkeys(indicator.sources)), []).append(indicator)
    out = {}
    for source_ids, indicators in by_sources.items():
        frames = source_frames(catalogue, staging, source_ids, indicators)
        for indicator in indicators:
            try:
                out[indicator.id] = evaluate_indicator(frames, indicator)
            except formulas.FormulaError as exc:
                raise Problems([f"indicator {indicator.id}: {exc}"]) from exc
    return {i.id: out[i.id] for i in catalogue.indicators}


def indicator_values(
    catalogue: Catalogue, staging: Mapping[str, pd.DataFrame], division: Division
) -> IndicatorValues:
    """Municipal values on the 2025 division, published non-municipal rows, notes and gaps.

    Gaps are rows the completeness rule excuses: inputs the publisher suppressed or left empty,
    and merged municipalities whose parts cannot be combined.
    """
    evaluated_by_id = _evaluated_all(catalogue, staging)
    notes = {i: [note] if note else [] for i, (_, note, _) in evaluated_by_id.items()}
    for indicator in catalogue.indicators:
        notes[indicator.id] += zero_sum_notes(indicator, staging)
    frames = [rows.assign(indicator_id=i) for i, (rows, _, _) in evaluated_by_id.items()]
    hidden = [gaps.assign(indicator_id=i) for i, (_, _, gaps) in evaluated_by_id.items()]
    evaluated = pd.concat(frames, ignore_index=True)[VALUE_COLUMNS]
    evaluated["month"] = pd.to_datetime(evaluated["month"])
    municipal = is_municipal(evaluated.area_code)
    published = evaluated[~municipal & evaluated["value"].notna()].reset_index(drop=True)
    rules = {i.id: i.aggregation for i in catalogue.indicators}
    merged, lost = mergers.merge_onto_current(evaluated[municipal], rules, division.code_map)
    hidden = pd.concat(hidden, ignore_index=True)
    hidden = hidden[is_municipal(hidden.area_code)]
    hidden = hidden.assign(area_code=current_codes(hidden.area_code, division.code_map))
    hidden = hidden.drop_duplicates()
    _note_gaps(notes, hidden, lost)
    values = merged[merged["value"].notna()][VALUE_COLUMNS]
    values = values.sort_values(["indicator_id", "area_code", "year", "month"], ignore_index=True)
    values["year"] = values["year"].astype("int32")
    gaps = pd.concat([hidden, lost[hidden.columns]], ignore_index=True)
    return IndicatorValues(values, published, {k: " ".join(v) for k, v in notes.items()}, gaps)


def zero_sum_notes(indicator: Indicator, staging: Mapping[str, pd.DataFrame]) -> list[str]:
    """For inputs summed from smaller areas (staging rows with `zero_areas`, e.g. Paavo's
    postal areas): where areas given as 0 were summed, say so; those sums are lower bounds."""
    notes = []
    for source_id in dict.fromkeys(indicator.sources):
        rows = staging.get(source_id)
        if rows is None or "zero_areas" not in rows.columns:
            continue
        for variable in indicator.variables:
            mine = rows[rows["variable"] == variable]
            hit = mine[mine["zero_areas"] > 0]
            if hit.empty:
                continue
            notes.append(
                f"{variable} is a sum over postal areas; in {hit['area_code'].nunique()} of "
                f"{mine['area_code'].nunique()} municipalities it includes postal areas given as "
                f"0 ({int(hit['zero_areas'].sum())} areas: suppressed by the publisher or none), "
                "so those sums are lower bounds."
            )
    return notes


def _note_gaps(notes: dict[str, list[str]], hidden: pd.DataFrame, lost: pd.DataFrame) -> None:
    for indicator_id, rows in hidden.groupby("indicator_id"):
        first = rows.sort_values(["year", "area_code"]).iloc[0]
        notes[indicator_id].append(
            f"{len(rows)} municipal values are suppressed or missing in the published data "
            f"(e.g. {first.area_code} in {first.year})."
        )
    for indicator_id, rows in lost.groupby("indicator_id"):
        listed = ", ".join(
            f"{r.area_code} ({r.year})"
            for r in rows.drop_duplicates(["area_code", "year"]).head(6).itertuples()
        )
        notes[indicator_id].append(
            f"No value for merged municipalities {listed}: the parts of the merger cannot be "
            "combined (rule 'none', or a part's value is missing)."
        )
