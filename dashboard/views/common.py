"""What several views share: the presentation, the comparison roles, query parsing, options and
control rows built from specs.

Views never name an indicator or a group: the comparison groups come from the presentation's
roles (`comparisons`), defaults and indicator lists from its sections.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pandas as pd
from dash import html

from dashboard import queries
from dashboard.figures import ByRole
from dashboard.i18n import lang_of, t
from dashboard.layout import dropdown_control
from pipeline.presentation import Presentation, load_presentation

# How much of one query value the pages read and repeat back: at most `MAX_CODES` codes of a
# list are parsed (the rest are counted, not read), a notice names at most `MAX_NAMED` of them
# and quotes at most `MAX_QUOTED` characters of any one value.
MAX_CODES = 500
MAX_NAMED = 10
MAX_QUOTED = 40
# Digits a year may have: a longer number is no year (and does not fit the JSON the page sends).
YEAR_DIGITS = 4
LIST_ITEM = re.compile(r"[^,]+")

# The locale key naming each role's group beside a town.
ROLE_LABELS = ByRole(
    country="common.whole_country",
    network="common.network",
    university_cities="common.university_cities",
)


def presentation() -> Presentation:
    """The presentation the pages show (presentation.yaml, cached by file and mtime)."""
    return load_presentation()


def group_column(code: str) -> str:
    """The column of `queries.latest_values` / `town_values` holding group `code`'s value."""
    return f"value_{code}"


class Comparison(NamedTuple):
    """A comparison group beside a town: its area code, value column and locale label key."""

    code: str
    column: str
    label: str


def comparisons(pres: Presentation) -> tuple[Comparison, ...]:
    """Network, university cities, country: the profile's comparison columns, in order."""
    labels = ROLE_LABELS.by_code(pres.role_codes)
    return tuple(
        Comparison(code, group_column(code), labels[code]) for code in pres.comparison_codes
    )


# --------------------------------------------------------------------------- query values


def by_theme(rows: pd.DataFrame, theme_order: Sequence[str]) -> list[tuple[str, pd.DataFrame]]:
    """(theme, its rows in their order) in `theme_order`, themes without rows left out."""
    grouped = dict(tuple(rows.groupby("theme", sort=False)))
    return [(theme, grouped[theme]) for theme in theme_order if theme in grouped]


def first(value: Any) -> str | None:
    """The first item of a comma-separated (or repeated) query value."""
    items, _more = query_codes(value, limit=1)
    return items[0] if items else None


def query_codes(value: Any, limit: int = MAX_CODES) -> tuple[list[str], int]:
    """The first `limit` items of a comma-separated (or repeated) query value, as
    `layout.query_list` reads them, and about how many items follow (the commas after them are
    counted; the items are not parsed)."""
    items = value if isinstance(value, list | tuple) else [] if value is None else [value]
    codes: list[str] = []
    more = 0
    for item in items:
        text = str(item)
        for match in LIST_ITEM.finditer(text):
            code = match.group().strip()
            if not code:
                continue
            if len(codes) == limit:
                more += text.count(",", match.start()) + 1
                break
            codes.append(code)
    return codes, more


def quoted(text: Any) -> str:
    """An input value as a notice repeats it: at most `MAX_QUOTED` characters."""
    text = str(text)
    return text if len(text) <= MAX_QUOTED else text[: MAX_QUOTED - 1] + "…"


def named(codes: Sequence[str], lang: str, more: int = 0) -> str:
    """Codes as a notice lists them: the first `MAX_NAMED`, then 'and N more' (`more` codes
    that were not even read are counted too)."""
    shown = ", ".join(quoted(code) for code in codes[:MAX_NAMED])
    rest = max(len(codes) - MAX_NAMED, 0) + more
    if not rest:
        return shown
    if not shown:
        return t("common.n_codes", lang, n=rest)
    return t("common.and_more", lang, codes=shown, n=rest)


def as_year(text: str, allowed: Collection[int] | None = None) -> int | None:
    """The year `text` names (an integer of at most `YEAR_DIGITS` digits, in `allowed` if
    given), or None."""
    digits = text.strip().removeprefix("-")
    if not digits.isascii() or not digits.isdigit() or len(digits) > YEAR_DIGITS:
        return None
    year = int(text)
    return year if allowed is None or year in allowed else None


