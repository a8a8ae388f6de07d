"""Every AG Grid the pages lay out offers its own page size in the page-size selector (AG Grid
warnings #94/#95 otherwise: the selector shows blank). Walks every registered page's layout in
each language (the town profile for a network town) and checks each AgGrid's option pair."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dash
import dash_ag_grid as dag
import pytest

# AG Grid's default selector, used when a grid sets none (dash-ag-grid 35).
DEFAULT_SELECTOR = [20, 50, 100]


def _walk(component: Any) -> Iterator[Any]:
    if isinstance(component, list | tuple):
        for child in component:
            yield from _walk(child)
        return
    if not hasattr(component, "to_plotly_json"):
        return
    yield component
    for name in getattr(component, "_prop_names", ()):
        value = getattr(component, name, None)
        if hasattr(value, "to_plotly_json") or isinstance(value, list | tuple):
            yield from _walk(value)


def _grids(layout: Any) -> list[dag.AgGrid]:
    return [c for c in _walk(layout) if isinstance(c, dag.AgGrid)]


def check_pagination(grid: dag.AgGrid) -> None:
    options = getattr(grid, "dashGridOptions", None) or {}
    if not options.get("pagination"):
        return
    size = options.get("paginationPageSize", 100)
    selector = options.get("paginationPageSizeSelector", DEFAULT_SELECTOR)
    if selector is False:
        return
    assert size in selector, f"{grid.id}: paginationPageSize {size} not in {selector}"


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_every_page_grid_offers_its_page_size(dashboard_app, lang):
    found = []
    for page in dash.page_registry.values():
        layout = page["layout"]
        params = {"code": "140"} if "<code>" in (page.get("path_template") or "") else {}
        content = layout(lang=lang, **params) if callable(layout) else layout
        for grid in _grids(content):
            check_pagination(grid)
            found.append(grid.id)
    assert {"compare-gaps", "data-grid"} <= set(found), found


def test_the_check_catches_a_size_outside_the_selector():
    bad = dag.AgGrid(id="x", dashGridOptions={"pagination": True, "paginationPageSize": 25})
    with pytest.raises(AssertionError):
        check_pagination(bad)
