"""pipeline.jsonstat on the real recorded files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.jsonstat import JsonStatError, jsonstat_meta, read_jsonstat

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "fixtures"
PROJECTION = (
    ROOT
    / "data/snapshot/statfin/vaenn_14wx_population_projection2024_years2024_2035_2040_by_age_jsonstat2_en.json"
)


def load(name: str) -> dict:
    path = FIX / name if (FIX / name).exists() else Path(name)
    return json.loads(path.read_text(encoding="utf-8"))


def to_v1_bundle(doc: dict) -> dict:
    """The same dataset in JSON-stat 1.x bundle form (PxWeb's ``json-stat`` format)."""
    dims = dict(doc["dimension"])
    dims.update({"id": doc["id"], "size": doc["size"], "role": doc.get("role", {})})
    ds = {k: v for k, v in doc.items() if k not in ("id", "size", "role", "version", "class")}
    ds["dimension"] = dims
    return {"dataset": ds}


def test_projection_shape_columns_and_meta():
    frame = read_jsonstat(PROJECTION.read_text(encoding="utf-8"))
    assert frame.shape == (93_000, 11)
    assert list(frame.columns[:4]) == ["Alue", "Alue_label", "Vuosi", "Vuosi_label"]
    assert frame["value"].dtype == np.float64
    assert "status" not in frame.columns
    meta = jsonstat_meta(frame)
    assert meta.updated == "2024-10-24T05:00:00Z"
    assert meta.role_dimension("geo") == "Alue"
    assert meta.role_dimension("time") == "Vuosi"
    assert meta.role_dimension("metric") == "Tiedot"
    assert meta.label.startswith("Population projection 2024")
    assert meta.dimension_labels["Ikä"] == "Age"
    assert frame["Alue"].nunique() == 310 and frame["Ikä"].nunique() == 100
    first = frame.iloc[0]
    assert (first["Alue"], first["Alue_label"], first["Vuosi"], first["Ikä"]) == (
        "SSS",
        "WHOLE COUNTRY",
        "2024",
        "000",
    )
    assert first["value"] == 44297


def test_projection_whole_country_equals_sum_of_municipalities():
    frame = read_jsonstat(json.loads(PROJECTION.read_text(encoding="utf-8")))
    is_country = frame["Alue"] == "SSS"
    country = frame[is_country].groupby(["Vuosi", "Ikä"])["value"].sum()
    munis = frame[~is_country].groupby(["Vuosi", "Ikä"])["value"].sum()
    pd.testing.assert_series_equal(country, munis, check_exact=False, rtol=1e-9)


def test_new_form_11re_three_cities_2025():
    frame = read_jsonstat(load("statfin_11re_2026api_POST_jsonstat2_KU049_KU091_KU092_2025.json"))
    by_area = frame.set_index("alue_23_20260101_label")["value"]
    assert by_area["Helsinki"] == 694_392
    assert by_area["Espoo"] == 325_716
    assert by_area["Vantaa"] == 252_956
    assert set(frame["timeperiod_y"]) == {"2025"}
    assert set(frame["contentscode"]) == {"vaerak-vaesto"}
    assert jsonstat_meta(frame).role["geo"] == ("alue_23_20260101",)


def test_helsinki_series_and_whole_country():
    hel = read_jsonstat(load("statfin_11re_2026api_POST_jsonstat2_KU091_top5years.json"))
    assert hel["value"].tolist() == [658_457, 664_028, 674_500, 684_018, 694_392]
    assert hel["timeperiod_y"].tolist() == ["2021", "2022", "2023", "2024", "2025"]
    country = read_jsonstat(
        load(
            "markusl-statfin-mcp_api-query-population-finland_POST_jsonstat2_fi_11re_SSS_top3.json"
        )
    )
    assert country["value"].tolist() == [5_603_851, 5_635_971, 5_652_881]


def test_kta_loan_key_figures():
    frame = read_jsonstat(
        load("kta_006_2020_POST_jsonstat2_en_loan_keyfigures_all_municipalities.json")
    )
    assert frame.shape[0] == 1_860
    assert frame["Alue"].nunique() == 310 and frame["Tunnusluku"].nunique() == 6
    assert frame["Alue"].str.fullmatch(r"\d{3}").all()


def test_velk_13kt_languages_share_codes():
    frames = {
        lang: read_jsonstat(load(f"StatisticsFinland-PxGraf_velk_13kt_POST_jsonstat2_{lang}.json"))
        for lang in ("fi", "sv", "en")
    }
    assert frames["fi"]["value"].tolist() == [58_443_598_209]
    en, sv = frames["en"], frames["sv"]
    assert en["Tiedot"].tolist() == sv["Tiedot"].tolist()
    assert en.set_index("Tiedot").loc["vaste", "value"] == 70.3
    assert en.set_index("Tiedot").loc["vaste", "Tiedot_label"] == "Rate of indebtedness (per cent)"
    assert jsonstat_meta(en).units["vaste"] == {"base": "per cent", "decimals": 1}


def test_sparse_values_and_status_equal_dense():
    doc = load("kta_006_2020_POST_jsonstat2_en_loan_keyfigures_all_municipalities.json")
    dense = dict(doc)
    dense["value"] = list(doc["value"])
    dense["value"][5] = None
    dense["status"] = [None] * len(doc["value"])
    dense["status"][5] = ".."
    sparse = dict(doc)
    sparse["value"] = {str(i): v for i, v in enumerate(dense["value"]) if v is not None}
    sparse["status"] = {"5": ".."}
    a, b = read_jsonstat(dense), read_jsonstat(sparse)
    pd.testing.assert_frame_equal(a, b)
    assert np.isnan(a.loc[5, "value"]) and a.loc[5, "status"] == ".."
    assert a["status"].isna().sum() == len(a) - 1


def test_v1_bundle_equals_v2():
    doc = load("statfin_11re_2026api_POST_jsonstat2_KU049_KU091_KU092_2025.json")
    v2, v1 = read_jsonstat(doc), read_jsonstat(json.dumps(to_v1_bundle(doc)))
    pd.testing.assert_frame_equal(v1, v2)
    assert jsonstat_meta(v1).role == jsonstat_meta(v2).role


def test_category_index_as_list_and_missing_index():
    doc = load("StatisticsFinland-PxGraf_velk_13kt_POST_jsonstat2_en.json")
    tiedot = doc["dimension"]["Tiedot"]["category"]
    as_list = json.loads(json.dumps(doc))
    as_list["dimension"]["Tiedot"]["category"]["index"] = sorted(
        tiedot["index"], key=tiedot["index"].get
    )
    del as_list["dimension"]["Vuosi"]["category"]["index"]  # size 1: label gives the code
    pd.testing.assert_frame_equal(read_jsonstat(as_list), read_jsonstat(doc))


def test_bad_documents_raise():
    with pytest.raises(JsonStatError):
        read_jsonstat({"foo": 1})
    doc = load("statfin_11re_2026api_POST_jsonstat2_KU091_top5years.json")
    doc["value"] = doc["value"][:-1]
    with pytest.raises(JsonStatError, match="value has 4 cells"):
        read_jsonstat(doc)
