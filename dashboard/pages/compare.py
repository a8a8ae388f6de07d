"""Compare (/compare): towns and groups side by side on one indicator.

A ranking of the chosen areas with the chosen groups' aggregate values (hatched bars) and their
medians (dashed lines), a scatter of two indicators over all municipalities with the chosen towns
highlighted, the trend of the indicator, and a table of gaps to a peer group for every indicator.

URL: `?lang=fi&areas=140,740&groups=network,SSS&indicator=unemployment_rate&year=2020
&x=tertiary_share&y=unemployment_rate&peer=university_cities`. Every control writes the query
back through a page-local `dcc.Location` (refresh=False, so the page is not rebuilt) and the
layout restores it on load; unknown values are dropped with a notice, never a traceback.
"""

from __future__ import annotations

import logging
from typing import Any, NamedTuple

import dash
import dash_ag_grid as dag
import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, State, callback, dcc, html

from dashboard import figures, index_view, queries  # index_view: issue 7
from dashboard.i18n import lang_of, t
from dashboard.layout import (
    dropdown_control,
    figure_block,
    grid_locale,
    href,
    notice_parts,
    page_top,
    query_list,
    shell,
)

PAGE = "compare"
MAX_AREAS = 40
DEFAULT_GROUPS = (
    queries.presentation().network,
    queries.presentation().university_cities,
    queries.presentation().country,
)
DEFAULT_INDICATOR = "unemployment_rate"
DEFAULT_X = "tertiary_share"
DEFAULT_Y = "unemployment_rate"
DEFAULT_PEER = queries.presentation().university_cities

log = logging.getLogger(__name__)

dash.register_page(__name__, path="/compare", name="compare", title="Seutu Invest In", order=2)


class Selection(NamedTuple):
    """What the page shows; every field is valid against the warehouse.

    (A NamedTuple, not a dataclass: Dash imports page modules without registering them in
    sys.modules, which dataclasses need.)
    """

    areas: tuple[str, ...]
    groups: tuple[str, ...]
    indicator: str
    year: int | None
    x: str
    y: str
    peer: str


# --------------------------------------------------------------------------- parsing


def _first(value: Any) -> str | None:
    items = query_list(value)
    return items[0] if items else None


def parse_selection(params: dict[str, Any], lang: str) -> tuple[Selection, list[str]]:
    """The selection from query values, with friendly notices for whatever was unusable."""
    notices: list[str] = []
    municipalities = queries.municipality_codes()
    groups_known = queries.area_codes() - municipalities
    indicator_known = set(queries.indicator_ids())

    raw_areas = query_list(params.get("areas"))
    areas = [code for code in dict.fromkeys(raw_areas) if code in municipalities]
    unknown = [code for code in raw_areas if code not in municipalities]
    if unknown:
        notices.append(t("compare.unknown_areas", lang, codes=", ".join(unknown)))
    if len(areas) > MAX_AREAS:
        notices.append(t("compare.too_many_areas", lang, n=MAX_AREAS))
        areas = areas[:MAX_AREAS]
    if "areas" not in params:
        areas = queries.group_members(queries.presentation().network)

    raw_groups = query_list(params.get("groups"))
    groups = [code for code in dict.fromkeys(raw_groups) if code in groups_known]
    unknown = [code for code in raw_groups if code not in groups_known]
    if unknown:
        notices.append(t("compare.unknown_groups", lang, codes=", ".join(unknown)))
    if "groups" not in params:
        groups = list(DEFAULT_GROUPS)

    def indicator(key: str, default: str) -> str:
        value = _first(params.get(key))
        if value is None:
            return default
        if value not in indicator_known:
            notices.append(t("compare.unknown_indicator", lang, value=value))
            return default
        return value

    chosen = indicator("indicator", DEFAULT_INDICATOR)
    x = indicator("x", DEFAULT_X)
    y = indicator("y", DEFAULT_Y)

    peer = _first(params.get("peer")) or DEFAULT_PEER
    if peer not in groups_known:
        notices.append(t("compare.unknown_peer", lang, value=peer))
        peer = DEFAULT_PEER

    year, year_notice = parse_year(params.get("year"), queries.indicator_years(chosen), lang)
    if year_notice:
        notices.append(year_notice)
    selection = Selection(tuple(areas), tuple(groups), chosen, year, x, y, peer)
    return selection, notices


