"""The printed town profile's own parts (assets/print.css lays the profile out on two A4 or Letter
pages; assets/print.js redraws the charts at their print size). Both parts are hidden on screen
(class `print-only`):

- `header`: the first page's head: "investor profile", the town's name in the page's language,
  region and code, the page's URL and a QR code to it (segno, an inline SVG image).
- `back`: the second page after the ecosystem section: the presentation's `print_profile`
  indicators in one compact table grouped by theme, the composite index with labelled columns,
  the nearest similar towns, and the footer: data as of (the newest source update and the
  warehouse's build date), the URL and the sources of every figure the print shows.

The screen's theme tables, index and peers sections are interactive or long and not printed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import PurePosixPath
from typing import Any

import flask
import pandas as pd
import segno
from dash import html

from dashboard import queries, services
from dashboard.i18n import fmt_date, fmt_number, t
from dashboard.layout import href, present
from dashboard.plain_html import element
from dashboard.views.common import THEME_COLUMNS, by_theme
from pipeline.presentation import Presentation

# QR module size and quiet zone of the SVG (print.css sets its printed size).
QR_SCALE = 2
QR_BORDER = 2
PRINT_SHORT_HEADERS = {"town.col_university": "town_print.col_university_short"}
INDEX_COLUMNS = (
    "town_print.index_col",
    "town_print.score_col",
    "town_print.rank_col",
    "town_print.range_col",
)


# --------------------------------------------------------------------------- URL and QR


def page_url(code: str, lang: str) -> str:
    """The absolute address of the profile `/town/<code>?lang=<lang>` on the server answering
    the request (relative outside a request)."""
    root = flask.request.url_root.rstrip("/") if flask.has_request_context() else ""
    return root + href(f"/town/{code}", lang)


def qr_data_uri(url: str) -> str:
    """A QR code of `url` as an SVG data URI (vector in the PDF; an image needs no script)."""
    return segno.make(url, error="m").svg_data_uri(scale=QR_SCALE, border=QR_BORDER)


def header(code: str, info: pd.DataFrame, lang: str) -> html.Header:
    """The print header: kicker, name in `lang`, region · code · network member, URL and QR."""
    region = info.name.get(info.region_code[code], "") if info.region_code[code] else ""
    meta = [t("town.meta", lang, region=region, code=code)]
    if bool(info.is_network[code]):
        meta.append(t("town.network_member", lang))
    url = page_url(code, lang)
    return html.Header(
        [
            html.Div(
                [
                    html.P(t("town_print.kicker", lang), className="print-kicker"),
                    html.P(info.name[code], className="print-name"),
                    html.P(" · ".join(meta), className="print-meta"),
                ],
                className="print-title",
            ),
            html.Div(
                [
                    html.Img(src=qr_data_uri(url), alt=url, className="print-qr"),
                    html.P(t("town_print.qr_caption", lang), className="print-qr-caption"),
                ],
                className="print-qr-box",
                **{"data-url": url},
            ),
        ],
        className="print-only print-header",
    )


# --------------------------------------------------------------------------- data as of


def newest_update(provenance: pd.DataFrame) -> str | None:
    """The newest `updated` date (YYYY-MM-DD) of the warehouse's sources, None if none has one."""
    dates = [text[:10] for text in map(present, provenance.get("updated", [])) if text]
    return max(dates) if dates else None


def as_of_text(lang: str) -> str:
    """'Data as of <newest source update> · database built <build date>'."""
    updated = newest_update(queries.provenance(lang))
    built = queries.build_info().get("built_at")
    built_day = None if built is None or pd.isna(built) else pd.Timestamp(built).date().isoformat()
    return t(
        "town_print.as_of",
        lang,
        updated=fmt_date(updated, lang) if updated else "–",
        built=fmt_date(built_day, lang) if built_day else "–",
    )


# --------------------------------------------------------------------------- indicator table


