"""Parsers for the catalogue's entries (a source with its pxweb query and variables, a group, a
merger, an indicator with its aggregation), each checked with the line at fault."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pipeline.catalogue.limits import parse_bounds, parse_completeness
from pipeline.catalogue.model import (
    AREA_LEVELS,
    CLASSIFICATIONS,
    COLUMN_ROLES,
    CSV_COLUMN_ROLES,
    DIRECTIONS,
    FORMATS,
    GROUP_KINDS,
    LANGUAGES,
    PERIODS,
    REFERENCE_YEARS,
    RULES,
    Aggregation,
    Bounds,
    Completeness,
    Group,
    Indicator,
    Merger,
    PxWebSpec,
    Source,
    Variable,
)
from pipeline.catalogue.yamlfile import (
    ID_PATTERN,
    Where,
    check_mapping,
    frozen_map,
    get_codes,
    get_encoding,
    get_enum,
    get_int,
    get_str,
    get_text,
    line_of,
)

_MUNICIPALITY = re.compile(r"^\d{3}$")

_SOURCE_REQUIRED = (
    "id",
    "title",
    "file",
    "format",
    "table",
    "publisher",
    "licence",
    "division",
    "area_level",
    "period",
    "citation",
)
_SOURCE_OPTIONAL = (
    "updated",
    "pxweb",
    "columns",
    "variables",
    "edition_of",
    "variable_dimension",
    "sheet",
    "note",
    "encoding",
    "reference_year",
)


def parse_pxweb(node: Any, where: Where) -> PxWebSpec | None:
    if node is None:
        return None
    here = where.at(node)
    check_mapping(node, here, ("database", "table", "language", "selection"), ("legacy_table",))
    language = get_enum(node, "language", here, frozenset(LANGUAGES))
    selection = node["selection"]
    if not isinstance(selection, dict) or not selection:
        raise here.error(
            "pxweb 'selection' must be a non-empty mapping", line_of(node, "selection", 0)
        )
    sel_where = here.at(selection)
    return PxWebSpec(
        database=get_str(node, "database", here),
        table=get_str(node, "table", here),
        legacy_table=get_str(node, "legacy_table", here, required=False),
        language=language,
        selection=frozen_map(
            {str(k): _selected(v, sel_where.at(selection), str(k)) for k, v in selection.items()}
        ),
    )


def _selected(value: Any, where: Where, key: str) -> Any:
    """A selection value: as `get_codes`, or `{top: n}` (the last n values, e.g. the newest
    years, so a refresh follows the table forward)."""
    if isinstance(value, dict):
        top = value.get("top")
        if set(value) != {"top"} or isinstance(top, bool) or not isinstance(top, int) or top < 1:
            raise where.error(f"{key!r}: a mapping selection must be {{top: n}} with n >= 1")
        return frozen_map({"top": top})
    return get_codes(value, where, key)


def parse_variable(
    var_id: Any, spec: Any, source_id: str, where: Where, kinds: Mapping[str, Bounds]
) -> Variable:
    """`id: selector` or `id: {selector, filter, bounds}`; bounds are checked by the loader
    (required on a base source's variables, taken from the base on an edition's)."""
    if not isinstance(var_id, str) or not ID_PATTERN.match(var_id):
        raise where.error(
            f"variable id {var_id!r} must be lower-case letters, digits and underscores"
        )
    if isinstance(spec, str) and spec.strip():
        return Variable(var_id, spec.strip(), source_id, frozen_map({}))
    if isinstance(spec, dict):
        here = where.at(spec, "variable", var_id)
        check_mapping(spec, here, ("selector",), ("filter", "bounds"))
        filters = spec.get("filter") or {}
        if not isinstance(filters, dict):
            raise here.error("'filter' must be a mapping of dimension to codes")
        frozen = {str(k): get_codes(v, here, str(k)) for k, v in filters.items()}
        return Variable(
            var_id,
            get_str(spec, "selector", here),
            source_id,
            frozen_map(frozen),
            parse_bounds(spec, "bounds", here, kinds, required=False),
        )
    raise where.error(f"variable {var_id!r}: selector must be a non-empty string or a mapping")


def _parse_columns(node: Any, where: Where, fmt: str) -> dict:
    columns = node.get("columns") or {}
    if not isinstance(columns, dict):
        raise where.error("'columns' must be a mapping", line_of(node, "columns", 0))
    allowed = COLUMN_ROLES.get(fmt, CSV_COLUMN_ROLES - {"category"})
    for role, column in columns.items():
        if role not in allowed:
            raise where.error(
                f"unknown column role {role!r} (allowed: {', '.join(sorted(allowed))})",
                line_of(columns, str(role), where.line),
            )
        if not isinstance(column, str) or not column:
            raise where.error(f"column {role!r} must name a column", line_of(columns, role, 0))
    if fmt == "csv" and not ({"area", "name"} & set(columns)):
        raise where.error("a csv source needs 'columns' naming its 'area' (code) or 'name' column")
    if fmt == "paavo_csv" and ("name" not in columns or "reference_year" not in node):
        raise where.error(
            "a paavo_csv source needs 'columns' naming its 'name' column and a 'reference_year'"
        )
    if fmt == "pxweb_xlsx" and set(columns) != COLUMN_ROLES["pxweb_xlsx"]:
        raise where.error("a pxweb_xlsx source needs 'columns' naming 'name', 'category', 'period'")
    if fmt == "category_csv" and not {"name", "value"} <= set(columns):
        raise where.error("a category_csv source needs 'columns' naming its 'name' and 'value'")
    return columns


def _reference_year(node: Any, where: Where, fmt: str, columns: dict) -> int | None:
    """category_csv only: the year of a file without a period column; required when the
    columns name no period, and then the source's period is `year`."""
    if "reference_year" not in node:
        if fmt == "category_csv" and "period" not in columns:
            raise where.error(
                "a category_csv source without a 'period' column needs 'reference_year' "
                "(the year its figures are for)"
            )
        return None
    line = line_of(node, "reference_year", where.line)
    if fmt not in ("category_csv", "paavo_csv"):
        raise where.error("'reference_year' is only for category_csv and paavo_csv sources", line)
    year = get_int(node, "reference_year", where)
    if year not in REFERENCE_YEARS:
        raise where.error(f"'reference_year' {year} is not a year 1900..2100", line)
    if node.get("period") != "year":
        raise where.error("a source with 'reference_year' must have period: year", line)
    return year