def parse_year(
    value: Any, years: Sequence[int], lang: str, page: str
) -> tuple[int | None, str | None]:
    """A year in `years` (default: the latest) and a `<page>.bad_year` / `<page>.no_year`
    notice if the input was unusable."""
    latest = years[-1] if years else None
    text = first(value)
    if text is None:
        return latest, None
    year = as_year(text)
    if year is None:
        return latest, t(f"{page}.bad_year", lang, value=quoted(text))
    if year not in years:
        return latest, t(f"{page}.no_year", lang, value=year)
    return year, None


@dataclass(frozen=True)
class Known:
    """The codes a query value may name: municipalities, groups and indicators; and, as
    functions (only the chosen ones are needed), an indicator's years, a group's members and
    whether a code is a town's `peers:<code>` group."""

    municipalities: frozenset[str]
    groups: frozenset[str]
    indicators: frozenset[str]
    years: Callable[[str], list[int]]
    members: Callable[[str], list[str]]
    is_peer_group: Callable[[str], bool]


def known() -> Known:
    """What the warehouse holds."""
    municipalities = queries.municipality_codes()
    return Known(
        municipalities=municipalities,
        groups=frozenset(queries.area_codes() - municipalities),
        indicators=frozenset(queries.indicator_ids()),
        years=queries.indicator_years,
        members=queries.group_members,
        is_peer_group=queries.is_peer_group,
    )


# --------------------------------------------------------------------------- options and controls


def options(values: Iterable[Any], labels: Iterable[Any]) -> list[dict[str, Any]]:
    """Dropdown options from parallel values and labels."""
    return [{"value": v, "label": lab} for v, lab in zip(values, labels, strict=True)]


def year_options(years: Iterable[int]) -> list[dict[str, Any]]:
    return [{"value": y, "label": str(y)} for y in years]


def indicator_options(frame: pd.DataFrame) -> list[dict[str, str]]:
    """`queries.indicators` as options labelled 'label (unit)'."""
    return [
        {"value": row.indicator_id, "label": f"{row.label} ({row.unit})" if row.unit else row.label}
        for row in frame.itertuples(index=False)
    ]


@dataclass(frozen=True)
class Control:
    """One dropdown of a control row: its locale label key, component id, options, value and
    further dcc.Dropdown properties (multi, clearable, placeholder, ...); `wide` spans two
    grid columns."""

    label: str
    id: str
    options: list[dict[str, Any]]
    value: Any
    props: dict[str, Any] = field(default_factory=dict)
    wide: bool = False


def control_row(controls: Iterable[Control], lang: str, class_name: str, extra: Iterable = ()):
    """A `.controls` grid of labelled dropdowns from specs, then any `extra` components."""
    boxes = [
        dropdown_control(
            t(c.label, lang),
            lang,
            c.id,
            options=c.options,
            value=c.value,
            wide=c.wide,
            **c.props,
        )
        for c in controls
    ]
    return html.Div([*boxes, *extra], className=class_name)


# The rows-per-page choices of every paged grid; a grid's page size must be one of them (AG
# Grid shows a blank selector and warns, #94/#95, otherwise).
GRID_PAGE_SIZES: tuple[int, ...] = (25, 50, 100)


def grid_pagination(size: int) -> dict[str, Any]:
    """`dashGridOptions` entries of a paged grid showing `size` rows (one of GRID_PAGE_SIZES)."""
    if size not in GRID_PAGE_SIZES:
        raise ValueError(f"page size {size} is not one of {GRID_PAGE_SIZES}")
    return {
        "pagination": True,
        "paginationPageSize": size,
        "paginationPageSizeSelector": list(GRID_PAGE_SIZES),
    }


LOCALE_TAGS = {"fi": "fi-FI", "sv": "sv-FI", "en": "en-GB"}  # number conventions of the grids


def number_formatter(lang: str, decimals: str = "params.data.decimals") -> str:
    """An AG Grid valueFormatter expression: numbers in the language's convention with exactly
    `decimals` decimals (a JS expression; by default the row's indicator's catalogue decimals),
    trailing zeros kept ('13,0' beside '13,3')."""
    tag = LOCALE_TAGS[lang_of(lang)]
    places = f"{{minimumFractionDigits: {decimals}, maximumFractionDigits: {decimals}}}"
    return f"params.value == null ? '' : params.value.toLocaleString('{tag}', {places})"


# Locale keys of the theme tables' column headers: indicator, value, period, then the
# comparison groups in `comparisons` order.
THEME_COLUMNS = (
    "town.col_indicator",
    "town.col_value",
    "town.col_period",
    "town.col_network",
    "town.col_university",
    "town.col_country",
)
