"""Loading `indicators.yaml`: parse each section, check across entries, cache per file.

Cross-entry rules: variable ids are global (an edition may re-declare only its base source's
ids); every variable of a base source declares bounds, which its editions' variables take (an
edition declares none of its own); an indicator's theme and sources must be declared, and its
expressions may name only the variables of its sources.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from pathlib import Path
from typing import Any

import pipeline
from pipeline.catalogue.entries import (
    parse_group,
    parse_indicator,
    parse_merger,
    parse_source,
)
from pipeline.catalogue.expressions import check_expression
from pipeline.catalogue.limits import parse_bounds_kinds, parse_completeness
from pipeline.catalogue.model import (
    Bounds,
    Catalogue,
    Completeness,
    Group,
    Indicator,
    Merger,
    Source,
    Theme,
)
from pipeline.catalogue.yamlfile import (
    ConfigError,
    Where,
    check_mapping,
    entry_id,
    first_duplicate,
    get_int,
    get_text,
    line_of,
    load_yaml,
)


class CatalogueError(ConfigError):
    """The catalogue file is malformed; the message names the file, line and entry."""


# --------------------------------------------------------------------------- cross-checks


def _check_variables(sources: list[tuple[Source, Where]]) -> None:
    """Variable ids are global; editions may re-declare (only) their base's ids."""
    by_id = {s.id: s for s, _ in sources}
    owner: dict[str, str] = {}
    for source, where in sources:
        if source.edition_of is None:
            for var in source.variables:
                if var.id in owner:
                    raise where.error(
                        f"duplicate variable id {var.id!r} (declared by source {owner[var.id]!r})"
                    )
                owner[var.id] = source.id
    for source, where in sources:
        if source.edition_of is None:
            continue
        base = by_id.get(source.edition_of)
        if base is None:
            raise where.error(f"edition_of names unknown source {source.edition_of!r}")
        if base.edition_of is not None:
            raise where.error(f"edition_of {base.id!r} is itself an edition; name the base source")
        for var in source.variables:
            if var.id not in base.variable_ids:
                raise where.error(
                    f"variable {var.id!r} is not declared by its base source {base.id!r}"
                    " (an edition may only re-declare the base's variable ids)"
                )


def _with_bounds(sources: list[tuple[Source, Where]]) -> list[tuple[Source, Where]]:
    """Every base variable has bounds; an edition's variables take their base's."""
    base_bounds = {
        var.id: var.bounds
        for source, _ in sources
        if source.edition_of is None
        for var in source.variables
    }
    out = []
    for source, where in sources:
        for var in source.variables:
            if source.edition_of is None and var.bounds is None:
                raise where.error(
                    f"variable {var.id!r} declares no bounds: write it as "
                    f"{{selector: ..., bounds: <kind>}} (kinds under the top-level 'bounds')"
                )
            if source.edition_of is not None and var.bounds is not None:
                raise where.error(
                    f"variable {var.id!r} declares bounds in an edition; they are declared "
                    f"once, on the base source {source.edition_of!r}"
                )
        if source.edition_of is not None:
            variables = tuple(replace(v, bounds=base_bounds[v.id]) for v in source.variables)
            source = replace(source, variables=variables)
        out.append((source, where))
    return out


def _check_indicator(
    ind: Indicator, where: Where, node: Any, catalogue_sources: dict[str, Source], themes: set[str]
) -> None:
    if ind.theme not in themes:
        raise where.error(
            f"theme {ind.theme!r} is not declared under 'themes'", line_of(node, "theme", 0)
        )
    known: set[str] = set()
    for source_id in ind.sources:
        source = catalogue_sources.get(source_id)
        if source is None:
            raise where.error(f"unknown source {source_id!r}", line_of(node, "source", 0))
        known.update(source.variable_ids)
    agg_node = node["aggregation"]
    for key, expr, line in (
        ("formula", ind.formula, line_of(node, "formula", where.line)),
        ("numerator", ind.aggregation.numerator, line_of(agg_node, "numerator", where.line)),
        ("denominator", ind.aggregation.denominator, line_of(agg_node, "denominator", where.line)),
        ("weight", ind.aggregation.weight, line_of(agg_node, "weight", where.line)),
    ):
        if expr is None:
            continue
        try:
            check_expression(expr, known)
        except ValueError as exc:
            listed = ", ".join(ind.sources)
            raise where.error(f"{key}: {exc} (variables of sources {listed})", line) from None


# --------------------------------------------------------------------------- sections

