"""PxWeb tables for the replay server, RE-ENCODED FROM THE BUNDLED SNAPSHOT, for testing only.

Every PxWeb-backed source in ``indicators.yaml`` gets its table served by
:mod:`tests.replay_server`. Nothing here was recorded from Statistics Finland: the numbers are
the bundled files' numbers (``data/snapshot/statfin/…``, provenance in
``data/snapshot/manifest.yaml``), re-encoded as the PxWeb v1 metadata and data a server would
give for them. No value is invented: a cell the bundled file lacks is answered as missing
(``..``), and a variable lists only the values the file (or its manifest query) shows.

Per table (sources sharing a table, like the two 12bc sources, are merged into one cube):

- the *legacy* form, at ``StatFin/<subject>/statfin_<subject>_pxt_<id>.px``: variable codes as
  the bundled file or its manifest query names them (``Alue``/``Kuukausi``/``Tiedot``, the json
  files' own ids such as ``alue``/``vuosi``/``tiedot``);
- the *new* (2026) form, at ``StatFin/<id>.px`` (and ``StatFin/<subject>/<id>.px``): versioned
  codes modelled on the recorded 2026 11re metadata
  (``tests/fixtures/statfin_11re_2026api_GET_metadata_fi.json``): ``alue_23_<division>0101``
  (tyonv keeps a bare ``Alue``), ``ikaryhma_10_20180101``, ``sukupuoli_9_20180101``,
  ``timeperiod_y``/``timeperiod_m`` and ``contentscode`` with ``<subject>-<code>`` values. The
  stamps in the area codes follow the source's municipal division; they illustrate the form
  and are not claimed to be the live codes of every table.
- tables without a legacy id (the kta key figures, ``kuntien_avainluvut_viimeisin``) are served
  at their one path; the municipal key figures are re-encoded from the bundled workbook
  (``_keyfigures_long``: ``Alue`` × ``Tiedot`` with the workbook's labels and invented codes).

Category csv sources (long, name-keyed files) are re-encoded by :mod:`tests.replay_category`,
the Paavo postal-area table by :mod:`tests.replay_paavo` (its 2026 form: ``postinumeroalue_``
stamped like the areas, contents ``paavo-<code>``).
Category csv sources (long, name-keyed files) and PxWeb web-page xlsx downloads are re-encoded
by :mod:`tests.replay_category`.

Texts: area and period texts come from the file (CSV name / period-label columns, json-stat
labels); a contents code the CSV does not record (11lj) is the CSV's value column name, and a
contents text the file lacks is the catalogue's source title. ``updated`` is the manifest's.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT_DIR = ROOT / "data" / "snapshot"

# 2026 codes of classification variables, as in the recorded 2026 11re metadata.
_NEW_CODES = {
    "ikä": "ikaryhma_10_20180101",
    "age": "ikaryhma_10_20180101",
    "sukupuoli": "sukupuoli_9_20180101",
    "sex": "sukupuoli_9_20180101",
}
_TOTAL_TEXT = {"fi": "Yhteensä", "sv": "Totalt", "en": "Total"}
_ROLE_TEXT = {
    "fi": {"geo": "Alue", "year": "Vuosi", "month": "Kuukausi", "metric": "Tiedot"},
    "sv": {"geo": "Område", "year": "År", "month": "Månad", "metric": "Uppgifter"},
    "en": {"geo": "Area", "year": "Year", "month": "Month", "metric": "Information"},
}
# Contents codes the bundled CSV does not record but a recorded fixture does (11re: `vaesto`).
_KNOWN_CONTENTS = {"population_11re": ("vaesto", "Väestö 31.12.")}


@dataclass(frozen=True)
class SnapshotTable:
    """One catalogue table in both forms, with its subject folder and manifest ``updated``."""

    table_id: str  # "12r5", or the file name stem for tables without a short id
    language: str
    database: str
    subject: str | None  # "tyonv"; None for tables without a legacy id
    new_path: str | None  # "StatFin/12r5.px"
    legacy_path: str  # "StatFin/tyonv/statfin_tyonv_pxt_12r5.px" (or the one path)
    folder: str  # where the listing names it: "StatFin/tyonv"
    title: str
    updated: str
    new: Any  # tests.replay_server.Table
    legacy: Any

    def paths(self, *, new: bool = True, legacy: bool = True) -> dict[str, Any]:
        """Served paths → Table for the forms switched on."""
        out: dict[str, Any] = {}
        if legacy or self.new_path is None:
            out[self.legacy_path] = self.legacy
        if new and self.new_path is not None:
            out[self.new_path] = self.new
            out[f"{self.database}/{self.subject}/{self.table_id}.px"] = self.new
        return out

    def listed_id(self, *, new: bool = True) -> str:
        if new and self.new_path is not None:
            return f"{self.table_id}.px"
        return self.legacy_path.rpartition("/")[2]


def listing_stamp(updated: str) -> str:
    """A manifest ``updated`` in the form folder listings use (``2024-04-26T00:00:00``)."""
    text = str(updated).strip().replace("Z", "+00:00")
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        parsed = dt.datetime.combine(dt.date.fromisoformat(text[:10]), dt.time())
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed.strftime("%Y-%m-%dT%H:%M:%S")


# --------------------------------------------------------------------------- long frames


@dataclass
class _Long:
    """A source's cells as a long frame: one code column per variable plus ``value``."""

    variables: list[dict[str, Any]]  # legacy-form metadata variables
    roles: dict[str, str]  # role -> legacy variable code
    frame: pd.DataFrame
    units: dict[str, dict]  # contents code -> json-stat unit
    label: str
    source: str
    updated: str