def _check_category_filters(variables: tuple[Variable, ...], columns: dict, where: Where):
    """A category_csv variable filters only its category column (the sum over those labels)."""
    for var in variables:
        for key in var.filter:
            if key != columns.get("category"):
                raise where.error(
                    f"variable {var.id!r}: filter {key!r} must be the category column "
                    f"{columns.get('category')!r}"
                )


def parse_source(node: Any, where: Where, kinds: Mapping[str, Bounds]) -> Source:
    check_mapping(node, where, _SOURCE_REQUIRED, _SOURCE_OPTIONAL)
    fmt = get_enum(node, "format", where, FORMATS)
    columns = _parse_columns(node, where, fmt)
    reference_year = _reference_year(node, where, fmt, columns)
    variables_node = node.get("variables") or {}
    if not isinstance(variables_node, dict):
        raise where.error("'variables' must be a mapping of variable id to selector")
    for key, line in getattr(variables_node, "duplicates", ()):
        raise where.error(f"duplicate variable id {key!r} within the source", line)
    variables = tuple(
        parse_variable(
            key,
            spec,
            where.ident,
            where.at(None).with_line(line_of(variables_node, key, 0)),
            kinds,
        )
        for key, spec in variables_node.items()
    )
    if fmt == "category_csv":
        _check_category_filters(variables, columns, where)
    return Source(
        id=where.ident,
        title=get_text(node, "title", where),
        file=get_str(node, "file", where),
        format=fmt,
        table=get_str(node, "table", where),
        publisher=get_str(node, "publisher", where),
        licence=get_str(node, "licence", where),
        updated=get_str(node, "updated", where, required=False),
        division=get_int(node, "division", where),
        area_level=get_enum(node, "area_level", where, AREA_LEVELS),
        period=get_enum(node, "period", where, PERIODS),
        citation=get_str(node, "citation", where),
        pxweb=parse_pxweb(node.get("pxweb"), where),
        columns=frozen_map(columns),
        variables=variables,
        edition_of=get_str(node, "edition_of", where, required=False),
        variable_dimension=get_str(node, "variable_dimension", where, required=False),
        sheet=get_str(node, "sheet", where, required=False),
        note=get_text(node, "note", where, required=False),
        encoding=get_encoding(node, "encoding", where),
        reference_year=reference_year,
    )


