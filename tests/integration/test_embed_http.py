"""The statistics card `/embed/town/<code>` over HTTP (Flask's test client, the session's app
and warehouse), checked against the warehouse read in plain SQL: a hand-picked town's figure,
its year and source table; a region's figure with the region's name and level; a source line
with only the tables of the figures shown; the whole country only where comparable; the
document small, script-free and cached by an ETag naming the build and the request."""

from __future__ import annotations

import re
from html import unescape

import duckdb
import pytest

from dashboard import httpcache

TOWN = "140"  # Iisalmi, in Pohjois-Savo
URL = f"/embed/town/{TOWN}"
MISSING_TEXT = re.compile(r"(?<![\w-])(nan|NaN|None|NaT|undefined)(?![\w-])")


@pytest.fixture(scope="module")
def sql(warehouse_path):
    con = duckdb.connect(str(warehouse_path), read_only=True)
    yield lambda query, *params: con.execute(query, list(params)).fetchall()
    con.close()


def _text(html: str) -> str:
    """The card's visible text (tags dropped, entities decoded, whitespace collapsed)."""
    body = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def _figure(html: str, indicator: str) -> str:
    match = re.search(rf'<div class="fig" data-indicator="{indicator}">(.*?)</div>', html, re.S)
    assert match, f"{indicator} is not on the card"
    return _text(match.group(1))


def _grouped(number: float, sep: str = "\u00a0") -> str:
    return f"{round(number):,}".replace(",", sep)


def _latest(sql, indicator: str, area: str) -> tuple[int, float, str]:
    (row,) = sql(
        "SELECT year, value, source_id FROM core.indicator_values"
        " WHERE indicator_id = ? AND area_code = ? ORDER BY year DESC, month DESC NULLS LAST"
        " LIMIT 1",
        indicator,
        area,
    )
    return row


def _table(sql, source_id: str) -> str:
    return sql("SELECT table_id FROM core.provenance WHERE source_id = ?", source_id)[0][0]


def test_a_town_figure_its_year_and_its_table_as_in_the_warehouse(client, sql):
    year, value, source = _latest(sql, "population", TOWN)
    html = client.get(f"{URL}?lang=fi&indicators=population").get_data(as_text=True)
    assert _figure(html, "population") == f"Väkiluku ({year}) {_grouped(value)}\u00a0henkilöä"
    line = re.search(r'<p class="src">(.*?)</p>', html, re.S).group(1)
    assert _table(sql, source) in line and "Tilastokeskus, CC BY 4.0" in line
    other_sources = sql(
        "SELECT DISTINCT source_id FROM core.indicator_values"
        " WHERE indicator_id = 'population' AND source_id <> ?",
        source,
    )
    others = {_table(sql, other) for (other,) in other_sources} - {_table(sql, source)}
    assert others  # the indicator's other tables: no figure shown from them
    for table in others:
        assert table not in line


def test_a_region_figure_is_labelled_with_the_region_and_its_level(client, sql):
    ((region, region_fi, region_sv),) = sql(
        "SELECT r.area_code, r.name_fi, r.name_sv FROM core.areas AS m"
        " JOIN core.areas AS r ON r.area_code = m.region_code WHERE m.area_code = ?",
        TOWN,
    )
    ((year, value, source),) = sql(
        "SELECT year, value, source_id FROM core.group_values WHERE indicator_id = 'gdp_per_capita'"
        " AND group_code = ? AND complete AND value IS NOT NULL ORDER BY year DESC LIMIT 1",
        region,
    )
    assert not sql(
        "SELECT 1 FROM core.indicator_values WHERE indicator_id = 'gdp_per_capita' LIMIT 1"
    )  # published for regions only
    html = client.get(f"{URL}?lang=fi&indicators=gdp_per_capita").get_data(as_text=True)
    text = _figure(html, "gdp_per_capita")
    assert f"({year})" in text and f"{_grouped(value)}\u00a0€/asukas" in text
    assert f"Alue: {region_fi} (maakunta)" in text
    assert _table(sql, source) in html
    sv = client.get(f"{URL}?lang=sv&indicators=gdp_per_capita").get_data(as_text=True)
    assert f"Område: {region_sv} (landskap)" in _figure(sv, "gdp_per_capita")


def test_the_country_value_only_where_comparable(client, sql):
    year, value, _ = _latest(sql, "job_self_sufficiency", TOWN)
    ((country,),) = sql(
        "SELECT value FROM core.group_values WHERE indicator_id = 'job_self_sufficiency'"
        " AND group_code = 'SSS' AND year = ? AND month IS NULL AND complete",
        year,
    )
    html = client.get(f"{URL}?lang=en&indicators=job_self_sufficiency,jobs").get_data(as_text=True)
    text = _figure(html, "job_self_sufficiency")
    assert f"{value:.1f}\u00a0%" in text and f"whole country {country:.1f}\u00a0%" in text
    assert "whole country" not in _figure(html, "jobs")  # a count: not comparable


