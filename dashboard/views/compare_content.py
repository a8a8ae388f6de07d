"""What the compare page shows for a selection: the ranking, scatter and trend figures and the
table of gaps to a peer group. `group_medians` and `gap_row` are pure over small frames."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash_ag_grid as dag
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from dashboard import figures, queries
from dashboard.i18n import t
from dashboard.layout import definition_href, figure_block, grid_locale
from dashboard.views.common import grid_pagination, number_formatter, presentation
from dashboard.views.compare import Selection


def _meta(indicator_id: str, lang: str) -> dict[str, Any]:
    meta = queries.indicator_meta(indicator_id, lang) or {}
    return {
        "label": meta.get("label", indicator_id),
        "unit": meta.get("unit", ""),
        "decimals": int(meta.get("decimals", 1) or 0),
        "direction": meta.get("direction", "neutral"),
    }


def group_medians(
    values: pd.DataFrame, members: pd.DataFrame, names: pd.Series, groups: tuple[str, ...]
) -> pd.DataFrame:
    """Median of the member municipalities' values for each group, in `groups` order: name,
    value. `members`: group_code, area_code; `names`: area name by code."""
    merged = members.merge(values[["area_code", "value"]], on="area_code").dropna()
    medians = merged.groupby("group_code", sort=False)["value"].median().reset_index()
    medians["name"] = medians["group_code"].map(names)
    order = {code: i for i, code in enumerate(groups)}
    return medians.sort_values("group_code", key=lambda s: s.map(order))[["name", "value"]]


def region_label(region: str, lang: str, towns: list[str] = ()) -> str:
    """'Pohjois-Pohjanmaa (maakunta)', or with the chosen towns that lie in it
    'Pohjois-Pohjanmaa (maakunta; Raahe)': a region's figure is never named as a town's."""
    level = t("compare.level_region", lang)
    if towns:
        level = f"{level}; {', '.join(towns)}"
    return f"{region} ({level})"


def region_ranking(selection: Selection, lang: str) -> pd.DataFrame:
    """A region-level indicator's ranking rows: every region (kind municipality, so drawn as
    the areas are), named with its level and the chosen towns in it, and the chosen groups'
    published values (e.g. the whole country)."""
    year = int(selection.year)
    values = queries.region_values_by_municipality(selection.indicator, year, lang)
    towns = values[values.area_code.isin(selection.areas)].groupby("region_code")["name"]
    chosen = towns.agg(list).to_dict()
    regions = values.drop_duplicates("region_code")
    names = [
        region_label(r.region, lang, chosen.get(r.region_code, [])) for r in regions.itertuples()
    ]
    regions = regions.assign(name=names, kind="municipality")
    groups = queries.group_values_in_year(
        selection.indicator, year, list(selection.groups), lang
    ).assign(kind="group")
    return pd.concat([regions[["name", "value", "kind"]], groups[["name", "value", "kind"]]])


def ranking_figure(selection: Selection, lang: str) -> go.Figure:
    meta = _meta(selection.indicator, lang)
    if selection.year is None:
        return figures.no_data_figure(t("common.no_data", lang), lang, title=meta["label"])
    if queries.is_region_level(selection.indicator):
        return figures.compare_ranking_figure(
            region_ranking(selection, lang),
            lang,
            title=t("compare.region_title", lang, label=meta["label"], year=selection.year),
            unit=meta["unit"],
            decimals=meta["decimals"],
            direction=meta["direction"],
            group_label=t("compare.group_value", lang),
        )
    values = queries.municipal_values(selection.indicator, selection.year, lang)
    chosen = values[values.area_code.isin(selection.areas)].assign(kind="municipality")
    groups = queries.group_values_in_year(
        selection.indicator, selection.year, list(selection.groups), lang
    ).assign(kind="group")
    frame = pd.concat([chosen[["name", "value", "kind"]], groups[["name", "value", "kind"]]])
    members = queries.members_of_groups(list(selection.groups))
    names = queries.areas(lang).set_index("area_code")["name"]
    return figures.compare_ranking_figure(
        frame,
        lang,
        title=f"{meta['label']}, {selection.year}",
        unit=meta["unit"],
        decimals=meta["decimals"],
        direction=meta["direction"],
        medians=group_medians(values, members, names, selection.groups),
        group_label=t("compare.group_value", lang),
        median_label=t("compare.median", lang),
    )


def _axis(
    indicator_id: str, lang: str, year: int | None = None
) -> tuple[pd.DataFrame, str, int, figures.ChartUnit] | None:
    """(municipal values in the chart unit, axis title naming their year, decimals, the chart
    unit) of an indicator in `year`, or in its newest year before `year` when it has none then
    (the latest without `year`); None without data or for a region-level indicator (regions'
    figures are not plotted as municipalities')."""
    meta = _meta(indicator_id, lang)
    years = [y for y in queries.indicator_years(indicator_id) if year is None or y <= int(year)]
    if not years or queries.is_region_level(indicator_id):
        return None
    chart = figures.chart_unit(meta["unit"], lang)
    values = chart.scaled(queries.municipal_values(indicator_id, years[-1], lang), ["value"])
    unit = f" ({chart.label})" if chart.label else ""
    title = f"{meta['label']}{unit}, {years[-1]}"
    return values, title, chart.decimals(meta["decimals"]), chart


@queries.memoised(64)  # the scatter does not depend on the ranking's indicator
def scatter_figure(
    x: str, y: str, areas: tuple[str, ...], lang: str, year: int | None = None
) -> go.Figure:
    """Every municipality by `x` and `y` in the chosen `year` (per axis the newest year not
    after it, named in the axis title)."""
    axes = []
    for indicator_id in (x, y):
        axis = _axis(indicator_id, lang, year)
        if axis is None:
            title = t("compare.scatter_title", lang)
            why = (
                "compare.region_scatter"
                if queries.is_region_level(indicator_id)
                else "common.no_data"
            )
            return figures.no_data_figure(t(why, lang), lang, title=title)
        axes.append(axis)
    (x_values, x_title, x_decimals, x_unit), (y_values, y_title, y_decimals, y_unit) = axes
    frame = x_values[["area_code", "name", "value"]].rename(columns={"value": "x"})
    frame = frame.merge(y_values[["area_code", "value"]].rename(columns={"value": "y"}))
    return figures.compare_scatter_figure(
        frame,
        lang,
        title=t("compare.scatter_title", lang),
        x_title=x_title,
        y_title=y_title,
        highlight=areas,
        x_decimals=x_decimals,
        y_decimals=y_decimals,
        others_label=t("compare.other_municipalities", lang),
        units={"x": x_unit, "y": y_unit},
    )


def trend_figure(selection: Selection, lang: str) -> go.Figure:
    meta = _meta(selection.indicator, lang)
    regions: dict[str, list[str]] = {}
    if queries.is_region_level(selection.indicator):  # the chosen towns' regions instead
        info = queries.areas(lang).set_index("area_code")
        for code in selection.areas:
            if code in info.index and info.region_code[code]:
                regions.setdefault(info.region_code[code], []).append(str(info.name[code]))
    frame = queries.trend_values(
        selection.indicator, list(selection.areas), [*selection.groups, *regions], lang
    )
    if regions:
        names = {
            code: region_label(n, lang, regions[code]) for code, n in _region_names(frame, regions)
        }
        frame = frame.assign(name=frame["area_code"].map(names).fillna(frame["name"]))
    if not frame.empty and frame["annual"].all():
        frame = frame.assign(period=frame["year"].astype(int))
    title = t("compare.trend_title", lang, label=meta["label"])
    if frame.dropna(subset=["value"]).empty:
        return figures.no_data_figure(t("common.no_data", lang), lang, title=title)
    looks = figures.line_looks(
        [*selection.areas, *regions],
        selection.groups,
        figures.COMPARISON.by_code(presentation().role_codes),
    )
    return figures.compare_trend_figure(
        frame, lang, title=title, unit=meta["unit"], decimals=meta["decimals"], looks=looks
    )


def _region_names(frame: pd.DataFrame, regions: dict[str, list[str]]):
    rows = frame[frame["area_code"].isin(regions)].drop_duplicates("area_code")
    return list(zip(rows["area_code"], rows["name"], strict=True))


# --------------------------------------------------------------------------- gaps to the peer group


def _round(value: Any, decimals: int) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), decimals)


