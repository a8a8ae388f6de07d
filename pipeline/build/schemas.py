"""pandera schemas for every warehouse layer, and a readable failure report.

Rules: column types; area codes in the expected form; years 1900–2100; values finite; every
variable's staging rows and every indicator's municipal and group values within the bounds the
catalogue declares for them (`min`..`max`, and year on year within `change_factor` where one is
declared); unique keys. Validation is lazy, so one report lists every failure, naming table,
column, check (with the bounds and their kind), value and the row (with the source file and line
where known).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import pandera.pandas as pa

from pipeline.aggregate import RULES
from pipeline.build.bounds import bounds_checks, keyed_bounds
from pipeline.catalogue import Bounds, Variable
from pipeline.composite import INDEX_PREFIX

STAGING_AREA = r"^(\d{3}|SSS|MK\d{2}|SK\d{3}|SA\d)$"
MUNICIPALITY = r"^\d{3}$"
AREA_KINDS = [
    "municipality",
    "country",
    "region",
    "subregion",
    "municipality_group",
    "large_region",
    "group",
    "peers",
]
MAX_REPORTED = 25


def _finite(series: pd.Series) -> pd.Series:
    return series.isna() | np.isfinite(series.astype("float64"))


FINITE = pa.Check(_finite, name="finite", ignore_na=False)
YEAR = pa.Column(int, pa.Check.in_range(1900, 2100), coerce=True)
MONTH = pa.Column("datetime64[ns]", nullable=True, coerce=True)


def staging_schema(
    extra_keys: Iterable[str] = (), variables: Iterable[Variable] = ()
) -> pa.DataFrameSchema:
    """A source's staging rows; `variables` (the source's) bring their declared bounds."""
    extra_keys = list(extra_keys)
    checks = bounds_checks("variable", keyed_bounds(variables), ["area_code", *extra_keys])
    return pa.DataFrameSchema(
        {
            "area_code": pa.Column(str, pa.Check.str_matches(STAGING_AREA)),
            "year": YEAR,
            "month": MONTH,
            "variable": pa.Column(str),
            "value": pa.Column(float, FINITE, nullable=True),
        },
        checks=checks,
        unique=["area_code", "year", "month", "variable", *extra_keys],
        report_duplicates="all",
    )


def indicator_values_schema(
    municipalities: Iterable[str], bounds: Mapping[str, Bounds]
) -> pa.DataFrameSchema:
    """`core.indicator_values`; `bounds` are the indicators' declared bounds by id."""
    return pa.DataFrameSchema(
        {
            "indicator_id": pa.Column(str),
            "area_code": pa.Column(str, pa.Check.isin(sorted(set(municipalities)))),
            "year": YEAR,
            "month": MONTH,
            "value": pa.Column(float, FINITE),
            "numerator": pa.Column(float, FINITE, nullable=True),
            "denominator": pa.Column(float, FINITE, nullable=True),
            "weight": pa.Column(float, FINITE, nullable=True),
            "source_id": pa.Column(str),
        },
        checks=bounds_checks("indicator_id", bounds, ["area_code"]),
        unique=["indicator_id", "area_code", "year", "month"],
        report_duplicates="all",
    )


def group_values_schema(
    group_codes: Iterable[str], bounds: Mapping[str, Bounds]
) -> pa.DataFrameSchema:
    """`core.group_values`: values within the indicators' bounds (year on year between complete
    values only: a partial sum may fall short of the last year's), `n_values <= n_members`, and
    a value of every member is `complete`."""

    def values_within_members(frame: pd.DataFrame) -> pd.Series:
        return frame["n_values"] <= frame["n_members"]

    def all_members_complete(frame: pd.DataFrame) -> pd.Series:
        return (frame["n_values"] < frame["n_members"]) | frame["complete"]

    return pa.DataFrameSchema(
        {
            "indicator_id": pa.Column(str),
            "group_code": pa.Column(str, pa.Check.isin(sorted(set(group_codes)))),
            "year": YEAR,
            "month": MONTH,
            "value": pa.Column(float, FINITE),
            "published_value": pa.Column(float, FINITE, nullable=True),
            "n_members": pa.Column(int, pa.Check.ge(1), coerce=True),
            "n_values": pa.Column(int, pa.Check.ge(0), coerce=True),
            "complete": pa.Column(bool),
        },
        checks=[
            *bounds_checks("indicator_id", bounds, ["group_code"], only="complete"),
            pa.Check(values_within_members, name="n_values_at_most_n_members"),
            pa.Check(all_members_complete, name="complete_when_every_member_has_a_value"),
        ],
        unique=["indicator_id", "group_code", "year", "month"],
        report_duplicates="all",
    )


