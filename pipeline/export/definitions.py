"""What each indicator is, in one language: the rows of the Excel files' indicators sheet and of
the dashboard's /indicators page (one function for both, `definitions`), and the notices about
selected indicators that have no values for the selected areas (`missing_notices`)."""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pandas as pd

from pipeline.export import texts
from pipeline.export.selection import Selection, counts_by_indicator, selected_indicators

COLUMNS = [
    "indicator_id",
    "label",
    "description",
    "unit",
    "decimals",
    "direction",
    "aggregation",
    "formula",
    "sources",
    "source_details",
    "first_year",
    "last_year",
    "levels",
    "citation",
    "note",
]
_DEFINITIONS = """
SELECT i.indicator_id,
       CASE $lang WHEN 'sv' THEN label_sv WHEN 'en' THEN label_en ELSE label_fi END AS label,
       CASE $lang WHEN 'sv' THEN description_sv WHEN 'en' THEN description_en
            ELSE description_fi END AS description,
       CASE $lang WHEN 'sv' THEN unit_sv WHEN 'en' THEN unit_en ELSE unit_fi END AS unit,
       CAST(decimals AS INTEGER) AS decimals, direction, aggregation, formula, i.sources,
       c.first_year, c.last_year, citation, note
FROM core.indicators i
LEFT JOIN core.indicator_coverage c USING (indicator_id)
WHERE $ids IS NULL OR list_contains($ids, i.indicator_id)
ORDER BY i.indicator_id
"""
_LEVELS = """
SELECT indicator_id, list(DISTINCT kind ORDER BY kind) AS kinds
FROM core.all_values
WHERE kind <> 'peers' AND ($ids IS NULL OR list_contains($ids, indicator_id))
GROUP BY indicator_id
"""


def definitions(
    con: duckdb.DuckDBPyConnection, lang: str, ids: Iterable[str] | None = None
) -> pd.DataFrame:
    """One row per indicator (all of them, or those in `ids`), in `lang`: label, description,
    unit, decimals, direction and aggregation rule (in words), formula, source ids and tables
    with publisher, licence and `updated` ("not stated" where the source gives none), first and
    last year, the area levels with values, citation and the build's note."""
    wanted = None if ids is None else sorted(set(ids))
    frame = con.execute(_DEFINITIONS, {"lang": lang, "ids": wanted}).df()
    kinds = area_levels(con, wanted)
    frame["direction"] = frame["direction"].map(lambda d: texts.text("directions", d, lang))
    frame["aggregation"] = frame["aggregation"].map(lambda r: texts.text("rules", r, lang))
    frame["levels"] = frame["indicator_id"].map(lambda i: texts.levels(kinds.get(i, []), lang))
    frame["citation"] = frame["citation"].map(lambda c: texts.citation_in(c, lang))
    tables = _source_tables(con, lang)
    frame["source_details"] = frame["sources"].map(
        lambda text: "; ".join(tables.get(s.strip(), s.strip()) for s in str(text).split(","))
    )
    for column in ("first_year", "last_year"):
        frame[column] = frame[column].astype("Int64")
    return frame[COLUMNS]


def area_levels(con: duckdb.DuckDBPyConnection, ids: list[str] | None) -> dict[str, list[str]]:
    """The area kinds each indicator has values for, in `texts.yaml`'s order (a kind it does
    not name comes last)."""
    rows = con.execute(_LEVELS, {"ids": ids}).fetchall()
    order = {kind: n for n, kind in enumerate(texts.level_order())}
    return {i: sorted(k, key=lambda kind: (order.get(kind, len(order)), kind)) for i, k in rows}


def _source_tables(con: duckdb.DuckDBPyConnection, lang: str) -> dict[str, str]:
    provenance = con.execute(
        "SELECT source_id, table_id, publisher, licence, updated FROM core.provenance"
    ).df()
    updated, not_stated = (
        texts.text("words", "updated", lang),
        texts.text("words", "not_stated", lang),
    )
    out = {}
    for row in provenance.itertuples():
        stated = isinstance(row.updated, str) and row.updated
        when = f"{updated} {row.updated}" if stated else not_stated
        table, publisher, licence = (
            texts.name_in(v, lang) for v in (row.table_id, row.publisher, row.licence)
        )
        out[row.source_id] = f"{table} ({publisher}, {licence}; {when})"
    return out


def missing_notices(con: duckdb.DuckDBPyConnection, selection: Selection) -> list[str]:
    """A sentence in the selection's language for each selected indicator that has no values
    for the selected areas and years, naming the levels where it has values."""
    wanted = selected_indicators(con, selection)
    counts = counts_by_indicator(con, selection)
    missing = [i for i in wanted if not counts.get(i)]
    if not missing:
        return []
    lang = selection.lang
    named = definitions(con, lang, missing)
    labels = dict(zip(named["indicator_id"], named["label"], strict=True))
    kinds = area_levels(con, missing)
    out = []
    for indicator in missing:
        label = labels.get(indicator, indicator)
        if kinds.get(indicator):
            levels = texts.levels(kinds[indicator], lang)
            out.append(texts.text("readme", "missing", lang, label=label, levels=levels))
        else:
            out.append(texts.text("readme", "missing_nowhere", lang, label=label))
    return out
