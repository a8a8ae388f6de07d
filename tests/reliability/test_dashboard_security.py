"""Dashboard security: user input reaches SQL only as bound parameters, the warehouse is opened
read-only, every response carries the security headers, and no debug output is served.

The static checks of the named queries and the runner are unit tests
(tests/unit/test_query_safety.py). Here the app runs for real: every SQL text it executes while
pages and callbacks get marker-laden input is recorded, and no marker may ever appear in it.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import re
from urllib.parse import quote

import duckdb
import pytest

from dashboard import cache
from dashboard.queries import runner
from tests.helpers import routing_body

INJECTION = "'; DROP TABLE core.areas; --"


# --------------------------------------------------------------------------- dynamic check


class RecordingCursor:
    def __init__(self, cursor, log: list[str]) -> None:
        self._cursor, self._log = cursor, log

    def execute(self, sql, *args, **kwargs):
        self._log.append(str(sql))
        self._cursor.execute(sql, *args, **kwargs)
        return self

    def __getattr__(self, name):
        return getattr(self._cursor, name)


class RecordingConnection:
    def __init__(self, con, log: list[str]) -> None:
        self._con, self._log = con, log

    def cursor(self):
        return RecordingCursor(self._con.cursor(), self._log)

    def execute(self, sql, *args, **kwargs):
        self._log.append(str(sql))
        return self._con.execute(sql, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._con, name)


def test_marked_input_never_appears_in_sql_text(client, dependencies, monkeypatch):
    log: list[str] = []
    real = runner.connection
    monkeypatch.setattr(runner, "connection", lambda: RecordingConnection(real(), log))
    cache.invalidate()  # earlier tests' cached results would hide their SQL
    marker = "QXZMARK"
    values = [
        f"{marker}1'; DROP TABLE core.areas; --",
        f"091,{marker}2",
        f"population,{marker}3",
        f'{marker}4") OR 1=1 --',
        f"20{marker}5",
    ]
    keys = ["areas", "groups", "indicator", "indicators", "year", "from", "to", "x", "y", "peer"]
    pages = ["/compare", "/map", "/data", "/network", "/about", "/"]
    for number, page in enumerate(pages * 3):
        query = "&".join(
            f"{k}={quote(values[(number + i) % len(values)])}" for i, k in enumerate(keys)
        )
        body = routing_body(dependencies, page, f"?lang=en&{query}")
        assert client.post("/_dash-update-component", json=body).status_code == 200
    for value in values:
        for page in (f"/town/{quote(value, safe='')}", f"/embed/town/{quote(value, safe='')}"):
            body = routing_body(dependencies, page, f"?lang=fi&indicators={quote(value)}")
            assert client.post("/_dash-update-component", json=body).status_code == 200
    assert len(log) > 20, "no SQL was recorded: the wrapper did not take effect"
    leaked = [sql for sql in log if marker in sql]
    assert not leaked, f"user input reached SQL text: {leaked[:3]}"


def _area_count() -> int:
    return runner.connection().execute("SELECT count(*) FROM core.areas").fetchone()[0]


def test_injection_through_page_urls_leaves_tables(client, dependencies, warehouse_path):
    before = hashlib.sha256(warehouse_path.read_bytes()).hexdigest()
    quoted = quote(INJECTION, safe="")
    for url in (
        f"/town/{quoted}",
        f"/embed/town/{quoted}?indicators={quoted}",
        f"/compare?areas={quoted}&indicator={quoted}&year={quoted}",
        f"/map?indicator={quoted}&year={quoted}",
        f"/data?indicators={quoted}&areas={quoted}&from={quoted}",
        f"/network?year={quoted}&lang={quoted}",
    ):
        path, _, search = url.partition("?")
        assert client.get(url).status_code in (200, 404)
        response = client.post(
            "/_dash-update-component",
            json=routing_body(dependencies, path, f"?{search}" if search else ""),
        )
        assert response.status_code == 200
        assert "Traceback" not in response.get_data(as_text=True)
    count = _area_count()
    assert count > 308
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM core.areas").fetchone()[0] == count
    assert hashlib.sha256(warehouse_path.read_bytes()).hexdigest() == before


def test_app_connection_is_read_only(dashboard_app):
    con = runner.connection()
    for statement in (
        "CREATE TABLE core.intruder AS SELECT 1 AS x",
        "DROP TABLE core.areas",
        "DELETE FROM core.indicator_values",
        "UPDATE core.areas SET name_fi = 'x'",
        "ATTACH ':memory:' AS scratch; CREATE TABLE core.other (x INT)",
    ):
        with pytest.raises(duckdb.Error, match=re.compile("read.only|read-only", re.I)):
            con.execute(statement)
    assert _area_count() > 308


# --------------------------------------------------------------------------- headers and debug


def _urls(client) -> list[str]:
    html = client.get("/").get_data(as_text=True)
    suites = re.findall(r'src="(/_dash-component-suites/[^"]+)"', html)
    assert suites
    return [
        "/",
        "/?lang=sv",
        "/town/684",
        "/compare?areas=091",
        "/map",
        "/data",
        "/network",
        "/about",
        "/embed/town/684",
        "/embed/town/999",
        "/no/such/page",
        "/_dash-layout",
        "/_dash-dependencies",
        "/_reload-hash",
        "/_favicon.ico",
        "/assets/nonexistent.css",
        suites[0],
        "/console",
        "/?__debugger__=yes&cmd=resource&f=debugger.js",
    ]


def test_every_response_carries_the_security_headers(client, dependencies):
    responses = []
    for url in _urls(client):
        responses += [(url, client.get(url)), (url, client.head(url))]
    responses.append(("/", client.open("/", method="DELETE")))  # 405
    responses.append(("/_dash-update-component", client.post("/_dash-update-component", data=b"{")))
    responses.append(
        (
            "/_dash-update-component",
            client.post("/_dash-update-component", json=routing_body(dependencies, "/", "")),
        )
    )
    for url, response in responses:
        headers = response.headers
        assert headers.get("X-Content-Type-Options") == "nosniff", url
        assert headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", url
        csp = _directives(headers.get("Content-Security-Policy", ""))
        if url.startswith("/embed/"):  # server-rendered: nothing but its own inline blocks
            assert csp.get("default-src") == ["'none'"], url
            assert csp.get("frame-ancestors") == ["*"], url
            assert "X-Frame-Options" not in headers, url
        else:
            assert csp.get("default-src") == ["'self'"], url
            assert csp.get("object-src") == ["'none'"], url
            assert headers.get("X-Frame-Options") == "DENY", url
            assert csp.get("frame-ancestors") == ["'none'"], url
        assert response.status_code < 500, url


def test_no_debugger_dev_tools_or_secrets(dashboard_app, client):
    assert dashboard_app.server.debug is False
    tools = dashboard_app._dev_tools
    assert not tools.ui and not tools.hot_reload and not tools.serve_dev_bundles
    assert not tools.props_check
    assert client.get("/console").status_code == 404
    debugger = client.get("/?__debugger__=yes&cmd=resource&f=debugger.js")
    assert "Werkzeug" not in debugger.get_data(as_text=True)
    assert json.loads(client.get("/_reload-hash").get_data())["reloadHash"] is None
    html = client.get("/").get_data(as_text=True)
    assert ".dev.js" not in html and "dash-debug-menu" not in html
    secret = dashboard_app.server.secret_key
    for url in _urls(client):
        text = client.get(url).get_data().decode("utf-8", "replace")
        assert "Traceback" not in text and "SECRET_KEY" not in text, url
        if secret:
            assert str(secret) not in text, url


# --------------------------------------------------------------------------- content security policy


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


def test_the_csp_restricts_every_kind_of_resource(client):
    for url in ("/", "/town/684", "/_dash-layout", "/no/such/page"):
        csp = _directives(client.get(url).headers["Content-Security-Policy"])
        for name in ("default-src", "style-src", "img-src", "connect-src", "font-src"):
            assert "'self'" in csp.get(name, []), (url, name, csp)
        assert csp.get("object-src") == ["'none'"], url
        assert csp.get("base-uri") == ["'self'"], url
        scripts = csp.get("script-src", [])
        assert "'self'" in scripts and "'unsafe-inline'" not in scripts, url
        assert "'unsafe-eval'" not in scripts and "*" not in csp.get("default-src", []), url


def test_the_embeds_allow_only_their_own_inline_style_and_script(client):
    for url in ("/embed/town/684", "/embed/town/999", "/embed/services/678"):
        csp = _directives(client.get(url).headers["Content-Security-Policy"])
        assert csp.get("default-src") == ["'none'"], url
        for name in ("script-src", "style-src"):
            (source,) = csp[name]
            assert source.startswith("'sha256-"), (url, name, csp)
        assert csp.get("base-uri") == ["'none'"] and csp.get("frame-ancestors") == ["*"], url


def test_the_inline_scripts_of_a_page_are_allowed_by_their_hashes(client):
    response = client.get("/compare")
    allowed = set(_directives(response.headers["Content-Security-Policy"])["script-src"])
    html = response.get_data(as_text=True)
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", html, re.S)
    executable = [body for attrs, body in inline if "application/json" not in attrs]
    assert len(executable) >= 2  # the renderer and the clientside callbacks
    for body in executable:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in allowed, body[:80]


# --------------------------------------------------------------------------- paths and logs


@pytest.mark.parametrize(
    "path",
    [
        "/_dash-component-suites/../../etc/passwd",
        "/_dash-component-suites/%2e%2e/%2e%2e/etc/passwd",
        "/_dash-component-suites/dash/../../pyproject.toml",
        "/_dash-component-suites/dash/..%2f..%2fapp.py",
        "/_dash-component-suites/nope/x.js",
        "/_dash-component-suites/dash/no/such/file.js",
    ],
)
def test_unknown_component_suite_paths_are_404_without_traceback(client, caplog, path):
    with caplog.at_level(logging.DEBUG):
        response = client.get(path)
    assert response.status_code == 404
    assert "root:" not in response.get_data(as_text=True)
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert "Traceback" not in caplog.text


def test_logged_request_data_is_truncated(client, caplog):
    bogus = "A" * 1_000_000
    body = {
        "output": f"{bogus}.children",
        "outputs": {"id": bogus, "property": "children"},
        "inputs": [{"id": bogus, "property": "value", "value": bogus}],
        "changedPropIds": [f"{bogus}.value"],
    }
    for _ in range(3):
        with caplog.at_level(logging.DEBUG):
            response = client.post("/_dash-update-component", json=body)
        assert response.status_code == 400
    handler = logging.StreamHandler(stream := io.StringIO())
    for record in caplog.records:
        handler.handle(record)
    written = stream.getvalue()
    assert caplog.records, "the malformed requests were not logged"
    assert len(written) < 3 * 20_000, f"{len(written):,} characters of log for 3 requests"
    assert "more characters" in written  # the truncation says so
