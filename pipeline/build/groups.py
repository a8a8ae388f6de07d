"""Group values: every group's value aggregated from its members by the indicator's rule
(ratios as ratios of sums), beside the value the publisher gives where it gives one.

The catalogue's groups (country, regions, sub-regions, municipality groups, lists) and the
peer groups (`peers:<code>`: a town's ten nearest peers, the town itself not a member) are
aggregated the same way, so a peer group works wherever a group does.

A computed value some members lack is handled by the catalogue's completeness rule (the
group's own, else the catalogue's default, which the peer groups follow): `complete` says
whether at least `min_share` of the members have a value; a value short of that is kept,
flagged, when the rule shows partial values, else left out, and the publisher's figure for
the group (if any) stands instead. Published figures are complete.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.aggregate import aggregate
from pipeline.catalogue import Catalogue, Completeness

PERIOD = ["indicator_id", "year", "month"]
KEY = ["indicator_id", "group_code", "year", "month"]
COLUMNS = [
    *KEY,
    "value",
    "published_value",
    "n_members",
    "n_values",
    "complete",
    "numerator",
    "denominator",
    "weight",
    "method",
    "source_id",
]
PEERS_PREFIX = "peers:"
PEER_KIND = "peers"
PEER_GROUP_NAME = {"fi": "Vertailukunnat: {}", "sv": "Jämförelsekommuner: {}", "en": "Peers of {}"}


def _by_rule(values: pd.DataFrame, members: pd.DataFrame, scales: pd.Series) -> pd.DataFrame:
    """Computed rows for the indicators of `scales` (indexed by id; with their `rule`)."""
    frames = []
    for rule, ids in scales.groupby(level="rule", sort=False).groups.items():
        if rule == "none":
            continue
        ids = list(ids.get_level_values("indicator_id"))
        rows = values[values.indicator_id.isin(ids)]
        if rows.empty:
            continue
        out = aggregate(rows, members, rule, 1.0, keys=tuple(PERIOD))
        if rule == "ratio":
            out["value"] = out["value"] * out["indicator_id"].map(scales.droplevel("rule"))
        frames.append(out)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _rule_scales(catalogue: Catalogue) -> pd.Series:
    """Each indicator's ratio scale, indexed by (rule, indicator_id) in catalogue order."""
    rows = [(i.aggregation.rule, i.id, i.aggregation.scale) for i in catalogue.indicators]
    index = pd.MultiIndex.from_tuples([r[:2] for r in rows], names=["rule", "indicator_id"])
    return pd.Series([r[2] for r in rows], index=index, dtype="float64")


def completeness_rules(catalogue: Catalogue, areas: pd.DataFrame) -> dict[str, Completeness]:
    """Each group code's completeness rule, from its catalogue group (`core.areas.group_id`)."""
    groups = {group.id: group.completeness for group in catalogue.groups}
    rows = areas[areas["group_id"].notna()]
    return {
        code: groups[ident]
        for code, ident in zip(rows["area_code"], rows["group_id"], strict=True)
        if ident in groups
    }


def apply_completeness(
    rows: pd.DataFrame, rules: dict[str, Completeness], default: Completeness
) -> pd.DataFrame:
    """`rows` (group values) with `complete` set by each group's rule and the partial values
    the rule does not show left out, or replaced by the group's published value where there is
    one (`published_value`, `source_id_published`)."""
    codes, uniques = pd.factorize(rows["group_code"])
    chosen = [rules.get(code, default) for code in uniques]
    min_share = np.array([rule.min_share for rule in chosen], dtype="float64")[codes]
    show = np.array([rule.show_partial for rule in chosen], dtype=bool)[codes]
    computed = rows["method"].to_numpy() == "computed"
    enough = rows["n_values"].to_numpy() >= min_share * rows["n_members"].to_numpy() - 1e-9
    rows = rows.assign(complete=~computed | enough)
    hidden = ~rows["complete"].to_numpy() & ~show
    if not hidden.any():
        return rows
    fallback = hidden & rows["published_value"].notna().to_numpy()
    rows.loc[fallback, "value"] = rows.loc[fallback, "published_value"]
    rows.loc[fallback, ["numerator", "denominator", "weight"]] = np.nan
    rows.loc[fallback, "n_values"] = 0
    rows.loc[fallback, "method"] = "published"
    rows.loc[fallback, "complete"] = True
    if "source_id_published" in rows:
        rows.loc[fallback, "source_id"] = rows.loc[fallback, "source_id_published"]
    return rows[~(hidden & ~fallback)].reset_index(drop=True)


