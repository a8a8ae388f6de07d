"""The catalogue: the real indicators.yaml loads and is sound; each check names entry and line."""

from __future__ import annotations

import os
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipeline import DEFAULT_CATALOGUE, DEFAULT_SNAPSHOT
from pipeline.catalogue import (
    LANGUAGES,
    Catalogue,
    CatalogueError,
    Completeness,
    Text,
    check_expression,
    expression_variables,
    load_catalogue,
)

KEY_2025 = DEFAULT_SNAPSHOT / "classification" / "geofi_municipality_key_2025.csv"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="module")
def municipalities_2025() -> dict[str, str]:
    key = pd.read_csv(KEY_2025, encoding="utf-8-sig")
    return {
        f"{int(c):03d}": name for c, name in zip(key.kunta, key.municipality_name_fi, strict=True)
    }


# --------------------------------------------------------------------------- the real catalogue


def test_real_catalogue_loads_with_at_least_30_indicators(catalogue: Catalogue) -> None:
    assert catalogue.path == DEFAULT_CATALOGUE.resolve()
    assert len(catalogue.indicators) >= 30
    assert {t.id for t in catalogue.themes} == {i.theme for i in catalogue.indicators}


def test_every_text_has_all_three_languages(catalogue: Catalogue) -> None:
    texts: list[tuple[str, Text]] = [(f"theme {t.id}", t.label) for t in catalogue.themes]
    texts += [(f"source {s.id}", s.title) for s in catalogue.sources]
    texts += [(f"group {g.id}", g.name) for g in catalogue.groups]
    for ind in catalogue.indicators:
        texts += [(f"{ind.id} label", ind.label), (f"{ind.id} description", ind.description)]
        texts += [(f"{ind.id} unit", ind.unit)]
    for where, text in texts:
        for lang in LANGUAGES:
            assert text.get(lang).strip(), f"{where}: empty {lang}"
    for ind in catalogue.indicators:
        assert ind.label.fi != ind.label.en or ind.label.fi in {"BKT"}, ind.id


def test_every_source_file_is_in_the_snapshot(catalogue: Catalogue) -> None:
    for source in catalogue.sources:
        assert (DEFAULT_SNAPSHOT / source.file).is_file(), source.file
        assert source.licence == "CC BY 4.0"


def test_indicator_sources_are_tuples_and_variables_resolve(catalogue: Catalogue) -> None:
    for ind in catalogue.indicators:
        assert isinstance(ind.sources, tuple) and ind.sources
        listed = {v for s in ind.sources for v in catalogue.source(s).variable_ids}
        assert set(ind.variables) <= listed, ind.id


def test_aggregation_rules_are_complete(catalogue: Catalogue) -> None:
    for ind in catalogue.indicators:
        agg = ind.aggregation
        if agg.rule == "ratio":
            assert agg.numerator and agg.denominator, ind.id
        if agg.rule == "weighted_mean":
            assert agg.weight, ind.id
    rules = {i.id: i.aggregation.rule for i in catalogue.indicators}
    assert rules["population"] == "sum"
    assert rules["unemployment_rate"] == "ratio"
    assert rules["unemployment_rate_monthly"] == "weighted_mean"
    assert rules["relative_indebtedness"] == "none"


def test_editions_share_variable_ids(catalogue: Catalogue) -> None:
    declaring = [s for s in catalogue.sources if "unemployment_pct" in s.variable_ids]
    assert [s.id for s in declaring] == [
        "keyfig_2022", "keyfig_2018", "keyfig_regions_2021",
        "keyfig_latest", "keyfig_2006_2016", "keyfig_subregions_2022",
    ]  # fmt: skip
    assert [s.edition_of for s in declaring] == [None] + ["keyfig_2022"] * 5
    assert "job_self_sufficiency" not in catalogue.source("keyfig_2018").variable_ids


def test_group_members_are_2025_municipalities(
    catalogue: Catalogue, municipalities_2025: dict[str, str]
) -> None:
    network = catalogue.group("network")
    assert network.kind == "list" and len(network.members) == 10
    assert municipalities_2025["832"] == "Taivalkoski"
    for group in catalogue.groups:
        for code in group.members:
            assert code in municipalities_2025, (group.id, code)
    cities = catalogue.group("university_cities")
    assert {municipalities_2025[c] for c in cities.members} >= {"Imatra", "Sotkamo", "Helsinki"}
    assert catalogue.group("country").code == "SSS"
    assert catalogue.group("region").by == "maakunta"