def parse_group(node: Any, where: Where, default: Completeness) -> Group:
    """A group; its `completeness` rule overrides the keys it gives of the `default`."""
    check_mapping(node, where, ("id", "name"), ("kind", "members", "by", "code", "completeness"))
    name = get_text(node, "name", where)
    if "kind" in node:
        kind = get_enum(node, "kind", where, GROUP_KINDS)
    elif "members" in node:
        kind = "list"
    elif "by" in node:
        kind = "classification"
    else:
        raise where.error(
            "a group needs 'members' (kind list), 'by' (classification) or kind country"
        )
    members: tuple[str, ...] = ()
    by = None
    code = where.ident
    if kind == "list":
        raw = node.get("members")
        if not isinstance(raw, list) or not raw:
            raise where.error("a list group needs a non-empty 'members' list")
        for member in raw:
            if not isinstance(member, str) or not _MUNICIPALITY.match(member):
                raise where.error(
                    f'member {member!r} is not a three-digit municipality code (quote it: "091")',
                    getattr(raw, "line", where.line),
                )
        if len(set(raw)) != len(raw):
            dup = next(m for m in raw if raw.count(m) > 1)
            raise where.error(f"member {dup!r} listed twice", getattr(raw, "line", where.line))
        members = tuple(raw)
        if "by" in node:
            raise where.error("a list group cannot have 'by'", line_of(node, "by", 0))
    elif kind == "classification":
        by = get_enum(node, "by", where, CLASSIFICATIONS)
        code = get_str(node, "code", where)
        if "members" in node:
            raise where.error(
                "a classification group cannot list 'members'", line_of(node, "members", 0)
            )
    else:
        code = get_str(node, "code", where)
        if "members" in node or "by" in node:
            raise where.error("a country group takes neither 'members' nor 'by'")
    completeness = default
    if node.get("completeness") is not None:
        completeness = parse_completeness(node["completeness"], where, default)
    return Group(
        id=where.ident,
        name=name,
        kind=kind,
        members=members,
        by=by,
        code=code,
        completeness=completeness,
    )


def parse_merger(node: Any, where: Where) -> Merger:
    check_mapping(node, where, ("from", "to", "year"), ("name",))
    codes = []
    for key in ("from", "to"):
        value = node[key]
        if not isinstance(value, str) or not _MUNICIPALITY.match(value):
            raise where.error(
                f"{key!r} {value!r} is not a three-digit municipality code (quote it)",
                line_of(node, key, where.line),
            )
        codes.append(value)
    if codes[0] == codes[1]:
        raise where.error("a municipality cannot merge into itself")
    return Merger(
        codes[0],
        codes[1],
        get_int(node, "year", where),
        get_str(node, "name", where, required=False) or "",
    )


def parse_aggregation(node: Any, where: Where) -> Aggregation:
    here = where.at(node) if isinstance(node, dict) else where
    check_mapping(node, here, ("rule",), ("numerator", "denominator", "weight", "scale"))
    rule = get_enum(node, "rule", here, RULES)
    numerator = get_str(node, "numerator", here, required=False)
    denominator = get_str(node, "denominator", here, required=False)
    weight = get_str(node, "weight", here, required=False)
    scale = node.get("scale", 1)
    if isinstance(scale, bool) or not isinstance(scale, int | float) or scale == 0:
        raise here.error(
            f"'scale' must be a non-zero number, got {scale!r}", line_of(node, "scale", 0)
        )
    if rule == "ratio" and not (numerator and denominator):
        raise here.error("rule 'ratio' needs both 'numerator' and 'denominator'")
    if rule == "weighted_mean" and not weight:
        raise here.error("rule 'weighted_mean' needs a 'weight'")
    if rule != "ratio" and (numerator or denominator or "scale" in node):
        raise here.error(f"rule {rule!r} takes no numerator, denominator or scale")
    if rule != "weighted_mean" and weight:
        raise here.error(f"rule {rule!r} takes no weight")
    return Aggregation(rule, numerator, denominator, weight, float(scale))


_INDICATOR_KEYS = (
    "id",
    "theme",
    "label",
    "description",
    "unit",
    "decimals",
    "direction",
    "source",
    "formula",
    "aggregation",
    "citation",
)


def parse_indicator(node: Any, where: Where, kinds: Mapping[str, Bounds]) -> Indicator:
    check_mapping(node, where, _INDICATOR_KEYS, ("bounds",))  # bounds: required, own message
    raw_sources = node["source"]
    if isinstance(raw_sources, str):
        sources = (raw_sources,)
    elif (
        isinstance(raw_sources, list)
        and raw_sources
        and all(isinstance(s, str) for s in raw_sources)
    ):
        sources = tuple(raw_sources)
    else:
        raise where.error(
            "'source' must be a source id or a list of ids", line_of(node, "source", 0)
        )
    decimals = get_int(node, "decimals", where)
    if not 0 <= decimals <= 6:
        raise where.error(f"'decimals' must be 0..6, got {decimals}", line_of(node, "decimals", 0))
    return Indicator(
        id=where.ident,
        theme=get_str(node, "theme", where),
        label=get_text(node, "label", where),
        description=get_text(node, "description", where),
        unit=get_text(node, "unit", where),
        decimals=decimals,
        direction=get_enum(node, "direction", where, DIRECTIONS),
        sources=sources,
        formula=get_str(node, "formula", where),
        aggregation=parse_aggregation(node["aggregation"], where.at(node["aggregation"])),
        citation=get_str(node, "citation", where),
        bounds=parse_bounds(node, "bounds", where, kinds),
    )
