"""oEmbed (https://oembed.com) for the cards: `GET /oembed?url=<URL>&format=json[&maxwidth=]`
answers a "rich" object whose `html` is the card's `<iframe>` (the snippet without the
listener: oEmbed consumers size frames themselves) when URL is a town profile
(`/town/<code>`, the statistics card with the default figures) or a card (`/embed/town/<code>`,
`/embed/services/<code>`) on this server; 404 for any other URL, 501 for a format other than
JSON (the only one served).

`target` and `answer` are pure; the route in `dashboard.embeds` passes the request's values.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlsplit

from dashboard.embeds import snippet
from dashboard.embeds.town import chosen_indicators
from dashboard.i18n import lang_of

PATH = "/oembed"
PROVIDER = "Seutu Invest In"
CACHE_AGE_S = 3600
_ROUTES = (
    (re.compile(r"/town/([0-9]{3})/?"), "statistics"),
    (re.compile(r"/embed/town/([0-9]{3})/?"), "statistics"),
    (re.compile(r"/embed/services/([0-9]{3})/?"), "services"),
)


class Target(NamedTuple):
    """The card a URL names."""

    card: str
    code: str
    lang: str
    asked: list[str]  # the `indicators` values of an /embed/town/ URL


def target(url: Any, host: str, is_town: Callable[[str], bool]) -> Target | None:
    """The card of `url` when it is a town's profile or card on `host` (the request's
    'host:port'), else None."""
    if not isinstance(url, str) or len(url) > 2000:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or parts.netloc.lower() != host.lower():
        return None
    query = parse_qs(parts.query)
    for pattern, card in _ROUTES:
        match = pattern.fullmatch(parts.path)
        if match and is_town(match.group(1)):
            lang = lang_of((query.get("lang") or [None])[0])
            asked = query.get("indicators", []) if parts.path.startswith("/embed/") else []
            return Target(card, match.group(1), lang, asked)
    return None


def answer(
    found: Target,
    *,
    root: str,
    name: str,
    maxwidth: Any,
    known: set[str] | frozenset[str],
    defaults: tuple[str, ...],
) -> dict[str, Any]:
    """The oEmbed object of the card `found` (its town called `name` in the card's language);
    the width is the default card width, or `maxwidth` when that is narrower."""
    chosen, _ = chosen_indicators(found.asked, known, defaults)
    shown = chosen if found.card == "statistics" else []
    width = snippet.WIDTH[1]
    try:
        if maxwidth not in (None, "") and int(maxwidth) > 0:
            width = min(width, int(maxwidth))
    except (TypeError, ValueError):
        pass
    height = snippet.frame_height(found.card, len(shown))
    url = root + snippet.embed_path(found.card, found.code, found.lang, shown)
    title = snippet.frame_title(found.card, name, found.lang)
    frame_id = f"investin-{found.card}-{found.code}"
    return {
        "version": "1.0",
        "type": "rich",
        "provider_name": PROVIDER,
        "provider_url": root + "/",
        "title": title,
        "html": snippet.snippet(url, title, width, height, frame_id, script=False),
        "width": width,
        "height": height,
        "cache_age": CACHE_AGE_S,
    }
