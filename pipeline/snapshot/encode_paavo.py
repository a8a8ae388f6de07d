"""A fetched Paavo table (12f7, open data by postal code area) as the bundled Paavo CSV (pure).

The table has a postal-area dimension (`Postinumeroalue`, texts such as
"00100  Helsinki keskusta - Etu-Töölö (Helsinki)": code, name, municipality in brackets), a
`Tiedot` dimension whose texts are the column labels of the bundled file ("Asukkaat yhteensä
(HE)") and a year. The bundled copy is one row per postal area and one column per `Tiedot` text,
the name without its code in `Alueen_nimi`, and no year. A refresh writes that shape, plus the
year the answer is for in the catalogue's `period` column, so `pipeline.readers.paavo` reads a
fetched file as it reads the bundled one and takes the year from the data:

- `Postinumeroalue` (the area's text as the table gives it), `Postinumero` (its code), the
  `name` column (the text without the leading code) and the `period` column (the year code);
- then one column per `Tiedot` text, in the table's order; a missing cell is left empty;
- only postal areas (five-digit codes) are written: the table's whole-country row
  ("SSS KOKO MAA") names no municipality and is not an area of the bundled file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from pipeline.jsonstat import jsonstat_meta
from pipeline.snapshot.encode import dimension_list, json_number, refuse_repeated_cells

LABEL_COLUMN = "Postinumeroalue"
CODE_COLUMN = "Postinumero"
_POSTAL_CODE = re.compile(r"\d{5}")


def frame_to_paavo_csv(
    frame: pd.DataFrame, columns: Mapping[str, str], roles: Mapping[str, str]
) -> str:
    """The CSV text (one row per postal area and year) of a fetched Paavo frame."""
    geo, metric, time = roles.get("geo"), roles.get("metric"), roles.get("time")
    for role, dim in (("geo", geo), ("metric", metric), ("time", time)):
        if dim is None or dim not in frame.columns:
            raise ValueError(
                f"no {role} dimension in the data (dimensions: {dimension_list(frame)})"
            )
    if not columns.get("name") or not columns.get("period"):
        raise ValueError("a fetched Paavo csv needs the catalogue's 'name' and 'period' columns")
    dims = list(jsonstat_meta(frame).dimensions)
    refuse_repeated_cells(frame, dims)
    for dim in dims:
        if dim not in (geo, metric, time) and frame[dim].nunique() != 1:
            raise ValueError(
                f"dimension {dim} has {frame[dim].nunique()} values; the Paavo shape needs one"
            )
    cells = frame[frame[geo].astype(str).str.fullmatch(_POSTAL_CODE)]
    if cells.empty:
        raise ValueError(f"no postal area (five-digit {geo} code) in the answer")
    labels = cells[f"{metric}_label"].astype(str)
    texts = dict(zip(cells[metric], labels, strict=True))
    if len(set(texts.values())) != len(texts):
        raise ValueError(f"two {metric} values share a text; the header would repeat")
    keys = cells[[geo, time]].drop_duplicates()
    table = cells.pivot(index=[geo, time], columns=metric, values="value")
    table = table.loc[pd.MultiIndex.from_frame(keys), list(texts)]
    names = cells.drop_duplicates(geo).set_index(geo)[f"{geo}_label"].astype(str)
    area_texts = keys[geo].map(names).to_numpy()
    out = pd.DataFrame(
        {
            LABEL_COLUMN: area_texts,
            CODE_COLUMN: keys[geo].astype(str).to_numpy(),
            columns["name"]: _names(area_texts, keys[geo]),
            columns["period"]: keys[time].astype(str).to_numpy(),
        }
    )
    for code, text in texts.items():
        out[text] = [_csv_cell(v) for v in table[code].to_numpy()]
    return out.to_csv(index=False, lineterminator="\n")


def _names(texts: Any, codes: pd.Series) -> list[str]:
    return [_without_code(t, c) for t, c in zip(texts, codes, strict=True)]


def _without_code(text: str, code: Any) -> str:
    """ "00100  Helsinki keskusta (Helsinki)" -> "Helsinki keskusta (Helsinki)"."""
    head, _, rest = text.strip().partition(" ")
    return rest.strip() if head == str(code) and rest.strip() else text.strip()


def _csv_cell(value: Any) -> str:
    number = json_number(value)
    return "" if number is None else repr(number)
