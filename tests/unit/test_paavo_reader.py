"""The Paavo reader on small frames: the bracketed municipality, the sums, the zero counts, the
published-only filter, and the error naming file, row and name."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.readers import ReaderError
from pipeline.readers.paavo import tidy_paavo

NAMES = {"Helsinki": "091", "Maarianhamina": "478", "Mariehamn": "478", "Kustavi": "304"}


def frame(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["Alueen_nimi", "A (HE)", "P (HR)"])


def tidy(raw: pd.DataFrame, filters=None) -> pd.DataFrame:
    return tidy_paavo(
        raw,
        {"name": "Alueen_nimi"},
        {"a": "A (HE)", "p": "P (HR)"},
        filters or {},
        NAMES,
        2024,
        "paavo/x.csv",
    )


def test_postal_areas_are_summed_to_the_bracketed_municipality_with_zero_counts():
    raw = frame(
        ("00100  Keskusta (Helsinki)", "10.0", "5.0"),
        ("00200  Lauttasaari (Helsinki)", "20.0", "0.0"),
        ("22100  Keskus (Maarianhamina - Mariehamn)", "7.0", ".."),
    )
    out = tidy(raw).set_index(["area_code", "variable"])
    assert out.loc[("091", "a"), "value"] == 30.0
    assert out.loc[("091", "p"), ["value", "postal_areas", "zero_areas"]].tolist() == [5.0, 2, 1]
    assert out.loc[("478", "p"), ["value", "zero_areas"]].tolist() == [0.0, 1]  # ".." counted
    assert set(out["year"]) == {2024}


def test_published_filter_sums_only_areas_where_the_other_column_is_published():
    raw = frame(("00100 A (Helsinki)", "10.0", "5.0"), ("00200 B (Helsinki)", "20.0", "0.0"))
    out = tidy(raw, {"a": {"published": "P (HR)"}}).set_index(["area_code", "variable"])
    assert out.loc[("091", "a"), ["value", "postal_areas"]].tolist() == [10.0, 1]


def test_an_unmatched_name_fails_naming_file_row_and_name():
    raw = frame(("00100 A (Helsinki)", "1.0", "1.0"), ("99999 B (Atlantis)", "1.0", "1.0"))
    with pytest.raises(ReaderError, match=r"paavo/x\.csv: row 3: area name 'Atlantis'"):
        tidy(raw)


def test_a_name_without_brackets_fails_naming_the_row():
    raw = frame(("00100 A (Helsinki)", "1.0", "1.0"), ("00200 no municipality", "1.0", "1.0"))
    with pytest.raises(ReaderError, match=r"row 3: postal area '00200 no municipality'"):
        tidy(raw)
