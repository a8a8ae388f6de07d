"""The town profile's snippet generator ("Embed on your site"): a web editor picks the card
(statistics or services), the indicators, the language and the width, sees the real card in a
preview frame and copies the `<iframe>` code (with an optional few-line listener that sizes the
iframe by the card's `investin-embed-height` message). Hidden in print (`no-print`).

`embed_path`, `snippet` and `card_state` are pure; the page's callback (`dashboard.pages.town`)
calls `card_state` with the controls' values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import flask
from dash import dcc, html

from dashboard import queries
from dashboard.embeds.snippet import (
    CARDS,
    WIDTH,
    clamp_width,
    embed_path,
    frame_height,
    frame_title,
    snippet,
)
from dashboard.embeds.town import MAX_INDICATORS, chosen_indicators
from dashboard.i18n import LANG_NAMES, lang_of, t
from dashboard.layout import dropdown_control
from pipeline.presentation import Presentation

EMBED_SECTION = "town-embed"  # the generator section's id: the profile's tool button links here


def site_root() -> str:
    """'https://host' of the request being answered ('' outside a request)."""
    return flask.request.url_root.rstrip("/") if flask.has_request_context() else ""


def card_state(
    code: str,
    card: Any,
    indicators: Any,
    card_lang: Any,
    width: Any,
    script: Any,
    *,
    root: str,
    known: set[str] | frozenset[str],
    defaults: Sequence[str],
    page_lang: str,
) -> dict[str, Any]:
    """What the controls make: {'src' (the preview's same-origin path), 'width', 'code' (the
    snippet), 'note' (more than MAX_INDICATORS chosen), 'statistics' (which card)}."""
    card = card if card in CARDS else CARDS[0]
    lang = lang_of(card_lang)
    asked = [i for i in (indicators or []) if isinstance(i, str)]
    chosen, _ = chosen_indicators(asked, known, defaults)
    path = embed_path(card, code, lang, chosen if card == "statistics" else [])
    width = clamp_width(width)
    title = frame_title(card, queries.area_name(code, lang) or code, lang)
    height = frame_height(card, len(chosen))
    frame_id = f"investin-{card}-{code}"
    many = len(dict.fromkeys(asked)) > MAX_INDICATORS and card == "statistics"
    return {
        "src": path,
        "width": width,
        "code": snippet(root + path, title, width, height, frame_id, bool(script)),
        "note": t("town_embed.too_many", page_lang, n=MAX_INDICATORS) if many else "",
        "statistics": card == "statistics",
    }


def _indicator_options(code: str, lang: str) -> list[dict[str, str]]:
    """The indicators that have a figure for the town (its own or its region's)."""
    values = queries.town_values(code, lang).drop_duplicates("indicator_id")
    pairs = zip(values.label.tolist(), values.indicator_id.tolist(), strict=True)
    return [{"label": label, "value": indicator} for label, indicator in pairs]


def _choice(label: str, control: Any) -> html.Fieldset:
    """A group of radio items or check boxes with its legend."""
    return html.Fieldset(
        [html.Legend(label, className="control-label"), control], className="control"
    )


def _controls(code: str, lang: str, pres: Presentation, has_services: bool) -> html.Div:
    cards = [{"label": t("town_embed.card_statistics", lang), "value": "statistics"}]
    if has_services:
        cards.append({"label": t("town_embed.card_services", lang), "value": "services"})
    langs = [{"label": LANG_NAMES[k], "value": k} for k in ("fi", "sv", "en")]
    indicators = dropdown_control(
        t("town_embed.indicators", lang, n=MAX_INDICATORS),
        lang,
        "town-embed-indicators",
        wide=True,
        options=_indicator_options(code, lang),
        value=list(pres.embed_defaults),
        multi=True,
    )
    width = dcc.Input(
        id="town-embed-width",
        type="number",
        min=WIDTH[0],
        max=WIDTH[2],
        step=10,
        value=WIDTH[1],
        debounce=True,
        className="embed-width",
    )
    script = dcc.Checklist(
        id="town-embed-script",
        options=[{"label": t("town_embed.script", lang), "value": "script"}],
        value=["script"],
    )
    return html.Div(
        [
            _choice(
                t("town_embed.card", lang),
                dcc.RadioItems(cards, "statistics", id="town-embed-card"),
            ),
            html.Div(indicators, id="town-embed-indicators-box"),
            _choice(
                t("town_embed.language", lang), dcc.RadioItems(langs, lang, id="town-embed-lang")
            ),
            html.Div(
                [
                    html.Label(
                        t("town_embed.width", lang),
                        htmlFor="town-embed-width",
                        className="control-label",
                    ),
                    width,
                ],
                className="control",
            ),
            _choice(t("town_embed.code_options", lang), script),
        ],
        className="controls embed-controls",
    )


def _panes(first: dict[str, Any], lang: str) -> html.Div:
    """The preview frame (the real card, same origin) beside the code box and its copy button."""
    preview = html.Iframe(
        id="town-embed-preview",
        src=first["src"],
        title=t("town_embed.preview", lang),
        style={"width": "100%", "maxWidth": f"{first['width']}px", "height": "480px"},
        className="embed-preview",
    )
    copy = dcc.Clipboard(
        id="town-embed-copy",
        target_id="town-embed-code",
        title=t("town_embed.copy", lang),
        className="embed-copy",
    )
    code_box = html.Div(
        [
            dcc.Textarea(
                id="town-embed-code", value=first["code"], readOnly=True, className="embed-code"
            ),
            html.Div([copy, html.Span(t("town_embed.copy", lang))], className="embed-copy-row"),
        ],
        className="embed-code-box",
    )
    code_title = html.Label(t("town_embed.code", lang), htmlFor="town-embed-code")
    return html.Div(
        [
            html.Div([html.H3(t("town_embed.preview", lang)), preview], className="embed-pane"),
            html.Div([html.H3(code_title), code_box], className="embed-pane"),
        ],
        className="embed-panes",
    )


def embed_section(code: str, lang: str, pres: Presentation) -> html.Section:
    """The generator of municipality `code`'s embeds, showing the statistics card at first."""
    content = queries.ecosystem()
    has_services = bool(content.services_for(code)) or content.agreement_for(code) is not None
    first = card_state(
        code,
        "statistics",
        list(pres.embed_defaults),
        lang,
        WIDTH[1],
        ["script"],
        root=site_root(),
        known=set(queries.indicator_ids()),
        defaults=pres.embed_defaults,
        page_lang=lang,
    )
    return html.Section(
        [
            html.H2(t("town_embed.title", lang)),
            html.P(t("town_embed.lead", lang), className="lead"),
            dcc.Store(id="town-embed-state", data={"code": code, "lang": lang}),
            _controls(code, lang, pres, has_services),
            html.P(first["note"], id="town-embed-note", className="unit"),
            _panes(first, lang),
        ],
        className="theme-section embed-generator no-print",
        id=EMBED_SECTION,
    )
