"""The PxWeb web-page xlsx reader (pipeline/readers/pxweb_xlsx.py) on small workbooks written
here: fill-down, footer, the publisher's '..', annual sums of quarters, a stock read at one
quarter, a year in progress, and errors naming the file, the row and the value; and the
catalogue's `level_total()` (a sum over the areas of a row's level) in the formula engine."""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest

from pipeline.build import formulas
from pipeline.catalogue.expressions import check_expression
from pipeline.readers import ReaderError
from pipeline.readers.pxweb_xlsx import read_pxweb_xlsx, tidy_pxweb_xlsx

TITLE = "Yrityskanta, aloittaneet ja lopettaneet yritykset muuttujina Vuosineljännes, Alue, Toimiala ja Tiedot"
MEASURES = ["Aloittaneet yritykset (lkm)", "Yrityskanta"]
COLUMNS = {"name": "Alue", "category": "Toimiala", "period": "Vuosineljännes"}
NAMES = {"MK01 Uusimaa": "MK01", "Uusimaa": "MK01"}


def _book(path, rows, footer=True):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([TITLE])
    sheet.append([])
    sheet.append([None, None, None, *MEASURES])
    for row in rows:
        sheet.append(list(row))
    if footer:
        sheet.append([])
        sheet.append([".. tieto on epälooginen esitettäväksi"])
        sheet.append(["Lähde:"])
    book.save(path)
    return path


def _rows(quarters=("2020Q1", "2020Q2", "2020Q3", "2020Q4"), stock_q3=".."):
    """Two areas × two industries per quarter, the stub cells only on each block's first row."""
    rows = []
    for n, quarter in enumerate(quarters, start=1):
        for area in ("KOKO MAA", "MK01 Uusimaa", "MA1 MANNER-SUOMI"):
            first = quarter if area == "KOKO MAA" else None
            stock = stock_q3 if quarter.endswith("Q3") and area == "MK01 Uusimaa" else 100 * n
            rows.append([first, area, "Yhteensä", 10 * n, stock])
            rows.append([None, None, "C Teollisuus (10-33)", n, 10 * n])
    return rows


def _spec():
    variables = {
        "starts": "Aloittaneet yritykset (lkm)",
        "starts_c": "Aloittaneet yritykset (lkm)",
        "stock_q1": "Yrityskanta",
        "stock_q3": "Yrityskanta",
    }
    filters = {
        "starts": {"Toimiala": ["Yhteensä"]},
        "starts_c": {"Toimiala": ["C Teollisuus (10-33)"]},
        "stock_q1": {"Toimiala": ["Yhteensä"], "Vuosineljännes": ["Q1"]},
        "stock_q3": {"Toimiala": ["Yhteensä"], "Vuosineljännes": ["Q3"]},
    }
    return variables, filters


def _tidy(path):
    variables, filters = _spec()
    raw = read_pxweb_xlsx(path)
    return raw, tidy_pxweb_xlsx(raw, COLUMNS, variables, filters, NAMES, "x.xlsx")


def test_stub_cells_are_filled_down_and_the_footer_left_out(tmp_path):
    raw, _ = _tidy(_book(tmp_path / "a.xlsx", _rows()))
    assert list(raw.columns[:5]) == ["Vuosineljännes", "Alue", "Toimiala", *MEASURES]
    assert len(raw) == 4 * 3 * 2
    assert raw.iloc[1].tolist()[:3] == ["2020Q1", "KOKO MAA", "C Teollisuus (10-33)"]
    assert raw.iloc[3].tolist()[:3] == ["2020Q1", "MK01 Uusimaa", "C Teollisuus (10-33)"]
    assert raw["sheet_row"].iloc[0] == 4


def test_flows_are_summed_over_the_quarters_and_the_stock_read_at_one(tmp_path):
    _, staging = _tidy(_book(tmp_path / "a.xlsx", _rows()))
    got = staging.set_index(["area_code", "variable"])["value"]
    assert got[("MK01", "starts")] == 10 + 20 + 30 + 40
    assert got[("MK01", "starts_c")] == 1 + 2 + 3 + 4
    assert got[("SSS", "stock_q1")] == 100
    assert np.isnan(got[("MK01", "stock_q3")])  # '..' stays missing, not 0
    assert got[("SSS", "stock_q3")] == 300
    assert set(staging.area_code) == {"SSS", "MK01"}  # MA1 (mainland Finland) left out
    assert set(staging.year) == {2020}
    single = staging[staging.variable == "stock_q1"].set_index("area_code")["source_row"]
    assert single["SSS"] == 4  # one cell keeps its sheet row; a sum has none
    assert staging.loc[staging.variable == "starts", "source_row"].isna().all()