def test_mergers_cover_the_2018_edition(
    catalogue: Catalogue, municipalities_2025: dict[str, str]
) -> None:
    """The 2018 edition has 311 rows: the 308 of 2025 plus the three merged municipalities."""
    book = openpyxl.load_workbook(
        DEFAULT_SNAPSHOT / catalogue.source("keyfig_2018").file, read_only=True
    )
    names = [row[0] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    book.close()
    assert len(names) == 311
    gone = set(names) - set(municipalities_2025.values())
    merged = {m.name.split(" → ")[0] for m in catalogue.mergers}
    assert gone == merged == {"Honkajoki", "Pertunmaa", "Valtimo"}
    for merger in catalogue.mergers:
        assert merger.from_code not in municipalities_2025
        assert municipalities_2025[merger.to_code] == merger.name.split(" → ")[1]


def test_load_is_cached_by_path_and_mtime(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(VALID, encoding="utf-8")
    first = load_catalogue(path)
    assert load_catalogue(str(path)) is first
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert load_catalogue(path) is not first
    assert load_catalogue() is load_catalogue(DEFAULT_CATALOGUE)


def test_catalogue_lookups(tmp_path: Path) -> None:
    cat = _load(tmp_path, VALID)
    assert cat.indicator("unemployment_rate").sources == ("kf", "kf_old")
    assert cat.indicator("unemployment_rate").aggregation.scale == 100
    assert cat.source("pop").variables[0].selector == "population_31dec"
    assert cat.source("kf_old").edition_of == "kf"
    assert cat.group("region").code == "MK"
    assert cat.mergers[0].from_code == "588"
    assert Text("a", "b", "c").get("sv") == "b"
    with pytest.raises(KeyError):
        Text("a", "b", "c").get("de")
    with pytest.raises(KeyError, match="unknown indicator 'nope'"):
        cat.indicator("nope")


def test_expression_helpers() -> None:
    expr = "100.0 * (population - lag(population, 1)) / nullif(lag(population, 1), 0)"
    assert expression_variables(expr) == ("population",)
    check_expression("coalesce(a, greatest(b, 0)) / 2e3", ["a", "b"])
    with pytest.raises(ValueError, match="unknown function 'exec'"):
        check_expression("exec(a)", ["a"])
    with pytest.raises(ValueError, match="unexpected character"):
        check_expression("a; drop table x", ["a"])
    with pytest.raises(ValueError, match=r"lag\(\) takes \(variable, integer\)"):
        check_expression("lag(a + b, 1)", ["a", "b"])
    check_expression("a - at_year(a, 2024)", ["a"])
    with pytest.raises(ValueError, match="unbalanced"):
        check_expression("(a", ["a"])


# --------------------------------------------------------------------------- failing checks

VALID = """\
version: 1
bounds:
  share: {min: 0, max: 100}
  population: {min: 0, max: 10000000, change_factor: 2}
  count: {min: 0, max: 10000000}
completeness: {min_share: 1.0, show_partial: true}
themes:
  - id: demo
    label: {fi: Väestö, sv: Befolkning, en: Population}
  - id: labour
    label: {fi: Työmarkkinat, sv: Arbetsmarknad, en: Labour market}
sources:
  - id: pop
    title: {fi: Väestö 31.12., sv: Befolkning 31.12, en: Population 31 Dec}
    file: statfin/pop.csv
    format: csv
    table: vaerak 11re
    publisher: Statistics Finland
    licence: CC BY 4.0
    updated: "2024-04-26"
    division: 2024
    area_level: municipality
    period: year
    citation: "Statistics Finland, 11re"
    columns: {area: area_code, period: year}
    pxweb:
      database: StatFin
      table: 11re.px
      legacy_table: vaerak/statfin_vaerak_pxt_11re.px
      language: fi
      selection: {geo: "*", Ikä: [SSS], time: "*"}
    variables:
      population: {selector: population_31dec, bounds: population}
  - id: kf
    title: {fi: Avainluvut 2022, sv: Nyckeltal 2022, en: Key figures 2022}
    file: statfin/kf2022.xlsx
    format: keyfigures_xlsx
    table: Kuntien avainluvut 2022
    publisher: Statistics Finland
    licence: CC BY 4.0
    updated: "2022"
    division: 2021
    area_level: municipality
    period: year
    citation: "Statistics Finland, Kuntien avainluvut 2022"
    variables:
      employed: {selector: "Alueella asuvan työllisen työvoiman määrä", bounds: count}
      unemployment_pct: {selector: "Työttömien osuus työvoimasta", bounds: share}
  - id: kf_old
    edition_of: kf
    title: {fi: Avainluvut 2018, sv: Nyckeltal 2018, en: Key figures 2018}
    file: statfin/kf2018.xlsx
    format: keyfigures_xlsx
    table: Kuntien avainluvut 2018
    publisher: Statistics Finland
    licence: CC BY 4.0
    updated: "2018"
    division: 2018
    area_level: municipality
    period: year
    citation: "Statistics Finland, Kuntien avainluvut 2018"
    variables:
      unemployment_pct: "Työttömien osuus työvoimasta (2018)"
  - id: proj
    title: {fi: Ennuste, sv: Prognos, en: Projection}
    file: statfin/proj.json
    format: jsonstat2
    table: vaenn 14wx
    publisher: Statistics Finland
    licence: CC BY 4.0
    updated: "2024-10-24"
    division: 2024
    area_level: municipality
    period: year
    citation: "Statistics Finland, 14wx"
    variables:
      projected_age_0_14: {selector: vaesto_e24, filter: {Ikä: "000-014"}, bounds: population}
groups:
  - id: network
    name: {fi: Seutukaupunkiverkosto, sv: Nätverket för regionstäder, en: Regional towns network}
    members: ["140", "740"]
  - id: region
    by: maakunta
    code: MK
    name: {fi: Maakunta, sv: Landskap, en: Region}
  - id: country
    kind: country
    code: SSS
    name: {fi: Koko maa, sv: Hela landet, en: Whole country}
    completeness: {show_partial: false}
mergers:
  - {from: "588", to: "507", year: 2025, name: "Pertunmaa → Mäntyharju"}
indicators:
  - id: population
    theme: demo
    label: {fi: Väkiluku, sv: Folkmängd, en: Population}
    description: {fi: Väestö 31.12., sv: Befolkningen 31.12, en: Population on 31 Dec}
    unit: {fi: henkilöä, sv: personer, en: persons}
    bounds: population
    decimals: 0
    direction: higher_is_better
    source: pop
    formula: population
    aggregation: {rule: sum}
    citation: "Statistics Finland, 11re"
  - id: unemployment_rate
    theme: labour
    label: {fi: Työttömyysaste, sv: Arbetslöshetsgrad, en: Unemployment rate}
    description: {fi: Työttömien osuus, sv: Andelen arbetslösa, en: Share of the unemployed}
    unit: {fi: "%", sv: "%", en: "%"}
    bounds: share
    decimals: 1
    direction: lower_is_better
    source: [kf, kf_old]
    formula: unemployment_pct
    aggregation:
      rule: ratio
      numerator: "employed * unemployment_pct / (100 - unemployment_pct)"
      denominator: "employed / (1 - unemployment_pct / 100)"
      scale: 100
    citation: "Statistics Finland, Kuntien avainluvut"
  - id: unemployment_weighted
    theme: labour
    label: {fi: Työttömyys painotettu, sv: Arbetslöshet vägd, en: Unemployment weighted}
    description: {fi: Painotettu, sv: Vägd, en: Weighted}
    unit: {fi: "%", sv: "%", en: "%"}
    bounds: {min: 0, max: 100}
    decimals: 1
    direction: lower_is_better
    source: [kf, pop]
    formula: unemployment_pct
    aggregation:
      rule: weighted_mean
      weight: population
    citation: "Statistics Finland, Kuntien avainluvut"
"""


def _load(tmp_path: Path, text: str) -> Catalogue:
    path = tmp_path / "indicators.yaml"
    path.write_text(text, encoding="utf-8")
    return load_catalogue(path)


def _line(text: str, needle: str) -> int:
    """1-based line of the first line containing `needle`.

    `needle$` matches a whole (stripped) line; a `#n` suffix takes the n-th match.
    """
    needle, _, nth = needle.partition("#")
    exact = needle.endswith("$")
    needle = needle.removesuffix("$").strip() if exact else needle
    hits = [
        n
        for n, line in enumerate(text.splitlines(), start=1)
        if (line.strip() == needle if exact else needle in line)
    ]
    return hits[int(nth or 1) - 1]


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"fixture anchor {old!r} is not unique"
    return text.replace(old, new)


# (test id, old, new, entry named in the message, needle on the expected line, message regex)
BAD_CASES = [
    (
        "unknown top-level key",
        "mergers:\n",
        "mergerz: []\nmergers:\n",
        "catalogue",
        "mergerz",
        "unknown key 'mergerz'",
    ),
    (
        "unknown indicator key",
        "    formula: population\n",
        "    formla: population\n",
        "indicator 'population'",
        "formla",
        "unknown key 'formla'",
    ),
    (
        "unknown source key",
        "    division: 2018\n",
        "    division: 2018\n    divison: 2018\n",
        "source 'kf_old'",
        "divison",
        "unknown key 'divison'",
    ),
    (
        "unknown aggregation key",
        "      scale: 100\n",
        "      scale: 100\n      weigth: x\n",
        "indicator 'unemployment_rate'",
        "weigth",
        "unknown key 'weigth'",
    ),
    (
        "unknown pxweb key",
        "      language: fi\n",
        "      language: fi\n      langauge: fi\n",
        "source 'pop'",
        "langauge",
        "unknown key 'langauge'",
    ),
    (
        "unknown group key",
        '    members: ["140", "740"]\n',
        '    members: ["140", "740"]\n    member: []\n',
        "group 'network'",
        "member: []",
        "unknown key 'member'",
    ),
    (
        "unknown variable key",
        'filter: {Ikä: "000-014"}, bounds',
        'filtr: {Ikä: "000-014"}, bounds',
        "variable 'projected_age_0_14'",
        "filtr",
        "unknown key 'filtr'",
    ),
    (
        "missing required indicator key",
        '    citation: "Statistics Finland, 11re"\n  - id: unemployment_rate\n',
        "  - id: unemployment_rate\n",
        "indicator 'population'",
        "- id: population",
        "missing required key 'citation'",
    ),
    (
        "missing required source key",
        "    table: Kuntien avainluvut 2018\n",
        "",
        "source 'kf_old'",
        "- id: kf_old",
        "missing required key 'table'",
    ),
    (
        "duplicate source id",
        "  - id: proj\n",
        "  - id: kf\n",
        "source 'kf'",
        "- id: kf$#2",
        "duplicate source id",
    ),
    (
        "duplicate variable id",
        "      projected_age_0_14:",
        "      employed:",
        "source 'proj'",
        "- id: proj",
        "duplicate variable id 'employed'",
    ),
    (
        "duplicate variable id within a source",
        '      unemployment_pct: {selector: "Työttömien osuus työvoimasta", bounds: share}\n',
        '      unemployment_pct: {selector: "Työttömien osuus työvoimasta", bounds: share}\n'
        "      employed: x\n",
        "source 'kf'",
        "employed: x",
        "duplicate variable id 'employed' within the source",
    ),
    (
        "duplicate key in a selection",
        'selection: {geo: "*", Ikä: [SSS], time: "*"}',
        'selection: {geo: "*", Ikä: [SSS], time: "*", geo: [x]}',
        "catalogue",
        "selection:",
        "duplicate key 'geo'",
    ),
    (
        "duplicate group id",
        "  - id: country\n",
        "  - id: region\n",
        "group 'region'",
        "- id: region$#2",
        "duplicate group id",
    ),
    (
        "duplicate theme id",
        "  - id: labour\n",
        "  - id: demo\n",
        "theme 'demo'",
        "- id: demo$#2",
        "duplicate theme id",
    ),
    (
        "duplicate indicator id",
        "  - id: unemployment_weighted\n",
        "  - id: population\n",
        "indicator 'population'",
        "- id: population$#2",
        "duplicate indicator id",
    ),
    (
        "duplicate yaml key",
        "    decimals: 0\n",
        "    decimals: 0\n    decimals: 1\n",
        "",
        "decimals: 1",
        "indicator 'population': duplicate key 'decimals'",
    ),
    (
        "missing translation",
        "label: {fi: Väkiluku, sv: Folkmängd, en: Population}",
        "label: {fi: Väkiluku, en: Population}",
        "indicator 'population'",
        "label: {fi: Väkiluku",
        "missing or empty 'sv' translation of 'label'",
    ),
    (
        "empty translation",
        "description: {fi: Painotettu, sv: Vägd, en: Weighted}",
        'description: {fi: Painotettu, sv: Vägd, en: ""}',
        "indicator 'unemployment_weighted'",
        "description: {fi: Painotettu",
        "missing or empty 'en' translation of 'description'",
    ),
    (
        "missing title translation",
        "title: {fi: Ennuste, sv: Prognos, en: Projection}",
        "title: {fi: Ennuste, sv: Prognos}",
        "source 'proj'",
        "title: {fi: Ennuste",
        "'en' translation of 'title'",
    ),
    (
        "missing unit",
        "    unit: {fi: henkilöä, sv: personer, en: persons}\n",
        "",
        "indicator 'population'",
        "- id: population",
        "missing required key 'unit'",
    ),
    (
        "empty group name",
        "name: {fi: Koko maa, sv: Hela landet, en: Whole country}",
        'name: {fi: Koko maa, sv: " ", en: Whole country}',
        "group 'country'",
        "name: {fi: Koko maa",
        "'sv' translation of 'name'",
    ),
    (
        "unknown language",
        "label: {fi: Väestö, sv: Befolkning, en: Population}",
        "label: {fi: Väestö, sv: Befolkning, en: Population, de: Bevölkerung}",
        "theme 'demo'",
        "de: Bevölkerung",
        "unknown language 'de'",
    ),
    (
        "invalid format",
        "    format: jsonstat2\n",
        "    format: json-stat\n",
        "source 'proj'",
        "format: json-stat",
        "invalid format 'json-stat'",
    ),
    (
        "invalid period",
        "    division: 2021\n    area_level: municipality\n    period: year\n",
        "    division: 2021\n    area_level: municipality\n    period: quarter\n",
        "source 'kf'",
        "period: quarter",
        "invalid period 'quarter'",
    ),
    (
        "invalid area level",
        "    division: 2018\n    area_level: municipality\n",
        "    division: 2018\n    area_level: county\n",
        "source 'kf_old'",
        "area_level: county",
        "invalid area_level 'county'",
    ),
    (
        "invalid direction",
        "    direction: higher_is_better\n",
        "    direction: up\n",
        "indicator 'population'",
        "direction: up",
        "invalid direction 'up'",
    ),
    (
        "invalid rule",
        "aggregation: {rule: sum}",
        "aggregation: {rule: mean}",
        "indicator 'population'",
        "rule: mean",
        "invalid rule 'mean'",
    ),
    (
        "formula unknown variable",
        "    formula: population\n",
        "    formula: populaton * 2\n",
        "indicator 'population'",
        "populaton * 2",
        "unknown variable 'populaton'",
    ),
    (
        "numerator unknown variable",
        'numerator: "employed * unemployment_pct / (100 - unemployment_pct)"',
        'numerator: "employed * unemployed"',
        "indicator 'unemployment_rate'",
        "employed * unemployed",
        "numerator: unknown variable 'unemployed'",
    ),
    (
        "denominator unknown variable",
        'denominator: "employed / (1 - unemployment_pct / 100)"',
        'denominator: "labour_force"',
        "indicator 'unemployment_rate'",
        "labour_force",
        "denominator: unknown variable 'labour_force'",
    ),
    (
        "weight of an unlisted source",
        "    source: [kf, pop]\n",
        "    source: [kf]\n",
        "indicator 'unemployment_weighted'",
        "weight: population",
        "weight: unknown variable 'population'",
    ),
    (
        "formula of an unlisted source",
        "    source: pop\n",
        "    source: kf\n",
        "indicator 'population'",
        "formula: population",
        "unknown variable 'population'",
    ),
    (
        "unknown function",
        "    formula: population\n",
        "    formula: system(population)\n",
        "indicator 'population'",
        "system(population)",
        "unknown function 'system'",
    ),
    (
        "unknown source",
        "    source: [kf, kf_old]\n",
        "    source: [kf, kf_2010]\n",
        "indicator 'unemployment_rate'",
        "kf_2010",
        "unknown source 'kf_2010'",
    ),
    (
        "ratio without denominator",
        '      denominator: "employed / (1 - unemployment_pct / 100)"\n',
        "",
        "indicator 'unemployment_rate'",
        "rule: ratio",
        "needs both 'numerator' and 'denominator'",
    ),
    (
        "weighted_mean without weight",
        "      weight: population\n",
        "",
        "indicator 'unemployment_weighted'",
        "rule: weighted_mean",
        "needs a 'weight'",
    ),
    (
        "undeclared theme",
        "    theme: labour\n    label: {fi: Työttömyysaste",
        "    theme: economy\n    label: {fi: Työttömyysaste",
        "indicator 'unemployment_rate'",
        "theme: economy",
        "theme 'economy' is not declared",
    ),
    (
        "member not three digits",
        'members: ["140", "740"]',
        'members: ["140", "74"]',
        "group 'network'",
        "members:",
        "member '74' is not a three-digit",
    ),
    (
        "unquoted member",
        'members: ["140", "740"]',
        'members: ["140", 740]',
        "group 'network'",
        "members:",
        "member 740 is not a three-digit",
    ),
    (
        "merger code",
        '{from: "588", to: "507"',
        '{from: 588, to: "507"',
        "merger '588'",
        "from: 588",
        "'from' 588 is not a three-digit",
    ),
    (
        "edition with a new variable",
        '      unemployment_pct: "Työttömien osuus työvoimasta (2018)"\n',
        '      unemployment_pct: "Työttömien osuus työvoimasta (2018)"\n      pensioners_pct: "Eläkeläisten osuus"\n',
        "source 'kf_old'",
        "- id: kf_old",
        "variable 'pensioners_pct' is not declared by its base source 'kf'",
    ),
    (
        "indicator without bounds",
        "    bounds: population\n    decimals: 0",
        "    decimals: 0",
        "indicator 'population'",
        "- id: population",
        "missing required key 'bounds'",
    ),
    (
        "unknown bounds kind",
        "    bounds: share\n",
        "    bounds: shares\n",
        "indicator 'unemployment_rate'",
        "bounds: shares",
        "unknown bounds kind 'shares'",
    ),
    (
        "variable without bounds",
        "population: {selector: population_31dec, bounds: population}",
        "population: population_31dec",
        "source 'pop'",
        "- id: pop",
        "variable 'population' declares no bounds",
    ),
    (
        "edition declaring bounds",
        'unemployment_pct: "Työttömien osuus työvoimasta (2018)"',
        'unemployment_pct: {selector: "Työttömien osuus työvoimasta (2018)", bounds: share}',
        "source 'kf_old'",
        "- id: kf_old",
        "declares bounds in an edition",
    ),
    (
        "bounds min above max",
        "  share: {min: 0, max: 100}",
        "  share: {min: 100, max: 0}",
        "bounds kind 'share'",
        "share: {min: 100",
        "'min' 100 must be below 'max' 0",
    ),
    (
        "change factor not above 1",
        "change_factor: 2}",
        "change_factor: 0.5}",
        "bounds kind 'population'",
        "change_factor: 0.5",
        "'change_factor' must be above 1",
    ),
    (
        "bounds without max",
        "bounds: {min: 0, max: 100}",
        "bounds: {min: 0, maximum: 100}",
        "indicator 'unemployment_weighted'",
        "maximum: 100",
        "unknown key 'maximum'",
    ),
    (
        "bounds not a number",
        "  count: {min: 0, max: 10000000}",
        "  count: {min: 0, max: lots}",
        "bounds kind 'count'",
        "max: lots",
        "'max' must be a finite number",
    ),
    (
        "completeness share above 1",
        "completeness: {min_share: 1.0, show_partial: true}",
        "completeness: {min_share: 1.5, show_partial: true}",
        "completeness",
        "min_share: 1.5",
        r"'min_share' must be in \(0, 1\]",
    ),
    (
        "group completeness not a flag",
        "completeness: {show_partial: false}",
        "completeness: {show_partial: maybe}",
        "group 'country'",
        "show_partial: maybe",
        "'show_partial' must be true or false",
    ),
    (
        "group completeness unknown key",
        "completeness: {show_partial: false}",
        "completeness: {show_partials: false}",
        "group 'country'",
        "show_partials",
        "unknown key 'show_partials'",
    ),
    (
        "missing top-level completeness",
        "completeness: {min_share: 1.0, show_partial: true}\n",
        "",
        "catalogue",
        "version: 1",
        "missing required key 'completeness'",
    ),
    (
        "edition of unknown source",
        "    edition_of: kf\n",
        "    edition_of: kf_1999\n",
        "source 'kf_old'",
        "- id: kf_old",
        "edition_of names unknown source 'kf_1999'",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "entry", "needle", "message"),
    [case[1:] for case in BAD_CASES],
    ids=[case[0] for case in BAD_CASES],
)
def test_bad_catalogue_fails_naming_entry_and_line(
    tmp_path: Path, old: str, new: str, entry: str, needle: str, message: str
) -> None:
    text = _replace_once(VALID, old, new)
    with pytest.raises(CatalogueError) as info:
        _load(tmp_path, text)
    error = str(info.value)
    assert re.search(message, error), error
    assert entry in error, error
    expected = _line(text, needle)
    assert f"indicators.yaml:{expected}:" in error, (expected, error)


def test_valid_fixture_loads(tmp_path: Path) -> None:
    cat = _load(tmp_path, VALID)
    assert [i.id for i in cat.indicators] == [
        "population",
        "unemployment_rate",
        "unemployment_weighted",
    ]
    proj = next(v for v in cat.source("proj").variables if v.id == "projected_age_0_14")
    assert dict(proj.filter) == {"Ikä": "000-014"}
    assert cat.source("pop").pxweb.selection["Ikä"] == ("SSS",)


def test_bounds_and_completeness_of_the_fixture(tmp_path: Path) -> None:
    """Kinds are declared once and named; inline bounds say so; editions take their base's;
    a group's completeness keys override the default, the rest come from it."""
    cat = _load(tmp_path, VALID)
    population = cat.indicator("population").bounds
    assert (population.min, population.max, population.change_factor) == (0, 1e7, 2)
    assert population.kind == "population" and population is cat.bounds["population"]
    inline = cat.indicator("unemployment_weighted").bounds
    assert (inline.min, inline.max, inline.kind) == (0, 100, None)
    assert inline.describe() == "0..100 (declared inline)"
    assert population.describe() == "0..10,000,000, year on year within x2 (kind population)"
    old = {v.id: v for v in cat.source("kf_old").variables}
    assert old["unemployment_pct"].bounds.kind == "share"
    assert cat.source("proj").variables[0].bounds.kind == "population"
    assert cat.completeness == Completeness(1.0, True)
    assert cat.group("country").completeness == Completeness(1.0, False)
    assert cat.group("network").completeness == Completeness(1.0, True)


def test_every_indicator_and_variable_has_bounds(catalogue: Catalogue) -> None:
    """Shares are 0–100; every count has a floor of 0 and a ceiling above the country's."""
    for indicator in catalogue.indicators:
        assert indicator.bounds is not None and indicator.bounds.kind, indicator.id
    for source in catalogue.sources:
        for variable in source.variables:
            assert variable.bounds is not None and variable.bounds.kind, variable.id
    assert (catalogue.bounds["share"].min, catalogue.bounds["share"].max) == (0, 100)
    for kind in ("population", "count"):
        assert catalogue.bounds[kind].min == 0 and 6e6 < catalogue.bounds[kind].max <= 1e7
    assert catalogue.indicator("population").bounds.change_factor == 2
    assert catalogue.indicator("unemployment_rate").bounds.kind == "share"


def test_missing_file_and_broken_yaml(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="not found"):
        load_catalogue(tmp_path / "absent.yaml")
    with pytest.raises(CatalogueError, match="invalid yaml"):
        _load(tmp_path, "version: 1\nthemes: [\n")
