"""The town profile's region section: the industries the town's region (maakunta) is
specialised in (location quotients by TOL 2008 section) and its business dynamics (enterprise
start-ups and closures per 100 enterprises over time, the year-end stock), beside the town's own
three-sector job structure shown in the profile's charts.

Every figure here is the region's and is labelled with the region's name and level
("Pohjois-Pohjanmaa (maakunta)"), its year and its source table; nothing is shown as the town's.
The indicators come from the presentation's `region_industry` (section letter → indicator id).
`top_sections`, `rate_frame` and `area_label` are pure over query frames.
"""

from __future__ import annotations

import pandas as pd
from dash import html

from dashboard import queries
from dashboard.figures import town_region as figures
from dashboard.i18n import fmt_number, fmt_signed, t
from dashboard.layout import figure_block
from pipeline.presentation import Presentation, RegionIndustrySpec

TOP_N = 5
UNKNOWN_SECTION = "X"  # "industry unknown": not a specialisation


def area_label(name: str, lang: str) -> str:
    """'Pohjois-Pohjanmaa (maakunta)': the region's name and level."""
    return t("town_region.area_label", lang, region=name, level=t("town_region.level_region", lang))


def section_name(letter: str, lang: str) -> str:
    return f"{letter} {t(f'town_region.section_{letter.lower()}', lang)}"


def specialisation(latest: pd.DataFrame, spec: RegionIndustrySpec, lang: str) -> pd.DataFrame:
    """Per section (X left out): `letter, label, value` (location quotient), `share` (% of
    the region's employed), `country` (the whole country's share: share / quotient) and
    `year`, by quotient descending."""
    by_id = latest.set_index("indicator_id")
    rows = []
    for letter, indicator in spec.location_quotient.items():
        share_id = spec.employed_share.get(letter)
        if letter == UNKNOWN_SECTION or indicator not in by_id.index:
            continue
        lq = float(by_id.at[indicator, "value"])
        share = float(by_id.at[share_id, "value"]) if share_id in by_id.index else float("nan")
        rows.append(
            {
                "letter": letter,
                "label": section_name(letter, lang),
                "value": lq,
                "share": share,
                "country": share / lq if lq else float("nan"),
                "year": int(by_id.at[indicator, "year"]),
            }
        )
    frame = pd.DataFrame(rows, columns=["letter", "label", "value", "share", "country", "year"])
    return frame.sort_values("value", ascending=False, kind="stable").reset_index(drop=True)


def top_sections(frame: pd.DataFrame, lang: str, n: int = TOP_N) -> list[str]:
    """The `n` highest quotients above 1 as sentences (quotient, share, country's share)."""
    top = frame[frame["value"] > 1].head(n)
    return [
        t(
            "town_region.top_item",
            lang,
            section=row.label,
            lq=fmt_number(row.value, 2, lang),
            share=fmt_number(row.share, 1, lang),
            country=fmt_number(row.country, 1, lang),
        )
        for row in top.itertuples(index=False)
    ]


