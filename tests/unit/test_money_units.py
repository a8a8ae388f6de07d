"""Values the catalogue gives in thousands of euros read as millions when large: '61,3 milj. €'
(fi, sv), '€61.3 million' (en), never '61 342 1 000 €'; small ones in euros. Hand-written
expected texts; the exports are not formatted here (they keep the source unit)."""

from __future__ import annotations

import pytest

from dashboard import i18n

NB = "\u00a0"
THOUSANDS = {"fi": "1 000 €", "sv": "1 000 €", "en": "EUR 1,000"}


@pytest.mark.parametrize(
    ("lang", "value", "expected"),
    [
        ("fi", 61342, f"61,3{NB}milj.{NB}€"),
        ("sv", 61342, f"61,3{NB}milj.{NB}€"),
        ("en", 61342, "€61.3 million"),
        ("fi", 1240501, f"1{NB}240,5{NB}milj.{NB}€"),
        ("en", 1240501, "€1,240.5 million"),
        ("fi", 61000, f"61,0{NB}milj.{NB}€"),  # the trailing zero kept
        ("fi", 950, f"950{NB}000{NB}€"),
        ("en", 950, "€950,000"),
        ("fi", -2500, f"−2,5{NB}milj.{NB}€"),
        ("en", -2500, "−€2.5 million"),
    ],
)
def test_thousands_of_euros_read_as_millions(lang, value, expected):
    assert i18n.fmt_value(value, 0, THOUSANDS[lang], lang) == expected


def test_other_units_unchanged():
    assert i18n.fmt_value(61342, 0, "henkilöä", "fi") == f"61{NB}342{NB}henkilöä"
    assert i18n.fmt_value(12.34, 1, "%", "fi") == f"12,3{NB}%"
    assert i18n.fmt_value(None, 0, THOUSANDS["fi"], "fi") == "–"
