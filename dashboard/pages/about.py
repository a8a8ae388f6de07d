"""About `/about`: method, groups and members, aggregation rules, sources, mergers, build time
(content: `dashboard.views.about`)."""

from __future__ import annotations

import dash

from dashboard import pagemeta
from dashboard.i18n import lang_of
from dashboard.layout import shell
from dashboard.views import about
from dashboard.views.common import presentation

dash.register_page(
    __name__,
    path="/about",
    title=pagemeta.title("about"),
    description=pagemeta.description("about"),
    order=9,
)


def layout(lang: str | None = None, **_ignored: object):
    lang = lang_of(lang)
    return shell("about", lang, about.sections(lang, presentation()))
