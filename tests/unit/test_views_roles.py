"""Renaming the comparison groups in yaml changes nothing else: views given a presentation whose
network, university cities and country have other ids and codes use those codes everywhere."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import pipeline
from dashboard import figures
from dashboard.views import common, compare, data, network, overview, town
from dashboard.views import map as map_view
from dashboard.views.common import Known
from pipeline.catalogue import parse_catalogue
from pipeline.presentation import parse_presentation

ROLES_YAML = "  country: country\n  network: network\n  university_cities: university_cities\n"


@pytest.fixture(scope="module")
def pres():
    """presentation.yaml over indicators.yaml with the three role groups renamed and recoded."""
    text = Path(pipeline.DEFAULT_CATALOGUE).read_text(encoding="utf-8")
    renames = [
        ("  - id: network\n", "  - id: verkosto\n"),
        ("  - id: university_cities\n", "  - id: yliopistot\n"),
        (
            "  - id: country\n    kind: country\n    code: SSS\n",
            "  - id: koko_maa\n    kind: country\n    code: FIN\n",
        ),
    ]
    for old, new in renames:
        assert old in text
        text = text.replace(old, new)
    presentation = Path(pipeline.DEFAULT_PRESENTATION).read_text(encoding="utf-8")
    assert ROLES_YAML in presentation
    presentation = presentation.replace(
        ROLES_YAML, "  country: koko_maa\n  network: verkosto\n  university_cities: yliopistot\n"
    )
    return parse_presentation(presentation, parse_catalogue(text))


@pytest.fixture(scope="module")
def known():
    members = {"verkosto": ["140", "740"]}
    return Known(
        municipalities=frozenset({"140", "740", "091"}),
        groups=frozenset({"verkosto", "yliopistot", "FIN", "network", "SSS"}),
        indicators=frozenset({"population", "unemployment_rate", "tertiary_share"}),
        years=lambda indicator: [2019, 2020],
        members=lambda group: members.get(group, []),
        is_peer_group=lambda code: code.startswith("peers:"),
    )


def test_comparisons_are_the_renamed_codes(pres):
    assert [c.code for c in common.comparisons(pres)] == ["verkosto", "yliopistot", "FIN"]
    assert [c.column for c in common.comparisons(pres)] == [
        "value_verkosto",
        "value_yliopistot",
        "value_FIN",
    ]
    assert [c.label for c in common.comparisons(pres)] == [
        "common.network",
        "common.university_cities",
        "common.whole_country",
    ]


def test_role_colours_follow_the_codes(pres):
    colours = figures.COMPARISON.by_code(pres.role_codes)
    assert colours == {
        "verkosto": figures.COMPARISON.network,
        "yliopistot": figures.COMPARISON.university_cities,
        "FIN": figures.COMPARISON.country,
    }


def test_compare_defaults_are_the_renamed_groups(pres, known):
    selection, notices = compare.parse_selection({}, "en", known, pres)
    assert notices == []
    assert selection.areas == ("140", "740")  # the network's members
    assert selection.groups == ("verkosto", "yliopistot", "FIN")
    assert selection.peer == "yliopistot"
    # A peer the warehouse lacks falls back to the renamed university cities.
    selection, notices = compare.parse_selection({"peer": "nope"}, "en", known, pres)
    assert selection.peer == "yliopistot" and len(notices) == 1


def test_data_and_map_defaults_are_the_renamed_groups(pres, known):
    selection, _ = data.parse_params({}, "en", known, pres)
    assert selection.groups == ("verkosto", "FIN")
    assert selection.areas == ("140", "740")
    shown, _ = map_view.parse_params({}, "en", known, pres)
    assert shown.outline == ["verkosto", "yliopistot"]
    # The old ids are not outline groups any more.
    shown, _ = map_view.parse_params({"outline": "network,yliopistot"}, "en", known, pres)
    assert shown.outline == ["yliopistot"]


def test_town_gaps_read_the_renamed_columns(pres):
    row = pd.Series(
        {
            "aggregation": "ratio",
            "decimals": 1,
            "unit": "%",
            "value_verkosto": 10.0,
            "value_yliopistot": None,
            "value_FIN": 12.5,
            "value_network": 99.0,  # the old id's column: ignored
        }
    )
    assert town.gap_items(row, "en", pres) == [
        "Regional towns network: 10.0\u00a0%",
        "Whole country: 12.5\u00a0%",
    ]


def test_overview_total_uses_the_renamed_groups(pres):
    groups = pd.DataFrame(
        {
            "group_code": ["verkosto", "FIN", "verkosto", "FIN"],
            "year": [2022, 2022, 2023, 2023],
            "month": [None, None, None, None],
            "value": [90.0, 900.0, 100.0, 1000.0],
        }
    )
    assert overview.network_total(groups, pres) == (100.0, 2023, 10.0)


def test_network_shares_order_the_renamed_groups(pres):
    shares = pd.DataFrame(
        {
            "group_code": ["yliopistot", "verkosto"],
            "indicator_id": ["population", "population"],
            "year": [2020, 2020],
            "group_total": [50.0, 5.0],
            "country_total": [100.0, 100.0],
            "share": [50.0, 5.0],
        }
    )
    names = {"verkosto": "V", "yliopistot": "Y"}
    frame = network.share_frame(shares, names, "en", pres)
    assert list(frame.group) == ["V", "Y"]
