"""Category csv sources (``Area,Age,value``) RE-ENCODED AS PXWEB TABLES, FOR TESTING ONLY.

Part of :mod:`tests.replay_snapshot`: the numbers are the bundled files' numbers
(``data/snapshot/statfin2/…``), nothing was recorded from Statistics Finland. The files hold
names and labels only, so the served codes are made up where the file has none, and said so:
areas get ``KU<code>`` from the 2025 classification's names and the merger list (the codes
StatFin's legacy tables use) and areas named with their code ("MK01 Uusimaa", "SK011 Helsinki",
"HVA01 …") that code, category values use their label as their code (the bundled file records no code), a
dimension the file holds at its total only is served with the one value ``Total``, and a file
without a year column is served at the catalogue's ``reference_year``. The category is the
dimension the source's ``pxweb.selection`` asks more than one value of (``"*"`` or a list of
several); when that is the metric (11s2's language groups), the labels are contents codes.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

_TOTAL = "Total"
# A region, sub-region or wellbeing services county named with its code, as in 12hh's labels.
_CODED_CODE = re.compile(r"MK\d{2}|SK\d{3}|HVA\d{2}")
_CODED_NAME = r"^(MK\d{2}|SK\d{3}|HVA\d{2}) "


def _area_codes(names: pd.Series) -> pd.Series:
    from pipeline.catalogue import load_catalogue
    from pipeline.readers import names_to_codes
    from tests.replay_snapshot import SNAPSHOT_DIR

    key = pd.read_csv(SNAPSHOT_DIR / "classification" / "geofi_municipality_key_2025.csv")
    index = {}
    for lang in ("fi", "sv", "en"):
        codes = key.kunta.map("{:03d}".format)
        index.update(zip(key[f"municipality_name_{lang}"], codes, strict=True))
    coded = names.str.extract(_CODED_NAME, expand=False)  # "MK01 Uusimaa" (12hh's other levels)
    for name, code in zip(names[coded.notna()], coded[coded.notna()], strict=True):
        index[name] = code
    for merger in load_catalogue().mergers:  # 115n/115p: the 2019 division (Honkajoki, ...)
        index.setdefault(merger.name.split("→")[0].strip(), merger.from_code)
    codes = names_to_codes(names, index, "replay")
    return codes.map(lambda c: c if c == "SSS" or coded_code(c) else f"KU{c}")


def coded_code(code: str) -> bool:
    return _CODED_CODE.fullmatch(code) is not None


def _category_key(source: Any) -> str:
    """The selection key of the category: the one (besides geo and time) asked for several values."""
    keys = [
        k
        for k, v in source.pxweb.selection.items()
        if k not in ("geo", "time") and (v == "*" or (isinstance(v, tuple) and len(v) > 1))
    ]
    if len(keys) != 1:
        raise ValueError(f"{source.id}: cannot tell the category among {keys}")
    return keys[0]


def category_long(source: Any, entry: Any, lang: str) -> Any:
    """A category csv source's cells as the replay's long frame (legacy-form variables)."""
    from pipeline.readers import read_category_csv
    from tests.replay_snapshot import _ROLE_TEXT, SNAPSHOT_DIR, _Long, _var

    raw = read_category_csv(SNAPSHOT_DIR / source.file)
    cols, texts = source.columns, _ROLE_TEXT[lang]
    period = cols.get("period")
    years = (
        raw[period] if period in raw.columns else pd.Series(str(source.reference_year), raw.index)
    )
    areas = _area_codes(raw[cols["name"]])
    category = _category_key(source)
    variables, roles, frame = [], {}, {}
    for key, spec in source.pxweb.selection.items():
        if key == "geo":
            var = _var(
                "Alue",
                texts["geo"],
                dict(zip(areas, raw[cols["name"]], strict=True)),
                elimination=True,
            )
            frame["Alue"], roles["geo"] = areas, "Alue"
        elif key == "time":
            var = _var("Vuosi", texts["year"], {y: y for y in sorted(set(years))}, time=True)
            frame["Vuosi"], roles["time"] = years, "Vuosi"
        else:
            code = "Tiedot" if key == "metric" else key
            text = texts["metric"] if key == "metric" else key
            if key == category:
                labels = list(dict.fromkeys(raw[cols["category"]]))
                var = _var(
                    code, text, {label: label for label in labels}, elimination=key != "metric"
                )
                frame[code] = raw[cols["category"]]
            else:  # one value: the contents code asked for, or the total of a classification
                value = spec[0] if key == "metric" else _TOTAL
                name = source.title.get(lang) if key == "metric" else _TOTAL
                var = _var(code, text, {value: name}, elimination=key != "metric")
                frame[code] = value
            if key == "metric":
                roles["metric"] = code
        variables.append(var)
    frame = pd.DataFrame(frame)
    frame["value"] = pd.to_numeric(raw[cols["value"]], errors="raise")  # missing stays NaN
    title = source.title.get(lang)
    return _Long(variables, roles, frame, {}, title, source.publisher, _updated(entry))


def _updated(entry: Any) -> str:
    """The manifest's ``updated``; a file whose publisher's stamp is not recorded is served with
    a stand-in stamp (test data) that no bundled manifest entry equals, so it is fetched."""
    return str(entry.updated) if entry.updated else "2000-01-01T00:00:00"


def pxweb_xlsx_long(source: Any, entry: Any, lang: str) -> Any:
    """A PxWeb web-page xlsx source (11yq) as the replay's long frame: the stub columns as the
    variables (the quarter the time, the area the geo with its code taken from its label,
    "KOKO MAA" as SSS), the measures as contents whose codes are their labels."""
    from pipeline.readers.pxweb_xlsx import ROW, read_pxweb_xlsx
    from tests.replay_snapshot import _ROLE_TEXT, SNAPSHOT_DIR, _Long, _var

    raw = read_pxweb_xlsx(SNAPSHOT_DIR / source.file)
    cols, texts = source.columns, _ROLE_TEXT[lang]
    measures = [c for c in raw.columns if c not in (*cols.values(), ROW)]
    names = raw[cols["name"]].astype(str)
    codes = names.str.extract(r"^((?:MK|MA)\d+) ", expand=False).fillna("SSS")
    long = raw.melt(
        id_vars=[cols["period"], cols["name"], cols["category"]],
        value_vars=measures,
        var_name="Tiedot",
    )
    frame = pd.DataFrame(
        {
            "Vuosineljännes": long[cols["period"]].astype(str),
            "Alue": pd.concat([codes] * len(measures), ignore_index=True),
            cols["category"]: long[cols["category"]].astype(str),
            "Tiedot": long["Tiedot"],
            "value": pd.to_numeric(long["value"].where(long["value"] != ".."), errors="raise"),
        }
    )
    quarters = sorted(set(frame["Vuosineljännes"]))
    categories = list(dict.fromkeys(frame[cols["category"]]))
    variables = [
        _var("Vuosineljännes", cols["period"], {q: q for q in quarters}, time=True),
        _var("Alue", texts["geo"], dict(zip(codes, names, strict=True)), elimination=True),
        _var(cols["category"], cols["category"], {c: c for c in categories}, elimination=True),
        _var("Tiedot", texts["metric"], {m: m for m in measures}),
    ]
    roles = {"time": "Vuosineljännes", "geo": "Alue", "metric": "Tiedot"}
    title = source.title.get(lang)
    return _Long(variables, roles, frame, {}, title, source.publisher, _updated(entry))
