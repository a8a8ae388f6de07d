"""A restructuring changes no figure: every core table and the answers of a fixed set of pages
and callbacks equal the digests recorded before it (`baseline.json`, see `digests.py`)."""

from __future__ import annotations

import json

import pytest

from tests.regression.digests import BASELINE, answer_digests, table_digests

# Answers that differ from the baseline on purpose: a defect fixed, or what a later issue adds.
_PARTIAL = (
    "pages show complete group values only (the whole country's monthly unemployment of 305 of "
    "308 municipalities, 1/2025, is no longer shown as the country's)"
)
_COVERAGE = "exports and the /data table carry each group value's coverage (n_values, n_members)"
_FIXED: dict[str, str] = {
    **{
        f"layout /town/{code}?lang={lang}": _PARTIAL
        for code in ("091", "140", "684", "832")
        for lang in ("fi", "sv", "en")
    },
    **{f"layout /embed/town/287?lang={lang}": _PARTIAL for lang in ("fi", "sv", "en")},
    **{f"layout /data?lang={lang}": _COVERAGE for lang in ("fi", "sv", "en")},
    **{
        f"callback data-download.data @ /data?lang={lang}": _COVERAGE for lang in ("fi", "sv", "en")
    },
    **{
        "callback ..data-grid.rowData...data-grid.columnDefs...data-count.children...data-url."
        f"search...data-notices.children...data-notices.className.. @ /data?lang={lang}": _COVERAGE
        for lang in ("fi", "sv", "en")
    },
}
_CURRENCY = {
    "/": "cards mark a figure that is not current beside its year and name both years of a "
    "change; the lead no longer says changes compare with 'the previous year'",
    "/about": "a 'data as of' section: every indicator's first and newest year, source table, "
    "updated and whether it is current",
    "/embed/town/287": "a figure that is not current is marked beside its year",
    "/town/<code>": "each headline names its year and marks a figure that is not current; theme "
    "tables and highlights mark such figures; the projection names its first and last year; "
    "a 'data as of' section lists every indicator's years, source table and updated",
}
_SHOWN_CURRENCY: dict[str, str] = {
    f"layout {page}?lang={lang}": _CURRENCY["/town/<code>" if page.startswith("/town/") else page]
    for page in (
        "/",
        "/about",
        "/embed/town/287",
        *(f"/town/{c}" for c in ("091", "140", "684", "832")),
    )
    for lang in ("fi", "sv", "en")
}
# request -> every reason it differs (a key may differ for more than one)
CHANGED_ON_PURPOSE: dict[str, str] = {
    key: "; ".join(why for why in (_FIXED.get(key), _SHOWN_CURRENCY.get(key)) if why)
    for key in {**_FIXED, **_SHOWN_CURRENCY}
}
# Core tables and views added since the baseline (their digests are not in it): name -> why.
ADDED_TABLES: dict[str, str] = {
    "core.indicator_coverage": "each indicator's first and newest year, newest month and the "
    "newest year's source table and updated (pipeline/models/core/indicator_coverage.sql)",
}
# Columns added since the baseline, left out of the table digests (every figure of the other
# columns must still match): (table, column) -> why.
ADDED_COLUMNS: dict[tuple[str, str], str] = {
    ("group_values", "complete"): "whether a group value meets the catalogue's completeness rule",
    ("all_values", "complete"): "the same flag in the long view (true for municipal rows)",
    ("all_values", "n_values"): "a group row's coverage: the members with a value, of",
    ("all_values", "n_members"): "... the group's members (NULL for municipal rows)",
}


@pytest.fixture(scope="module")
def baseline() -> dict:
    return json.loads(BASELINE.read_text())


def test_every_core_table_is_unchanged(warehouse_path, baseline):
    now = table_digests(warehouse_path, ignore=ADDED_COLUMNS)
    assert set(ADDED_TABLES) <= set(now)
    now = {t: digest for t, digest in now.items() if t not in ADDED_TABLES}
    assert sorted(now) == sorted(baseline["tables"])
    changed = {t: (baseline["tables"][t], now[t]) for t in now if now[t] != baseline["tables"][t]}
    assert not changed


def test_pages_and_callbacks_answer_as_before(client, baseline):
    now = answer_digests(client)
    expected = {k: v for k, v in baseline["answers"].items() if k not in CHANGED_ON_PURPOSE}
    missing = sorted(set(expected) - set(now))
    changed = sorted(k for k in expected if k in now and now[k] != expected[k])
    assert not missing, missing[:20]
    assert not changed, changed[:20]
