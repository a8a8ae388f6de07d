"""A restructuring changes no figure: every core table and the answers of a fixed set of pages
and callbacks equal the digests recorded before it (`baseline.json`, see `digests.py`)."""

from __future__ import annotations

import json

import pytest

from tests.regression.digests import BASELINE, answer_digests, table_digests

_LANGS = ("fi", "sv", "en")
_COMPARE = (
    "callback ..compare-ranking.figure...compare-scatter.figure...compare-trend.figure..."
    "compare-gaps.rowData...compare-gaps.columnDefs...compare-url.search..."
    "compare-notices.children...compare-notices.className.."
)
_NEW_PAAVO = "lists the two Paavo indicators (residents' mean income, summer cottages) added"
# Answers that differ from the baseline on purpose (a defect fixed, indicators added):
# request -> why.
CHANGED_ON_PURPOSE: dict[str, str] = {
    **{
        f"layout /{page}?lang={lang}": _NEW_PAAVO
        for page in ("town/140", "town/684", "town/091", "town/832", "compare", "map", "data")
        for lang in _LANGS
    },
    **{
        f"layout /compare?areas=140,740&indicator=tertiary_share&lang={lang}": _NEW_PAAVO
        for lang in _LANGS
    },
    **{f"layout /about?lang={lang}": "the Paavo source is listed" for lang in _LANGS},
    **{
        f"{_COMPARE} @ {page}lang={lang}": f"{_NEW_PAAVO} (gap table rows); the whole country's "
        "2020 unemployment rate differs in its 16th digit (13.322624673929315 → …317: the "
        "group sums are added in another order), which the table digests' 12 digits do not see"
        for page in ("/compare?", "/compare?areas=140,740&indicator=tertiary_share&")
        for lang in _LANGS
    },
}
# Columns added since the baseline, left out of the table digests (every figure of the other
# columns must still match): (table, column) -> why.
ADDED_COLUMNS: dict[tuple[str, str], str] = {
    ("group_values", "complete"): "whether a group value meets the catalogue's completeness rule",
}
# Tables whose one digest changes on purpose: table -> why.
CHANGED_TABLES: dict[str, str] = {
    "core.build_info": "its only compared column is the manifest's checksum, and the manifest "
    "changed (the Paavo file is now read as format paavo_csv)",
}
# Rows added since the baseline (new indicators and sources), left out of the table digests:
# (table, column, value) -> why. Every row that existed must still match.
_PAAVO = "Paavo postal areas summed to municipalities (2024)"
ADDED_ROWS: dict[tuple[str, str, str], str] = {
    **{
        (table, "indicator_id", indicator): _PAAVO
        for table in ("indicators", "indicator_values", "group_values", "all_values")
        for indicator in ("residents_mean_income", "summer_cottages_per_1000")
    },
    ("provenance", "source_id", "paavo_2024"): _PAAVO,
}


@pytest.fixture(scope="module")
def baseline() -> dict:
    return json.loads(BASELINE.read_text())


def test_every_core_table_is_unchanged(warehouse_path, baseline):
    now = table_digests(warehouse_path, ignore=ADDED_COLUMNS, added_rows=ADDED_ROWS)
    assert sorted(now) == sorted(baseline["tables"])
    changed = {
        t: (baseline["tables"][t], now[t])
        for t in now
        if now[t] != baseline["tables"][t] and t not in CHANGED_TABLES
    }
    assert not changed


def test_pages_and_callbacks_answer_as_before(client, baseline):
    now = answer_digests(client)
    expected = {k: v for k, v in baseline["answers"].items() if k not in CHANGED_ON_PURPOSE}
    missing = sorted(set(expected) - set(now))
    changed = sorted(k for k in expected if k in now and now[k] != expected[k])
    assert not missing, missing[:20]
    assert not changed, changed[:20]
