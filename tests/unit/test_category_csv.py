"""The category csv reader and its catalogue keys, on small hand-made files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline import readers as r
from pipeline.catalogue import CatalogueError, load_catalogue
from tests.unit.test_catalogue import VALID

NAMES = {
    "Iisalmi": "140",
    "Kristiinankaupunki": "287",
    "Kristinestad": "287",
    "Maarianhamina": "478",
    "Mariehamn": "478",
    "Honkajoki": "099",
}
AGES = "Area,Age,value\n" + "".join(
    f"{area},{age},{value}\n"
    for area, rows in {
        "Iisalmi": [("Total", 100.0), ("0", 10.0), ("1", 20.0), ("2", 30.0), ("100 -", 40.0)],
        "Kristinestad": [("Total", 10.0), ("0", 1.0), ("1", 0.0), ("2", ".."), ("100 -", 4.0)],
    }.items()
    for age, value in rows
)


def _write(tmp_path: Path, text: str, name: str = "f.csv") -> pd.DataFrame:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return r.read_category_csv(path)


def _tidy(raw, variables, *, filters=None, columns=None, year=2025):
    columns = columns or {"name": "Area", "category": "Age", "value": "value"}
    spec = r.CategorySpec(columns, year)
    return r.tidy_category_csv(raw, spec, variables, NAMES, "f.csv", filters=filters)


def _values(tidy: pd.DataFrame, variable: str) -> dict:
    rows = tidy[tidy.variable == variable]
    return dict(zip(rows.area_code, rows.value, strict=True))


def test_selector_picks_one_category_at_the_reference_year(tmp_path):
    tidy = _tidy(_write(tmp_path, AGES), {"population": "Total", "age_0": "0"})
    assert _values(tidy, "population") == {"140": 100.0, "287": 10.0}
    assert set(tidy.year) == {2025} and tidy.month.isna().all()
    # source_row is the file's line (header = 1): Kristinestad's Total is line 7
    assert tidy.set_index(["variable", "area_code"]).loc[("population", "287"), "source_row"] == 7


def test_filter_range_in_file_order_and_list_are_summed(tmp_path):
    raw = _write(tmp_path, AGES)
    tidy = _tidy(
        raw,
        {"young": "value", "ends": "value", "old": "value"},
        filters={
            "young": {"Age": "0-1"},
            "ends": {"Age": ["0", "100 -"]},
            "old": {"Age": "1-100 -"},
        },
    )
    assert _values(tidy, "young") == {"140": 30.0, "287": 1.0}  # a 0.0 cell is kept as 0
    assert _values(tidy, "ends") == {"140": 50.0, "287": 5.0}
    old = _values(tidy, "old")
    assert old["140"] == 90.0 and pd.isna(old["287"])  # a sum over a suppressed cell is missing
    assert tidy.source_row.isna().all()


def test_reference_year_is_used_only_without_a_period_column(tmp_path):
    text = "alue,pendelointi,time,values\nIisalmi,Yhteensä,2016,8441\nIisalmi,Yhteensä,2017,8539\n"
    columns = {"name": "alue", "category": "pendelointi", "period": "time", "value": "values"}
    tidy = _tidy(_write(tmp_path, text), {"employed": "Yhteensä"}, columns=columns, year=None)
    assert sorted(zip(tidy.year, tidy.value, strict=True)) == [(2016, 8441.0), (2017, 8539.0)]
    # the bundled copy without the year column is read at the reference year
    with_period = {**columns, "period": "Year"}
    no_year = "alue,pendelointi,values\nIisalmi,Yhteensä,8441\n"
    tidy = _tidy(_write(tmp_path, no_year), {"e": "Yhteensä"}, columns=with_period, year=2016)
    assert list(tidy.year) == [2016]
    with pytest.raises(r.ReaderError, match="no period column 'Year' in"):
        _tidy(_write(tmp_path, no_year), {"e": "Yhteensä"}, columns=with_period, year=None)
    without = {k: v for k, v in columns.items() if k != "period"}
    with pytest.raises(r.ReaderError, match="no period column and no reference_year"):
        _tidy(_write(tmp_path, no_year), {"e": "Yhteensä"}, columns=without, year=None)


def test_names_join_fi_sv_bilingual_and_country(tmp_path):
    text = (
        "alue,pendelointi,values\nKOKO MAA,Yhteensä,5\nMaarianhamina - Mariehamn,Yhteensä,3\n"
        "Honkajoki,Yhteensä,1\n"
    )
    columns = {"name": "alue", "category": "pendelointi", "value": "values"}
    tidy = _tidy(_write(tmp_path, text), {"e": "Yhteensä"}, columns=columns)
    assert list(tidy.area_code) == ["SSS", "478", "099"]


def test_unmatched_name_fails_naming_file_row_and_name(tmp_path):
    raw = _write(tmp_path, AGES.replace("Kristinestad,2", "Kristinestadt,2"))
    with pytest.raises(r.ReaderError, match=r"f\.csv: row 10: area name 'Kristinestadt'"):
        _tidy(raw, {"population": "Total"})
    raw = _write(tmp_path, "Area,Age,value\nMaarianhamina - Iisalmi,Total,1\n")
    with pytest.raises(r.ReaderError, match="row 2: area name 'Maarianhamina - Iisalmi'"):
        _tidy(raw, {"population": "Total"})


@pytest.mark.parametrize(
    ("variables", "filters", "message"),
    [
        ({"x": "Totals"}, None, "no category 'Totals'; the categories are"),
        ({"x": "value"}, {"x": {"Age": "0-7"}}, "names neither a category nor a range"),
        ({"x": "value"}, {"x": {"Age": "2-0"}}, "runs backwards"),
        ({"x": "Total"}, {"x": {"Age": "0-1"}}, "with a filter, the selector names the value"),
        ({"x": "value"}, {"x": {"Sex": "0-1"}}, "must name the category column 'Age'"),
    ],
)
def test_bad_selectors_and_filters_fail_naming_the_variable(tmp_path, variables, filters, message):
    with pytest.raises(r.ReaderError, match=message) as info:
        _tidy(_write(tmp_path, AGES), variables, filters=filters)
    assert "f.csv: variable x" in str(info.value)


def test_undeclared_column_repeated_cell_and_short_sum_fail(tmp_path):
    with pytest.raises(r.ReaderError, match=r"column\(s\) \['Sex'\] are not declared"):
        _tidy(_write(tmp_path, "Area,Sex,Age,value\nIisalmi,M,Total,1\n"), {"p": "Total"})
    with pytest.raises(r.ReaderError, match="row 3: 'Iisalmi', 'Total' appears twice"):
        _tidy(
            _write(tmp_path, "Area,Age,value\nIisalmi,Total,1\nIisalmi,Total,2\n"), {"p": "Total"}
        )
    short = "Area,Age,value\nIisalmi,0,1\nIisalmi,1,2\nKristinestad,0,1\n"
    with pytest.raises(r.ReaderError, match=r"area 287 \(2025\) has no row for \['1'\]"):
        _tidy(_write(tmp_path, short), {"s": "value"}, filters={"s": {"Age": "0-1"}})


def test_a_value_that_is_not_a_number_fails(tmp_path):
    with pytest.raises(r.ReaderError, match=r"row 2, column 'value': 'NA' is neither a number"):
        _tidy(_write(tmp_path, "Area,Age,value\nIisalmi,Total,NA\n"), {"p": "Total"})


# --------------------------------------------------------------------------- catalogue keys

SOURCE = """\
  - id: ages
    title: {fi: Ikä, sv: Ålder, en: Age}
    file: statfin2/ages.csv
    format: category_csv
    table: vaerak 11re
    publisher: Statistics Finland
    licence: CC BY 4.0
    division: 2025
    area_level: municipality
    period: year
    citation: "Statistics Finland, 11re"
    reference_year: 2025
    columns: {name: Area, category: Age, value: value}
    variables:
      age_total: {selector: Total, bounds: population}
      age_0_1: {selector: value, filter: {Age: "0-1"}, bounds: population}
