"""A town profile's served HTML names its oEmbed answer (https://oembed.com, discovery), so a
CMS given the profile's address finds the card; the link answers with the card's iframe."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

LINK = re.compile(r'<link rel="alternate" type="application/json\+oembed"([^>]*)>')


def _links(client, url: str) -> list[dict[str, str]]:
    head = client.get(url).get_data(as_text=True).split("</head>", 1)[0]
    return [
        {k: unescape(v) for k, v in re.findall(r'(\w+)="([^"]*)"', attrs)}
        for attrs in LINK.findall(head)
    ]


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_profile_head_links_its_oembed_answer(client, con, lang):
    name = con.execute(
        f"SELECT name_{lang} FROM core.areas WHERE area_code = '140'"  # noqa: S608
    ).fetchone()[0]
    (link,) = _links(client, f"/town/140?lang={lang}")
    href = urlsplit(link["href"])
    assert href.scheme == "http" and href.netloc == "localhost" and href.path == "/oembed"
    query = parse_qs(href.query)
    assert query["format"] == ["json"]
    assert query["url"] == [f"http://localhost/town/140?lang={lang}"]  # absolute profile URL
    assert name in link["title"]
    answer = client.get(f"{href.path}?{href.query}")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["type"] == "rich" and "/embed/town/140" in body["html"]
    assert f"lang={lang}" in body["html"]


def test_other_pages_have_no_oembed_link(client):
    for url in ("/", "/compare", "/town", "/town/999"):
        assert _links(client, url) == [], url
