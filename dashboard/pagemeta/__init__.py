"""Every page's title, description and link-preview image, in the page's language.

Dash's `register_page` takes `title` and `description` as functions of the path variables only
(`code`), not of the query; the language is in the query (`?lang=sv`). So `title(page)` and
`description(page)` return functions that read the language of the request being answered
(`request_lang`): a page GET has it in its query, Dash's page-routing callback (which sets the
tab title) in the `_pages_location.search` input of its body.

`head_tags(path)` is what the served HTML's `<head>` carries (`dashboard.app` puts it in the
index): `<title>`, the description and the Open Graph / Twitter card tags, with `og:image` a
picture of the town's headline card (`/og/town/<code>.png`, drawn by `dashboard.pagemeta.image`) on
a profile and the site's card elsewhere; a profile also names its oEmbed answer
(`<link rel="alternate" type="application/json+oembed">`, `oembed_link`). Dash's own page meta tags are switched off
(`include_pages_meta=False`): they cannot vary the image by town.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlencode

import flask
import pandas as pd
from dash._pages import _path_to_page

from dashboard import queries
from dashboard.embeds import oembed
from dashboard.i18n import fmt_period, fmt_value, lang_of, t

BRAND = "Seutu Invest In"
TOWN_IMAGE = "/og/town/{code}.png"
SITE_IMAGE = "/og/site.png"
IMAGE_SIZE = (1200, 630)  # the size link previews (Open Graph, Twitter cards) show best
HEADLINES_SHOWN = 4


def request_lang() -> str:
    """The language of the request being answered (a page GET's `?lang=`, or the search the
    page-routing callback is asked for); Finnish outside a request."""
    if not flask.has_request_context():
        return lang_of(None)
    request = flask.request
    if "lang" in request.args:
        return lang_of(request.args.get("lang"))
    body = request.get_json(silent=True) if request.is_json else None
    inputs = body.get("inputs") if isinstance(body, dict) else None
    for item in inputs if isinstance(inputs, list) else []:
        if isinstance(item, dict) and item.get("property") == "search":
            return lang_of(parse_qs(str(item.get("value") or "").lstrip("?")).get("lang"))
    return lang_of(None)


def town_name(code: Any, lang: str) -> str | None:
    """The municipality's name in `lang`, or None for a code that is not one."""
    return queries.area_name(code, lang) if queries.is_municipality(code) else None


def title_text(page: str, lang: str, code: Any = None) -> str:
    """'Iisalmi – Seutu Invest In', 'Vertailu – Seutu Invest In', ... in `lang`."""
    if page == "town":
        name = town_name(code, lang)
        return f"{name} – {BRAND}" if name else f"{t('pagemeta.title_town_picker', lang)} – {BRAND}"
    return f"{t(f'pagemeta.title_{page}', lang)} – {BRAND}"


def description_text(page: str, lang: str, code: Any = None) -> str:
    """The page's one-sentence description; a town's names its headline figures with years."""
    name = town_name(code, lang) if page == "town" else None
    if name is None:
        return t(f"pagemeta.description_{'town_picker' if page == 'town' else page}", lang)
    figures = "; ".join(f"{label} {value} ({year})" for label, value, year in headlines(code, lang))
    return t("pagemeta.description_town", lang, name=name, figures=figures)


def title(page: str) -> Callable[..., str]:
    """`register_page(title=...)`: the page's title in the language of the request."""
    return lambda code=None, **_: title_text(page, request_lang(), code)


def description(page: str) -> Callable[..., str]:
    """`register_page(description=...)`: the page's description in the request's language."""
    return lambda code=None, **_: description_text(page, request_lang(), code)


def headline_rows(code: str, lang: str, limit: int = HEADLINES_SHOWN) -> list[tuple[str, ...]]:
    """(indicator, label, value with unit, period) of the town's first `limit` headline
    figures that are the municipality's own (a region's figure is never shown as the town's)."""
    values = queries.town_values(code, lang)
    values = values[values.level == "municipality"].set_index("indicator_id")
    out = []
    for indicator in queries.presentation().profile.headlines:
        if indicator not in values.index or pd.isna(values.at[indicator, "value"]):
            continue
        row = values.loc[indicator]
        value = fmt_value(row.value, int(row.decimals), row.unit, lang)
        out.append((indicator, str(row.label), value, fmt_period(row.year, row.get("month"))))
        if len(out) == limit:
            break
    return out


def headlines(code: str, lang: str) -> list[tuple[str, str, str]]:
    """(label, value with unit, period) of `headline_rows`."""
    return [(label, value, year) for _i, label, value, year in headline_rows(code, lang)]


def headline_sources(code: str, lang: str) -> str:
    """'Source: <publishers>, <licence> – <table ids>' of the figures `headlines` shows."""
    sources = queries.sources_for([row[0] for row in headline_rows(code, lang)], lang)
    tables = ", ".join(sorted(set(sources.table_id)))
    return f"{t('common.source', lang)}: {queries.licence_text(sources, lang)} – {tables}"


def _page_of(path: str) -> tuple[str, dict]:
    page, variables = _path_to_page(path.strip("/"))
    module = str(page.get("module", "")) if page else ""
    name = module.rsplit(".", 1)[-1]
    if not page or name == "not_found_404":
        return "not_found", {}
    return name, variables or {}


def oembed_link(code: str, lang: str, root: str, title: str) -> str:
    """The oEmbed discovery link of town `code`'s profile in `lang` (https://oembed.com,
    section 4): the endpoint's absolute URL asking for the profile's card as JSON."""
    root = root.rstrip("/")
    profile = f"{root}/town/{code}?lang={lang}"
    endpoint = f"{root}{oembed.PATH}?{urlencode({'url': profile, 'format': 'json'})}"
    return (
        '<link rel="alternate" type="application/json+oembed" '
        f'href="{html.escape(endpoint, quote=True)}" title="{html.escape(title, quote=True)}">'
    )


def head_tags(path: str, url: str, root: str) -> tuple[str, str]:
    """(title, meta tags' HTML) of the page at `path` (`url` the whole address, `root` the
    site's) in the request's language."""
    lang = request_lang()
    page, variables = _page_of(path)
    code = variables.get("code")
    title_value = title_text(page, lang, code)
    described = description_text(page, lang, code)
    town = page == "town" and town_name(code, lang) is not None
    image = TOWN_IMAGE.format(code=code) if town else SITE_IMAGE
    image_url = f"{root.rstrip('/')}{image}?lang={lang}"
    tags = [
        ("name", "description", described),
        ("property", "og:type", "website"),
        ("property", "og:site_name", BRAND),
        ("property", "og:title", title_value),
        ("property", "og:description", described),
        ("property", "og:url", url),
        ("property", "og:locale", {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}[lang]),
        ("property", "og:image", image_url),
        ("property", "og:image:width", str(IMAGE_SIZE[0])),
        ("property", "og:image:height", str(IMAGE_SIZE[1])),
        ("property", "og:image:alt", title_value),
        ("name", "twitter:card", "summary_large_image"),
        ("name", "twitter:title", title_value),
        ("name", "twitter:description", described),
        ("name", "twitter:image", image_url),
    ]
    markup = "\n        ".join(
        f'<meta {kind}="{name}" content="{html.escape(value, quote=True)}">'
        for kind, name, value in tags
    )
    if town:
        markup += "\n        " + oembed_link(str(code), lang, root, title_value)
    return title_value, markup
