"""The presentation file (`presentation.yaml`): what the pages show and which catalogue groups
play the comparison roles, parsed once into frozen objects and checked against the catalogue.

Pages and queries read their indicator lists, defaults and role groups from here, so renaming a
group or changing a headline is a yaml edit. Every id must exist in the catalogue; an unknown
key or id fails with `CatalogueError` naming the file and line.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pipeline
from pipeline.catalogue import Catalogue, CatalogueError, load_catalogue
from pipeline.catalogue.yamlfile import (
    Where,
    check_mapping,
    first_duplicate,
    get_int,
    line_of,
    load_yaml,
)
from pipeline.presentation.specs import (
    CurrencySpec,
    Defaults,
    HighlightSpec,
    OverviewSpec,
    PeerProfile,
    PrintSpec,
    ProfileSpec,
    RdiSpec,
    RegionIndustrySpec,
    SharesSpec,
    WeightMeasure,
)

ROLES = ("country", "network", "university_cities")
WEIGHT_COLUMNS = frozenset({"value", "numerator"})


@dataclass(frozen=True)
class Presentation:
    role_groups: Mapping[str, str]  # role -> catalogue group id
    role_codes: Mapping[str, str]  # role -> the group's area code
    theme_order: tuple[str, ...]
    profile: ProfileSpec
    overview: OverviewSpec
    embed_defaults: tuple[str, ...]
    network_weight: tuple[WeightMeasure, ...]
    peer_profile: PeerProfile
    defaults: Defaults
    highlights: HighlightSpec
    currency: CurrencySpec
    region_industry: RegionIndustrySpec | None = None
    path: Path | None = None
    rdi: RdiSpec | None = None
    network_shares: SharesSpec | None = None
    print_profile: PrintSpec | None = None

    @property
    def country(self) -> str:
        """Area code of the group playing the whole country (e.g. SSS)."""
        return self.role_codes["country"]

    @property
    def network(self) -> str:
        return self.role_codes["network"]

    @property
    def university_cities(self) -> str:
        return self.role_codes["university_cities"]

    @property
    def comparison_codes(self) -> tuple[str, str, str]:
        """Network, university cities, country: the profile's comparison columns, in order."""
        return (self.network, self.university_cities, self.country)


class _Reader:
    """Checks one presentation document against the catalogue, naming lines in errors."""

    def __init__(self, catalogue: Catalogue, file: str):
        self.indicators = {i.id for i in catalogue.indicators}
        self.groups = {g.id: g for g in catalogue.groups}
        self.themes = [t.id for t in catalogue.themes]
        self.top = Where(file, "presentation", "", 1, CatalogueError)

    def section(self, node: Any, key: str, keys: Iterable[str]) -> tuple[Any, Where]:
        value = node.get(key)
        where = self.top.at(value, key, "").with_line(line_of(node, key, 1))
        check_mapping(value, where.at(value), tuple(keys))
        return value, where.at(value)

    def indicator(self, node: Any, key: str, where: Where) -> str:
        value = node.get(key)
        if value not in self.indicators:
            raise where.error(f"{key}: unknown indicator {value!r}", line_of(node, key, 0))
        return value

    def indicator_list(self, node: Any, key: str, where: Where) -> tuple[str, ...]:
        values = node.get(key)
        line = line_of(node, key, 0)
        if not isinstance(values, list) or not values:
            raise where.error(f"{key}: expected a non-empty list of indicator ids", line)
        for value in values:
            if value not in self.indicators:
                raise where.error(f"{key}: unknown indicator {value!r}", line)
        if len(set(values)) != len(values):
            raise where.error(f"{key}: an indicator is listed twice", line)
        return tuple(values)


def _roles(reader: _Reader, doc: Any) -> tuple[dict[str, str], dict[str, str]]:
    node, where = reader.section(doc, "roles", ROLES)
    groups, codes = {}, {}
    for role in ROLES:
        group = reader.groups.get(node[role])
        if group is None or group.kind == "classification":
            raise where.error(
                f"{role}: {node[role]!r} is not a list or country group of the catalogue",
                line_of(node, role, 0),
            )
        groups[role], codes[role] = group.id, group.code
    return groups, codes


def _theme_order(reader: _Reader, doc: Any) -> tuple[str, ...]:
    order = doc.get("theme_order")
    if not isinstance(order, list) or sorted(order) != sorted(reader.themes):
        raise reader.top.error(
            f"theme_order must list each catalogue theme once ({', '.join(reader.themes)})",
            line_of(doc, "theme_order", 1),
        )
    return tuple(order)


