"""The Dash app over HTTP with Flask's test client: pages, 404s, security and framing headers.

Dash renders page content through the routing callback (`/_dash-update-component` with the
`_pages_location` pathname and search); `render` calls it the way the browser does.
"""

from __future__ import annotations

import re

import pytest

PAGES = ["/", "/town/684", "/town/091", "/about"]  # the embeds: test_embed_http.py


@pytest.mark.parametrize("lang", ["fi", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_every_page_answers_200_and_renders(client, render, path, lang):
    response = client.get(f"{path}?lang={lang}")
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.get_data(as_text=True)
    content = render(path, f"?lang={lang}")
    assert "Traceback" not in content
    assert "Jotain meni pieleen" not in content and "Something went wrong" not in content


def test_town_profile_content(render):
    content = render("/town/684", "?lang=en")
    for text in (
        "Rauma",
        "Key figures",
        "Highlights",
        "town-population",
        "town-unemployment",
        "town-jobs",
        "Statistics Finland, CC BY 4.0",
        "vaerak 11re",
    ):
        assert text in content
    assert "Raumo" in render("/town/684", "?lang=sv")


def test_any_municipality_has_a_profile(render):
    assert "Helsinki" in render("/town/091", "?lang=en")
    assert "Mäntyharju" in render("/town/507", "?lang=fi")


@pytest.mark.parametrize(
    ("path", "lang", "text"),
    [
        ("/town/999", "en", "Municipality not found"),
        ("/town/588", "fi", "Kuntaa ei löytynyt"),  # merged away in 2025
        ("/town/%3Cscript%3E", "sv", "Kommunen hittades inte"),
        ("/no/such/page", "en", "Page not found"),
    ],
)
def test_unknown_routes_are_404_with_a_friendly_message(client, render, path, lang, text):
    response = client.get(f"{path}?lang={lang}")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Traceback" not in html
    content = render(path, f"?lang={lang}")
    assert text in content and "Traceback" not in content


def test_404_html_carries_the_message_before_javascript_runs(client):
    html = client.get("/no/such/page?lang=en").get_data(as_text=True)
    assert "Page not found" in html and '<html lang="en">' in html


@pytest.mark.parametrize(
    "search",
    ["?lang=de", "?lang=en&lang=sv", "?lang=", "?foo=bar", "?lang=%00", "?indicators=,,,"],
)
def test_malformed_query_values_fall_back(render, search):
    content = render("/town/684", search)
    assert "Rauma" in content and "Traceback" not in content


def test_embed_ignores_unknown_indicators(client):
    response = client.get("/embed/town/684?lang=en&indicators=jobs,not_an_indicator")
    content = response.get_data(as_text=True)
    assert "Jobs" in content and "not_an_indicator" in content and "ignored" in content
    assert "site-header" not in content  # chrome-less


def test_about_lists_sources_mergers_and_build(render):
    content = render("/about", "?lang=en")
    for text in (
        "vaerak 11re",
        "CC BY 4.0",
        "Pertunmaa",
        "Mäntyharju",
        "The warehouse was built",
        "Taivalkoski",
        "Ratio of sums",
    ):
        assert text in content


@pytest.mark.parametrize("path", ["/", "/town/684", "/about", "/no/such/page", "/assets/style.css"])
def test_security_headers_and_no_framing(client, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_embed_may_be_framed(client):
    response = client.get("/embed/town/684?lang=en")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors *" in csp and "default-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_callbacks_answer_with_headers_too(client):
    response = client.get("/_dash-layout")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_component_suites_serve_their_files_and_404_for_others(client):
    html = client.get("/").get_data(as_text=True)
    suite = re.findall(r'src="(/_dash-component-suites/[^"]+)"', html)[0]
    assert client.get(suite).status_code == 200
    for path in ("/_dash-component-suites/../../etc/passwd", "/_dash-component-suites/x/y.js"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.get_data(as_text=True) == "Not found."


ALL_PAGES = [
    ("/", ""),
    ("/town", ""),
    ("/town/140", ""),
    ("/town/091", ""),
    ("/compare", ""),
    ("/compare", "&areas=140,740&groups=peers:140,network"),
    ("/map", ""),
    ("/data", ""),
    ("/network", ""),
    ("/about", ""),
]
# a missing value printed as text: "nan" in a source line, "None" from an f-string, ...
MISSING_TEXT = re.compile(r"(?<![\w-])(nan|NaN|None|NaT|undefined)(?![\w-])")


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize(("path", "extra"), ALL_PAGES)
def test_no_page_prints_a_missing_value(client, render, path, extra, lang):
    search = f"?lang={lang}{extra}"
    response = client.get(path + search)
    assert response.status_code == 200
    for text in (response.get_data(as_text=True), render(path, search)):
        found = {
            m.group(0): text[max(m.start() - 80, 0) : m.end() + 40]
            for m in MISSING_TEXT.finditer(text)
        }
        assert not found, found


@pytest.mark.parametrize(
    ("lang", "present", "absent"),
    [
        ("fi", ["Normalisointi", "min–max-skaalaus", "vinous", "painot"], "Trim outliers"),
        (
            "sv",
            ["Normalisering", "min–max-skalning", "vikterna", "Sammansatt index"],
            "Trim outliers",
        ),
        ("en", ["Trim outliers", "Rescale"], "Normalisointi"),
    ],
)
def test_about_shows_the_method_in_the_page_language(render, lang, present, absent):
    content = render("/about", f"?lang={lang}")
    assert "index-method" in content
    for text in present:
        assert text in content, text
    assert absent not in content


def test_compare_offers_only_the_peer_groups_of_the_chosen_towns(render):
    content = render("/compare", "?lang=en&areas=140,740&groups=peers:091")
    offered = set(re.findall(r'"value": "(peers:\d{3})"', content))
    assert offered == {"peers:140", "peers:740", "peers:091"}  # 091 from the URL
    assert "notice-empty" in content  # peers:091 from the URL is accepted, no notice


def test_compare_group_options_follow_the_chosen_towns(client):
    deps = client.get("/_dash-dependencies").get_json()
    output = next(d["output"] for d in deps if "compare-groups.options" in d["output"])
    body = {
        "output": output,
        "outputs": [
            {"id": "compare-groups", "property": "options"},
            {"id": "compare-peer", "property": "options"},
        ],
        "inputs": [{"id": "compare-areas", "property": "value", "value": ["684", "905"]}],
        "changedPropIds": ["compare-areas.value"],
        "state": [
            {"id": "compare-groups", "property": "value", "value": ["network", "peers:140"]},
            {"id": "compare-peer", "property": "value", "value": "university_cities"},
            {"id": "compare-lang", "property": "data", "value": "sv"},
        ],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    answer = response.get_json()["response"]
    for component in ("compare-groups", "compare-peer"):
        values = [o["value"] for o in answer[component]["options"]]
        assert {v for v in values if v.startswith("peers:")} == {
            "peers:684",
            "peers:905",
            "peers:140",
        }
        assert "network" in values and "SSS" in values


@pytest.mark.parametrize(("lang", "page"), [("fi", "Sivu"), ("sv", "Sida"), ("en", "Page")])
@pytest.mark.parametrize("path", ["/compare", "/data"])
def test_grids_speak_the_page_language(render, path, lang, page):
    content = render(path, f"?lang={lang}")
    assert '"localeText"' in content
    assert f'"page": "{page}"' in content


@pytest.mark.parametrize(("lang", "heading"), [("fi", "Kuntaprofiili"), ("en", "Town profile")])
def test_town_without_a_code_is_a_picker(client, render, lang, heading):
    response = client.get(f"/town?lang={lang}")
    assert response.status_code == 200
    content = render("/town", f"?lang={lang}")
    assert heading in content and "town-picker" in content
    assert f"/town/140?lang={lang}" in content  # the network towns as links