_TOP_KEYS = (
    "version",
    "bounds",
    "completeness",
    "themes",
    "sources",
    "groups",
    "mergers",
    "indicators",
)


def _entries(doc: dict, key: str, where: Where) -> list:
    value = doc.get(key)
    if not isinstance(value, list):
        raise where.error(f"top-level {key!r} must be a list", line_of(doc, key, 1))
    return value


def _themes(doc: dict, top: Where) -> list[Theme]:
    themes: list[Theme] = []
    seen: dict[str, int] = {}
    for node in _entries(doc, "themes", top):
        ident, where = entry_id(node, top, seen, "theme")
        check_mapping(node, where, ("id", "label"))
        themes.append(Theme(ident, get_text(node, "label", where)))
    return themes


def _sources(doc: dict, top: Where, kinds: dict[str, Bounds]) -> list[tuple[Source, Where]]:
    sources: list[tuple[Source, Where]] = []
    seen: dict[str, int] = {}
    for node in _entries(doc, "sources", top):
        _, where = entry_id(node, top, seen, "source")
        sources.append((parse_source(node, where, kinds), where))
    _check_variables(sources)
    return _with_bounds(sources)


def _groups(doc: dict, top: Where, default: Completeness) -> list[Group]:
    seen: dict[str, int] = {}
    groups = []
    for node in _entries(doc, "groups", top):
        _, where = entry_id(node, top, seen, "group")
        groups.append(parse_group(node, where, default))
    return groups


def _mergers(doc: dict, top: Where) -> list[Merger]:
    mergers: list[Merger] = []
    merged_from: dict[str, int] = {}
    for node in _entries(doc, "mergers", top):
        where = top.at(node, "merger", str(node.get("from", "")) if isinstance(node, dict) else "")
        merger = parse_merger(node, where)
        if merger.from_code in merged_from:
            raise where.error(
                f"duplicate merger of {merger.from_code!r} (line {merged_from[merger.from_code]})"
            )
        merged_from[merger.from_code] = where.line
        mergers.append(merger)
    return mergers


def _indicators(
    doc: dict, top: Where, sources: dict[str, Source], themes: list[Theme], kinds: dict
) -> list[Indicator]:
    theme_ids = {t.id for t in themes}
    indicators: list[Indicator] = []
    seen: dict[str, int] = {}
    for node in _entries(doc, "indicators", top):
        _, where = entry_id(node, top, seen, "indicator")
        indicator = parse_indicator(node, where, kinds)
        _check_indicator(indicator, where, node, sources, theme_ids)
        indicators.append(indicator)
    return indicators


# --------------------------------------------------------------------------- loading


def parse_catalogue(text: str, file: str = "<string>") -> Catalogue:
    """Parse and check catalogue yaml text; `file` is used in error messages."""
    doc = load_yaml(text, file, CatalogueError)
    top = Where(file, "catalogue", "", 1, CatalogueError)
    check_mapping(doc, top, _TOP_KEYS)
    version = get_int(doc, "version", top)
    kinds = parse_bounds_kinds(doc["bounds"], top.at(doc["bounds"], "bounds"))
    completeness = parse_completeness(
        doc["completeness"], top.at(doc["completeness"], "completeness"), None
    )
    themes = _themes(doc, top)
    sources = _sources(doc, top, kinds)
    groups = _groups(doc, top, completeness)
    mergers = _mergers(doc, top)
    indicators = _indicators(doc, top, {s.id: s for s, _ in sources}, themes, kinds)
    duplicate = first_duplicate(doc)
    if duplicate:
        raise top.error(f"duplicate key {duplicate[0]!r}", duplicate[1])
    return Catalogue(
        themes=tuple(themes),
        sources=tuple(s for s, _ in sources),
        groups=tuple(groups),
        mergers=tuple(mergers),
        indicators=tuple(indicators),
        version=version,
        bounds=kinds,
        completeness=completeness,
    )


@functools.lru_cache(maxsize=16)
def _load_cached(path: str, mtime_ns: int) -> Catalogue:
    catalogue = parse_catalogue(Path(path).read_text(encoding="utf-8"), file=path)
    return replace(catalogue, path=Path(path))


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Load `indicators.yaml` (default `pipeline.DEFAULT_CATALOGUE`), cached by path and mtime."""
    resolved = Path(path if path is not None else pipeline.DEFAULT_CATALOGUE).resolve()
    try:
        mtime_ns = resolved.stat().st_mtime_ns
    except FileNotFoundError:
        raise CatalogueError(f"{resolved}: catalogue file not found") from None
    return _load_cached(str(resolved), mtime_ns)
