"""Town profile `/town/<code>` for any municipality of the 2025 division.

Headline figures with their trend and the gap to the network, the university cities and the
whole country; generated highlights; population history with the projection, the monthly
unemployment trend and the job structure; then one table per theme. assets/print.css turns the
page into a clean A4 investor profile.
"""

from __future__ import annotations

from urllib.parse import parse_qs

import dash
import pandas as pd
from dash import ClientsideFunction, Input, Output, State, dcc, html  # noqa: F401

from dashboard import figures, index_view, queries  # index_view: issue 7
from dashboard.highlights import town_highlights
from dashboard.i18n import fmt_number, fmt_period, fmt_signed, fmt_value, lang_of, t
from dashboard.layout import figure_block, href, message, shell, town_picker

HEADLINES = (
    "population",
    "population_change_pct",
    "unemployment_rate_monthly",
    "jobs",
    "job_self_sufficiency",
    "employment_rate",
    "tertiary_share",
    "population_projection_change_pct",
    "annual_margin_per_capita",
)
JOB_SHARES = ("jobs_primary_share", "jobs_processing_share", "jobs_services_share")
GROUP_COLUMNS = (
    ("value_network", "common.network"),
    ("value_university_cities", "common.university_cities"),
    ("value_SSS", "common.whole_country"),
)
THEMES = ("demography", "skills", "labour", "business", "economy", "regional")


def _title(code: str | None = None, **_ignored: object) -> str:
    name = queries.area_name(code, "fi") if queries.is_municipality(code) else None
    return f"{name} – Seutu Invest In" if name else "Seutu Invest In"


dash.register_page(
    __name__,
    path_template="/town/<code>",
    title=_title,
    path_exists=lambda code=None, **_: queries.is_municipality(code),
)


# --------------------------------------------------------------------------- formatting


def period(row) -> str:
    """'2023' for annual rows, '1/2025' for monthly rows."""
    return fmt_period(row.get("year"), row.get("month"))


def _prev_period(row: pd.Series) -> str:
    return fmt_period(row.get("prev_year"), row.get("prev_month"))


def _trend(row: pd.Series, lang: str) -> html.P | None:
    if "projection" in row.name or "projected" in row.name:  # projection years, not a trend
        return None
    if pd.isna(row.get("prev_value")):
        return html.P(t("town.no_trend", lang), className="trend")
    diff = row.value - row.prev_value
    if row.unit == "%" or row.aggregation != "sum":
        change = fmt_signed(diff, row.decimals, lang) + (f" {row.unit}" if row.unit != "%" else "")
        if row.unit == "%":
            change += " %-yks." if lang == "fi" else " p.e." if lang == "sv" else " pp"
    else:
        pct = 100 * diff / row.prev_value if row.prev_value else float("nan")
        change = f"{fmt_signed(pct, 1, lang)} %"
    direction = "up" if diff > 0 else "down" if diff < 0 else "flat"
    good = {"higher_is_better": diff > 0, "lower_is_better": diff < 0}.get(row.direction)
    quality = "" if good is None or diff == 0 else " better" if good else " worse"
    text = t("town.trend", lang, change=change, prev_year=_prev_period(row), year=period(row))
    return html.P(text, className=f"trend {direction}{quality}")


def _gaps(row: pd.Series, lang: str) -> html.Ul | None:
    if row.aggregation == "sum":  # a count is not comparable with a group's total
        return None
    items = [
        html.Li(
            t(
                "town.gap_to",
                lang,
                group=t(key, lang),
                value=fmt_value(row.get(column), row.decimals, row.unit, lang),
            )
        )
        for column, key in GROUP_COLUMNS
        if pd.notna(row.get(column))
    ]
    return html.Ul(items, className="gaps") if items else None


def _headline(row: pd.Series, lang: str) -> html.Li:
    return html.Li(
        [
            html.P(row.label, className="label"),
            html.P(fmt_value(row.value, row.decimals, row.unit, lang), className="value"),
            _trend(row, lang),
            _gaps(row, lang),
        ],
        className="headline",
        title=row.description,
    )


class _Row(dict):
    """A table row as a dict with attribute access (`row.label`, `row.get("value")`)."""

    __getattr__ = dict.__getitem__


