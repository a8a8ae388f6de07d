"""The ecosystem page (/ecosystem): the ecosystem agreements' focus areas, the regional towns
network (project, towns with their organisations and R&D&I services, strategy 2027) and the
documents cited; `?theme=<id>` keeps only the agreements and services with that theme.

Everything shown comes from the ecosystem content (`content/ecosystem.yaml` through
`queries.ecosystem()`); the network's towns are the presentation's network group.
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard import queries
from dashboard.embeds.services import citation, service_facts, theme_labels
from dashboard.i18n import fmt_date, t
from dashboard.layout import href
from pipeline.content import Agreement, EcosystemContent, Service
from pipeline.presentation import Presentation

PAGE = "ecosystem"


def parse_theme(value: Any, content: EcosystemContent, lang: str) -> tuple[str | None, list[str]]:
    """The chosen theme id (None: all) and a notice for an unknown one."""
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    text = str(value or "").strip()
    if not text:
        return None, []
    if text in {theme.id for theme in content.themes}:
        return text, []
    return None, [t("ecosystem.theme_unknown", lang, theme=text[:40])]


def theme_options(content: EcosystemContent, lang: str) -> list[dict[str, str]]:
    return [{"value": theme.id, "label": theme.label.get(lang)} for theme in content.themes]


def theme_chips(themes: tuple[str, ...], content: EcosystemContent, lang: str) -> html.P | None:
    if not themes:
        return None
    labels = theme_labels(themes, content, lang)
    return html.P([t("ecosystem.themes", lang), ": ", labels], className="hint")


def town_link(code: str, content: EcosystemContent, lang: str) -> dcc.Link:
    return dcc.Link(content.name(code, lang), href=href(f"/town/{code}", lang))


def service_item(service: Service, content: EcosystemContent, lang: str) -> html.Li:
    """One service or actor: name (linked to its web site), kind, role, languages, themes."""
    name = (
        html.A(service.name, href=service.url, rel="noopener", target="_blank")
        if service.url
        else service.name
    )
    return html.Li(
        [
            html.Strong(name),
            " – ",
            service_facts(service, content, lang),
            html.P(service.description.get(lang)) if service.description else None,
            theme_chips(service.themes, content, lang),
        ],
        className="service-item",
        **{"data-service": service.id},
    )


def agreement_card(agreement: Agreement, content: EcosystemContent, lang: str) -> html.Li:
    towns = []
    for i, code in enumerate(agreement.municipalities):
        towns += [", " if i else "", town_link(code, content, lang)]
    return html.Li(
        [
            html.H3(towns),
            html.P([html.Strong(t("ecosystem.focus", lang) + ": "), agreement.focus.get(lang)]),
            theme_chips(agreement.themes, content, lang),
        ],
        className="card agreement-card",
        **{"data-agreement": agreement.id},
    )


def agreements_section(content: EcosystemContent, theme: str | None, lang: str) -> html.Section:
    block = content.agreements
    shown = [a for a in block.agreements if theme is None or theme in a.themes]
    text = t(
        "ecosystem.agreements_text",
        lang,
        n=len(block.agreements),
        signed=fmt_date(block.signed, lang),
        until=fmt_date(block.valid_until, lang),
        themes=block.common_themes.get(lang),
    )
    parts: list[Any] = [html.H2(t("ecosystem.agreements_title", lang)), html.P(text)]
    if theme is not None:
        label = content.theme(theme).label.get(lang)
        count = t(
            "ecosystem.agreements_shown",
            lang,
            theme=label,
            shown=len(shown),
            n=len(block.agreements),
        )
        parts.append(html.P(count, className="hint"))
    parts.append(
        html.Ul(
            [agreement_card(a, content, lang) for a in shown], className="card-grid agreement-grid"
        )
        if shown
        else html.P(t("ecosystem.agreement_none", lang))
    )
    if block.original_language != lang:
        parts.append(html.P(t("ecosystem.translated_note", lang), className="hint"))
    parts += [
        html.H3(t("ecosystem.measures", lang)),
        html.Ul([html.Li(m.get(lang)) for m in block.measures]),
        html.P(block.start_funding.get(lang)),
        html.P(block.networks_strand.get(lang)),
    ]
    return html.Section(parts, className="theme-section", id="ecosystem-agreements")


def town_block(code: str, services: tuple[Service, ...], content: EcosystemContent, lang: str):
    body = (
        html.Ul([service_item(s, content, lang) for s in services], className="service-list")
        if services
        else html.P(t("ecosystem.no_services", lang), className="hint")
    )
    return html.Li(
        [html.H3(town_link(code, content, lang)), body],
        className="card town-services",
        **{"data-town": code},
    )


def towns_section(
    content: EcosystemContent, theme: str | None, lang: str, network: list[str]
) -> html.Section:
    """The network's towns with their services, then other municipalities with services."""
    parts: list[Any] = [html.H2(t("ecosystem.towns_title", lang))]
    others = [c for c in content.service_towns() if c not in network]
    lists = []
    for title, codes in ((None, network), ("ecosystem.other_towns_title", others)):
        blocks = []
        for code in codes:
            services = content.services_for(code, theme)
            if services or theme is None:
                blocks.append(town_block(code, services, content, lang))
        if blocks:
            lists += [
                html.H3(t(title, lang)) if title else None,
                html.Ul(blocks, className="card-grid town-grid"),
            ]
    if theme is not None and not lists:
        label = content.theme(theme).label.get(lang)
        lists.append(html.P(t("ecosystem.no_theme_services", lang, theme=label)))
    parts += [*lists, html.P(t("ecosystem.how_to_add", lang), className="hint")]
    return html.Section(parts, className="theme-section", id="ecosystem-towns")