def _csv_long(source: Any, entry: Any, lang: str) -> _Long:
    from pipeline.readers import MISSING_MARKERS

    raw = pd.read_csv(SNAPSHOT_DIR / source.file, dtype=str, keep_default_na=False)
    cols = source.columns
    period_code = "Kuukausi" if source.period == "month" else "Vuosi"
    texts = _ROLE_TEXT[lang]
    areas = dict(zip(raw[cols["area"]], raw[cols.get("name") or cols["area"]], strict=True))
    labels = dict(
        zip(raw[cols["period"]], raw[cols.get("period_label") or cols["period"]], strict=True)
    )
    periods = {code: labels[code] for code in sorted(labels)}  # 2007M01 … sort as text
    column = source.variables[0].selector
    code, text = _contents(source, entry, lang)
    variables, roles, frame = [], {}, {}
    for key in source.pxweb.selection:
        role = key if key in ("geo", "time", "metric") else None
        if role == "geo":
            var = _var("Alue", texts["geo"], areas, elimination=True)
            frame["Alue"] = raw[cols["area"]]
        elif role == "time":
            var = _var(period_code, texts[source.period], periods, time=True)
            frame[period_code] = raw[cols["period"]]
        elif role == "metric":
            var = _var("Tiedot", texts["metric"], {code: text})
            frame["Tiedot"] = code
        else:  # a classification the file holds at its total only (Ikä, Sukupuoli)
            var = _var(key, key, {"SSS": _TOTAL_TEXT[lang]}, elimination=True)
            frame[key] = "SSS"
        if role:
            roles[role] = var["code"]
        variables.append(var)
    frame = pd.DataFrame(frame)
    missing = raw[column].isin(["", *MISSING_MARKERS])  # the CSV's dots: missing cells
    frame["value"] = pd.to_numeric(raw[column].mask(missing), errors="raise")
    title = source.title.get(lang)
    return _Long(variables, roles, frame, {}, title, source.publisher, str(entry.updated))


def _contents(source: Any, entry: Any, lang: str) -> tuple[str, str]:
    if source.id in _KNOWN_CONTENTS:
        return _KNOWN_CONTENTS[source.id]
    asked = (entry.query or {}).get("Tiedot") if isinstance(entry.query, Mapping) else None
    if isinstance(asked, list) and len(asked) == 1:
        return str(asked[0]), source.title.get(lang)
    return source.variables[0].selector, source.title.get(lang)


def _json_long(source: Any, entry: Any) -> _Long:
    from pipeline.readers import read_jsonstat_file

    doc = json.loads((SNAPSHOT_DIR / source.file).read_text(encoding="utf-8"))
    frame, roles, labels = read_jsonstat_file(SNAPSHOT_DIR / source.file)
    role = {r: dims[0] for r, dims in roles.items() if dims}
    units: dict[str, dict] = {}
    variables = []
    for dim in doc["id"]:
        category = doc["dimension"][dim]["category"]
        codes = list(dict.fromkeys(frame[dim].tolist()))
        texts = {c: str(labels[dim].get(c, c)) for c in codes}
        if dim == role.get("metric"):
            units.update(category.get("unit") or {})
        variables.append(
            _var(
                dim,
                doc["dimension"][dim].get("label", dim),
                texts,
                time=dim == role.get("time"),
                elimination=dim not in (role.get("time"), role.get("metric")),
            )
        )
    return _Long(
        variables,
        role,
        frame[[*doc["id"], "value"]],
        units,
        doc.get("label", source.title.get("en")),
        doc.get("source", source.publisher),
        str(doc.get("updated") or entry.updated),
    )


# The bundled key-figures copy states no publication date: the table is served with this epoch
# stamp, which equals no stored one, so a fetch always refreshes it (and records the stamp).
UNDATED = "1970-01-01T00:00:00"


