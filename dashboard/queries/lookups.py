"""Areas, groups, the indicator catalogue and provenance: the lookups every page uses."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from dashboard.cache import memoised
from dashboard.i18n import lang_of, t
from dashboard.queries.runner import run, with_cursor
from pipeline.export import complete, texts


@memoised(1)
def _area_kinds() -> dict[str, str]:
    frame = run("area_kinds")
    return dict(zip(frame.area_code, frame.kind, strict=True))


def municipality_codes() -> frozenset[str]:
    """Codes of the municipalities of the current division."""
    return frozenset(code for code, kind in _area_kinds().items() if kind == "municipality")


def area_codes() -> frozenset[str]:
    """Every area and group code in core.areas."""
    return frozenset(_area_kinds())


def is_municipality(code: Any) -> bool:
    """True for a municipality code of the current division (safe for any input)."""
    return isinstance(code, str) and _area_kinds().get(code) == "municipality"


def areas(lang: str) -> pd.DataFrame:
    """All areas and groups: area_code, kind, name (in `lang`), region/sub-region codes, flags."""
    return run("areas", lang=lang_of(lang))


def municipalities(lang: str) -> pd.DataFrame:
    """Municipalities of the current division sorted by name: area_code, name, is_network."""
    frame = areas(lang)
    frame = frame[frame.kind == "municipality"].sort_values("name", key=lambda s: s.str.lower())
    return frame.reset_index(drop=True)


def area_name(code: str, lang: str) -> str | None:
    """The name of an area or group in `lang`, or None if the code is unknown."""
    frame = areas(lang)
    match = frame.loc[frame.area_code == code, "name"]
    return None if match.empty else str(match.iloc[0])


def group_members(group_code: str) -> list[str]:
    """Municipality codes of a group, sorted."""
    return list(run("group_members", group=group_code).area_code)


def members_of_groups(group_codes: Iterable[str]) -> pd.DataFrame:
    """group_code, area_code of the municipalities in the given groups."""
    return run("members_of_groups", groups=list(group_codes))


def groups_of_areas(area_codes: Iterable[str], group_id: str, lang: str) -> pd.DataFrame:
    """area_code, group_code, group_name: the group of the catalogue group `group_id` (e.g.
    the large region) that each of the areas belongs to, by area code."""
    every = _groups_of_every_area(group_id, lang_of(lang))
    return every[every.area_code.isin(list(area_codes))].reset_index(drop=True)


@memoised(16)
def _groups_of_every_area(group_id: str, lang: str) -> pd.DataFrame:
    """Every area's group of `group_id`: one query per catalogue group and language instead
    of one per profile (a profile asks for its town's large region and maakunta)."""
    return run("groups_of_every_area", group_id=group_id, lang=lang)


def network_towns(lang: str) -> pd.DataFrame:
    """The network towns: area_code, name, sorted by name."""
    frame = municipalities(lang)
    return frame[frame.is_network].reset_index(drop=True)[["area_code", "name"]]


def indicators(lang: str) -> pd.DataFrame:
    """The indicator catalogue in `lang`: indicator_id, theme, label, description, unit, ..."""
    return run("indicators", lang=lang_of(lang))


def indicator_ids() -> tuple[str, ...]:
    """Indicator ids in catalogue order."""
    return tuple(indicators("fi").indicator_id)


def indicator_meta(indicator_id: str, lang: str) -> dict[str, Any] | None:
    """One indicator's catalogue row as a dict, or None if unknown."""
    frame = indicators(lang)
    match = frame[frame.indicator_id == indicator_id]
    return None if match.empty else match.iloc[0].to_dict()


def provenance(lang: str) -> pd.DataFrame:
    """Every source: source_id, table_id, title, publisher, licence, citation, updated, fetched;
    the publisher, the licence and a table named in English in `lang` (`texts.name_in`)."""
    lang = lang_of(lang)
    frame = run("provenance", lang=lang).copy()
    for column in ("table_id", "publisher", "licence"):
        frame[column] = frame[column].map(lambda value: texts.name_in(value, lang))
    return frame


def licence_text(sources: pd.DataFrame, lang: str) -> str:
    """'<publishers>, <licence>' of `sources` (rows of `provenance(lang)`; each licence once,
    after its publishers); Statistics Finland's CC BY 4.0 where there are no sources."""
    by_licence: dict[str, list[str]] = {}
    pairs = zip(sources.licence.tolist(), sources.publisher.tolist(), strict=True)
    for licence, publisher in pairs:
        names = by_licence.setdefault(str(licence), [])
        names += [] if publisher in names else [str(publisher)]
    parts = [f"{', '.join(names)}, {licence}" for licence, names in by_licence.items()]
    return "; ".join(parts) or t("common.licence_default", lang)


def sources_for(indicator_ids: Iterable[str], lang: str) -> pd.DataFrame:
    """Provenance rows of the sources the given indicators use (core.indicators.sources)."""
    return _sources_for(tuple(dict.fromkeys(indicator_ids)), lang).copy()


@memoised(512)
def _sources_for(ids: tuple[str, ...], lang: str) -> pd.DataFrame:
    if not ids:
        return provenance(lang).iloc[0:0]
    frame = run("indicator_sources", indicators=list(ids))
    wanted = {s.strip() for text in frame.sources.dropna() for s in text.split(",")}
    prov = provenance(lang)
    return prov[prov.source_id.isin(wanted)].reset_index(drop=True)


def build_info() -> dict[str, Any]:
    """The single row of core.build_info as a dict (empty if missing)."""
    frame = run("build_info")
    return {} if frame.empty else frame.iloc[0].to_dict()


@memoised(1)
def build_id() -> str:
    """The warehouse's build id (`pipeline.export.complete.build_id`): the same for every copy
    of one build, new with every build. Shared answers and ETags are keyed by it."""
    return with_cursor(complete.build_id)


def indicator_coverage() -> pd.DataFrame:
    """How current each indicator is (core.indicator_coverage): indicator_id, level
    ('municipality', or 'group' for indicators published only for groups), first_year,
    last_year, last_month (the newest month of a monthly series, else NaT), sources (the source
    ids that supplied values), last_source, table_id and updated (of the newest year's source)."""
    return run("indicator_coverage")


def is_region_level(indicator_id: str) -> bool:
    """Whether an indicator is published only for regions and other groups (no municipal
    values): pages show it as the regions' figures, never as a municipality's."""
    coverage = indicator_coverage()
    level = coverage.loc[coverage.indicator_id == indicator_id, "level"]
    return bool(len(level)) and level.iloc[0] == "group"
