"""Contract tests of the read-only web API (`dashboard/api/`): every endpoint's status, content
type, CORS and caching headers, 304 revalidation, caps and bad input, the OpenAPI description
against the routes, and the values equal to the export's for the same selection."""

from __future__ import annotations

import io

import duckdb
import pandas as pd
import pytest

from dashboard.api import params as api_params
from dashboard.api import routes
from pipeline.export import Selection, export_file

ENDPOINTS = {
    "/api/v1/indicators": "?lang=en",
    "/api/v1/areas": "?kind=region",
    "/api/v1/values": "?indicator=unemployment_rate&area=140,SSS",
}
PARQUET = "application/vnd.apache.parquet"


@pytest.mark.parametrize("path", [*ENDPOINTS, "/api/v1/openapi.json"])
def test_each_endpoint_answers_json_with_cors_etag_and_cache_control(client, path):
    response = client.get(path + ENDPOINTS.get(path, ""))
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["ETag"].strip('"')
    assert "max-age" in response.headers["Cache-Control"]
    assert response.get_json()


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(("fmt", "mimetype"), [("csv", "text/csv"), ("parquet", PARQUET)])
def test_each_data_endpoint_answers_csv_and_parquet_with_the_json_rows(client, path, fmt, mimetype):
    query = ENDPOINTS[path]
    as_json = pd.DataFrame(client.get(path + query).get_json()["data"])
    response = client.get(f"{path}{query}&format={fmt}")
    assert response.status_code == 200 and response.mimetype == mimetype
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = io.BytesIO(response.data)
    frame = pd.read_csv(body, dtype={"area_code": str}) if fmt == "csv" else pd.read_parquet(body)
    assert list(frame.columns) == list(as_json.columns)
    assert len(frame) == len(as_json) > 0


@pytest.mark.parametrize("path", [*ENDPOINTS, "/api/v1/openapi.json"])
def test_a_matching_if_none_match_gets_304_and_another_request_another_etag(client, path):
    first = client.get(path + ENDPOINTS.get(path, ""))
    etag = first.headers["ETag"]
    again = client.get(path + ENDPOINTS.get(path, ""), headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.data
    assert again.headers["ETag"] == etag
    assert again.headers["Access-Control-Allow-Origin"] == "*"
    if path != "/api/v1/openapi.json":  # it takes no parameters
        assert client.get(f"{path}{ENDPOINTS[path]}&format=json").headers["ETag"] != etag


def test_the_etag_names_the_build_and_survives_compression(client):
    build = routes.build_id()
    gzipped = client.get("/api/v1/areas", headers={"Accept-Encoding": "gzip"})
    assert gzipped.headers.get("Content-Encoding") == "gzip"
    assert gzipped.headers["ETag"].strip('"').startswith(build)
    headers = {"If-None-Match": gzipped.headers["ETag"], "Accept-Encoding": "gzip"}
    assert client.get("/api/v1/areas", headers=headers).status_code == 304
    # the same parameters in another order are the same request
    a = client.get("/api/v1/values?indicator=population&area=140").headers["ETag"]
    b = client.get("/api/v1/values?area=140&indicator=population").headers["ETag"]
    assert a == b


def test_a_cors_preflight_is_answered(client):
    response = client.options("/api/v1/values")
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]


@pytest.mark.parametrize(
    ("query", "parameter", "value", "says"),
    [
        ("/api/v1/values", "indicator", None, "required"),
        ("/api/v1/values?indicator=nope", "indicator", "nope", "unknown indicator"),
        ("/api/v1/values?indicator=population&area=999", "area", "999", "unknown area"),
        ("/api/v1/values?indicator=population&group=nowhere", "group", "nowhere", "unknown group"),
        ("/api/v1/values?indicator=population&from=20x0", "from", "20x0", "a year"),
        ("/api/v1/values?indicator=population&to=3000", "to", 3000, "between 1900 and 2100"),
        ("/api/v1/values?indicator=population&from=2020&to=2010", "from", 2020, "after"),
        ("/api/v1/values?indicator=population&format=xml", "format", "xml", "json, csv, parquet"),
        ("/api/v1/values?indicator=population&lang=de", "lang", "de", "fi, sv, en"),
        ("/api/v1/values?indicator=population&lang=fi&lang=sv", "lang", ["fi", "sv"], "once"),
        ("/api/v1/values?indicators=population", "indicators", None, "unknown parameter"),
        ("/api/v1/areas?kind=planet", "kind", "planet", "must be one of"),
        ("/api/v1/indicators?x=1", "x", None, "unknown parameter"),
        ("/api/v1/values?indicator=" + ",".join(["a"] * 401), "indicator", None, "at most 400"),
        ("/api/v1/values?indicator=" + "x" * 65, "indicator", "x" * 64, "longer than"),
        (
            "/api/v1/values?indicator=%27%3B%20DROP%20TABLE%20core.areas%3B--",
            "indicator",
            None,
            None,
        ),
    ],
)
def test_bad_input_gets_400_json_naming_the_parameter(client, con, query, parameter, value, says):
    response = client.get(query)
    assert response.status_code == 400, query
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"] == "no-store"
    error = response.get_json()["error"]
    assert error["status"] == 400 and error["message"]
    if parameter:
        assert error["parameter"] == parameter
    if value is not None:
        assert error["value"] == value
    if says:
        assert says in error["message"]
    assert con.execute("SELECT count(*) FROM core.areas").fetchone()[0] > 300