def test_the_default_figures_and_only_their_tables(client, sql, dashboard_app):
    from dashboard import queries

    defaults = queries.presentation().embed_defaults
    html = client.get(f"{URL}?lang=en").get_data(as_text=True)
    shown = re.findall(r'data-indicator="([^"]+)"', html)
    assert shown == list(defaults)
    used = {_table(sql, _latest(sql, ind, TOWN)[2]) for ind in defaults}
    line = re.search(r'<p class="src">Source: (.*?)</p>', html, re.S).group(1)
    listed = {part.split(" (updated")[0] for part in line.split(". ")[0].split("; ")}
    assert listed == used


def test_unknown_indicators_are_ignored_with_a_note_and_an_unknown_town_is_404(client):
    response = client.get(f"{URL}?lang=en&indicators=jobs,not_an_indicator,<b>")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.findall(r'data-indicator="([^"]+)"', html) == ["jobs"]
    assert "Unknown indicators were ignored: not_an_indicator, &lt;b&gt;." in html
    for code in ("999", "588", "%3Cscript%3E", "xyz"):
        missing = client.get(f"/embed/town/{code}?lang=sv")
        assert missing.status_code == 404, code
        text = missing.get_data(as_text=True)
        assert "Kommunen hittades inte" in text and "<script>alert" not in text


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("code", ["091", "140", "832", "507"])
def test_every_card_is_small_script_free_and_prints_no_missing_value(client, code, lang):
    response = client.get(f"/embed/town/{code}?lang={lang}&indicators=population,gdp_per_capita")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and f'<html lang="{lang}">' in html
    assert len(response.data) < 30_000
    assert not re.search(r"<script[^>]+src|<link|<img|@import|url\(", html)
    assert not MISSING_TEXT.search(_text(html)), _text(html)
    assert f'href="http://localhost/town/{code}?lang={lang}"' in html


def test_etag_cache_control_and_304(client):
    first = client.get(f"{URL}?lang=fi")
    tag = first.headers["ETag"]
    assert tag.startswith('W/"')
    assert first.headers["Cache-Control"] == httpcache.EMBED
    assert "X-Frame-Options" not in first.headers
    again = client.get(f"{URL}?lang=fi", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == tag and again.headers["Cache-Control"] == httpcache.EMBED
    defaults_named = client.get(f"{URL}?lang=fi&indicators=nothing_known")
    assert defaults_named.headers["ETag"] != tag  # the note makes it another card
    others = [
        f"{URL}?lang=sv",
        f"{URL}?lang=fi&indicators=jobs",
        f"{URL}?lang=fi&indicators=jobs,population",
        f"{URL}?lang=fi&indicators=population,jobs",
        "/embed/town/091?lang=fi",
    ]
    tags = {url: client.get(url).headers["ETag"] for url in others}
    assert len({tag, *tags.values()}) == len(others) + 1
    for url in others:
        assert client.get(url, headers={"If-None-Match": tag}).status_code == 200, url
    gzip = client.get(f"{URL}?lang=fi", headers={"Accept-Encoding": "gzip"})
    assert gzip.headers["ETag"] == tag  # a weak tag survives compression


# --------------------------------------------------------------------------- oEmbed


def _oembed(client, url: str, **extra: str):
    from urllib.parse import urlencode

    return client.get("/oembed?" + urlencode({"url": url, **extra}))


def test_oembed_of_a_profile_and_of_a_card(client, sql):
    ((name_sv,),) = sql("SELECT name_sv FROM core.areas WHERE area_code = ?", TOWN)
    response = _oembed(client, f"http://localhost/town/{TOWN}?lang=sv", format="json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["type"] == "rich" and body["version"] == "1.0"
    assert body["provider_name"] == "Seutu Invest In"
    assert body["title"] == f"{name_sv}: nyckeltal"
    assert body["width"] == 360 and 200 < body["height"] < 1000
    src = re.search(r'<iframe [^>]*src="([^"]+)"', body["html"]).group(1)
    assert unescape(src).startswith(f"http://localhost/embed/town/{TOWN}?lang=sv&indicators=")
    assert 'loading="lazy"' in body["html"] and "<script" not in body["html"]
    card = client.get(unescape(src).removeprefix("http://localhost"))
    assert card.status_code == 200 and name_sv in card.get_data(as_text=True)

    narrow = _oembed(client, f"http://localhost/embed/town/{TOWN}?indicators=jobs", maxwidth="320")
    narrow_body = narrow.get_json()
    assert narrow_body["width"] == 320 and "max-width:320px" in narrow_body["html"]
    assert "indicators=jobs" in narrow_body["html"] and "lang=fi" in narrow_body["html"]
    services = _oembed(client, "http://localhost/embed/services/678?lang=en").get_json()
    assert "/embed/services/678?lang=en" in services["html"]
    assert services["title"].endswith(": R&D&I services")


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost/town/999",
        "http://localhost/town/588",  # merged away
        "http://elsewhere.example/town/140",
        "http://localhost/compare?areas=140",
        "javascript:alert(1)//localhost/town/140",
        "",
    ],
)
def test_oembed_of_a_url_that_is_no_town_of_ours_is_404(client, url):
    assert _oembed(client, url).status_code == 404


def test_oembed_serves_json_only(client):
    response = _oembed(client, f"http://localhost/town/{TOWN}", format="xml")
    assert response.status_code == 501
