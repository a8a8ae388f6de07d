"""The composite index and peers in the pages (method in docs/method.md).

- Compare page: `compare_section` — one weight slider per theme (carried in the URL as
  `w_<theme>=1.5`) and a chart of the chosen towns' overall rank with its range over weight draws.
- Town page: `town_section` — the town's index scores and ranks, and its nearest peers (with
  distance) on the presentation's peer profile or on indicators the user picks, with a link that
  compares the town with its `peers:<code>` group.

The callbacks that redraw these live in the page modules (compare, town).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

import pandas as pd
from dash import dcc, html

from dashboard import figures, queries, services
from dashboard.i18n import fmt_number, lang_of, t
from dashboard.layout import dropdown_labels, figure_block, href
from pipeline.presentation import Presentation

WEIGHT = "index-weight"
STEP = 0.25


# --------------------------------------------------------------------------- weights in the URL


def weight_query(weights: dict[str, float] | None) -> str:
    """`&w_labour=2&…` for the non-default weights (appended to a page's query string)."""
    items = {f"w_{k}": f"{v:g}" for k, v in sorted((weights or {}).items()) if v != 1.0}
    return "&" + urlencode(items) if items else ""


def with_weights(search: str | None, weights: dict[str, float]) -> str:
    """`search` with its `w_*` parameters replaced by `weights`."""
    kept = [(k, v) for k, v in parse_qsl((search or "").lstrip("?")) if not k.startswith("w_")]
    return "?" + urlencode(kept, safe=",:") + weight_query(weights)


def weights_from(values: list[Any], ids: list[dict[str, str]]) -> dict[str, float]:
    """The weights of the sliders' `values` (pattern ids carry the theme); unusable values out."""
    weights = {}
    for value, ident in zip(values, ids, strict=True):
        try:
            weights[ident["theme"]] = float(value)
        except (TypeError, ValueError):
            continue
    return services.parse_weights({f"w_{k}": v for k, v in weights.items()})


# --------------------------------------------------------------------------- compare page


def ranking_figure(areas: list[str], weights: dict[str, float], lang: str, pres: Presentation):
    """Rank and rank range of the overall index for `areas` (all network towns if empty)."""
    lang = lang_of(lang)
    codes = list(areas) or queries.group_members(pres.network)
    ranges = services.rank_ranges(weights)
    scores = services.index_scores(weights)[["area_code", "score"]]
    names = queries.municipalities(lang).set_index("area_code")["name"]
    frame = ranges[ranges["area_code"].isin(codes)].merge(scores, on="area_code")
    frame["name"] = frame["area_code"].map(names)
    n = int(ranges["rank"].notna().sum())
    return figures.rank_range_figure(
        frame,
        lang,
        title=t("index.ranking_title", lang),
        rank_label=t("index.rank_axis", lang, n=n),
        hover=t("index.rank_hover", lang),
        n_areas=n,
    )


def _slider(theme: str, weights: dict[str, float], lang: str) -> html.Div:
    return html.Div(
        [
            html.Label(t(f"common.theme_{theme}", lang), id=f"{WEIGHT}-label-{theme}"),
            dcc.Slider(
                id={"type": WEIGHT, "theme": theme},
                min=0,
                max=services.MAX_WEIGHT,
                step=STEP,
                value=weights.get(theme, 1.0),
                marks={i: str(i) for i in range(int(services.MAX_WEIGHT) + 1)},
                tooltip={"placement": "bottom", "always_visible": False},
            ),
        ],
        className="weight-slider",
    )


def weight_controls(weights: dict[str, float], lang: str) -> html.Div:
    sliders = [_slider(theme, weights, lang) for theme in queries.index_themes()]
    reset = html.Button(t("index.weights_reset", lang), id=f"{WEIGHT}-reset", n_clicks=0)
    return html.Div([*sliders, reset], className="weight-controls")


def compare_section(
    areas: list[str], params: dict[str, Any], lang: str, pres: Presentation
) -> html.Section:
    """Weight sliders and the rank-range chart for the compare page."""
    weights = services.parse_weights(params)
    return html.Section(
        [
            dcc.Store(id=f"{WEIGHT}s", data=weights),
            html.H2(t("index.weights_title", lang)),
            html.P(t("index.weights_help", lang), className="lead"),
            weight_controls(weights, lang),
            figure_block(
                "index-ranking",
                ranking_figure(list(areas), weights, lang, pres),
                t("index.ranking_summary", lang),
                queries.sources_for(queries.index_indicators(), lang),
                lang,
            ),
        ],
        className="index-section",
    )


# --------------------------------------------------------------------------- town page


def index_rows(code: str, lang: str) -> list[dict[str, Any]]:
    """The town's score, rank and (overall index only) rank range in every index, overall
    first, each as its own text; `ranked` is the number of municipalities ranked overall."""
    rows = []
    ranges = services.rank_ranges().set_index("area_code")
    themes = queries.index_themes()
    for index_id in [queries.OVERALL_INDEX, *(f"index_{th}" for th in themes)]:
        scores = services.index_scores(index_id=index_id).set_index("area_code")
        if code not in scores.index:
            continue
        row = scores.loc[code]
        overall = index_id == queries.OVERALL_INDEX
        theme = index_id.removeprefix("index_")
        label = t("index.index_score", lang) if overall else t(f"common.theme_{theme}", lang)
        span = "–"
        if overall and code in ranges.index and pd.notna(ranges.at[code, "rank_min"]):
            span = f"{int(ranges.at[code, 'rank_min'])}–{int(ranges.at[code, 'rank_max'])}"
        rows.append(
            {
                "label": label,
                "score": fmt_number(row["score"], 2, lang),
                "rank": "–" if pd.isna(row["rank"]) else str(int(row["rank"])),
                "ranked": int(scores["rank"].notna().sum()),
                "range": span,
            }
        )
    return rows


def peers_table(code: str, indicators: list[str] | None, lang: str) -> html.Table:
    found = services.peers(code, indicators)
    names = queries.municipalities(lang).set_index("area_code")["name"]
    body = [
        html.Tr(
            [
                html.Td(str(int(row.rank))),
                html.Td(
                    dcc.Link(
                        names.get(row.area_code, row.area_code),
                        href=href(f"/town/{row.area_code}", lang),
                    )
                ),
                html.Td(fmt_number(row.distance, 2, lang), className="num"),
            ]
        )
        for row in found.itertuples(index=False)
    ]
    head = html.Tr(
        [
            html.Th("#"),
            html.Th(t("index.peer_name", lang)),
            html.Th(t("index.peer_distance", lang), className="num"),
        ]
    )
    return html.Table([html.Thead(head), html.Tbody(body)], className="peers-table")


def _index_table(rows: list[dict[str, Any]], lang: str) -> html.Div:
    """Index, score, rank of N and rank range as a table with its column headers (in a box
    that scrolls sideways on a screen narrower than the headers)."""
    ranked = rows[0]["ranked"] if rows else 0
    left, right = {"textAlign": "left"}, {"textAlign": "right"}
    head = html.Tr(
        [
            html.Th(t("index.col_index", lang), scope="col", style=left),
            html.Th(t("index.col_score", lang), scope="col", className="num", style=right),
            html.Th(t("index.col_rank", lang, n=ranked), scope="col", className="num", style=right),
            html.Th(t("index.col_range", lang), scope="col", className="num", style=right),
        ]
    )
    cells = [
        html.Tr(
            [
                html.Th(r["label"], scope="row", style={**left, "fontWeight": "normal"}),
                html.Td(r["score"], className="num", style=right),
                html.Td(r["rank"], className="num", style=right),
                html.Td(r["range"], className="num", style=right),
            ]
        )
        for r in rows
    ]
    caption = html.Caption(t("index.table_caption", lang), className="visually-hidden")
    table = html.Table([caption, html.Thead(head), html.Tbody(cells)], className="index-table")
    return html.Div(table, className="table-wrap")


def town_section(code: str, lang: str, pres: Presentation) -> html.Section:
    """Index scores and the nearest peers of a town."""
    lang = lang_of(lang)
    stored = services.peers(code)
    group = f"{queries.PEERS_PREFIX}{code}"
    compare = href("/compare", lang, areas=[code, *stored["area_code"]], groups=[group], peer=group)
    options = queries.indicators(lang).set_index("indicator_id")["label"]
    choices = [{"value": i, "label": options.get(i, i)} for i in services.peer_profile_indicators()]
    profile = [c for c in pres.peer_profile.indicators if c in options.index]
    return html.Section(
        [
            html.H2(t("index.index_score", lang)),
            _index_table(index_rows(code, lang), lang),
            html.H2(t("index.peers_title", lang)),
            html.P(t("index.peers_help", lang), className="lead"),
            dcc.Store(id="town-peers-code", data={"code": code, "lang": lang}),
            html.Label(t("index.peer_indicators", lang), htmlFor="town-peers-indicators"),
            dcc.Dropdown(
                id="town-peers-indicators",
                options=choices,
                value=profile,
                multi=True,
                labels=dropdown_labels(lang),
            ),
            html.Div(peers_table(code, None, lang), id="town-peers-table"),
            dcc.Link(t("index.compare_with_peers", lang), href=compare, className="button"),
        ],
        className="peers-section",
    )
