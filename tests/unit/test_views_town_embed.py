"""The profile's snippet generator (`dashboard.views.town_embed`) on the small warehouse: the
card's URL from the controls, the pasted code (iframe attributes, escaping, the listener that
checks the card's window and origin), the width bounds and the generator section itself."""

from __future__ import annotations

import re

import pytest

from dashboard.embeds.page import MESSAGE_TYPE
from dashboard.embeds.snippet import clamp_width, embed_path, snippet
from dashboard.embeds.town import MAX_INDICATORS
from dashboard.views import town_embed
from pipeline.presentation import load_presentation

PRES = load_presentation()
KNOWN = {"a", "b", "c", *PRES.embed_defaults}
ROOT = "https://stats.example.fi"


def _state(small_queries, **changes):
    args = {
        "card": "statistics",
        "indicators": ["a", "b"],
        "card_lang": "sv",
        "width": 420,
        "script": ["script"],
    }
    args.update(changes)
    return town_embed.card_state(
        "140",
        args["card"],
        args["indicators"],
        args["card_lang"],
        args["width"],
        args["script"],
        root=ROOT,
        known=KNOWN,
        defaults=PRES.embed_defaults,
        page_lang="fi",
    )


def test_the_path_names_the_card_the_language_and_the_indicators():
    assert embed_path("statistics", "140", "sv", ["a", "b"]) == (
        "/embed/town/140?lang=sv&indicators=a,b"
    )
    assert embed_path("services", "140", "en", ["a"]) == "/embed/services/140?lang=en"
    assert embed_path("nonsense", "140", "xx", []) == "/embed/town/140?lang=fi"


@pytest.mark.parametrize(("asked", "width"), [(420, 420), (10, 300), ("9999", 600), ("x", 360)])
def test_the_width_stays_within_bounds(asked, width):
    assert clamp_width(asked) == width


def test_the_code_is_an_iframe_with_title_lazy_loading_and_a_checked_listener(small_queries):
    state = _state(small_queries)
    code = state["code"]
    assert state["src"] == "/embed/town/140?lang=sv&indicators=a,b"
    frame = re.search(r"<iframe [^>]*></iframe>", code).group(0)
    assert f'src="{ROOT}/embed/town/140?lang=sv&amp;indicators=a,b"' in frame
    assert 'title="Idensalmi: nyckeltal"' in frame  # the card's language, not the page's
    assert 'loading="lazy"' in frame and 'style="border:0;width:100%;max-width:420px"' in frame
    assert 'id="investin-statistics-140"' in frame
    assert MESSAGE_TYPE in code and "e.source !== f.contentWindow" in code
    assert f'e.origin !== "{ROOT}"' in code
    bare = _state(small_queries, script=[])["code"]
    assert "<script" not in bare and bare == frame


def test_the_services_card_takes_no_indicators_and_too_many_are_cut_with_a_note(small_queries):
    services = _state(small_queries, card="services", card_lang="en")
    assert services["src"] == "/embed/services/140?lang=en" and not services["statistics"]
    assert 'title="Iisalmi: R&amp;D&amp;I services"' in services["code"]
    ids = [f"i{n}" for n in range(MAX_INDICATORS + 2)]
    many = town_embed.card_state(
        "140",
        "statistics",
        ids,
        "fi",
        360,
        None,
        root="",
        known=set(ids),
        defaults=PRES.embed_defaults,
        page_lang="en",
    )
    assert many["src"].endswith("indicators=" + ",".join(ids[:MAX_INDICATORS]))
    assert (
        many["note"] == f"The card shows at most {MAX_INDICATORS} indicators: the first 8 chosen."
    )
    assert _state(small_queries)["note"] == ""


def test_a_title_with_markup_is_escaped():
    code = snippet('/x?a="1"', '<b>"T"</b>', 360, 400, "f", False)
    assert "&lt;b&gt;&#34;T&#34;&lt;/b&gt;" in code and 'src="/x?a=&#34;1&#34;"' in code


def test_the_section_is_hidden_in_print_and_holds_the_preview_and_the_code(small_queries):
    section = town_embed.embed_section("140", "en", PRES)
    assert section.id == "town-embed" and "no-print" in section.className.split()
    text = str(section)
    for part in ("town-embed-preview", "town-embed-code", "town-embed-card", "town-embed-lang"):
        assert part in text
    known = set(small_queries.indicator_ids())
    shown = [i for i in PRES.embed_defaults if i in known] or list(PRES.embed_defaults)
    assert "/embed/town/140?lang=en&indicators=" + ",".join(shown) in text
