"""What several views share: the presentation, the comparison roles, query parsing, options and
control rows built from specs.

Views never name an indicator or a group: the comparison groups come from the presentation's
roles (`comparisons`), defaults and indicator lists from its sections.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pandas as pd
from dash import html

from dashboard import queries
from dashboard.figures import ByRole
from dashboard.i18n import t
from dashboard.layout import dropdown_control, query_list
from pipeline.presentation import Presentation, load_presentation

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


def first(value: Any) -> str | None:
    """The first item of a comma-separated (or repeated) query value."""
    items = query_list(value)
    return items[0] if items else None


def parse_year(
    value: Any, years: Sequence[int], lang: str, page: str
) -> tuple[int | None, str | None]:
    """A year in `years` (default: the latest) and a `<page>.bad_year` / `<page>.no_year`
    notice if the input was unusable."""
    latest = years[-1] if years else None
    text = first(value)
    if text is None:
        return latest, None
    try:
        year = int(text)
    except ValueError:
        return latest, t(f"{page}.bad_year", lang, value=text)
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
