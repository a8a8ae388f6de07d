"""A PxWeb API v1 server on 127.0.0.1: recorded responses (tests/fixtures/) and the bundled snapshot.

Serves, under ``/PxWeb/api/v1/{fi,sv,en}/``:

- folder listings ``StatFin`` and ``StatFin/vaerak`` (fi, recorded);
- ``?config`` (limits, configurable);
- table metadata (GET) and data (POST, formats ``json-stat2``, ``json-stat`` and ``json``) for:
  - ``StatFin/vaerak/statfin_vaerak_pxt_11re.px`` (fi): the pre-June-2026 form; metadata recorded,
    data = the recorded full table (310 areas x 52 years, age and sex totals);
  - ``StatFin/11re.px`` (also ``StatFin/vaerak/11re.px``, fi): the 2026 form; metadata recorded.
    Its data are a RELABELLING FOR TESTING: the old-form numbers under the new codes
    (``contentscode``/``vaerak-vaesto``, ...), restricted to the areas the new metadata lists, with
    the recorded 2026-form cells (Helsinki 2021-2025, Espoo/Vantaa 2025, whole country 2023-2025)
    laid over them. Areas that changed in a merger carry their old-division numbers here, so
    these data are for exercising the client only, never as figures;
  - ``StatFin/velk/statfin_velk_pxt_13kt.px`` (fi, sv, en): metadata and cells recorded;
  - ``Kuntien_talous_ja_toiminta/Kunnat/9._Tunnusluvut/006_kta_19_2020.px`` (en) and
    ``StatFin/vaenn/statfin_vaenn_pxt_14wx.px`` (en): served from recorded json-stat2 files; their
    metadata is derived from those files.

- every PxWeb table declared in ``indicators.yaml`` (11re, 11lj, 12w7, 14wx, 12r5, 12bc, 11ge and
  the kta key figures), in its 2026 form (``StatFin/12r5.px``, versioned codes) and its legacy
  form (``StatFin/tyonv/statfin_tyonv_pxt_12r5.px``): THE BUNDLED SNAPSHOT'S REAL NUMBERS
  RE-ENCODED AS PXWEB RESPONSES FOR TESTING (see :mod:`tests.replay_snapshot`), nothing
  recorded. Tables that also have a recorded form (11re, 14wx, kta) answer from the recording
  unless :meth:`ReplayServer.use_snapshot` is on; then every table answers from the bundled
  files and each subject folder (``StatFin/tyonv``, …) lists its tables with the manifest's
  ``updated``, so an unchanged snapshot is skipped. :meth:`ReplayServer.bump_updated` gives
  tables a newer ``updated`` (to force a refresh); :meth:`ReplayServer.set_forms` switches
  either form off.

Cells the recordings (or bundled files) do not hold are answered as missing (``null`` with
status ``..``).
Omitted variables with elimination are answered at their total (``SSS`` or a "total" label).

Configurable: cell limit (403 HTML page), rate limit over a sliding window that counts rejected
calls too (429 with or without ``Retry-After``), faults switched on for the next N matching
requests (``503``, ``500``, ``502``, ``429``, ``reset``, ``slow``, ``truncated``, ``nonjson``,
``metadata_change``) and a request log with arrival times.

Standalone: ``python -m tests.replay_server --port 8765`` prints the base URLs and serves the
snapshot world (``--recorded`` for the tests' default) until interrupted.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import math
import socket
import struct
import threading
import time
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import numpy as np

from tests.replay_snapshot import build_snapshot_tables, listing_stamp

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SNAPSHOT = ROOT / "data" / "snapshot" / "statfin"
API_PREFIX = "/PxWeb/api/v1"
LANGS = ("fi", "sv", "en")

OLD_11RE = "StatFin/vaerak/statfin_vaerak_pxt_11re.px"
NEW_11RE = "StatFin/11re.px"
VELK_13KT = "StatFin/velk/statfin_velk_pxt_13kt.px"
KTA = "Kuntien_talous_ja_toiminta/Kunnat/9._Tunnusluvut/006_kta_19_2020.px"
PROJECTION = "StatFin/vaenn/statfin_vaenn_pxt_14wx.px"
_TOTALS = {"sss", "yhteensä", "total", "totalt", "koko maa", "whole country", "hela landet"}
_GEO = ("alue", "område", "area", "region", "maakunta", "kunta", "landskap")


def _load(name: str) -> Any:
    path = FIXTURES / name if (FIXTURES / name).exists() else SNAPSHOT / name
    return json.loads(path.read_text(encoding="utf-8-sig"))


# --------------------------------------------------------------------------- tables


@dataclass
class Table:
    """One served table: metadata variables plus the recorded cells.

    ``cube`` is dense over the *recorded* values of each variable (``recorded[i]``); cells of
    values the recording lacks are missing.
    """

    title: str
    variables: list[dict[str, Any]]
    recorded: list[list[str]]
    cube: np.ndarray
    updated: str
    source: str
    table_id: str | None = None  # set for the snapshot tables (their `updated` can be bumped)
    units: dict[tuple[str, str], dict] = field(default_factory=dict)  # (variable, value) -> unit
    # (variable, value) that a data answer lists twice (a list-form index), cells repeated
    repeat_in_answer: tuple[str, str] | None = None

    def metadata_json(self) -> dict[str, Any]:
        return {"title": self.title, "variables": self.variables}


def with_value(table: Table, variable: str, code: str, text: str, like: str) -> Table:
    """A copy of `table` whose `variable` also lists `code` (`text`), with the cells of `like`
    (a new area such as an unknown code 999 that carries another area's numbers)."""
    axis = next(i for i, v in enumerate(table.variables) if v["code"] == variable)
    variables = [dict(v) for v in table.variables]
    variables[axis]["values"] = [*variables[axis]["values"], code]
    variables[axis]["valueTexts"] = [*variables[axis]["valueTexts"], text]
    recorded = [list(r) for r in table.recorded]
    position = recorded[axis].index(like)
    recorded[axis].append(code)
    cube = np.concatenate([table.cube, np.take(table.cube, [position], axis=axis)], axis=axis)
    return replace(table, variables=variables, recorded=recorded, cube=cube)


def without_value(table: Table, variable: str, code: str) -> Table:
    """A copy of `table` whose `variable` no longer lists `code` (its cells are not answered)."""
    variables = [dict(v) for v in table.variables]
    for var in variables:
        if var["code"] == variable:
            keep = [i for i, c in enumerate(var["values"]) if c != code]
            var["values"] = [var["values"][i] for i in keep]
            var["valueTexts"] = [var["valueTexts"][i] for i in keep]
    return replace(table, variables=variables)


def _table_from_cells(
    title: str,
    variables: list[dict],
    cells: dict[tuple[str, ...], float],
    updated: str,
    source: str,
) -> Table:
    recorded = [
        [v for v in var["values"] if any(key[i] == v for key in cells)]
        for i, var in enumerate(variables)
    ]
    pos = [{v: j for j, v in enumerate(r)} for r in recorded]
    cube = np.full([len(r) for r in recorded], np.nan)
    for key, value in cells.items():
        cube[tuple(p[k] for p, k in zip(pos, key, strict=True))] = value
    return Table(title, variables, recorded, cube, updated, source)


def _jsonstat_cells(doc: dict, codes: dict[str, str] | None = None) -> dict[tuple, float]:
    """Cells of a json-stat2 response keyed by codes in ``doc['id']`` order (dims renamed)."""
    ids, sizes = doc["id"], doc["size"]
    cats = []
    for d in ids:
        index = doc["dimension"][d]["category"]["index"]
        cats.append(sorted(index, key=index.get) if isinstance(index, dict) else list(index))
    values = doc["value"]
    out = {}
    for flat, key in enumerate(np.ndindex(*sizes)):
        v = values[flat] if isinstance(values, list) else values.get(str(flat))
        if v is not None:
            out[tuple(cats[i][k] for i, k in enumerate(key))] = float(v)
    return out


def _variables_from_jsonstat(doc: dict) -> list[dict]:
    """Metadata variables derived from a json-stat2 document (for tables with no recorded GET)."""
    time_ids = set((doc.get("role") or {}).get("time", []))
    out = []
    for d in doc["id"]:
        dim = doc["dimension"][d]
        index = dim["category"]["index"]
        codes = sorted(index, key=index.get) if isinstance(index, dict) else list(index)
        var = {
            "code": d,
            "text": dim.get("label", d),
            "values": codes,
            "valueTexts": [dim["category"].get("label", {}).get(c, c) for c in codes],
        }
        if d in time_ids:
            var["time"] = True
        out.append(var)
    return out


def _old_11re_cells() -> tuple[dict, dict]:
    doc = _load("reconstructed_statfin_vaerak_pxt_11re_2025api_POST_json_allareas_allyears.json")
    cells = {}
    for row in doc["data"]:
        area, age, sex, year = row["key"]
        cells[(area, age, sex, year, "vaesto")] = float(row["values"][0])
    return cells, doc["metadata"][0]


def build_tables() -> dict[tuple[str, str], Table]:
    """All served tables keyed by ``(language, path)``."""
    tables: dict[tuple[str, str], Table] = {}
    old_md = _load("reconstructed_statfin_vaerak_pxt_11re_2025api_GET_metadata_fi.json")
    old_cells, old_info = _old_11re_cells()
    tables[("fi", OLD_11RE)] = _table_from_cells(
        old_md["title"], old_md["variables"], old_cells, old_info["updated"], old_info["source"]
    )

    new_md = _load("statfin_11re_2026api_GET_metadata_fi.json")
    areas = set(new_md["variables"][0]["values"])
    new_cells = {
        (a, g, s, y, "vaerak-vaesto"): v for (a, g, s, y, _), v in old_cells.items() if a in areas
    }
    recorded = None
    for name in (
        "statfin_11re_2026api_POST_jsonstat2_KU049_KU091_KU092_2025.json",
        "statfin_11re_2026api_POST_jsonstat2_KU091_top5years.json",
        "markusl-statfin-mcp_api-query-population-finland_POST_jsonstat2_fi_11re_SSS_top3.json",
    ):
        recorded = _load(name)
        new_cells.update(_jsonstat_cells(recorded))
    tables[("fi", NEW_11RE)] = _table_from_cells(
        new_md["title"], new_md["variables"], new_cells, recorded["updated"], recorded["source"]
    )
    tables[("fi", "StatFin/vaerak/11re.px")] = tables[("fi", NEW_11RE)]

    for lang in LANGS:
        md = _load(f"StatisticsFinland-PxGraf_velk_13kt_GET_metadata_{lang}.json")
        doc = _load(f"StatisticsFinland-PxGraf_velk_13kt_POST_jsonstat2_{lang}.json")
        order = [v["code"] for v in md["variables"]]
        cells = {
            tuple(k[doc["id"].index(c)] for c in order): v for k, v in _jsonstat_cells(doc).items()
        }
        tables[(lang, VELK_13KT)] = _table_from_cells(
            md["title"], md["variables"], cells, doc["updated"], doc["source"]
        )

    for path, name in (
        (KTA, "kta_006_2020_POST_jsonstat2_en_loan_keyfigures_all_municipalities.json"),
        (
            PROJECTION,
            "vaenn_14wx_population_projection2024_years2024_2035_2040_by_age_jsonstat2_en.json",
        ),
    ):
        doc = _load(name)
        tables[("en", path)] = _dense_table(doc)
    return tables


def _dense_table(doc: dict) -> Table:
    variables = _variables_from_jsonstat(doc)
    values = np.array([np.nan if v is None else v for v in doc["value"]], dtype=float)
    return Table(
        doc["label"],
        variables,
        [v["values"] for v in variables],
        values.reshape(doc["size"]),
        doc["updated"],
        doc.get("source", ""),
    )


FOLDERS = {
    ("fi", "StatFin"): "markusl-statfin-mcp_api-subject-areas_GET_fi_StatFin.json",
    (
        "fi",
        "StatFin/vaerak",
    ): "markusl-statfin-mcp_api-table-list-vaerak_GET_fi_StatFin_vaerak.json",
}


# --------------------------------------------------------------------------- answering queries


class QueryError(Exception):
    """A bad query: answered 400 with this plain-text message."""


def _elimination_value(var: dict) -> str:
    for code, text in zip(var["values"], var["valueTexts"], strict=True):
        if code.casefold() in _TOTALS or text.strip().casefold() in _TOTALS:
            return code
    return var["values"][0]


def _selected(table: Table, query: list[dict]) -> list[tuple[dict, list[str]] | tuple[dict, str]]:
    """Per variable: (var, [codes]) when in the answer, (var, code) when eliminated."""
    by_code = {v["code"]: v for v in table.variables}
    asked = {}
    for q in query:
        code = q.get("code")
        if code not in by_code:
            raise QueryError(f"Parameter error: variable '{code}' does not exist in the table")
        sel = q.get("selection") or {}
        var, flt, vals = by_code[code], sel.get("filter"), [str(v) for v in sel.get("values", [])]
        if flt == "all":
            chosen = list(var["values"])
        elif flt == "top":
            chosen = list(var["values"][-int(vals[0]) :])
        elif flt == "item":
            unknown = [v for v in vals if v not in var["values"]]
            if unknown:
                raise QueryError(f"Parameter error: value '{unknown[0]}' not in variable '{code}'")
            chosen = [v for v in var["values"] if v in set(vals)]
        else:
            raise QueryError(f"Parameter error: filter '{flt}' not supported")
        if table.repeat_in_answer and table.repeat_in_answer[0] == code:
            chosen += [v for v in chosen if v == table.repeat_in_answer[1]]
        asked[code] = chosen
    out: list = []
    for var in table.variables:
        if var["code"] in asked:
            out.append((var, asked[var["code"]]))
        elif var.get("elimination"):
            out.append((var, _elimination_value(var)))
        else:
            raise QueryError(f"Parameter error: variable '{var['code']}' must be selected")
    return out


def _cells(table: Table, selected: list) -> np.ndarray:
    """Dense values over the answered variables (eliminated ones fixed at their total)."""
    index_arrays = []
    for (_, chosen), recorded in zip(selected, table.recorded, strict=True):
        pos = {v: j for j, v in enumerate(recorded)}
        codes = chosen if isinstance(chosen, list) else [chosen]
        index_arrays.append(np.array([pos.get(c, -1) for c in codes]))
    grids = np.ix_(*index_arrays)
    ok = np.ones([len(a) for a in index_arrays], dtype=bool)
    for g in grids:
        ok = ok & (g >= 0)
    out = np.full(ok.shape, np.nan)
    safe = tuple(np.where(g >= 0, g, 0) for g in grids)
    out[ok] = table.cube[safe][ok]
    keep = [len(a) for (_, c), a in zip(selected, index_arrays, strict=True) if isinstance(c, list)]
    return out.reshape(keep)


def _role(answered: list[dict]) -> dict[str, list[str]]:
    role: dict[str, list[str]] = {}
    for var in answered:
        code, text = var["code"].casefold(), var["text"].strip().casefold()
        if var.get("time"):
            role.setdefault("time", []).append(var["code"])
        elif code.startswith("alue") or text.split(" ")[0] in _GEO:
            role.setdefault("geo", []).append(var["code"])
        elif code in ("tiedot", "contentscode") or text in ("tiedot", "information", "uppgifter"):
            role.setdefault("metric", []).append(var["code"])
    return role


def _num(v: float) -> float | int | None:
    if math.isnan(v):
        return None
    return int(v) if float(v).is_integer() else float(v)


def answer(table: Table, body: dict) -> tuple[bytes, int]:
    """The response body for a data POST and its cell count."""
    if not isinstance(body, dict) or not isinstance(body.get("query"), list):
        raise QueryError("Parameter error: body must be {query: [...], response: {format}}")
    fmt = (body.get("response") or {}).get("format", "json-stat2")
    selected = _selected(table, body["query"])
    answered = [(var, c) for var, c in selected if isinstance(c, list)]
    values = _cells(table, selected).ravel()
    flat = [_num(v) for v in values.tolist()]
    status = {str(i): ".." for i, v in enumerate(flat) if v is None}
    dims: dict[str, Any] = {}
    for var, chosen in answered:
        texts = dict(zip(var["values"], var["valueTexts"], strict=True))
        repeated = len(set(chosen)) < len(chosen)  # only with `repeat_in_answer`
        category: dict[str, Any] = {
            "index": list(chosen) if repeated else {c: i for i, c in enumerate(chosen)},
            "label": {c: texts[c] for c in chosen},
        }
        units = {
            c: table.units[(var["code"], c)] for c in chosen if (var["code"], c) in table.units
        }
        if units:
            category["unit"] = units
        dims[var["code"]] = {"label": var["text"], "category": category}
    ids = [var["code"] for var, _ in answered]
    sizes = [len(chosen) for _, chosen in answered]
    if fmt == "json-stat2":
        doc: dict[str, Any] = {
            "version": "2.0",
            "class": "dataset",
            "label": table.title,
            "source": table.source,
            "updated": table.updated,
            "id": ids,
            "size": sizes,
            "role": _role([v for v, _ in answered]),
            "dimension": dims,
            "value": flat,
        }
        if status:
            doc["status"] = status
    elif fmt == "json-stat":
        dims.update({"id": ids, "size": sizes, "role": _role([v for v, _ in answered])})
        doc = {
            "dataset": {
                "dimension": dims,
                "label": table.title,
                "source": table.source,
                "updated": table.updated,
                "value": flat,
                **({"status": status} if status else {}),
            }
        }
    elif fmt == "json":
        doc = _plain_json(table, answered, flat)
    else:
        raise QueryError(f"Parameter error: response format '{fmt}' not supported")
    return json.dumps(doc, ensure_ascii=False).encode("utf-8"), len(flat)


def _plain_json(table: Table, answered: list, flat: list) -> dict:
    """PxWeb's ``json`` format: the last answered variable is the contents (type ``c``)."""
    *keys, (cvar, ccodes) = answered
    columns = [
        {"code": v["code"], "text": v["text"], "type": "t" if v.get("time") else "d"}
        for v, _ in keys
    ]
    texts = dict(zip(cvar["values"], cvar["valueTexts"], strict=True))
    columns += [{"code": c, "text": texts[c], "type": "c"} for c in ccodes]
    combos = list(np.ndindex(*[len(c) for _, c in keys])) if keys else [()]
    data = []
    for n, combo in enumerate(combos):
        row = flat[n * len(ccodes) : (n + 1) * len(ccodes)]
        data.append(
            {
                "key": [keys[i][1][j] for i, j in enumerate(combo)],
                "values": [".." if v is None else str(v) for v in row],
            }
        )
    meta = [{"updated": table.updated, "label": table.title, "source": table.source}]
    return {"columns": columns, "comments": [], "data": data, "metadata": meta}


# --------------------------------------------------------------------------- server state


@dataclass
class Fault:
    kind: str
    times: int | None  # None = until cleared
    method: str | None = None
    path: str | None = None
    delay: float = 1.0
    retry_after: int | None = None

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and (
            self.path is None or self.path in path
        )


@dataclass(frozen=True)
class LogEntry:
    time: float  # time.monotonic() when the request arrived
    method: str
    path: str
    status: int
    cells: int | None = None
    body: Any = None
    fault: str | None = None


@dataclass
class ServerState:
    max_cells: int = 100_000
    enforced_cells: int | None = None  # cell limit enforced, when lower than ?config says
    max_calls: int | None = None  # None = no rate limit
    window_s: float = 10.0
    retry_after: bool = True
    config_enabled: bool = True
    faults: list[Fault] = field(default_factory=list)
    log: list[LogEntry] = field(default_factory=list)
    arrivals: collections.deque = field(default_factory=collections.deque)
    switched: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    pending_switch: set[tuple[str, str]] = field(default_factory=set)
    snapshot_world: bool = False  # see ReplayServer.use_snapshot
    new_forms: bool = True  # serve the snapshot tables' 2026 form …
    legacy_forms: bool = True  # … and their legacy form
    bumped: dict[str, str] = field(default_factory=dict)  # table id -> `updated`
    listed: dict[str, str] = field(default_factory=dict)  # table id -> listing stamp only


FAULT_KINDS = {
    "403",  # refused whatever the cell count (access denied)
    "503",
    "500",
    "502",
    "429",
    "reset",
    "slow",
    "truncated",
    "nonjson",
    "metadata_change",
}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _PxServer

    def log_message(self, fmt: str, *args: Any) -> None:  # keep test output quiet
        return

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    # ---------------------------------------------------------------- plumbing

    def _send(self, status: int, body: bytes, ctype: str, headers: dict | None = None) -> None:
        self._record(status)  # before answering, so the log is complete when the client returns
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _record(self, status: int) -> None:
        if not self._recorded:
            self._recorded = True
            self.server.record(
                self._generation,
                LogEntry(
                    self._arrived,
                    self.command,
                    self.path,
                    status,
                    self.cells,
                    self._body,
                    self.fault_kind,
                ),
            )

    def _reset(self) -> None:
        self._record(0)
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True

    def _handle(self, method: str) -> None:
        self._arrived = time.monotonic()
        self._generation = self.server.generation
        self._recorded = False
        self.cells: int | None = None
        self.fault_kind: str | None = None
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            self._body = json.loads(raw) if raw else None
        except ValueError:
            self._body = raw.decode("utf-8", "replace")
        self.server.dispatch(self, method, url, self._body, self._arrived)


class _PxServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr: tuple[str, int], tables: dict, snapshot: list) -> None:
        super().__init__(addr, _Handler)
        self.tables = tables
        self.snapshot = snapshot
        self.state = ServerState()
        self.generation = 0
        self.lock = threading.Lock()
        self.folders = {key: _load(name) for key, name in FOLDERS.items()}
        # (lang, path) -> (snapshot table, form). A table with a recorded path (11re, 14wx, kta)
        # answers from its recording unless the snapshot world is switched on.
        self.snap_paths: dict[tuple[str, str], tuple[Any, str]] = {}
        for snap in snapshot:
            for form, new in (("legacy", False), ("new", True)):
                for path in snap.paths(new=new, legacy=not new):
                    self.snap_paths.setdefault((snap.language, path), (snap, form))
        self.recorded_ids = {
            snap.table_id
            for snap in snapshot
            if any((snap.language, path) in tables for path in snap.paths())
        }

    def record(self, generation: int, entry: LogEntry) -> None:
        """Log a request unless the state was reset since it arrived."""
        with self.lock:
            if generation == self.generation:
                self.state.log.append(entry)

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for f in self.state.faults:
                if f.matches(method, path) and (f.times is None or f.times > 0):
                    if f.times is not None:
                        f.times -= 1
                    return f
        return None

    def _rate_limited(self, arrived: float) -> bool:
        st = self.state
        if st.max_calls is None:
            return False
        with self.lock:
            while st.arrivals and st.arrivals[0] <= arrived - st.window_s:
                st.arrivals.popleft()
            st.arrivals.append(arrived)  # rejected calls count too, as at Statistics Finland
            return len(st.arrivals) > st.max_calls

    def dispatch(self, h: _Handler, method: str, url, body: Any, arrived: float):
        path = unquote(url.path)
        if not path.startswith(API_PREFIX + "/"):
            h._send(404, b"Not found", "text/plain; charset=utf-8")
            return 404, None, None
        lang, _, rest = path[len(API_PREFIX) + 1 :].partition("/")
        rest = rest.strip("/")
        if self._rate_limited(arrived):
            headers = {"Retry-After": str(math.ceil(self.state.window_s))}
            h.fault_kind = "rate"
            h._send(
                429,
                b"429 - Too many requests in too short timeframe. Please try again later.",
                "text/plain; charset=utf-8",
                headers if self.state.retry_after else None,
            )
            return 429, None, "rate"
        fault = self._take_fault(method, path)
        h.fault_kind = fault.kind if fault else None
        if fault is not None and fault.kind != "metadata_change":
            status = self._fault(h, fault)
            if status is not None:
                return status, None, fault.kind
        if lang not in LANGS:
            h._send(404, b"Not found: language", "text/plain; charset=utf-8")
            return 404, None, None
        if url.query == "config" and not rest:
            return self._config(h), None, None
        listing = self._listing(lang, rest) if method == "GET" else None
        if listing is not None:
            h._send(200, _json(listing), "application/json; charset=utf-8")
            return 200, None, None
        table = self._lookup(lang, rest)
        if table is None:
            h._send(404, b"404 - File or directory not found.", "text/html; charset=utf-8")
            return 404, None, None
        if method == "GET":
            if fault is not None and fault.kind == "metadata_change":
                with self.lock:
                    self.state.pending_switch.add((lang, rest))
            else:
                self._apply_switch(lang, rest)
            h._send(200, _json(table.metadata_json()), "application/json; charset=utf-8")
            return 200, None, fault.kind if fault else None
        self._apply_switch(lang, rest)
        return self._data(h, self._lookup(lang, rest), body, fault)

    def _lookup(self, lang: str, rest: str) -> Table | None:
        """The table a path names now: a snapshot table (in a form switched on, with its bumped
        ``updated``) or a recorded one."""
        key = self._table_key(lang, rest)
        st = self.state
        hit = self.snap_paths.get(key)
        if hit is not None:
            snap, form = hit
            served = st.snapshot_world or snap.table_id not in self.recorded_ids
            allowed = snap.new_path is None or (st.new_forms if form == "new" else st.legacy_forms)
            if served and not allowed:
                return None
            if served:
                table = snap.paths()[key[1]]
                with self.lock:
                    bumped = st.bumped.get(snap.table_id)
                return table if bumped is None else replace(table, updated=bumped)
        return self.tables.get(key)

    def _listing(self, lang: str, rest: str) -> list[dict] | None:
        """A folder listing: the recorded one, and in the snapshot world every catalogue table
        in its subject folder with the manifest's (or the bumped) ``updated``."""
        recorded = self.folders.get((lang, rest))
        st = self.state
        mine = [
            s for s in self.snapshot if st.snapshot_world and (s.language, s.folder) == (lang, rest)
        ]
        if not mine:
            return recorded
        items = [dict(i) for i in recorded or []]
        for snap in mine:
            with self.lock:
                stamp = (
                    st.listed.get(snap.table_id)
                    or st.bumped.get(snap.table_id)
                    or listing_stamp(snap.updated)
                )
            name = snap.listed_id(new=st.new_forms)
            names = {name, f"{snap.table_id}.px", snap.legacy_path.rpartition("/")[2]}
            found = [i for i in items if i.get("id") in names]
            for item in found:
                item["updated"] = stamp
            if not found:
                text = snap.title
                if not text.startswith(f"{snap.table_id} -- "):
                    text = f"{snap.table_id} -- {text}"
                items.append({"id": name, "type": "t", "text": text, "updated": stamp})
        return items

    def _table_key(self, lang: str, rest: str) -> tuple[str, str]:
        with self.lock:
            return self.state.switched.get((lang, rest), (lang, rest))

    def _apply_switch(self, lang: str, rest: str) -> None:
        """After a ``metadata_change`` fault the old-form table answers in the new form."""
        with self.lock:
            if (lang, rest) in self.state.pending_switch:
                self.state.pending_switch.discard((lang, rest))
                self.state.switched[(lang, rest)] = (lang, NEW_11RE)

    def _config(self, h: _Handler) -> int:
        st = self.state
        if not st.config_enabled:
            h._send(404, b"Not found", "text/plain; charset=utf-8")
            return 404
        cfg = {
            "maxValues": st.max_cells,
            "maxCells": st.max_cells,
            "maxCalls": st.max_calls if st.max_calls is not None else 1_000_000,
            "timeWindow": st.window_s,
            "CORS": True,
        }
        h._send(200, _json(cfg), "application/json; charset=utf-8")
        return 200

    def _data(self, h: _Handler, table: Table, body: Any, fault: Fault | None):
        try:
            payload, cells = self._answer_checked(table, body)
        except QueryError as exc:
            h._send(400, str(exc).encode(), "text/plain; charset=utf-8")
            return 400, None, None
        except _TooMany as exc:
            h.cells = exc.cells
            page = (
                "<!DOCTYPE html><html><head><title>403 - Forbidden: Access is denied.</title>"
                "</head><body><h2>403 - Forbidden: Access is denied.</h2>"
                "<p>Too many cells selected.</p>"
                "</body></html>"
            )
            h._send(403, page.encode(), "text/html; charset=utf-8")
            return 403, exc.cells, None
        h.cells = cells
        h._send(200, payload, "application/json; charset=utf-8")
        return 200, cells, fault.kind if fault else None

    def _answer_checked(self, table: Table, body: Any) -> tuple[bytes, int]:
        if isinstance(body, dict) and isinstance(body.get("query"), list):
            sel = _selected(table, body["query"])
            n = math.prod(len(c) for _, c in sel if isinstance(c, list))
            if n > min(self.state.max_cells, self.state.enforced_cells or self.state.max_cells):
                raise _TooMany(n)
        return answer(table, body)

    def _fault(self, h: _Handler, fault: Fault) -> int | None:
        kind = fault.kind
        if kind == "403":
            page = b"<html><body><h2>403 - Forbidden: Access is denied.</h2></body></html>"
            h._send(403, page, "text/html; charset=utf-8")
            return 403
        if kind in ("500", "502", "503"):
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else None
            h._send(int(kind), b"Service unavailable", "text/plain; charset=utf-8", headers)
            return int(kind)
        if kind == "429":
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else None
            h._send(429, b"429 - Too many requests", "text/plain; charset=utf-8", headers)
            return 429
        if kind == "reset":
            h._reset()
            return 0
        if kind == "slow":
            time.sleep(fault.delay)
            return None  # then answer normally (the client has usually given up)
        if kind == "truncated":
            h._record(200)
            h.send_response(200)
            h.send_header("Content-Type", "application/json; charset=utf-8")
            h.send_header("Content-Length", "5000")
            h.end_headers()
            h.wfile.write(b'{"version": "2.0", "class": "dataset", "label": "V')
            h.close_connection = True
            return 200
        if kind == "nonjson":
            page = b"<html><body><h1>Service temporarily under maintenance</h1></body></html>"
            h._send(200, page, "text/html; charset=utf-8")
            return 200
        return None


