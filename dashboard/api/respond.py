"""The API's answers: a frame as JSON, CSV or Parquet; errors as JSON; the headers every answer
carries (CORS for GET, caching by ETag).

The ETag is the warehouse's build id (`pipeline.export.complete.build_id`) and a digest of the
request (path and sorted query), so an answer is revalidated for free (304) until the warehouse
is rebuilt. Numbers are sent at full precision in every format (the stored double).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from collections.abc import Iterable

import flask
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard.api.params import ApiError

MAX_AGE_S = 600  # clients and proxies may reuse an answer this long, then revalidate by ETag
MIMETYPES = {
    "json": "application/json",
    "csv": "text/csv",
    "parquet": "application/vnd.apache.parquet",
}
# A compression layer (flask-compress) appends the encoding to a strong ETag ("…:gzip").
ENCODING_SUFFIXES = (":gzip", ":br", ":deflate", ":zstd")


def etag_for(build: str, request: flask.Request) -> str:
    """The answer's ETag: the build and the request's path and sorted query."""
    query = sorted((k, v) for k, values in request.args.lists() for v in values)
    digest = hashlib.sha256(repr((request.path, query)).encode()).hexdigest()[:16]
    return f"{build}-{digest}"


def not_modified(etag: str, request: flask.Request) -> bool:
    """Whether the request's If-None-Match names `etag` (with or without an encoding suffix)."""
    if request.if_none_match.star_tag:
        return True
    tags = {*request.if_none_match.as_set(), *request.if_none_match.as_set(include_weak=True)}
    return any(_bare(tag) == etag for tag in tags)


def _bare(tag: str) -> str:
    for suffix in ENCODING_SUFFIXES:
        if tag.endswith(suffix):
            return tag[: -len(suffix)]
    return tag


def cached(response: flask.Response, etag: str) -> flask.Response:
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE_S
    return cors(response)


def cors(response: flask.Response) -> flask.Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "If-None-Match"
    response.headers["Access-Control-Expose-Headers"] = "ETag"
    return response


def json_response(body: object, status: int = 200) -> flask.Response:
    """JSON in the order it was built (Flask's `jsonify` sorts keys), non-ASCII as is."""
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return flask.Response(text, status, mimetype=MIMETYPES["json"])


def error(exc: ApiError) -> flask.Response:
    response = json_response(exc.body(), exc.status)
    response.cache_control.no_store = True
    return cors(response)


def records(frame: pd.DataFrame) -> list[dict]:
    """JSON-safe rows: dates as ISO text, NaN/NaT/NA as null, numpy scalars as Python."""
    out = []
    columns = list(frame.columns)
    for row in frame.itertuples(index=False, name=None):
        out.append({c: _plain(v) for c, v in zip(columns, row, strict=True)})
    return out


def _plain(value: object) -> object:
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10] if not getattr(value, "hour", 0) else value.isoformat()
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def frame_response(
    frame: pd.DataFrame, fmt: str, meta: dict, name: str, etag: str
) -> flask.Response:
    """The frame in `fmt`: JSON `{"meta": …, "data": [rows]}`, CSV with a header, or Parquet."""
    if fmt == "json":
        response = json_response({"meta": {**meta, "rows": len(frame)}, "data": records(frame)})
    elif fmt == "csv":
        body = frame.to_csv(index=False, date_format="%Y-%m-%d")
        response = flask.Response(body, mimetype=MIMETYPES["csv"])
        response.charset = "utf-8"
    else:
        buffer = io.BytesIO()
        table = pa.Table.from_pandas(frame, preserve_index=False)
        pq.write_table(table, buffer)
        response = flask.Response(buffer.getvalue(), mimetype=MIMETYPES["parquet"])
    if fmt != "json":
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return cached(response, etag)


def columns_of(frame: pd.DataFrame, keep: Iterable[str]) -> pd.DataFrame:
    return frame[[c for c in keep if c in frame.columns]].reset_index(drop=True)
