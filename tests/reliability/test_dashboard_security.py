"""Dashboard security: user input reaches SQL only as bound parameters, the warehouse is opened
read-only, every response carries the security headers, and no debug output is served.

The static check reads dashboard/queries.py with `ast`: the SQL argument of every `_frame(...)`,
`.execute(...)` and `.sql(...)` call must be built only from constants, module-level constants,
`?` placeholder lists and the whitelisting helpers (`lang_of`, `_label`); any other value
interpolated into SQL text (an f-string, `.format`, `%` or `+`) fails it. The dynamic check
records every SQL text the app runs while pages and callbacks get marker-laden input, and
requires that no marker ever appears in SQL text.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from pathlib import Path
from urllib.parse import quote

import duckdb
import pytest

import dashboard.queries as queries_module
from tests.helpers import routing_body

QUERIES = Path(queries_module.__file__)
SANITISERS = {"lang_of", "_label"}
SQL_CALLS = {"_frame", "execute", "sql", "query"}
INJECTION = "'; DROP TABLE core.areas; --"


# --------------------------------------------------------------------------- static check


class SqlArguments(ast.NodeVisitor):
    def __init__(self, tree: ast.Module) -> None:
        self.constants = {
            target.id
            for node in tree.body
            if isinstance(node, ast.Assign | ast.AnnAssign)
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(target, ast.Name)
        }
        self.problems: list[str] = []
        self.checked = 0
        self._assigned: dict[str, list[ast.expr]] = {}
        self._params: set[str] = set()
        self._function = ""

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        saved = self._assigned, self._params, self._function
        self._assigned, self._function = {}, node.name
        for child in ast.walk(node):
            if isinstance(child, ast.Assign):
                for target in child.targets:
                    if isinstance(target, ast.Name):
                        self._assigned.setdefault(target.id, []).append(child.value)
            elif isinstance(child, ast.AnnAssign | ast.AugAssign) and isinstance(
                child.target, ast.Name
            ):
                self._assigned.setdefault(child.target.id, []).append(child.value)
            elif isinstance(child, ast.For | ast.comprehension) and isinstance(
                child.target, ast.Name
            ):
                self._assigned.setdefault(child.target.id, []).append(child.iter)
        args = node.args
        self._params = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
        self.generic_visit(node)
        self._assigned, self._params, self._function = saved

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name in SQL_CALLS and node.args:
            self.checked += 1
            if not self.safe(node.args[0], set()):
                self.problems.append(
                    f"{QUERIES.name}:{node.lineno}: SQL built from a value that is not a "
                    f"constant, a placeholder list or whitelisted: {ast.unparse(node.args[0])[:120]}"
                )
        self.generic_visit(node)

    def safe(self, node: ast.expr | None, seen: set[str]) -> bool:
        if node is None or isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.JoinedStr):
            return all(self.safe(v, seen) for v in node.values)
        if isinstance(node, ast.FormattedValue):
            return self.safe(node.value, seen)
        if isinstance(node, ast.Name):
            return self.safe_name(node.id, seen)
        if isinstance(node, ast.Subscript):  # a choice among module-level constant SQL texts
            return isinstance(node.value, ast.Name) and node.value.id in self.constants
        if isinstance(node, ast.BoolOp):  # e.g. placeholders or "NULL"
            return all(self.safe(v, seen) for v in node.values)
        if isinstance(node, ast.IfExp):
            return self.safe(node.body, seen) and self.safe(node.orelse, seen)
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Mult):  # "?" * n: placeholders
                return _is_question_marks(node.left) or _is_question_marks(node.right)
            if isinstance(node.op, ast.Add):
                return self.safe(node.left, seen) and self.safe(node.right, seen)
            return False  # "%" formatting and the rest
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in SANITISERS:
                return True
            if isinstance(func, ast.Attribute) and func.attr == "join":
                return self.safe(func.value, seen) and all(self.safe(a, seen) for a in node.args)
            if isinstance(func, ast.Attribute) and func.attr == "format":
                return (
                    self.safe(func.value, seen)
                    and all(self.safe(k.value, seen) for k in node.keywords)
                    and all(self.safe(a, seen) for a in node.args)
                )
            return False
        return False

    def safe_name(self, name: str, seen: set[str]) -> bool:
        if name in seen:
            return True
        values = self._assigned.get(name)
        if values is None:  # never assigned here: a module constant, or a raw parameter
            if name in self._params:  # only the funnel (`_frame`) may pass its `sql` through
                return self._function in SQL_CALLS
            return name in self.constants
        return all(self.safe(v, seen | {name}) for v in values)


def _is_question_marks(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and set(node.value)
        <= {
            "?",
            ",",
            " ",
        }
    )


def test_queries_bind_user_input_as_parameters_only():
    tree = ast.parse(QUERIES.read_text(encoding="utf-8"))
    visitor = SqlArguments(tree)
    visitor.visit(tree)
    assert visitor.checked >= 20, "the checker found too few SQL calls to be meaningful"
    assert not visitor.problems, "\n".join(visitor.problems)


def test_the_static_check_catches_interpolated_input():
    bad = """
def by_code(code, lang):
    lang = lang_of(lang)
    a = _frame(f"SELECT * FROM core.areas WHERE area_code = '{code}'")
    b = _frame("SELECT * FROM t WHERE x = '" + code + "'")
    c = _frame("SELECT * FROM t WHERE x = '{}'".format(code))
    d = _frame("SELECT * FROM t WHERE x = '%s'" % code)
    e = _frame(f"SELECT name_{lang} FROM core.areas WHERE area_code = ?", [code])
"""
    tree = ast.parse(bad)
    visitor = SqlArguments(tree)
    visitor.visit(tree)
    assert visitor.checked == 5
    assert len(visitor.problems) == 4  # a-d flagged, e (whitelisted language) allowed


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
    real = queries_module._connection
    monkeypatch.setattr(queries_module, "_connection", lambda: RecordingConnection(real(), log))
    queries_module._clear_caches()  # earlier tests' cached results would hide their SQL
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
    count = queries_module._frame("SELECT count(*) AS n FROM core.areas").n.iloc[0]
    assert count > 308
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM core.areas").fetchone()[0] == count
    assert hashlib.sha256(warehouse_path.read_bytes()).hexdigest() == before


def test_app_connection_is_read_only(dashboard_app):
    con = queries_module._connection()
    for statement in (
        "CREATE TABLE core.intruder AS SELECT 1 AS x",
        "DROP TABLE core.areas",
        "DELETE FROM core.indicator_values",
        "UPDATE core.areas SET name_fi = 'x'",
        "ATTACH ':memory:' AS scratch; CREATE TABLE core.other (x INT)",
    ):
        with pytest.raises(duckdb.Error, match=re.compile("read.only|read-only", re.I)):
            con.execute(statement)
    assert queries_module._frame("SELECT count(*) AS n FROM core.areas").n.iloc[0] > 308


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
        csp = headers.get("Content-Security-Policy", "")
        if url.startswith("/embed/"):
            assert "frame-ancestors" in csp and "'none'" not in csp, url
            assert "X-Frame-Options" not in headers, url
        else:
            assert headers.get("X-Frame-Options") == "DENY", url
            assert "frame-ancestors 'none'" in csp, url
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
