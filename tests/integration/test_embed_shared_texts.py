"""The statistics card names its publishers with the site's shared translation
(pipeline/export/texts.yaml `names`, through queries.provenance(lang)) and marks figures that
are not current by the one staleness rule the profile uses (dashboard.queries.currency)."""

from __future__ import annotations

import ast
import re
from html import unescape
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def _card_sources(client, code: str, lang: str, indicators: str) -> str:
    body = client.get(f"/embed/town/{code}?lang={lang}&indicators={indicators}").get_data(
        as_text=True
    )
    text = unescape(re.sub(r"<[^>]+>", " ", body))
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_publishers_are_the_shared_translation(client, con, lang):
    names = yaml.safe_load((ROOT / "pipeline/export/texts.yaml").read_text("utf-8"))["names"]
    by_english = {v["en"]: v[lang] for v in names.values() if isinstance(v, dict) and "en" in v}
    # the card's sources: a Sotkanet figure, whose fi/sv publisher names differ from any
    # second copy written for the card alone
    row = con.execute(
        "SELECT v.indicator_id, p.publisher FROM core.indicator_values v "
        "JOIN core.provenance p ON p.source_id = v.source_id "
        "WHERE v.area_code = '140' AND v.value IS NOT NULL AND p.publisher LIKE 'THL%' "
        "ORDER BY v.indicator_id LIMIT 1"
    ).fetchone()
    assert row is not None, "a Sotkanet indicator with a value for 140"
    indicator_id, publisher_en = row
    text = _card_sources(client, "140", lang, indicator_id)
    assert by_english[publisher_en] in text
    assert publisher_en not in text


def test_one_staleness_rule():
    """No module but dashboard/queries/currency.py defines the rule."""
    defining = []
    for path in (ROOT / "dashboard").rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        names = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        if names & {"is_stale", "cutoff_year", "_cutoff"}:
            defining.append(path.relative_to(ROOT).as_posix())
    assert defining == ["dashboard/queries/currency.py"]


def test_no_publisher_map_of_the_embeds_own():
    tree = ast.parse((ROOT / "dashboard/embeds/town.py").read_text("utf-8"))
    keys = [
        k.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Dict)
        for k in node.keys
        if isinstance(k, ast.Constant) and isinstance(k.value, str)
    ]
    assert not [k for k in keys if "Statistics Finland" in k]
