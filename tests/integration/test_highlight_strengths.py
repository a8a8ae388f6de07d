"""Highlights are a promoter's headlines: notable strengths only. Over all 308 municipalities,
each rule's sentences are exactly those an oracle in plain pandas picks from the warehouse
(share at least 1.2 × the national share and at least 5 %; unemployment at least 1 point below
the country; more jobs than employed residents; tertiary share at least 1 point above the
country; projected growth above the country's; population growth), never a tiny share or a
weakness; Helsinki's "primary production 0.04 × the national share" is gone.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from tests.helpers import queries_on

RATIO, MIN_SHARE, GAP = 1.2, 5.0, 1.0

LATEST_SQL = """
WITH m AS (
    SELECT v.indicator_id, v.area_code, v.year, v.month, v.value,
           row_number() OVER (PARTITION BY v.indicator_id, v.area_code
                              ORDER BY v.year DESC, v.month DESC NULLS LAST) AS rn
    FROM core.indicator_values v WHERE v.indicator_id IN ({ids}) AND v.value IS NOT NULL
)
SELECT m.indicator_id, m.area_code, m.value, g.value AS country
FROM m LEFT JOIN core.group_values g
  ON g.indicator_id = m.indicator_id AND g.group_code = ? AND g.year = m.year
 AND g.month IS NOT DISTINCT FROM m.month AND g.complete
WHERE m.rn = 1
"""


@pytest.fixture(scope="module")
def pres():
    from dashboard.views.common import presentation

    return presentation()


@pytest.fixture(scope="module")
def latest(warehouse_path, pres) -> pd.DataFrame:
    spec = pres.highlights
    ids = [*spec.job_shares, spec.unemployment, spec.self_sufficiency, spec.education]
    ids.append(spec.projection)
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        sql = LATEST_SQL.format(ids=", ".join("?" * len(ids)))
        return con.execute(sql, [*ids, pres.country]).df()


@pytest.fixture(scope="module")
def towns(warehouse_path, pres):
    """{code: (values frame, population frame)} of every municipality, en."""
    with queries_on(warehouse_path) as queries:
        codes = list(queries.municipalities("en").area_code)
        assert len(codes) == 308
        from dashboard.views import coverage

        cutoff, spans = coverage.build_cutoff(pres), queries.indicator_coverage()
        yield {
            c: (
                coverage.with_currency(queries.town_values(c, "en"), spans, cutoff),
                queries.population_history(c),
            )
            for c in codes
        }


def _oracle(latest: pd.DataFrame, indicator: str, keep) -> set[str]:
    rows = latest[latest.indicator_id == indicator].dropna(subset=["value", "country"])
    return set(rows[keep(rows)].area_code)


def test_share_highlights_are_notable_strengths_only(towns, latest, pres):
    from dashboard import highlights

    for indicator in pres.highlights.job_shares:
        wanted = _oracle(
            latest, indicator, lambda r: (r.value >= RATIO * r.country) & (r.value >= MIN_SHARE)
        )
        got = set()
        for code, (values, _population) in towns.items():
            label = values.loc[values.indicator_id == indicator, "label"]
            for sentence in highlights.job_share_ratios(values, "en", pres):
                if not label.empty and label.iloc[0] in sentence:
                    got.add(code)
        assert got == wanted, (indicator, sorted(got ^ wanted)[:10])


@pytest.mark.parametrize(
    ("rule", "field", "keep"),
    [
        ("unemployment_gap", "unemployment", lambda r: r.value <= r.country - GAP),
        ("job_self_sufficiency", "self_sufficiency", lambda r: r.value >= 100),
        ("tertiary_education", "education", lambda r: r.value >= r.country + GAP),
        ("projection", "projection", lambda r: r.value > r.country),
    ],
)
def test_single_rules_speak_only_of_strengths(towns, latest, pres, rule, field, keep):
    from dashboard import highlights

    wanted = _oracle(latest, getattr(pres.highlights, field), keep)
    got = {c for c, (values, _p) in towns.items() if getattr(highlights, rule)(values, "en", pres)}
    assert got == wanted, (rule, sorted(got ^ wanted)[:10])


def test_population_trend_only_when_growing(towns):
    from dashboard import highlights

    for code, (_values, population) in towns.items():
        actual = population[population.kind == "actual"].dropna(subset=["value"])
        actual = actual.sort_values("year")
        last = actual.iloc[-1]
        first = actual[actual.year <= last.year - 10]
        first = first.iloc[-1] if not first.empty else actual.iloc[0]
        sentences = highlights.population_trend(population, "en")
        assert bool(sentences) == bool(last.value > first.value), code


def test_helsinki_has_no_primary_production_highlight(towns, pres):
    from dashboard.highlights import town_highlights

    values, population = towns["091"]
    primary = values.loc[values.indicator_id == pres.highlights.job_shares[1], "label"].iloc[0]
    sentences = town_highlights(values, "en", population, pres=pres)
    assert not any(primary in s for s in sentences), sentences
