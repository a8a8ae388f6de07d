"""The read-only web API, `/api/v1/…`: plain Flask routes on the Dash server.

- `/api/v1/indicators`: the catalogue with each indicator's first and newest year and level.
- `/api/v1/areas`: every area code with its kind and name (`?kind=` to filter).
- `/api/v1/values?indicator=…&area=…&group=…&from=…&to=…`: values, the rows of
  `pipeline.export.select_frame` for the same `Selection` (so the numbers are the downloads').
- `/api/v1/openapi.json`: the OpenAPI 3 description (`openapi.yaml`).

Each data endpoint answers `?format=json` (default), `csv` or `parquet` and `?lang=fi|sv|en`.
A values answer holds at most `MAX_ROWS` rows and its queries run at most `TIME_LIMIT_S`
(DuckDB's interrupt): past either, a 400 JSON error says what to narrow.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import flask
import yaml

from dashboard import queries
from dashboard.api import respond
from dashboard.api.params import ENDPOINTS, ApiError, parse
from dashboard.queries.runner import with_cursor
from pipeline.export import CREDIT, ExportError, Selection, complete, count_rows, select_frame

MAX_ROWS = 100_000
TIME_LIMIT_S = 10.0
SPEC = Path(__file__).with_name("openapi.yaml")
INDICATOR_COLUMNS = (
    "indicator_id", "theme", "label", "description", "unit", "decimals", "direction",
    "aggregation", "level", "first_year", "last_year", "last_month", "table_id", "updated",
    "citation",
)  # fmt: skip
AREA_COLUMNS = (
    "area_code", "kind", "name", "region_code", "subregion_code", "municipality_group_code",
    "is_network", "is_university_city",
)  # fmt: skip
# ExportError texts begin with what they name; the parameter that carried it
_EXPORT_PARAMETERS = {"unknown indicator": "indicator", "unknown index": "indicator",
                      "unknown area": "area", "unknown group": "group"}  # fmt: skip


@queries.memoised(1)
def build_id() -> str:
    return with_cursor(complete.build_id)


def install(server: flask.Flask) -> None:
    """Register the API's routes on the Dash app's Flask server."""
    server.add_url_rule("/api/v1/indicators", "api_indicators", _endpoint(indicators))
    server.add_url_rule("/api/v1/areas", "api_areas", _endpoint(areas))
    server.add_url_rule("/api/v1/values", "api_values", _endpoint(values))
    server.add_url_rule("/api/v1/openapi.json", "api_openapi", _endpoint(openapi))
    server.add_url_rule("/api/v1/", "api_unknown", unknown, defaults={"rest": ""})
    server.add_url_rule("/api/v1/<path:rest>", "api_unknown_path", unknown)


def _endpoint(answer: Callable[[dict, str], flask.Response]) -> Callable[[], flask.Response]:
    """A view: CORS preflight, parameters parsed, 304 on a matching If-None-Match, errors as
    JSON."""

    def view() -> flask.Response:
        request = flask.request
        if request.method == "OPTIONS":
            return respond.cors(flask.Response(status=204))
        try:
            params = parse(request.path, request.args.to_dict(flat=False))
            etag = respond.etag_for(build_id(), request)
            if respond.not_modified(etag, request):
                return respond.cached(flask.Response(status=304), etag)
            return answer(params, etag)
        except ApiError as exc:
            return respond.error(exc)

    view.__name__ = f"api_{answer.__name__}"
    view.methods = ["GET", "HEAD", "OPTIONS"]  # type: ignore[attr-defined]
    view.provide_automatic_options = False  # type: ignore[attr-defined]
    return view


def unknown(rest: str) -> flask.Response:
    known = ", ".join(ENDPOINTS)
    return respond.error(ApiError(f"no endpoint /api/v1/{rest}; known: {known}", status=404))


def _meta(params: dict, columns: list[str]) -> dict[str, Any]:
    return {"build": build_id(), "lang": params.get("lang"), "columns": columns, "credit": CREDIT}


def indicators(params: dict, etag: str) -> flask.Response:
    lang = str(params["lang"])
    coverage = queries.indicator_coverage().drop(columns=["sources"])
    frame = queries.indicators(lang).merge(coverage, on="indicator_id", how="left")
    frame = respond.columns_of(frame, INDICATOR_COLUMNS)
    meta = _meta(params, list(frame.columns))
    return respond.frame_response(frame, str(params["format"]), meta, "indicators", etag)


def areas(params: dict, etag: str) -> flask.Response:
    frame = queries.areas(str(params["lang"]))
    if params.get("kind"):
        frame = frame[frame["kind"] == params["kind"]]
    frame = respond.columns_of(frame, AREA_COLUMNS)
    meta = _meta(params, list(frame.columns))
    return respond.frame_response(frame, str(params["format"]), meta, "areas", etag)


def values(params: dict, etag: str) -> flask.Response:
    selection = Selection(
        indicators=params["indicator"],
        areas=params["area"],
        groups=params["group"],
        year_from=params["from"],
        year_to=params["to"],
        lang=str(params["lang"]),
    )
    rows = _timed(lambda cursor: count_rows(cursor, selection))
    if rows > MAX_ROWS:
        raise ApiError(
            f"the selection holds {rows:,} values, more than the limit of {MAX_ROWS:,}: narrow "
            "it with fewer indicators, areas or groups, or with from/to (or use the complete "
            "downloads of the /data page)",
            "indicator",
            list(selection.indicators),
        )
    frame = _timed(lambda cursor: select_frame(cursor, selection))
    meta = _meta(params, list(frame.columns))
    sources = queries.sources_for(frame["indicator_id"].unique(), selection.lang)
    meta["sources"] = respond.records(
        respond.columns_of(sources, ("source_id", "table_id", "publisher", "licence", "updated"))
    )
    return respond.frame_response(frame, str(params["format"]), meta, "values", etag)


def _timed(read: Callable[[duckdb.DuckDBPyConnection], Any]) -> Any:
    """`read(cursor)` interrupted after `TIME_LIMIT_S`; an unknown input as ApiError."""

    def run(cursor: duckdb.DuckDBPyConnection) -> Any:
        timer = threading.Timer(TIME_LIMIT_S, cursor.interrupt)
        timer.start()
        try:
            return read(cursor)
        except duckdb.InterruptException as exc:
            raise ApiError(
                f"the query took longer than {TIME_LIMIT_S:g} s: narrow the selection",
                "indicator",
            ) from exc
        finally:
            timer.cancel()

    try:
        return with_cursor(run)
    except ExportError as exc:
        text = str(exc)
        parameter = next((p for k, p in _EXPORT_PARAMETERS.items() if text.startswith(k)), None)
        value = text.split("'")[1] if text.count("'") >= 2 else None
        raise ApiError(text, parameter, value) from exc


@queries.memoised(1)
def spec() -> dict:
    return yaml.safe_load(SPEC.read_text(encoding="utf-8"))


def openapi(params: dict, etag: str) -> flask.Response:
    return respond.cached(respond.json_response(spec()), etag)