AREAS_SCHEMA = pa.DataFrameSchema(
    {
        "area_code": pa.Column(str, unique=True),
        "kind": pa.Column(str, pa.Check.isin(AREA_KINDS)),
        "name_fi": pa.Column(str),
        "name_sv": pa.Column(str),
        "name_en": pa.Column(str),
    }
)

GROUP_MEMBERS_SCHEMA = pa.DataFrameSchema(
    {
        "group_code": pa.Column(str),
        "area_code": pa.Column(str, pa.Check.str_matches(MUNICIPALITY)),
    },
    unique=["group_code", "area_code"],
)

INDICATORS_SCHEMA = pa.DataFrameSchema(
    {
        "indicator_id": pa.Column(str, unique=True),
        "theme": pa.Column(str),
        "aggregation": pa.Column(str, pa.Check.isin(list(RULES))),
    }
)

PROVENANCE_SCHEMA = pa.DataFrameSchema(
    {
        "source_id": pa.Column(str, unique=True),
        "file": pa.Column(str),
        "sha256": pa.Column(str, pa.Check.str_matches(r"^[0-9a-f]{64}$")),
    }
)

BUILD_INFO_SCHEMA = pa.DataFrameSchema(
    {
        "built_at": pa.Column("datetime64[ns]"),
        "snapshot_manifest_sha256": pa.Column(str),
        "duckdb_version": pa.Column(str),
    },
    checks=[pa.Check(lambda frame: len(frame) == 1, name="one_row")],
)


def validate(
    table: str,
    schema: pa.DataFrameSchema,
    frame: pd.DataFrame,
    *,
    key_columns: Iterable[str] = (),
    where: str = "",
    files: Mapping[str, str] | None = None,
) -> list[str]:
    """Validate lazily; return readable problems (empty when the frame passes).

    `files` maps a row's `source_id` to its snapshot file, named in the report.
    """
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return failure_report(table, exc.failure_cases, frame, key_columns, where, files)
    return []


def failure_report(
    table: str,
    cases: pd.DataFrame,
    frame: pd.DataFrame,
    key_columns: Iterable[str],
    where: str,
    files: Mapping[str, str] | None = None,
) -> list[str]:
    """One line per failing check and row: table, column, check, value and the row's keys.

    Frame-wide checks (ranges over several columns, key uniqueness) are reported once per row,
    on the `value` column for range checks and on the key for uniqueness.
    """
    keys = [c for c in key_columns if c in frame.columns]
    cases = cases.copy()
    wide = cases["schema_context"].eq("DataFrameSchema")
    cases.loc[wide, "column"] = np.where(
        cases.loc[wide, "check"].astype(str).str.contains("uniqueness"),
        "(key)",
        "value" if "value" in frame.columns else "(row)",
    )
    cases = cases.drop_duplicates(["column", "check", "index"])
    lines = []
    for case in cases.head(MAX_REPORTED).itertuples(index=False):
        column = case.column if isinstance(case.column, str) else "(row)"
        text = f"{table}{where}: column {column}, check {case.check}"
        value = case.failure_case
        index = case.index
        if isinstance(index, int | np.integer) and 0 <= index < len(frame):
            row = frame.iloc[int(index)]
            described = ", ".join(f"{k}={_show(row[k])}" for k in keys)
            if column in frame.columns:
                value = row[column]
            if files and "source_id" in frame.columns and row["source_id"] in files:
                described += f" (file {files[row['source_id']]})"
            shown = "" if column == "(key)" else f"value {_show(value)} "
            text += f": {shown}at row {described}"
        else:
            text += f": value {_show(value)}"
        lines.append(text)
    if len(cases) > MAX_REPORTED:
        lines.append(f"{table}{where}: … and {len(cases) - MAX_REPORTED} more failures")
    return lines


