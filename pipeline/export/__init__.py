"""Exports of indicator values: CSV (UTF-8; or the fi/sv Excel dialect `csv_excel`: BOM, `;`,
decimal comma), Excel (data + indicators + README, in the selection's language) and Parquet.
CSV and Excel round each value to its indicator's decimals; Parquet keeps full precision.

Selection semantics:

- `indicators`: indicator ids; empty = every indicator.
- `areas`: any area code in `core.areas`. A municipality code ("091", also "91" or "KU091")
  selects its municipal values; a group code ("SSS", "MK01", "network") selects that group's
  aggregate rows.
- `groups`: a group's code ("MK01", "SSS") or a catalogue group id ("network", "region",
  "country"). It selects the group's own aggregate rows, not its members' rows (a classification
  id such as "region" selects every region's aggregate). To get members, list their codes in
  `areas`.
- No areas and no groups = every municipality and every group.

All filters reach SQL as bound parameters; user input is never formatted into the query.

Modules: `selection` (which rows), `writers` (streaming CSV / Parquet / Excel writers),
`files` (atomic export files), `shape` (rounding, headers), `texts` (the files' words in
fi/sv/en), `definitions` (the indicators sheet and the /indicators page), `complete` (the complete downloads of a build).
"""

from __future__ import annotations

from pipeline.export import complete
from pipeline.export.definitions import definitions, missing_notices
from pipeline.export.files import export_file, export_notices, write_selection
from pipeline.export.selection import (
    COLUMNS,
    CREDIT,
    FORMATS,
    LANGUAGES,
    ExportError,
    Selection,
    count_rows,
    frame_batches,
    select_frame,
)

__all__ = [
    "COLUMNS",
    "CREDIT",
    "FORMATS",
    "LANGUAGES",
    "ExportError",
    "complete",
    "Selection",
    "count_rows",
    "definitions",
    "export_file",
    "export_notices",
    "missing_notices",
    "frame_batches",
    "select_frame",
    "write_selection",
]
