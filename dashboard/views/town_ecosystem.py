"""The town profile's ecosystem section: the town's R&D&I organisations and services, its part
in the regional towns network and, for a university city, its ecosystem agreement's focus.
Nothing to show gives no section (`[]`). Facts: content/ecosystem.yaml (`queries.ecosystem()`).
"""

from __future__ import annotations

from dash import dcc, html

from dashboard import queries
from dashboard.embeds.services import agreement_intro, citation
from dashboard.i18n import t
from dashboard.layout import href
from dashboard.views.ecosystem import service_item, theme_chips
from pipeline.presentation import Presentation

EMBED_PATH = "/embed/services/{code}"


def ecosystem_sections(code: str, lang: str, pres: Presentation) -> list[html.Section]:
    """[the section] for municipality `code`, or [] when the content names nothing for it."""
    content = queries.ecosystem()
    services = content.services_for(code)
    agreement = content.agreement_for(code)
    if not services and agreement is None:
        return []
    name = content.name(code, lang)
    parts: list = [html.H2(t("ecosystem.town_title", lang))]
    cited: list[str] = []
    if code in queries.group_members(pres.network):
        parts.append(html.P(t("ecosystem.town_network", lang, name=name)))
        cited.append(content.network.source)
    if services:
        parts.append(
            html.Ul([service_item(s, content, lang) for s in services], className="service-list")
        )
        cited += [s.source for s in services]
    if agreement is not None:
        intro = agreement_intro(content, agreement, name, lang)
        parts += [
            html.P([intro, " ", html.Strong(agreement.focus.get(lang))]),
            theme_chips(agreement.themes, content, lang),
        ]
        cited.append(content.agreements.source)
    links = [dcc.Link(t("ecosystem.title", lang), href=href("/ecosystem", lang))]
    if services:
        card = href(EMBED_PATH.format(code=code), lang)
        links += [" · ", html.A(t("ecosystem.embed_link", lang), href=card, target="_blank")]
    sources = "; ".join(citation(d, content, lang) for d in dict.fromkeys(cited))
    parts += [
        html.P(links),
        html.P(
            [
                html.Span(t("ecosystem.source_label", lang) + ": ", className="source-label"),
                sources,
            ],
            className="source-line",
        ),
    ]
    return [html.Section(parts, className="theme-section ecosystem-section", id="town-ecosystem")]
