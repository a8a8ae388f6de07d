"""The export files' words in fi, sv and en (`texts.yaml` beside this module): sheet names,
column headers, README lines, notices and the names of area levels, directions and rules."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

TEXTS = Path(__file__).with_name("texts.yaml")


@functools.cache
def _texts() -> dict:
    return yaml.safe_load(TEXTS.read_text(encoding="utf-8"))


def text(section: str, key: str, lang: str, **values: object) -> str:
    """`texts.yaml` section/key in `lang`, formatted with `values`; the key itself if unknown."""
    entry = _texts().get(section, {}).get(key)
    if entry is None:
        return key
    return entry.get(lang, entry["en"]).format(**values)


@functools.cache
def _names_by_english() -> dict[str, dict[str, str]]:
    return {entry["en"]: entry for entry in _texts().get("names", {}).values()}


def name_in(english: object, lang: str) -> object:
    """A publisher, licence or table name that the sources give in English, in `lang`
    (`texts.yaml` section `names`); any other value as given."""
    entry = _names_by_english().get(english) if isinstance(english, str) else None
    return english if entry is None else entry.get(lang, english)


@functools.cache
def _phrases(lang: str) -> tuple[tuple[str, str], ...]:
    entries = [*_texts().get("names", {}).values(), *_texts().get("phrases", {}).values()]
    pairs = {e["en"]: e.get(lang, e["en"]) for e in entries}
    return tuple(sorted(pairs.items(), key=lambda pair: -len(pair[0])))


def citation_in(citation: object, lang: str) -> object:
    """A catalogue citation (written in English) in `lang`: its known English names and words
    (`names`, `phrases`) replaced, longest first; table codes stay."""
    if not isinstance(citation, str) or lang == "en":
        return citation
    for english, localised in _phrases(lang):
        citation = citation.replace(english, localised)
    return citation


def header(column: str, lang: str) -> str:
    """A column's header in `lang` (a column without a translation keeps its id)."""
    return text("columns", column, lang)


def sheet(name: str, lang: str) -> str:
    return text("sheets", name, lang)


def readme_lines(lang: str) -> list[str]:
    names = {"data": sheet("data", lang), "indicators": sheet("indicators", lang)}
    return [
        text("readme", key, lang, **names) for key in ("credit", "sheets", "precision", "codes")
    ]


def level_order() -> list[str]:
    """The area kinds in the order `texts.yaml` names them (how levels are listed)."""
    return list(_texts()["kinds"])


def levels(kinds: list[str] | tuple[str, ...], lang: str) -> str:
    """Area kinds as the names of their levels, e.g. 'regions, whole country'."""
    return ", ".join(text("kinds", kind, lang) for kind in kinds)
