"""The Finnish and Swedish texts say things as a native editor would: phrases the text review
replaced (unidiomatic, wrong register, English leftovers, a second term for one concept) appear
in no locale file, no label or description of indicators.yaml or presentation.yaml and no
export text; the replacements are where the pages take them from."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml

from dashboard.i18n import LOCALES, load_page, pages, t

ROOT = Path(__file__).resolve().parents[2]
FILES = [*sorted(LOCALES.glob("*.yaml")), ROOT / "indicators.yaml", ROOT / "presentation.yaml"]
FILES.append(ROOT / "pipeline" / "export" / "texts.yaml")

# (language, phrase): what no fi / sv text may say any more.
REPLACED = [
    ("fi", "Tasapainot"),
    ("fi", "1 = tasapaino"),
    ("sv", "1 = jämvikt"),
    ("sv", "över 15 år"),
    ("sv", "15 år fyllda"),
    ("sv", "ätverket för regionstäder"),
    ("sv", "egionstädernas nätverk"),
    ("sv", "Nätverkets regionstäder"),
    ("fi", "Koropleetti"),
    ("sv", "Koroplet"),
]


@cache
def _tree(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _texts(node, lang: str, out: list[str]) -> list[str]:
    """Every string under a `{fi, sv, en}` mapping's `lang` key, anywhere in a yaml tree."""
    if isinstance(node, dict):
        if isinstance(node.get(lang), str):
            out.append(node[lang])
        for value in node.values():
            _texts(value, lang, out)
    elif isinstance(node, list):
        for value in node:
            _texts(value, lang, out)
    return out


@pytest.mark.parametrize(("lang", "phrase"), REPLACED)
def test_replaced_phrases_are_gone(lang, phrase):
    found = []
    for path in FILES:
        found += [f"{path.name}: {s}" for s in _texts(_tree(path), lang, []) if phrase in s]
    assert not found


@pytest.mark.parametrize(("lang", "stem"), [("fi", "ndikaattor"), ("sv", "ndikator")])
def test_one_term_for_an_indicator_on_every_page(lang, stem):
    """'tunnusluku' / 'nyckeltal', as the profile, the definitions and the exports say (THL's
    own 'Sotkanet-indikaattori' in a source's name is a name, not our term)."""
    texts = [e[lang] for page in pages() for e in load_page(page).values()]
    assert not [s for s in texts if stem in s.lower()]
    assert t("compare.indicator", lang) == {"fi": "Tunnusluku", "sv": "Nyckeltal"}[lang]


def test_the_weights_reset_and_scale_in_finnish():
    assert t("index.weights_reset", "fi") == "Yhtä suuret painot"
    assert "1 = oletuspaino" in t("index.weights_help", "fi")
    assert t("index.weights_reset", "sv") == "Lika vikter"
    assert t("town.highlights", "fi") == "Nostot"  # a heading: nominative


def test_swedish_names_the_network_one_way():
    network = next(g for g in _tree(ROOT / "indicators.yaml")["groups"] if g["id"] == "network")
    assert network["name"]["sv"] == t("common.network", "sv") == "Regionstadsnätverket"
    swedish = [e["sv"] for page in pages() for e in load_page(page).values()]
    assert not [s for s in swedish if "nätverk" in s.lower() and "regionstäder" in s]


def test_swedish_age_wording_follows_statistikcentralen():
    for key in ("town.hl_tertiary_above",):
        assert "som fyllt 15 år" in t(key, "sv", value=1, country=2, year=3)