def rate_frame(series: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The rate series stacked: `series, group_code, year, value` (annual rows only)."""
    parts = [rows.assign(series=name) for name, rows in series.items() if not rows.empty]
    if not parts:
        return pd.DataFrame(columns=["series", "group_code", "year", "value"])
    frame = pd.concat(parts, ignore_index=True)
    return frame[frame["month"].isna()][["series", "group_code", "year", "value"]]


def _specialisation_block(region: str, area: str, spec, lang: str) -> list:
    latest = queries.group_latest_values(region)
    frame = specialisation(latest, spec, lang)
    if frame.empty:
        return []
    year = int(frame["year"].max())
    fig = figures.location_quotient_bars(
        frame,
        lang,
        title=t("town_region.lq_title", lang, year=year, area=area),
        subtitle=t("town_region.lq_subtitle", lang),
        hover=t("town_region.lq_hover", lang),
    )
    items = top_sections(frame, lang)
    summary = t("town_region.lq_summary", lang, year=year, area=area, items="; ".join(items))
    ids = [*spec.location_quotient.values(), *spec.employed_share.values()]
    sources = queries.sources_for(ids, lang)
    return [
        html.H3(t("town_region.specialisation", lang)),
        html.P(t("town_region.top_heading", lang, year=year, area=area), className="lead"),
        html.Ul([html.Li(item) for item in items], className="region-top"),
        figure_block("town-region-lq", fig, summary, sources, lang),
    ]


def _dynamics_block(region: str, area: str, spec, lang: str, pres: Presentation) -> list:
    total = "total"
    ids = {"startups": spec.startup_rate.get(total), "closures": spec.closure_rate.get(total)}
    codes = [region, pres.country]
    frame = rate_frame({name: queries.group_series(ind, codes) for name, ind in ids.items() if ind})
    if frame[frame["group_code"] == region].empty:
        return []
    country = t("common.whole_country", lang)
    names = {}
    for code, where in ((region, area), (pres.country, country)):
        for name in ids:
            names[(name, code)] = f"{t(f'town_region.series_{name}', lang)}: {where}"
    years = frame[frame["group_code"] == region]["year"]
    fig = figures.rate_lines(
        frame,
        lang,
        title=t("town_region.rates_title", lang, first=years.min(), last=years.max(), area=area),
        subtitle=t("town_region.rates_subtitle", lang),
        names=names,
        solid=region,
        unit=t("town_region.rates_unit", lang),
    )
    summary = _rates_summary(frame, region, pres.country, area, lang)
    sources = queries.sources_for([i for i in ids.values() if i] + [spec.stock], lang)
    return [
        html.H3(t("town_region.dynamics", lang)),
        figure_block("town-region-rates", fig, summary, sources, lang),
        *_stock_line(region, area, spec, lang),
    ]


def _rates_summary(frame: pd.DataFrame, region: str, country: str, area: str, lang: str) -> str:
    year = int(frame[frame["group_code"] == region]["year"].max())
    at = frame[frame["year"] == year].set_index(["series", "group_code"])["value"]

    def value(series: str, code: str) -> str:
        return fmt_number(at.get((series, code)), 1, lang)

    return t(
        "town_region.rates_summary",
        lang,
        area=area,
        year=year,
        startups=value("startups", region),
        closures=value("closures", region),
        country_startups=value("startups", country),
        country_closures=value("closures", country),
    )


def _stock_line(region: str, area: str, spec: RegionIndustrySpec, lang: str) -> list:
    latest = queries.group_latest_values(region).set_index("indicator_id")
    change_id = spec.enterprise_stock_change.get("total")
    if spec.stock not in latest.index:
        return []
    year = int(latest.at[spec.stock, "year"])
    change = "–"
    if change_id in latest.index and int(latest.at[change_id, "year"]) == year:
        change = fmt_signed(float(latest.at[change_id, "value"]), 0, lang)
    stock = fmt_number(float(latest.at[spec.stock, "value"]), 0, lang)
    return [
        html.P(
            t(
                "town_region.stock_line_span",
                lang,
                year=year,
                prev=year - 1,  # the change is the year-end stock minus the previous year-end's
                area=area,
                stock=stock,
                change=change,
            ),
            className="region-stock",
        )
    ]


@queries.memoised(128)
def _region_body(region: str, area: str, lang: str, same: queries.Same) -> list:
    """The figures of `region`'s section: the same for every town of the region, so made once
    per region, language and warehouse."""
    pres = same.value
    spec = pres.region_industry
    return [
        *_specialisation_block(region, area, spec, lang),
        *_dynamics_block(region, area, spec, lang, pres),
    ]


def region_sections(code: str, lang: str, pres: Presentation) -> list:
    """The profile's section on the town's region; [] without a region or its figures."""
    spec = pres.region_industry
    info = queries.areas(lang).set_index("area_code")
    region = info.region_code.get(code) if code in info.index else None
    if spec is None or not region or region not in info.index:
        return []
    area = area_label(str(info.name[region]), lang)
    body = _region_body(region, area, lang, queries.Same(pres))
    if not body:
        return []
    town = str(info.name[code])
    lead = html.P(
        [
            t("town_region.lead", lang, area=area, town=town),
            " ",
            html.A(t("town_region.jobs_link", lang), href="#town-jobs"),
            ".",
        ],
        className="lead",
    )
    title = html.H2(t("town_region.title", lang, area=area))
    return [html.Section([title, lead, *body], className="theme-section region-section")]
