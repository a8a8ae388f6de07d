"""The ecosystem view over HTTP (Flask's test client, the session's app and warehouse): the
/ecosystem page, the profiles' ecosystem section and the services card answer every content
entry; the card is server-rendered, small, cached by an ETag and frameable; a new entry written
to a temporary copy of the content file appears on the profile, the page and the card."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dashboard import httpcache, queries
from dashboard.views import ecosystem, town_ecosystem
from pipeline.presentation import load_presentation

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content" / "ecosystem.yaml"
PRES = load_presentation()


@pytest.fixture(scope="module")
def content(dashboard_app):
    return queries.ecosystem()


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_page_shows_every_agreement_and_service(client, render, content, lang):
    assert client.get(f"/ecosystem?lang={lang}").status_code == 200
    text = render("/ecosystem", f"?lang={lang}")
    for agreement in content.agreements.agreements:
        assert json.dumps(agreement.focus.get(lang), ensure_ascii=False)[1:-1] in text
    for service in content.services:
        assert json.dumps(service.name, ensure_ascii=False)[1:-1] in text
    if lang == "fi":
        assert "ekosysteemi" in text.lower() and "yritys" in text and "TKI" in text


def test_each_service_town_profile_shows_its_services(render, content):
    for code in content.service_towns():
        text = render(f"/town/{code}", "?lang=fi")
        assert "town-ecosystem" in text, code
        for service in content.services_for(code):
            assert json.dumps(service.name, ensure_ascii=False)[1:-1] in text


def test_a_university_city_profile_shows_its_agreement(render, content):
    text = render("/town/564", "?lang=en")
    assert content.agreement_for("564").focus.en in text
    assert "town-ecosystem" not in render("/town/005", "?lang=fi")  # no section when empty


def test_the_card_of_every_service_town(client, content):
    for code in content.service_towns():
        for lang in ("fi", "sv", "en"):
            response = client.get(f"/embed/services/{code}?lang={lang}")
            assert response.status_code == 200
            html = response.get_data(as_text=True)
            assert f'<html lang="{lang}">' in html
            assert content.name(code, lang) in html
            for service in content.services_for(code):
                assert service.name in html
            assert len(response.data) < 30_000
            assert not re.search(r"<script[^>]+src", html)  # no framework JavaScript


def test_card_headers_etag_and_framing(client):
    response = client.get("/embed/services/678?lang=sv")
    etag = response.headers["ETag"]
    assert etag.startswith('W/"')
    assert response.headers["Cache-Control"] == httpcache.EMBED
    assert "X-Frame-Options" not in response.headers
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors *" in policy and "default-src 'none'" in policy
    again = client.get("/embed/services/678?lang=sv", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = client.get("/embed/services/678?lang=en", headers={"If-None-Match": etag})
    assert other.status_code == 200  # another language is another card
    gzip = client.get("/embed/services/678?lang=sv", headers={"Accept-Encoding": "gzip"})
    assert gzip.headers["ETag"] == etag  # a weak tag survives compression


def test_card_for_an_unknown_code_is_404(client):
    response = client.get("/embed/services/999?lang=en")
    assert response.status_code == 404
    assert "Unknown municipality" in response.get_data(as_text=True)
    assert client.get("/embed/services/%3Cb%3E").status_code == 404


def test_the_about_page_lists_what_public_data_does_not_give(render, content):
    text = render("/about", "?lang=fi")
    assert "about-data-gaps" in text
    for gap in content.data_gaps:
        assert json.dumps(gap.label.fi, ensure_ascii=False)[1:-1] in text
        for table in gap.statfin:
            assert table in text


NEW_ENTRY = """  - id: raahe_pilot_line
    name: "Raahen pilottilinja (testi)"
    kind: test_environment
    municipalities: ["678"]
    source: network_project
    themes: [industry]
    url: https://www.example.fi/pilot
    languages: [fi, en]
    description: {fi: "Testikuvaus", sv: "Testbeskrivning", en: "Test description"}
"""


def test_a_new_entry_appears_on_the_profile_the_page_and_the_card(client, tmp_path):
    anchor = "\n# The R&D&I indicators an Invest In tool would want"
    text = CONTENT.read_text(encoding="utf-8")
    copy = tmp_path / "ecosystem.yaml"
    copy.write_text(text.replace(anchor, "\n" + NEW_ENTRY + anchor, 1), encoding="utf-8")
    name = "Raahen pilottilinja (testi)"
    card = client.get("/embed/services/678?lang=en").get_data(as_text=True)
    assert name not in card
    queries.use_content_file(copy)
    try:
        card = client.get("/embed/services/678?lang=en").get_data(as_text=True)
        assert name in card and 'href="https://www.example.fi/pilot"' in card
        assert "Test description" in card and "Test or pilot environment" in card
        profile = str(town_ecosystem.ecosystem_sections("678", "en", PRES))
        assert name in profile and "Test description" in profile
        page = str(ecosystem.content_sections("industry", "en", PRES))
        assert name in page  # under its theme too
    finally:
        queries.use_content_file(None)
    assert name not in client.get("/embed/services/678?lang=en").get_data(as_text=True)
