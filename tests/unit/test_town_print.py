"""dashboard.views.town_print: the QR code and URL of the print header, the data-as-of line, the
printed table's rows and the sources line; `print_profile` in presentation.yaml. Oracles: segno
called directly on the exact URL, the small warehouse read in plain SQL, hand-made frames."""

from __future__ import annotations

import base64
import datetime
import urllib.parse

import duckdb
import flask
import pandas as pd
import pytest
import segno

from dashboard.views import town_print
from pipeline.catalogue import CatalogueError, load_catalogue
from pipeline.presentation import load_presentation, parse_presentation

PRES = load_presentation()


def svg_of(data_uri: str) -> str:
    head, _, body = data_uri.partition(",")
    assert head.startswith("data:image/svg+xml")
    return (
        base64.b64decode(body).decode() if head.endswith(";base64") else urllib.parse.unquote(body)
    )


def test_the_page_url_is_absolute_on_the_answering_server():
    with flask.Flask(__name__).test_request_context("/", base_url="https://invest.example.fi/"):
        assert town_print.page_url("140", "sv") == "https://invest.example.fi/town/140?lang=sv"
    assert town_print.page_url("140", "en") == "/town/140?lang=en"  # outside a request


def test_the_qr_code_is_segnos_svg_of_the_exact_url():
    url = "https://invest.example.fi/town/140?lang=sv"
    expected = segno.make(url, error="m").svg_data_uri(scale=2, border=2)
    assert town_print.qr_data_uri(url) == expected
    svg = svg_of(town_print.qr_data_uri(url))
    assert svg.startswith("<svg") and "<path" in svg
    # another URL gives another code
    assert town_print.qr_data_uri(url.replace("sv", "fi")) != expected


def test_the_header_names_the_town_in_the_pages_language_with_url_and_qr():
    info = pd.DataFrame(
        {
            "area_code": ["140", "MK11"],
            "name": ["Idensalmi", "Norra Savolax"],
            "region_code": ["MK11", None],
            "is_network": [True, False],
        }
    ).set_index("area_code")
    with flask.Flask(__name__).test_request_context("/", base_url="http://host.test/"):
        header = town_print.header("140", info, "sv")
    found = {}

    def walk(node):
        if hasattr(node, "className") and getattr(node, "className", None):
            found.setdefault(node.className, node)
        for child in getattr(node, "children", None) or []:
            if not isinstance(child, str):
                walk(child)

    walk(header)
    assert found["print-name"].children == "Idensalmi"
    assert "Norra Savolax" in found["print-meta"].children
    qr = found["print-qr"]
    assert qr.src == segno.make("http://host.test/town/140?lang=sv", error="m").svg_data_uri(
        scale=2, border=2
    )
    assert "print-only" in header.className


@pytest.mark.parametrize(("lang", "built_text"), [("fi", "2.1.2024"), ("en", "2 Jan 2024")])
def test_the_as_of_line_is_the_warehouses_build_date_and_newest_update(
    small_queries, small_warehouse_path, lang, built_text
):
    con = duckdb.connect(str(small_warehouse_path), read_only=True)
    try:
        built = con.execute("SELECT built_at FROM core.build_info").fetchone()[0]
        newest = con.execute("SELECT max(substr(updated, 1, 10)) FROM core.provenance").fetchone()[
            0
        ]
    finally:
        con.close()
    day = datetime.date.fromisoformat(newest)
    newest_text = f"{day.day}.{day.month}.{day.year}"
    if lang == "en":
        newest_text = day.strftime("%-d %b %Y")
    text = town_print.as_of_text(lang)
    assert built.date() == datetime.date(2024, 1, 2)  # the hand-made build row
    assert built_text in text and newest_text in text


def test_newest_update_reads_dates_of_any_form_and_skips_missing_ones():
    frame = pd.DataFrame({"updated": ["2024-04-26", None, "2026-04-01T08:00:00Z", "nan"]})
    assert town_print.newest_update(frame) == "2026-04-01"
    assert town_print.newest_update(pd.DataFrame({"updated": [None]})) is None


def test_printed_rows_follow_the_theme_order_then_the_presentation_order():
    wanted = PRES.print_profile.indicators
    themes = {wanted[0]: "labour", wanted[1]: "demography", wanted[2]: "demography"}
    values = pd.DataFrame(
        {
            "indicator_id": [wanted[2], "not_printed", wanted[0], wanted[1]],
            "theme": [themes[wanted[2]], "demography", themes[wanted[0]], themes[wanted[1]]],
        }
    )
    rows = town_print.print_rows(values, PRES)
    order = list(PRES.theme_order)
    assert [theme for theme, _ in rows] == sorted({"labour", "demography"}, key=order.index)
    assert list(rows[0][1].indicator_id) == [wanted[1], wanted[2]]
    assert "not_printed" not in {i for _, r in rows for i in r.indicator_id}


def test_a_source_is_named_by_title_and_a_short_table_id():
    assert town_print.source_item("Väestö 31.12.", "vaerak 11re") == "Väestö 31.12. (vaerak 11re)"
    path = "Kuntien_avainluvut/2019/kuntien_avainluvut_2019_aikasarja.px"
    assert town_print.source_item("Avainluvut", path).endswith(
        "(kuntien_avainluvut_2019_aikasarja)"
    )
    assert town_print.source_item("Kuntien avainluvut 2018 (x)", "Kuntien avainluvut 2018") == (
        "Kuntien avainluvut 2018 (x)"
    )


def test_print_profile_is_checked_against_the_catalogue():
    text = (PRES.path or "presentation.yaml").read_text(encoding="utf-8")
    catalogue = load_catalogue()
    assert parse_presentation(text, catalogue).print_profile.peers >= 1
    head, line, tail = text.rpartition("    - share_0_14\n")  # the print_profile's, the last
    assert line and "print_profile" in head
    with pytest.raises(CatalogueError, match="unknown indicator 'no_such_one'"):
        parse_presentation(head + "    - no_such_one\n" + tail, catalogue)
    with pytest.raises(CatalogueError, match="peers"):
        parse_presentation(text.replace("  peers: 5\n", "  peers: 0\n"), catalogue)