def print_rows(values: pd.DataFrame, pres: Presentation) -> list[tuple[str, pd.DataFrame]]:
    """(theme, its rows in the presentation's order) for the `print_profile` indicators the town
    has, themes in the theme order; [] without a `print_profile`."""
    if pres.print_profile is None:
        return []
    order = {ind: n for n, ind in enumerate(pres.print_profile.indicators)}
    rows = values[values.indicator_id.isin(order)]
    rows = rows.assign(_order=rows.indicator_id.map(order)).sort_values("_order")
    return by_theme(rows.drop(columns="_order"), pres.theme_order)


def _label(record: dict[str, Any], region: str, lang: str) -> list:
    label: list = [record["label"]]
    if record.get("level") == "region":
        note = t("town_print.region_value", lang, region=region)
        label += [" ", html.Span(f"({note})", className="unit")]
    return label


def _header(key: str, lang: str) -> str | html.Abbr:
    """A column header; one too long for its narrow printed column as its short form, the full
    name in the title."""
    short = PRINT_SHORT_HEADERS.get(key)
    return html.Abbr(t(short, lang), title=t(key, lang)) if short else t(key, lang)


def indicator_table(
    values: pd.DataFrame,
    region: str,
    lang: str,
    pres: Presentation,
    cells: Callable[[dict[str, Any], str, Presentation], list[str]],
) -> html.Table:
    """One table, a heading row per theme; `cells` gives a row's value, period and group cells
    (the screen's theme tables' `theme_cells`, so both show the same numbers)."""
    head = html.Thead(html.Tr([html.Th(_header(key, lang), scope="col") for key in THEME_COLUMNS]))
    kinds = ["label-col", "value-col", "period-col"] + ["group-col"] * (len(THEME_COLUMNS) - 3)
    columns = html.Colgroup([html.Col(className=kind) for kind in kinds])
    body = []
    for theme, rows in print_rows(values, pres):
        body.append(
            element(
                "Tr",
                element("Th", t(f"common.theme_{theme}", lang), colSpan=len(THEME_COLUMNS)),
                className="theme-row",
            )
        )
        for record in rows.to_dict("records"):
            tds = [element("Td", text, className="num") for text in cells(record, lang, pres)]
            body.append(
                element(
                    "Tr",
                    [element("Th", _label(record, region, lang), scope="row"), *tds],
                    **{"data-indicator": record["indicator_id"]},
                )
            )
    return html.Table([columns, head, html.Tbody(body)], className="print-table print-indicators")


# --------------------------------------------------------------------------- index and peers


def index_rows(code: str, lang: str) -> list[list[str]]:
    """[index, score, 'rank / ranked', 'min–max'] for the overall index and each theme index
    the town has a score in; the rank range (under weights halved or doubled) for the overall
    index only."""
    rows = []
    ranges = services.rank_ranges().set_index("area_code")
    for index_id in [queries.OVERALL_INDEX, *(f"index_{th}" for th in queries.index_themes())]:
        scores = services.index_scores(index_id=index_id).set_index("area_code")
        if code not in scores.index or pd.isna(scores.at[code, "score"]):
            continue
        overall = index_id == queries.OVERALL_INDEX
        theme = index_id.removeprefix("index_")
        label = t("index.index_score", lang) if overall else t(f"common.theme_{theme}", lang)
        label += f" ({int(scores.at[code, 'year'])})"
        rank = scores.at[code, "rank"]
        ranked = int(scores["rank"].notna().sum())
        span = "–"
        if overall and code in ranges.index and pd.notna(ranges.at[code, "rank_min"]):
            span = f"{int(ranges.at[code, 'rank_min'])}–{int(ranges.at[code, 'rank_max'])}"
        rank_text = "–" if pd.isna(rank) else f"{int(rank)} / {ranked}"
        rows.append([label, fmt_number(scores.at[code, "score"], 2, lang), rank_text, span])
    return rows


def _small_table(columns: list[str], rows: list[list[str]], class_name: str) -> html.Table:
    kinds = ["label-col"] + ["num-col"] * (len(columns) - 1)
    widths = html.Colgroup([html.Col(className=kind) for kind in kinds])
    head = html.Thead(html.Tr([html.Th(c, scope="col") for c in columns]))
    body = [
        html.Tr([html.Th(r[0], scope="row"), *(html.Td(c, className="num") for c in r[1:])])
        for r in rows
    ]
    return html.Table([widths, head, html.Tbody(body)], className=f"print-table {class_name}")