class _TooMany(Exception):
    def __init__(self, cells: int) -> None:
        super().__init__(cells)
        self.cells = cells


def _json(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


# --------------------------------------------------------------------------- public wrapper


_TABLES: dict | None = None
_SNAPSHOT: list | None = None


class ReplayServer:
    """Start/stop wrapper with the knobs tests and benchmarks use."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        global _TABLES, _SNAPSHOT
        if _TABLES is None:
            _TABLES = build_tables()
        if _SNAPSHOT is None:
            _SNAPSHOT = build_snapshot_tables(Table)
        self._server = _PxServer((host, port), _TABLES, _SNAPSHOT)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    def base_url(self, lang: str = "fi") -> str:
        return f"{self.root_url}/{lang}"

    @property
    def base_urls(self) -> dict[str, str]:
        return {lang: self.base_url(lang) for lang in LANGS}

    def start(self) -> ReplayServer:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---------------------------------------------------------------- knobs

    def reset(self) -> None:
        """Default limits, no faults, empty log, tables back in their recorded form."""
        with self._server.lock:
            self._server.state = ServerState()
            self._server.generation += 1

    def set_limits(
        self,
        *,
        max_cells: int | None = None,
        max_calls: int | None = None,
        window_s: float | None = None,
        retry_after: bool | None = None,
        config: bool | None = None,
        enforced_cells: int | None = None,
    ) -> None:
        """Cell limit (403 above it), rate limit (``max_calls`` per sliding ``window_s``; 429
        with ``Retry-After`` unless ``retry_after=False``) and whether ``?config`` answers.
        ``enforced_cells`` refuses queries above it while ``?config`` still says ``max_cells``
        (0 = enforce ``max_cells`` again)."""
        st = self._server.state
        with self._server.lock:
            if max_cells is not None:
                st.max_cells = max_cells
            if enforced_cells is not None:
                st.enforced_cells = enforced_cells or None
            if max_calls is not None:
                st.max_calls = max_calls
            if window_s is not None:
                st.window_s = window_s
            if retry_after is not None:
                st.retry_after = retry_after
            if config is not None:
                st.config_enabled = config

    def set_fault(
        self,
        kind: str,
        times: int | None = 1,
        *,
        method: str | None = None,
        path: str | None = None,
        delay: float = 1.0,
        retry_after: int | None = None,
    ) -> None:
        """Answer the next ``times`` requests matching ``method``/``path`` (substring) with a
        fault; ``times=None`` keeps it on until :meth:`clear_faults`."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}; known: {', '.join(sorted(FAULT_KINDS))}")
        with self._server.lock:
            self._server.state.faults.append(
                Fault(kind, times, method, path, delay=delay, retry_after=retry_after)
            )

    @property
    def snapshot_tables(self) -> list:
        """The catalogue's tables re-encoded from the bundled snapshot (``SnapshotTable``s)."""
        return list(self._server.snapshot)

    def use_snapshot(self, enabled: bool = True) -> None:
        """Serve the bundled snapshot's state: every catalogue table answers from the bundled
        files (11re and 14wx too, instead of their recorded forms) and is listed in its subject
        folder with the manifest's ``updated``, so fetching into an unchanged snapshot makes no
        data request. Off by default and after :meth:`reset` (the recorded tests' world)."""
        with self._server.lock:
            self._server.state.snapshot_world = enabled

    set_listings = use_snapshot  # the name bench/fetch.py uses

    def set_forms(self, *, new: bool | None = None, legacy: bool | None = None) -> None:
        """Serve the snapshot tables' 2026 form (``StatFin/12r5.px``) and/or their legacy form
        (``StatFin/tyonv/statfin_tyonv_pxt_12r5.px``); a form switched off answers 404."""
        with self._server.lock:
            if new is not None:
                self._server.state.new_forms = new
            if legacy is not None:
                self._server.state.legacy_forms = legacy

    def bump_updated(self, *tables: str, to: str | None = None) -> str:
        """Give snapshot tables (ids like ``12r5`` or ``12r5.px``; none = all) a new ``updated``
        (default: now, UTC) in listings and data answers, so a fetch refreshes them; returns
        the stamp."""
        stamp = to or dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
        known = {s.table_id for s in self._server.snapshot}
        ids = [t.removesuffix(".px") for t in tables] or sorted(known)
        unknown = [t for t in ids if t not in known]
        if unknown:
            raise ValueError(f"no snapshot table {unknown[0]!r}; known: {', '.join(sorted(known))}")
        with self._server.lock:
            for table_id in ids:
                self._server.state.bumped[table_id] = stamp
        return stamp

    def set_listed(self, table: str, stamp: str | None) -> None:
        """List snapshot table ``table`` (``12r5``) with ``stamp`` while its data keep their own
        ``updated`` (``None``: list it as its data again)."""
        table_id = table.removesuffix(".px")
        with self._server.lock:
            if stamp is None:
                self._server.state.listed.pop(table_id, None)
            else:
                self._server.state.listed[table_id] = stamp

    def clear_faults(self) -> None:
        with self._server.lock:
            self._server.state.faults.clear()

    @property
    def log(self) -> list[LogEntry]:
        """Requests in order of arrival."""
        with self._server.lock:
            return sorted(self._server.state.log, key=lambda e: e.time)

    def clear_log(self) -> None:
        with self._server.lock:
            self._server.state.log.clear()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="PxWeb v1 replay server (recorded fixtures)")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--max-cells", type=int, default=100_000)
    parser.add_argument("--max-calls", type=int, default=None)
    parser.add_argument("--window", type=float, default=10.0)
    parser.add_argument(
        "--recorded",
        action="store_true",
        help="serve 11re/14wx in their recorded forms and no snapshot listings (the tests' default)",
    )
    args = parser.parse_args(argv)
    server = ReplayServer(port=args.port)
    server.set_limits(max_cells=args.max_cells, max_calls=args.max_calls, window_s=args.window)
    server.use_snapshot(not args.recorded)
    server.start()
    for lang, url in server.base_urls.items():
        print(f"{lang}: {url}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
