"""A small warehouse written in code: four municipalities, their groups, two years.

The tables have the columns and types of the real `core.*` tables (and the `core.all_values`
views, run from the build's own model files), so the dashboard's queries run on it unchanged; the values are few and round so that
tests can state what a query must return by hand. Group values are written here as the build
would compute them (sums; ratios as ratios of sums), worked out in the comments.

    code  name       region  network  university city  population 2022 / 2023
    091   Helsinki   MK01    no       yes              600 / 610
    140   Iisalmi    MK11    yes      no               200 / 190
    684   Rauma      MK04    yes      no               300 / 310
    005   Alajärvi   MK14    no       no               100 / 90
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipeline.build.registry import MODELS

DDL = """
CREATE SCHEMA core;
CREATE TABLE core.areas (area_code VARCHAR, kind VARCHAR, name_fi VARCHAR, name_sv VARCHAR,
    name_en VARCHAR, region_code VARCHAR, subregion_code VARCHAR,
    municipality_group_code VARCHAR, is_network BOOLEAN, is_university_city BOOLEAN,
    group_id VARCHAR);
CREATE TABLE core.group_members (group_code VARCHAR, area_code VARCHAR);
CREATE TABLE core.indicators (indicator_id VARCHAR, theme VARCHAR, label_fi VARCHAR,
    label_sv VARCHAR, label_en VARCHAR, description_fi VARCHAR, description_sv VARCHAR,
    description_en VARCHAR, unit_fi VARCHAR, unit_sv VARCHAR, unit_en VARCHAR, decimals BIGINT,
    direction VARCHAR, aggregation VARCHAR, numerator VARCHAR, denominator VARCHAR,
    weight VARCHAR, scale DOUBLE, sources VARCHAR, formula VARCHAR, citation VARCHAR,
    note VARCHAR);
CREATE TABLE core.indicator_values (indicator_id VARCHAR, area_code VARCHAR, year INTEGER,
    month TIMESTAMP_NS, value DOUBLE, numerator DOUBLE, denominator DOUBLE, weight DOUBLE,
    source_id VARCHAR);
CREATE TABLE core.group_values (indicator_id VARCHAR, group_code VARCHAR, year INTEGER,
    month TIMESTAMP_NS, value DOUBLE, published_value DOUBLE, n_members BIGINT,
    n_values BIGINT, numerator DOUBLE, denominator DOUBLE, weight DOUBLE, method VARCHAR,
    source_id VARCHAR, complete BOOLEAN);
CREATE TABLE core.provenance (source_id VARCHAR, table_id VARCHAR, title_fi VARCHAR,
    title_sv VARCHAR, title_en VARCHAR, publisher VARCHAR, licence VARCHAR, citation VARCHAR,
    updated VARCHAR, fetched VARCHAR, file VARCHAR, sha256 VARCHAR, query VARCHAR,
    request VARCHAR, origin VARCHAR);
CREATE TABLE core.build_info (built_at TIMESTAMP, catalogue_sha256 VARCHAR,
    snapshot_manifest_sha256 VARCHAR, duckdb_version VARCHAR);
CREATE TABLE core.index_values (area_code VARCHAR, index_id VARCHAR, year BIGINT,
    score DOUBLE, rank BIGINT, n_indicators BIGINT);
CREATE TABLE core.index_components (index_id VARCHAR, indicator_id VARCHAR, theme VARCHAR,
    direction VARCHAR, year BIGINT, lower DOUBLE, upper DOUBLE, skewness DOUBLE,
    transform VARCHAR);
CREATE TABLE core.index_definitions (index_id VARCHAR, theme VARCHAR, label_fi VARCHAR,
    label_sv VARCHAR, label_en VARCHAR, unit VARCHAR, n_indicators BIGINT, indicators VARCHAR);
CREATE TABLE core.peers (area_code VARCHAR, peer_code VARCHAR, distance DOUBLE, rank BIGINT,
    n_indicators BIGINT);