def markdown_link(label: str, url: str) -> str:
    """'[label](url)' for the grid's markdown cells, the label's brackets escaped."""
    text = str(label).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    return f"[{text}]({url})"


def gap_row(row: Any, meta: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """One grid row from a `queries.peer_gaps` row and its indicator's catalogue `meta`
    (label, unit, decimals): the gap, its share of the peer value, better or worse, the rank."""
    decimals = int(meta["decimals"] or 0)
    gap = row.value - row.peer_value if pd.notna(row.peer_value) else None
    better = None
    if gap is not None and row.direction != "neutral" and round(gap, decimals) != 0:
        better = (gap > 0) == (row.direction == "higher_is_better")
    gap_pct = _round(100 * gap / row.peer_value, 1) if gap is not None and row.peer_value else None
    assessment = "" if better is None else t("compare.better" if better else "compare.worse", lang)
    return {
        "area": row.area,
        "indicator": meta["label"],
        "indicator_id": row.indicator_id,
        "indicator_link": markdown_link(meta["label"], definition_href(row.indicator_id, lang)),
        "unit": meta["unit"],
        "decimals": decimals,
        "period": row.month.strftime("%Y-%m") if pd.notna(row.month) else str(int(row.year)),
        "value": _round(row.value, decimals),
        "peer_value": _round(row.peer_value, decimals),
        "peer_median": _round(row.peer_median, decimals),
        "gap": _round(gap, decimals),
        "gap_pct": gap_pct,
        "assessment": assessment,
        "rank": f"{int(row.rank)} / {int(row.n)}" if pd.notna(row.rank) else "",
    }


@queries.memoised(64)  # the rows do not depend on the indicator
def _gap_rows(areas: tuple[str, ...], peer: str, lang: str) -> tuple[dict[str, Any], ...]:
    gaps = queries.peer_gaps(list(areas), peer, lang)
    if gaps.empty:
        return ()
    # {indicator: {label, unit, decimals}}: a Series looked up per row cost ~0.25 ms each
    fields = ["label", "unit", "decimals"]
    catalogue = queries.indicators(lang).set_index("indicator_id")[fields].to_dict("index")
    return tuple(
        gap_row(row, catalogue[row.indicator_id], lang) for row in gaps.itertuples(index=False)
    )


def gap_rows(selection: Selection, lang: str) -> list[dict[str, Any]]:
    """One row per chosen town and indicator, the selected indicator's rows first."""
    rows = [dict(row) for row in _gap_rows(selection.areas, selection.peer, lang)]
    first = [r for r in rows if r["indicator_id"] == selection.indicator]
    return first + [r for r in rows if r["indicator_id"] != selection.indicator]


# (field, header locale key, further column properties): the gap grid's columns, in order.
GAP_COLUMNS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("area", "compare.col_area", {"pinned": "left"}),
    # the label as a link to its definition; filtered and sorted by the plain label
    (
        "indicator_link",
        "compare.col_indicator",
        {
            "minWidth": 260,
            "cellRenderer": "markdown",
            "filterValueGetter": {"function": "params.data.indicator"},
            "comparator": {"function": "byIndicatorLabel"},  # in assets/app.js
        },
    ),
    ("period", "compare.col_period", {"width": 110}),
    ("value", "compare.col_value", {"number": True}),
    ("unit", "compare.col_unit", {"width": 120}),
    ("peer_value", "compare.col_peer", {"number": True}),
    ("peer_median", "compare.col_peer_median", {"number": True}),
    ("gap", "compare.col_gap", {"number": True}),
    ("gap_pct", "compare.col_gap_pct", {"number": True, "decimals": "1"}),
    ("assessment", "compare.col_assessment", {}),
    ("rank", "compare.col_rank", {"width": 120}),
)