def _show(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m")
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return "NULL"
    return repr(value) if isinstance(value, str) else str(value)


# --------------------------------------------------------------------------- index tables


def index_values_schema(municipalities: Iterable[str]) -> pa.DataFrameSchema:
    codes = sorted(set(municipalities))

    def ranks_within_areas(frame: pd.DataFrame) -> pd.Series:
        return frame["rank"].isna() | frame["rank"].between(1, len(codes))

    def scored_iff_ranked(frame: pd.DataFrame) -> pd.Series:
        return frame["score"].isna() == frame["rank"].isna()

    return pa.DataFrameSchema(
        {
            "index_id": pa.Column(str, pa.Check.str_startswith(INDEX_PREFIX)),
            "area_code": pa.Column(str, pa.Check.isin(codes)),
            "year": YEAR,
            "score": pa.Column(float, pa.Check.in_range(0.0, 1.0), nullable=True),
            "rank": pa.Column("Int64", nullable=True, coerce=True),
            "n_indicators": pa.Column(int, pa.Check.ge(0), coerce=True),
        },
        checks=[
            pa.Check(ranks_within_areas, name="rank_within_1_to_n_areas"),
            pa.Check(scored_iff_ranked, name="score_iff_rank"),
        ],
        unique=["index_id", "area_code"],
        report_duplicates="all",
    )


INDEX_COMPONENTS_SCHEMA = pa.DataFrameSchema(
    {
        "index_id": pa.Column(str, pa.Check.str_startswith(INDEX_PREFIX)),
        "indicator_id": pa.Column(str),
        "direction": pa.Column(str, pa.Check.isin(["higher_is_better", "lower_is_better"])),
        "year": YEAR,
        "transform": pa.Column(str, pa.Check.isin(["none", "sqrt", "sqrt_reflected"])),
    },
    unique=["index_id", "indicator_id"],
)

INDEX_DEFINITIONS_SCHEMA = pa.DataFrameSchema(
    {
        "index_id": pa.Column(str, pa.Check.str_startswith(INDEX_PREFIX), unique=True),
        "n_indicators": pa.Column(int, pa.Check.ge(1), coerce=True),
    }
)


def peers_schema(municipalities: Iterable[str], peer_count: int) -> pa.DataFrameSchema:
    codes = sorted(set(municipalities))

    def not_own_peer(frame: pd.DataFrame) -> pd.Series:
        return frame["area_code"] != frame["peer_code"]

    return pa.DataFrameSchema(
        {
            "area_code": pa.Column(str, pa.Check.isin(codes)),
            "peer_code": pa.Column(str, pa.Check.isin(codes)),
            "distance": pa.Column(float, [pa.Check.ge(0), FINITE]),
            "rank": pa.Column(int, pa.Check.in_range(1, peer_count), coerce=True),
            "n_indicators": pa.Column(int, pa.Check.ge(1), coerce=True),
        },
        checks=[pa.Check(not_own_peer, name="not_own_peer")],
        unique=["area_code", "peer_code"],
        report_duplicates="all",
    )


def peer_group_values_schema(
    group_codes: Iterable[str], peer_count: int, bounds: Mapping[str, Bounds]
) -> pa.DataFrameSchema:
    """The peer groups' rows of `core.group_values`: every group has `peer_count` members;
    values within the indicators' bounds."""
    return pa.DataFrameSchema(
        {
            "indicator_id": pa.Column(str),
            "group_code": pa.Column(str, pa.Check.isin(sorted(set(group_codes)))),
            "year": YEAR,
            "value": pa.Column(float, FINITE),
            "n_members": pa.Column(int, pa.Check.eq(peer_count), coerce=True),
            "n_values": pa.Column(int, pa.Check.in_range(1, peer_count), coerce=True),
            "complete": pa.Column(bool),
        },
        checks=bounds_checks("indicator_id", bounds, ["group_code"], only="complete"),
        unique=["indicator_id", "group_code", "year", "month"],
        report_duplicates="all",
    )
