"""Compare (/compare): towns and groups side by side on one indicator.

A ranking of the chosen areas with the chosen groups' aggregate values (hatched bars) and their
medians (dashed lines), the trend of the indicator, a scatter of two indicators over all
municipalities with the chosen towns highlighted, the composite index with adjustable weights,
and a table of gaps to a peer group for every indicator (content: `dashboard.views.compare*`).

URL: `?lang=fi&areas=140,740&groups=<group codes>&indicator=<id>&year=2020&x=<id>&y=<id>
&peer=<group code>`. Every control writes the query back through a page-local `dcc.Location`
(refresh=False, so the page is not rebuilt) and the layout restores it on load; unknown values
are dropped with a notice, never a traceback.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import ALL, Input, Output, State, callback, html

from dashboard import pagemeta, queries
from dashboard.i18n import lang_of, t
from dashboard.layout import notice_parts, page_top, shell
from dashboard.views import compare, compare_content, index
from dashboard.views.common import known, presentation, year_options

PAGE = compare.PAGE
WEIGHT = index.WEIGHT

dash.register_page(
    __name__,
    path="/compare",
    name="compare",
    title=pagemeta.title("compare"),
    description=pagemeta.description("compare"),
    order=2,
)


def layout(lang: str | None = None, **params: Any) -> html.Div:
    lang = lang_of(lang)
    pres = presentation()
    selection, notices = compare.parse_selection(params, lang, known(), pres)
    parts = compare_content.content(selection, lang)
    return shell(
        PAGE,
        lang,
        [
            *page_top(PAGE, lang, notices),
            compare.controls(selection, lang),
            compare_content.figure_grid(parts, lang),
            index.compare_section(list(selection.areas), params, lang, pres),
            html.H2(t("compare.gaps_title", lang), id="compare-gaps-title"),
            html.P(t("compare.gaps_intro", lang), className="lead"),
            compare_content.gap_grid(parts, lang),
        ],
    )


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
    return year_options(years), year if year in years else (years[-1] if years else None)


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
    options = compare.group_options(lang_of(lang), areas or [], [*(groups or []), peer or ""])
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
    *(Input(f"compare-{key}", "value") for key in ("areas", "groups", "indicator", "year")),
    *(Input(f"compare-{key}", "value") for key in ("x", "y", "peer")),
    State("compare-lang", "data"),
    State(f"{WEIGHT}s", "data"),  # the index weights stay in the URL
    prevent_initial_call=True,
)
def update(areas, groups, indicator, year, x, y, peer, lang, weights=None):
    """Redraw everything for the new selection and write it into the URL."""
    lang = lang_of(lang)
    params = compare.callback_params(areas, groups, indicator, year, x, y, peer)
    selection, notices = compare.parse_selection(params, lang, known(), presentation())
    selection = selection._replace(
        areas=selection.areas if areas else (), groups=selection.groups if groups else ()
    )
    parts = compare_content.content(selection, lang)
    search = compare.selection_query(selection, lang) + index.weight_query(weights)
    figures = (parts["ranking"], parts["scatter"], parts["trend"])
    return (*figures, parts["rows"], parts["columns"], search, *notice_parts(notices))


@callback(
    Output("index-ranking", "figure"),
    Output(f"{WEIGHT}s", "data"),
    Output("compare-url", "search", allow_duplicate=True),
    Input({"type": WEIGHT, "theme": ALL}, "value"),
    Input("compare-areas", "value"),
    State({"type": WEIGHT, "theme": ALL}, "id"),
    State("compare-url", "search"),
    State("compare-lang", "data"),
    prevent_initial_call=True,
)
def update_ranking(values, areas, ids, search, lang):
    """Redraw the ranking; when a weight moved, write the weights into the URL."""
    weights = index.weights_from(values, ids)
    figure = index.ranking_figure(list(areas or []), weights, lang, presentation())
    moved = isinstance(dash.ctx.triggered_id, dict)  # a slider, not the areas
    return figure, weights, index.with_weights(search, weights) if moved else dash.no_update


@callback(
    Output({"type": WEIGHT, "theme": ALL}, "value"),
    Input(f"{WEIGHT}-reset", "n_clicks"),
    State({"type": WEIGHT, "theme": ALL}, "id"),
    prevent_initial_call=True,
)
def reset_weights(_clicks, ids):
    return [1.0 for _ in ids]
