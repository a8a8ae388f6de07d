"""A restructuring changes no figure: every core table and the answers of a fixed set of pages
and callbacks equal the digests recorded before it (`baseline.json`, see `digests.py`)."""

from __future__ import annotations

import json

import pytest

from tests.regression.digests import BASELINE, answer_digests, table_digests

# Answers that differ from the baseline on purpose (a defect fixed): request -> why.
_PARTIAL = (
    "pages show complete group values only (the whole country's monthly unemployment of 305 of "
    "308 municipalities, 1/2025, is no longer shown as the country's)"
)
_COVERAGE = "exports and the /data table carry each group value's coverage (n_values, n_members)"
CHANGED_ON_PURPOSE: dict[str, str] = {
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
