"""The key-figures time series (format keyfigures_series_csv) and the key-figures workbook a
fetch writes: hand-made inputs, and the bundled 2006–2016 file read in plain Python."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipeline import DEFAULT_SNAPSHOT
from pipeline.jsonstat import META_KEY, JsonStatMeta
from pipeline.readers import ReaderError, read_keyfigures_series_csv, tidy_keyfigures_series
from pipeline.snapshot.encode_keyfigures import frame_to_keyfigures_xlsx

SERIES = (
    DEFAULT_SNAPSHOT
    / "statfin2"
    / "keyfigures"
    / "kuntien_avainluvut_2019ed_aikasarja_311kuntaa_2006_2016.csv"
)
COLUMNS = {"name": "Alue", "period": "vuosi"}
NAMES = {"Akaa": "020", "Alajärvi": "005", "Honkajoki": "099"}


def _read(tmp_path: Path, text: str) -> pd.DataFrame:
    path = tmp_path / "series.csv"
    path.write_text(text, encoding="utf-8")
    return read_keyfigures_series_csv(path)


def test_rows_become_staging_rows_and_empty_cells_stay_missing(tmp_path):
    raw = _read(
        tmp_path,
        '"Alue","vuosi","Vakiluku","Vuosikate_euroa_asukas"\n'
        '"Akaa","2006",16552,\n"Honkajoki","2007",1920,-12.5\n',
    )
    variables = {"population_kf": "Vakiluku", "margin": "Vuosikate_euroa_asukas"}
    rows = tidy_keyfigures_series(raw, COLUMNS, variables, NAMES, "series.csv")
    got = rows.set_index(["area_code", "year", "variable"])["value"]
    assert got[("020", 2006, "population_kf")] == 16552
    assert got[("099", 2007, "margin")] == -12.5
    assert pd.isna(got[("020", 2006, "margin")])  # kept as a row without a value
    assert rows.loc[rows.area_code == "099", "source_row"].tolist() == [3, 3]


def test_text_na_is_an_error_naming_row_and_column(tmp_path):
    raw = _read(tmp_path, '"Alue","vuosi","Vakiluku"\n"Akaa","2006",NA\n')
    with pytest.raises(ReaderError, match=r"row 2, column 'Vakiluku': 'NA'"):
        tidy_keyfigures_series(raw, COLUMNS, {"p": "Vakiluku"}, NAMES, "series.csv")


def test_unknown_name_fails_naming_file_row_and_name(tmp_path):
    raw = _read(tmp_path, '"Alue","vuosi","Vakiluku"\n"Akaa","2006",1\n"Akkaa","2006",2\n')
    with pytest.raises(ReaderError, match=r"series.csv: row 3: area name 'Akkaa'"):
        tidy_keyfigures_series(raw, COLUMNS, {"p": "Vakiluku"}, NAMES, "series.csv")


def test_missing_value_column_is_named(tmp_path):
    raw = _read(tmp_path, '"Alue","vuosi","Vakiluku"\n"Akaa","2006",1\n')
    with pytest.raises(ReaderError, match="no value column 'Taajama_aste'"):
        tidy_keyfigures_series(raw, COLUMNS, {"u": "Taajama_aste"}, NAMES, "series.csv")


def test_bundled_series_has_no_na_text_and_its_gaps_are_the_documented_ones():
    """Evidence for reading the file without pandas' "NA" list: its missing cells are empty
    fields, exactly municipal finance 2006–2007 and the job shares 2006 (SOURCES.md)."""
    with SERIES.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    assert len(body) == 311 * 11 and len(header) == 34
    assert not any(cell.strip().upper() == "NA" for row in body for cell in row)
    empty = {(header[i], row[1]) for row in body for i, cell in enumerate(row) if cell == ""}
    finance = {c for c in header if c.endswith("_euroa_asukas")}
    jobs = {"Alkutuotannon_tyopaikkojen_osuus", "Jalostuksen_tyopaikkojen_osuus",
            "Palvelujen_tyopaikkojen_osuus"}  # fmt: skip
    expected = {(c, y) for c in finance for y in ("2006", "2007")} | {(c, "2006") for c in jobs}
    assert len(finance) == 5 and empty == expected
    counts = pd.Series([header[i] for row in body for i, c in enumerate(row) if c == ""])
    assert (counts.value_counts()[list(finance)] == 622).all()


def _frame(time: bool = False) -> pd.DataFrame:
    rows = [
        ("KU020", "Akaa", "T1", "Väkiluku, 2024", 16000.0),
        ("KU020", "Akaa", "T2", "Taajama-aste, %", 87.5),
        ("SSS", "KOKO MAA", "T1", "Väkiluku, 2024", 5600000.0),
        ("SSS", "KOKO MAA", "T2", "Taajama-aste, %", float("nan")),
    ]
    frame = pd.DataFrame(rows, columns=["Alue", "Alue_label", "Tiedot", "Tiedot_label", "value"])
    dims: tuple[str, ...] = ("Alue", "Tiedot")
    if time:
        frame = frame.assign(Vuosi="2023", Vuosi_label="2023")
        dims = (*dims, "Vuosi")
    frame.attrs[META_KEY] = JsonStatMeta(dimensions=dims)
    return frame


def _sheet(payload: bytes) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(payload), read_only=True)
    try:
        return list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()


def test_fetched_table_is_written_as_the_publishers_workbook():
    rows = _sheet(frame_to_keyfigures_xlsx(_frame(), {"geo": "Alue", "metric": "Tiedot"}))
    assert rows == [
        (None, "Väkiluku, 2024", "Taajama-aste, %"),
        ("Akaa", 16000, 87.5),
        ("KOKO MAA", 5600000, None),
    ]


def test_a_time_dimension_is_folded_into_labels_without_a_year():
    roles = {"geo": "Alue", "metric": "Tiedot", "time": "Vuosi"}
    header = _sheet(frame_to_keyfigures_xlsx(_frame(time=True), roles))[0]
    assert header == (None, "Väkiluku, 2024", "Taajama-aste, %, 2023")


def test_another_dimension_with_several_values_is_refused():
    frame = _frame().assign(Sukupuoli=["1", "2", "1", "2"], Sukupuoli_label="x")
    frame.attrs[META_KEY] = JsonStatMeta(dimensions=("Alue", "Tiedot", "Sukupuoli"))
    with pytest.raises(ValueError, match="dimension Sukupuoli has 2 values"):
        frame_to_keyfigures_xlsx(frame, {"geo": "Alue", "metric": "Tiedot"})
