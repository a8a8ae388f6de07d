"""Every page's own title and description in its language, the link-preview tags (Open Graph,
Twitter card) in the served HTML, and the town's preview picture (`/og/town/<code>.png`)."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from PIL import Image

from tests.helpers import routing_body

PAGES = ["/", "/town", "/compare", "/map", "/data", "/network", "/ecosystem", "/indicators"]
PAGES += ["/about", "/api", "/town/140"]


def _head(client, url: str) -> tuple[str, dict[str, str]]:
    html = client.get(url).get_data(as_text=True)
    head = html.split("</head>", 1)[0]
    title = unescape(re.search(r"<title>(.*?)</title>", head, re.S).group(1).strip())
    metas = {
        m.group(2): unescape(m.group(3))
        for m in re.finditer(r'<meta (property|name)="([^"]+)" content="([^"]*)"', head)
    }
    return title, metas


def test_a_swedish_profile_has_its_swedish_title_and_preview_tags(client, con):
    name_sv, name_fi = con.execute(
        "SELECT name_sv, name_fi FROM core.areas WHERE area_code = '140'"
    ).fetchone()
    assert name_sv != name_fi  # Idensalmi / Iisalmi: the test tells the languages apart
    population_year = con.execute(
        "SELECT max(year) FROM core.all_values WHERE indicator_id = 'population' "
        "AND area_code = '140' AND value IS NOT NULL"
    ).fetchone()[0]
    title, metas = _head(client, "/town/140?lang=sv")
    assert title == f"{name_sv} – Seutu Invest In"
    assert metas["og:title"] == metas["twitter:title"] == title
    assert metas["og:description"].startswith(f"{name_sv}: kommunprofil")
    assert f"({population_year})" in metas["og:description"]
    assert metas["description"] == metas["og:description"]
    assert metas["og:image"].endswith("/og/town/140.png?lang=sv")
    assert metas["twitter:image"] == metas["og:image"]
    assert metas["twitter:card"] == "summary_large_image"
    assert metas["og:locale"] == "sv_FI"
    assert name_fi not in title


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_every_page_has_its_own_title_and_description(client, lang):
    heads = {page: _head(client, f"{page}?lang={lang}") for page in PAGES}
    titles = {page: title for page, (title, _m) in heads.items()}
    assert len(set(titles.values())) == len(PAGES), titles
    assert all(t.endswith(" – Seutu Invest In") for t in titles.values())
    assert all(m["description"] and m["og:image"] for _t, m in heads.values())
    assert (
        heads["/compare"][0]
        == {
            "fi": "Vertailu – Seutu Invest In",
            "sv": "Jämförelse – Seutu Invest In",
            "en": "Compare – Seutu Invest In",
        }[lang]
    )
    assert heads["/about"][1]["og:image"].endswith(f"/og/site.png?lang={lang}")


def test_the_tab_title_the_routing_callback_sets_is_in_the_page_language(client, dependencies, con):
    name_sv = con.execute("SELECT name_sv FROM core.areas WHERE area_code = '287'").fetchone()[0]
    body = routing_body(dependencies, "/town/287", "?lang=sv")
    answer = client.post("/_dash-update-component", json=body).get_json()
    assert answer["response"]["_pages_store"]["data"]["title"] == f"{name_sv} – Seutu Invest In"
    body = routing_body(dependencies, "/map", "?lang=sv")
    answer = client.post("/_dash-update-component", json=body).get_json()
    assert answer["response"]["_pages_store"]["data"]["title"] == "Karta – Seutu Invest In"


def test_the_town_preview_picture(client):
    answer = client.get("/og/town/140.png?lang=fi")
    assert answer.status_code == 200 and answer.mimetype == "image/png"
    picture = Image.open(io.BytesIO(answer.data))
    assert picture.format == "PNG" and picture.size == (1200, 630)
    etag = answer.headers["ETag"]
    assert etag.startswith('W/"') and "max-age" in answer.headers["Cache-Control"]
    again = client.get("/og/town/140.png?lang=fi", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.data
    swedish = client.get("/og/town/140.png?lang=sv")
    assert swedish.headers["ETag"] != etag and swedish.data != answer.data
    other = client.get("/og/town/287.png?lang=fi")
    assert other.data != answer.data


@pytest.mark.parametrize("path", ["/og/town/999.png", "/og/town/SSS.png", "/og/town/14.png"])
def test_no_preview_picture_for_what_is_no_municipality(client, path):
    assert client.get(path).status_code == 404


def test_the_site_preview_picture(client):
    answer = client.get("/og/site.png?lang=sv")
    assert answer.status_code == 200 and answer.mimetype == "image/png"
    assert Image.open(io.BytesIO(answer.data)).size == (1200, 630)