"""

AREAS = [
    ("091", "municipality", "Helsinki", "Helsingfors", "Helsinki", "MK01", "SK011", "KR1",
     False, True, None),
    ("140", "municipality", "Iisalmi", "Idensalmi", "Iisalmi", "MK11", "SK113", "KR2",
     True, False, None),
    ("684", "municipality", "Rauma", "Raumo", "Rauma", "MK04", "SK043", "KR1",
     True, False, None),
    ("005", "municipality", "Alajärvi", "Alajärvi", "Alajärvi", "MK14", "SK146", "KR3",
     False, False, None),
    ("SSS", "country", "Koko maa", "Hela landet", "Whole country", None, None, None,
     False, False, "country"),
    ("MK04", "region", "Satakunta", "Satakunta", "Satakunta", None, None, None,
     False, False, "region"),
    ("network", "group", "Seutukaupungit", "Regionstäder", "Regional towns", None, None,
     None, False, False, "network"),
    ("university_cities", "group", "Yliopistokaupungit", "Universitetsstäder",
     "University cities", None, None, None, False, False, "university_cities"),
    ("peers:140", "peers", "Vertailukunnat: Iisalmi", "Jämförelsekommuner: Idensalmi",
     "Peers of Iisalmi", None, None, None, False, False, None),
]  # fmt: skip
MEMBERS = {
    "SSS": ["005", "091", "140", "684"],
    "MK04": ["684"],
    "network": ["140", "684"],
    "university_cities": ["091"],
    "peers:140": ["005", "684"],
}


def _indicator(ident, theme, label, unit, decimals, direction, aggregation, source):
    return (ident, theme, label, label, label, f"{label}.", f"{label}.", f"{label}.",
            unit, unit, unit, decimals, direction, aggregation, None, None, None, 1.0,
            source, ident, f"Citation of {source}", None)  # fmt: skip


INDICATORS = [
    _indicator("population", "demography", "Population", "persons", 0, "higher_is_better",
               "sum", "population_11re"),
    _indicator("population_projection", "demography", "Projected population", "persons", 0,
               "higher_is_better", "sum", "projection_14wx"),
    _indicator("unemployment_rate", "labour", "Unemployment rate", "%", 1, "lower_is_better",
               "ratio", "employment_115b"),
    _indicator("unemployment_rate_monthly", "labour", "Unemployment rate, monthly", "%", 1,
               "lower_is_better", "ratio", "employment_12r5"),
    _indicator("jobs", "labour", "Jobs", "jobs", 0, "higher_is_better", "sum", "jobs_115h"),
    _indicator("gdp_per_capita", "economy", "GDP per capita", "EUR", 0, "higher_is_better",
               "none", "gdp_12bc"),
]  # fmt: skip

# (indicator, area, year, month, value, numerator, denominator)
MUNICIPAL = [
    *(("population", code, 2022, None, v, None, None)
      for code, v in (("091", 600), ("140", 200), ("684", 300), ("005", 100))),
    *(("population", code, 2023, None, v, None, None)
      for code, v in (("091", 610), ("140", 190), ("684", 310), ("005", 90))),
    *(("population_projection", code, 2030, None, v, None, None)
      for code, v in (("091", 650), ("140", 180), ("684", 300), ("005", 80))),
    # unemployment: numerator unemployed, denominator labour force (value = 100 n / d)
    *(("unemployment_rate", code, 2023, None, 100 * n / d, n, d)
      for code, n, d in (("091", 30, 300), ("140", 10, 80), ("684", 12, 150), ("005", 5, 40))),
    *(("unemployment_rate_monthly", code, 2022, "2022-12-01", v, None, None)
      for code, v in (("091", 9.0), ("140", 11.0), ("684", 7.0), ("005", 12.0))),
    *(("unemployment_rate_monthly", code, 2023, "2023-11-01", v, None, None)
      for code, v in (("091", 9.5), ("140", 12.0), ("684", 7.5), ("005", 13.0))),
    *(("unemployment_rate_monthly", code, 2023, "2023-12-01", v, None, None)
      for code, v in (("091", 10.0), ("140", 12.5), ("684", 8.0), ("005", 14.0))),
    *(("jobs", code, 2022, None, v, None, None)
      for code, v in (("091", 400), ("140", 90), ("684", 150), ("005", 40))),
]  # fmt: skip

# Group values by the rules: population and jobs sums; unemployment ratio of sums.
# network = 140 + 684: population 2022 200 + 300 = 500, 2023 190 + 310 = 500,
#   unemployment 100 * (10 + 12) / (80 + 150) = 9.565...; monthly 2023-12 written as 10.0.
# SSS = all four: population 2022 1200, 2023 1200; unemployment 100 * 57 / 570 = 10.0.
# university_cities = 091 alone.
GROUPS = [
    ("population", "network", 2022, None, 500.0),
    ("population", "network", 2023, None, 500.0),
    ("population", "SSS", 2022, None, 1200.0),
    ("population", "SSS", 2023, None, 1200.0),
    ("population", "university_cities", 2023, None, 610.0),
    ("population", "peers:140", 2023, None, 400.0),
    ("unemployment_rate", "network", 2023, None, 100 * 22 / 230),
    ("unemployment_rate", "SSS", 2023, None, 10.0),
    ("unemployment_rate", "university_cities", 2023, None, 10.0),
    ("unemployment_rate", "peers:140", 2023, None, 100 * 17 / 190),
    ("unemployment_rate_monthly", "network", 2023, "2023-12-01", 10.0),
    ("unemployment_rate_monthly", "SSS", 2023, "2023-12-01", 11.0),
    ("unemployment_rate_monthly", "network", 2022, "2022-12-01", 9.0),
    ("jobs", "network", 2022, None, 240.0),
    ("jobs", "SSS", 2022, None, 680.0),
    ("gdp_per_capita", "MK04", 2023, None, 41000.0),
]

# Stored indices (equal weights): overall = mean of the two theme indices.
INDEX_VALUES = [
    ("091", "index_demography", 2023, 0.8, 1, 2),
    ("140", "index_demography", 2023, 0.2, 4, 2),
    ("684", "index_demography", 2023, 0.6, 2, 2),
    ("005", "index_demography", 2023, 0.4, 3, 2),
    ("091", "index_labour", 2023, 0.4, 3, 2),
    ("140", "index_labour", 2023, 0.9, 1, 2),
    ("684", "index_labour", 2023, 0.5, 2, 2),
    ("005", "index_labour", 2023, 0.1, 4, 2),
    ("091", "index_overall", 2023, 0.6, 1, 4),
    ("140", "index_overall", 2023, 0.55, 3, 4),
    ("684", "index_overall", 2023, 0.55, 2, 4),
    ("005", "index_overall", 2023, 0.25, 4, 4),
]
PEERS = [
    ("140", "684", 0.5, 1, 3),
    ("140", "005", 0.9, 2, 3),
    ("684", "140", 0.5, 1, 3),
    ("684", "091", 1.2, 2, 3),
]


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    if rows:
        marks = ", ".join("?" * len(rows[0]))
        con.executemany(f"INSERT INTO core.{table} VALUES ({marks})", rows)  # noqa: S608


def build_small_warehouse(path: Path) -> Path:
    """Write the small warehouse to `path` (a new DuckDB file) and return the path."""
    con = duckdb.connect(str(path))
    try:
        con.execute(DDL)
        # the coverage view is the build's own model (a view: it reads the rows inserted below)
        _insert(con, "areas", AREAS)
        _insert(con, "group_members", [(g, a) for g, codes in MEMBERS.items() for a in codes])
        _insert(con, "indicators", INDICATORS)
        _insert(con, "indicator_values", [(*row, None, "src") for row in MUNICIPAL])
        _insert(
            con,
            "group_values",
            [(i, g, y, m, v, None, 2, 2, None, None, None, "computed", "src", True)
             for i, g, y, m, v in GROUPS],
        )  # fmt: skip
        for model in sorted((MODELS / "core").glob("*.sql")):  # the build's own models, in order
            con.execute(model.read_text(encoding="utf-8"))
        _insert(con, "index_values", INDEX_VALUES)
        _insert(
            con,
            "index_components",
            [("index_labour", "unemployment_rate", "labour", "lower_is_better", 2023,
              0.0, 1.0, 0.0, "none"),
             ("index_demography", "population", "demography", "higher_is_better", 2023,
              0.0, 1.0, 0.0, "none")],
        )  # fmt: skip
        _insert(con, "peers", PEERS)
        sources = sorted({row[18] for row in INDICATORS})
        _insert(
            con,
            "provenance",
            [(s, f"table {s}", f"{s} fi", f"{s} sv", f"{s} en", "Statistics Finland",
              "CC BY 4.0", f"Citation of {s}", "2024-01-01", None, f"{s}.csv", None, None,
              None, None) for s in sources],
        )  # fmt: skip
        con.execute(
            "INSERT INTO core.build_info VALUES (TIMESTAMP '2024-01-02 03:04:05', 'a', 'b', '2')"
        )
    finally:
        con.close()
    return path
