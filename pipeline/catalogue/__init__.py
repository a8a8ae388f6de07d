"""The indicator catalogue: `indicators.yaml` parsed once into frozen, checked objects.

Schema rules that are not obvious from the dataclasses:

- Variable ids are global: every variable id is declared by exactly one source, so formulas can
  name variables directly. The one exception is an *edition*: a source with `edition_of: <id>`
  is an older (or newer) release of the same table and may re-declare the variable ids of its
  base source (and only those; a subset is fine).
- An indicator lists one or more sources (`source: a` or `source: [a, b]`). Its formula, numerator,
  denominator and weight may name variables of any listed source (editions included). The
  warehouse stacks the listed sources' staging rows (the first listed source wins where two give
  the same variable, area and period), pivots them wide by (area_code, year, month) - monthly if
  any listed source is monthly, annual values then filling the months of their year - and
  evaluates the expressions row by row; rows where the formula is NULL are dropped.
- Expressions are SQL over variable ids (see `pipeline.catalogue.expressions`).
- Group aggregation (`aggregation.rule`): `sum` of the formula, `ratio` =
  scale * sum(numerator) / sum(denominator), `weighted_mean` = sum(formula * weight) / sum(weight),
  `none` = not aggregated.
- Plausibility limits: the top-level `bounds` names kinds (`share: {min: 0, max: 100}`); every
  indicator and every base source's variable names one (or gives `{min, max, change_factor}`),
  editions take their base's. `completeness` (top level, per group optionally) says whether a
  group value some members lack is kept and flagged or left out (`Completeness`).

Modules: `model` (the frozen dataclasses), `yamlfile` (line-aware yaml and key checks, shared
with other config files), `entries` (one parser per entry kind), `expressions` (formula checks),
`limits` (bounds and completeness) and `loader` (`parse_catalogue`, `load_catalogue`).
"""

from pipeline.catalogue.expressions import (
    PERIOD_FUNCTIONS,
    SQL_FUNCTIONS,
    SQL_KEYWORDS,
    check_expression,
    expression_variables,
)
from pipeline.catalogue.loader import CatalogueError, load_catalogue, parse_catalogue
from pipeline.catalogue.model import (
    AREA_LEVELS,
    CLASSIFICATIONS,
    CSV_COLUMN_ROLES,
    DIRECTIONS,
    FORMATS,
    GROUP_KINDS,
    LANGUAGES,
    PERIODS,
    RULES,
    Aggregation,
    Bounds,
    Catalogue,
    Completeness,
    Group,
    Indicator,
    Merger,
    PxWebSpec,
    Source,
    Text,
    Theme,
    Variable,
)

__all__ = [
    "AREA_LEVELS",
    "CLASSIFICATIONS",
    "CSV_COLUMN_ROLES",
    "DIRECTIONS",
    "FORMATS",
    "GROUP_KINDS",
    "LANGUAGES",
    "PERIODS",
    "PERIOD_FUNCTIONS",
    "RULES",
    "SQL_FUNCTIONS",
    "SQL_KEYWORDS",
    "Aggregation",
    "Bounds",
    "Catalogue",
    "CatalogueError",
    "Completeness",
    "Group",
    "Indicator",
    "Merger",
    "PxWebSpec",
    "Source",
    "Text",
    "Theme",
    "Variable",
    "check_expression",
    "expression_variables",
    "load_catalogue",
    "parse_catalogue",
]