def parse_year(value: Any, years: list[int], lang: str) -> tuple[int | None, str | None]:
    """A year the indicator has (default: its latest) and a notice if the input was unusable."""
    latest = years[-1] if years else None
    text = _first(value)
    if text is None:
        return latest, None
    try:
        year = int(text)
    except ValueError:
        return latest, t("compare.bad_year", lang, value=text)
    if year not in years:
        return latest, t("compare.no_year", lang, value=year)
    return year, None


def selection_query(selection: Selection, lang: str) -> str:
    """The query string (`?lang=..&areas=..`) that restores `selection`."""
    return href(
        "",
        lang,
        areas=list(selection.areas),
        groups=list(selection.groups),
        indicator=selection.indicator,
        year=selection.year,
        x=selection.x,
        y=selection.y,
        peer=selection.peer,
    )


# --------------------------------------------------------------------------- content


def _meta(indicator_id: str, lang: str) -> dict[str, Any]:
    meta = queries.indicator_meta(indicator_id, lang) or {}
    return {
        "label": meta.get("label", indicator_id),
        "unit": meta.get("unit", ""),
        "decimals": int(meta.get("decimals", 1) or 0),
        "direction": meta.get("direction", "neutral"),
    }


def group_medians(values: pd.DataFrame, groups: tuple[str, ...], lang: str) -> pd.DataFrame:
    """Median of the member municipalities' values for each group: name, value."""
    members = queries.members_of_groups(list(groups))
    merged = members.merge(values[["area_code", "value"]], on="area_code").dropna()
    medians = merged.groupby("group_code", sort=False)["value"].median().reset_index()
    names = queries.areas(lang).set_index("area_code")["name"]
    medians["name"] = medians["group_code"].map(names)
    order = {code: i for i, code in enumerate(groups)}
    return medians.sort_values("group_code", key=lambda s: s.map(order))[["name", "value"]]


def ranking_figure(selection: Selection, lang: str) -> go.Figure:
    meta = _meta(selection.indicator, lang)
    if selection.year is None:
        return figures.no_data_figure(t("common.no_data", lang), lang, title=meta["label"])
    values = queries.municipal_values(selection.indicator, selection.year, lang)
    chosen = values[values.area_code.isin(selection.areas)].assign(kind="municipality")
    groups = queries.group_values_in_year(
        selection.indicator, selection.year, list(selection.groups), lang
    ).assign(kind="group")
    frame = pd.concat([chosen[["name", "value", "kind"]], groups[["name", "value", "kind"]]])
    return figures.compare_ranking_figure(
        frame,
        lang,
        title=f"{meta['label']}, {selection.year}",
        unit=meta["unit"],
        decimals=meta["decimals"],
        direction=meta["direction"],
        medians=group_medians(values, selection.groups, lang),
        group_label=t("compare.group_value", lang),
        median_label=t("compare.median", lang),
    )


def scatter_figure(selection: Selection, lang: str) -> go.Figure:
    return _scatter_figure(selection.x, selection.y, selection.areas, lang)


@queries.memoised(64)  # perf (issue 5): the scatter does not depend on the indicator
def _scatter_figure(x: str, y: str, areas: tuple[str, ...], lang: str) -> go.Figure:
    selection = {"x": x, "y": y}
    axes = {}
    for axis in ("x", "y"):
        indicator_id = selection[axis]
        meta = _meta(indicator_id, lang)
        years = queries.indicator_years(indicator_id)
        if not years:
            return figures.no_data_figure(
                t("common.no_data", lang), lang, title=t("compare.scatter_title", lang)
            )
        values = queries.municipal_values(indicator_id, years[-1], lang)
        unit = f" ({meta['unit']})" if meta["unit"] else ""
        axes[axis] = (values, f"{meta['label']}{unit}, {years[-1]}", meta["decimals"])
    (x_values, x_title, x_decimals), (y_values, y_title, y_decimals) = axes["x"], axes["y"]
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
    )


