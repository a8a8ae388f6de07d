"""The code a web editor pastes to show a card on another site (the profile's snippet
generator and the oEmbed answer write the same): the card's URL, an `<iframe>` with a title,
lazy loading and a first height, and optionally a few-line listener that sets the frame's height
from the card's `investin-embed-height` message (only from that frame's window and the card's
origin). Pure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import escape

from dashboard.embeds.page import MESSAGE_TYPE
from dashboard.i18n import lang_of, t

CARDS = ("statistics", "services")
PATHS = {"statistics": "/embed/town/{code}", "services": "/embed/services/{code}"}
WIDTH = (300, 360, 600)  # min, default, max px
# A first height for the frame before (or without) the listener: the card's usual size at 360 px.
HEIGHTS = {"statistics": (130, 72), "services": (520, 0)}  # base px, px per figure


def clamp_width(value: Any) -> int:
    """The width asked, within WIDTH (the default for anything that is not a number)."""
    try:
        width = int(float(value))
    except (TypeError, ValueError):
        return WIDTH[1]
    return min(max(width, WIDTH[0]), WIDTH[2])


def embed_path(card: str, code: str, lang: str, indicators: Sequence[str]) -> str:
    """The card's path and query ('/embed/town/140?lang=fi&indicators=a,b')."""
    card = card if card in CARDS else CARDS[0]
    path = PATHS[card].format(code=code) + f"?lang={lang_of(lang)}"
    if card == "statistics" and indicators:
        path += "&indicators=" + ",".join(indicators)
    return path


def snippet(url: str, title: str, width: int, height: int, frame_id: str, script: bool) -> str:
    """The HTML a web editor pastes: the iframe and, with `script`, a listener that sets its
    height from the card's message (only from that frame's window and the card's origin)."""
    origin = "/".join(url.split("/")[:3]) if url.startswith("http") else ""
    frame = (
        f'<iframe id="{escape(frame_id)}" src="{escape(url)}" title="{escape(title)}" '
        f'loading="lazy" style="border:0;width:100%;max-width:{int(width)}px" '
        f'height="{int(height)}"></iframe>'
    )
    if not script:
        return frame
    check = f'e.origin !== "{origin}" || ' if origin else ""
    listener = (
        "<script>\n"
        'addEventListener("message", function (e) {\n'
        f'  var f = document.getElementById("{escape(frame_id)}");\n'
        f"  if ({check}!f || e.source !== f.contentWindow) return;\n"
        f'  if (e.data && e.data.type === "{MESSAGE_TYPE}") f.style.height = e.data.height + "px";\n'
        "});\n"
        "</script>"
    )
    return f"{frame}\n{listener}"


def frame_height(card: str, figures: int) -> int:
    """The frame's first height in px for `card` with `figures` figures."""
    base, per_figure = HEIGHTS.get(card, HEIGHTS[CARDS[0]])
    return base + per_figure * figures


def frame_title(card: str, name: str, lang: str) -> str:
    """The iframe's title ('Iisalmi: key figures') in the card's language."""
    return t(f"embed.frame_title_{card if card in CARDS else CARDS[0]}", lang, name=name)
