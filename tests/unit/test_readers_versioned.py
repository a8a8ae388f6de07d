"""json-stat readers on StatFin's 2026 codes (versioned dimension ids, `<subject>-` value codes).

Real data only: a response recorded from the 2026 API (tests/fixtures) and bundled snapshot files
relabelled to the 2026 form the way the replay server serves them (same numbers, new codes).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from pipeline import DEFAULT_SNAPSHOT
from pipeline import readers as r

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
RECORDED_11RE = FIXTURES / "statfin_11re_2026api_POST_jsonstat2_KU049_KU091_KU092_2025.json"
# Legacy dimension id -> 2026 id, as in the recorded 2026 11re metadata.
NEW_IDS = {
    "Alue": "alue_23_20240101",
    "alue": "alue_23_20250101",
    "maakunta": "alue_23_20250101",
    "Vuosi": "timeperiod_y",
    "vuosi": "timeperiod_y",
    "Sukupuoli": "sukupuoli_9_20180101",
    "Ikä": "ikaryhma_10_20180101",
    "Tiedot": "contentscode",
    "tiedot": "contentscode",
}


def relabel_2026(doc: dict, subject: str) -> dict:
    """The bundled doc with 2026 dimension ids and `<subject>-<code>` contents codes."""
    out = json.loads(json.dumps(doc))
    out["id"] = [NEW_IDS.get(d, d) for d in doc["id"]]
    out["role"] = {k: [NEW_IDS.get(d, d) for d in v] for k, v in doc["role"].items()}
    out["dimension"] = {NEW_IDS.get(d, d): v for d, v in doc["dimension"].items()}
    category = out["dimension"][out["role"]["metric"][0]]["category"]
    if isinstance(category["index"], list):
        category["index"] = [f"{subject}-{c}" for c in category["index"]]
    for key in ("index", "label", "unit"):
        if isinstance(category.get(key), dict):
            category[key] = {f"{subject}-{c}": v for c, v in category[key].items()}
    return out


def write_2026(source, subject: str, folder: Path) -> Path:
    doc = json.loads((DEFAULT_SNAPSHOT / source.file).read_text(encoding="utf-8"))
    path = folder / Path(source.file).name
    path.write_text(json.dumps(relabel_2026(doc, subject), ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("source_id", "subject"),
    [
        ("projection_14wx", "vaenn"),
        ("gdp_12bc_2023", "altp"),
        ("gdp_12bc_2019_2023", "altp"),
        ("establishments_11ge", "alyr"),
    ],
)
def test_catalogue_selectors_read_the_2026_form(catalogue, source_id, subject, tmp_path):
    """`GDPcap` finds `altp-GDPcap`, filter `Ikä` finds `ikaryhma_10_20180101` ("Age"): the
    2026 file gives the same staging rows as the bundled legacy one."""
    source = catalogue.source(source_id)
    _, bundled = r.read_source(source, DEFAULT_SNAPSHOT / source.file, {})
    raw, tidy = r.read_source(source, write_2026(source, subject, tmp_path), {})
    assert raw["contentscode"].str.startswith(f"{subject}-").all()
    pd.testing.assert_frame_equal(tidy, bundled)


def test_recorded_2026_response_by_code_label_and_other_language():
    """The recorded 2026 11re answer (fi): `vaesto` finds `vaerak-vaesto`, the label works as
    well, `KU091` becomes `091`, and filters named in English (`Age`, `Sex`) find `Ikä` and
    `Sukupuoli` (ids `ikaryhma_10_20180101`, `sukupuoli_9_20180101`)."""
    raw, roles, labels = r.read_jsonstat_file(RECORDED_11RE)
    expected = {"049": 325716.0, "091": 694392.0, "092": 252956.0}
    for selector in ("vaesto", "vaerak-vaesto", "Väestö 31.12.", " väestö 31.12. "):
        tidy = r.tidy_jsonstat(
            raw,
            roles,
            {"population": selector},
            labels,
            RECORDED_11RE.name,
            filters={"population": {"Age": "SSS", "Sex": ["Yhteensä"]}},
        )
        assert dict(zip(tidy.area_code, tidy.value, strict=True)) == expected, selector
        assert set(tidy.year) == {2025}


def test_age_kept_as_age_column_and_range_filter_in_2026_form(catalogue, tmp_path):
    """Unfiltered ages stay an `age` column; "000-014" is a range of codes, not code "014"."""
    source = catalogue.source("projection_14wx")
    path = write_2026(source, "vaenn", tmp_path)
    raw, roles, labels = r.read_jsonstat_file(path)
    by_age = r.tidy_jsonstat(raw, roles, {"p": "vaesto_e24"}, labels, path.name)
    assert "age" in by_age.columns and by_age.age.max() == 99
    young = r.tidy_jsonstat(
        raw, roles, {"p": "vaesto_e24"}, labels, path.name, filters={"p": {"ikä": "000-014"}}
    )
    helsinki = by_age[(by_age.area_code == "091") & (by_age.year == 2024)]
    got = young[(young.area_code == "091") & (young.year == 2024)].value.item()
    assert got == helsinki[helsinki.age <= 14].value.sum()
    assert got != helsinki[helsinki.age == 14].value.item()


def test_unmatched_selector_names_file_dimension_and_closest(catalogue, tmp_path):
    source = catalogue.source("gdp_12bc_2023")
    path = write_2026(source, "altp", tmp_path)
    raw, roles, labels = r.read_jsonstat_file(path)
    with pytest.raises(r.ReaderError) as err:
        r.tidy_jsonstat(raw, roles, {"gdp_per_capita": "GDPcapita"}, labels, source.file)
    message = str(err.value)
    assert source.file in message
    assert "dimension contentscode (Information)" in message
    assert "no value 'GDPcapita'; closest: altp-GDPcap" in message
    assert "variable gdp_per_capita" in message


def test_unmatched_filter_dimension_names_file_and_candidates(catalogue, tmp_path):
    source = catalogue.source("projection_14wx")
    path = write_2026(source, "vaenn", tmp_path)
    raw, roles, labels = r.read_jsonstat_file(path)
    with pytest.raises(r.ReaderError) as err:
        r.tidy_jsonstat(
            raw, roles, {"p": "vaesto_e24"}, labels, source.file, filters={"p": {"Agegroup": "000"}}
        )
    message = str(err.value)
    assert source.file in message and "no dimension 'Agegroup'" in message
    assert "ikaryhma_10_20180101 (Age)" in message and "filter of variable p" in message


def test_unmatched_filter_value_names_dimension(catalogue, tmp_path):
    source = catalogue.source("projection_14wx")
    path = write_2026(source, "vaenn", tmp_path)
    raw, roles, labels = r.read_jsonstat_file(path)
    with pytest.raises(r.ReaderError, match=r"dimension ikaryhma_10_20180101 \(Age\): no value"):
        r.tidy_jsonstat(
            raw, roles, {"p": "vaesto_e24"}, labels, source.file, filters={"p": {"Ikä": "100"}}
        )
