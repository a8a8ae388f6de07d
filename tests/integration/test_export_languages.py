"""Every download format opens in each language: the plain CSV, the fi/sv Excel dialect (BOM,
';', decimal comma), Excel with sheets, headers and README in the language, Parquet at full
precision; values rounded to each indicator's decimals; a region-level indicator asked for with
towns is named in a notice, and kept on the indicators sheet."""

from __future__ import annotations

import re

import openpyxl
import pandas as pd
import pytest

from pipeline.export import COLUMNS, Selection, export_file, missing_notices, select_frame

LANGS = ["fi", "sv", "en"]
SHEETS = {
    "fi": ["tiedot", "tunnusluvut", "LUEMINUT"],
    "sv": ["data", "nyckeltal", "LÄSMIG"],
    "en": ["data", "indicators", "README"],
}
VALUE = {"fi": "arvo", "sv": "värde", "en": "value"}
REGIONS = {"fi": "maakunnat", "sv": "landskap", "en": "regions"}
NOT_STATED = {
    "fi": "päivityspäivää ei ilmoitettu",
    "sv": "uppdateringsdatum inte angivet",
    "en": "update date not stated",
}


def selection(lang: str, **more) -> Selection:
    return Selection(
        indicators=("unemployment_rate", "population", "gdp_per_capita"),
        areas=("140", "740"),
        groups=("network",),
        year_from=2015,
        lang=lang,
        **more,
    )


@pytest.fixture(scope="module")
def decimals(con) -> dict[str, int]:
    return dict(con.execute("SELECT indicator_id, decimals FROM core.indicators").fetchall())


def _rounded(frame: pd.DataFrame, decimals: dict[str, int]) -> list[float]:
    return [round(v, decimals[i]) for i, v in zip(frame.indicator_id, frame.value, strict=True)]


@pytest.mark.parametrize("lang", LANGS)
def test_the_plain_csv_has_ids_as_headers_and_published_decimals(
    warehouse_path, con, decimals, lang, tmp_path
):
    out = tmp_path / "plain.csv"
    export_file(warehouse_path, selection(lang), "csv", out)
    assert not out.read_bytes().startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(out, dtype={"area_code": str})
    expected = select_frame(con, selection(lang))
    assert list(back.columns) == COLUMNS
    assert back.value.tolist() == pytest.approx(_rounded(expected, decimals), abs=1e-9)
    raw = out.read_text(encoding="utf-8")
    assert ".000000" not in raw and not any(len(x) > 12 for x in back.value.astype(str))


