"""The statistics card `/embed/town/<code>?lang=fi|sv|en&indicators=a,b`: a few of a town's
figures for an iframe on another site. Each figure names its period (marked when it is not
current), the whole country's value for the same period where the two are comparable (not for
counts), and, for a figure published only for regions, the region's name and level: a region's
figure is never shown as the town's. The source line names only the tables of the figures shown.

Pure: `figures(...)` turns query frames into `Figure`s, `card_body(...)` renders them as
`Markup` (every value escaped by jinja2's autoescape) for `page.document`; the route in
`dashboard.embeds` runs the queries.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from jinja2 import Environment
from markupsafe import Markup

from dashboard.i18n import fmt_date, fmt_period, fmt_value, t
from dashboard.queries.currency import is_stale

MAX_INDICATORS = 8

_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)  # noqa: S701 - autoescape on
CARD_SOURCE = """<article class="card" lang="{{ lang }}" aria-label="{{ name }}">
<h1>{{ name }}</h1>
{% if figures %}<dl>
{% for f in figures %}<div class="fig" data-indicator="{{ f.indicator_id }}">
<dt>{{ f.label }} <span class="muted">({{ f.period }})</span>
{%- if f.area %}<br><span class="area">{{ f.area }}</span>{% endif %}</dt>
<dd><span class="num">{{ f.value }}</span>
{%- if f.country %} <span class="muted">{{ f.country }}</span>{% endif %}</dd>
</div>
{% endfor %}</dl>
{% else %}<p>{{ empty_text }}</p>
{% endif %}
{% if note %}<p class="muted">{{ note }}</p>{% endif %}
<p><a href="{{ profile_url }}" target="_blank" rel="noopener">{{ open_profile }} →</a></p>
{% if sources %}<p class="src">{{ source_label }}: {{ sources }}</p>{% endif %}
</article>"""
CARD = _ENV.from_string(CARD_SOURCE)
# Names the card's markup in its ETag: a new template is a new card even on the same build.
VERSION = hashlib.sha256(CARD_SOURCE.encode("utf-8")).hexdigest()[:12]
UNKNOWN = _ENV.from_string(
    """<article class="card" lang="{{ lang }}"><h1>{{ title }}</h1><p>{{ body }}</p></article>"""
)


@dataclass(frozen=True)
class Figure:
    """One figure of the card, as text in the card's language."""

    indicator_id: str
    label: str
    value: str
    period: str  # '2023', '1/2025' or '2020, not current'
    area: str  # '' for the town's own figure, else 'Area: Pohjois-Savo (region)'
    country: str  # 'whole country 12,0 %', or '' when not comparable or unknown
    source_id: str | None  # the source of the figure's row (None when not found)


def query_ids(asked: Any) -> list[str]:
    """The ids of an `indicators` query value: 'a,b', a repeated parameter or nothing."""
    if asked is None:
        return []
    parts = [asked] if isinstance(asked, str) else list(asked) if isinstance(asked, list) else []
    return [p.strip() for part in parts for p in str(part).split(",") if p.strip()]


def chosen_indicators(
    asked: Any, known: frozenset[str] | set[str], defaults: Sequence[str]
) -> tuple[list[str], list[str]]:
    """(indicators to show, unknown ids shortened to 40 characters) of the `indicators` query
    value: at most MAX_INDICATORS known ones, else `defaults` (the presentation's)."""
    ids = query_ids(asked)[: MAX_INDICATORS * 2]
    chosen = [i for i in dict.fromkeys(ids) if i in known][:MAX_INDICATORS]
    unknown = [i[:40] for i in ids if i not in known]
    return chosen or list(defaults), unknown


def period_mark(year: Any, month: Any, cutoff: int | None, lang: str) -> str:
    """'2023', '1/2025', or '2020, not current' (`common.stale_period`, as on the profile)."""
    text = fmt_period(year, month)
    return t("common.stale_period", lang, period=text) if is_stale(year, cutoff) else text


def _same_period(rows: pd.DataFrame, year: Any, month: Any) -> pd.DataFrame:
    if month is None or pd.isna(month):
        return rows[(rows.year == int(year)) & rows.month.isna()]
    return rows[pd.to_datetime(rows.month) == pd.Timestamp(month)]


