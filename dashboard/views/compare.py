"""The compare page's selection (parsed from the URL, written back to it) and its controls.

`parse_selection` is pure over a `Known` (what the warehouse holds) and the presentation, which
gives the default groups, peer group and indicators.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pandas as pd

from dashboard import queries
from dashboard.i18n import t
from dashboard.layout import href, query_list
from dashboard.views.common import (
    Control,
    Known,
    control_row,
    first,
    indicator_options,
    named,
    options,
    parse_year,
    query_codes,
    quoted,
    year_options,
)
from pipeline.presentation import Presentation

PAGE = "compare"
MAX_AREAS = 40
# Group kinds in the order the group lists show them; classifications are labelled with theirs.
KIND_ORDER = ("group", "country", "region", "subregion", "municipality_group", "peers")
LABELLED_KINDS = ("region", "subregion", "municipality_group")


class Selection(NamedTuple):
    """What the page shows; every field is valid against the warehouse."""

    areas: tuple[str, ...]
    groups: tuple[str, ...]
    indicator: str
    year: int | None
    x: str
    y: str
    peer: str


def _known_codes(value: Any, known: frozenset[str], lang: str, message: str, notices) -> list:
    """The known codes of a query value without repeats; a `message` notice names the others
    (and counts those beyond the `query_codes` limit, which are not read)."""
    raw, more = query_codes(value)
    unknown = [c for c in raw if c not in known]
    if unknown or more:
        notices.append(t(message, lang, codes=named(unknown, lang, more)))
    return [c for c in dict.fromkeys(raw) if c in known]


def _areas(params: dict[str, Any], lang: str, known: Known, pres: Presentation, notices):
    if "areas" not in params:
        return known.members(pres.network)
    areas = _known_codes(
        params.get("areas"), known.municipalities, lang, "compare.unknown_areas", notices
    )
    if len(areas) > MAX_AREAS:
        notices.append(t("compare.too_many_areas", lang, n=MAX_AREAS))
        areas = areas[:MAX_AREAS]
    return areas


def _indicator(params: dict[str, Any], key: str, default: str, lang: str, known: Known, notices):
    value = first(params.get(key))
    if value is None:
        return default
    if value not in known.indicators:
        notices.append(t("compare.unknown_indicator", lang, value=quoted(value)))
        return default
    return value


def parse_selection(
    params: dict[str, Any], lang: str, known: Known, pres: Presentation
) -> tuple[Selection, list[str]]:
    """The selection from query values, with friendly notices for whatever was unusable."""
    notices: list[str] = []
    areas = _areas(params, lang, known, pres, notices)
    groups = _known_codes(
        params.get("groups"), known.groups, lang, "compare.unknown_groups", notices
    )
    if "groups" not in params:
        groups = list(pres.comparison_codes)
    defaults = pres.defaults
    chosen = _indicator(params, "indicator", defaults.compare_indicator, lang, known, notices)
    x = _indicator(params, "x", defaults.compare_x, lang, known, notices)
    y = _indicator(params, "y", defaults.compare_y, lang, known, notices)
    peer = first(params.get("peer")) or pres.university_cities
    if peer not in known.groups:
        notices.append(t("compare.unknown_peer", lang, value=quoted(peer)))
        peer = pres.university_cities
    year, year_notice = parse_year(params.get("year"), known.years(chosen), lang, PAGE)
    if year_notice:
        notices.append(year_notice)
    return Selection(tuple(areas), tuple(groups), chosen, year, x, y, peer), notices


def callback_params(areas, groups, indicator, year, x, y, peer) -> dict[str, Any]:
    """The controls' values as query values (empty ones left out, as in a URL)."""
    params = {
        "areas": ",".join(areas or []),
        "groups": ",".join(groups or []),
        "indicator": indicator,
        "year": year,
        "x": x,
        "y": y,
        "peer": peer,
    }
    return {k: v for k, v in params.items() if v}


def selection_query(selection: Selection, lang: str) -> str:
    """The query string (`?lang=..&areas=..`) that restores `selection`."""
    return href(
        "",
        lang,
        areas=list(selection.areas),
        groups=list(selection.groups),
        indicator=selection.indicator,
        year=selection.year,
        x=selection.x,
        y=selection.y,
        peer=selection.peer,
    )


# --------------------------------------------------------------------------- controls


def group_choices(frame: pd.DataFrame, lang: str, areas: Any = (), keep: Any = ()) -> list[dict]:
    """Groups of `queries.areas` first by kind: user groups and the country, then regions,
    sub-regions, classes, then the `peers:<code>` groups of the chosen `areas` and of the codes
    in `keep` (the groups already chosen, e.g. from the URL) — not all 308 peer groups."""
    peers = {queries.PEERS_PREFIX + code for code in query_list(areas)} | set(query_list(keep))
    frame = frame[
        (frame.kind != "municipality") & ((frame.kind != "peers") | frame.area_code.isin(peers))
    ].copy()
    frame["order"] = frame.kind.map({kind: i for i, kind in enumerate(KIND_ORDER)}).fillna(9)
    frame = frame.sort_values(["order", "name"])
    return [
        {"value": code, "label": f"{name} ({t('compare.kind_' + kind, lang)})"}
        if kind in LABELLED_KINDS
        else {"value": code, "label": name}
        for code, name, kind in zip(frame.area_code, frame.name, frame.kind, strict=True)
    ]


def group_options(lang: str, areas: Any = (), keep: Any = ()) -> list[dict[str, str]]:
    return group_choices(queries.areas(lang), lang, areas, keep)


def control_specs(selection: Selection, lang: str) -> list[Control]:
    """The page's dropdowns, in order."""
    indicators = indicator_options(queries.indicators(lang))
    groups = group_options(lang, selection.areas, [*selection.groups, selection.peer])
    towns = queries.municipalities(lang)
    years = year_options(queries.indicator_years(selection.indicator))
    single = {"clearable": False}
    return [
        Control(
            "compare.areas",
            "compare-areas",
            options(towns.area_code, towns.name),
            list(selection.areas),
            {"multi": True, "placeholder": t("compare.areas_placeholder", lang)},
        ),
        Control(
            "compare.groups", "compare-groups", groups, list(selection.groups), {"multi": True}
        ),
        Control("compare.indicator", "compare-indicator", indicators, selection.indicator, single),
        Control("compare.year", "compare-year", years, selection.year, single),
        Control("compare.x", "compare-x", indicators, selection.x, single),
        Control("compare.y", "compare-y", indicators, selection.y, single),
        Control("compare.peer", "compare-peer", groups, selection.peer, single),
    ]


def controls(selection: Selection, lang: str):
    return control_row(control_specs(selection, lang), lang, "controls compare-controls")
