"""Composite indices and peers: `core.index_values`, `core.index_components`,
`core.index_definitions` and `core.peers`, computed from `core.indicators` and
`core.indicator_values` by the pure functions of `pipeline.composite` and `pipeline.peers`.

- `core.index_values(index_id, area_code, year, score, rank, n_indicators)`: theme indices
  (`index_<theme>`) and the overall index (`index_overall`, equal theme weights) per municipality;
  `year` is the latest year among the index's components.
- `core.index_components(index_id, indicator_id, theme, direction, year, lower, upper, skewness,
  transform)`: which indicator entered which index, from which year, and how it was normalised.
- `core.index_definitions(index_id, theme, label_fi, label_sv, label_en, unit, n_indicators,
  indicators)`: one row per index (labels for exports and pages).
- `core.peers(area_code, peer_code, distance, rank, n_indicators)`: each municipality's ten
  nearest peers on the presentation's peer profile (`presentation.yaml`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from pipeline import composite, peers
from pipeline.presentation import PeerProfile

PEER_COUNT = 10
OVERALL_LABEL = {"fi": "Kokonaisindeksi", "sv": "Totalindex", "en": "Overall index"}
THEME_LABEL = {"fi": "Indeksi: {}", "sv": "Index: {}", "en": "Index: {}"}
INDEX_UNIT = "0–1"


@dataclass(frozen=True)
class IndexTables:
    values: pd.DataFrame  # core.index_values
    components: pd.DataFrame  # core.index_components
    definitions: pd.DataFrame  # core.index_definitions
    peers: pd.DataFrame  # core.peers


def index_inputs(
    indicators: pd.DataFrame,
    values: pd.DataFrame,
    municipalities: Sequence[str],
    *,
    last_observed_year: int | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The indices' inputs: (areas × indicators at their latest common year, metadata with
    `theme, direction, aggregation, year`). Indicators with values after `last_observed_year`
    (default: this year) are projections, not observations, and are left out."""
    if last_observed_year is None:
        last_observed_year = dt.date.today().year
    meta = indicators.set_index("indicator_id")[["theme", "direction", "aggregation"]]
    eligible = set(composite.index_indicators(meta))
    future = set(values.loc[values["year"] > last_observed_year, "indicator_id"])
    chosen = values[values["indicator_id"].isin(eligible - future)]
    years = composite.latest_common_year(chosen, len(municipalities))
    wide = composite.wide_at_years(chosen, years).reindex(list(municipalities))
    meta = meta.loc[list(wide.columns)].assign(year=pd.Series(years))
    return wide, meta


def index_tables(
    indicators: pd.DataFrame,
    values: pd.DataFrame,
    municipalities: Sequence[str],
    theme_labels: dict[str, dict[str, str]],
    peer_profile: PeerProfile,
    *,
    last_observed_year: int | None = None,
) -> IndexTables:
    """The index tables and `core.peers` from `core.indicators` and `core.indicator_values`
    (municipal rows); `theme_labels` maps theme id to {lang: label}."""
    wide, meta = index_inputs(
        indicators, values, municipalities, last_observed_year=last_observed_year
    )
    normalised = composite.normalise_frame(wide, meta)
    scores = composite.composite_scores(wide, meta, normalised=normalised)
    components = _components(wide, meta, normalised)
    used = components[components["index_id"] != composite.index_id(composite.OVERALL)]
    years = used.groupby("index_id")["year"].max()
    years[composite.index_id(composite.OVERALL)] = used["year"].max()
    scores.insert(2, "year", scores["index_id"].map(years).astype("int64"))
    profile = peers.profile_frame(values, municipalities)
    chosen = [i for i in peer_profile.indicators if i in profile.columns]
    peer_table = peers.all_peers(profile, chosen, PEER_COUNT, log=peer_profile.log)
    definitions = index_definitions(components, theme_labels)
    return IndexTables(scores, components, definitions, peer_table)


def _components(wide: pd.DataFrame, meta: pd.DataFrame, normalised: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for indicator in normalised.columns:
        plan = composite.describe_normalisation(wide[indicator])
        theme = meta.at[indicator, "theme"]
        row = {
            "indicator_id": indicator,
            "theme": theme,
            "direction": meta.at[indicator, "direction"],
            "year": int(meta.at[indicator, "year"]),
            "lower": plan.lower,
            "upper": plan.upper,
            "skewness": plan.skewness,
            "transform": plan.transform,
        }
        for index in (composite.index_id(theme), composite.index_id(composite.OVERALL)):
            rows.append({"index_id": index, **row})
    columns = ["index_id", "indicator_id", "theme", "direction", "year"]
    return pd.DataFrame(rows, columns=[*columns, "lower", "upper", "skewness", "transform"])


# --------------------------------------------------------------------------- definitions, export


def index_definitions(
    components: pd.DataFrame, theme_labels: dict[str, dict[str, str]]
) -> pd.DataFrame:
    """`core.index_definitions(index_id, theme, label_fi, label_sv, label_en, unit,
    n_indicators, indicators)`: one row per index; `theme_labels` maps theme id to {lang: label}."""
    rows = []
    for index_id, part in components.groupby("index_id", sort=True):
        theme = None if index_id == composite.index_id(composite.OVERALL) else part["theme"].iloc[0]
        labels = {
            f"label_{lang}": OVERALL_LABEL[lang]
            if theme is None
            else THEME_LABEL[lang].format(theme_labels.get(theme, {}).get(lang, theme))
            for lang in OVERALL_LABEL
        }
        rows.append(
            {
                "index_id": index_id,
                "theme": theme,
                **labels,
                "unit": INDEX_UNIT,
                "n_indicators": len(part),
                "indicators": ",".join(sorted(part["indicator_id"])),
            }
        )
    return pd.DataFrame(rows)
