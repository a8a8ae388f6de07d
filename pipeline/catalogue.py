"""The indicator catalogue: `indicators.yaml` parsed once into frozen, checked objects.

Schema rules that are not obvious from the dataclasses:

- Variable ids are global: every variable id is declared by exactly one source, so formulas can
  name variables directly. The one exception is an *edition*: a source with `edition_of: <id>`
  is an older (or newer) release of the same table and may re-declare the variable ids of its
  base source (and only those; a subset is fine). `Catalogue.variable_source(v)` returns the base
  source; `Catalogue.variable_sources(v)` returns the base followed by its editions.
- An indicator lists one or more sources (`source: a` or `source: [a, b]`). Its formula, numerator,
  denominator and weight may name variables of any listed source (editions included). The
  warehouse stacks the listed sources' staging rows (the first listed source wins where two give
  the same variable, area and period), pivots them wide by (area_code, year, month) - monthly if
  any listed source is monthly, annual values then filling the months of their year - and
  evaluates the expressions row by row; rows where the formula is NULL are dropped.
- Expressions are SQL over variable ids, numbers, operators and the functions in
  `SQL_FUNCTIONS`; two period functions look across rows of the same area:
  `lag(x, n)` is x for the same area n periods earlier (years for annual series, months for
  monthly series), `at_year(x, y)` is x for the same area in year y.
- Group aggregation (`aggregation.rule`): `sum` of the formula, `ratio` =
  scale * sum(numerator) / sum(denominator), `weighted_mean` = sum(formula * weight) / sum(weight),
  `none` = not aggregated.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

import pipeline

LANGUAGES = ("fi", "sv", "en")
FORMATS = frozenset(
    {
        "keyfigures_xlsx",
        "keyfigures_csv",
        "csv",
        "jsonstat2",
        "pxweb_json",
        "geojson",
        "topojson",
        "classification_csv",
    }
)
AREA_LEVELS = frozenset({"municipality", "region", "country"})
PERIODS = frozenset({"year", "month", "none"})
DIRECTIONS = frozenset({"higher_is_better", "lower_is_better", "neutral"})
RULES = frozenset({"sum", "ratio", "weighted_mean", "none"})
GROUP_KINDS = frozenset({"list", "classification", "country"})
CLASSIFICATIONS = frozenset(
    {
        "maakunta",
        "seutukunta",
        "kuntaryhmitys",
        "avi",
        "ely",
        "hyvinvointialue",
        "suuralue",
        "tyollisyysalue",
        "kielisuhde",
    }
)
CSV_COLUMN_ROLES = frozenset({"area", "name", "period", "period_label", "value"})
PERIOD_FUNCTIONS = frozenset({"lag", "at_year"})
SQL_FUNCTIONS = frozenset(
    {
        "greatest",
        "least",
        "nullif",
        "coalesce",
        "abs",
        "round",
        "ln",
        "log10",
        "exp",
        "sqrt",
        "power",
        "sign",
        "floor",
        "ceil",
    }
    | PERIOD_FUNCTIONS
)
SQL_KEYWORDS = frozenset({"case", "when", "then", "else", "end", "and", "or", "not", "null", "is"})

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_MUNICIPALITY = re.compile(r"^\d{3}$")
_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op><=|>=|<>|!=|[-+*/%(),<>=]))"
)


class CatalogueError(ValueError):
    """The catalogue file is malformed; the message names the file, line and entry."""


# --------------------------------------------------------------------------- dataclasses


@dataclass(frozen=True)
class Text:
    """A translated string; all three languages are required."""

    fi: str
    sv: str
    en: str

    def get(self, lang: str = "fi") -> str:
        if lang not in LANGUAGES:
            raise KeyError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
        return getattr(self, lang)


@dataclass(frozen=True)
class Theme:
    id: str
    label: Text


@dataclass(frozen=True)
class PxWebSpec:
    """What `investin fetch` asks for.

    `selection` keys are dimension roles (`geo`, `time`, `metric`) or dimension label texts
    (`Ikä`, `Sukupuoli`); values are `"*"` or a tuple of value codes or labels.
    """

    database: str
    table: str
    legacy_table: str | None
    language: str
    selection: Mapping[str, str | tuple[str, ...]]


@dataclass(frozen=True)
class Variable:
    """A variable declared by a source.

    `selector` says where the value is found: the column label text before ", <unit>, <year>"
    (keyfigures_xlsx), the value column (csv), or the value code or label in the source's
    variable dimension (jsonstat2/pxweb_json; the metric dimension unless the source names
    `variable_dimension`). `filter` restricts other dimensions, values summed:
    `{Ikä: "000-014"}` (an inclusive code range in category order), a code, or a list of codes.
    """

    id: str
    selector: str
    source: str
    filter: Mapping[str, str | tuple[str, ...]]


@dataclass(frozen=True)
class Source:
    id: str
    title: Text
    file: str
    format: str
    table: str
    publisher: str
    licence: str
    updated: str | None
    division: int
    area_level: str
    period: str
    citation: str
    pxweb: PxWebSpec | None
    columns: Mapping[str, str]
    variables: tuple[Variable, ...]
    edition_of: str | None
    variable_dimension: str | None
    sheet: str | None
    note: Text | None

    def variable(self, variable_id: str) -> Variable:
        for var in self.variables:
            if var.id == variable_id:
                return var
        raise KeyError(f"source {self.id!r} has no variable {variable_id!r}")

    @property
    def variable_ids(self) -> tuple[str, ...]:
        return tuple(v.id for v in self.variables)

    @property
    def selectors(self) -> dict[str, str]:
        """Variable id → selector, the shape the readers take."""
        return {v.id: v.selector for v in self.variables}

    @property
    def filters(self) -> dict[str, dict[str, str | tuple[str, ...]]]:
        """Variable id → its dimension filter, for variables that have one."""
        return {v.id: dict(v.filter) for v in self.variables if v.filter}


@dataclass(frozen=True)
class Group:
    """A group of municipalities.

    kind `list`: `members` are municipality codes and the group's area code is its id;
    kind `classification`: one group per value of the 2025 classification column `by`, area code
    `code` + the value (e.g. `MK` + `01`); kind `country`: all municipalities, area code `code`.
    """

    id: str
    name: Text
    kind: str
    members: tuple[str, ...]
    by: str | None
    code: str


@dataclass(frozen=True)
class Merger:
    from_code: str
    to_code: str
    year: int
    name: str


@dataclass(frozen=True)
class Aggregation:
    rule: str
    numerator: str | None = None
    denominator: str | None = None
    weight: str | None = None
    scale: float = 1.0


@dataclass(frozen=True)
class Indicator:
    id: str
    theme: str
    label: Text
    description: Text
    unit: Text
    decimals: int
    direction: str
    sources: tuple[str, ...]
    formula: str
    aggregation: Aggregation
    citation: str

    @property
    def variables(self) -> tuple[str, ...]:
        """Variable ids named by the formula and the aggregation expressions, in order."""
        names: list[str] = []
        for expr in (
            self.formula,
            self.aggregation.numerator,
            self.aggregation.denominator,
            self.aggregation.weight,
        ):
            for name in expression_variables(expr or ""):
                if name not in names:
                    names.append(name)
        return tuple(names)


@dataclass(frozen=True)
class Catalogue:
    themes: tuple[Theme, ...]
    sources: tuple[Source, ...]
    groups: tuple[Group, ...]
    mergers: tuple[Merger, ...]
    indicators: tuple[Indicator, ...]
    version: int = 1
    path: Path | None = None

    def _find(self, items: Iterable[Any], item_id: str, kind: str) -> Any:
        for item in items:
            if item.id == item_id:
                return item
        raise KeyError(f"unknown {kind} {item_id!r} in the catalogue")

    def theme(self, theme_id: str) -> Theme:
        return self._find(self.themes, theme_id, "theme")

    def source(self, source_id: str) -> Source:
        return self._find(self.sources, source_id, "source")

    def indicator(self, indicator_id: str) -> Indicator:
        return self._find(self.indicators, indicator_id, "indicator")

    def group(self, group_id: str) -> Group:
        return self._find(self.groups, group_id, "group")

    def variable_source(self, variable_id: str) -> Source:
        """The source that declares `variable_id` (the base source for shared edition ids)."""
        return self.variable_sources(variable_id)[0]

    def variable_sources(self, variable_id: str) -> tuple[Source, ...]:
        """The base source declaring `variable_id`, then every edition re-declaring it."""
        found = [s for s in self.sources if variable_id in s.variable_ids]
        if not found:
            raise KeyError(f"unknown variable {variable_id!r} in the catalogue")
        return tuple(sorted(found, key=lambda s: s.edition_of is not None))

    def editions(self, source_id: str) -> tuple[Source, ...]:
        """Sources declaring `edition_of: source_id`."""
        return tuple(s for s in self.sources if s.edition_of == source_id)

    def indicators_of_theme(self, theme_id: str) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.theme == theme_id)


# --------------------------------------------------------------------------- expressions


def _tokens(expr: str) -> list[tuple[str, str]]:
    """Split an expression into (kind, text) tokens; raise ValueError on anything else."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = expr.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise ValueError(f"unexpected character {text[pos:].strip()[:1]!r} in {expr!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


def expression_variables(expr: str) -> tuple[str, ...]:
    """Identifiers in `expr` that are not SQL functions or keywords (i.e. variable ids)."""
    tokens = _tokens(expr)
    names: list[str] = []
    for index, (kind, text) in enumerate(tokens):
        if kind != "name" or text.lower() in SQL_KEYWORDS:
            continue
        is_call = index + 1 < len(tokens) and tokens[index + 1][1] == "("
        if is_call:
            continue
        if text not in names:
            names.append(text)
    return tuple(names)


def check_expression(expr: str, known: Iterable[str]) -> None:
    """Raise ValueError if `expr` names an unknown function or variable or is unbalanced."""
    tokens = _tokens(expr)
    if not tokens:
        raise ValueError("empty expression")
    depth = 0
    for index, (kind, text) in enumerate(tokens):
        if text == "(":
            depth += 1
        elif text == ")":
            depth -= 1
            if depth < 0:
                raise ValueError(f"unbalanced ')' in {expr!r}")
        if kind != "name" or text.lower() in SQL_KEYWORDS:
            continue
        is_call = index + 1 < len(tokens) and tokens[index + 1][1] == "("
        if is_call and text.lower() not in SQL_FUNCTIONS:
            raise ValueError(f"unknown function {text!r} in {expr!r}")
        if is_call and text.lower() in PERIOD_FUNCTIONS:
            shape = [
                kind if kind != "op" else value for kind, value in tokens[index + 1 : index + 6]
            ]
            if shape != ["(", "name", ",", "number", ")"]:
                raise ValueError(f"{text}() takes (variable, integer) in {expr!r}")
    if depth:
        raise ValueError(f"unbalanced '(' in {expr!r}")
    known_set = set(known)
    unknown = [name for name in expression_variables(expr) if name not in known_set]
    if unknown:
        raise ValueError(f"unknown variable {unknown[0]!r} in {expr!r}")


# --------------------------------------------------------------------------- yaml with lines


class _Map(dict):
    """A yaml mapping that remembers its line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]
    duplicates: list[tuple[str, int]]


class _List(list):
    line: int = 0


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """SafeLoader (libyaml's when available: ~10x faster, the same documents and marks) that
    records start marks and rejects duplicate keys."""


def _construct_map(loader: _LineLoader, node: yaml.MappingNode) -> _Map:
    loader.flatten_mapping(node)
    result = _Map()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    result.duplicates = []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in result:
            result.duplicates.append((key, line))
            continue
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _first_duplicate(node: Any) -> tuple[str, int] | None:
    """The first duplicate mapping key anywhere under `node` (yaml would keep the last)."""
    if isinstance(node, _Map):
        if node.duplicates:
            return node.duplicates[0]
        children = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        found = _first_duplicate(child)
        if found:
            return found
    return None


def _construct_list(loader: _LineLoader, node: yaml.SequenceNode) -> _List:
    result = _List(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_list)


# --------------------------------------------------------------------------- checking helpers


@dataclass(frozen=True)
class _Where:
    """Where an error is: file, entry kind and id, line."""

    file: str
    kind: str
    ident: str
    line: int

    def error(self, message: str, line: int | None = None) -> CatalogueError:
        entry = f"{self.kind} {self.ident!r}" if self.ident else self.kind
        return CatalogueError(f"{self.file}:{line or self.line}: {entry}: {message}")

    def with_line(self, line: int) -> _Where:
        return _Where(self.file, self.kind, self.ident, line or self.line)

    def at(self, node: Any, kind: str | None = None, ident: str | None = None) -> _Where:
        return _Where(
            self.file,
            kind or self.kind,
            self.ident if ident is None else ident,
            getattr(node, "line", self.line) or self.line,
        )


def _line_of(node: Any, key: str, default: int) -> int:
    return getattr(node, "key_lines", {}).get(key, getattr(node, "line", default) or default)


def _mapping(node: Any, where: _Where, required: Iterable[str], optional: Iterable[str] = ()):
    """Check that `node` is a mapping with all `required` keys and no keys outside both lists."""
    if not isinstance(node, dict):
        raise where.error(f"expected a mapping, got {type(node).__name__}")
    for key, line in getattr(node, "duplicates", ()):
        raise where.error(f"duplicate key {key!r}", line)
    allowed = set(required) | set(optional)
    for key in node:
        if key not in allowed:
            raise where.error(
                f"unknown key {key!r} (allowed: {', '.join(sorted(allowed))})",
                _line_of(node, str(key), where.line),
            )
    for key in required:
        if key not in node or node[key] is None:
            raise where.error(f"missing required key {key!r}")
    return node


def _value_and_line(node: Any, key: str, where: _Where, *, required: bool) -> tuple[Any, int]:
    """The value at `key` (None when absent) and its line; a missing required key is an error."""
    value = node.get(key)
    line = _line_of(node, key, where.line)
    if value is None and required:
        raise where.error(f"missing required key {key!r}", line)
    return value, line


def _str(node: Any, key: str, where: _Where, *, required: bool = True) -> str | None:
    value, line = _value_and_line(node, key, where, required=required)
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise where.error(f"{key!r} must be a string, got {type(value).__name__}", line)
    text = str(value).strip()
    if not text:
        raise where.error(f"{key!r} is empty", line)
    return text


def _int(node: Any, key: str, where: _Where) -> int:
    value = node.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise where.error(f"{key!r} must be an integer, got {value!r}", _line_of(node, key, 0))
    return value


def _enum(node: Any, key: str, where: _Where, allowed: frozenset[str]) -> str:
    value = _str(node, key, where)
    if value not in allowed:
        raise where.error(
            f"invalid {key} {value!r} (allowed: {', '.join(sorted(allowed))})",
            _line_of(node, key, where.line),
        )
    return value


def _text(node: Any, key: str, where: _Where, *, required: bool = True) -> Text | None:
    value, line = _value_and_line(node, key, where, required=required)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise where.error(f"{key!r} must be a mapping of fi, sv and en", line)
    inner = _Where(where.file, where.kind, where.ident, getattr(value, "line", line))
    for lang, dup_line in getattr(value, "duplicates", ()):
        raise inner.error(f"duplicate key {lang!r} in {key!r}", dup_line)
    for lang in value:
        if lang not in LANGUAGES:
            raise inner.error(f"unknown language {lang!r} in {key!r}", _line_of(value, lang, line))
    texts = {}
    for lang in LANGUAGES:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            raise inner.error(f"missing or empty {lang!r} translation of {key!r}")
        texts[lang] = text.strip()
    return Text(**texts)


def _id(node: Any, where: _Where, seen: dict[str, int], kind: str) -> tuple[str, _Where]:
    """Read and check an entry's id; return it with a `_Where` for the entry."""
    entry = where.at(node, kind, "")
    if not isinstance(node, dict):
        raise entry.error(f"expected a mapping, got {type(node).__name__}")
    ident = node.get("id")
    if not isinstance(ident, str) or not _ID.match(ident):
        raise entry.error(f"id {ident!r} must be lower-case letters, digits and underscores")
    entry = entry.at(node, kind, ident)
    if ident in seen:
        raise entry.error(f"duplicate {kind} id (first defined on line {seen[ident]})")
    seen[ident] = entry.line
    return ident, entry


def _codes(value: Any, where: _Where, key: str) -> str | tuple[str, ...]:
    """A selection or filter value: "*", one code, label or range "a-b", or a list of codes."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list) and value and all(isinstance(v, str | int) for v in value):
        return tuple(str(v) for v in value)
    raise where.error(f"{key!r} must be '*', a code or a non-empty list of codes, got {value!r}")


def _frozen_map(items: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(items))


# --------------------------------------------------------------------------- entries

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
)


def _pxweb(node: Any, where: _Where) -> PxWebSpec | None:
    if node is None:
        return None
    here = where.at(node)
    _mapping(node, here, ("database", "table", "language", "selection"), ("legacy_table",))
    language = _enum(node, "language", here, frozenset(LANGUAGES))
    selection = node["selection"]
    if not isinstance(selection, dict) or not selection:
        raise here.error(
            "pxweb 'selection' must be a non-empty mapping", _line_of(node, "selection", 0)
        )
    sel_where = here.at(selection)
    return PxWebSpec(
        database=_str(node, "database", here),
        table=_str(node, "table", here),
        legacy_table=_str(node, "legacy_table", here, required=False),
        language=language,
        selection=_frozen_map(
            {str(k): _codes(v, sel_where.at(selection), str(k)) for k, v in selection.items()}
        ),
    )


def _variable(var_id: Any, spec: Any, source_id: str, where: _Where) -> Variable:
    if not isinstance(var_id, str) or not _ID.match(var_id):
        raise where.error(
            f"variable id {var_id!r} must be lower-case letters, digits and underscores"
        )
    if isinstance(spec, str) and spec.strip():
        return Variable(var_id, spec.strip(), source_id, _frozen_map({}))
    if isinstance(spec, dict):
        here = where.at(spec, "variable", var_id)
        _mapping(spec, here, ("selector",), ("filter",))
        filters = spec.get("filter") or {}
        if not isinstance(filters, dict):
            raise here.error("'filter' must be a mapping of dimension to codes")
        frozen = {str(k): _codes(v, here, str(k)) for k, v in filters.items()}
        return Variable(var_id, _str(spec, "selector", here), source_id, _frozen_map(frozen))
    raise where.error(f"variable {var_id!r}: selector must be a non-empty string or a mapping")


def _source(node: Any, where: _Where) -> Source:
    _mapping(node, where, _SOURCE_REQUIRED, _SOURCE_OPTIONAL)
    fmt = _enum(node, "format", where, FORMATS)
    columns = node.get("columns") or {}
    if not isinstance(columns, dict):
        raise where.error("'columns' must be a mapping", _line_of(node, "columns", 0))
    for role, column in columns.items():
        if role not in CSV_COLUMN_ROLES:
            raise where.error(
                f"unknown column role {role!r} (allowed: {', '.join(sorted(CSV_COLUMN_ROLES))})",
                _line_of(columns, str(role), where.line),
            )
        if not isinstance(column, str) or not column:
            raise where.error(f"column {role!r} must name a column", _line_of(columns, role, 0))
    if fmt == "csv" and not ({"area", "name"} & set(columns)):
        raise where.error("a csv source needs 'columns' naming its 'area' (code) or 'name' column")
    variables_node = node.get("variables") or {}
    if not isinstance(variables_node, dict):
        raise where.error("'variables' must be a mapping of variable id to selector")
    for key, line in getattr(variables_node, "duplicates", ()):
        raise where.error(f"duplicate variable id {key!r} within the source", line)
    variables = tuple(
        _variable(
            key, spec, where.ident, where.at(None).with_line(_line_of(variables_node, key, 0))
        )
        for key, spec in variables_node.items()
    )
    return Source(
        id=where.ident,
        title=_text(node, "title", where),
        file=_str(node, "file", where),
        format=fmt,
        table=_str(node, "table", where),
        publisher=_str(node, "publisher", where),
        licence=_str(node, "licence", where),
        updated=_str(node, "updated", where, required=False),
        division=_int(node, "division", where),
        area_level=_enum(node, "area_level", where, AREA_LEVELS),
        period=_enum(node, "period", where, PERIODS),
        citation=_str(node, "citation", where),
        pxweb=_pxweb(node.get("pxweb"), where),
        columns=_frozen_map(columns),
        variables=variables,
        edition_of=_str(node, "edition_of", where, required=False),
        variable_dimension=_str(node, "variable_dimension", where, required=False),
        sheet=_str(node, "sheet", where, required=False),
        note=_text(node, "note", where, required=False),
    )


def _group(node: Any, where: _Where) -> Group:
    _mapping(node, where, ("id", "name"), ("kind", "members", "by", "code"))
    name = _text(node, "name", where)
    if "kind" in node:
        kind = _enum(node, "kind", where, GROUP_KINDS)
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
            raise where.error("a list group cannot have 'by'", _line_of(node, "by", 0))
    elif kind == "classification":
        by = _enum(node, "by", where, CLASSIFICATIONS)
        code = _str(node, "code", where)
        if "members" in node:
            raise where.error(
                "a classification group cannot list 'members'", _line_of(node, "members", 0)
            )
    else:
        code = _str(node, "code", where)
        if "members" in node or "by" in node:
            raise where.error("a country group takes neither 'members' nor 'by'")
    return Group(id=where.ident, name=name, kind=kind, members=members, by=by, code=code)


def _merger(node: Any, where: _Where) -> Merger:
    _mapping(node, where, ("from", "to", "year"), ("name",))
    codes = []
    for key in ("from", "to"):
        value = node[key]
        if not isinstance(value, str) or not _MUNICIPALITY.match(value):
            raise where.error(
                f"{key!r} {value!r} is not a three-digit municipality code (quote it)",
                _line_of(node, key, where.line),
            )
        codes.append(value)
    if codes[0] == codes[1]:
        raise where.error("a municipality cannot merge into itself")
    return Merger(
        codes[0],
        codes[1],
        _int(node, "year", where),
        _str(node, "name", where, required=False) or "",
    )


def _aggregation(node: Any, where: _Where) -> Aggregation:
    here = where.at(node) if isinstance(node, dict) else where
    _mapping(node, here, ("rule",), ("numerator", "denominator", "weight", "scale"))
    rule = _enum(node, "rule", here, RULES)
    numerator = _str(node, "numerator", here, required=False)
    denominator = _str(node, "denominator", here, required=False)
    weight = _str(node, "weight", here, required=False)
    scale = node.get("scale", 1)
    if isinstance(scale, bool) or not isinstance(scale, int | float) or scale == 0:
        raise here.error(
            f"'scale' must be a non-zero number, got {scale!r}", _line_of(node, "scale", 0)
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


def _indicator(node: Any, where: _Where) -> Indicator:
    _mapping(node, where, _INDICATOR_KEYS)
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
            "'source' must be a source id or a list of ids", _line_of(node, "source", 0)
        )
    decimals = _int(node, "decimals", where)
    if not 0 <= decimals <= 6:
        raise where.error(f"'decimals' must be 0..6, got {decimals}", _line_of(node, "decimals", 0))
    return Indicator(
        id=where.ident,
        theme=_str(node, "theme", where),
        label=_text(node, "label", where),
        description=_text(node, "description", where),
        unit=_text(node, "unit", where),
        decimals=decimals,
        direction=_enum(node, "direction", where, DIRECTIONS),
        sources=sources,
        formula=_str(node, "formula", where),
        aggregation=_aggregation(node["aggregation"], where.at(node["aggregation"])),
        citation=_str(node, "citation", where),
    )


# --------------------------------------------------------------------------- cross-checks


def _check_variables(sources: list[tuple[Source, _Where]]) -> None:
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
        seen: set[str] = set()
        for var in source.variables:
            if var.id not in base.variable_ids:
                raise where.error(
                    f"variable {var.id!r} is not declared by its base source {base.id!r}"
                    " (an edition may only re-declare the base's variable ids)"
                )
            seen.add(var.id)


def _check_indicator(
    ind: Indicator, where: _Where, node: Any, catalogue_sources: dict[str, Source], themes: set[str]
) -> None:
    if ind.theme not in themes:
        raise where.error(
            f"theme {ind.theme!r} is not declared under 'themes'", _line_of(node, "theme", 0)
        )
    known: set[str] = set()
    for source_id in ind.sources:
        source = catalogue_sources.get(source_id)
        if source is None:
            raise where.error(f"unknown source {source_id!r}", _line_of(node, "source", 0))
        known.update(source.variable_ids)
    agg_node = node["aggregation"]
    for key, expr, line in (
        ("formula", ind.formula, _line_of(node, "formula", where.line)),
        ("numerator", ind.aggregation.numerator, _line_of(agg_node, "numerator", where.line)),
        ("denominator", ind.aggregation.denominator, _line_of(agg_node, "denominator", where.line)),
        ("weight", ind.aggregation.weight, _line_of(agg_node, "weight", where.line)),
    ):
        if expr is None:
            continue
        try:
            check_expression(expr, known)
        except ValueError as exc:
            listed = ", ".join(ind.sources)
            raise where.error(f"{key}: {exc} (variables of sources {listed})", line) from None


# --------------------------------------------------------------------------- loading

_TOP_KEYS = ("version", "themes", "sources", "groups", "mergers", "indicators")


def _entries(doc: dict, key: str, where: _Where) -> list:
    value = doc.get(key)
    if not isinstance(value, list):
        raise where.error(f"top-level {key!r} must be a list", _line_of(doc, key, 1))
    return value


def parse_catalogue(text: str, file: str = "<string>") -> Catalogue:
    """Parse and check catalogue yaml text; `file` is used in error messages."""
    try:
        doc = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{file}: invalid yaml: {exc}") from None
    top = _Where(file, "catalogue", "", 1)
    _mapping(doc, top, _TOP_KEYS)
    version = _int(doc, "version", top)

    themes: list[Theme] = []
    seen: dict[str, int] = {}
    for node in _entries(doc, "themes", top):
        ident, where = _id(node, top, seen, "theme")
        _mapping(node, where, ("id", "label"))
        themes.append(Theme(ident, _text(node, "label", where)))

    sources: list[tuple[Source, _Where]] = []
    seen = {}
    for node in _entries(doc, "sources", top):
        _, where = _id(node, top, seen, "source")
        sources.append((_source(node, where), where))
    _check_variables(sources)

    groups: list[Group] = []
    seen = {}
    for node in _entries(doc, "groups", top):
        _, where = _id(node, top, seen, "group")
        groups.append(_group(node, where))

    mergers: list[Merger] = []
    merged_from: dict[str, int] = {}
    for node in _entries(doc, "mergers", top):
        where = top.at(node, "merger", str(node.get("from", "")) if isinstance(node, dict) else "")
        merger = _merger(node, where)
        if merger.from_code in merged_from:
            raise where.error(
                f"duplicate merger of {merger.from_code!r} (line {merged_from[merger.from_code]})"
            )
        merged_from[merger.from_code] = where.line
        mergers.append(merger)

    source_map = {s.id: s for s, _ in sources}
    theme_ids = {t.id for t in themes}
    indicators: list[Indicator] = []
    seen = {}
    for node in _entries(doc, "indicators", top):
        _, where = _id(node, top, seen, "indicator")
        indicator = _indicator(node, where)
        _check_indicator(indicator, where, node, source_map, theme_ids)
        indicators.append(indicator)

    duplicate = _first_duplicate(doc)
    if duplicate:
        raise top.error(f"duplicate key {duplicate[0]!r}", duplicate[1])

    return Catalogue(
        themes=tuple(themes),
        sources=tuple(s for s, _ in sources),
        groups=tuple(groups),
        mergers=tuple(mergers),
        indicators=tuple(indicators),
        version=version,
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
