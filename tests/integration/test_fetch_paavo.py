"""`investin fetch` of Paavo 12f7 (open data by postal code area) against the replay server, then a
build: the same Paavo figures as the bundled file.

The replay server serves the bundled file as the table (tests/replay_paavo.py: postal areas with
the file's texts and a whole-country value, every column as a `Tiedot` value with an invented
code, the catalogue's reference year). The catalogue selects the four `Tiedot` values by their
Finnish texts; the fetch writes the bundled file's shape with the year in `Vuosi`. The oracle is
the bundled file read in plain pandas and a build of the bundled snapshot.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from pipeline import DEFAULT_SNAPSHOT
from pipeline.snapshot import MANIFEST_NAME, Manifest, check_snapshot
from pipeline.snapshot.fetch import fetch_sources
from tests.helpers import assert_renamed_selector_refuses_fetch

SOURCE = "paavo_2024"
TABLE = "12f7"
INDICATORS = ("residents_mean_income", "summer_cottages_per_1000")
COLUMNS = [
    "Asukkaat yhteensä (HE)",
    "18 vuotta täyttäneet yhteensä (HR)",
    "Asukkaiden ostovoimakertymä (HR)",
    "Kesämökit yhteensä (RA)",
]


def _fetch(catalogue, snapshot, server, *, new: bool) -> None:
    server.use_snapshot()
    server.set_forms(new=new)
    server.bump_updated(TABLE)
    lines: list[str] = []
    report = fetch_sources(
        catalogue, snapshot, base_url=server.base_url("fi"), only=[SOURCE], echo=lines.append
    )
    assert [r.action for r in report.results] == ["updated"], lines


def _read(path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def _check_file(fetched: pd.DataFrame, bundled: pd.DataFrame) -> None:
    """Every postal area of the bundled file, in its order, with its text, name and the four
    columns' values; the year 2024; nothing else (no whole-country row)."""
    assert list(fetched.columns) == ["Postinumeroalue", "Postinumero", "Alueen_nimi", "Vuosi"] + (
        COLUMNS
    )
    assert len(fetched) == len(bundled) == 3018
    assert fetched["Postinumero"].tolist() == bundled["Postinumero"].tolist()
    assert fetched["Postinumeroalue"].tolist() == bundled["Postinumeroalue_x"].tolist()
    assert fetched["Alueen_nimi"].tolist() == bundled["Alueen_nimi"].tolist()
    assert set(fetched["Vuosi"]) == {"2024"}
    for column in COLUMNS:
        assert fetched[column].astype(float).tolist() == bundled[column].astype(float).tolist()
    helsinki = fetched.set_index("Postinumero").loc["00100"]
    assert helsinki["Postinumeroalue"] == "00100  Helsinki keskusta - Etu-Töölö (Helsinki)"
    assert helsinki["Asukkaat yhteensä (HE)"] == "18492"


def _values(path, query: str) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(query).df()


def test_fetch_in_both_forms_then_build_gives_the_bundled_paavo_figures(
    catalogue, snapshot, replay_server, con, tmp_path
):
    from pipeline.build import build_warehouse

    file = catalogue.source(SOURCE).file
    bundled = _read(DEFAULT_SNAPSHOT / file)
    _fetch(catalogue, snapshot, replay_server, new=False)
    legacy = (snapshot / file).read_bytes()
    assert legacy.startswith(b"\xef\xbb\xbf")  # a BOM, as the bundled file
    _check_file(_read(snapshot / file), bundled)
    entry = Manifest.load(snapshot / MANIFEST_NAME).entry(SOURCE)
    assert entry.copy == "fetched"
    assert entry.table == "Postinumeroalueittainen_avoin_tieto/uusin/paavo_pxt_12f7.px"
    post = [e for e in replay_server.log if e.method == "POST"][-1]
    asked = {q["code"]: q["selection"]["values"] for q in post.body["query"]}
    assert asked["Vuosi"] == ["2024"] and len(asked["Tiedot"]) == 4
    assert len(asked["Postinumeroalue"]) == 3019  # with the whole-country value

    _fetch(catalogue, snapshot, replay_server, new=True)
    entry = Manifest.load(snapshot / MANIFEST_NAME).entry(SOURCE)
    assert entry.table == "Postinumeroalueittainen_avoin_tieto/12f7.px"
    assert (snapshot / file).read_bytes() == legacy  # the 2026 codes leave the file as it was
    assert check_snapshot(catalogue, snapshot) == []

    build_warehouse(catalogue, snapshot, tmp_path / "fetched.duckdb")
    wanted = ", ".join(f"'{i}'" for i in INDICATORS)
    queries = (
        f"SELECT * FROM core.indicator_values WHERE indicator_id IN ({wanted}) ORDER BY ALL",
        f"SELECT * EXCLUDE (source_row) FROM staging.{SOURCE} ORDER BY ALL",
    )
    for query in queries:
        before = con.execute(query).df()
        after = _values(tmp_path / "fetched.duckdb", query)
        pd.testing.assert_frame_equal(after, before)
    values = con.execute(queries[0]).df()
    assert values.groupby("indicator_id")["area_code"].nunique().to_dict() == dict.fromkeys(
        INDICATORS, 308
    )
    assert set(values["year"]) == {2024}


def test_a_text_the_table_lacks_fails_the_fetch_by_name(catalogue, snapshot, replay_server):
    """Were the table to rename a `Tiedot` text the build reads, the fetch stops before
    anything is replaced, naming the text."""
    assert_renamed_selector_refuses_fetch(
        catalogue,
        snapshot,
        replay_server,
        SOURCE,
        TABLE,
        ("paavo_summer_cottages", "Kesämökit (RA)"),
        r"no column for the Tiedot text\(s\) Kesämökit \(RA\)",
    )
