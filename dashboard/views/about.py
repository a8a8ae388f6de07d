"""The About page's sections: method (with the composite index's method text from docs/),
the comparison groups and their members, aggregation rules, sources, how current each figure is
("data as of"), mergers and the build."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
from dash import dcc, html

import pipeline
from dashboard import queries
from dashboard.i18n import lang_of, t
from dashboard.layout import href, present
from dashboard.views import coverage, ecosystem
from pipeline.presentation import Presentation

METHOD_NAME = "method.md"  # English; method.fi.md and method.sv.md are its translations

RULES = ("sum", "ratio", "weighted_mean", "none")


@cache
def _mergers() -> tuple:
    """The merger list of the catalogue (not a warehouse table): (from, to, year, name)."""
    from pipeline.catalogue import load_catalogue

    return tuple(load_catalogue(pipeline.DEFAULT_CATALOGUE).mergers)


def _table(columns: list[str], rows: list[list], caption: str | None = None) -> html.Div:
    return html.Div(
        html.Table(
            [
                html.Caption(caption) if caption else None,
                html.Thead(html.Tr([html.Th(c, scope="col") for c in columns])),
                html.Tbody([html.Tr([html.Td(cell) for cell in row]) for row in rows]),
            ],
            className="values",
        ),
        className="table-wrap",
    )


def _groups(lang: str, pres: Presentation) -> html.Section:
    municipalities = queries.municipalities(lang).set_index("area_code").name
    blocks = []
    for code in (pres.network, pres.university_cities):
        members = queries.group_members(code)
        names = sorted(municipalities.get(m, m) for m in members)
        blocks += [
            html.H3(
                [
                    queries.area_name(code, lang) or code,
                    " ",
                    html.Span(f"({t('about.members', lang, n=len(members))})", className="unit"),
                ]
            ),
            html.Ul([html.Li(n) for n in names], className="member-list"),
        ]
    return html.Section(
        [html.H2(t("about.groups", lang)), *blocks, html.P(t("about.groups_text", lang))],
        className="about-section",
    )


def _aggregation(lang: str) -> html.Section:
    meta = queries.indicators(lang)
    items = []
    for rule in RULES:
        labels = meta[meta.aggregation == rule].label.tolist()
        if not labels:
            continue
        items.append(
            html.Li(
                [
                    html.Strong(t(f"about.rule_{rule}", lang)),
                    " ",
                    html.Span(
                        f"{t('about.indicators_by_rule', lang)}: {', '.join(labels)}.",
                        className="unit",
                    ),
                ]
            )
        )
    return html.Section(
        [html.H2(t("about.aggregation", lang)), html.Ul(items)], className="about-section"
    )


def _sources(lang: str) -> html.Section:
    prov = queries.provenance(lang)
    rows = [
        [
            row.title,
            row.table_id,
            row.publisher,
            (present(row.updated) or "–")[:10],
            (present(row.fetched) or "–")[:10],
            row.licence,
        ]
        for row in prov.itertuples(index=False)
    ]
    columns = [
        t(f"about.col_{c}", lang)
        for c in ("title", "table", "publisher", "updated", "fetched", "licence")
    ]
    return html.Section(
        [
            html.H2(t("about.sources", lang)),
            _table(columns, rows),
            html.P(t("about.licence_text", lang)),
            html.P(t("about.boundaries_note", lang)),
        ],
        className="about-section",
    )


def _merger_section(lang: str) -> html.Section:
    names = queries.areas(lang).set_index("area_code").name
    rows = []
    for merger in _mergers():
        former = (merger.name or "").split("→")[0].strip() or merger.from_code
        rows.append(
            [
                f"{former} ({merger.from_code})",
                f"{names.get(merger.to_code, merger.to_code)} ({merger.to_code})",
                merger.year,
            ]
        )
    columns = [t("about.col_from", lang), t("about.col_to", lang), t("about.col_year", lang)]
    return html.Section(
        [
            html.H2(t("about.mergers", lang)),
            html.P(t("about.mergers_text", lang)),
            _table(columns, rows),
        ],
        className="about-section",
    )


def _build(lang: str) -> html.Section:
    info = queries.build_info()
    built = info.get("built_at")
    text = [
        html.P(t("about.built_at", lang, time=pd.Timestamp(built).strftime("%Y-%m-%d %H:%M")))
        if built is not None and pd.notna(built)
        else None,
        html.P(
            t(
                "about.checksums",
                lang,
                catalogue=str(info.get("catalogue_sha256", "–"))[:12],
                manifest=str(info.get("snapshot_manifest_sha256", "–"))[:12],
            ),
            className="unit",
        ),
    ]
    return html.Section([html.H2(t("about.build", lang)), *text], className="about-section")


def method_path(lang: str) -> Path:
    """The method text in `lang` (docs/method.<lang>.md; English is docs/method.md)."""
    lang = lang_of(lang)
    docs = pipeline.project_path("docs")
    localized = docs / f"method.{lang}.md"
    return localized if lang != "en" and localized.exists() else docs / METHOD_NAME


def method_section(lang: str) -> html.Section | None:
    """The method text on the About page in the page's language (None where the docs are not
    installed; English with a note where a translation is missing)."""
    lang = lang_of(lang)
    path = method_path(lang)
    if not path.exists():
        return None
    text = path.read_text(encoding="utf-8").split("\n", 1)[1]  # drop the page title
    english = path.name == METHOD_NAME
    note = "index.method_language" if english and lang != "en" else "index.method_applied"
    return html.Section(
        [
            html.H2(t("index.method_title", lang)),
            html.P(t(note, lang), className="unit"),
            dcc.Markdown(text.replace("\n## ", "\n### ")),
        ],
        className="about-section method-section",
        id="index-method",
    )


def sections(lang: str, pres: Presentation) -> list:
    """The About page's children."""
    return [
        html.H1(t("about.heading", lang)),
        html.P(t("about.lead", lang), className="lead"),
        html.P(dcc.Link(t("api.about_link", lang), href=href("/api", lang))),
        html.Section(
            [html.H2(t("about.method", lang)), html.P(t("about.method_text", lang))],
            className="about-section",
        ),
        method_section(lang),
        _groups(lang, pres),
        _aggregation(lang),
        _sources(lang),
        ecosystem.data_gaps_section(lang),
        coverage.coverage_section(lang, pres, "about-as-of", "about-section"),
        _merger_section(lang),
        _build(lang),
    ]
