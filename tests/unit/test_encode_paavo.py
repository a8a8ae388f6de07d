"""A fetched Paavo answer as the bundled file's shape (`encode_paavo`), and the reader taking the
year from that file: hand-made json-stat answers, the expected cells written out by hand."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pandas as pd
import pytest

from pipeline.jsonstat import read_jsonstat
from pipeline.pxweb import TableMetadata
from pipeline.readers.paavo import read_paavo_source
from pipeline.snapshot.encode_paavo import frame_to_paavo_csv

COLUMNS = {"name": "Alueen_nimi", "period": "Vuosi"}
AREAS = {
    "SSS": "KOKO MAA",
    "00100": "00100  Helsinki keskusta - Etu-Töölö (Helsinki)",
    "22100": "22100  Maarianhamina keskus (Maarianhamina - Mariehamn)",
}
ROLES = {"geo": "Postinumeroalue", "time": "Vuosi", "metric": "Tiedot"}
TIEDOT = {"he_vakiy": "Asukkaat yhteensä (HE)", "ra_mok": "Kesämökit yhteensä (RA)"}


def answer(year: str = "2025") -> pd.DataFrame:
    """Postinumeroalue × Tiedot × Vuosi; roles only for time and metric (as a server may give)."""
    doc = {
        "version": "2.0",
        "class": "dataset",
        "id": ["Postinumeroalue", "Tiedot", "Vuosi"],
        "size": [3, 2, 1],
        "role": {"time": ["Vuosi"], "metric": ["Tiedot"]},
        "dimension": {
            "Postinumeroalue": {"label": "Postinumeroalue", "category": {"label": AREAS}},
            "Tiedot": {"label": "Tiedot", "category": {"label": TIEDOT}},
            "Vuosi": {"label": "Vuosi", "category": {"label": {year: year}}},
        },
        "value": [None, None, 18492, 0, 11, None],
    }
    return read_jsonstat(doc)


def paavo_roles() -> dict[str, str]:
    metadata = TableMetadata.from_json(
        "Postinumeroalueittainen_avoin_tieto/12f7.px",
        {
            "variables": [
                {"code": "postinumeroalue_20250101", "text": "Postinumeroalue", "values": []},
                {"code": "contentscode", "text": "Tiedot", "values": []},
                {"code": "timeperiod_y", "text": "Vuosi", "values": [], "time": True},
            ]
        },
    )
    return metadata.roles


def test_a_postal_area_dimension_is_the_geo_role():
    assert paavo_roles()["geo"] == "postinumeroalue_20250101"


def test_the_answer_is_written_as_the_bundled_shape_with_its_year():
    text = frame_to_paavo_csv(answer(), COLUMNS, ROLES)
    assert text.splitlines() == [
        "Postinumeroalue,Postinumero,Alueen_nimi,Vuosi,Asukkaat yhteensä (HE),"
        "Kesämökit yhteensä (RA)",
        "00100  Helsinki keskusta - Etu-Töölö (Helsinki),00100,"
        "Helsinki keskusta - Etu-Töölö (Helsinki),2025,18492,0",
        "22100  Maarianhamina keskus (Maarianhamina - Mariehamn),22100,"
        "Maarianhamina keskus (Maarianhamina - Mariehamn),2025,11,",
    ]


def test_an_answer_without_the_area_role_is_refused():
    with pytest.raises(ValueError, match="no geo dimension"):
        frame_to_paavo_csv(answer(), COLUMNS, {"time": "Vuosi", "metric": "Tiedot"})


def _source(reference_year: int = 2024) -> SimpleNamespace:
    variables = [
        SimpleNamespace(id="residents", selector="Asukkaat yhteensä (HE)", filter={}),
        SimpleNamespace(id="cottages", selector="Kesämökit yhteensä (RA)", filter={}),
    ]
    return SimpleNamespace(
        variables=variables, columns=COLUMNS, reference_year=reference_year, file="paavo/x.csv"
    )


NAMES = {"Helsinki": "091", "Maarianhamina": "478", "Mariehamn": "478"}


def test_the_reader_takes_the_year_of_a_fetched_file(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(frame_to_paavo_csv(answer("2025"), COLUMNS, ROLES), encoding="utf-8-sig")
    _, staged = read_paavo_source(_source(2024), path, NAMES)
    out = staged.set_index(["area_code", "variable"])
    assert set(out["year"]) == {2025}
    assert out.loc[("091", "residents"), "value"] == 18492
    assert out.loc[("478", "cottages"), ["value", "zero_areas"]].tolist() == [0.0, 1]


def test_the_reader_takes_the_reference_year_of_a_file_without_one(tmp_path):
    path = tmp_path / "x.csv"
    pd.read_csv(io.StringIO("Alueen_nimi,Asukkaat yhteensä (HE),Kesämökit yhteensä (RA)\n"
                            "A (Helsinki),5.0,1.0\n")).to_csv(path, index=False)  # fmt: skip
    _, staged = read_paavo_source(_source(2024), path, NAMES)
    assert set(staged["year"]) == {2024}
    assert staged.set_index("variable").loc["residents", "value"] == 5.0
