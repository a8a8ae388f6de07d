"""The page shell (header, language switch, navigation, footer) and shared building blocks.

Every page except the embed card wraps its content with `shell(page, lang, children)`. Links
inside the app are made with `href(path, lang, **params)` so that the language travels with them.
`figure_block` puts a titled, described figure above its source line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from dashboard import queries
from dashboard.i18n import LANG_NAMES, LANGS, fmt_number, lang_of, load_page, t

# (page id, path): the navigation, in order. Labels are `common.nav_<page id>`.
NAV: tuple[tuple[str, str], ...] = (
    ("overview", "/"),
    ("compare", "/compare"),
    ("map", "/map"),
    ("data", "/data"),
    ("network", "/network"),
    ("ecosystem", "/ecosystem"),
    ("indicators", "/indicators"),
    ("about", "/about"),
)


def href(path: str, lang: str, **params: Any) -> str:
    """An app link carrying `lang` and the given query parameters (None values are dropped)."""
    query = {"lang": lang_of(lang)}
    for key, value in params.items():
        if value is None or value == "" or value == []:
            continue
        query[key] = ",".join(map(str, value)) if isinstance(value, list | tuple) else value
    return f"{path}?{urlencode(query, safe=',')}"


def definition_href(indicator_id: str, lang: str) -> str:
    """The indicator's entry on the definitions page: '/indicators?lang=fi#<id>'."""
    return f"{href('/indicators', lang)}#{indicator_id}"


def definition_link(label: Any, indicator_id: str, lang: str) -> html.A:
    """An indicator's label as a link to its definition (a plain link: the browser scrolls to
    the anchor on load)."""
    return html.A(label, href=definition_href(indicator_id, lang), className="definition-link")


def grid_locale(lang: str) -> dict[str, str]:
    """AG Grid's own texts (paging, filter menus, overlays) in `lang`, for every grid's
    `dashGridOptions={"localeText": grid_locale(lang), ...}`; keys from locales/grid.yaml plus
    the language's number separators (as `i18n.fmt_number` writes them)."""
    lang = lang_of(lang)
    texts = {key: entry[lang] for key, entry in load_page("grid").items()}
    sample = fmt_number(1234.5, 1, lang)  # "1 234,5" / "1,234.5"
    return {**texts, "thousandSeparator": sample[1], "decimalSeparator": sample[-2]}


# dcc.Dropdown's `labels` prop keys; their texts are `common.dd_<key>`.
DROPDOWN_LABELS = (
    "select_all",
    "deselect_all",
    "selected_count",
    "search",
    "clear_search",
    "clear_selection",
    "no_options_found",
)


def dropdown_labels(lang: str) -> dict[str, str]:
    """dcc.Dropdown's own texts (search box, select all, ...) in `lang`, for every dropdown's
    `labels=dropdown_labels(lang)`."""
    return {key: t(f"common.dd_{key}", lang) for key in DROPDOWN_LABELS}


def dropdown_control(
    label: str, lang: str, dropdown_id: str, *, wide: bool = False, **props: Any
) -> html.Div:
    """A `.control` box: a label for a dcc.Dropdown (with its own texts in `lang`) and the
    dropdown, whose other properties are `props`."""
    return html.Div(
        [
            html.Label(label, htmlFor=dropdown_id, className="control-label"),
            dcc.Dropdown(labels=dropdown_labels(lang), id=dropdown_id, **props),
        ],
        className="control control-wide" if wide else "control",
    )


def town_picker(picker_id: str, lang: str, **props: Any) -> dcc.Dropdown:
    """The dropdown of every municipality by name (value: its code) that opens a town."""
    towns = queries.municipalities(lang)
    options = [
        {"label": name, "value": code}
        for name, code in zip(towns.name.tolist(), towns.area_code.tolist(), strict=True)
    ]
    labels = dropdown_labels(lang)
    return dcc.Dropdown(
        id=picker_id, options=options, clearable=False, className="picker", labels=labels, **props
    )


def query_list(value: Any) -> list[str]:
    """A comma-separated (or repeated) query value as a list of non-empty strings."""
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else [value]
    return [part.strip() for item in items for part in str(item).split(",") if part.strip()]