def _weights(reader: _Reader, doc: Any, key: str = "network_weight") -> tuple[WeightMeasure, ...]:
    items = doc.get(key)
    where = reader.top.with_line(line_of(doc, key, 1))
    if not isinstance(items, list) or not items:
        raise where.error(f"{key} must be a non-empty list")
    out = []
    for item in items:
        at = where.at(item, key, "")
        check_mapping(item, at, ("indicator", "column", "label"))
        if item["column"] not in WEIGHT_COLUMNS:
            raise at.error(f"column must be one of {sorted(WEIGHT_COLUMNS)}")
        out.append(
            WeightMeasure(reader.indicator(item, "indicator", at), item["column"], item["label"])
        )
    return tuple(out)


def _classification_group(reader: _Reader, node: Any, key: str, where: Where) -> str:
    group = reader.groups.get(node.get(key))
    if group is None or group.kind != "classification":
        raise where.error(
            f"{key}: {node.get(key)!r} is not a classification group of the catalogue",
            line_of(node, key, 0),
        )
    return group.id


def _rdi(reader: _Reader, doc: Any) -> RdiSpec | None:
    if "rdi" not in doc:
        return None
    node, at = reader.section(doc, "rdi", RdiSpec.__dataclass_fields__)
    many = reader.indicator_list
    return RdiSpec(
        _classification_group(reader, node, "region_group", at),
        many(node, "indicators", at),
        _classification_group(reader, node, "local_group", at),
        many(node, "local_indicators", at),
    )


def _shares(reader: _Reader, doc: Any, catalogue: Catalogue) -> SharesSpec | None:
    """`network_shares`; its `indicators` are the catalogue's indicators of the rule, less the
    excluded ones and those whose bounds allow negative values (a balance has no share)."""
    if "network_shares" not in doc:
        return None
    value = doc.get("network_shares")
    where = reader.top.at(value, "network_shares", "").with_line(line_of(doc, "network_shares", 1))
    check_mapping(value, where.at(value), ("rule", "region_group"), ("exclude", "measures"))
    at = where.at(value)
    if value["rule"] != "sum":
        raise at.error(f"rule: {value['rule']!r}; only 'sum' indicators add up to a share")
    exclude = reader.indicator_list(value, "exclude", at) if value.get("exclude") else ()
    measures = _weights(reader, value, "measures") if "measures" in value else ()
    found = tuple(
        i.id
        for i in catalogue.indicators
        if i.aggregation.rule == value["rule"] and i.bounds.min >= 0 and i.id not in exclude
    )
    group = _classification_group(reader, value, "region_group", at)
    return SharesSpec(value["rule"], group, exclude, measures, found)


def _region_industry(reader: _Reader, doc: Any) -> RegionIndustrySpec | None:
    if "region_industry" not in doc:
        return None
    node, at = reader.section(doc, "region_industry", RegionIndustrySpec.__dataclass_fields__)
    maps = {}
    for key in ("employed_share", "location_quotient", "startup_rate", "closure_rate"):
        maps[key] = _section_map(reader, node, key, at)
    maps["enterprise_stock_change"] = _section_map(reader, node, "enterprise_stock_change", at)
    singles = {key: reader.indicator(node, key, at) for key in ("startups", "stock")}
    return RegionIndustrySpec(**maps, **singles)


def _section_map(reader: _Reader, node: Any, key: str, where: Where) -> Mapping[str, str]:
    value = node.get(key)
    line = line_of(node, key, 0)
    if not isinstance(value, dict) or not value:
        raise where.error(f"{key}: expected a mapping of section letter to indicator id", line)
    for section, indicator in value.items():
        if indicator not in reader.indicators:
            raise where.error(f"{key}: {section}: unknown indicator {indicator!r}", line)
    return MappingProxyType({str(k): v for k, v in value.items()})


def _currency(reader: _Reader, doc: Any) -> CurrencySpec:
    node, at = reader.section(doc, "currency", CurrencySpec.__dataclass_fields__)
    years = get_int(node, "stale_after_years", at)
    if years < 0:
        raise at.error(
            "stale_after_years must not be negative", line_of(node, "stale_after_years", 0)
        )
    return CurrencySpec(years)


