"""The profile's 'Embeddable card' tool button jumps to the snippet generator on the same page
(an anchor to the section's id), rather than opening the bare card in a new tab."""

from __future__ import annotations

from dash import html

from dashboard.i18n import t
from dashboard.views import town
from dashboard.views.town_embed import embed_section
from pipeline.presentation import load_presentation


def _walk(node):
    yield node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            yield from _walk(child)


def test_the_embed_button_is_an_anchor_to_the_generator_section(small_queries):
    for lang in ("fi", "sv", "en"):
        links = [
            n
            for n in _walk(town._tools("091", lang))
            if isinstance(n, html.A) and n.children == t("town.embed_link", lang)
        ]
        assert len(links) == 1
        link = links[0]
        assert link.href == "#town-embed"  # hand-written: the id the page's section must carry
        assert getattr(link, "target", None) is None
    section = embed_section("091", "fi", load_presentation())
    assert section.id == "town-embed"