def language_switch(lang: str) -> html.Nav:
    """Links to the same page in the other languages (assets/app.js keeps the whole query)."""
    items = []
    for code in LANGS:
        attrs = {"lang": code, "hrefLang": code, "data-lang": code}
        if code == lang:
            attrs["aria-current"] = "true"
        items.append(
            html.Li(
                html.A(
                    code.upper(),
                    href=f"?lang={code}",
                    title=LANG_NAMES[code],
                    className="lang-link" + (" active" if code == lang else ""),
                    **attrs,
                )
            )
        )
    return html.Nav(
        html.Ul(items), className="lang-switch", **{"aria-label": t("common.language", lang)}
    )


def header(page: str, lang: str) -> html.Header:
    """Skip link, brand, language switch and the main navigation with the current page marked."""
    links = []
    for page_id, path in NAV:
        current = page_id == page
        label = [t(f"common.nav_{page_id}", lang)]
        if current:  # dcc.Link takes no aria-current; say it in text for screen readers
            label.append(
                html.Span(f" ({t('common.current_page', lang)})", className="visually-hidden")
            )
        links.append(
            html.Li(
                dcc.Link(
                    label,
                    href=href(path, lang),
                    className="nav-link" + (" active" if current else ""),
                )
            )
        )
    return html.Header(
        [
            html.A(t("common.skip_to_content", lang), href="#main", className="skip-link"),
            html.Div(
                [
                    dcc.Link(
                        [
                            html.Span("Seutu", className="brand-mark"),
                            html.Span(" Invest In", className="brand-rest"),
                        ],
                        href=href("/", lang),
                        className="brand",
                    ),
                    html.P(t("common.tagline", lang), className="tagline"),
                    language_switch(lang),
                ],
                className="header-bar",
            ),
            html.Nav(
                html.Ul(links),
                className="main-nav",
                **{"aria-label": t("common.nav_label", lang)},
            ),
        ],
        className="site-header",
    )


def footer(lang: str) -> html.Footer:
    return html.Footer(
        [
            html.P(t("common.footer_data", lang)),
            html.P(
                [
                    dcc.Link(t("common.nav_about", lang), href=href("/about", lang)),
                    " · ",
                    html.A(
                        t("common.footer_code", lang),
                        href="https://github.com/",
                        rel="noopener",
                    ),
                ]
            ),
        ],
        className="site-footer",
    )


def shell(page: str, lang: str, children: Any) -> html.Div:
    """The full page: header, <main id="main"> with the content, footer."""
    return html.Div(
        [
            header(page, lang),
            html.Main(children, id="main", className=f"page page-{page}", tabIndex="-1"),
            footer(lang),
        ],
        className="app-shell",
        lang=lang,
    )


def notice_parts(notices: list[str]) -> tuple[list[html.P], str]:
    """(children, className) of a page's notices box: a callback returns both to update it."""
    return [
        html.P(text) for text in notices
    ], "notice notice-warning" if notices else "notice-empty"


def page_top(page: str, lang: str, notices: list[str]) -> list[Any]:
    """The top of a page that keeps its state in the URL: its `<page>-url` Location and
    `<page>-lang` store (for the callbacks), the `<page>.title` heading, the `<page>.intro` lead
    and the `<page>-notices` box."""
    children, class_name = notice_parts(notices)
    return [
        dcc.Location(id=f"{page}-url", refresh=False),
        dcc.Store(id=f"{page}-lang", data=lang),
        html.H1(t(f"{page}.title", lang)),
        html.P(t(f"{page}.intro", lang), className="lead"),
        html.Div(children, id=f"{page}-notices", className=class_name, role="status"),
    ]


def message(title: str, body: str, lang: str, links: Iterable[tuple[str, str]] = ()) -> html.Div:
    """A friendly notice (not found, bad input) with optional (label, href) links."""
    return html.Div(
        [
            html.H1(title),
            html.P(body),
            html.Ul([html.Li(dcc.Link(label, href=url)) for label, url in links])
            if links
            else None,
        ],
        className="notice",
        role="status",
        lang=lang,
    )


def error_page(lang: str, page: str = "error") -> html.Div:
    """The error boundary's output: the shell with a friendly message, never a traceback."""
    return shell(
        page,
        lang,
        message(
            t("common.error_title", lang),
            t("common.error_body", lang),
            lang,
            [(t("common.back_to_overview", lang), href("/", lang))],
        ),
    )


