"""The profile's composite index block is a labelled table: a header row naming the index,
score, rank of N and rank range columns, in the page's language, and one row per index whose
cells hold those figures separately.

Oracle: core.index_values read in plain SQL (score, rank and the number ranked per index).
"""

from __future__ import annotations

import duckdb
import pytest

from tests.helpers import component_text, queries_on

CODE = "140"
HEADER_WORDS = {
    "fi": ("Pisteet", "Sija", "vaihteluväli"),
    "sv": ("Poäng", "Placering", "variation"),
    "en": ("Score", "Rank", "range"),
}


def _find(component, class_name: str):
    if getattr(component, "className", None) == class_name:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str):
            found = _find(child, class_name)
            if found is not None:
                return found
    return None


@pytest.fixture(scope="module")
def stored(warehouse_path):
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        year = con.execute("SELECT max(year) FROM core.index_values").fetchone()[0]
        rows = con.execute(
            "SELECT index_id, score, rank, (SELECT count(rank) FROM core.index_values w "
            "WHERE w.index_id = v.index_id AND w.year = v.year) "
            "FROM core.index_values v WHERE area_code = ? AND year = ?",
            [CODE, year],
        ).fetchall()
        (n_indices,) = con.execute(
            "SELECT count(DISTINCT index_id) FROM core.index_values WHERE area_code = ?", [CODE]
        ).fetchone()
    return {"n": n_indices, **{r[0]: r[1:] for r in rows}}


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_index_block_is_a_labelled_table(warehouse_path, stored, lang):
    from dashboard.i18n import fmt_number
    from dashboard.views import index
    from dashboard.views.common import presentation

    with queries_on(warehouse_path):
        section = index.town_section(CODE, lang, presentation())
    table = _find(section, "index-table")
    parts = {type(c).__name__: c for c in table.children}
    head, body = parts["Thead"], parts["Tbody"]
    headers = [component_text(th) for th in head.children.children]
    assert len(headers) == 4 and all(headers), headers
    for word, header in zip(HEADER_WORDS[lang], headers[1:], strict=True):
        assert word.lower() in header.lower(), (word, header)
    score, rank, ranked = stored["index_overall"]
    assert str(ranked) in headers[2]  # 'Rank of 308'
    overall = [component_text(td) for td in body.children[0].children]
    assert overall[1] == fmt_number(score, 2, lang)
    assert overall[2] == str(int(rank))
    low, high = (int(x) for x in overall[3].split("–"))
    assert low <= rank <= high
    assert len(body.children) == stored["n"]
    for row in body.children:
        cells = [component_text(td) for td in row.children]
        assert len(cells) == 4 and "/" not in cells[2], cells
