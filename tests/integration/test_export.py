"""Exports round-trip in every format; selections resolve areas and groups; errors name the input."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from pipeline.export import (
    COLUMNS,
    ExportError,
    Selection,
    count_rows,
    export_file,
    frame_batches,
    select_frame,
    writers,
)

SELECTION = Selection(
    indicators=("unemployment_rate", "population"),
    areas=("140", "KU740"),
    groups=("network", "SSS"),
    year_from=2016,
    year_to=2021,
)


@pytest.fixture(scope="module")
def expected(con) -> pd.DataFrame:
    return select_frame(con, SELECTION)


def published(con, frame: pd.DataFrame) -> list[float]:
    """The frame's values rounded to each indicator's decimals (core.indicators)."""
    decimals = dict(con.execute("SELECT indicator_id, decimals FROM core.indicators").fetchall())
    return [round(v, decimals[i]) for i, v in zip(frame.indicator_id, frame.value, strict=True)]


def test_select_frame_rows(expected):
    assert list(expected.columns) == COLUMNS
    assert set(expected.area_code) == {"140", "740", "network", "SSS"}
    assert set(expected.indicator_id) == {"unemployment_rate", "population"}
    assert expected.year.between(2016, 2021).all()
    iisalmi = expected.query("area_code == '140' and indicator_id == 'population'")
    assert iisalmi.area_name.unique().tolist() == ["Iisalmi"]
    assert len(iisalmi) == 6  # 2016–2021
    assert expected.query("area_code == 'network'").source_id.notna().all()


def test_languages(con):
    sv = select_frame(con, Selection(indicators=("population",), areas=("091",), lang="sv"))
    assert sv.area_name.unique().tolist() == ["Helsingfors"]
    assert sv.label.unique().tolist() == ["Folkmängd"]


def test_group_id_expands_to_every_group_of_that_kind(con):
    frame = select_frame(con, Selection(indicators=("jobs",), groups=("region",)))
    assert frame.area_code.nunique() == 19 and frame.area_code.str.startswith("MK").all()


def test_wide(con):
    wide = select_frame(con, Selection(**{**SELECTION.__dict__, "wide": True}))
    assert {"unemployment_rate", "population"} <= set(wide.columns)
    assert not wide.duplicated(["area_code", "year", "month"]).any()


@pytest.mark.parametrize(
    ("selection", "message"),
    [
        (Selection(indicators=("gdp_per_kettle",)), "unknown indicator 'gdp_per_kettle'"),
        (Selection(areas=("999",)), "unknown area '999'"),
        (Selection(groups=("hanseatic_league",)), "unknown group 'hanseatic_league'"),
        (Selection(areas=("091'; DROP TABLE core.areas; --",)), "unknown area"),
    ],
)
def test_unknown_inputs(con, selection, message):
    with pytest.raises(ExportError, match=message):
        select_frame(con, selection)


def test_csv_round_trip(warehouse_path, expected, con, tmp_path):
    out = tmp_path / "export.csv"
    rows = export_file(warehouse_path, SELECTION, "csv", out)
    back = pd.read_csv(out, dtype={"area_code": str}, encoding="utf-8")
    assert rows == len(expected) == len(back)
    assert list(back.columns) == COLUMNS
    assert back.value.tolist() == pytest.approx(published(con, expected), abs=1e-9)
    assert "Iisalmi" in out.read_text(encoding="utf-8")


def test_parquet_round_trip(warehouse_path, expected, tmp_path):
    out = tmp_path / "export.parquet"
    rows = export_file(warehouse_path, SELECTION, "parquet", out)
    back = pd.read_parquet(out)
    assert rows == len(back) == len(expected)
    assert list(back.columns) == COLUMNS
    assert back.area_code.tolist() == expected.area_code.tolist()


def test_xlsx_round_trip(warehouse_path, expected, con, tmp_path):
    out = tmp_path / "export.xlsx"
    rows = export_file(
        warehouse_path, Selection(**{**SELECTION.__dict__, "lang": "en"}), "xlsx", out
    )
    workbook = openpyxl.load_workbook(out, read_only=True)
    assert workbook.sheetnames == ["data", "indicators", "README"]
    data = pd.read_excel(out, sheet_name="data", dtype={"area_code": str})
    assert rows == len(data) == len(expected)
    english = {"label": "indicator", "area_name": "area"}  # headers for people
    assert list(data.columns) == [english.get(c, c) for c in COLUMNS]
    assert data.value.tolist() == pytest.approx(published(con, expected), abs=1e-9)
    definitions = pd.read_excel(out, sheet_name="indicators")
    assert set(definitions.indicator_id) == {"unemployment_rate", "population"}
    assert {"unit", "citation", "sources", "source_details"} <= set(definitions.columns)
    readme = pd.read_excel(out, sheet_name="README").iloc[:, 0].str.cat(sep=" ")
    assert "CC BY 4.0" in readme and "Statistics Finland" in readme


def test_failed_export_leaves_no_file(warehouse_path, tmp_path):
    out = tmp_path / "never.csv"
    with pytest.raises(ExportError):
        export_file(warehouse_path, Selection(indicators=("nope",)), "csv", out)
    assert list(tmp_path.iterdir()) == []


def test_values_are_the_municipal_and_group_rows_of_the_base_tables(con, expected):
    """The export reads the model view core.all_values; the oracle here is the two tables."""
    base = con.execute(
        """
        SELECT indicator_id, area_code, year, month, value FROM core.indicator_values
        WHERE area_code IN ('140', '740')
        UNION ALL
        SELECT indicator_id, group_code, year, month, value FROM core.group_values
        WHERE group_code IN ('network', 'SSS')
        """
    ).df()
    base = base[base.indicator_id.isin(SELECTION.indicators) & base.year.between(2016, 2021)]
    keys = ["indicator_id", "area_code", "year"]
    got = expected[[*keys, "value"]].sort_values(keys).reset_index(drop=True)
    want = base[[*keys, "value"]].sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_index_ids_export_the_stored_scores(con):
    frame = select_frame(con, Selection(indicators=("index_overall",), areas=("140",), lang="en"))
    score = con.execute(
        "SELECT score FROM core.index_values WHERE index_id = 'index_overall' AND area_code = '140'"
    ).fetchone()[0]
    assert frame[["area_code", "value", "source_id"]].values.tolist() == [
        ["140", score, "composite"]
    ]
    assert frame.label.iloc[0] == "Overall index" and frame.month.isna().all()
    with pytest.raises(ExportError, match="unknown index 'index_nope'"):
        select_frame(con, Selection(indicators=("index_nope",)))


# --------------------------------------------------------------------------- streamed files

# Monthly and annual values, municipal and group rows, and an index: many batches of 2048 rows.
MANY = Selection(
    indicators=("unemployment_rate_monthly", "population", "index_overall"),
    groups=("region", "SSS"),
    areas=tuple(f"{code:03d}" for code in (5, 91, 140, 740)),
)


@pytest.fixture(scope="module")
def many(con) -> pd.DataFrame:
    frame = select_frame(con, MANY)
    assert len(frame) > 3 * 2048 and frame.month.notna().any() and frame.month.isna().any()
    return frame


def test_count_rows_and_limit_agree_with_the_whole_frame(con, many):
    assert count_rows(con, MANY) == len(many)
    head = select_frame(con, MANY, limit=5000)
    pd.testing.assert_frame_equal(head, many.head(5000), check_dtype=False)
    assert len(select_frame(con, MANY, limit=len(many) - 3)) == len(many) - 3  # index rows cut


def test_batches_hold_the_rows_of_the_whole_frame_in_order(con, many):
    batches = list(frame_batches(con, MANY, batch_rows=2048))
    assert len(batches) > 3 and max(len(b) for b in batches) <= 2048
    pd.testing.assert_frame_equal(pd.concat(batches, ignore_index=True), many, check_dtype=False)


def test_streamed_csv_is_byte_identical_to_one_to_csv(con, many, tmp_path):
    out = tmp_path / "streamed.csv"
    rows = writers.write_csv(out, frame_batches(con, MANY, batch_rows=2048))
    assert rows == len(many)
    assert out.read_bytes() == many.to_csv(index=False).encode("utf-8")


def _months(series: pd.Series) -> list[str]:
    """Months as ISO text, '' where missing (None, NaT and NaN alike)."""
    return pd.to_datetime(series).dt.strftime("%Y-%m-%d").fillna("").tolist()


def _assert_same_rows(back: pd.DataFrame, frame: pd.DataFrame) -> None:
    assert back.columns.tolist() == COLUMNS and len(back) == len(frame)
    assert back.value.tolist() == pytest.approx(frame.value.tolist(), nan_ok=True)
    assert back.year.tolist() == frame.year.tolist()
    assert _months(back.month) == _months(frame.month)
    for name in ("indicator_id", "label", "area_code", "area_name", "unit", "source_id"):
        assert back[name].fillna("").tolist() == frame[name].fillna("").tolist(), name


def test_streamed_parquet_and_xlsx_read_back_as_the_whole_frame(con, many, tmp_path):
    parquet = tmp_path / "streamed.parquet"
    writers.write_parquet(parquet, frame_batches(con, MANY, batch_rows=2048))
    _assert_same_rows(pd.read_parquet(parquet), many)
    xlsx = tmp_path / "streamed.xlsx"
    writers.write_xlsx(xlsx, frame_batches(con, MANY, batch_rows=2048), lambda ids: [])
    _assert_same_rows(pd.read_excel(xlsx, sheet_name="data", dtype={"area_code": str}), many)


def test_wide_xlsx_reads_back_as_the_wide_frame(warehouse_path, con, tmp_path):
    wide = Selection(**{**SELECTION.__dict__, "wide": True, "lang": "en"})
    out = tmp_path / "wide.xlsx"
    rows = export_file(warehouse_path, wide, "xlsx", out)
    expected = select_frame(con, wide)
    back = pd.read_excel(out, sheet_name="data", dtype={"area_code": str})
    assert rows == len(back) == len(expected)
    headers = {"unemployment_rate": "Unemployment rate (%)", "population": "Population (persons)"}
    english = {"area_name": "area"}
    assert back.columns.tolist() == [headers.get(c, english.get(c, c)) for c in expected.columns]
    for name, decimals in (("unemployment_rate", 1), ("population", 0)):
        assert back[headers[name]].tolist() == pytest.approx(
            expected[name].round(decimals).tolist(), nan_ok=True, abs=1e-9
        )
    definitions = pd.read_excel(out, sheet_name="indicators")
    assert set(definitions.indicator_id) == {"unemployment_rate", "population"}