def present(value: Any) -> str | None:
    """A provenance text value, or None when missing (None, NaN, '', 'nan')."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return None if text.lower() in {"", "nan", "none", "nat"} else text


def source_text(sources: pd.DataFrame, lang: str) -> str:
    """'<title> (<table id>, updated <updated>); …' or the 'source unknown' text."""
    parts = []
    dates = sources["updated"].tolist() if "updated" in sources else [None] * len(sources)
    # plain lists: a pandas row per source costs ~1 ms with text columns
    titles, tables = sources.title.tolist(), sources.table_id.tolist()
    for title, table, day in zip(titles, tables, dates, strict=True):
        updated = present(day)
        if updated:
            parts.append(
                t("common.source_item", lang, title=title, table=table, updated=updated[:10])
            )
        else:
            parts.append(t("common.source_item_undated", lang, title=title, table=table))
    return "; ".join(parts) if parts else t("common.source_unknown", lang)


def source_line(sources: pd.DataFrame, lang: str) -> html.P:
    """'Source: <title> (<table id>, updated <updated>). Tilastokeskus, CC BY 4.0.'"""
    return html.P(
        [
            html.Span(t("common.source", lang) + ": ", className="source-label"),
            source_text(sources, lang),
            ". ",
            queries.licence_text(sources, lang) + ".",
        ],
        className="source-line",
    )


# Every figure shown with `figure_block`, by id: `dashboard.figure_data` answers the 'data'
# action of each (the CSV of the rows it plots) with one callback an id.
DATA_FIGURES: tuple[str, ...] = (
    "town-population",
    "town-unemployment",
    "town-jobs",
    "town-region-lq",
    "town-region-rates",
    "compare-ranking",
    "compare-trend",
    "compare-scatter",
    "index-ranking",
    "map-figure",
    "network-figure",
    "network-shares-figure",
)


def data_action(figure_id: str, sources: pd.DataFrame, lang: str) -> html.Div:
    """The 'data' button of a figure and its download; the button's value is the source text
    the CSV carries."""
    if figure_id not in DATA_FIGURES:
        raise ValueError(f"figure {figure_id!r} is not in layout.DATA_FIGURES")
    return html.Div(
        [
            html.Button(
                t("figure_data.button", lang),
                id=f"{figure_id}-data",
                value=f"{source_text(sources, lang)}. {queries.licence_text(sources, lang)}",
                n_clicks=0,
                title=t("figure_data.button_title", lang),
                className="figure-data",
            ),
            dcc.Download(id=f"{figure_id}-data-download"),
        ],
        className="figure-actions",
    )


def _title_and_height(figure: go.Figure | Mapping[str, Any]) -> tuple[str, int | None]:
    """The title text and height of a `go.Figure` or of a figure as a plain dict."""
    if isinstance(figure, Mapping):
        layout = figure.get("layout") or {}
        return (layout.get("title") or {}).get("text") or "", layout.get("height")
    return figure.layout.title.text or "", figure.layout.height


def figure_block(
    figure_id: str,
    figure: go.Figure | Mapping[str, Any],
    summary: str,
    sources: pd.DataFrame,
    lang: str,
    *,
    config: Mapping[str, Any] | None = None,
    sources_id: str | None = None,
) -> html.Figure:
    """A graph with its title as aria-label, a visually-hidden text summary and the source line
    (inside a Div with id `sources_id` when given, for a callback that changes the sources)."""
    title, height = _title_and_height(figure)
    summary_id = f"{figure_id}-summary"
    return html.Figure(
        [
            dcc.Graph(
                id=figure_id,
                figure=figure,
                config={"displaylogo": False, "responsive": True, **(config or {})},
                # an explicit height: a responsive graph otherwise takes 100 % of an auto-height
                # parent and collapses inside grids (the phone stylesheet overrides it)
                style={"height": f"{height or 380}px"},
                className="graph",
            ),
            html.Figcaption(
                [
                    html.Span(title, className="figure-title-print"),
                    html.Span(summary, id=summary_id, className="visually-hidden"),
                ],
            ),
            html.Div(source_line(sources, lang), id=sources_id)
            if sources_id
            else source_line(sources, lang),
            data_action(figure_id, sources, lang),
        ],
        className="figure-block",
        role="group",
        **{"aria-label": title, "aria-describedby": summary_id},
    )
