"""Readers: one per snapshot file format, from a file to a frame.

Each format has a `read_*` function (the file as published: the warehouse's `raw.*` tables) and,
where the file carries statistics, a `tidy_*` function that turns the raw frame into the staging
shape `area_code, year, month, variable, value` (plus extra dimension columns such as `age`).
Apart from opening the file these functions are pure; errors are `ReaderError`s naming the file,
the row and the value at fault.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from pipeline.jsonstat import META_KEY, JsonStatError, JsonStatMeta, read_jsonstat
from pipeline.pxweb import (
    PxWebQueryError,
    TableMetadata,
    Variable,
    dimension_name,
    resolve_dimension,
    resolve_value,
)

STAGING_COLUMNS = ["area_code", "year", "month", "variable", "value"]
# `source_row`: the spreadsheet/CSV line (header = 1) or the json-stat cell index a value came
# from (missing where values were summed over a filter); used to name rows in error reports.
ROW_COLUMN = "source_row"
COUNTRY_CODE = "SSS"
COUNTRY_NAMES = {"KOKO MAA", "WHOLE COUNTRY", "HELA LANDET", "KOKO SUOMI"}
_YEAR_LABEL = re.compile(r"^(?P<label>.*?),\s*(?P<year>\d{4})\s*$")
MISSING_MARKERS = (".", "..", "...", "....")  # Statistics Finland: not available / confidential
_MONTH = re.compile(r"^(?P<year>\d{4})M(?P<month>\d{2})\*?$")


class ReaderError(ValueError):
    """A snapshot file could not be read or does not have the expected shape."""


# --------------------------------------------------------------------------- area codes


def normalise_area_code(value: object) -> str:
    """`KU091` → `091`, `5` → `005`, `MK1`/`1` (region) stay as given; `SSS` stays `SSS`."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        raise ReaderError("empty area code")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text.upper().startswith("KU"):
        text = text[2:]
    if text.isdigit():
        return text.zfill(3)
    return text.upper()


def region_code(value: object) -> str:
    """Maakunta code as `MKxx`: `1` → `MK01`, `MK1` → `MK01`."""
    text = str(value).strip().upper().removeprefix("MK")
    return f"MK{int(text):02d}"


def subregion_code(value: object) -> str:
    """Seutukunta code as `SKxxx`: `11` → `SK011`."""
    text = str(value).strip().upper().removeprefix("SK")
    return f"SK{int(text):03d}"


def municipality_group_code(value: object) -> str:
    """Kuntaryhmitys code as `KRx`: `1` → `KR1`."""
    text = str(value).strip().upper().removeprefix("KR")
    return f"KR{int(text)}"


def parse_period(value: object) -> tuple[int, pd.Timestamp | None]:
    """`2022M01` → (2022, 2022-01-01); `2021` → (2021, None)."""
    text = str(value).strip()
    match = _MONTH.match(text)
    if match:
        year, month = int(match["year"]), int(match["month"])
        return year, pd.Timestamp(year=year, month=month, day=1)
    if re.fullmatch(r"\d{4}(\.0)?", text):
        return int(float(text)), None
    raise ReaderError(f"period {value!r} is neither a year nor a month like 2022M01")


def _periods(values: pd.Series, file: str) -> tuple[pd.Series, pd.Series]:
    """Years and months (first day, NaT for annual) of a period column, parsed once per value."""
    positions, uniques = pd.factorize(values)
    parsed = []
    for value in uniques:
        try:
            parsed.append(parse_period(value))
        except ReaderError as exc:
            raise ReaderError(f"{file}: {exc}") from None
    years = np.array([p[0] for p in parsed], dtype="int32")[positions]
    months = pd.DatetimeIndex([p[1] for p in parsed], dtype="datetime64[ns]")[positions]
    return (
        pd.Series(years, index=values.index),
        pd.Series(months, index=values.index),
    )


def area_codes(values: pd.Series) -> pd.Series:
    """`normalise_area_code` over a column, computed once per distinct value."""
    positions, uniques = pd.factorize(values)
    if (positions < 0).any():
        row = int(np.argmax(positions < 0))
        raise ReaderError(f"row {row + 2}: empty area code")
    codes = np.array([normalise_area_code(u) for u in uniques], dtype=object)[positions]
    return pd.Series(codes, index=values.index, dtype="str")


