"""The statistics card's pure rendering (`dashboard.embeds.town`) on hand-made frames: which
indicators a query names, the period of every figure (marked when not current), the whole
country's value only for comparable figures of the same period, a region's figure labelled with
the region's name and level, a source line naming only the tables of the figures shown, and
escaping."""

from __future__ import annotations

import pandas as pd

from dashboard.embeds import town

DEFAULTS = ("d1", "d2")
PLACES = {"town": "140", "region": "MK11", "country": "FIN"}  # a renamed country code


def _values() -> pd.DataFrame:
    """`queries.town_values` rows: a count, a ratio, a stale ratio, a monthly one, a region's."""
    rows = [
        ("pop", "Population", 2025, None, 20205.0, 0, "persons", "sum", "municipality"),
        ("share", "Tertiary share", 2024, None, 30.04, 1, "%", "ratio", "municipality"),
        ("old", "Self-sufficiency", 2020, None, 109.1, 1, "%", "ratio", "municipality"),
        ("month", "Unemployment", 2025, "2025-01-01", 13.4, 1, "%", "ratio", "municipality"),
        ("gdp", "GDP per capita", 2023, None, 41361.4, 0, "€", "ratio", "region"),
    ]
    columns = ["indicator_id", "label", "year", "month", "value", "decimals", "unit"]
    frame = pd.DataFrame(rows, columns=[*columns, "aggregation", "level"])
    frame["month"] = pd.to_datetime(frame["month"])
    return frame


