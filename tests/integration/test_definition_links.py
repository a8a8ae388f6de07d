"""Indicator labels link to their definitions: the town profile's headlines and tables and the
compare page's grid point at /indicators#<id>, and every anchor exists on that page."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from dash import html


def walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            yield from walk(child)


def tag(node) -> str:
    """A component's or a plain element's (`dashboard.plain_html`) tag, e.g. "Th"."""
    return node["type"] if isinstance(node, dict) else type(node).__name__


def anchors(lang: str) -> set[str]:
    from dashboard.views import indicators

    return {c.id for part in indicators.content(lang) for c in walk(part) if getattr(c, "id", None)}


def target(url: str, lang: str) -> str:
    parts = urlsplit(url)
    assert parts.path == "/indicators" and parse_qs(parts.query) == {"lang": [lang]}
    return parts.fragment


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_every_indicator_row_of_the_profile_links_to_its_definition(dashboard_app, lang):
    from dashboard.views import town
    from dashboard.views.common import presentation

    page = town.expanded_profile(
        "564", lang, presentation()
    )  # Oulu: a town with region-level rows too
    known = anchors(lang)
    rows = [c for c in walk(page) if tag(c) == "Th" and getattr(c, "scope", None) == "row"]
    indicator_rows = [r for r in rows if any(isinstance(x, html.A) for x in walk(r))]
    assert len(indicator_rows) >= 30  # the theme tables and the R&D&I table
    links = [
        c
        for c in walk(page)
        if isinstance(c, html.A) and getattr(c, "className", None) == "definition-link"
    ]
    assert {target(a.href, lang) for a in links} <= known
    headline = next(c for c in walk(page) if getattr(c, "className", None) == "headline")
    link = next(c for c in walk(headline) if isinstance(c, html.A))
    assert target(link.href, lang) == headline.to_plotly_json()["props"]["data-indicator"]


def test_the_compare_grid_links_each_indicator(dashboard_app):
    from dashboard.views import compare_content
    from dashboard.views.common import known, presentation
    from dashboard.views.compare import parse_selection

    selection, _ = parse_selection({"areas": ["564", "091"]}, "en", known(), presentation())
    parts = compare_content.content(selection, "en")
    column = next(c for c in parts["columns"] if c["field"] == "indicator_link")
    assert column["cellRenderer"] == "markdown"
    ids = anchors("en")
    assert parts["rows"]
    for row in parts["rows"]:
        label, url = re.fullmatch(r"\[(.*)\]\((.*)\)", row["indicator_link"]).groups()
        assert label.replace("\\", "") == row["indicator"]
        assert target(url, "en") == row["indicator_id"] and row["indicator_id"] in ids
