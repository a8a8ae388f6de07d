"""Ecosystem (/ecosystem): the ecosystem agreements' focus areas, the regional towns network's
towns with their organisations and R&D&I services, the network's strategy 2027; filter by theme
(content: `dashboard.views.ecosystem`; facts: content/ecosystem.yaml).

URL: `?lang=fi&theme=circular_economy`.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, callback, html

from dashboard import pagemeta, queries
from dashboard.i18n import lang_of, t
from dashboard.layout import dropdown_control, href, page_top, shell
from dashboard.views import ecosystem
from dashboard.views.common import presentation

PAGE = ecosystem.PAGE

dash.register_page(
    __name__,
    path="/ecosystem",
    name="ecosystem",
    title=pagemeta.title("ecosystem"),
    description=pagemeta.description("ecosystem"),
    order=6,
)


def layout(lang: str | None = None, theme: Any = None, **_ignored: Any) -> html.Div:
    lang = lang_of(lang)
    content = queries.ecosystem()
    chosen, notices = ecosystem.parse_theme(theme, content, lang)
    return shell(
        PAGE,
        lang,
        [
            *page_top(PAGE, lang, notices),
            dropdown_control(
                t("ecosystem.theme", lang),
                lang,
                "ecosystem-theme",
                options=ecosystem.theme_options(content, lang),
                value=chosen,
                clearable=True,
                placeholder=t("ecosystem.theme_all", lang),
                style={"maxWidth": "24em"},
            ),
            html.Div(
                ecosystem.content_sections(chosen, lang, presentation()),
                id="ecosystem-content",
            ),
        ],
    )


@callback(
    Output("ecosystem-content", "children"),
    Output("ecosystem-url", "search"),
    Input("ecosystem-theme", "value"),
    State("ecosystem-lang", "data"),
    prevent_initial_call=True,
)
def update(theme: Any, lang: str):
    lang = lang_of(lang)
    chosen, _ = ecosystem.parse_theme(theme, queries.ecosystem(), lang)
    sections = ecosystem.content_sections(chosen, lang, presentation())
    return sections, href("", lang, theme=chosen)
