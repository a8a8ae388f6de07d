"""Damaged copies of the bundled snapshot, one kind of damage each, shared by the tests that
check that `investin build` and `investin check` reject the same snapshots.

Each function changes a snapshot copy in place and re-hashes the manifest (damaged as
published) unless the damage is to the manifest's own promise (a listed file removed).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl

from pipeline.snapshot import rebuild_manifest

POPULATION_FILE = "statfin/vaerak_11re_population_1972_2023_by_municipality.csv"
KEYFIG_2022 = "statfin/kuntien_avainluvut_2022ed_309kuntaa_2020_2021_kunnat.xlsx"
PAAVO_FILE = "paavo/paavo_12f7_2024_all_finland_3018_postal_areas_fi.csv"
HELSINKI_2023 = "KU091,Helsinki,2023,674500"


def _edit_population(snapshot: Path, change: Callable[[list[str]], list[str]]) -> None:
    path = snapshot / POPULATION_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    assert HELSINKI_2023 in lines
    path.write_text("\n".join(change(lines)) + "\n", encoding="utf-8")
    rebuild_manifest(snapshot)


def _replace_helsinki(snapshot: Path, line: str) -> None:
    _edit_population(snapshot, lambda lines: [line if x == HELSINKI_2023 else x for x in lines])


def future_year(snapshot: Path) -> None:
    _replace_helsinki(snapshot, "KU091,Helsinki,3023,674500")


def infinite_value(snapshot: Path) -> None:
    _replace_helsinki(snapshot, "KU091,Helsinki,2023,inf")


def negative_count(snapshot: Path) -> None:
    _replace_helsinki(snapshot, "KU091,Helsinki,2023,-674500")


def duplicate_row(snapshot: Path) -> None:
    _edit_population(snapshot, lambda lines: [*lines, HELSINKI_2023])


def unknown_code(snapshot: Path) -> None:
    _edit_population(snapshot, lambda lines: [*lines, "KU999,Nowhere,2023,1000"])


def extra_xlsx_header_row(snapshot: Path) -> None:
    """A title row above the key-figures header, as an edited download would have."""
    path = snapshot / KEYFIG_2022
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    sheet.insert_rows(1)
    sheet.cell(row=1, column=1, value="Kuntien avainluvut 2022")
    book.save(path)
    rebuild_manifest(snapshot)


def listed_file_missing(snapshot: Path) -> None:
    """A file the manifest lists (one no indicator reads) deleted."""
    (snapshot / PAAVO_FILE).unlink()


DAMAGE = {
    "future_year": (future_year, "3023"),
    "inf": (infinite_value, "finite"),
    "negative": (negative_count, "-674500"),
    "duplicate_row": (duplicate_row, "uniqueness"),
    "unknown_code": (unknown_code, "999"),
    "extra_xlsx_header_row": (extra_xlsx_header_row, KEYFIG_2022),
    "listed_file_missing": (listed_file_missing, PAAVO_FILE),
}
