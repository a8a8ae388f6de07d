"""The town profile's content: headline figures with their trend and the gap to the comparison
groups, highlights, charts, one table per theme, index scores and peers.

The headlines, theme order and comparison groups come from the presentation; `trend_text`,
`gap_items`, `headline_rows` and `theme_rows` are pure over `queries.town_values` frames (with
the columns `coverage.with_currency` adds: the indicator's first and newest year, and `stale`).
Every figure names its year; a change names both years; a figure that is not current says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from dash import dcc, html

from dashboard import queries
from dashboard.highlights import town_highlights
from dashboard.i18n import fmt_number, fmt_period, fmt_signed, fmt_value, t
from dashboard.layout import definition_link, href, message, shell, town_picker
from dashboard.plain_html import element
from dashboard.views import coverage, index, later, town_charts, town_print, town_region
from dashboard.views.common import THEME_COLUMNS, by_theme, comparisons
from dashboard.views.town_charts import period
from dashboard.views.town_ecosystem import ecosystem_sections
from dashboard.views.town_embed import EMBED_SECTION, embed_section
from dashboard.views.town_rdi import rdi_sections
from pipeline.presentation import Presentation

PERCENTAGE_POINTS = {"fi": " %-yks.", "sv": " p.e.", "en": " pp"}


# --------------------------------------------------------------------------- headlines


def projection_text(row: pd.Series, lang: str) -> tuple[str, str] | None:
    """(text, css class) naming the projection's first and last year; None without them."""
    first = row.get("first_year")
    if pd.isna(first) or pd.isna(row.get("year")) or int(first) == int(row.year):
        return None
    return t("town.projection_span", lang, first=int(first), year=period(row)), "trend"


def trend_text(row: pd.Series, lang: str) -> tuple[str, str] | None:
    """(text, css class) of the change since the previous period, naming both periods; for
    projections the span of the projection (None when unknown)."""
    if "projection" in row.name or "projected" in row.name:  # projection years, not a trend
        return projection_text(row, lang)
    if pd.isna(row.get("prev_value")):
        return t("town.no_trend", lang), "trend"
    diff = row.value - row.prev_value
    if row.unit == "%" or row.aggregation != "sum":
        change = fmt_signed(diff, row.decimals, lang) + (f" {row.unit}" if row.unit != "%" else "")
        if row.unit == "%":
            change += PERCENTAGE_POINTS.get(lang, PERCENTAGE_POINTS["en"])
    else:
        pct = 100 * diff / row.prev_value if row.prev_value else float("nan")
        change = f"{fmt_signed(pct, 1, lang)} %"
    direction = "up" if diff > 0 else "down" if diff < 0 else "flat"
    good = {"higher_is_better": diff > 0, "lower_is_better": diff < 0}.get(row.direction)
    quality = "" if good is None or diff == 0 else " better" if good else " worse"
    prev = fmt_period(row.get("prev_year"), row.get("prev_month"))
    text = t("town.trend", lang, change=change, prev_year=prev, year=period(row))
    return text, f"trend {direction}{quality}"


def gap_items(row: pd.Series, lang: str, pres: Presentation) -> list[str]:
    """'<group>: <value>' for each comparison group with a value (none for counts)."""
    if row.aggregation == "sum":  # a count is not comparable with a group's total
        return []
    return [
        t(
            "town.gap_to",
            lang,
            group=t(group.label, lang),
            value=fmt_value(row.get(group.column), row.decimals, row.unit, lang),
        )
        for group in comparisons(pres)
        if pd.notna(row.get(group.column))
    ]


def headline_rows(values: pd.DataFrame, pres: Presentation) -> pd.DataFrame:
    """The headline indicators' rows of `values`, indexed by indicator, in headline order."""
    present = set(values.indicator_id)
    wanted = [i for i in pres.profile.headlines if i in present]
    return values.set_index("indicator_id").reindex(wanted)


def _headline(row: pd.Series, lang: str, pres: Presentation) -> html.Li:
    trend = trend_text(row, lang)
    gaps = gap_items(row, lang, pres)
    stale = coverage.marked_stale(row)
    when = html.Span(f"({period(row)})", className="year-note")
    return html.Li(
        [
            html.P([definition_link(row.label, row.name, lang), " ", when], className="label"),
            html.P(fmt_value(row.value, row.decimals, row.unit, lang), className="value"),
            html.P(trend[0], className=trend[1]) if trend else None,
            html.P(coverage.stale_note(row.year, lang), className="trend stale") if stale else None,
            html.Ul([html.Li(g) for g in gaps], className="gaps") if gaps else None,
        ],
        className="headline stale" if stale else "headline",
        title=row.description,
        **{"data-indicator": row.name},
    )


