"""The ecosystem views over the real content file and the small warehouse (network: 140, 684):
every content entry on its pages, the theme filter, the profile section, the services card."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from markupsafe import Markup

from dashboard.embeds import page, services
from dashboard.i18n import t
from dashboard.views import ecosystem, town_ecosystem
from pipeline.presentation import load_presentation

PRES = load_presentation()
LANGS = ("fi", "sv", "en")


def _text(component) -> str:
    """Every string in a Dash component tree, joined with spaces."""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(_text(c) for c in component if c is not None)
    children = getattr(component, "children", None)
    return "" if children is None else _text(children)


@pytest.fixture(scope="module")
def content(small_queries):
    return small_queries.ecosystem()


@pytest.mark.parametrize("lang", LANGS)
def test_every_agreement_and_service_on_the_page(small_queries, content, lang):
    text = _text(ecosystem.content_sections(None, lang, PRES))
    for agreement in content.agreements.agreements:
        assert agreement.focus.get(lang) in text, agreement.id
        for code in agreement.municipalities:
            assert content.name(code, lang) in text
    for service in content.services:
        assert service.name in text, service.id
        assert content.kind(service.kind).label.get(lang) in text
    for goal in content.strategy.goals:
        assert goal.get(lang) in text
    for document in content.documents:
        assert document.title in text
    assert content.network.project.get(lang) in text


def test_the_fi_page_speaks_of_ecosystems_companies_and_rdi(small_queries):
    text = t("ecosystem.intro", "fi") + _text(ecosystem.content_sections(None, "fi", PRES))
    lower = text.lower()
    assert "ekosysteemi" in lower and "yritys" in lower and "TKI" in text


def test_the_theme_filter_keeps_the_tagged_agreements(small_queries, content):
    text = _text(ecosystem.agreements_section(content, "water", "en"))
    tagged = [a for a in content.agreements.agreements if "water" in a.themes]
    assert {a.id for a in tagged} == {"kuopio", "mikkeli"}
    for agreement in content.agreements.agreements:
        assert (agreement.focus.en in text) == (agreement in tagged)
    assert "2 of 16" in text
    towns = _text(ecosystem.towns_section(content, "water", "en", ["140", "684"]))
    assert "No R&D&I services are listed for the theme" in towns  # shipped services: no themes


def test_parse_theme(content):
    assert ecosystem.parse_theme("food", content, "en") == ("food", [])
    assert ecosystem.parse_theme(None, content, "en") == (None, [])
    theme, notices = ecosystem.parse_theme("<b>x</b>", content, "en")
    assert theme is None and "<b>x</b>" in notices[0]


@pytest.mark.parametrize("lang", LANGS)
def test_profile_section_of_a_network_town(small_queries, content, lang):
    (section,) = town_ecosystem.ecosystem_sections("684", lang, PRES)
    text = _text(section)
    assert "Rauman kaupunki" in text
    assert t("ecosystem.town_network", lang, name=content.name("684", lang)) in text
    assert "Seutukaupunkien innovaatioekosysteemiverkoston kehittäminen" in text  # the source


def test_profile_section_of_a_university_city_and_of_a_town_with_nothing(small_queries):
    (section,) = town_ecosystem.ecosystem_sections("153", "sv", PRES)
    text = _text(section)
    assert "Grön elektrifiering" in text and "Villmanstrand, Imatra" in text
    assert "Työ- ja elinkeinoministeriö" in text
    assert town_ecosystem.ecosystem_sections("005", "fi", PRES) == []  # Alajärvi: nothing


@pytest.mark.parametrize("code", ["140", "740", "678", "287", "111", "232", "249", "305", "832"])
def test_card_of_each_service_town(content, code):
    for lang in LANGS:
        body = services.card_body(
            content, code, lang, in_network=True, profile_url=f"https://x/town/{code}"
        )
        assert isinstance(body, Markup)
        for service in content.services_for(code):
            assert str(Markup.escape(service.name)) in body
        html = page.document(lang, "title", body)
        assert len(html.encode()) < 30_000
        assert "<script src" not in html and f'<html lang="{lang}">' in html


def test_card_escapes_and_policy_hashes_its_inline_blocks(content):
    body = services.unknown_body("<script>alert(1)</script>", "en")
    assert "<script>alert" not in body and "&lt;script&gt;" in body
    html = page.document("en", "<x>", body)
    style = re.search(r"<style>(.*?)</style>", html).group(1)
    script = re.search(r"<script>(.*?)</script>", html).group(1)
    for block in (style, script):
        digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in page.policy()
    assert "frame-ancestors *" in page.policy()


def test_data_gaps_section_lists_every_gap(small_queries, content):
    for lang in LANGS:
        text = _text(ecosystem.data_gaps_section(lang))
        for gap in content.data_gaps:
            assert gap.label.get(lang) in text
            for table in gap.statfin:
                assert table in text
    assert "T&K" in _text(ecosystem.data_gaps_section("fi"))