@pytest.mark.parametrize("lang", LANGS)
def test_the_excel_dialect_csv_opens_with_semicolons_and_decimal_commas(
    warehouse_path, con, decimals, lang, tmp_path
):
    out = tmp_path / "excel.csv"
    export_file(warehouse_path, selection(lang), "csv_excel", out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark: Excel reads ä and ö
    back = pd.read_csv(out, sep=";", decimal=",", encoding="utf-8-sig", dtype={VALUE[lang]: float})
    expected = select_frame(con, selection(lang))
    assert VALUE[lang] in back.columns and len(back.columns) == len(COLUMNS)
    assert back[VALUE[lang]].tolist() == pytest.approx(_rounded(expected, decimals), abs=1e-9)
    if lang == "fi":
        assert "Työttömyysaste" in raw.decode("utf-8-sig")
        assert re.search(r";\d+,\d;%;", raw.decode("utf-8-sig"))  # a decimal-comma cell


@pytest.mark.parametrize("lang", LANGS)
def test_the_workbook_is_in_the_language_and_says_what_has_no_values(
    warehouse_path, con, decimals, lang, tmp_path
):
    out = tmp_path / "book.xlsx"
    export_file(warehouse_path, selection(lang), "xlsx", out)
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == SHEETS[lang]
    data_sheet, indicators_sheet, readme_sheet = SHEETS[lang]
    data = pd.read_excel(out, sheet_name=data_sheet, dtype={"area_code": str})
    assert VALUE[lang] in data.columns
    expected = select_frame(con, selection(lang))
    assert data[VALUE[lang]].tolist() == pytest.approx(_rounded(expected, decimals), abs=1e-9)
    definitions = pd.read_excel(out, sheet_name=indicators_sheet)
    assert len(definitions) == 3  # GDP per capita kept though it has no rows here
    text = definitions.astype(str).to_string()
    assert " nan)" not in text and "nan" not in list(definitions.iloc[:, 0])
    keyfig = definitions[definitions.iloc[:, 0] == "unemployment_rate"].iloc[0].astype(str)
    assert any(NOT_STATED[lang] in cell for cell in keyfig)
    readme = " ".join(pd.read_excel(out, sheet_name=readme_sheet).iloc[:, 0].astype(str))
    assert "CC BY 4.0" in readme and REGIONS[lang] in readme and "Parquet" in readme
    gdp = con.execute(
        "SELECT CASE $l WHEN 'sv' THEN label_sv WHEN 'en' THEN label_en ELSE label_fi END "
        "FROM core.indicators WHERE indicator_id = 'gdp_per_capita'",
        {"l": lang},
    ).fetchone()[0]
    assert gdp in readme


@pytest.mark.parametrize("lang", LANGS)
def test_parquet_keeps_full_precision_and_ids(warehouse_path, con, lang, tmp_path):
    out = tmp_path / "data.parquet"
    export_file(warehouse_path, selection(lang), "parquet", out)
    back = pd.read_parquet(out)
    expected = select_frame(con, selection(lang))
    assert list(back.columns) == COLUMNS
    assert back.value.tolist() == expected.value.tolist()
    assert (back.value.round(1) != back.value).any()  # group values are not rounded here


@pytest.mark.parametrize(("lang", "fmt"), [("fi", "csv_excel"), ("en", "csv"), ("sv", "xlsx")])
def test_wide_headers_carry_units(warehouse_path, lang, fmt, tmp_path):
    out = tmp_path / f"wide.{'xlsx' if fmt == 'xlsx' else 'csv'}"
    export_file(warehouse_path, selection(lang, wide=True), fmt, out)
    if fmt == "xlsx":
        headers = list(pd.read_excel(out, sheet_name=0).columns)
    else:
        sep = ";" if fmt == "csv_excel" else ","
        headers = list(pd.read_csv(out, sep=sep, encoding="utf-8-sig", nrows=1).columns)
    expected = {
        "fi": "Työttömyysaste (%)",
        "en": "unemployment_rate (%)",
        "sv": "Arbetslöshetsgrad (%)",
    }
    assert expected[lang] in headers


def test_the_notice_names_the_level_where_the_indicator_exists(con):
    notices = missing_notices(con, selection("en"))
    assert notices == [
        "Note: GDP per capita has no values for the chosen areas; it exists only for: regions."
    ]
    assert missing_notices(con, Selection(indicators=("gdp_per_capita",), groups=("region",))) == []


def test_the_data_page_names_an_indicator_without_values_here(dashboard_app):
    from dashboard.views import data

    chosen = data.DataSelection(("population", "gdp_per_capita"), ("140",), (), 2020, None, False)
    _rows, _columns, _count, notices = data.table_content(chosen, "sv")
    assert notices == [
        "Obs.: nyckeltalet BNP per invånare har inga värden för de valda områdena; det finns "
        "bara på nivån: landskap."
    ]


def test_the_data_page_gives_the_excel_dialect_file(dashboard_app):
    import base64

    from dashboard.views import data_downloads

    answer = data_downloads.selection_file(selection("fi"), "csv_excel", "fi")
    assert answer.message is None and answer.file["filename"] == "seutu-investin-excel.csv"
    raw = (
        base64.b64decode(answer.file["content"])
        if answer.file["base64"]
        else answer.file["content"].encode()
    )
    assert raw.startswith(b"\xef\xbb\xbf") and b";arvo;" in raw