def test_a_year_in_progress_gives_no_sum_but_its_first_quarter_stock(tmp_path):
    quarters = ("2020Q1", "2020Q2", "2020Q3", "2020Q4", "2021Q1")
    _, staging = _tidy(_book(tmp_path / "a.xlsx", _rows(quarters)))
    in_2021 = staging[staging.year == 2021]
    assert set(in_2021.variable) == {"stock_q1"}


def test_a_missing_quarter_cell_makes_the_sum_missing(tmp_path):
    rows = _rows()
    rows[2 * 3 + 2][3] = ".."  # 2020Q2, MK01, Yhteensä start-ups
    _, staging = _tidy(_book(tmp_path / "a.xlsx", rows))
    value = staging.set_index(["area_code", "variable"])["value"][("MK01", "starts")]
    assert np.isnan(value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda rows: rows[1].__setitem__(3, "n/a"), "row 5, column 'Aloittaneet"),
        (lambda rows: rows[2].__setitem__(1, "MK99 Nowhere"), "row 6: area 'MK99 Nowhere'"),
        (lambda rows: rows[0].__setitem__(0, "2020-1"), "row 4: Vuosineljännes '2020-1'"),
        (lambda rows: rows.insert(2, [None, None, "Yhteensä", 1, 1]), "row 6: .* appears twice"),
    ],
)
def test_errors_name_the_file_row_and_value(tmp_path, change, message):
    rows = _rows()
    change(rows)
    with pytest.raises(ReaderError, match=message.replace("(", r"\(")) as caught:
        _tidy(_book(tmp_path / "a.xlsx", rows))
    assert "x.xlsx" in str(caught.value)


def test_cells_after_the_footer_start_are_refused(tmp_path):
    path = _book(tmp_path / "a.xlsx", [*_rows(), [], ["note"], ["2021Q1", "KOKO MAA", "x", 1, 1]])
    with pytest.raises(ReaderError, match="after the empty row"):
        read_pxweb_xlsx(path)


def test_a_title_without_the_stub_names_is_refused(tmp_path):
    path = _book(tmp_path / "a.xlsx", _rows())
    book = openpyxl.load_workbook(path)
    book.active["A1"] = "Yrityskanta"
    book.save(path)
    with pytest.raises(ReaderError, match="row 1: title"):
        read_pxweb_xlsx(path)


def test_a_variable_must_name_its_categories(tmp_path):
    raw = read_pxweb_xlsx(_book(tmp_path / "a.xlsx", _rows()))
    with pytest.raises(ReaderError, match="filter must name the 'Toimiala'"):
        tidy_pxweb_xlsx(raw, COLUMNS, {"v": "Yrityskanta"}, {"v": {}}, NAMES, "x.xlsx")
    with pytest.raises(ReaderError, match="no Toimiala"):
        filters = {"v": {"Toimiala": ["B Kaivostoiminta"]}}
        tidy_pxweb_xlsx(raw, COLUMNS, {"v": "Yrityskanta"}, filters, NAMES, "x.xlsx")


# --------------------------------------------------------------------------- level_total()


def test_level_total_sums_the_areas_of_the_rows_level():
    wide = pd.DataFrame(
        {
            "area_code": ["MK01", "MK02", "091", "049", "MK01"],
            "year": [2023, 2023, 2023, 2023, 2024],
            "month": pd.to_datetime([pd.NaT] * 5),
            "x": [1.0, 3.0, 10.0, 30.0, 5.0],
        }
    )
    by_variable = {"x": wide.assign(variable="x", value=wide["x"])}
    out = formulas.add_period_columns(wide, by_variable, ["x / level_total(x)"])
    assert out["x__level_total"].tolist() == [4.0, 4.0, 40.0, 40.0, 5.0]
    assert out["area_code"].tolist() == wide["area_code"].tolist()  # row order kept
    result = formulas.evaluate(out, {"share": "x / level_total(x)"})["share"]
    assert result.tolist() == [0.25, 0.75, 0.25, 0.75, 1.0]


def test_level_total_takes_one_variable():
    check_expression("a / level_total(a)", ["a"])
    with pytest.raises(ValueError, match="takes one variable"):
        check_expression("level_total(a, 1)", ["a"])