# --------------------------------------------------------------------------- theme tables


class _Row(dict):
    """A table row as a dict with attribute access (`row.label`, `row.get("value")`); a
    pd.Series per row cost ~2 ms."""

    __getattr__ = dict.__getitem__


def theme_cells(row: dict[str, Any], lang: str, pres: Presentation) -> list[str]:
    """The text of a theme-table row's cells after the label: value, period ('2020, not
    current' when stale), then each comparison group's value ('–' for counts and missing
    values)."""
    row = _Row(row)
    cells = [fmt_value(row.value, row.decimals, row.unit, lang), coverage.period_mark(row, lang)]
    for group in comparisons(pres):
        value = row.get(group.column)
        comparable = row.aggregation != "sum" and pd.notna(value)
        cells.append(fmt_number(value, row.decimals, lang) if comparable else "–")
    return cells


def _theme_table(rows: pd.DataFrame, lang: str, pres: Presentation) -> html.Div:
    head = html.Thead(html.Tr([html.Th(t(key, lang), scope="col") for key in THEME_COLUMNS]))
    body = []
    for record in rows.to_dict("records"):
        row = _Row(record)
        label = [definition_link(row.label, row.indicator_id, lang)]
        if row.level == "region":
            label += [" ", html.Span(f"({t('town.region_value', lang)})", className="unit")]
        cells = [element("Th", label, scope="row", title=row.description)]
        cells += [element("Td", text, className="num") for text in theme_cells(record, lang, pres)]
        body.append(element("Tr", cells))
    return html.Div(
        html.Table([head, html.Tbody(body)], className="values"), className="table-wrap"
    )


def theme_rows(values: pd.DataFrame, pres: Presentation) -> list[tuple[str, pd.DataFrame]]:
    """(theme, its rows) in the presentation's theme order, themes without rows left out; the
    indicators the region section shows (`region_industry`) are left to it."""
    if pres.region_industry is not None:
        values = values[~values.indicator_id.isin(pres.region_industry.indicator_ids)]
    return by_theme(values, pres.theme_order)


def theme_sections(values: pd.DataFrame, lang: str, pres: Presentation) -> list[html.Section]:
    sections = []
    for number, (theme, rows) in enumerate(theme_rows(values, pres)):
        sections.append(
            html.Section(
                [html.H2(t(f"common.theme_{theme}", lang)), _theme_table(rows, lang, pres)],
                className="theme-section" + (" print-section" if number == 0 else ""),
            )
        )
    return sections


# --------------------------------------------------------------------------- the page


def unknown(code: object, lang: str) -> html.Div:
    links = [(t("common.back_to_overview", lang), href("/", lang))]
    shown = str(code)[:40] if code else "–"
    body = t("town.unknown_body", lang, code=shown)
    return shell("town", lang, message(t("town.unknown_title", lang), body, lang, links))


def _tools(code: str, lang: str) -> html.Div:
    return html.Div(
        [
            html.Label(t("town.choose", lang), htmlFor="town-picker"),
            town_picker("town-picker", lang, value=code),
            html.Button(t("town.print", lang), id="town-print", className="print", n_clicks=0),
            # to the snippet generator further down this page (copy code, preview, options)
            html.A(t("town.embed_link", lang), href=f"#{EMBED_SECTION}", className="button"),
            dcc.Location(id="town-url", refresh="callback-nav"),
        ],
        className="town-tools",
    )


def _head(code: str, info: pd.DataFrame, lang: str) -> html.Div:
    region = info.name.get(info.region_code[code], "") if info.region_code[code] else ""
    member = " · " + t("town.network_member", lang) if bool(info.is_network[code]) else ""
    meta = html.P([t("town.meta", lang, region=region, code=code), member], className="meta")
    return html.Div(
        [html.Div([html.H1(info.name[code]), meta]), _tools(code, lang)], className="town-head"
    )


def _highlights(notes: list[str], lang: str) -> html.Section:
    return html.Section(
        [
            html.H2(t("town.highlights", lang)),
            html.Ul([html.Li(s) for s in notes])
            if notes
            else html.P(t("town.highlights_none", lang)),
        ],
        className="highlights",
        **{"aria-label": t("town.highlights", lang)},
    )