def trend_figure(selection: Selection, lang: str) -> go.Figure:
    meta = _meta(selection.indicator, lang)
    frame = queries.trend_values(
        selection.indicator, list(selection.areas), list(selection.groups), lang
    )
    if not frame.empty and frame["annual"].all():
        frame = frame.assign(period=frame["year"].astype(int))
    title = t("compare.trend_title", lang, label=meta["label"])
    if frame.dropna(subset=["value"]).empty:
        return figures.no_data_figure(t("common.no_data", lang), lang, title=title)
    return figures.compare_trend_figure(
        frame, lang, title=title, unit=meta["unit"], decimals=meta["decimals"]
    )


def gap_rows(selection: Selection, lang: str) -> list[dict[str, Any]]:
    """One row per chosen town and indicator: value, peer value and median, gap, rank."""
    rows = [dict(row) for row in _gap_rows(selection.areas, selection.peer, lang)]
    first = [r for r in rows if r["indicator_id"] == selection.indicator]
    return first + [r for r in rows if r["indicator_id"] != selection.indicator]


@queries.memoised(64)  # perf (issue 5): the rows do not depend on the indicator
def _gap_rows(areas: tuple[str, ...], peer: str, lang: str) -> tuple[dict[str, Any], ...]:
    gaps = queries.peer_gaps(list(areas), peer, lang)
    if gaps.empty:
        return ()
    catalogue = queries.indicators(lang).set_index("indicator_id")
    rows = []
    for row in gaps.itertuples(index=False):
        decimals = int(catalogue.at[row.indicator_id, "decimals"] or 0)
        gap = row.value - row.peer_value if pd.notna(row.peer_value) else None
        better = None
        if gap is not None and row.direction != "neutral" and round(gap, decimals) != 0:
            better = (gap > 0) == (row.direction == "higher_is_better")
        period = row.month.strftime("%Y-%m") if pd.notna(row.month) else str(int(row.year))
        rows.append(
            {
                "area": row.area,
                "indicator": catalogue.at[row.indicator_id, "label"],
                "indicator_id": row.indicator_id,
                "unit": catalogue.at[row.indicator_id, "unit"],
                "period": period,
                "value": _round(row.value, decimals),
                "peer_value": _round(row.peer_value, decimals),
                "peer_median": _round(row.peer_median, decimals),
                "gap": _round(gap, decimals),
                "gap_pct": _round(100 * gap / row.peer_value, 1)
                if gap is not None and row.peer_value
                else None,
                "assessment": ""
                if better is None
                else t("compare.better" if better else "compare.worse", lang),
                "rank": f"{int(row.rank)} / {int(row.n)}" if pd.notna(row.rank) else "",
            }
        )
    return tuple(rows)


def _round(value: Any, decimals: int) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), decimals)


LOCALE_TAGS = {"fi": "fi-FI", "sv": "sv-FI", "en": "en-GB"}


def number_formatter(lang: str) -> str:
    """An AG Grid valueFormatter expression: numbers in the language's convention."""
    tag = LOCALE_TAGS[lang_of(lang)]
    return (
        "params.value == null ? '' : "
        f"params.value.toLocaleString('{tag}', {{maximumFractionDigits: 3}})"
    )


def gap_columns(peer: str, lang: str) -> list[dict[str, Any]]:
    peer_name = queries.area_name(peer, lang) or peer
    number = {
        "type": "numericColumn",
        "filter": "agNumberColumnFilter",
        "valueFormatter": {"function": number_formatter(lang)},
    }
    return [
        {"field": "area", "headerName": t("compare.col_area", lang), "pinned": "left"},
        {"field": "indicator", "headerName": t("compare.col_indicator", lang), "minWidth": 260},
        {"field": "period", "headerName": t("compare.col_period", lang), "width": 110},
        {"field": "value", "headerName": t("compare.col_value", lang), **number},
        {"field": "unit", "headerName": t("compare.col_unit", lang), "width": 120},
        {
            "field": "peer_value",
            "headerName": t("compare.col_peer", lang, peer=peer_name),
            **number,
        },
        {"field": "peer_median", "headerName": t("compare.col_peer_median", lang), **number},
        {"field": "gap", "headerName": t("compare.col_gap", lang), **number},
        {"field": "gap_pct", "headerName": t("compare.col_gap_pct", lang), **number},
        {"field": "assessment", "headerName": t("compare.col_assessment", lang)},
        {"field": "rank", "headerName": t("compare.col_rank", lang), "width": 120},
    ]


