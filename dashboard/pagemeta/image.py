"""The link-preview pictures (`og:image`): a town's headline card and the site's card, PNGs
drawn on the server with Pillow at 1200 × 630.

- `GET /og/town/<code>.png?lang=fi|sv|en`: the town's name and its first headline figures, each
  with its year, and the source line; 404 for a code that is no municipality.
- `GET /og/site.png?lang=…`: the service's name and tagline.

Both carry a weak `ETag` naming the warehouse build, the code and the language (the embeds'
`etag_of`), `Cache-Control: public, max-age`, and answer 304 when the client has the picture.
Pictures are drawn once a build, code and language (`_png` is memoised).
"""

from __future__ import annotations

import functools
import io
import os
import unicodedata

import flask
from PIL import Image, ImageDraw, ImageFont

from dashboard import queries
from dashboard.embeds.page import etag_of
from dashboard.i18n import lang_of, t
from dashboard.pagemeta import BRAND, IMAGE_SIZE, SITE_IMAGE, TOWN_IMAGE, headline_sources
from dashboard.pagemeta import headlines as headline_figures

MAX_AGE_S = 3600
INK, MUTED, ACCENT, PAPER, RULE = "#1f2933", "#52606d", "#0b5cad", "#ffffff", "#d5dbe1"
MARGIN = 64


# Fonts with the Finnish and Swedish letters, first found wins (`INVESTIN_OG_FONT` overrides):
# Debian's DejaVu and Liberation (chromium pulls them in). Pillow's own font lacks ä, ö and å,
# so without any of these the letters lose their marks (`_plain`).
FONTS = (
    os.environ.get("INVESTIN_OG_FONT", ""),
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
)


@functools.cache
def _font_file() -> str | None:
    return next((path for path in FONTS if path and os.path.isfile(path)), None)


@functools.cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    path = _font_file()
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size=size)


def _plain(text: str) -> str:
    """`text` as Pillow's own font can draw it when no system font was found."""
    if _font_file():
        return text
    text = text.replace("\u00a0", " ").replace("−", "-").replace("–", "-").replace("…", "...")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _fit(draw: ImageDraw.ImageDraw, text: str, size: int, width: int) -> str:
    """`text`, shortened with '…' until it fits `width` pixels at `size`."""
    text, font, more = _plain(text), _font(size), _plain("…")
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + more, font=font) > width:
        text = text[:-1]
    return text.rstrip() + more


def _width(draw: ImageDraw.ImageDraw, text: str, size: int) -> float:
    return draw.textlength(text, font=_font(size))


def _lines(draw: ImageDraw.ImageDraw, text: str, size: int, width: int, most: int) -> list[str]:
    """`text` broken at spaces into at most `most` lines of `width` pixels (the last one
    shortened with '…' if need be)."""
    lines, words = [], _plain(text).split(" ")
    while words and len(lines) < most - 1:
        line = words.pop(0)
        while words and draw.textlength(f"{line} {words[0]}", font=_font(size)) <= width:
            line = f"{line} {words.pop(0)}"
        lines.append(line)
    return [*lines, _fit(draw, " ".join(words), size, width)] if words else lines


def _frame(heading: str, lang: str) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", IMAGE_SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    width = IMAGE_SIZE[0] - 2 * MARGIN
    draw.rectangle([0, 0, IMAGE_SIZE[0], 14], fill=ACCENT)
    draw.text((MARGIN, 48), BRAND, font=_font(30), fill=ACCENT)
    draw.text((MARGIN, 92), _fit(draw, heading, 72, width), font=_font(72), fill=INK)
    return image, draw


def town_card(code: str, lang: str) -> Image.Image:
    """The headline card of municipality `code`: name, figures with years, source line."""
    name = queries.area_name(code, lang) or code
    image, draw = _frame(name, lang)
    width = IMAGE_SIZE[0] - 2 * MARGIN
    column = width // 2
    for n, (label, value, year) in enumerate(headline_figures(code, lang)):
        x, y, room = MARGIN + (n % 2) * column, 196 + (n // 2) * 168, column - 32
        draw.line([x, y, x + room, y], fill=RULE, width=2)
        for k, line in enumerate(_lines(draw, label, 24, room, 2)):
            draw.text((x, y + 10 + 29 * k), line, font=_font(24), fill=MUTED)
        value, year = _plain(value), f"({year})"
        size = next((s for s in (48, 42, 36, 30) if _width(draw, f"{value} {year}", s) <= room), 26)
        draw.text((x, y + 72), value, font=_font(size), fill=INK)
        shift = draw.textlength(value, font=_font(size)) + 12
        draw.text((x + shift, y + 72 + size - 30), year, font=_font(24), fill=MUTED)
    for n, line in enumerate(_lines(draw, headline_sources(code, lang), 21, width, 2)):
        draw.text((MARGIN, IMAGE_SIZE[1] - 84 + 30 * n), line, font=_font(21), fill=MUTED)
    return image


def site_card(lang: str) -> Image.Image:
    """The service's card: what it offers, in a few lines."""
    image, draw = _frame(t("pagemeta.title_overview", lang), lang)
    width = IMAGE_SIZE[0] - 2 * MARGIN
    for n, line in enumerate(_lines(draw, t("pagemeta.description_overview", lang), 34, width, 4)):
        draw.text((MARGIN, 220 + 48 * n), line, font=_font(34), fill=MUTED)
    licence = _plain(t("common.licence_default", lang))
    draw.text((MARGIN, IMAGE_SIZE[1] - 56), licence, font=_font(22), fill=MUTED)
    return image


@functools.lru_cache(maxsize=128)
def _png(build: str, code: str | None, lang: str) -> bytes:
    image = site_card(lang) if code is None else town_card(code, lang)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _respond(code: str | None, lang: str) -> flask.Response:
    build = queries.build_id()
    etag = etag_of("og", build, code or "site", lang)
    if flask.request.if_none_match.contains_weak(etag):
        response = flask.Response(status=304)
    else:
        response = flask.Response(_png(build, code, lang), mimetype="image/png")
    response.set_etag(etag, weak=True)
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE_S
    return response


def install(server: flask.Flask) -> None:
    """Serve the link-preview pictures from `server`."""

    @server.get(TOWN_IMAGE.replace("{code}", "<code>"))
    def town_preview(code: str) -> flask.Response:
        if not queries.is_municipality(code):
            return flask.Response("Not found.", 404, mimetype="text/plain")
        return _respond(code, lang_of(flask.request.args.get("lang")))

    @server.get(SITE_IMAGE)
    def site_preview() -> flask.Response:
        return _respond(None, lang_of(flask.request.args.get("lang")))