def _theme_table(rows: pd.DataFrame, lang: str) -> html.Div:
    head = html.Thead(
        html.Tr(
            [
                html.Th(t("town.col_indicator", lang), scope="col"),
                html.Th(t("town.col_value", lang), scope="col"),
                html.Th(t("town.col_period", lang), scope="col"),
                html.Th(t("town.col_network", lang), scope="col"),
                html.Th(t("town.col_university", lang), scope="col"),
                html.Th(t("town.col_country", lang), scope="col"),
            ]
        )
    )
    body = []
    for record in rows.to_dict("records"):
        row = _Row(record)  # perf (issue 5): a pd.Series per row cost ~2 ms
        label = [row.label]
        if row.level == "region":
            label += [" ", html.Span(f"({t('town.region_value', lang)})", className="unit")]
        cells = [html.Th(label, scope="row", title=row.description)]
        cells.append(html.Td(fmt_value(row.value, row.decimals, row.unit, lang), className="num"))
        cells.append(html.Td(period(row), className="num"))
        for column, _key in GROUP_COLUMNS:
            value = row.get(column)
            comparable = row.aggregation != "sum" and pd.notna(value)
            cells.append(
                html.Td(
                    fmt_number(value, row.decimals, lang) if comparable else "–", className="num"
                )
            )
        body.append(html.Tr(cells))
    return html.Div(
        html.Table([head, html.Tbody(body)], className="values"), className="table-wrap"
    )


# --------------------------------------------------------------------------- figures


def _population_block(code: str, name: str, lang: str) -> html.Figure:
    history = queries.population_history(code)
    fig = figures.population_figure(
        history,
        lang,
        title=t("town.population_title", lang),
        subtitle=name,
        names={
            "actual": t("town.population_actual", lang),
            "projection": t("town.population_projection", lang),
        },
    )
    actual = history[history.kind == "actual"]
    projection = history[history.kind == "projection"]
    summary = ""
    if not actual.empty and not projection.empty:
        summary = t(
            "town.population_summary",
            lang,
            first=fmt_number(actual.value.iloc[0], 0, lang),
            first_year=int(actual.year.iloc[0]),
            last=fmt_number(actual.value.iloc[-1], 0, lang),
            last_year=int(actual.year.iloc[-1]),
            projection=fmt_number(projection.value.iloc[-1], 0, lang),
            projection_year=int(projection.year.iloc[-1]),
        )
    sources = queries.sources_for(["population", "population_projection"], lang)
    return figure_block("town-population", fig, summary, sources, lang)


def _unemployment_block(code: str, name: str, values: pd.DataFrame, lang: str) -> html.Figure:
    indicator = "unemployment_rate_monthly"
    frame = queries.monthly_comparison(
        indicator, code, [queries.presentation().network, queries.presentation().country]
    )
    names = {
        code: name,
        queries.presentation().network: t("common.network", lang),
        queries.presentation().country: t("common.whole_country", lang),
    }
    fig = figures.monthly_lines(
        frame,
        lang,
        title=t("town.unemployment_title", lang),
        subtitle=name,
        names=names,
        subject=code,
        unit="%",
    )
    row = values[values.indicator_id == indicator]
    summary = ""
    if not row.empty:
        row = row.iloc[0]
        summary = t(
            "town.unemployment_summary",
            lang,
            value=fmt_number(row.value, 1, lang),
            period=period(row),
            country=fmt_number(row.value_SSS, 1, lang),
            network=fmt_number(row.value_network, 1, lang),
        )
    return figure_block(
        "town-unemployment", fig, summary, queries.sources_for([indicator], lang), lang
    )


def _jobs_block(name: str, values: pd.DataFrame, lang: str) -> html.Figure | None:
    shares = values[values.indicator_id.isin(JOB_SHARES)].set_index("indicator_id")
    shares = shares.reindex([i for i in JOB_SHARES if i in shares.index])
    if shares.empty:
        return None
    year = period(shares.iloc[0])
    short = {ind: t(f"town.{ind}", lang) for ind in JOB_SHARES}
    fig = figures.structure_bars(
        shares.reset_index().assign(label=lambda f: f.indicator_id.map(short)),
        lang,
        title=t("town.jobs_title", lang, year=year),
        subtitle=name,
        series={
            "value": name,
            "value_network": t("common.network", lang),
            "value_SSS": t("common.whole_country", lang),
        },
    )
    get = shares.value.get
    country = shares.value_SSS.get
    summary = t(
        "town.jobs_summary",
        lang,
        **{
            key: fmt_number(source(f"jobs_{key.removesuffix('_c')}_share"), 1, lang)
            for key, source in (
                ("primary", get),
                ("processing", get),
                ("services", get),
                ("primary_c", country),
                ("processing_c", country),
                ("services_c", country),
            )
        },
    )
    return figure_block("town-jobs", fig, summary, queries.sources_for(JOB_SHARES, lang), lang)


# --------------------------------------------------------------------------- layout