groups:
"""


def _catalogue(tmp_path: Path, source: str):
    path = tmp_path / "indicators.yaml"
    path.write_text(VALID.replace("groups:\n", source, 1), encoding="utf-8")
    return load_catalogue(path)


def test_catalogue_accepts_a_category_source(tmp_path):
    source = _catalogue(tmp_path, SOURCE).source("ages")
    assert source.format == "category_csv" and source.reference_year == 2025
    assert dict(source.columns) == {"name": "Area", "category": "Age", "value": "value"}
    assert dict(source.variables[1].filter) == {"Age": "0-1"}


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("    reference_year: 2025\n", "", "without a 'period' column needs 'reference_year'"),
        ("reference_year: 2025", "reference_year: 25", "'reference_year' 25 is not a year"),
        ("reference_year: 2025", "reference_year: '2025'", "'reference_year' must be an integer"),
        ("period: year\n    citation: \"Statistics Finland, 11re\"\n    ref",
         "period: month\n    citation: \"Statistics Finland, 11re\"\n    ref", "period: year"),
        ("{name: Area, category: Age, value: value}", "{name: Area, category: Age}",
         "needs 'columns' naming its 'name' and 'value'"),
        ("{name: Area,", "{area: Area,", "unknown column role 'area'"),
        ("filter: {Age:", "filter: {Ikä:", "filter 'Ikä' must be the category column 'Age'"),
    ],
)  # fmt: skip
def test_catalogue_checks_category_sources(tmp_path, old, new, message):
    assert SOURCE.count(old) == 1, old
    with pytest.raises(CatalogueError, match=message) as info:
        _catalogue(tmp_path, SOURCE.replace(old, new))
    assert "ages" in str(info.value)


def test_reference_year_only_on_category_sources(tmp_path):
    text = VALID.replace(
        "    columns: {area: area_code, period: year}\n",
        "    columns: {area: area_code, period: year}\n    reference_year: 2024\n",
    )
    path = tmp_path / "indicators.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError, match="only for category_csv sources"):
        load_catalogue(path)


def test_pxweb_selection_takes_top_n(tmp_path):
    source = SOURCE.replace(
        "    reference_year: 2025\n",
        "    reference_year: 2025\n    pxweb:\n      database: StatFin\n      table: 11re.px\n"
        "      language: en\n      selection: {geo: '*', Age: '*', time: {top: 2}}\n",
    )
    spec = _catalogue(tmp_path, source).source("ages").pxweb
    assert dict(spec.selection["time"]) == {"top": 2}
    with pytest.raises(CatalogueError, match=r"must be \{top: n\} with n >= 1"):
        _catalogue(tmp_path, source.replace("{top: 2}", "{top: 0}"))


def _fetched_frame(rows: list[tuple], dims=("Alue", "Ikä", "Vuosi")) -> pd.DataFrame:
    from pipeline.jsonstat import read_jsonstat

    ids = list(dims)
    cats = [list(dict.fromkeys(r[i] for r in rows)) for i in range(len(ids))]
    size = [len(c) for c in cats]
    values = [None] * int(pd.Series(size).prod())
    for row in rows:
        flat = 0
        for i, cat in enumerate(cats):
            flat = flat * size[i] + cat.index(row[i])
        values[flat] = row[-1]
    labels = {"KU140": "Iisalmi", "KU287": "Kristinestad"}
    doc = {
        "version": "2.0", "class": "dataset", "id": ids, "size": size,
        "role": {"geo": ["Alue"], "time": ["Vuosi"]},
        "dimension": {
            d: {"category": {"index": {c: j for j, c in enumerate(cat)},
                             "label": {c: labels.get(c, c) for c in cat}}}
            for d, cat in zip(ids, cats, strict=True)
        },
        "value": values,
    }  # fmt: skip
    return read_jsonstat(doc)


def test_fetched_data_are_written_as_a_category_csv_the_reader_reads_back(tmp_path):
    from pipeline.snapshot.encode import frame_to_category_csv

    frame = _fetched_frame(
        [("KU140", "Total", "2026", 101.0), ("KU140", "0", "2026", 1.0),
         ("KU287", "Total", "2026", 50.0), ("KU287", "0", "2026", None)]
    )  # fmt: skip
    columns = {"name": "Area", "category": "Age", "period": "Year", "value": "value"}
    text = frame_to_category_csv(frame, columns, {"geo": "Alue", "time": "Vuosi"})
    assert text.splitlines()[:2] == ["Area,Age,Year,value", "Iisalmi,Total,2026,101"]
    tidy = _tidy(_write(tmp_path, text), {"p": "Total", "a": "0"}, columns=columns, year=2025)
    assert set(tidy.year) == {2026}  # the year column wins over the reference year
    assert _values(tidy, "p") == {"140": 101.0, "287": 50.0}
    assert pd.isna(_values(tidy, "a")["287"])
    two = _fetched_frame([("KU140", "0", "M", "2026", 1.0), ("KU140", "1", "F", "2026", 2.0)],
                         dims=("Alue", "Ikä", "Sukupuoli", "Vuosi"))  # fmt: skip
    with pytest.raises(ValueError, match="Ikä, Sukupuoli have several values"):
        frame_to_category_csv(two, columns, {"geo": "Alue", "time": "Vuosi"})
