"""A restructuring changes no figure: every core table and the answers of a fixed set of pages
and callbacks equal the digests recorded before it (`baseline.json`, see `digests.py`)."""

from __future__ import annotations

import json

import pytest

from tests.regression.digests import BASELINE, answer_digests, table_digests

# Answers that differ from the baseline on purpose (a defect fixed): request -> why.
CHANGED_ON_PURPOSE: dict[str, str] = {}
# 11re 2025, 11s2 2025 and 115b 2024: the pages show the newer years (population 2025, the
# unemployment rate 2024, ...), list the new sources and indicators, and the peers found on them.
_LANGS = ("fi", "sv", "en")
_COMPARE = (
    "..compare-ranking.figure...compare-scatter.figure...compare-trend.figure...compare-gaps."
    "rowData...compare-gaps.columnDefs...compare-url.search...compare-notices.children..."
    "compare-notices.className.."
)
_DATA = (
    "..data-grid.rowData...data-grid.columnDefs...data-count.children...data-url.search..."
    "data-notices.children...data-notices.className.."
)
_MAP = "..map-figure.figure...map-summary.children...map-url.search...map-data-link.href.."
_NEWER = {
    "/": "headline figures of the newest years (population 2025, unemployment rate 2024)",
    "/about": "the four new sources and three new indicators are listed",
    "/compare?areas=140,740&indicator=tertiary_share&": "indicator pickers list the new indicators; newer years",
    "/compare?": "default ranking, years and pickers include the newer years and indicators",
    "/data?": "the indicator picker and table include the new indicators and years",
    "/embed/town/287?": "the card's figures are of the newest years",
    "/map?": "year choices and the default year include 2024 and 2025",
    "/network?": "the network's share of the population in 2025",
    "/town/091?": "headlines, cards and peers use the newest years",
    "/town/140?": "headlines, cards and peers use the newest years",
    "/town/684?": "headlines, cards and peers use the newest years",
    "/town/832?": "headlines, cards and peers use the newest years",
}
for _page, _why in _NEWER.items():
    _query = f"{_page}lang=" if _page.endswith(("?", "&")) else f"{_page}?lang="
    for _lang in _LANGS:
        CHANGED_ON_PURPOSE[f"layout {_query}{_lang}"] = _why
for _lang in _LANGS:
    for _key in (
        f"callback {_COMPARE} @ /compare?lang={_lang}",
        f"callback {_COMPARE} @ /compare?areas=140,740&indicator=tertiary_share&lang={_lang}",
        f"callback ..compare-year.options...compare-year.value.. @ /compare?lang={_lang}",
        f"callback {_DATA} @ /data?lang={_lang}",
        f"callback data-download.data @ /data?lang={_lang}",
        f"callback {_MAP} @ /map?lang={_lang}",
        f"callback ..map-year.options...map-year.value.. @ /map?lang={_lang}",
        *(
            f"callback town-peers-table.children @ /town/{c}?lang={_lang}"
            for c in ("091", "140", "684", "832")
        ),
    ):
        CHANGED_ON_PURPOSE[_key] = "the newer years and new indicators (see _NEWER)"
# Columns added since the baseline, left out of the table digests (every figure of the other
# columns must still match): (table, column) -> why.
ADDED_COLUMNS: dict[tuple[str, str], str] = {
    ("group_values", "complete"): "whether a group value meets the catalogue's completeness rule",
}