def _rows() -> pd.DataFrame:
    """`queries.area_figures` rows of the town, its region and the country."""
    rows = [
        ("pop", "140", 2025, None, 20205.0, "src_pop", True),
        ("pop", "FIN", 2025, None, 5_600_000.0, "src_pop", True),
        ("share", "140", 2024, None, 30.04, "src_share", True),
        ("share", "FIN", 2024, None, 33.1, "src_share", True),
        ("share", "FIN", 2023, None, 99.9, "src_share", True),  # another year: not compared
        ("old", "140", 2020, None, 109.1, "src_old", True),
        ("old", "FIN", 2020, None, 100.0, "src_old", False),  # partial: no country value
        ("month", "140", 2025, "2025-01-01", 13.4, "src_month", True),
        ("month", "FIN", 2024, "2024-12-01", 11.0, "src_month", True),  # another month
        ("month", "FIN", 2025, "2025-01-01", 12.0, "src_month", True),
        ("gdp", "MK11", 2023, None, 41361.4, "src_gdp", True),
        ("gdp", "MK11", 2022, None, 40000.0, "src_gdp_old", True),
        ("unused", "140", 2025, None, 1.0, "src_unused", True),
    ]
    columns = ["indicator_id", "area_code", "year", "month", "value", "source_id", "complete"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["month"] = pd.to_datetime(frame["month"])
    return frame


def _figures(chosen, lang="en", cutoff=2023):
    return town.figures(
        _values(),
        _rows(),
        chosen,
        lang,
        places=PLACES,
        region_name="Pohjois-Savo",
        cutoff=cutoff,
    )


def test_chosen_indicators_keep_order_drop_unknown_and_fall_back_to_defaults():
    known = {"a", "b", "c"}
    assert town.chosen_indicators("b,x,a,b", known, DEFAULTS) == (["b", "a"], ["x"])
    assert town.chosen_indicators(["b", "c,a"], known, DEFAULTS) == (["b", "c", "a"], [])
    assert town.chosen_indicators(None, known, DEFAULTS) == (["d1", "d2"], [])
    assert town.chosen_indicators("x" * 90, known, DEFAULTS) == (["d1", "d2"], ["x" * 40])
    many = ",".join(["a"] * 30)
    assert town.chosen_indicators(many, known, DEFAULTS)[0] == ["a"]
    ids = [f"i{n}" for n in range(12)]
    chosen, _ = town.chosen_indicators(",".join(ids), set(ids), DEFAULTS)
    assert chosen == ids[: town.MAX_INDICATORS]


def test_each_figure_names_its_period_and_a_stale_one_says_so():
    by_id = {f.indicator_id: f for f in _figures(["pop", "share", "old", "month", "gdp"])}
    assert by_id["pop"].period == "2025"
    assert by_id["month"].period == "1/2025"
    assert by_id["old"].period == "2020, not current"
    assert _figures(["old"], "sv")[0].period == "2020, inte aktuell"
    assert _figures(["old"], cutoff=None)[0].period == "2020"  # build time unknown


def test_the_country_value_only_for_comparable_figures_of_the_same_period():
    by_id = {f.indicator_id: f for f in _figures(["pop", "share", "old", "month"])}
    assert by_id["share"].value == "30.0\u00a0%"
    assert by_id["share"].country == "whole country 33.1\u00a0%"
    assert by_id["month"].country == "whole country 12.0\u00a0%"  # January, not December
    assert by_id["pop"].country == ""  # a count is not comparable with the country's total
    assert by_id["old"].country == ""  # the country's value is partial
    assert _figures(["share"], "fi")[0].country == "koko maa 33,1\u00a0%"


def test_a_region_figure_is_labelled_with_the_region_and_its_level():
    (gdp,) = _figures(["gdp"])
    assert gdp.area == "Area: Pohjois-Savo (region)"
    assert gdp.source_id == "src_gdp"  # the region's row of the shown year
    assert _figures(["gdp"], "fi")[0].area == "Alue: Pohjois-Savo (maakunta)"
    assert _figures(["gdp"], "sv")[0].area == "Område: Pohjois-Savo (landskap)"
    assert all(f.area == "" for f in _figures(["pop", "share"]))


def test_unknown_and_valueless_ids_are_left_out_in_the_asked_order():
    shown = _figures(["gdp", "nothing", "pop"])
    assert [f.indicator_id for f in shown] == ["gdp", "pop"]


def _provenance() -> pd.DataFrame:
    rows = [
        ("src_pop", "vaerak 11re", "Statistics Finland", "CC BY 4.0", "2026-04-01T08:00:00"),
        ("src_share", "Kuntien avainluvut", "Statistics Finland", "CC BY 4.0", None),
        ("src_gdp", "altp 12bc", "Eurostat", "Eurostat reuse", "2025-11-28"),
        ("src_unused", "unused 1", "Statistics Finland", "CC BY 4.0", "2020-01-01"),
        ("src_gdp_old", "old 2", "Statistics Finland", "CC BY 4.0", "2020-01-01"),
        (
            "src_month",
            "tyonv 12r5",
            "Ministry of Economic Affairs and Employment / Statistics Finland",
            "CC BY 4.0",
            "2025-02-25",
        ),
    ]
    return pd.DataFrame(rows, columns=["source_id", "table_id", "publisher", "licence", "updated"])


def test_the_source_line_names_only_the_tables_shown_in_the_cards_language():
    shown = _figures(["pop", "share", "gdp"])
    text = town.source_text(shown, _provenance(), "en")
    assert text == (
        "vaerak 11re (updated 1 Apr 2026); Kuntien avainluvut; altp 12bc (updated 28 Nov 2025)."
        " Statistics Finland, CC BY 4.0. Eurostat, Eurostat reuse."
    )
    # publishers arrive in the card's language (queries.provenance(lang)) and are shown as given
    in_fi = _provenance().replace(
        {
            "Statistics Finland": "Tilastokeskus",
            "Ministry of Economic Affairs and Employment / Statistics Finland": (
                "Työ- ja elinkeinoministeriö / Tilastokeskus"
            ),
        }
    )
    fi = town.source_text(_figures(["pop", "month"]), in_fi, "fi")
    assert fi == (
        "vaerak 11re (päivitetty 1.4.2026); tyonv 12r5 (päivitetty 25.2.2025)."
        " Tilastokeskus; Työ- ja elinkeinoministeriö / Tilastokeskus, CC BY 4.0."
    )
    assert "unused" not in text and "old 2" not in text
    assert town.source_text([], _provenance(), "en") == ""


def test_the_card_escapes_what_it_shows():
    figure = town.Figure("x", "<b>label</b>", "1 %", "2024", "", "", None)
    body = town.card_body(
        "<script>", [figure], "en", unknown=["<i>"], profile_url="/town/1?a=1&b=2", sources=""
    )
    assert "<script>" not in body and "&lt;script&gt;" in body
    assert "&lt;b&gt;label&lt;/b&gt;" in body and "&lt;i&gt;" in body
    assert 'href="/town/1?a=1&amp;b=2"' in body
    assert "Unknown indicators were ignored" in body
    empty = town.card_body("T", [], "fi", unknown=[], profile_url="/t", sources="")
    assert "Valituista tunnusluvuista ei ole lukuja" in empty and "<dl>" not in empty
    assert "&lt;" in town.unknown_body("<x>", "en")
