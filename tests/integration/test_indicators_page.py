"""The /indicators page: every indicator with its anchor and the same fields as the Excel
files' indicators sheet (one function feeds both)."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.export import Selection, export_file


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_every_indicator_has_a_section_with_the_sheets_fields(
    dashboard_app, client, warehouse_path, con, lang, tmp_path
):
    from dashboard.views import indicators

    page = indicators.content(lang)
    sections = {s.id: s for s in page if getattr(s, "className", "") == "indicator-definition"}
    ids = {r[0] for r in con.execute("SELECT indicator_id FROM core.indicators").fetchall()}
    assert set(sections) == ids
    out = tmp_path / "all.xlsx"
    export_file(
        warehouse_path, Selection(indicators=("unemployment_rate",), areas=("140",), lang=lang),
        "xlsx", out,
    )  # fmt: skip
    sheet = pd.read_excel(out, sheet_name=1).iloc[0]
    text = str(sections["unemployment_rate"])
    for position in (1, 2, 3, 7, 9):  # label, description, unit, formula, source tables
        assert str(sheet.iloc[position]) in text
    first, last = con.execute(
        "SELECT min(year), max(year) FROM core.indicator_values "
        "WHERE indicator_id = 'unemployment_rate'"
    ).fetchone()
    assert f"{first}–{last}" in text
    assert client.get(f"/indicators?lang={lang}").status_code == 200


def test_a_region_level_indicator_says_its_level(dashboard_app):
    from dashboard.views import indicators

    page = {s.id: str(s) for s in indicators.content("en") if getattr(s, "id", None)}
    assert "regions" in page["gdp_per_capita"] and "municipalities" not in page["gdp_per_capita"]