# Rows added since the baseline (11re 2025, 11s2 2025, 115b 2024), left out of the table digests:
# table -> (SQL condition selecting them, why). Every other row must still match the baseline.
_NEW_SOURCES = "population_age_11re_2025|population_sex_11re_2025|language_11s2|main_activity_115b"
_EXTENDED = (
    "'population', 'share_0_14', 'share_15_64', 'share_65_plus', 'swedish_speakers_share', "
    "'employed_labour_force', 'unemployment_rate', 'economic_dependency_ratio', 'pensioners_share'"
)
_NEW_INDICATORS = "'students_share', 'labour_force_share', 'young_working_age_share'"
_IN_NEW = f"regexp_matches(source_id, '(^|,)({_NEW_SOURCES})(,|$)')"
ADDED_ROWS: dict[str, tuple[str, str]] = {
    "indicator_values": (_IN_NEW, "newer years of extended indicators, and new indicators"),
    "provenance": (_IN_NEW, "the four new sources"),
}
# Tables where existing rows change on purpose: the rows that do (and the added ones) are left
# out, and the rest must equal the same rows of a build of the baseline's commit (4246c8e), whose
# digest is pinned here (computed with the same conditions and columns left out):
# table -> (condition, columns left out, {rows, sha256}, why).
PINNED: dict[str, tuple[str, tuple[str, ...], dict, str]] = {
    "group_values": (
        f"group_code LIKE 'peers:%' OR {_IN_NEW}",
        (),
        {
            "rows": 64217,
            "sha256": "bd6bc9ce2c9427f7668f34e5002ae8d121efc152b2441a93c9b87f963d85296d",
        },
        "peers:<code> groups follow the peers, found on the newest values; the new years",
    ),
    "all_values": (
        f"area_code LIKE 'peers:%' OR {_IN_NEW}",
        (),
        {
            "rows": 273261,
            "sha256": "ff03c5fb6985e8df5d2d899f62b63bc5b0b338a4e14a231ebcb19936edeba097",
        },
        "as group_values and indicator_values",
    ),
    "indicators": (
        f"indicator_id IN ({_EXTENDED}, {_NEW_INDICATORS})",
        (),
        {"rows": 38, "sha256": "dc01df878c2b3394f567fa93fc877532309b8528b0157bdc90b2da87ca4fe4f2"},
        "definitions extended to the new sources (formula, sources, descriptions); new ones",
    ),
    "index_components": (
        "indicator_id IN ('unemployment_rate', 'economic_dependency_ratio')",
        (),
        {"rows": 24, "sha256": "547cffd5a8684a52387b4614f0f40c62a519173c3440f5d7d4ad12399f9b0bfd"},
        "the index takes each indicator's newest year: 2024 for these two (was 2021)",
    ),
    "group_members": (
        "group_code LIKE 'peers:%'",
        (),
        {
            "rows": 1262,
            "sha256": "6bc1fb680a8e9ce39db749b2fc2b312a5d3ea7833c1ba7df16db1f15223d6226",
        },
        "the members of the peers:<code> groups follow the peers",
    ),
    "build_info": (
        "",
        ("snapshot_manifest_sha256",),
        {"rows": 1, "sha256": "75a11da44c802486bc6f65640aa48a730f0f684c5c07a42ba3cd1735eb3fb070"},
        "the snapshot's manifest lists the four new files",
    ),
}
# Tables computed as a whole from every indicator's newest year: table -> why.
CHANGED_TABLES: dict[str, str] = {
    "index_values": "scores use unemployment rate and dependency ratio 2024 (were 2021)",
    "peers": "similar towns are found on the newest values, now 2024/2025 for several indicators",
}


@pytest.fixture(scope="module")
def baseline() -> dict:
    return json.loads(BASELINE.read_text())


def test_every_core_table_is_unchanged(warehouse_path, baseline):
    added = {table: condition for table, (condition, _) in ADDED_ROWS.items()}
    now = table_digests(warehouse_path, ignore=ADDED_COLUMNS, added_rows=added)
    assert sorted(now) == sorted(baseline["tables"])
    exempt = {*PINNED, *CHANGED_TABLES}
    changed = {
        t: (baseline["tables"][t], now[t])
        for t in now
        if now[t] != baseline["tables"][t] and t.split(".", 1)[1] not in exempt
    }
    assert not changed
    ignore = {*ADDED_COLUMNS, *((t, c) for t, (_, cols, _, _) in PINNED.items() for c in cols)}
    rows = {table: condition for table, (condition, _, _, _) in PINNED.items() if condition}
    kept = table_digests(warehouse_path, ignore=ignore, added_rows=rows)
    changed = {
        t: kept[f"core.{t}"]
        for t, (_, _, pinned, _) in PINNED.items()
        if kept[f"core.{t}"] != pinned
    }
    assert not changed


def test_pages_and_callbacks_answer_as_before(client, baseline):
    now = answer_digests(client)
    expected = {k: v for k, v in baseline["answers"].items() if k not in CHANGED_ON_PURPOSE}
    missing = sorted(set(expected) - set(now))
    changed = sorted(k for k in expected if k in now and now[k] != expected[k])
    assert not missing, missing[:20]
    assert not changed, changed[:20]
