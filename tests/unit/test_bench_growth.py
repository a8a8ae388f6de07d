"""The growth benchmark's synthetic scale-up (bench/growth.py): twins and mirrored years are
what its docstring says, checked by hand on small frames and on the real municipality key."""

from __future__ import annotations

import pandas as pd

from bench.growth import _mirrored, _with_twins, scaled_key
from pipeline import DEFAULT_SNAPSHOT
from pipeline.build.areas import municipality_key
from pipeline.readers import read_classification_csv


def test_the_scaled_key_has_two_twins_per_municipality_with_free_three_digit_codes(catalogue):
    raw = read_classification_csv(DEFAULT_SNAPSHOT / municipality_key(catalogue).file)
    scaled, twins = scaled_key(raw, 3)
    codes = scaled["kunta"].map(lambda v: f"{int(v):03d}")
    assert len(scaled) == 3 * len(raw)
    assert codes.is_unique and codes.str.fullmatch(r"\d{3}").all()
    iisalmi = twins["140"]
    assert len(iisalmi) == 2 and "140" not in iisalmi
    twin = scaled[codes == iisalmi[1]].iloc[0]
    original = raw[raw["kunta"] == 140].iloc[0]
    assert twin["municipality_name_fi"] == "Iisalmi #2"
    assert twin["maakunta_code"] == original["maakunta_code"]


def test_twins_repeat_municipal_rows_only():
    frame = pd.DataFrame(
        {"area_code": ["140", "MK11", "SSS"], "year": [2024] * 3, "value": [1.0, 2.0, 3.0]}
    )
    out = _with_twins(frame, {"140": ["901", "902"]})
    assert sorted(out["area_code"]) == ["140", "901", "902", "MK11", "SSS"]
    assert out.loc[out["area_code"] == "902", "value"].tolist() == [1.0]


def test_mirrored_years_repeat_each_step_of_the_series():
    frame = pd.DataFrame(
        {
            "area_code": ["140"] * 3,
            "year": [2020, 2021, 2022],
            "month": [pd.NaT] * 3,
            "value": [1.0, 2.0, 3.0],
        }
    )
    out = _mirrored(frame).sort_values("year")
    assert out["year"].tolist() == list(range(2017, 2026))
    assert out["value"].tolist() == [3.0, 2.0, 1.0, 1.0, 2.0, 3.0, 3.0, 2.0, 1.0]


def test_mirrored_months_move_with_their_years():
    frame = pd.DataFrame(
        {
            "area_code": ["140", "140"],
            "year": [2024, 2025],
            "month": pd.to_datetime(["2024-03-01", "2025-07-01"]),
            "value": [1.0, 2.0],
        }
    )
    out = _mirrored(frame)
    by_year = dict(zip(out["year"], out["month"].dt.strftime("%Y-%m"), strict=True))
    assert by_year == {
        2022: "2022-07",
        2023: "2023-03",
        2024: "2024-03",
        2025: "2025-07",
        2026: "2026-07",
        2027: "2027-03",
    }