# --------------------------------------------------------------------------- key figures


def read_keyfigures_xlsx(path: Path) -> pd.DataFrame:
    """The first sheet of a Kuntien avainluvut workbook, as published.

    The first column holds the area name (its header cell is empty in the 2022 edition and is
    then called `area_name`); the other headers are labels like "Väkiluku, 2021".
    """
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()
    if not rows:
        raise ReaderError(f"{path.name}: the first sheet is empty")
    header = ["area_name" if i == 0 else h for i, h in enumerate(rows[0])]
    if any(h is None for h in header):
        raise ReaderError(f"{path.name}: header row has an empty cell: {header}")
    body = [r for r in rows[1:] if any(c is not None for c in r)]
    return pd.DataFrame(body, columns=[str(h) for h in header])


def read_keyfigures_csv(path: Path) -> pd.DataFrame:
    """The regional key figures CSV (same column labels as the xlsx, areas by name)."""
    frame = pd.read_csv(path, encoding="utf-8-sig")
    return frame.rename(columns={frame.columns[0]: "area_name"})


def keyfigure_columns(columns: Iterable[str], variables: Mapping[str, str], file: str):
    """Map each variable to the columns whose label (before ", <unit>, <year>") matches it.

    A selector matches a label that equals it or starts with it followed by a comma, so
    "Väkiluku" matches "Väkiluku, 2021" but not "Väkiluvun muutos ..., %, 2021".
    Returns a list of (variable, column, year).
    """
    parsed = []
    for column in columns:
        match = _YEAR_LABEL.match(str(column))
        if match:
            parsed.append((column, match["label"].strip(), int(match["year"])))
    found = []
    for variable, selector in variables.items():
        sel = selector.strip()
        hits = [(c, y) for c, label, y in parsed if label == sel or label.startswith(sel + ",")]
        if not hits:
            raise ReaderError(
                f"{file}: no column label starts with {selector!r} (variable {variable}); "
                f"labels are: {[label for _, label, _ in parsed]}"
            )
        years = [y for _, y in hits]
        if len(set(years)) != len(years):
            raise ReaderError(
                f"{file}: selector {selector!r} (variable {variable}) matches several columns "
                f"for one year: {[c for c, _ in hits]}"
            )
        found.extend((variable, c, y) for c, y in hits)
    return found


def _numbers(raw: pd.DataFrame, column: str, file: str) -> pd.Series:
    """The column as numbers; a non-empty cell that is not a number is an error naming its row."""
    values = pd.to_numeric(raw[column], errors="coerce")
    bad = values.isna() & raw[column].notna()
    if bad.any():
        row = int(bad.idxmax())
        raise ReaderError(
            f"{file}: row {row + 2}, column {column!r}: {raw[column][row]!r} is not a number"
        )
    return values


def tidy_keyfigures(
    raw: pd.DataFrame, variables: Mapping[str, str], name_to_code: Mapping[str, str], file: str
) -> pd.DataFrame:
    """Wide key-figures frame → staging rows; area names become codes via `name_to_code`."""
    codes = names_to_codes(raw["area_name"], name_to_code, file)
    found = keyfigure_columns(raw.columns, variables, file)
    values = []
    for _, column, _ in found:
        numbers = _numbers(raw, column, file)
        values.append(numbers.to_numpy("float64"))
    if not found:
        raise ReaderError(f"{file}: no key-figure column of the catalogue's variables")
    rows = len(raw)
    frame = pd.DataFrame(  # one block per (variable, year) column, rows in file order
        {
            "area_code": np.tile(codes.to_numpy(), len(found)),
            "year": np.repeat([year for _, _, year in found], rows),
            "month": pd.NaT,
            "variable": np.repeat([variable for variable, _, _ in found], rows),
            "value": np.concatenate(values),
            "source_row": np.tile((raw.index + 2).to_numpy(), len(found)),
        }
    )
    return _staging(frame)


def clean_name(name: object) -> str:
    return " ".join(str(name).split()).casefold()