def _charts(code: str, name: str, values, population, lang: str, pres: Presentation):
    return html.Section(
        [
            html.H2(t("town.charts", lang)),
            town_charts.population_block(population, name, lang, pres),
            html.Div(
                [
                    town_charts.unemployment_block(code, name, values, lang, pres),
                    town_charts.jobs_block(name, values, lang, pres),
                ],
                className="figure-row",
            ),
        ],
        className="print-section",
    )


def current_values(code: str, lang: str, pres: Presentation) -> pd.DataFrame:
    """The town's values with how current each is (`coverage.with_currency`)."""
    cutoff = coverage.build_cutoff(pres)
    return coverage.with_currency(
        queries.town_values(code, lang), queries.indicator_coverage(), cutoff
    )


def _rest(code: str, lang: str, pres: Presentation) -> list[Any]:
    """What the profile sends after its first answer (the first screens: head, highlights,
    headlines, charts), in page order: the theme tables, index and peers, ecosystem, the
    printed page 2 and the sections further down. One part, not one per section: the renderer
    takes several large parts arriving together far more slowly than one (tens of seconds)."""
    values = current_values(code, lang, pres)
    return [
        *theme_sections(values, lang, pres),
        index.town_section(code, lang, pres),
        *ecosystem_sections(code, lang, pres),
        town_print.back(code, values, lang, pres, theme_cells),
        *rdi_sections(code, lang, pres),
        *town_region.region_sections(code, lang, pres),
        embed_section(code, lang, pres),
        coverage.coverage_section(lang, pres, "town-as-of", "theme-section as-of-section"),
    ]


# The parts of the profile sent after its first answer (`views.later`); each takes
# (code, lang, presentation).
LATER_PARTS: dict[str, Callable[[str, str, Presentation], Any]] = {"rest": _rest}


def later_part(part: str, code: str, lang: str, pres: Presentation) -> Any:
    """The content of one part of `code`'s profile (KeyError for an unknown part)."""
    return LATER_PARTS[part](code, lang, pres)


def profile(code: str, lang: str, pres: Presentation) -> html.Div:
    """The profile page of municipality `code` as first sent: the parts of `LATER_PARTS` are
    placeholders the page fills right after (`expanded_profile` has them in place)."""
    info = queries.areas(lang).set_index("area_code")
    name = info.name[code]
    values = current_values(code, lang, pres)
    population = queries.population_history(code)
    headlines = headline_rows(values, pres)
    sources = queries.sources_for(values.indicator_id, lang)
    tables = ", ".join(sorted(set(sources.table_id)))
    sections = [
        _head(code, info, lang),
        town_print.header(code, info, lang),
        _highlights(town_highlights(values, lang, population, pres=pres), lang),
        html.Section(
            [
                html.H2(t("town.headlines", lang)),
                html.Ul(
                    [_headline(row.rename(ind), lang, pres) for ind, row in headlines.iterrows()],
                    className="headline-grid",
                ),
            ]
        ),
        _charts(code, name, values, population, lang, pres),
        *[later.placeholder(part) for part in LATER_PARTS],
        later.args_store(code=code, lang=lang),
        html.P(
            [t("common.source", lang), ": ", tables, f". {queries.licence_text(sources, lang)}."],
            className="source-line",
        ),
    ]
    return shell("town", lang, sections)


def expanded_profile(code: str, lang: str, pres: Presentation) -> html.Div:
    """The whole profile with every later part in place (as the browser ends up with it)."""
    return later.expanded(
        profile(code, lang, pres), lambda part: later_part(part, code, lang, pres)
    )


def picker(lang: str) -> html.Div:
    """`/town` without a code: the dropdown of every municipality and the network towns as
    plain links (which work before JavaScript runs)."""
    towns = queries.network_towns(lang)
    links = [
        html.Li(dcc.Link(row.name, href=href(f"/town/{row.area_code}", lang)))
        for row in towns.itertuples(index=False)
    ]
    tools = html.Div(
        [
            html.Label(t("town.choose", lang), htmlFor="town-picker"),
            town_picker("town-picker", lang, placeholder=t("town.choose", lang)),
            dcc.Location(id="town-url", refresh="callback-nav"),
        ],
        className="town-tools",
    )
    return shell(
        "town",
        lang,
        [
            html.H1(t("town.page_title", lang)),
            html.P(t("town.picker_lead", lang), className="lead"),
            tools,
            html.H2(t("town.picker_network", lang)),
            html.Ul(links, className="town-list"),
        ],
    )
