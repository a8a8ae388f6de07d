"""The university cities are counted the same way everywhere: the 16 ecosystem agreements name
18 cities; with Imatra and Sotkamo, which the agreements include, 20 municipalities."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
TEXTS = (
    "README.md",
    "docs/ecosystem-content.md",
    "notebooks/network_vs_university_cities.ipynb",
    "notebooks/02_ecosystem.ipynb",
)
# counts written as words, or a count other than 18 named / 20 in all, next to the cities
WRONG = re.compile(
    r"\b(twenty|eighteen|sixteen|kaksikymmentä|kahdeksantoista|tjugo|arton)\b"
    r"|\b(?!18\b|20\b)\d+ (university cities|yliopistokaupunki|universitetsstäder)",
    re.IGNORECASE,
)


def test_the_group_has_the_twenty_municipalities():
    groups = yaml.safe_load((ROOT / "indicators.yaml").read_text(encoding="utf-8"))["groups"]
    members = next(g for g in groups if g["id"] == "university_cities")["members"]
    assert len(members) == len(set(members)) == 20
    assert {"153", "765"} <= set(members)  # Imatra, Sotkamo


def test_every_text_states_the_count_the_same_way():
    locale = yaml.safe_load(
        (ROOT / "dashboard/locales/network_shares.yaml").read_text(encoding="utf-8")
    )["university_cities_definition"]
    texts = {name: (ROOT / name).read_text(encoding="utf-8") for name in TEXTS}
    texts |= {f"network_shares.{lang}": text for lang, text in locale.items()}
    for name, text in texts.items():
        flat = " ".join(text.replace("\\n", " ").replace('"', " ").split())
        assert not WRONG.search(flat), (name, WRONG.search(flat).group(0))
        assert re.search(r"\b18\b", flat) and re.search(r"\b20\b", flat), name
        assert "Imatra" in flat and "Sotkamo" in flat and re.search(r"\b16\b", flat), name