def names_to_codes(names: pd.Series, name_to_code: Mapping[str, str], file: str) -> pd.Series:
    """Look each name up (whitespace-stripped, case-insensitive); fail naming file, row, name.

    Row numbers are spreadsheet rows (the header is row 1).
    """
    index = {clean_name(k): v for k, v in name_to_code.items()}
    codes = []
    for position, name in enumerate(names):
        if clean_name(name) in COUNTRY_NAMES_FOLDED:
            codes.append(COUNTRY_CODE)
            continue
        code = index.get(clean_name(name)) if name is not None else None
        if code is None:
            raise ReaderError(
                f"{file}: row {position + 2}: area name {name!r} matches no municipality or "
                "region in the classification or the merger list"
            )
        codes.append(code)
    return pd.Series(codes, index=names.index, dtype="str")


COUNTRY_NAMES_FOLDED = {n.casefold() for n in COUNTRY_NAMES}


# --------------------------------------------------------------------------- tidy CSV


def read_csv(path: Path) -> pd.DataFrame:
    """A tidy CSV as published; codes are kept as text so leading zeros survive.

    Statistics Finland's missing-value dots (".", "..", "...") are read as missing.
    """
    return pd.read_csv(
        path, encoding="utf-8-sig", dtype=str, keep_default_na=True, na_values=list(MISSING_MARKERS)
    )


def tidy_csv(
    raw: pd.DataFrame, columns: Mapping[str, str], variables: Mapping[str, str], file: str
) -> pd.DataFrame:
    """`columns` names the area and period columns; `variables` map variable → value column."""
    for role in ("area", "period"):
        if columns.get(role) not in raw.columns:
            raise ReaderError(f"{file}: no {role} column {columns.get(role)!r} in {list(raw)}")
    try:
        codes = area_codes(raw[columns["area"]])
    except ReaderError as exc:
        raise ReaderError(f"{file}: {exc}") from None
    years, months = _periods(raw[columns["period"]], file)
    parts = []
    for variable, column in variables.items():
        if column not in raw.columns:
            raise ReaderError(f"{file}: no value column {column!r} (variable {variable})")
        values = _numbers(raw, column, file)
        parts.append(
            pd.DataFrame(
                {"area_code": codes, "year": years, "month": months, "variable": variable}
            ).assign(value=values.astype("float64"), source_row=raw.index + 2)
        )
    return _staging(pd.concat(parts, ignore_index=True))


# --------------------------------------------------------------------------- JSON-stat 2


