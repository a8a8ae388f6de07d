"""The printed town profile hides the interactive parts; grids and source lines speak the page's
language and never print a missing value."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from dashboard import layout
from dashboard.i18n import load_page

PRINT_CSS = Path(layout.__file__).resolve().parent / "assets" / "print.css"
# what the printed profile must not show: controls, navigation and the interactive sections
INTERACTIVE = (
    ".town-tools",
    ".main-nav",
    ".lang-switch",
    ".site-footer",
    ".peers-section",
    ".index-section",
    ".theme-section",
    ".modebar",
    "button",
)


def print_rules() -> list[tuple[list[str], str]]:
    """(selectors, declarations) of the rules inside `@media print { … }` in print.css."""
    text = re.sub(r"/\*.*?\*/", "", PRINT_CSS.read_text(encoding="utf-8"), flags=re.S)
    start = re.search(r"@media\s+print\s*\{", text)
    assert start, "print.css has no @media print block"
    depth, end = 1, start.end()
    while depth:
        depth += {"{": 1, "}": -1}.get(text[end], 0)
        end += 1
    block = text[start.end() : end - 1]
    return [
        ([s.strip() for s in selectors.split(",")], body)
        for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", block)
    ]


def test_print_css_hides_the_interactive_sections():
    hidden = {
        selector.removeprefix(":root").strip()
        for selectors, body in print_rules()
        if re.search(r"display\s*:\s*none\s*!important", body)
        for selector in selectors
    }
    missing = [name for name in INTERACTIVE if name not in hidden]
    assert not missing, f"print.css does not hide {missing}"


def test_print_css_keeps_cards_and_figures_whole_and_outranks_the_screen_styles():
    rules = print_rules()
    whole = {
        s.removeprefix(":root").strip()
        for selectors, body in rules
        if "break-inside: avoid" in body
        for s in selectors
    }
    assert {".headline", ".figure-block", ".highlights"} <= whole
    grid = [body for selectors, body in rules if ":root .headline-grid" in selectors]
    assert grid and "repeat(3, 1fr)" in grid[0]  # compact headline cards
    # style.css loads after print.css: an unprefixed print rule would lose to the screen rule
    plain = [s for selectors, _ in rules for s in selectors if not s.startswith((":root", "@"))]
    assert not plain, plain


@pytest.mark.parametrize(
    ("lang", "page", "of", "thousands", "decimal"),
    [
        ("fi", "Sivu", "/", "\u00a0", ","),
        ("sv", "Sida", "av", "\u00a0", ","),
        ("en", "Page", "of", ",", "."),
    ],
)
def test_grid_locale(lang, page, of, thousands, decimal):
    texts = layout.grid_locale(lang)
    assert texts["page"] == page and texts["of"] == of
    assert texts["thousandSeparator"] == thousands and texts["decimalSeparator"] == decimal
    for key in ("filterOoo", "equals", "contains", "applyFilter", "noRowsToShow", "loadingOoo"):
        assert texts[key], key
    assert set(load_page("grid")) <= set(texts)


@pytest.mark.parametrize("updated", [float("nan"), None, pd.NaT, "", "nan", "None"])
@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_source_line_without_a_date_says_no_nan(updated, lang):
    sources = pd.DataFrame(
        {
            "title": ["Väestö"],
            "table_id": ["11re"],
            "updated": [updated],
            "publisher": ["Tilastokeskus"],
            "licence": ["CC BY 4.0"],
        }
    )
    line = layout.source_line(sources, lang)
    text = " ".join(str(part) for part in line.children)
    assert "11re" in text
    assert not re.search(r"\b(nan|None|NaT|undefined)\b", text), text
