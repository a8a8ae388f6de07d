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
        "callback ..compare-year.options...compare-year.value.. @ "
        f"/compare?areas=140,740&indicator=tertiary_share&lang={_lang}",
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
_NEW_SOURCES = (
    "population_age_11re_2025|population_sex_11re_2025|language_11s2|main_activity_115b"
    "|education_12bq|income_deciles_12hh"
)
# 12bq: the two education shares now aggregate as a ratio of sums (their earlier years' group
# values are the same weighted means, written as numerator/denominator instead of a weight)
_EDUCATION = "'upper_secondary_share', 'tertiary_share'"
_NEW_EDUCATION_INCOME = (
    "'masters_doctoral_share', 'top_income_deciles_share', 'bottom_income_deciles_share'"
)
_EXTENDED = (
    "'population', 'share_0_14', 'share_15_64', 'share_65_plus', 'swedish_speakers_share', "
    "'employed_labour_force', 'unemployment_rate', 'economic_dependency_ratio', 'pensioners_share'"
)
_NEW_INDICATORS = "'students_share', 'labour_force_share', 'young_working_age_share'"
_IN_NEW = f"regexp_matches(source_id, '(^|,)({_NEW_SOURCES})(,|$)')"
ADDED_ROWS: dict[str, tuple[str, str]] = {
    "provenance": (_IN_NEW, "the six new sources"),
}
# Tables where existing rows change on purpose: the rows that do (and the added ones) are left
# out, and the rest must equal the same rows of a build of the baseline's commit (4246c8e), whose
# digest is pinned here (computed with the same conditions and columns left out):
# table -> (condition, columns left out, {rows, sha256}, why).
PINNED: dict[str, tuple[str, tuple[str, ...], dict, str]] = {
    "indicator_values": (
        f"{_IN_NEW} OR indicator_id IN ({_EDUCATION})",
        (),
        {
            "rows": 207812,
            "sha256": "8860ef6fb4dcc669589bc8d8eb8dcd50f47f0993de137603a123e8a52a06738e",
        },
        "newer years of extended indicators, new indicators; the education shares' aggregation "
        "inputs (numerator/denominator for weight; their values are tested against the key "
        "figures in tests/integration/test_education_income_2024.py)",
    ),
    "group_values": (
        f"group_code LIKE 'peers:%' OR {_IN_NEW} OR indicator_id IN ({_EDUCATION})",
        (),
        {
            "rows": 63841,
            "sha256": "0ea87d244db0474f391df0ce2d17a5dbb7f6d2937f3ccb14fda1c20111637759",
        },
        "peers:<code> groups follow the peers, found on the newest values; the new years",
    ),
    "all_values": (
        f"area_code LIKE 'peers:%' OR {_IN_NEW} OR indicator_id IN ({_EDUCATION})",
        (),
        {
            "rows": 271653,
            "sha256": "4d79ce5517ac2565dafd7097c156490d059a2d44955a962a2beaf8b7c38e4a46",
        },
        "as group_values and indicator_values",
    ),
    "indicators": (
        f"indicator_id IN ({_EXTENDED}, {_NEW_INDICATORS}, {_EDUCATION}, {_NEW_EDUCATION_INCOME})",
        (),
        {"rows": 36, "sha256": "e2c68b00250f8ec18e813e4993c43f0bcbf606c7cd21553596fdc2fe6c1736c0"},
        "definitions extended to the new sources (formula, sources, descriptions); new ones",
    ),
    "index_components": (
        "indicator_id IN ('unemployment_rate', 'economic_dependency_ratio', "
        f"{_EDUCATION}, 'masters_doctoral_share')",
        (),
        {"rows": 20, "sha256": "ebe6434503e38aa011fafe0794bdf8c982b29250075b1b555e65e909a29c58b0"},
        "the index takes each indicator's newest year: 2024 for these (was 2020); the "
        "skills index also takes the master's-or-doctoral share",
    ),
    "index_definitions": (
        "index_id IN ('index_skills', 'index_overall')",
        (),
        {"rows": 3, "sha256": "7b1f10771f424580bf9ed0f87672cb7fd311d311cd12b7308e1ec5b7082c6d85"},
        "the skills index (and the overall one) take the master's-or-doctoral share too",
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
    "index_values": "scores use unemployment rate, dependency ratio and education shares 2024 (were 2020)",
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
