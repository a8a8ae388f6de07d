"""How current each figure is: the staleness rule (threshold from presentation.yaml), the marks
on headlines, cards and highlights (the statistics card's in test_embed_town.py), both years of
every change, and the newest year and month the coverage view and the latest-value query pick
(on the small warehouse, whose rows are listed by hand in tests/small_warehouse.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import highlights
from dashboard.views import coverage, town, town_charts
from pipeline import DEFAULT_PRESENTATION
from pipeline.catalogue import CatalogueError
from pipeline.presentation import load_presentation, parse_presentation
from tests.helpers import component_text

PRES = load_presentation()
YEARS = PRES.currency.stale_after_years
TEXT = DEFAULT_PRESENTATION.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- the rule


def test_the_threshold_is_the_presentations(catalogue):
    assert YEARS == 3  # presentation.yaml `currency.stale_after_years`
    other = parse_presentation(
        TEXT.replace("stale_after_years: 3", "stale_after_years: 5"), catalogue
    )
    assert coverage.cutoff_year(pd.Timestamp("2026-12-01"), other) == 2021
    assert coverage.cutoff_year(pd.Timestamp("2026-12-01"), PRES) == 2023
    assert coverage.cutoff_year(None, PRES) is None
    with pytest.raises(CatalogueError, match="stale_after_years"):
        parse_presentation(TEXT.replace("stale_after_years: 3", "stale_after_years: x"), catalogue)


@pytest.mark.parametrize(
    ("year", "cutoff", "stale"),
    [
        (2020, 2023, True),  # built 2026, newest 2020: more than three years before
        (2022, 2023, True),
        (2023, 2023, False),  # the year ending three years before the build year still counts
        (2025, 2023, False),
        (2020, None, False),  # build time unknown: nothing is marked
        (None, 2023, False),
        (float("nan"), 2023, False),
    ],
)
def test_staleness_rule(year, cutoff, stale):
    assert coverage.is_stale(year, cutoff) is stale


def test_with_currency_adds_the_span_and_marks_old_rows():
    values = pd.DataFrame(
        {"indicator_id": ["a", "b", "c"], "year": [2020, 2025, 2019], "value": [1.0, 2.0, 3.0]}
    )
    cov = pd.DataFrame(
        {
            "indicator_id": ["a", "b", "c"],
            "first_year": [2016, 2007, 2019],
            "last_year": [2020, 2025, 2021],  # c: this town's 2019 is older than the newest
        }
    )
    out = coverage.with_currency(values, cov, 2023)
    assert list(out.first_year) == [2016, 2007, 2019]
    assert list(out.newest_year) == [2020, 2025, 2021]
    assert list(out.stale) == [True, False, True]
    assert list(coverage.with_currency(values, cov, None).stale) == [False] * 3


# --------------------------------------------------------------------------- data as of


def test_coverage_rows_in_theme_order_with_the_newest_month():
    first_theme, second_theme = PRES.theme_order[:2]
    meta = pd.DataFrame(
        {
            "indicator_id": ["late", "early", "monthly", "none"],
            "label": ["Late", "Early", "Monthly", "None"],
            "theme": [second_theme, first_theme, first_theme, first_theme],
        }
    )
    cov = pd.DataFrame(
        {
            "indicator_id": ["early", "late", "monthly", "none"],
            "level": ["municipality", "group", "municipality", None],
            "first_year": [2016, 2019, 2007, None],
            "last_year": [2020, 2023, 2025, None],
            "last_month": [pd.NaT, pd.NaT, pd.Timestamp("2025-01-01"), pd.NaT],
            "table_id": ["T1", "T2", "12r5", None],
            "updated": [None, "2025-11-28T08:00:00", "2025-02-25", None],
        }
    )
    rows = coverage.coverage_rows(cov, meta, 2023, PRES)
    assert list(rows.indicator_id) == ["early", "monthly", "late"]  # theme, then catalogue
    assert list(rows.stale) == [True, False, False]
    cells = [coverage.coverage_cells(r, "en") for r in rows.to_dict("records")]
    assert cells[0] == [
        "Early",
        "2016",
        "2020",
        "T1",
        "–",
        "not current",
    ]
    assert cells[1] == ["Monthly", "2007", "1/2025", "12r5", "2025-02-25", "current"]
    assert cells[2][0] == "Late (for regions only)" and cells[2][4] == "2025-11-28"
    fi = coverage.coverage_cells(rows.to_dict("records")[0], "fi")
    assert fi[-1] == "ei ajantasainen"


def test_the_coverage_view_picks_the_newest_year_and_month(small_queries):
    """By hand from tests/small_warehouse.py: population 2022–2023, jobs only 2022, the monthly
    series to December 2023, GDP only for a region (2023)."""
    cov = small_queries.indicator_coverage().set_index("indicator_id")
    assert cov.loc["population", ["first_year", "last_year"]].tolist() == [2022, 2023]
    assert pd.isna(cov.loc["population", "last_month"])
    assert cov.loc["jobs", "last_year"] == 2022
    monthly = cov.loc["unemployment_rate_monthly"]
    assert (monthly.first_year, monthly.last_year) == (2022, 2023)
    assert pd.Timestamp(monthly.last_month) == pd.Timestamp("2023-12-01")
    assert cov.loc["gdp_per_capita", "level"] == "group"
    assert cov.loc["gdp_per_capita", "last_year"] == 2023
    assert cov.loc["population", "level"] == "municipality"


def test_latest_values_are_the_newest_year_and_month(small_queries):
    latest = small_queries.latest_values(["140"]).set_index("indicator_id")
    assert (latest.loc["population", "year"], latest.loc["population", "value"]) == (2023, 190)
    assert (latest.loc["population", "prev_year"], latest.loc["population", "prev_value"]) == (
        2022,
        200,
    )
    monthly = latest.loc["unemployment_rate_monthly"]
    assert pd.Timestamp(monthly.month) == pd.Timestamp("2023-12-01") and monthly.value == 12.5
    assert pd.Timestamp(monthly.prev_month) == pd.Timestamp("2022-12-01")


# --------------------------------------------------------------------------- marks on figures


def _row(name: str, **values) -> pd.Series:
    base = {
        "label": "Jobs",
        "description": "d",
        "value": 8602.0,
        "prev_value": 8950.0,
        "prev_year": 2016,
        "prev_month": None,
        "year": 2020,
        "month": None,
        "unit": "jobs",
        "decimals": 0,
        "aggregation": "sum",
        "direction": "higher_is_better",
        "first_year": 2016,
        "stale": False,
    }
    return pd.Series({**base, **values}, name=name)


def test_a_change_names_both_years_even_when_they_are_not_adjacent():
    text, _css = town.trend_text(_row("x"), "en")
    assert text == "−3.9 % (2016 → 2020)"
    monthly = _row(
        "y",
        unit="%",
        aggregation="ratio",
        value=13.4,
        prev_value=13.4,
        month=pd.Timestamp("2025-01-01"),
        prev_month=pd.Timestamp("2024-01-01"),
        year=2025,
        prev_year=2024,
    )
    assert town.trend_text(monthly, "sv")[0].endswith("(1/2024 → 1/2025)")


def test_a_projection_names_its_first_and_last_year():
    projection = _row("population_projection_change_pct", year=2040, first_year=2024)
    assert town.trend_text(projection, "en") == ("projected change 2024 → 2040", "trend")
    assert town.trend_text(projection.drop("first_year"), "en") is None


def test_a_headline_shows_its_year_and_a_stale_one_says_so():
    current = town._headline(_row("x", year=2025, prev_year=2024), "en", PRES)
    assert "(2025)" in component_text(current) and "Not current" not in component_text(current)
    assert current.className == "headline"
    stale = town._headline(_row("x", stale=True), "fi", PRES)
    assert "(2020)" in component_text(stale)
    assert "Ei ajantasainen: aineiston uusin tieto on vuodelta 2020" in component_text(stale)
    assert stale.className == "headline stale"


def test_theme_cells_mark_a_stale_period():
    cells = town.theme_cells(dict(_row("x", stale=True)), "sv", PRES)
    assert cells[1] == "2020, inte aktuell"
    assert town.theme_cells(dict(_row("x")), "sv", PRES)[1] == "2020"


def test_highlights_name_the_year_the_projection_both_and_mark_stale_figures():
    base = {"month": pd.NaT, "value_SSS": 6.3, "value_network": None, "label": "L"}
    values = pd.DataFrame(
        [
            {**base, "indicator_id": PRES.highlights.projection, "year": 2040, "value": 8.2,
             "first_year": 2024, "stale": False},
            {**base, "indicator_id": PRES.highlights.self_sufficiency, "year": 2020,
             "value": 109.1, "stale": True},
        ]
    )  # fmt: skip
    (projection,) = highlights.projection(values, "en", PRES)
    assert "from 2024 to 2040" in projection
    (jobs,) = highlights.job_self_sufficiency(values, "en", PRES)
    assert "(2020, not current)" in jobs
    (fi,) = highlights.projection(values, "fi", PRES)
    assert "vuodesta 2024 vuoteen 2040" in fi
    values.loc[0, "value"] = -11.2  # below the country's: no headline
    assert highlights.projection(values, "en", PRES) == []


def test_the_projection_legend_names_its_years():
    history = pd.DataFrame(
        {
            "year": [2022, 2023, 2024, 2040],
            "value": [1.0] * 4,
            "kind": ["actual"] * 2 + ["projection"] * 2,
        }
    )
    assert town_charts.projection_name(history, "en") == "Projection 2024–2040"
    assert town_charts.projection_name(history, "fi") == "Ennuste 2024–2040"