def network_section(content: EcosystemContent, lang: str) -> html.Section:
    network = content.network
    text = t(
        "ecosystem.network_text",
        lang,
        project=network.project.get(lang),
        start=fmt_date(network.start, lang),
        end=fmt_date(network.end, lang),
        m=network.municipalities_count,
        r=network.regions_count,
        funders=network.funders.get(lang),
    )
    return html.Section(
        [
            html.H2(t("ecosystem.network_title", lang)),
            html.P(text),
            html.H3(t("ecosystem.network_actions", lang)),
            html.Ul([html.Li(action.get(lang)) for action in network.actions]),
        ],
        className="theme-section",
        id="ecosystem-network",
    )


def strategy_section(content: EcosystemContent, lang: str) -> html.Section:
    strategy = content.strategy
    return html.Section(
        [
            html.H2(t("ecosystem.strategy_title", lang)),
            html.P([html.Strong(t("ecosystem.vision", lang) + ": "), strategy.vision.get(lang)]),
            html.H3(t("ecosystem.goals", lang)),
            html.Ol([html.Li(goal.get(lang)) for goal in strategy.goals]),
            html.P(strategy.embed_task.get(lang)),
            html.P(t("ecosystem.strategy_wording", lang), className="hint"),
        ],
        className="theme-section",
        id="ecosystem-strategy",
    )


def sources_section(content: EcosystemContent, lang: str) -> html.Section:
    return html.Section(
        [
            html.H2(t("ecosystem.sources_title", lang)),
            html.Ul([html.Li(citation(d.id, content, lang)) for d in content.documents]),
        ],
        className="theme-section",
        id="ecosystem-sources",
    )


def content_sections(theme: str | None, lang: str, pres: Presentation) -> list[html.Section]:
    """The page's sections below the theme filter (what the theme callback replaces)."""
    content = queries.ecosystem()
    network = queries.group_members(pres.network)
    return [
        agreements_section(content, theme, lang),
        towns_section(content, theme, lang, network),
        network_section(content, lang),
        strategy_section(content, lang),
        sources_section(content, lang),
    ]


def data_gaps_section(lang: str) -> html.Section:
    """The About page's list of the R&D&I indicators the bundled data does not contain, with
    the StatFin tables that hold them where known (content/ecosystem.yaml `data_gaps`)."""
    items = []
    for gap in queries.ecosystem().data_gaps:
        tables = ", ".join(gap.statfin) if gap.statfin else t("ecosystem.gaps_no_table", lang)
        items.append(
            html.Li(
                [
                    html.Strong(gap.label.get(lang)),
                    ". ",
                    gap.note.get(lang),
                    f" {t('ecosystem.gaps_tables', lang)}: {tables}.",
                ],
                **{"data-gap": gap.id},
            )
        )
    return html.Section(
        [
            html.H2(t("ecosystem.gaps_title", lang)),
            html.P(t("ecosystem.gaps_intro", lang)),
            html.Ul(items),
        ],
        className="about-section",
        id="about-data-gaps",
    )