# --------------------------------------------------------------------------- layout


def _options(frame: pd.DataFrame, value: str, label: str) -> list[dict[str, str]]:
    return [{"value": v, "label": lab} for v, lab in zip(frame[value], frame[label], strict=True)]


def group_options(lang: str, areas: Any = (), keep: Any = ()) -> list[dict[str, str]]:
    """Groups first by kind: user groups and the country, then regions, sub-regions, classes,
    then the `peers:<code>` groups of the chosen `areas` and of the codes in `keep` (the
    groups already chosen, e.g. from the URL) — not all 308 peer groups."""
    frame = queries.areas(lang)
    peers = {queries.PEERS_PREFIX + code for code in query_list(areas)} | set(query_list(keep))
    frame = frame[
        (frame.kind != "municipality") & ((frame.kind != "peers") | frame.area_code.isin(peers))
    ].copy()
    order = {
        "group": 0,
        "country": 1,
        "region": 2,
        "subregion": 3,
        "municipality_group": 4,
        "peers": 5,
    }
    frame["order"] = frame.kind.map(order).fillna(9)
    frame = frame.sort_values(["order", "name"])
    return [
        {"value": code, "label": f"{name} ({t('compare.kind_' + kind, lang)})"}
        if kind in ("region", "subregion", "municipality_group")
        else {"value": code, "label": name}
        for code, name, kind in zip(frame.area_code, frame.name, frame.kind, strict=True)
    ]


def indicator_options(lang: str) -> list[dict[str, str]]:
    frame = queries.indicators(lang)
    return [
        {"value": row.indicator_id, "label": f"{row.label} ({row.unit})" if row.unit else row.label}
        for row in frame.itertuples(index=False)
    ]


def controls(selection: Selection, lang: str) -> html.Div:
    indicators = indicator_options(lang)
    groups = group_options(lang, selection.areas, [*selection.groups, selection.peer])
    years = queries.indicator_years(selection.indicator)
    return html.Div(
        [
            dropdown_control(
                t("compare.areas", lang),
                lang,
                "compare-areas",
                options=_options(queries.municipalities(lang), "area_code", "name"),
                value=list(selection.areas),
                multi=True,
                placeholder=t("compare.areas_placeholder", lang),
            ),
            dropdown_control(
                t("compare.groups", lang),
                lang,
                "compare-groups",
                options=groups,
                value=list(selection.groups),
                multi=True,
            ),
            dropdown_control(
                t("compare.indicator", lang),
                lang,
                "compare-indicator",
                options=indicators,
                value=selection.indicator,
                clearable=False,
            ),
            dropdown_control(
                t("compare.year", lang),
                lang,
                "compare-year",
                options=[{"value": y, "label": str(y)} for y in years],
                value=selection.year,
                clearable=False,
            ),
            dropdown_control(
                t("compare.x", lang),
                lang,
                "compare-x",
                options=indicators,
                value=selection.x,
                clearable=False,
            ),
            dropdown_control(
                t("compare.y", lang),
                lang,
                "compare-y",
                options=indicators,
                value=selection.y,
                clearable=False,
            ),
            dropdown_control(
                t("compare.peer", lang),
                lang,
                "compare-peer",
                options=groups,
                value=selection.peer,
                clearable=False,
            ),
        ],
        className="controls compare-controls",
    )


def content(selection: Selection, lang: str) -> dict[str, Any]:
    """Everything that depends on the selection, keyed by component id."""
    sources = queries.sources_for([selection.indicator, selection.x, selection.y], lang)
    return {
        "ranking": ranking_figure(selection, lang),
        "scatter": scatter_figure(selection, lang),
        "trend": trend_figure(selection, lang),
        "rows": gap_rows(selection, lang),
        "columns": gap_columns(selection.peer, lang),
        "sources": sources,
    }