def read_jsonstat_file(path: Path) -> tuple[pd.DataFrame, dict, dict]:
    """A json-stat2 file → (long frame, roles, labels), read with `pipeline.jsonstat`.

    The frame has one code column per dimension (in category order) and `value` (NaN where the
    cell is missing); `roles` is the dataset's role map; `labels` maps dimension id →
    {code: label}.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    try:
        frame = read_jsonstat(data)
    except JsonStatError as exc:
        raise ReaderError(f"{Path(path).name}: {exc}") from None
    ids = list(data["id"])
    labels = {dim: dict(data["dimension"][dim]["category"].get("label") or {}) for dim in ids}
    return frame[[*ids, "value"]].reset_index(drop=True), dict(data.get("role") or {}), labels


def jsonstat_table(
    raw: pd.DataFrame,
    roles: Mapping[str, list[str]],
    labels: Mapping[str, Mapping[str, str]],
    file: str,
) -> TableMetadata:
    """A json-stat frame described as `pxweb.TableMetadata`, so the readers select dimensions
    and values with the fetch client's matching (`resolve_dimension`, `resolve_value`).

    Dimension texts come from the file's own labels (the frame's `JsonStatMeta`), values in the
    order the file lists them; the file's `role` map is declared, not guessed.
    """
    meta = raw.attrs.get(META_KEY)
    texts = meta.dimension_labels if isinstance(meta, JsonStatMeta) else {}
    variables = []
    for dim in (c for c in raw.columns if c != "value"):
        codes = [str(c) for c in raw[dim].unique()]
        names = labels.get(dim, {})
        variables.append(
            Variable(
                code=dim,
                text=str(texts.get(dim) or dim).strip(),
                values=tuple(codes),
                value_texts=tuple(str(names.get(c, c)) for c in codes),
                time=dim in (roles.get("time") or ()),
            )
        )
    declared = tuple((role, dims[0]) for role, dims in roles.items() if dims)
    return TableMetadata(
        table=file, title="", variables=tuple(variables), declared_roles=declared, kind="file"
    )


def _dimension(table: TableMetadata, key: str, why: str) -> Variable:
    try:
        return resolve_dimension(table, key)
    except PxWebQueryError as exc:
        raise ReaderError(f"{exc} ({why})") from None


def _filter_codes(table: TableMetadata, var: Variable, spec, why: str) -> list[str]:
    """Codes of `var` that `spec` names: a code or label, a list of them, or an inclusive range
    "a-b" of codes (tried before the lenient match, which would read "000-014" as "014")."""
    try:
        if isinstance(spec, str) and "-" in spec:
            try:
                return [resolve_value(table, var, spec, loose=False)]
            except PxWebQueryError:
                pass
            ends = [part.strip() for part in spec.split("-", 1)]
            try:
                low, high = (resolve_value(table, var, end) for end in ends)
            except PxWebQueryError:
                low = high = None
            if low is not None:
                order = list(var.values)
                wanted = order[order.index(low) : order.index(high) + 1]
                if not wanted:
                    raise ReaderError(f"{table.table}: range {spec!r} of {var.code} is empty")
                return wanted
        items = [spec] if isinstance(spec, str) else list(spec)
        return [resolve_value(table, var, item) for item in items]
    except PxWebQueryError as exc:
        raise ReaderError(f"{exc} ({why})") from None


def tidy_jsonstat(
    raw: pd.DataFrame,
    roles: Mapping[str, list[str]],
    variables: Mapping[str, str],
    labels: Mapping[str, Mapping[str, str]],
    file: str,
    *,
    filters: Mapping[str, Mapping[str, object]] | None = None,
    variable_dimension: str | None = None,
) -> pd.DataFrame:
    """Long json-stat frame → staging rows.

    Dimensions are found as the fetch client finds them (`pxweb.resolve_dimension`): by id,
    label text, role or the same concept in another language, so the catalogue's names work on
    the legacy files and on StatFin's 2026 ones (`Ikä` → `ikaryhma_10_20180101`, "Age"). Geo and
    time by role; the variable dimension is `variable_dimension` or the metric one, where a
    selector names a code, a label or a 2026 code (`GDPcap` → `altp-GDPcap`).
    `filters[variable]` restricts other dimensions and sums over them. Remaining dimensions with
    more than one category stay as extra columns named across forms (`Ikä` → `age`).
    """
    table = jsonstat_table(raw, roles, labels, file)
    geo = _dimension(table, "geo", "area dimension").code
    time = _dimension(table, "time", "period dimension").code
    metric_var = _dimension(table, variable_dimension or "metric", "variable dimension")
    metric = metric_var.code
    parts = []
    for variable, selector in variables.items():
        why = f"variable {variable}"
        mask = raw[metric] == _filter_codes(table, metric_var, [selector], why)[0]
        filtered = []
        for key, wanted in ((filters or {}).get(variable) or {}).items():
            var = _dimension(table, key, f"filter of {why}")
            mask &= raw[var.code].isin(_filter_codes(table, var, wanted, f"filter of {why}"))
            filtered.append(var.code)
        rows = raw[mask]
        keep = [
            v
            for v in table.variables
            if v.code not in (geo, time, metric, *filtered) and raw[v.code].nunique() > 1
        ]
        if filtered:
            by = [geo, time, *(v.code for v in keep)]
            rows = rows.groupby(by, sort=False, as_index=False)["value"].sum(min_count=1)
        years, months = _periods(rows[time].astype(str), file)
        part = pd.DataFrame(
            {
                "area_code": area_codes(rows[geo]).to_numpy(),
                "year": years.to_numpy(),
                "month": months.to_numpy(),
                "variable": variable,
                "value": rows["value"].astype("float64").to_numpy(),
                "source_row": pd.NA if filtered else rows.index.to_numpy(),
            }
        )
        for var in keep:
            name = dimension_name(var)
            values = rows[var.code].to_numpy()
            part[name] = pd.to_numeric(values, errors="coerce") if name == "age" else values
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    if "age" in out.columns:
        out["age"] = out["age"].astype("Int32")
    return _staging(out, extra=[c for c in out.columns if c not in (*STAGING_COLUMNS, ROW_COLUMN)])


# --------------------------------------------------------------------------- classification


def read_classification_csv(path: Path) -> pd.DataFrame:
    """The geofi municipality key as published (codes as integers)."""
    return pd.read_csv(path, encoding="utf-8-sig")


def tidy_classification(raw: pd.DataFrame) -> pd.DataFrame:
    """Municipality key → one row per municipality with normalised codes and names."""
    frame = pd.DataFrame(
        {
            "area_code": raw["kunta"].map(normalise_area_code),
            "name_fi": raw["municipality_name_fi"].map(_strip),
            "name_sv": raw["municipality_name_sv"].map(_strip),
            "name_en": raw["municipality_name_en"].map(_strip),
            "region_code": raw["maakunta_code"].map(region_code),
            "subregion_code": raw["seutukunta_code"].map(subregion_code),
            "municipality_group_code": raw["kuntaryhmitys_code"].map(municipality_group_code),
        }
    )
    for prefix, key in (
        ("region", "maakunta"),
        ("subregion", "seutukunta"),
        ("municipality_group", "kuntaryhmitys"),
    ):
        for lang in ("fi", "sv", "en"):
            frame[f"{prefix}_name_{lang}"] = raw[f"{key}_name_{lang}"].map(_strip)
    return frame


def _strip(value: object) -> str:
    return " ".join(str(value).split())


# --------------------------------------------------------------------------- geo


def read_geojson(path: Path) -> pd.DataFrame:
    """Feature properties plus the geometry as GeoJSON text, one row per feature."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    rows = [
        {**(f.get("properties") or {}), "geometry": json.dumps(f.get("geometry"))}
        for f in data.get("features", [])
    ]
    return pd.DataFrame(rows)