def test_a_repeated_list_is_read_like_a_comma_separated_one(client):
    a = client.get("/api/v1/values?indicator=population&area=140&area=740").get_json()["data"]
    b = client.get("/api/v1/values?indicator=population&area=140,740").get_json()["data"]
    assert a == b and {r["area_code"] for r in a} == {"140", "740"}


def test_an_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/valuez")
    assert response.status_code == 404 and response.mimetype == "application/json"
    assert "/api/v1/values" in response.get_json()["error"]["message"]


def test_the_row_cap_is_a_400_saying_what_to_narrow(client, monkeypatch):
    monkeypatch.setattr(routes, "MAX_ROWS", 5)
    response = client.get("/api/v1/values?indicator=population&area=140")
    assert response.status_code == 400
    message = response.get_json()["error"]["message"]
    assert "more than the limit of 5" in message and "from/to" in message


def test_the_time_cap_interrupts_a_slow_query_with_a_400(client, monkeypatch):
    def slow(cursor, selection):
        return cursor.execute("SELECT count(*) FROM range(1000000000000) a").df()

    monkeypatch.setattr(routes, "TIME_LIMIT_S", 0.3)
    monkeypatch.setattr(routes, "select_frame", slow)
    response = client.get("/api/v1/values?indicator=population&area=140&from=1999")
    assert response.status_code == 400
    assert "longer than 0.3 s" in response.get_json()["error"]["message"]


def test_values_equal_the_exports_for_the_same_selection(client, warehouse_path, tmp_path):
    query = (
        "indicator=unemployment_rate,population&area=140,740,SSS&group=network&from=2015&lang=sv"
    )
    selection = Selection(
        indicators=("unemployment_rate", "population"),
        areas=("140", "740", "SSS"),
        groups=("network",),
        year_from=2015,
        lang="sv",
    )
    out = tmp_path / "export.parquet"
    export_file(warehouse_path, selection, "parquet", out)
    exported = pd.read_parquet(out)
    as_json = pd.DataFrame(client.get(f"/api/v1/values?{query}").get_json()["data"])
    as_parquet = pd.read_parquet(
        io.BytesIO(client.get(f"/api/v1/values?{query}&format=parquet").data)
    )
    as_csv = pd.read_csv(
        io.BytesIO(client.get(f"/api/v1/values?{query}&format=csv").data), dtype={"area_code": str}
    )
    assert len(exported) == len(as_json) == len(as_parquet) == len(as_csv) > 20
    for frame in (as_json, as_parquet, as_csv):
        assert list(frame.area_code) == list(exported.area_code)
        assert list(frame.year) == list(exported.year)
        assert frame["value"].tolist() == exported["value"].tolist()  # full precision
    assert list(as_json.label) == list(exported.label)  # in the language asked for
    assert "Folkmängd" in set(as_json.label)


def test_a_value_is_the_one_the_warehouse_holds(client, warehouse_path):
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        expected = con.execute(
            "SELECT value FROM core.indicator_values WHERE indicator_id = 'population' "
            "AND area_code = '140' AND year = 2020"
        ).fetchone()[0]
    finally:
        con.close()
    rows = client.get("/api/v1/values?indicator=population&area=140&from=2020&to=2020").get_json()
    assert [r["value"] for r in rows["data"]] == [expected]
    assert rows["meta"]["rows"] == 1 and rows["meta"]["sources"]


def test_indicators_carry_their_years_and_source_table(client):
    rows = client.get("/api/v1/indicators?lang=en").get_json()["data"]
    population = next(r for r in rows if r["indicator_id"] == "population")
    assert population["label"] == "Population" and population["first_year"] <= 1990
    assert population["table_id"] and population["unit"]


def _resolve(spec: dict, item: dict) -> dict:
    if "$ref" in item:
        node = spec
        for part in item["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        return node
    return item


def test_the_openapi_description_matches_the_routes_parameters(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) == set(api_params.ENDPOINTS)
    for path, declared in api_params.ENDPOINTS.items():
        described = {
            p["name"]: p
            for p in (_resolve(spec, i) for i in spec["paths"][path]["get"].get("parameters", []))
        }
        assert set(described) == {p.name for p in declared}, path
        for param in declared:
            item = described[param.name]
            assert item["in"] == "query" and item.get("required", False) == param.required
            if param.choices:
                assert tuple(item["schema"]["enum"]) == param.choices, (path, param.name)
            if param.kind == "year":
                assert (item["schema"]["minimum"], item["schema"]["maximum"]) == api_params.YEARS
            if param.kind == "list":
                assert item["schema"]["maxItems"] == api_params.MAX_LIST


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_examples_page_shows_curl_pandas_and_r_and_about_links_it(client, lang):
    from dashboard.views import about, api_page
    from dashboard.views.common import presentation

    text = str(api_page.content(lang))
    assert "curl" in text and "pd.read_parquet" in text and "fromJSON" in text
    assert "/api/v1/openapi.json" in text
    assert f"/api?lang={lang}" in str(about.sections(lang, presentation()))
    assert client.get(f"/api?lang={lang}").status_code == 200