def gap_columns(peer: str, lang: str) -> list[dict[str, Any]]:
    peer_name = queries.area_name(peer, lang) or peer
    number = {"type": "numericColumn", "filter": "agNumberColumnFilter"}
    columns = []
    for name, key, extra in GAP_COLUMNS:
        props = {k: v for k, v in extra.items() if k not in ("number", "decimals")}
        column = {"field": name, "headerName": t(key, lang, peer=peer_name), **props}
        if extra.get("number"):
            places = extra.get("decimals", "params.data.decimals")
            formatter = {"valueFormatter": {"function": number_formatter(lang, places)}}
            column = {**column, **number, **formatter}
        columns.append(column)
    return columns


def content(selection: Selection, lang: str) -> dict[str, Any]:
    """Everything that depends on the selection, keyed by component id."""
    sources = queries.sources_for([selection.indicator, selection.x, selection.y], lang)
    return {
        "ranking": ranking_figure(selection, lang),
        "scatter": scatter_figure(selection.x, selection.y, selection.areas, lang, selection.year),
        "trend": trend_figure(selection, lang),
        "rows": gap_rows(selection, lang),
        "columns": gap_columns(selection.peer, lang),
        "sources": sources,
    }


def figure_grid(parts: dict[str, Any], lang: str) -> dcc.Loading:
    blocks = [
        figure_block(
            f"compare-{key}", parts[key], t(f"compare.{key}_summary", lang), parts["sources"], lang
        )
        for key in ("ranking", "trend", "scatter")
    ]
    return dcc.Loading(html.Div(blocks, className="figure-grid"), type="dot")


def gap_grid(parts: dict[str, Any], lang: str) -> dag.AgGrid:
    return dag.AgGrid(
        id="compare-gaps",
        rowData=parts["rows"],
        columnDefs=parts["columns"],
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": 100},
        dashGridOptions={
            **grid_pagination(25),
            "animateRows": False,
            "localeText": grid_locale(lang),
        },
        columnSize="autoSize",
        style={"height": "560px", "width": "100%"},
        className="ag-theme-alpine",
    )
