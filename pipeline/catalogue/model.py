"""The catalogue's frozen objects: themes, sources and their variables, groups, mergers,
indicators and their aggregation rules, and the allowed values of their enumerated fields."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.catalogue.expressions import expression_variables

LANGUAGES = ("fi", "sv", "en")
FORMATS = frozenset(
    {
        "keyfigures_xlsx",
        "keyfigures_csv",
        "keyfigures_series_csv",
        "csv",
        "category_csv",
        "jsonstat2",
        "pxweb_json",
        "geojson",
        "topojson",
        "classification_csv",
        "paavo_csv",
        "eurostat_csv",
        "pxweb_xlsx",
    }
)
# `nuts`: Eurostat's NUTS-coded areas (the country, NUTS 2 = large regions, NUTS 3 = maakunnat).
AREA_LEVELS = frozenset({"municipality", "region", "subregion", "country", "nuts"})
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
CSV_COLUMN_ROLES = frozenset({"area", "name", "category", "period", "period_label", "value"})
# The column roles a category_csv takes (name and value required).
CATEGORY_COLUMN_ROLES = frozenset({"name", "category", "period", "value"})
# The column roles of the formats whose `columns` differ from a tidy csv's (eurostat_csv: the
# reader requires all four; pxweb_xlsx: the stub columns, all three required).
COLUMN_ROLES = {
    "category_csv": CATEGORY_COLUMN_ROLES,
    "eurostat_csv": frozenset({"area", "category", "period", "value"}),
    "pxweb_xlsx": frozenset({"name", "category", "period"}),
}
REFERENCE_YEARS = range(1900, 2101)


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
class Bounds:
    """Plausibility limits of a value, checked on every row the build makes.

    `min` <= value <= `max` (municipalities and groups alike, so a count's ceiling is well
    above the whole country's); with `change_factor`, a positive value and the same area's
    positive value one year earlier (the same month, for a monthly series) are within that
    factor of each other. `kind` names the catalogue's bounds kind they come from (None:
    declared inline on the entry).
    """

    min: float
    max: float
    change_factor: float | None = None
    kind: str | None = None

    @property
    def range_text(self) -> str:
        return f"{_number(self.min)}..{_number(self.max)}"

    @property
    def change_text(self) -> str:
        return "" if self.change_factor is None else f"year on year within x{self.change_factor:g}"

    @property
    def origin(self) -> str:
        return f"kind {self.kind}" if self.kind else "declared inline"

    def describe(self) -> str:
        """E.g. `0..10,000,000, year on year within x2 (kind population)`."""
        parts = ", ".join(filter(None, [self.range_text, self.change_text]))
        return f"{parts} ({self.origin})"


def _number(value: float) -> str:
    value = float(value)
    return f"{int(value):,}" if value.is_integer() and abs(value) < 1e15 else f"{value:g}"


@dataclass(frozen=True)
class Completeness:
    """What becomes of a group value whose members do not all have a value.

    The value is complete when at least `min_share` of the group's members have one
    (`n_values >= min_share * n_members`). One short of that is kept with `complete = false`
    in `core.group_values` (to be shown as "307 of 308 municipalities") when `show_partial`,
    else left out (the publisher's own figure for the group, if any, stands instead).
    """

    min_share: float = 1.0
    show_partial: bool = True


@dataclass(frozen=True)
class Variable:
    """A variable declared by a source.

    `selector` says where the value is found: the column label text before ", <unit>, <year>"
    (keyfigures_xlsx), the value column (csv), or the value code or label in the source's
    variable dimension (jsonstat2/pxweb_json; the metric dimension unless the source names
    `variable_dimension`). `filter` restricts other dimensions, values summed:
    `{Ikä: "000-014"}` (an inclusive code range in category order), a code, or a list of codes.
    `bounds` are the plausibility limits of its staging rows (an edition's are its base's).
    """

    id: str
    selector: str
    source: str
    filter: Mapping[str, str | tuple[str, ...]]
    bounds: Bounds | None = None


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
    encoding: str | None = None  # a text file's character encoding (default UTF-8)
    # The year of a file that has no period column (category_csv, paavo_csv).
    reference_year: int | None = None

    @property
    def variable_ids(self) -> tuple[str, ...]:
        return tuple(v.id for v in self.variables)


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
    completeness: Completeness = Completeness()


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
    bounds: Bounds | None = None  # plausibility limits of its municipal and group values

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
    bounds: Mapping[str, Bounds] = field(default_factory=dict)  # the declared bounds kinds
    completeness: Completeness = Completeness()  # the default rule (groups may override it)

    def _find(self, items: Iterable[Any], item_id: str, kind: str) -> Any:
        for item in items:
            if item.id == item_id:
                return item
        raise KeyError(f"unknown {kind} {item_id!r} in the catalogue")

    def source(self, source_id: str) -> Source:
        return self._find(self.sources, source_id, "source")

    def indicator(self, indicator_id: str) -> Indicator:
        return self._find(self.indicators, indicator_id, "indicator")

    def group(self, group_id: str) -> Group:
        return self._find(self.groups, group_id, "group")