def peer_rows(code: str, count: int, lang: str) -> list[list[str]]:
    """[name, distance] of the `count` nearest similar towns, nearest first."""
    found = services.peers(code).sort_values("rank").head(count)
    names = queries.municipalities(lang).set_index("area_code")["name"]
    return [
        [f"{int(r.rank)}. {names.get(r.area_code, r.area_code)}", fmt_number(r.distance, 2, lang)]
        for r in found.itertuples(index=False)
    ]


def index_and_peers(code: str, lang: str, pres: Presentation) -> html.Div:
    count = pres.print_profile.peers if pres.print_profile else 5
    index_table = _small_table(
        [t(key, lang) for key in INDEX_COLUMNS], index_rows(code, lang), "print-index"
    )
    peers_table = _small_table(
        [t("index.peer_name", lang), t("index.peer_distance", lang)],
        peer_rows(code, count, lang),
        "print-peers",
    )
    return html.Div(
        [
            html.Div(
                [
                    html.H2(t("index.index_score", lang)),
                    index_table,
                    html.P(t("town_print.index_note", lang), className="print-note"),
                ],
                className="print-index-block",
            ),
            html.Div(
                [
                    html.H2(t("index.peers_title", lang)),
                    peers_table,
                    html.P(t("town_print.peers_note", lang), className="print-note"),
                ],
                className="print-peers-block",
            ),
        ],
        className="print-pair",
    )


# --------------------------------------------------------------------------- the back page


def source_item(title: str, table_id: str) -> str:
    """'<title> (<table id>)'; a file path id by its file name, an id the title starts with
    left out ('Kuntien avainluvut 2018 (…)')."""
    table = PurePosixPath(table_id).stem if "/" in table_id else table_id
    return title if title.startswith(table) else f"{title} ({table})"


def sources_text(indicator_ids: Iterable[str], lang: str) -> str:
    """'<title> (<table>); …' of the sources of the given indicators, by title."""
    sources = queries.sources_for(indicator_ids, lang).sort_values("title")
    items = dict.fromkeys(source_item(r.title, r.table_id) for r in sources.itertuples())
    return "; ".join(items)


def footer(code: str, shown: Iterable[str], lang: str) -> html.Footer:
    url = page_url(code, lang)
    return html.Footer(
        [
            html.P(as_of_text(lang), className="print-as-of"),
            html.P([t("town_print.online", lang), ": ", html.Span(url, className="print-url")]),
            html.P(
                [
                    html.Span(t("town_print.sources", lang) + ": ", className="source-label"),
                    sources_text(shown, lang),
                    ". ",
                    t("town_print.licence", lang),
                ],
                className="print-sources",
            ),
        ],
        className="print-footer",
    )


def printed_indicators(pres: Presentation) -> list[str]:
    """Every indicator whose figures the print shows: headlines, the charts', the table's."""
    profile = pres.profile
    charts = [profile.population_history, profile.population_projection, profile.monthly]
    table = list(pres.print_profile.indicators) if pres.print_profile else []
    return list(dict.fromkeys([*profile.headlines, *charts, *profile.job_structure, *table]))


def back(
    code: str,
    values: pd.DataFrame,
    lang: str,
    pres: Presentation,
    cells: Callable[[dict[str, Any], str, Presentation], list[str]],
) -> html.Section:
    """The second page's tables and footer (after the ecosystem section, which prints too)."""
    info = queries.areas(lang).set_index("area_code")
    region = info.name.get(info.region_code[code], "") if info.region_code[code] else ""
    shown = [i for i in printed_indicators(pres) if i in set(values.indicator_id)]
    return html.Section(
        [
            html.H2(t("town_print.tables_title", lang)),
            indicator_table(values, region, lang, pres, cells),
            index_and_peers(code, lang, pres),
            footer(code, shown, lang),
        ],
        className="print-only print-back",
    )
