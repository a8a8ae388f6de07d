"""Town profile `/town/<code>` for any municipality of the 2025 division, and `/town` to pick one.

Headline figures with their trend and the gap to the comparison groups, highlights, charts, one
table per theme, index scores and peers (content: `dashboard.views.town`). assets/print.css,
print.js and `dashboard.views.town_print` turn the page into a two-page investor profile.
"""

from __future__ import annotations

from urllib.parse import parse_qs

import dash
from dash import MATCH, Input, Output, State

from dashboard import pagemeta, queries
from dashboard.i18n import lang_of
from dashboard.layout import href
from dashboard.views import index, later, town, town_embed
from dashboard.views.common import presentation

dash.register_page(
    __name__,
    path_template="/town/<code>",
    title=pagemeta.title("town"),
    description=pagemeta.description("town"),
    path_exists=lambda code=None, **_: queries.is_municipality(code),
)


def layout(code: str | None = None, lang: str | None = None, **_ignored: object):
    lang = lang_of(lang)
    if not queries.is_municipality(code):
        return town.unknown(code, lang)
    return town.profile(code, lang, presentation())


def picker_layout(lang: str | None = None, **_ignored: object):
    """`/town` without a code: choose a municipality (the dropdown navigates through
    `open_town`)."""
    return town.picker(lang_of(lang))


# `/town` alone is the picker, not a 404 (a second page from this module, like not_found's).
dash.register_page(
    "dashboard.pages.town_picker",
    path="/town",
    title=pagemeta.title("town_picker"),
    description=pagemeta.description("town_picker"),
    layout=picker_layout,
)


@dash.callback(
    Output({"type": later.LATER, "part": MATCH}, "children"),
    Input({"type": later.LATER, "part": MATCH}, "id"),
    State(later.ARGS, "data"),
)
def fill_later(component_id, args):
    """One later part of the profile (`town.LATER_PARTS`), asked for as soon as the page is
    drawn."""
    part = later.part_of(component_id)
    code = args.get("code") if isinstance(args, dict) else None
    if part not in town.LATER_PARTS or not queries.is_municipality(code):
        return dash.no_update
    return town.later_part(part, code, lang_of(args.get("lang")), presentation())


dash.clientside_callback(
    "function(n) { if (n) { window.print(); } return window.dash_clientside.no_update; }",
    Output("town-print", "n_clicks"),
    Input("town-print", "n_clicks"),
    prevent_initial_call=True,
)


@dash.callback(
    Output("town-url", "href"),
    Input("town-picker", "value"),
    State("town-url", "search"),
    prevent_initial_call=True,
)
def open_town(code: str | None, search: str | None):
    """Switch the profile to another municipality, keeping the language."""
    if not queries.is_municipality(code):
        return dash.no_update
    lang = lang_of(parse_qs((search or "").lstrip("?")).get("lang"))
    return href(f"/town/{code}", lang)


@dash.callback(
    Output("town-peers-table", "children"),
    Input("town-peers-indicators", "value"),
    State("town-peers-code", "data"),
    prevent_initial_call=True,
)
def update_peers(indicators, state):
    """The peers on the indicators the user picked."""
    return index.peers_table(state["code"], list(indicators or []), state["lang"])


@dash.callback(
    Output("town-embed-preview", "src"),
    Output("town-embed-preview", "style"),
    Output("town-embed-code", "value"),
    Output("town-embed-note", "children"),
    Output("town-embed-indicators-box", "style"),
    Input("town-embed-card", "value"),
    Input("town-embed-indicators", "value"),
    Input("town-embed-lang", "value"),
    Input("town-embed-width", "value"),
    Input("town-embed-script", "value"),
    State("town-embed-state", "data"),
    prevent_initial_call=True,
)
def update_embed(card, indicators, card_lang, width, script, state):
    """The snippet generator's preview and code for the controls' values."""
    code = state.get("code") if isinstance(state, dict) else None
    if not queries.is_municipality(code):
        return (dash.no_update,) * 5
    pres = presentation()
    made = town_embed.card_state(
        code,
        card,
        indicators if isinstance(indicators, list) else [],
        card_lang,
        width,
        script,
        root=town_embed.site_root(),
        known=set(queries.indicator_ids()),
        defaults=pres.embed_defaults,
        page_lang=lang_of(state.get("lang")),
    )
    style = {"width": "100%", "maxWidth": f"{made['width']}px", "height": "480px"}
    shown = {} if made["statistics"] else {"display": "none"}
    return made["src"], style, made["code"], made["note"], shown
