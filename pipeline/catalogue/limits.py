"""Parsers for the catalogue's plausibility limits (`bounds`) and group completeness rule.

`bounds:` (top level) names kinds of limits once, e.g. `share: {min: 0, max: 100}`; every
indicator and every variable of a base source then says `bounds: share` (a kind) or gives its
own `{min, max, change_factor}`. An edition's variables take their base's bounds. The build
checks them on staging and core rows (`pipeline.build.schemas`).

`completeness:` (top level, and optionally per group) says what becomes of a group value whose
members do not all have a value: see `Completeness`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from pipeline.catalogue.model import Bounds, Completeness
from pipeline.catalogue.yamlfile import ID_PATTERN, Where, check_mapping, frozen_map, line_of

_BOUNDS_KEYS = ("min", "max")
_BOUNDS_OPTIONAL = ("change_factor",)


def _number(node: Any, key: str, where: Where) -> float:
    value = node.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise where.error(
            f"{key!r} must be a finite number, got {value!r}", line_of(node, key, where.line)
        )
    return float(value)


def _limits(node: Any, where: Where, kind: str | None) -> Bounds:
    """`{min, max[, change_factor]}` as `Bounds` (`kind` is the kind's name, if a kind)."""
    here = where.at(node)
    check_mapping(node, here, _BOUNDS_KEYS, _BOUNDS_OPTIONAL)
    low, high = _number(node, "min", here), _number(node, "max", here)
    if low >= high:
        raise here.error(f"bounds 'min' {low:g} must be below 'max' {high:g}")
    factor = None
    if node.get("change_factor") is not None:
        factor = _number(node, "change_factor", here)
        if factor <= 1:
            raise here.error(
                f"'change_factor' must be above 1 (a year-on-year ratio), got {factor:g}",
                line_of(node, "change_factor", here.line),
            )
    return Bounds(low, high, factor, kind)


def parse_bounds_kinds(node: Any, where: Where) -> Mapping[str, Bounds]:
    """The top-level `bounds:` mapping of kind name → `{min, max[, change_factor]}`."""
    if not isinstance(node, dict) or not node:
        raise where.error("top-level 'bounds' must be a non-empty mapping of kind → limits")
    kinds = {}
    for name, spec in node.items():
        here = where.at(spec, "bounds kind", str(name)).with_line(line_of(node, str(name), 0))
        if not isinstance(name, str) or not ID_PATTERN.match(name):
            raise here.error(f"kind {name!r} must be lower-case letters, digits and underscores")
        kinds[name] = _limits(spec, here, name)
    return frozen_map(kinds)


def parse_bounds(
    node: Any, key: str, where: Where, kinds: Mapping[str, Bounds], *, required: bool = True
) -> Bounds | None:
    """The `bounds` at `node[key]`: a declared kind's name or an inline `{min, max, ...}`."""
    value = node.get(key)
    line = line_of(node, key, where.line)
    if value is None:
        if required:
            raise where.error(
                f"missing required key {key!r} (a kind of the top-level 'bounds': "
                f"{', '.join(sorted(kinds))}, or {{min: ..., max: ...}})",
                line,
            )
        return None
    if isinstance(value, str):
        if value not in kinds:
            raise where.error(
                f"unknown bounds kind {value!r} (declared: {', '.join(sorted(kinds))})", line
            )
        return kinds[value]
    if isinstance(value, dict):
        return _limits(value, where.with_line(line), None)
    raise where.error(f"'bounds' must be a kind name or a mapping, got {value!r}", line)


def parse_completeness(node: Any, where: Where, default: Completeness | None) -> Completeness:
    """`{min_share, show_partial}`; keys left out take `default` (required when it is None)."""
    here = where.at(node)
    required = ("min_share", "show_partial") if default is None else ()
    check_mapping(node, here, required, ("min_share", "show_partial"))
    share = default.min_share if default is not None else 1.0
    if "min_share" in node:
        share = _number(node, "min_share", here)
        if not 0 < share <= 1:
            raise here.error(
                f"'min_share' must be in (0, 1], got {share:g}",
                line_of(node, "min_share", here.line),
            )
    show = default.show_partial if default is not None else True
    if "show_partial" in node:
        show = node["show_partial"]
        if not isinstance(show, bool):
            raise here.error(
                f"'show_partial' must be true or false, got {show!r}",
                line_of(node, "show_partial", here.line),
            )
    return Completeness(share, show)
