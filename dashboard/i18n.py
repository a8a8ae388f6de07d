"""Interface strings in Finnish, Swedish and English, one locale file per page.

`dashboard/locales/<page>.yaml` maps `key: {fi: ..., sv: ..., en: ...}`; `t("town.page_title", lang)`
looks up key `title` in `town.yaml` (the part before the first dot names the file). Placeholders
use `str.format` syntax: `t("common.source_item", lang, title=title, ...)`. Indicator labels, units and
descriptions do not live here: they come from `core.indicators` (label_fi / label_sv / label_en).
"""

from __future__ import annotations

import datetime
import logging
import math
from functools import cache
from pathlib import Path
from typing import Any

import yaml

LANGS: tuple[str, ...] = ("fi", "sv", "en")
DEFAULT_LANG = "fi"
LOCALES = Path(__file__).resolve().parent / "locales"
LANG_NAMES = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}

log = logging.getLogger(__name__)


class LocaleError(ValueError):
    """A locale file is unreadable or an entry lacks a language."""


def lang_of(value: Any) -> str:
    """The language from a query value (`?lang=sv`); anything else falls back to Finnish."""
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    value = str(value or "").strip().lower()
    return value if value in LANGS else DEFAULT_LANG


@cache
def load_page(page: str, folder: Path = LOCALES) -> dict[str, dict[str, str]]:
    """The strings of one page, checked: every key has every language as a string."""
    path = folder / f"{page}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise LocaleError(f"{path}: cannot read the locale file ({exc})") from exc
    if not isinstance(data, dict):
        raise LocaleError(f"{path}: expected a mapping of key -> {{fi, sv, en}}")
    for key, entry in data.items():
        if not isinstance(entry, dict) or set(entry) != set(LANGS):
            raise LocaleError(f"{path}: key {key!r} must have exactly fi, sv and en")
        bad = [lang for lang in LANGS if not isinstance(entry[lang], str) or not entry[lang]]
        if bad:
            raise LocaleError(f"{path}: key {key!r} has an empty or non-text {', '.join(bad)}")
    return data


def pages(folder: Path = LOCALES) -> list[str]:
    """The names of all locale files (without .yaml)."""
    return sorted(p.stem for p in folder.glob("*.yaml"))


def t(key: str, lang: str, **values: Any) -> str:
    """The string `page.key` in `lang`, formatted with `values`; unknown keys show the key."""
    page, _, name = key.partition(".")
    entry = load_page(page).get(name) if name else None
    if entry is None:
        log.warning("missing locale key %s", key)
        return key
    text = entry[lang_of(lang)]
    return text.format(**values) if values else text


def fmt_number(value: float | int | None, decimals: int = 0, lang: str = DEFAULT_LANG) -> str:
    """A number in the language's convention: 12 345,6 (fi, sv) or 12,345.6 (en); '–' if missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{max(int(decimals), 0)}f}"
    if lang_of(lang) == "en":
        return text.replace("-", "−")
    return text.replace(",", "\u00a0").replace(".", ",").replace("-", "−")


def fmt_signed(value: float | None, decimals: int = 0, lang: str = DEFAULT_LANG) -> str:
    """A number with an explicit sign (+1,2 / −0,4)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = fmt_number(value, decimals, lang)
    return text if text.startswith("−") or round(value, decimals) == 0 else "+" + text


# Units of values in thousands of euros (the catalogue's fi/sv and en forms): shown in millions
# from one million up ('61,3 milj. €', '€61.3 million') and in euros below; exports keep them.
THOUSAND_EUROS = frozenset({"1 000 €", "1\u00a0000 €", "EUR 1,000"})


def _fmt_euros(value: float, lang: str) -> str:
    """Thousands of euros as millions with one decimal (or whole euros below a million)."""
    millions = abs(value) >= 1000
    number = fmt_number(
        abs(value) / 1000 if millions else abs(value) * 1000, 1 if millions else 0, lang
    )
    sign = "−" if value < 0 and number.strip("0,.\u00a0") else ""
    if lang_of(lang) == "en":
        return f"{sign}€{number}" + (" million" if millions else "")
    return f"{sign}{number}\u00a0" + ("milj.\u00a0€" if millions else "€")


def fmt_value(value: float | None, decimals: int, unit: str, lang: str) -> str:
    """A value with its unit: '12,3 %', '25 000 henkilöä'; thousands of euros as '61,3 milj. €'."""
    text = fmt_number(value, decimals, lang)
    if text == "–" or not unit:
        return text
    if unit in THOUSAND_EUROS:
        return _fmt_euros(float(value), lang)
    return f"{text}\u00a0{unit}"


def fmt_period(year: Any, month: Any = None) -> str:
    """'2023' for an annual value, '1/2025' for a monthly one (month is a date), '–' if missing."""
    if month is not None and not _isna(month):
        stamp = month if hasattr(month, "month") else datetime.date.fromisoformat(str(month)[:10])
        return f"{stamp.month}/{stamp.year}"
    if year is None or _isna(year):
        return "–"
    return str(int(year))


def _isna(value: Any) -> bool:
    try:
        return bool(value != value)  # NaN, NaT
    except (TypeError, ValueError):
        return False


MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def fmt_date(iso: str | None, lang: str = DEFAULT_LANG) -> str:
    """An ISO date `2021-02-09` as 9.2.2021 (fi, sv) or 9 Feb 2021 (en); other text as given."""
    try:
        day = datetime.date.fromisoformat(str(iso))
    except ValueError:
        return str(iso or "–")
    if lang_of(lang) == "en":
        return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    return f"{day.day}.{day.month}.{day.year}"