def group_values(
    catalogue: Catalogue,
    values: pd.DataFrame,
    published: pd.DataFrame,
    members: pd.DataFrame,
    areas: pd.DataFrame,
) -> tuple[pd.DataFrame, list[str]]:
    """`core.group_values` of the catalogue's groups: computed where members have values,
    else the published value (regions and the country); and the problems found. `areas` is
    `core.areas` (the group codes, and the catalogue group of each)."""
    sizes = members.groupby("group_code").size()
    sources = (
        values[[*PERIOD, "source_id"]]
        .drop_duplicates()
        .sort_values("source_id")
        .groupby(PERIOD, dropna=False, as_index=False)["source_id"]
        .agg(",".join)
    )
    computed = _by_rule(values, members, _rule_scales(catalogue))
    if not computed.empty:
        computed = computed[computed["value"].notna()]
        computed = computed.merge(sources, on=PERIOD, how="left")
    pub = published.rename(columns={"area_code": "group_code", "value": "published_value"})
    pub = pub[[*KEY, "published_value", "source_id"]]
    pub = pub[pub.published_value.notna()]
    problems = []
    unknown = sorted(set(pub.group_code) - set(areas["area_code"]))
    if unknown:
        problems.append(f"core.group_values: published area codes match no group: {unknown[:10]}")
    if computed.empty:
        merged = pub.assign(value=np.nan)
    else:
        merged = computed.merge(pub, on=KEY, how="outer", suffixes=("", "_published"))
        merged["source_id"] = merged["source_id"].fillna(merged["source_id_published"])
    merged["value"] = merged["value"].fillna(merged["published_value"])
    merged["n_members"] = merged["group_code"].map(sizes).fillna(1).astype("int64")
    merged["n_values"] = merged.get("n_values", pd.Series(0, index=merged.index)).fillna(0)
    merged["n_values"] = merged["n_values"].astype("int64")
    merged["method"] = np.where(merged["n_values"] > 0, "computed", "published")
    for column in ("numerator", "denominator", "weight"):
        if column not in merged:
            merged[column] = np.nan
    merged = apply_completeness(
        merged, completeness_rules(catalogue, areas), catalogue.completeness
    )
    merged["month"] = pd.to_datetime(merged["month"])
    merged["year"] = merged["year"].astype("int32")
    return merged[COLUMNS].sort_values(KEY, ignore_index=True), problems


# --------------------------------------------------------------------------- peer groups


def peer_group_code(code: str) -> str:
    return f"{PEERS_PREFIX}{code}"


def peer_group_tables(
    catalogue: Catalogue, peer_table: pd.DataFrame, areas: pd.DataFrame, values: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Rows for `core.areas`, `core.group_members` and `core.group_values` that make each
    municipality's peers (`core.peers`) a group `peers:<code>`.

    `areas` is `core.areas` (for the towns' names); `values` is `core.indicator_values`.
    Indicators with the rule `none` get no group values, as for every group.
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
    sources = (
        values[["indicator_id", "source_id"]]
        .drop_duplicates()
        .sort_values(["indicator_id", "source_id"])
        .groupby("indicator_id")["source_id"]
        .agg(",".join)
    )
    computed = _by_rule(values, members, _rule_scales(catalogue))
    if not computed.empty:
        computed = computed[computed["value"].notna()].reset_index(drop=True)
        computed["source_id"] = computed["indicator_id"].map(sources)
        computed["method"] = "computed"
        computed["published_value"] = np.nan
        computed = apply_completeness(computed, {}, catalogue.completeness)[COLUMNS]
    return group_areas, members, computed