def layout(lang: str | None = None, **params: Any) -> html.Div:
    lang = lang_of(lang)
    selection, notices = parse_selection(params, lang)
    parts = content(selection, lang)
    sources = parts["sources"]
    return shell(
        PAGE,
        lang,
        [
            *page_top(PAGE, lang, notices),
            controls(selection, lang),
            dcc.Loading(
                html.Div(
                    [
                        figure_block(
                            "compare-ranking",
                            parts["ranking"],
                            t("compare.ranking_summary", lang),
                            sources,
                            lang,
                        ),
                        figure_block(
                            "compare-trend",
                            parts["trend"],
                            t("compare.trend_summary", lang),
                            sources,
                            lang,
                        ),
                        figure_block(
                            "compare-scatter",
                            parts["scatter"],
                            t("compare.scatter_summary", lang),
                            sources,
                            lang,
                        ),
                    ],
                    className="figure-grid",
                ),
                type="dot",
            ),
            index_view.compare_section(list(selection.areas), params, lang),  # issue 7
            html.H2(t("compare.gaps_title", lang), id="compare-gaps-title"),
            html.P(t("compare.gaps_intro", lang), className="lead"),
            dag.AgGrid(
                id="compare-gaps",
                rowData=parts["rows"],
                columnDefs=parts["columns"],
                defaultColDef={
                    "sortable": True,
                    "filter": True,
                    "resizable": True,
                    "minWidth": 100,
                },
                dashGridOptions={
                    "pagination": True,
                    "paginationPageSize": 25,
                    "animateRows": False,
                    "localeText": grid_locale(lang),
                },
                columnSize="autoSize",
                style={"height": "560px", "width": "100%"},
                className="ag-theme-alpine",
            ),
        ],
    )


# --------------------------------------------------------------------------- callbacks


@callback(
    Output("compare-year", "options"),
    Output("compare-year", "value"),
    Input("compare-indicator", "value"),
    State("compare-year", "value"),
    prevent_initial_call=True,
)
def update_years(indicator: str | None, year: Any) -> tuple[list[dict[str, Any]], int | None]:
    """Years of the new indicator, keeping the chosen year if it has one."""
    years = queries.indicator_years(indicator) if indicator else []
    options = [{"value": y, "label": str(y)} for y in years]
    if year in years:
        return options, year
    return options, (years[-1] if years else None)


@callback(
    Output("compare-groups", "options"),
    Output("compare-peer", "options"),
    Input("compare-areas", "value"),
    State("compare-groups", "value"),
    State("compare-peer", "value"),
    State("compare-lang", "data"),
    prevent_initial_call=True,
)
def update_group_options(areas, groups, peer, lang) -> tuple[list, list]:
    """The group lists offer the peer groups of the chosen towns and keep the chosen groups."""
    options = group_options(lang_of(lang), areas or [], [*(groups or []), peer or ""])
    return options, options


@callback(
    Output("compare-ranking", "figure"),
    Output("compare-scatter", "figure"),
    Output("compare-trend", "figure"),
    Output("compare-gaps", "rowData"),
    Output("compare-gaps", "columnDefs"),
    Output("compare-url", "search"),
    Output("compare-notices", "children"),
    Output("compare-notices", "className"),
    Input("compare-areas", "value"),
    Input("compare-groups", "value"),
    Input("compare-indicator", "value"),
    Input("compare-year", "value"),
    Input("compare-x", "value"),
    Input("compare-y", "value"),
    Input("compare-peer", "value"),
    State("compare-lang", "data"),
    State("index-weights", "data"),  # issue 7: keep the weights in the URL
    prevent_initial_call=True,
)
def update(areas, groups, indicator, year, x, y, peer, lang, weights=None):
    """Redraw everything for the new selection and write it into the URL."""
    lang = lang_of(lang)
    params = {
        "areas": ",".join(areas or []),
        "groups": ",".join(groups or []),
        "indicator": indicator,
        "year": year,
        "x": x,
        "y": y,
        "peer": peer,
    }
    selection, notices = parse_selection({k: v for k, v in params.items() if v}, lang)
    if not areas:
        selection = selection._replace(areas=())
    if not groups:
        selection = selection._replace(groups=())
    parts = content(selection, lang)
    return (
        parts["ranking"],
        parts["scatter"],
        parts["trend"],
        parts["rows"],
        parts["columns"],
        selection_query(selection, lang) + index_view.weight_query(weights),  # issue 7
        *notice_parts(notices),
    )
