"""The services card `/embed/services/<code>`: a town's R&D&I services and actors, its part in
the regional towns network and, for a university city, its ecosystem agreement's focus; the
documents cited. Pure: `card_body(content, code, lang, ...)` returns the card's HTML (`Markup`,
every value escaped by jinja2's autoescape) for `page.document`.

The text helpers (`service_facts`, `citation`) are shared with the dashboard's views so the
card and the pages say the same thing.
"""

from __future__ import annotations

from jinja2 import Environment
from markupsafe import Markup

from dashboard.i18n import fmt_date, t
from pipeline.content import Agreement, EcosystemContent, Service

_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)  # noqa: S701 - autoescape on
CARD = _ENV.from_string(
    """<article class="card" lang="{{ lang }}" aria-label="{{ name }}: {{ title }}">
<h1>{{ name }}</h1>
<h2>{{ title }}</h2>
{% if network_line %}<p>{{ network_line }}</p>{% endif %}
{% if services %}<ul>
{% for s in services %}<li data-service="{{ s.id }}"><strong>
{%- if s.url %}<a href="{{ s.url }}" target="_blank" rel="noopener">{{ s.name }}</a>
{%- else %}{{ s.name }}{% endif %}</strong> – {{ s.facts }}
{%- if s.description %}<br>{{ s.description }}{% endif %}
{%- if s.themes %}<br><span class="muted">{{ s.themes }}</span>{% endif %}</li>
{% endfor %}</ul>
{% elif not agreement %}<p>{{ none }}</p>
{% endif %}
{% if agreement %}<p>{{ agreement }} <strong>{{ focus }}</strong></p>{% endif %}
<p><a href="{{ profile_url }}" target="_blank" rel="noopener">{{ open_profile }} →</a></p>
<p class="src">{{ source_label }}: {{ sources }}</p>
</article>"""
)
UNKNOWN = _ENV.from_string(
    """<article class="card" lang="{{ lang }}"><h1>{{ title }}</h1><p>{{ body }}</p></article>"""
)


def service_facts(service: Service, content: EcosystemContent, lang: str) -> str:
    """'<kind>; <role in the network project>: <role>; <languages>: fi, sv' of a service."""
    facts = [content.kind(service.kind).label.get(lang)]
    if service.network_role:
        role = content.role(service.network_role).label.get(lang)
        facts.append(f"{t('ecosystem.role', lang)}: {role.lower()}")
    if service.languages:
        facts.append(f"{t('ecosystem.languages', lang)}: {', '.join(service.languages)}")
    return "; ".join(facts)


def theme_labels(themes: tuple[str, ...], content: EcosystemContent, lang: str) -> str:
    return ", ".join(content.theme(theme).label.get(lang) for theme in themes)


def citation(document_id: str, content: EcosystemContent, lang: str) -> str:
    """'<title>. <publisher>, <kind>[, <date>]' of a cited document."""
    doc = content.document(document_id)
    text = t(
        "ecosystem.source_item",
        lang,
        title=doc.title,
        publisher=doc.publisher,
        kind=doc.kind.get(lang),
    )
    return f"{text}, {fmt_date(doc.date, lang)}" if doc.date else text


def _service_rows(services: tuple[Service, ...], content: EcosystemContent, lang: str) -> list:
    return [
        {
            "id": s.id,
            "name": s.name,
            "url": s.url,
            "facts": service_facts(s, content, lang),
            "description": s.description.get(lang) if s.description else "",
            "themes": theme_labels(s.themes, content, lang),
        }
        for s in services
    ]


def agreement_intro(content: EcosystemContent, agreement: Agreement, name: str, lang: str) -> str:
    """ "<town> is a party to <agreement>, signed … valid until …" for a university city."""
    block = content.agreements
    return t(
        "ecosystem.town_agreement",
        lang,
        name=name,
        agreement=content.agreement_title(agreement, lang),
        signed=fmt_date(block.signed, lang),
        until=fmt_date(block.valid_until, lang),
    )


def card_body(
    content: EcosystemContent, code: str, lang: str, *, in_network: bool, profile_url: str
) -> Markup:
    """The services card of municipality `code` in `lang`."""
    services = content.services_for(code)
    agreement = content.agreement_for(code)
    name = content.name(code, lang)
    cited = ([content.network.source] if in_network else []) + [s.source for s in services]
    intro = ""
    if agreement is not None:
        cited.append(content.agreements.source)
        intro = agreement_intro(content, agreement, name, lang)
    return Markup(
        CARD.render(
            lang=lang,
            name=name,
            title=t("ecosystem.card_title", lang),
            network_line=t("ecosystem.town_network", lang, name=name) if in_network else "",
            services=_service_rows(services, content, lang),
            none=t("ecosystem.card_none", lang),
            agreement=intro,
            focus=agreement.focus.get(lang) if agreement else "",
            profile_url=profile_url,
            open_profile=t("ecosystem.open_profile", lang),
            source_label=t("ecosystem.source_label", lang),
            sources="; ".join(citation(d, content, lang) for d in dict.fromkeys(cited)) or "–",
        )
    )


def unknown_body(code: str, lang: str) -> Markup:
    """The card for a code that is no municipality (answered with 404)."""
    return Markup(
        UNKNOWN.render(
            lang=lang,
            title=t("ecosystem.card_unknown", lang),
            body=t("ecosystem.card_unknown_body", lang, code=code[:40]),
        )
    )
