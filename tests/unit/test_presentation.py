"""presentation.yaml: parsed against the catalogue, every unknown key or id named with its line."""

from __future__ import annotations

import re

import pytest

from pipeline import DEFAULT_PRESENTATION
from pipeline.catalogue import CatalogueError
from pipeline.presentation import load_presentation, parse_presentation

TEXT = DEFAULT_PRESENTATION.read_text(encoding="utf-8")


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_bundled_file_names_only_catalogue_ids(catalogue):
    shown = load_presentation(catalogue=catalogue)
    indicator_ids = {i.id for i in catalogue.indicators}
    listed = (
        *shown.profile.headlines,
        *shown.overview.cards,
        *shown.embed_defaults,
        *shown.peer_profile.indicators,
        *(m.indicator for m in shown.network_weight),
    )
    assert set(listed) <= indicator_ids
    assert set(shown.theme_order) == {t.id for t in catalogue.themes}


def test_roles_resolve_to_the_groups_area_codes(catalogue):
    shown = parse_presentation(TEXT, catalogue)
    by_id = {g.id: g.code for g in catalogue.groups}
    # the yaml names group ids; pages get the area codes the warehouse uses
    assert shown.country == by_id["country"] == "SSS"
    assert shown.comparison_codes == (by_id["network"], by_id["university_cities"], "SSS")


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        (
            "  monthly: unemployment_rate_monthly",
            "  monthly: no_such",
            "monthly: no_such",
            "unknown indicator 'no_such'",
        ),
        (
            "  network: network",
            "  network: nowhere",
            "network: nowhere",
            "not a list or country group",
        ),
        ("embed_defaults:", "embed_default:", "embed_default:", "unknown key 'embed_default'"),
        (
            "  log: [population]",
            "  log: [population]\n  extra: 1",
            "extra: 1",
            "unknown key 'extra'",
        ),
    ],
)
def test_errors_name_the_line(catalogue, old, new, needle, message):
    text = TEXT.replace(old, new, 1)
    assert text != TEXT
    with pytest.raises(CatalogueError, match=re.escape(message)) as err:
        parse_presentation(text, catalogue, file="p.yaml")
    line = int(re.match(r"p\.yaml:(\d+):", str(err.value)).group(1))
    assert abs(line - _line(text, needle)) <= 1, str(err.value)


def test_theme_order_must_list_every_theme_once(catalogue):
    text = re.sub(r"theme_order: \[([a-z_]+), ", "theme_order: [", TEXT, count=1)
    with pytest.raises(CatalogueError, match="theme_order"):
        parse_presentation(text, catalogue)