def _keyfigure_area_codes(names: list[str]) -> dict[str, str]:
    """Municipality text -> ``KU`` code, from the bundled 2025 classification and the
    catalogue's merger names ("Pertunmaa → Mäntyharju"); ``KOKO MAA`` is ``SSS``."""
    from pipeline.catalogue import load_catalogue

    key = pd.read_csv(SNAPSHOT_DIR / "classification" / "geofi_municipality_key_2025.csv")
    codes = {n: f"KU{int(c):03d}" for n, c in zip(key.municipality_name_fi, key.kunta, strict=True)}
    for merger in load_catalogue().mergers:
        codes.setdefault(merger.name.split("→")[0].strip(), f"KU{merger.from_code}")
    codes["KOKO MAA"] = "SSS"
    missing = [n for n in names if n not in codes]
    if missing:
        raise ValueError(f"key figures: no code for the area names {missing[:5]}")
    return {n: codes[n] for n in names}


def _keyfigures_long(source: Any, entry: Any, lang: str) -> _Long:
    """A key-figures workbook as the live ``kuntien_avainluvut_viimeisin`` table: ``Alue``
    (KU codes, the workbook's names as texts) × ``Tiedot``, whose texts are the workbook's
    column labels ("Väkiluku, 2021") and whose codes are INVENTED FOR TESTING (``T01``…, in
    column order; the live M-codes change between releases and the catalogue never uses them).
    Read here with openpyxl, not the project's reader."""
    import openpyxl

    book = openpyxl.load_workbook(SNAPSHOT_DIR / source.file, read_only=True, data_only=True)
    try:
        rows = [r for r in book.worksheets[0].iter_rows(values_only=True) if any(r)]
    finally:
        book.close()
    labels = [str(h) for h in rows[0][1:]]
    names = [str(r[0]) for r in rows[1:]]
    areas = _keyfigure_area_codes(names)
    contents = {f"T{i + 1:02d}": label for i, label in enumerate(labels)}
    texts = _ROLE_TEXT[lang]
    variables = [
        _var("Alue", texts["geo"], {areas[n]: n for n in names}),
        _var("Tiedot", texts["metric"], contents),
    ]
    frame = pd.DataFrame(
        {
            "Alue": np.repeat([areas[n] for n in names], len(labels)),
            "Tiedot": np.tile(list(contents), len(names)),
            "value": [np.nan if v is None else float(v) for r in rows[1:] for v in r[1:]],
        }
    )
    updated = str(entry.updated) if entry.updated else UNDATED
    title = source.title.get(lang)
    return _Long(variables, {"geo": "Alue", "metric": "Tiedot"}, frame, {}, title,
                 source.publisher, updated)  # fmt: skip


def _var(
    code: str, text: str, values: Mapping[str, str], *, time=False, elimination=False
) -> dict[str, Any]:
    var: dict[str, Any] = {
        "code": code,
        "text": text,
        "values": list(values),
        "valueTexts": list(values.values()),
    }
    if elimination:
        var["elimination"] = True
    if time:
        var["time"] = True
    return var


def _merge(parts: list[_Long]) -> _Long:
    """Sources of one table (same variables) → one long frame; overlapping cells must agree."""
    first = parts[0]
    variables = [dict(v) for v in first.variables]
    for part in parts[1:]:
        if [v["code"] for v in part.variables] != [v["code"] for v in variables]:
            raise ValueError("sources of one table have different variables")
        for var, other in zip(variables, part.variables, strict=True):
            texts = dict(zip(var["values"], var["valueTexts"], strict=True))
            for code, text in zip(other["values"], other["valueTexts"], strict=True):
                texts.setdefault(code, text)
            order = sorted(texts) if var.get("time") else list(texts)
            var["values"], var["valueTexts"] = order, [texts[c] for c in order]
    frame = pd.concat([p.frame for p in parts], ignore_index=True)
    keys = [v["code"] for v in variables]
    clash = frame.groupby(keys)["value"].nunique(dropna=True) > 1
    if clash.any():
        raise ValueError(f"sources of one table disagree on {int(clash.sum())} cells")
    frame = frame.drop_duplicates(subset=keys)
    units = {k: v for p in parts for k, v in p.units.items()}
    return _Long(variables, first.roles, frame, units, first.label, first.source, first.updated)


# --------------------------------------------------------------------------- tables


def _cube(variables: list[dict], codes: list[str], frame: pd.DataFrame) -> np.ndarray:
    shape = [len(v["values"]) for v in variables]
    positions = []
    for var, column in zip(variables, codes, strict=True):
        cat = pd.Categorical(frame[column], categories=var["values"])
        if (cat.codes < 0).any():
            raise ValueError(f"variable {var['code']}: a cell's value is not in the metadata")
        positions.append(cat.codes)
    flat = np.ravel_multi_index(positions, shape)
    if len(np.unique(flat)) != len(flat):
        raise ValueError("the file has two values for one cell")
    cube = np.full(shape, np.nan)
    cube.flat[flat] = frame["value"].to_numpy(dtype=float)
    return cube