def read_topojson(path: Path) -> pd.DataFrame:
    """Object properties of every TopoJSON geometry collection, one row per geometry."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    rows = []
    for name, obj in (data.get("objects") or {}).items():
        for geom in obj.get("geometries", []):
            rows.append({"object": name, **(geom.get("properties") or {})})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- dispatch


def read_source(source, path: Path, name_index: Mapping[str, str]):
    """(raw frame, staging frame or None) for a catalogue `Source` by its format.

    `name_index` maps area names to codes for sources that identify areas by name (key figures):
    municipality names for municipal sources, region names for regional ones.
    """
    variables = {v.id: v.selector for v in source.variables}
    if source.format in ("keyfigures_xlsx", "keyfigures_csv"):
        reader = read_keyfigures_xlsx if source.format == "keyfigures_xlsx" else read_keyfigures_csv
        raw = reader(path)
        return raw, tidy_keyfigures(raw, variables, name_index, source.file)
    if source.format == "csv":
        raw = read_csv(path)
        return raw, tidy_csv(raw, source.columns, variables, source.file)
    if source.format == "jsonstat2":
        raw, roles, labels = read_jsonstat_file(path)
        tidy = tidy_jsonstat(
            raw,
            roles,
            variables,
            labels,
            source.file,
            filters={v.id: dict(v.filter) for v in source.variables if v.filter},
            variable_dimension=source.variable_dimension,
        )
        return raw, tidy
    simple = {
        "classification_csv": read_classification_csv,
        "geojson": read_geojson,
        "topojson": read_topojson,
    }
    if source.format in simple:
        return simple[source.format](path), None
    raise ReaderError(f"{source.file}: no reader for format {source.format!r}")


# --------------------------------------------------------------------------- helpers


def _staging(frame: pd.DataFrame, extra: list[str] | None = None) -> pd.DataFrame:
    """Staging column order and types. Cells the publisher left empty or marked "..." stay as
    rows with a missing value, so the build can tell a suppressed value from an absent area."""
    frame = frame.astype({"area_code": "str", "year": "int32", "variable": "str"})
    frame["month"] = pd.to_datetime(frame["month"])
    frame[ROW_COLUMN] = frame[ROW_COLUMN].astype("Int64")
    return frame[[*STAGING_COLUMNS, *(extra or []), ROW_COLUMN]].reset_index(drop=True)
