"""Warehouse step for issue 7: composite indices, their components and the default peer groups.

`index_tables` is pure (frames in, frames out); `write_index_tables` is the small I/O edge the
warehouse build calls after `core.indicator_values` is written. Tables:

- `core.index_values(index_id, area_code, year, score, rank, n_indicators)`: theme indices
  (`index_<theme>`) and the overall index (`index_overall`, equal theme weights) per municipality;
  `year` is the latest year among the index's components.
- `core.index_components(index_id, indicator_id, theme, direction, year, lower, upper, skewness,
  transform)`: which indicator entered which index, from which year, and how it was normalised.
- `core.index_definitions(index_id, theme, label_fi, label_sv, label_en, unit, n_indicators,
  indicators)`: one row per index (labels for exports and pages).
- `core.peers(area_code, peer_code, distance, rank, n_indicators)`: each municipality's ten
  nearest peers on the default profile (`pipeline.peers.DEFAULT_PROFILE`).

The peer groups are also made first-class groups, so that `peers:<code>` works wherever a group
does (compare, map, export): one `core.areas` row of kind `peers` per municipality, its members
in `core.group_members`, and its values in `core.group_values`, aggregated from the members by
each indicator's rule exactly as the other groups are (ratios as ratios of sums).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from pipeline import composite, peers, schemas
from pipeline.aggregate import aggregate_gathered

PEER_COUNT = 10
INDEX_VALUES = "core.index_values"
INDEX_COMPONENTS = "core.index_components"
PEERS = "core.peers"
INDEX_DEFINITIONS = "core.index_definitions"
PEERS_PREFIX = "peers:"
PEER_KIND = "peers"
PEER_GROUP_NAME = {"fi": "Vertailukunnat: {}", "sv": "Jämförelsekommuner: {}", "en": "Peers of {}"}


@dataclass(frozen=True)
class IndexTables:
    values: pd.DataFrame
    components: pd.DataFrame
    peers: pd.DataFrame


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


def profile_frame(values: pd.DataFrame, municipalities: Sequence[str]) -> pd.DataFrame:
    """Areas × every annual indicator at its latest common year (the peers' profile)."""
    years = composite.latest_common_year(values, len(municipalities))
    return composite.wide_at_years(values, years).reindex(list(municipalities))


def index_tables(
    indicators: pd.DataFrame,
    values: pd.DataFrame,
    municipalities: Sequence[str],
    *,
    last_observed_year: int | None = None,
) -> IndexTables:
    """`core.index_values`, `core.index_components` and `core.peers` from `core.indicators` and
    `core.indicator_values` (municipal rows)."""
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
    profile = profile_frame(values, municipalities)
    chosen = [i for i in peers.DEFAULT_PROFILE if i in profile.columns]
    peer_table = peers.all_peers(profile, chosen, PEER_COUNT, log=peers.DEFAULT_LOG)
    return IndexTables(scores, components, peer_table)


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


# --------------------------------------------------------------------------- peer groups


def peer_group_code(code: str) -> str:
    return f"{PEERS_PREFIX}{code}"


def peer_group_tables(
    peer_table: pd.DataFrame,
    areas: pd.DataFrame,
    indicators: pd.DataFrame,
    values: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Rows for `core.areas`, `core.group_members` and `core.group_values` that make each
    municipality's peers a group `peers:<code>` (the town itself is not a member).

    `areas` has `area_code, name_fi, name_sv, name_en`; `indicators` has `indicator_id,
    aggregation, scale`; `values` is `core.indicator_values` (value, numerator, denominator,
    weight, source_id). Indicators with the rule `none` get no group values, as for every group.
    """
    members = pd.DataFrame(
        {
            "group_code": PEERS_PREFIX + peer_table["area_code"].astype(str),
            "area_code": peer_table["peer_code"].astype(str),
        }
    )
    names = areas.set_index("area_code").loc[peer_table["area_code"].unique()]
    group_areas = pd.DataFrame(
        {
            "area_code": [peer_group_code(c) for c in names.index],
            "kind": PEER_KIND,
            **{
                f"name_{lang}": [template.format(n) for n in names[f"name_{lang}"]]
                for lang, template in PEER_GROUP_NAME.items()
            },
        }
    )
    rules = indicators.set_index("indicator_id")
    sources = (
        values[["indicator_id", "source_id"]]
        .drop_duplicates()
        .sort_values(["indicator_id", "source_id"])
        .groupby("indicator_id")["source_id"]
        .agg(",".join)
    )
    frames = []
    for rule, ids in rules.groupby("aggregation").groups.items():
        rows = values[values["indicator_id"].isin(list(ids))]
        if rule == "none" or rows.empty:
            continue
        out = aggregate_gathered(rows, members, rule, 1.0, keys=("indicator_id", "year", "month"))
        if rule == "ratio":
            out["value"] = out["value"] * out["indicator_id"].map(rules["scale"].fillna(1.0))
        frames.append(out)
    group_values = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if not group_values.empty:
        group_values = group_values[group_values["value"].notna()].reset_index(drop=True)
        group_values["source_id"] = group_values["indicator_id"].map(sources)
        group_values["method"] = "computed"
    return group_areas, members, group_values


def peer_groups_schema(group_codes: Iterable[str]) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "indicator_id": pa.Column(str),
            "group_code": pa.Column(str, pa.Check.isin(sorted(set(group_codes)))),
            "year": schemas.YEAR,
            "value": pa.Column(float, schemas.FINITE),
            "n_members": pa.Column(int, pa.Check.eq(PEER_COUNT), coerce=True),
            "n_values": pa.Column(int, pa.Check.in_range(1, PEER_COUNT), coerce=True),
        },
        unique=["indicator_id", "group_code", "year", "month"],
        report_duplicates="all",
    )


# --------------------------------------------------------------------------- definitions, export

OVERALL_LABEL = {"fi": "Kokonaisindeksi", "sv": "Totalindex", "en": "Overall index"}
THEME_LABEL = {"fi": "Indeksi: {}", "sv": "Index: {}", "en": "Index: {}"}
INDEX_UNIT = "0–1"


def index_definitions(components: pd.DataFrame, theme_labels: dict[str, dict[str, str]]):
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


def index_export_rows(
    con,
    index_ids: Sequence[str],
    municipalities: Sequence[str],
    *,
    lang: str,
    year_from: int | None,
    year_to: int | None,
    error: type[Exception] = ValueError,
) -> pd.DataFrame:
    """Export rows for composite indices, shaped like indicator rows: indicator_id (the index id),
    label, area_code, area_name, year, month (NULL), value (the score), unit, source_id
    ('composite'). Raises `error` naming an unknown index id."""
    known = set(con.execute("SELECT index_id FROM core.index_definitions").df()["index_id"])
    unknown = [i for i in index_ids if i not in known]
    if unknown:
        raise error(f"unknown index {unknown[0]!r}; known: {', '.join(sorted(known))}")
    label = {"fi": "label_fi", "sv": "label_sv", "en": "label_en"}.get(lang, "label_fi")
    name = label.replace("label_", "name_")
    return con.execute(
        f"""
        SELECT v.index_id AS indicator_id, d.{label} AS label, v.area_code, a.{name} AS area_name,
               v.year, CAST(NULL AS DATE) AS month, v.score AS value, d.unit,
               'composite' AS source_id
        FROM core.index_values v
        JOIN core.index_definitions d USING (index_id)
        JOIN core.areas a USING (area_code)
        WHERE list_contains($ids, v.index_id) AND list_contains($areas, v.area_code)
          AND ($year_from IS NULL OR v.year >= $year_from)
          AND ($year_to IS NULL OR v.year <= $year_to)
        ORDER BY v.index_id, v.area_code
        """,  # noqa: S608 -- column names from a fixed mapping
        {
            "ids": list(index_ids),
            "areas": list(municipalities),
            "year_from": year_from,
            "year_to": year_to,
        },
    ).df()


# --------------------------------------------------------------------------- validation


def index_values_schema(municipalities: Iterable[str]) -> pa.DataFrameSchema:
    codes = sorted(set(municipalities))

    def ranks_within_areas(frame: pd.DataFrame) -> pd.Series:
        return frame["rank"].isna() | frame["rank"].between(1, len(codes))

    def scored_iff_ranked(frame: pd.DataFrame) -> pd.Series:
        return frame["score"].isna() == frame["rank"].isna()

    return pa.DataFrameSchema(
        {
            "index_id": pa.Column(str, pa.Check.str_startswith(composite.INDEX_PREFIX)),
            "area_code": pa.Column(str, pa.Check.isin(codes)),
            "year": schemas.YEAR,
            "score": pa.Column(float, pa.Check.in_range(0.0, 1.0), nullable=True),
            "rank": pa.Column("Int64", nullable=True, coerce=True),
            "n_indicators": pa.Column(int, pa.Check.ge(0), coerce=True),
        },
        checks=[
            pa.Check(ranks_within_areas, name="rank_within_1_to_n_areas"),
            pa.Check(scored_iff_ranked, name="score_iff_rank"),
        ],
        unique=["index_id", "area_code"],
        report_duplicates="all",
    )


COMPONENTS_SCHEMA = pa.DataFrameSchema(
    {
        "index_id": pa.Column(str, pa.Check.str_startswith(composite.INDEX_PREFIX)),
        "indicator_id": pa.Column(str),
        "direction": pa.Column(str, pa.Check.isin(["higher_is_better", "lower_is_better"])),
        "year": schemas.YEAR,
        "transform": pa.Column(str, pa.Check.isin(["none", "sqrt", "sqrt_reflected"])),
    },
    unique=["index_id", "indicator_id"],
)


def peers_schema(municipalities: Iterable[str]) -> pa.DataFrameSchema:
    codes = sorted(set(municipalities))

    def not_own_peer(frame: pd.DataFrame) -> pd.Series:
        return frame["area_code"] != frame["peer_code"]

    return pa.DataFrameSchema(
        {
            "area_code": pa.Column(str, pa.Check.isin(codes)),
            "peer_code": pa.Column(str, pa.Check.isin(codes)),
            "distance": pa.Column(float, [pa.Check.ge(0), schemas.FINITE]),
            "rank": pa.Column(int, pa.Check.in_range(1, PEER_COUNT), coerce=True),
            "n_indicators": pa.Column(int, pa.Check.ge(1), coerce=True),
        },
        checks=[pa.Check(not_own_peer, name="not_own_peer")],
        unique=["area_code", "peer_code"],
        report_duplicates="all",
    )


def validate_tables(tables: IndexTables, municipalities: Sequence[str]) -> list[str]:
    problems = schemas.validate(
        INDEX_VALUES,
        index_values_schema(municipalities),
        tables.values,
        key_columns=["index_id", "area_code"],
    )
    problems += schemas.validate(
        INDEX_COMPONENTS, COMPONENTS_SCHEMA, tables.components, key_columns=["index_id"]
    )
    problems += schemas.validate(
        PEERS, peers_schema(municipalities), tables.peers, key_columns=["area_code", "peer_code"]
    )
    if tables.values.empty:
        problems.append(f"{INDEX_VALUES}: no index could be computed (no eligible indicators)")
    return problems


# --------------------------------------------------------------------------- I/O edge


def write_index_tables(
    con,
    municipalities: Sequence[str],
    theme_labels: dict[str, dict[str, str]] | None = None,
    values: pd.DataFrame | None = None,
) -> tuple[list[str], dict[str, int]]:
    """Compute, validate and write the issue-7 tables into the open build connection `con`
    (which already holds `core.indicators` and `core.indicator_values`; `values` is the frame
    just written there, when the caller still has it, saving a read). Returns (problems, row
    counts); nothing is written when there are problems."""
    indicators = con.execute(
        "SELECT indicator_id, theme, direction, aggregation FROM core.indicators"
    ).df()
    if values is None:
        values = con.execute(
            "SELECT indicator_id, area_code, year, month, value, numerator, denominator, "
            "weight, source_id FROM core.indicator_values"
        ).df()
    tables = index_tables(indicators, values, list(municipalities))
    problems = validate_tables(tables, list(municipalities))
    if problems:
        return problems, {}
    rows = {}
    definitions = index_definitions(tables.components, theme_labels or {})
    for name, frame in (
        (INDEX_VALUES, tables.values),
        (INDEX_COMPONENTS, tables.components),
        (INDEX_DEFINITIONS, definitions),
        (PEERS, tables.peers),
    ):
        con.register("_index_frame", frame)
        try:
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM _index_frame")  # noqa: S608
        finally:
            con.unregister("_index_frame")
        rows[name] = len(frame)
    problems = _write_peer_groups(con, tables.peers, values)
    return problems, rows


def _write_peer_groups(con, peer_table: pd.DataFrame, values: pd.DataFrame) -> list[str]:
    """`values` is `core.indicator_values` as `write_index_tables` has it (read once)."""
    areas = con.execute("SELECT area_code, name_fi, name_sv, name_en FROM core.areas").df()
    indicators = con.execute("SELECT indicator_id, aggregation, scale FROM core.indicators").df()
    group_areas, members, group_values = peer_group_tables(peer_table, areas, indicators, values)
    problems = schemas.validate(
        "core.group_values (peer groups)",
        peer_groups_schema(group_areas["area_code"]),
        group_values,
        key_columns=["indicator_id", "group_code", "year", "month"],
    )
    if set(group_areas["area_code"]) & set(areas["area_code"]):
        problems.append("core.areas: peer group codes clash with existing area codes")
    if problems:
        return problems
    for table, frame in (
        ("core.areas", group_areas),
        ("core.group_members", members),
        ("core.group_values", group_values),
    ):
        existing = set(con.execute(f"SELECT * FROM {table} LIMIT 0").df().columns)  # noqa: S608
        con.register("_peer_frame", frame[[c for c in frame.columns if c in existing]])
        try:
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _peer_frame")  # noqa: S608
        finally:
            con.unregister("_peer_frame")
    return []