def _country_text(row: Any, rows: pd.DataFrame, lang: str) -> str:
    if row.aggregation == "sum":  # a count is not comparable with the country's total
        return ""
    same = _same_period(rows, row.year, row.month)
    same = same[same.complete.fillna(False).astype(bool)]
    if same.empty:
        return ""
    value = fmt_value(float(same.value.iloc[0]), row.decimals, row.unit, lang)
    return t("embed.country", lang, value=value)


def figures(
    values: pd.DataFrame,
    rows: pd.DataFrame,
    chosen: Iterable[str],
    lang: str,
    *,
    places: dict[str, str],
    region_name: str,
    cutoff: int | None,
) -> list[Figure]:
    """The card's figures, in `chosen` order (ids without a value are left out).

    `values`: `queries.town_values` of the town (a `level` of 'region' marks a region's figure);
    `rows`: `queries.area_figures` of the town, its region and the country;
    `places`: {'town': code, 'region': region code, 'country': country code}."""
    by_id = values.drop_duplicates("indicator_id").set_index("indicator_id")
    out = []
    for indicator_id in chosen:
        if indicator_id not in by_id.index:
            continue
        row = by_id.loc[indicator_id]
        regional = row.get("level") == "region"
        mine = rows[rows.indicator_id == indicator_id]
        own = _same_period(
            mine[mine.area_code == places["region" if regional else "town"]], row.year, row.month
        )
        area = ""
        if regional:
            level = t("town_region.level_region", lang)
            label = t("town_region.area_label", lang, region=region_name, level=level)
            area = t("embed.region_figure", lang, area=label)
        out.append(
            Figure(
                indicator_id=indicator_id,
                label=str(row.label),
                value=fmt_value(row.value, row.decimals, row.unit, lang),
                period=period_mark(row.year, row.month, cutoff, lang),
                area=area,
                country=_country_text(row, mine[mine.area_code == places["country"]], lang),
                source_id=None if own.empty else str(own.source_id.iloc[0]),
            )
        )
    return out


def source_text(shown: Sequence[Figure], provenance: pd.DataFrame, lang: str) -> str:
    """'tyonv 12r5 (updated 25 Feb 2025); Kuntien avainluvut 2022. Statistics Finland, CC BY
    4.0': the tables of the figures shown, each once, then their publishers by licence, in the
    card's language."""
    wanted = list(dict.fromkeys(f.source_id for f in shown if f.source_id))
    prov = provenance.drop_duplicates("source_id").set_index("source_id")
    tables: dict[str, None] = {}
    licences: dict[str, dict[str, None]] = {}
    for source_id in wanted:
        if source_id not in prov.index:
            continue
        src = prov.loc[source_id]
        updated = str(src.updated)[:10] if pd.notna(src.updated) and src.updated else ""
        date = t("embed.updated", lang, date=fmt_date(updated, lang)) if updated else ""
        tables[f"{src.table_id} ({date})" if date else str(src.table_id)] = None
        licences.setdefault(str(src.licence), {})[str(src.publisher)] = None
    if not tables:
        return ""
    credits = [f"{'; '.join(names)}, {licence}" for licence, names in licences.items()]
    return "; ".join(tables) + ". " + ". ".join(credits) + "."


def card_body(
    name: str,
    shown: Sequence[Figure],
    lang: str,
    *,
    unknown: Sequence[str],
    profile_url: str,
    sources: str,
) -> Markup:
    """The statistics card of a town named `name` in `lang`."""
    note = t("embed.unknown_indicators", lang, ids=", ".join(unknown)) if unknown else ""
    return Markup(
        CARD.render(
            lang=lang,
            name=name,
            figures=shown,
            empty_text=t("embed.no_figures", lang),
            note=note,
            profile_url=profile_url,
            open_profile=t("embed.open_profile", lang),
            source_label=t("common.source", lang),
            sources=sources,
        )
    )


def unknown_body(code: str, lang: str) -> Markup:
    """The card for a code that is no municipality (answered with 404)."""
    return Markup(
        UNKNOWN.render(
            lang=lang,
            title=t("town.unknown_title", lang),
            body=t("town.unknown_body", lang, code=code[:40] or "–"),
        )
    )
