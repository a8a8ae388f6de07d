"""content/ecosystem.yaml: the shipped facts (hand-picked against the public documents they
cite) and the validation, whose every error names the file and the line at fault."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli import main as cli
from pipeline.content import ContentError, load_content, municipalities_of, parse_content

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content" / "ecosystem.yaml"
TEXT = CONTENT.read_text(encoding="utf-8")

# The words in each theme's Finnish focus texts (the test's own oracle of the tagging rule
# stated in the file: a theme is tagged only where the Finnish focus text names it).
THEME_WORDS = {
    "circular_economy": ("kiertotalou",),
    "wellbeing_health": ("hyvinvoin", "terve"),
    "industry": ("teollisuu", "industry"),
    "energy": ("energia", "sähköist"),
    "digital": ("digitaali", "digitalisaatio", "tekoäly", "data", "laskenta"),
    "water": ("vesi", "vesien"),
    "urban": ("kaupunki",),
    "food": ("ruoka",),
    "tourism": ("matkailu",),
    "sports": ("urheilu", "liikunta"),
}


@pytest.fixture(scope="module")
def towns():
    return municipalities_of()


@pytest.fixture(scope="module")
def content(towns):
    return load_content(CONTENT, towns)


def _groups() -> dict[str, set[str]]:
    catalogue = yaml.safe_load((ROOT / "indicators.yaml").read_text(encoding="utf-8"))
    return {g["id"]: set(g.get("members", ())) for g in catalogue["groups"]}


def test_the_agreements_are_the_university_cities(content):
    agreements = content.agreements.agreements
    assert len(agreements) == 16
    cities = [code for a in agreements for code in a.municipalities]
    assert len(cities) == len(set(cities)) == 20  # 18 named cities with Imatra and Sotkamo
    assert set(cities) == _groups()["university_cities"]
    kajaani = content.agreement_for("765")
    assert kajaani.municipalities == ("205", "765")
    assert kajaani.focus.fi == "Mittaustekniikka sekä suurteholaskenta, tekoäly ja datakeskukset"
    assert content.agreements.signed == "2021-02-09"
    assert content.agreements.valid_until == "2027-12-31"


def test_each_network_town_has_its_network_organisation(content):
    network = _groups()["network"]
    assert set(content.service_towns()) == network
    for code in network:
        assert any(s.network_role for s in content.services_for(code)), code
    naturpolis = content.services_for("832")
    assert [s.name for s in naturpolis] == ["Naturpolis Oy"]
    assert naturpolis[0].municipalities == ("305", "832")
    assert content.services_for("140")[0].network_role == "main_implementer"
    # nothing beyond the facts: no web address, language or theme was made up
    assert all(s.url is None and not s.languages and not s.themes for s in content.services)


def test_theme_tags_are_named_in_the_finnish_focus(content):
    for agreement in content.agreements.agreements:
        assert agreement.themes, agreement.id
        focus = agreement.focus.fi.lower()
        for theme in agreement.themes:
            assert any(word in focus for word in THEME_WORDS[theme]), (agreement.id, theme)


def test_sources_and_gaps(content):
    cited = {
        content.agreements.source,
        content.agreements.networks_strand_source,
        content.network.source,
        content.strategy.source,
        *(s.source for s in content.services),
    }
    assert cited <= {d.id for d in content.documents}
    assert len(content.strategy.goals) == 3
    gaps = {g.id: g for g in content.data_gaps}
    assert "tyokay 115h" in gaps["jobs_by_industry_municipal"].statfin
    assert "alyr 13wz" in gaps["establishments_municipal"].statfin
    assert {"rd_subregional", "patents_recent", "regional_innovation_scoreboard"} <= set(gaps)
    assert {"business_finland_funding", "eu_funding"} <= set(gaps)


def _line_of(text: str, fragment: str) -> int:
    """The 1-based line where `fragment` starts in `text` (found independently of the loader)."""
    index = text.index(fragment)
    return text.count("\n", 0, index) + 1


NEW_SERVICE = (
    '  - {id: extra, name: "Extra", kind: funding, municipalities: ["678"],'
    " source: network_project%s}\n"
)
CASES = {
    "unknown key": (NEW_SERVICE % ", colour: red", "colour: red", "unknown key 'colour'"),
    "unknown code": (
        NEW_SERVICE.replace('["678"]', '["999"]') % "",
        '["999"]',
        "unknown municipality code '999'",
    ),
    "unquoted code": (
        NEW_SERVICE.replace('["678"]', "[678]") % "",
        "[678]",
        "quoted three-digit code",
    ),
    "bad url": (NEW_SERVICE % ", url: www.example.fi", "url: www", "bad web address"),
    "bad url scheme": (
        NEW_SERVICE % ", url: 'javascript:alert(1)'",
        "url: 'javascript",
        "bad web address",
    ),
    "unknown theme": (NEW_SERVICE % ", themes: [space]", "themes: [space]", "unknown theme"),
    "unknown kind": (
        NEW_SERVICE.replace("kind: funding", "kind: bakery") % "",
        "kind: bakery",
        "unknown kind 'bakery'",
    ),
    "missing translation": (
        NEW_SERVICE % ", description: {fi: Rahoitus, en: Funding}",
        "description:",
        "missing or empty 'sv' translation of 'description'",
    ),
    "duplicate id": (
        NEW_SERVICE.replace("id: extra", "id: naturpolis") % "",
        'id: naturpolis, name: "Extra"',
        "duplicate service id",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_bad_entry_fails_naming_its_line(case, towns):
    entry, fragment, message = CASES[case]
    anchor = "\n# The R&D&I indicators an Invest In tool would want"
    text = TEXT.replace(anchor, "\n" + entry + anchor, 1)
    with pytest.raises(ContentError) as error:
        parse_content(text, "content/ecosystem.yaml", towns)
    assert message in str(error.value)
    assert f"content/ecosystem.yaml:{_line_of(text, fragment)}:" in str(error.value)


def test_a_missing_focus_translation_names_its_line(towns):
    text = TEXT.replace(', sv: "Grön elektrifiering"', "", 1)
    with pytest.raises(ContentError, match="missing or empty 'sv' translation of 'focus'") as e:
        parse_content(text, "x.yaml", towns)
    line = _line_of(text, 'focus: {fi: "Vihreä sähköistäminen"')
    assert f"x.yaml:{line}:" in str(e.value)


def test_unknown_top_level_key_and_agreement_code(towns):
    with pytest.raises(ContentError, match=r"x.yaml:\d+: content: unknown key 'extras'"):
        parse_content(TEXT + "extras: 1\n", "x.yaml", towns)
    text = TEXT.replace('municipalities: ["405", "153"]', 'municipalities: ["405", "154"]')
    with pytest.raises(ContentError) as error:
        parse_content(text, "x.yaml", towns)
    line = _line_of(text, '["405", "154"]')
    assert re.search(
        rf"x.yaml:{line}: agreement 'lappeenranta': unknown municipality", str(error.value)
    )


def test_investin_check_validates_the_content(tmp_path):
    good = CliRunner().invoke(cli, ["check"])
    assert good.exit_code == 0 and "content OK" in good.output
    bad = tmp_path / "ecosystem.yaml"
    bad.write_text(TEXT.replace('municipalities: ["684"]', 'municipalities: ["999"]'), "utf-8")
    result = CliRunner().invoke(cli, ["check", "--content", str(bad)])
    assert result.exit_code == 1
    line = _line_of(bad.read_text("utf-8"), '["999"]')
    assert f"ecosystem.yaml:{line}: service 'rauman_kaupunki': unknown municipality code" in (
        result.output
    )
