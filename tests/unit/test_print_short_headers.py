"""The printed indicator table's university cities column is narrow (print.css: 11 %): its
header must not break mid-word. Swedish uses a short form with the full name in the title,
Finnish may break only at the compound's joint (a soft hyphen)."""

from __future__ import annotations

from dash import html

from dashboard.views import town_print
from dashboard.views.common import THEME_COLUMNS


def _head_cells(lang: str) -> list:
    return [town_print._header(key, lang) for key in THEME_COLUMNS]


def test_the_swedish_header_is_short_with_the_full_name_in_its_title():
    cell = _head_cells("sv")[THEME_COLUMNS.index("town.col_university")]
    assert isinstance(cell, html.Abbr)
    assert cell.children == "Univ.-städer" and cell.title == "Universitetsstäder"


def test_the_finnish_header_breaks_only_between_yliopisto_and_kaupungit():
    cell = _head_cells("fi")[THEME_COLUMNS.index("town.col_university")]
    assert cell.children == "Yliopisto\u00adkaupungit" and cell.title == "Yliopistokaupungit"


def test_no_header_word_is_longer_than_the_narrow_column_holds():
    # 11 % of the A4 text width at the print's 8 pt: about 12 characters a line
    for lang in ("fi", "sv", "en"):
        for cell in _head_cells(lang)[3:]:
            text = cell.children if isinstance(cell, html.Abbr) else cell
            assert all(len(word) <= 12 for word in text.replace("\u00ad", " ").split()), text
