"""The export files' words cover every area kind the warehouse can hold, in every language."""

from __future__ import annotations

import pytest

from pipeline.build.schemas import AREA_KINDS
from pipeline.export import texts


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_every_area_kind_has_a_level_name(lang):
    assert set(AREA_KINDS) <= set(texts.level_order())
    for kind in AREA_KINDS:
        assert texts.text("kinds", kind, lang) != kind, (kind, lang)
