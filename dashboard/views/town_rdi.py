"""The town profile's R&D&I section: figures of the town's regions, never the town's own.

R&D expenditure, R&D personnel, HRST and patents are published for large regions (NUTS 2) and
maakunnat (NUTS 3) only. The section shows, for the indicators `presentation.yaml` lists under
`rdi`, the value of the town's region in each of the two catalogue groups beside the whole
country in the same year, every value labelled with the region's name and level; then a small
table of the large regions the network towns and the university cities lie in.
"""

from __future__ import annotations

import pandas as pd
from dash import html

from dashboard import queries
from dashboard.i18n import fmt_value, t
from dashboard.layout import definition_link
from pipeline.presentation import Presentation

COLUMNS = ["indicator_id", "label", "unit", "decimals", "year", "value", "country_value"]


def region_label(name: str, group_id: str, lang: str) -> str:
    """E.g. "Pohjois- ja Itä-Suomi (suuralue, NUTS 2)"."""
    return t("rdi.region_label", lang, name=name, level=t(f"rdi.level_{group_id}", lang))


def region_rows(
    region: str, indicator_ids: tuple[str, ...], lang: str, pres: Presentation
) -> pd.DataFrame:
    """Per indicator with a value for `region`: its latest year, the region's value and the
    country's value in that same year (NaN when the country has none that year). The same
    for every town of the region, so made once per region, language and warehouse."""
    return _region_rows(region, tuple(indicator_ids), lang, queries.Same(pres)).copy()