def _unknown(code: object, lang: str):
    links = [(t("common.back_to_overview", lang), href("/", lang))]
    shown = str(code)[:40] if code else "–"
    return shell(
        "town",
        lang,
        message(
            t("town.unknown_title", lang), t("town.unknown_body", lang, code=shown), lang, links
        ),
    )


def _tools(code: str, lang: str) -> html.Div:
    return html.Div(
        [
            html.Label(t("town.choose", lang), htmlFor="town-picker"),
            town_picker("town-picker", lang, value=code),
            html.Button(t("town.print", lang), id="town-print", className="print", n_clicks=0),
            html.A(
                t("town.embed_link", lang),
                href=href(f"/embed/town/{code}", lang),
                className="button",
                target="_blank",
                rel="noopener",
            ),
            dcc.Location(id="town-url", refresh="callback-nav"),
        ],
        className="town-tools",
    )


def layout(code: str | None = None, lang: str | None = None, **_ignored: object):
    lang = lang_of(lang)
    if not queries.is_municipality(code):
        return _unknown(code, lang)
    info = queries.areas(lang).set_index("area_code")
    name = info.name[code]
    region = info.name.get(info.region_code[code], "") if info.region_code[code] else ""
    values = queries.town_values(code, lang)
    population = queries.population_history(code)
    headlines = values.set_index("indicator_id").reindex(
        [i for i in HEADLINES if i in set(values.indicator_id)]
    )
    notes = town_highlights(values, lang, population)
    head = html.Div(
        [
            html.Div(
                [
                    html.H1(name),
                    html.P(
                        [
                            t("town.meta", lang, region=region, code=code),
                            " · " + t("town.network_member", lang)
                            if bool(info.is_network[code])
                            else "",
                        ],
                        className="meta",
                    ),
                ]
            ),
            _tools(code, lang),
        ],
        className="town-head",
    )
    sections = [
        head,
        html.Section(
            [
                html.H2(t("town.highlights", lang)),
                html.Ul([html.Li(s) for s in notes])
                if notes
                else html.P(t("town.highlights_none", lang)),
            ],
            className="highlights",
            **{"aria-label": t("town.highlights", lang)},
        ),
        html.Section(
            [
                html.H2(t("town.headlines", lang)),
                html.Ul(
                    [_headline(row.rename(ind), lang) for ind, row in headlines.iterrows()],
                    className="headline-grid",
                ),
            ]
        ),
        html.Section(
            [
                html.H2(t("town.charts", lang)),
                _population_block(code, name, lang),
                html.Div(
                    [
                        _unemployment_block(code, name, values, lang),
                        _jobs_block(name, values, lang),
                    ],
                    className="figure-row",
                ),
            ],
            className="print-section",
        ),
    ]
    first_theme = True
    for theme in THEMES:
        rows = values[values.theme == theme]
        if rows.empty:
            continue
        sections.append(
            html.Section(
                [
                    html.H2(t(f"common.theme_{theme}", lang)),
                    _theme_table(rows, lang),
                ],
                className="theme-section" + (" print-section" if first_theme else ""),
            )
        )
        first_theme = False
    sections.append(index_view.town_section(code, lang))  # issue 7: index scores and peers
    sections.append(
        html.P(
            [
                t("common.source", lang),
                ": ",
                ", ".join(sorted(set(queries.sources_for(values.indicator_id, lang).table_id))),
                ". Statistics Finland, CC BY 4.0.",
            ],
            className="source-line",
        )
    )
    return shell("town", lang, sections)


def picker_layout(lang: str | None = None, **_ignored: object):
    """`/town` without a code: choose a municipality (the dropdown navigates through
    `open_town`; the network towns are plain links, which work before JavaScript runs)."""
    lang = lang_of(lang)
    towns = queries.network_towns(lang)
    return shell(
        "town",
        lang,
        [
            html.H1(t("town.page_title", lang)),
            html.P(t("town.picker_lead", lang), className="lead"),
            html.Div(
                [
                    html.Label(t("town.choose", lang), htmlFor="town-picker"),
                    town_picker("town-picker", lang, placeholder=t("town.choose", lang)),
                    dcc.Location(id="town-url", refresh="callback-nav"),
                ],
                className="town-tools",
            ),
            html.H2(t("town.picker_network", lang)),
            html.Ul(
                [
                    html.Li(dcc.Link(row.name, href=href(f"/town/{row.area_code}", lang)))
                    for row in towns.itertuples(index=False)
                ],
                className="town-list",
            ),
        ],
    )


# `/town` alone is the picker, not a 404 (a second page from this module, like not_found's).
dash.register_page(
    "dashboard.pages.town_picker", path="/town", title="Seutu Invest In", layout=picker_layout
)


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