def _new_form(long: _Long, subject: str, division: int, prefix: str) -> tuple[list[dict], dict]:
    """The legacy variables renamed to 2026 codes, and the contents renames."""
    out, renames = [], {}
    for var in long.variables:
        new = dict(var)
        code = var["code"]
        if code == "Postinumeroalue":  # Paavo: postal areas, stamped like the municipal areas
            new["code"] = f"postinumeroalue_{division}0101"
        elif code == long.roles.get("geo"):
            new["code"] = "Alue" if subject == "tyonv" else f"alue_23_{division}0101"
        elif code == long.roles.get("time"):
            monthly = any("M" in v for v in var["values"])
            new["code"] = "timeperiod_m" if monthly else "timeperiod_y"
        elif code == long.roles.get("metric"):
            new["code"] = "contentscode"
            renames = {v: f"{prefix}-{v}" for v in var["values"]}
            new["values"] = [renames[v] for v in var["values"]]
        else:
            new["code"] = _NEW_CODES.get(code.casefold(), code.casefold())
        out.append(new)
    return out, renames


def build_snapshot_tables(table_cls: type) -> list[SnapshotTable]:
    """Every PxWeb table the catalogue declares, re-encoded from the bundled snapshot."""
    from pipeline.catalogue import load_catalogue
    from pipeline.snapshot import load_manifest

    catalogue = load_catalogue()
    manifest = load_manifest(SNAPSHOT_DIR)
    groups: dict[tuple, list] = {}
    for source in catalogue.sources:
        if source.pxweb is not None:
            spec = source.pxweb
            groups.setdefault((spec.database, spec.table, spec.language), []).append(source)
    out = []
    for (database, table, lang), sources in groups.items():
        parts = []
        for source in sources:
            entry = manifest.entry(source.id)
            if source.format == "category_csv":
                from tests.replay_category import category_long

                parts.append(category_long(source, entry, lang))
            elif source.format == "pxweb_xlsx":
                from tests.replay_category import pxweb_xlsx_long

                parts.append(pxweb_xlsx_long(source, entry, lang))
            elif source.format == "csv":
                parts.append(_csv_long(source, entry, lang))
            elif source.format == "keyfigures_xlsx":
                parts.append(_keyfigures_long(source, entry, lang))
            elif source.format == "paavo_csv":
                from tests.replay_paavo import paavo_long

                parts.append(paavo_long(source, entry, lang))
            else:
                parts.append(_json_long(source, entry))
        long = _merge(parts)
        codes = [v["code"] for v in long.variables]
        cube = _cube(long.variables, codes, long.frame)
        spec, stamp = sources[0].pxweb, manifest.entry(sources[0].id).updated
        updated = str(stamp) if stamp else long.updated  # not recorded: the long frame's stand-in
        units = {(long.roles.get("metric"), c): u for c, u in long.units.items()}
        legacy = table_cls(
            long.label, long.variables, [v["values"] for v in long.variables], cube,
            long.updated, long.source, table_id=None, units=units,
        )  # fmt: skip
        if spec.legacy_table:
            subject = spec.legacy_table.partition("/")[0]
            # `<subject>-` before the contents codes: `vaerak` of statfin_vaerak_pxt_11re.px,
            # `paavo` of uusin/paavo_pxt_12f7.px
            prefix = spec.legacy_table.rpartition("/")[2].split("_pxt_")[0].rpartition("_")[2]
            new_vars, renames = _new_form(long, subject, sources[0].division, prefix)
            new_units = {("contentscode", renames.get(c, c)): u for c, u in long.units.items()}
            new = table_cls(
                long.label, new_vars, [v["values"] for v in new_vars], cube,
                long.updated, long.source, table_id=None, units=new_units,
            )  # fmt: skip
            table_id = table.removesuffix(".px")
            item = SnapshotTable(
                table_id, lang, database, subject, f"{database}/{table}",
                f"{database}/{spec.legacy_table}", f"{database}/{subject}", long.label,
                updated, new, legacy,
            )  # fmt: skip
        else:
            folder, _, name = f"{database}/{table}".rpartition("/")
            item = SnapshotTable(
                name.removesuffix(".px"), lang, database, None, None, f"{database}/{table}",
                folder, long.label, updated, legacy, legacy,
            )  # fmt: skip
        out.append(item)
    return out


def cells_of(table: Any) -> int:
    """Number of cells of a table's full cube (for tests' lower bounds)."""
    return math.prod(len(r) for r in table.recorded)