@queries.memoised(256)
def _region_rows(
    region: str, indicator_ids: tuple[str, ...], lang: str, same: queries.Same
) -> pd.DataFrame:
    pres = same.value
    meta = queries.indicators(lang).set_index("indicator_id")
    rows = []
    for indicator_id in indicator_ids:
        series = queries.group_series(indicator_id, [region, pres.country])
        series = series[series.month.isna()]
        own = series[series.group_code == region].sort_values("year")
        if own.empty:
            continue
        year = int(own.year.iloc[-1])
        country = series[(series.group_code == pres.country) & (series.year == year)]
        rows.append(
            {
                "indicator_id": indicator_id,
                "label": meta.at[indicator_id, "label"],
                "unit": meta.at[indicator_id, "unit"],
                "decimals": int(meta.at[indicator_id, "decimals"]),
                "year": year,
                "value": float(own.value.iloc[-1]),
                "country_value": float(country.value.iloc[0]) if len(country) else float("nan"),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def _region_table(rows: pd.DataFrame, label: str, lang: str) -> html.Div:
    head = [
        html.Th(t(f"rdi.{key}", lang), scope="col")
        for key in ("col_indicator", "col_country", "col_year")
    ]
    head.insert(1, html.Th(label, scope="col"))
    body = [
        html.Tr(
            [
                html.Th(definition_link(row.label, row.indicator_id, lang), scope="row"),
                html.Td(fmt_value(row.value, row.decimals, row.unit, lang), className="num"),
                html.Td(
                    fmt_value(row.country_value, row.decimals, row.unit, lang), className="num"
                ),
                html.Td(str(row.year), className="num"),
            ]
        )
        for row in rows.itertuples(index=False)
    ]
    caption = html.Caption(t("rdi.caption_region", lang, region=label))
    table = html.Table([caption, html.Thead(html.Tr(head)), html.Tbody(body)], className="values")
    return html.Div(table, className="table-wrap rdi-region")


def _town_group(code: str, group_id: str, lang: str) -> tuple[str, str] | None:
    found = queries.groups_of_areas([code], group_id, lang)
    if found.empty:
        return None
    return str(found.group_code.iloc[0]), str(found.group_name.iloc[0])


def level_blocks(code: str, lang: str, pres: Presentation) -> list:
    """One table per level (large region, maakunta) that has figures for the town's region."""
    spec = pres.rdi
    blocks: list = []
    for group_id, ids in (
        (spec.region_group, spec.indicators),
        (spec.local_group, spec.local_indicators),
    ):
        region = _town_group(code, group_id, lang)
        if region is None:
            continue
        rows = region_rows(region[0], ids, lang, pres)
        if rows.empty:
            continue
        blocks.append(_region_table(rows, region_label(region[1], group_id, lang), lang))
        if group_id == spec.local_group:
            blocks.append(html.P(t("rdi.patents_years", lang), className="hint"))
    return blocks


def comparison_frame(lang: str, pres: Presentation) -> pd.DataFrame:
    """The large regions holding a network town or a university city: region_code, name, the
    towns of each role there, and each indicator's value in the latest year every such region
    has (columns `<indicator>` and `<indicator>:year`). The same for every town: made once per
    language and warehouse."""
    return _comparison_frame(lang, queries.Same(pres)).copy()


@queries.memoised(8)
def _comparison_frame(lang: str, same: queries.Same) -> pd.DataFrame:
    pres = same.value
    spec = pres.rdi
    members = queries.members_of_groups([pres.network, pres.university_cities])
    towns = queries.areas(lang).set_index("area_code").name
    places = queries.groups_of_areas(members.area_code.unique(), spec.region_group, lang)
    places = places.merge(members.rename(columns={"group_code": "role"}), on="area_code")
    frame = places.drop_duplicates("group_code")[["group_code", "group_name"]]
    frame = frame.sort_values("group_code").reset_index(drop=True)
    for role, column in ((pres.network, "network_towns"), (pres.university_cities, "cities")):
        listed = places[places.role == role].groupby("group_code").area_code
        names = listed.agg(lambda codes: ", ".join(sorted(towns[c] for c in codes)))
        frame[column] = frame.group_code.map(names).fillna("–")
    for indicator_id in spec.indicators:
        series = queries.group_series(indicator_id, list(frame.group_code))
        series = series[series.month.isna()]
        counts = series.groupby("year").group_code.nunique()
        full = counts[counts == len(frame)]
        if full.empty:
            continue
        year = int(full.index.max())
        values = series[series.year == year].set_index("group_code").value
        frame[indicator_id] = frame.group_code.map(values)
        frame[f"{indicator_id}:year"] = year
    return frame


def comparison_table(code: str, lang: str, pres: Presentation) -> html.Div | None:
    """The large regions of the network towns and the university cities, side by side; the
    town's own region marked. None when no indicator has a year every such region has."""
    frame = comparison_frame(lang, pres)
    ids = [i for i in pres.rdi.indicators if i in frame.columns]
    if frame.empty or not ids:
        return None
    meta = queries.indicators(lang).set_index("indicator_id")
    own = _town_group(code, pres.rdi.region_group, lang)
    head = [t("rdi.col_region", lang), t("rdi.col_network_towns", lang)]
    head += [t("rdi.col_university_cities", lang)]
    head += [
        t(
            "rdi.col_with_year",
            lang,
            label=meta.at[i, "label"],
            year=int(frame[f"{i}:year"].iloc[0]),
        )
        for i in ids
    ]
    body = []
    for row in frame.to_dict("records"):
        label = [region_label(row["group_name"], pres.rdi.region_group, lang)]
        if own and row["group_code"] == own[0]:
            label += [" ", html.Span(t("rdi.this_region", lang), className="unit")]
        cells = [html.Th(label, scope="row"), html.Td(row["network_towns"])]
        cells += [html.Td(row["cities"])]
        cells += [
            html.Td(
                fmt_value(row[i], int(meta.at[i, "decimals"]), meta.at[i, "unit"], lang),
                className="num",
            )
            for i in ids
        ]
        body.append(html.Tr(cells))
    table = html.Table(
        [
            html.Caption(t("rdi.compare_title", lang)),
            html.Thead(html.Tr([html.Th(text, scope="col") for text in head])),
            html.Tbody(body),
        ],
        className="values",
    )
    return html.Div(table, className="table-wrap rdi-compare")


def rdi_sections(code: str, lang: str, pres: Presentation) -> list:
    """The profile's R&D&I section of municipality `code` ([] when there is nothing to show)."""
    if pres.rdi is None:
        return []
    blocks = level_blocks(code, lang, pres)
    if not blocks:
        return []
    spec = pres.rdi
    tables = queries.sources_for([*spec.indicators, *spec.local_indicators], lang).table_id
    compare = comparison_table(code, lang, pres)
    extra = (
        []
        if compare is None
        else [
            html.H3(t("rdi.compare_title", lang)),
            html.P(t("rdi.compare_lead", lang), className="hint"),
            compare,
        ]
    )
    town = queries.area_name(code, lang) or code
    return [
        html.Section(
            [
                html.H2(t("rdi.title", lang)),
                html.P(t("rdi.lead", lang, town=town), className="lead"),
                *blocks,
                *extra,
                html.P(
                    t("rdi.credit", lang, tables=", ".join(sorted(set(tables)))),
                    className="source-line",
                ),
            ],
            className="theme-section rdi-section",
            id="town-rdi",
        )
    ]
