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