def _print_profile(reader: _Reader, doc: Any) -> PrintSpec | None:
    if "print_profile" not in doc:
        return None
    node, at = reader.section(doc, "print_profile", PrintSpec.__dataclass_fields__)
    peers = get_int(node, "peers", at)
    if peers < 1:
        raise at.error("peers must be at least 1", line_of(node, "peers", 0))
    return PrintSpec(reader.indicator_list(node, "indicators", at), peers)


def parse_presentation(text: str, catalogue: Catalogue, file: str = "<string>") -> Presentation:
    """Parse and check presentation yaml text against `catalogue`."""
    doc = load_yaml(text, file, CatalogueError)
    reader = _Reader(catalogue, file)
    top_keys = ("version", "roles", "theme_order", "profile", "overview", "embed_defaults")
    top_keys += ("network_weight", "peer_profile", "defaults", "highlights", "currency")
    top_keys += ("rdi", "network_shares")
    top_keys += ("region_industry",)
    top_keys += ("print_profile",)
    check_mapping(doc, reader.top, top_keys)
    duplicate = first_duplicate(doc)
    if duplicate:
        raise reader.top.error(f"duplicate key {duplicate[0]!r}", duplicate[1])
    role_groups, role_codes = _roles(reader, doc)
    ind, many = reader.indicator, reader.indicator_list

    node, at = reader.section(doc, "profile", ProfileSpec.__dataclass_fields__)
    profile = ProfileSpec(
        many(node, "headlines", at),
        many(node, "job_structure", at),
        *(ind(node, key, at) for key in ("population_history", "population_projection", "monthly")),
    )
    node, at = reader.section(doc, "overview", OverviewSpec.__dataclass_fields__)
    overview = OverviewSpec(many(node, "cards", at), ind(node, "network_total", at))
    node, at = reader.section(doc, "peer_profile", PeerProfile.__dataclass_fields__)
    peer = PeerProfile(many(node, "indicators", at), many(node, "log", at))
    node, at = reader.section(doc, "defaults", Defaults.__dataclass_fields__)
    singles = ("compare_indicator", "compare_x", "compare_y", "map_indicator")
    defaults = Defaults(*(ind(node, k, at) for k in singles), many(node, "data_indicators", at))
    node, at = reader.section(doc, "highlights", HighlightSpec.__dataclass_fields__)
    singles = ("unemployment", "self_sufficiency", "projection", "education")
    highlights = HighlightSpec(many(node, "job_shares", at), *(ind(node, k, at) for k in singles))
    currency = _currency(reader, doc)
    return Presentation(
        role_groups=MappingProxyType(role_groups),
        role_codes=MappingProxyType(role_codes),
        theme_order=_theme_order(reader, doc),
        profile=profile,
        overview=overview,
        embed_defaults=many(doc, "embed_defaults", reader.top),
        network_weight=_weights(reader, doc),
        peer_profile=peer,
        defaults=defaults,
        highlights=highlights,
        currency=currency,
        rdi=_rdi(reader, doc),
        network_shares=_shares(reader, doc, catalogue),
        region_industry=_region_industry(reader, doc),
        print_profile=_print_profile(reader, doc),
    )


@functools.lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int, catalogue_path: str, catalogue_mtime_ns: int):
    return _parse_file(Path(path), load_catalogue(catalogue_path))


def _parse_file(path: Path, catalogue: Catalogue) -> Presentation:
    parsed = parse_presentation(path.read_text(encoding="utf-8"), catalogue, file=str(path))
    return Presentation(**{**parsed.__dict__, "path": path})


def load_presentation(
    path: str | Path | None = None, catalogue: Catalogue | None = None
) -> Presentation:
    """Load `presentation.yaml` (default `pipeline.DEFAULT_PRESENTATION`), checked against
    `catalogue` (default: the default catalogue); cached by both files' paths and mtimes."""
    resolved = Path(path if path is not None else pipeline.DEFAULT_PRESENTATION).resolve()
    if not resolved.is_file():
        raise CatalogueError(f"{resolved}: presentation file not found")
    catalogue = catalogue or load_catalogue()
    if catalogue.path is None:  # parsed from text: nothing to key a cache on
        return _parse_file(resolved, catalogue)
    return _load_cached(
        str(resolved),
        resolved.stat().st_mtime_ns,
        str(catalogue.path),
        catalogue.path.stat().st_mtime_ns,
    )
