"""Composite index and peers in the UI (issue 7; method in docs/method.md).

- Compare page: `compare_section` — one weight slider per theme (carried in the URL as
  `w_<theme>=1.5`) and a chart of the chosen towns' overall rank with its range over weight draws.
- Town page: `town_section` — the town's index scores and ranks, and its nearest peers (with
  distance) on the default profile or on indicators the user picks, with a link that compares
  the town with its `peers:<code>` group.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import dash
import pandas as pd
from dash import ALL, Input, Output, State, dcc, html

from dashboard import figures, queries, services
from dashboard.i18n import fmt_number, lang_of, t
from dashboard.layout import figure_block, href
from pipeline.peers import DEFAULT_PROFILE

WEIGHT = "index-weight"
DOCS = Path(__file__).resolve().parents[1] / "docs"
METHOD = DOCS / "method.md"  # English; method.fi.md and method.sv.md are its translations
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


# --------------------------------------------------------------------------- compare page


def ranking_figure(areas: list[str], weights: dict[str, float], lang: str):
    """Rank and rank range of the overall index for `areas` (all network towns if empty)."""
    lang = lang_of(lang)
    codes = list(areas) or queries.group_members(queries.presentation().network)
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


def weight_controls(weights: dict[str, float], lang: str) -> html.Div:
    sliders = []
    for theme in queries.index_themes():
        label_id = f"{WEIGHT}-label-{theme}"
        sliders.append(
            html.Div(
                [
                    html.Label(t(f"common.theme_{theme}", lang), id=label_id),
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
        )
    return html.Div(
        [
            *sliders,
            html.Button(t("index.weights_reset", lang), id=f"{WEIGHT}-reset", n_clicks=0),
        ],
        className="weight-controls",
    )


def compare_section(areas: list[str], params: dict[str, Any], lang: str) -> html.Section:
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
                ranking_figure(list(areas), weights, lang),
                t("index.ranking_summary", lang),
                queries.sources_for(queries.index_indicators(), lang),
                lang,
            ),
        ],
        className="index-section",
    )


def _weights_from(values: list[Any], ids: list[dict[str, str]]) -> dict[str, float]:
    weights = {}
    for value, ident in zip(values, ids, strict=True):
        try:
            weights[ident["theme"]] = float(value)
        except (TypeError, ValueError):
            continue
    return services.parse_weights({f"w_{k}": v for k, v in weights.items()})


@dash.callback(
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
    weights = _weights_from(values, ids)
    figure = ranking_figure(list(areas or []), weights, lang)
    moved = isinstance(dash.ctx.triggered_id, dict)  # a slider, not the areas
    return figure, weights, with_weights(search, weights) if moved else dash.no_update


@dash.callback(
    Output({"type": WEIGHT, "theme": ALL}, "value"),
    Input(f"{WEIGHT}-reset", "n_clicks"),
    State({"type": WEIGHT, "theme": ALL}, "id"),
    prevent_initial_call=True,
)
def reset_weights(_clicks, ids):
    return [1.0 for _ in ids]


# --------------------------------------------------------------------------- town page


def index_rows(code: str, lang: str) -> list[dict[str, Any]]:
    """The town's score and rank in every index (overall first), with its overall rank range."""
    rows = []
    ranges = services.rank_ranges().set_index("area_code")
    for index_id in ["index_overall", *(f"index_{th}" for th in queries.index_themes())]:
        scores = services.index_scores(index_id=index_id).set_index("area_code")
        if code not in scores.index:
            continue
        row = scores.loc[code]
        theme = index_id.removeprefix("index_")
        label = (
            t("index.index_score", lang) if theme == "overall" else t(f"common.theme_{theme}", lang)
        )
        rank = (
            "–" if pd.isna(row["rank"]) else f"{int(row['rank'])} / {scores['rank'].notna().sum()}"
        )
        if theme == "overall" and code in ranges.index and pd.notna(ranges.at[code, "rank_min"]):
            rank += f" ({int(ranges.at[code, 'rank_min'])}–{int(ranges.at[code, 'rank_max'])})"
        rows.append({"label": label, "score": fmt_number(row["score"], 2, lang), "rank": rank})
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


def town_section(code: str, lang: str) -> html.Section:
    """Index scores and the nearest peers of a town."""
    lang = lang_of(lang)
    stored = services.peers(code)
    group = f"{queries.PEERS_PREFIX}{code}"
    compare = href(
        "/compare",
        lang,
        areas=[code, *stored["area_code"]],
        groups=[group],
        peer=group,
    )
    options = queries.indicators(lang).set_index("indicator_id")["label"]
    choices = [{"value": i, "label": options.get(i, i)} for i in services.peer_profile_indicators()]
    rows = index_rows(code, lang)
    return html.Section(
        [
            html.H2(t("index.index_score", lang)),
            html.Table(
                [
                    html.Tbody(
                        [
                            html.Tr(
                                [
                                    html.Td(r["label"]),
                                    html.Td(r["score"], className="num"),
                                    html.Td(r["rank"], className="num"),
                                ]
                            )
                            for r in rows
                        ]
                    )
                ],
                className="index-table",
            ),
            html.H2(t("index.peers_title", lang)),
            html.P(t("index.peers_help", lang), className="lead"),
            dcc.Store(id="town-peers-code", data={"code": code, "lang": lang}),
            html.Label(t("index.peer_indicators", lang), htmlFor="town-peers-indicators"),
            dcc.Dropdown(
                id="town-peers-indicators",
                options=choices,
                value=[c for c in DEFAULT_PROFILE if c in options.index],
                multi=True,
            ),
            html.Div(peers_table(code, None, lang), id="town-peers-table"),
            dcc.Link(t("index.compare_with_peers", lang), href=compare, className="button"),
        ],
        className="peers-section",
    )


@dash.callback(
    Output("town-peers-table", "children"),
    Input("town-peers-indicators", "value"),
    State("town-peers-code", "data"),
    prevent_initial_call=True,
)
def update_peers(indicators, state):
    return peers_table(state["code"], list(indicators or []), state["lang"])


# --------------------------------------------------------------------------- about page


def method_path(lang: str) -> Path:
    """The method text in `lang` (docs/method.<lang>.md; English is docs/method.md)."""
    lang = lang_of(lang)
    localized = DOCS / f"method.{lang}.md"
    return localized if lang != "en" and localized.exists() else METHOD


def method_section(lang: str) -> html.Section | None:
    """The method text on the About page in the page's language (None where the docs are not
    installed; English with a note where a translation is missing)."""
    lang = lang_of(lang)
    path = method_path(lang)
    if not path.exists():
        return None
    text = path.read_text(encoding="utf-8").split("\n", 1)[1]  # drop the page title
    note = "index.method_language" if path == METHOD and lang != "en" else "index.method_applied"
    return html.Section(
        [
            html.H2(t("index.method_title", lang)),
            html.P(t(note, lang), className="unit"),
            dcc.Markdown(text.replace("\n## ", "\n### ")),
        ],
        className="about-section method-section",
        id="index-method",
    )
