"""A production dashboard server for benchmarks, and the exact Dash callback payloads of a page.

`gunicorn_server` starts gunicorn on `bench.wsgi:server` (the production app of
`dashboard.wsgi` plus the trivial ``bench-echo`` reference callback) on a free port of 127.0.0.1
and stops it again. `page_requests` asks the server for a page's layout through Dash's
own routing callback and builds, from `/_dash-dependencies` and that layout, the POST bodies the
browser sends for the page's initial callbacks, so the benchmark measures the real callbacks with
the real inputs.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dash
import psutil
import requests

from bench.common import ROOT, free_port

UPDATE = "/_dash-update-component"
ROUTING_OUTPUT = "_pages_content.children"
ECHO_BODY = {
    "output": "bench-echo-out.data",
    "outputs": {"id": "bench-echo-out", "property": "data"},
    "inputs": [{"id": "bench-echo-in", "property": "data", "value": 1}],
    "changedPropIds": ["bench-echo-in.data"],
    "state": [],
}


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def workers(self) -> list[psutil.Process]:
        """gunicorn's worker processes (children of the gunicorn master, `process`)."""
        return psutil.Process(self.process.pid).children()

    def worker_rss_mb(self) -> list[float]:
        return [w.memory_info().rss / 2**20 for w in self.workers()]


@contextlib.contextmanager
def gunicorn_server(
    warehouse: Path, *, workers: int = 2, start_timeout: float = 90.0
) -> Iterator[Server]:
    """gunicorn with N workers on `bench.wsgi:server` (what `investin serve --prod` runs, plus
    the echo callback) on a free port; stopped (its process group) after."""
    port = free_port()
    env = {
        **os.environ,
        "INVESTIN_WAREHOUSE": str(Path(warehouse).resolve()),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers)]
    command += ["--bind", f"127.0.0.1:{port}", "bench.wsgi:server"]
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        log = Path(tmp) / "serve.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=ROOT,
                start_new_session=True,
            )
        server = Server(f"http://127.0.0.1:{port}", process, log)
        try:
            _wait_until_serving(server, start_timeout, workers)
            yield server
        finally:
            _stop(process)


def _wait_until_serving(server: Server, timeout: float, workers: int) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"investin serve exited:\n{server.log.read_text()[-3000:]}")
        try:
            answered = requests.get(server.url + "/_alive_check", timeout=2).status_code < 500
            if answered and len(server.workers()) >= workers:
                return
        except requests.RequestException:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"gunicorn did not answer in {timeout:.0f} s")


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the server's own process group (gunicorn master and workers), then wait."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# --------------------------------------------------------------------------- callback payloads


@dataclass
class Request:
    """One HTTP request the benchmark replays: a page GET or a callback POST."""

    name: str
    method: str
    path: str
    body: dict[str, Any] | None = None
    kind: str = "callback"  # page | layout | callback | reference

    def send(self, session: requests.Session, base: str, timeout: float = 30.0) -> float:
        """Send once; return the seconds until the whole answer arrived. Raises on non-200."""
        started = time.perf_counter()
        if self.method == "GET":
            resp = session.get(base + self.path, timeout=timeout)
        else:
            resp = session.post(base + self.path, json=self.body, timeout=timeout)
        _ = resp.content
        elapsed = time.perf_counter() - started
        if resp.status_code not in (200, 204):
            raise RuntimeError(f"{self.name}: {self.method} {self.path} -> {resp.status_code}")
        return elapsed


@dataclass
class PageSpec:
    name: str
    pathname: str
    search: str = ""
    callbacks: list[Request] = field(default_factory=list)


def dependencies(session: requests.Session, base: str) -> list[dict[str, Any]]:
    session.get(base + "/", timeout=30)  # Dash registers the routing callback on first request
    return session.get(base + "/_dash-dependencies", timeout=30).json()


def split_output(output: str) -> list[tuple[Any, str]]:
    """``"..a.children...b.data.."`` / ``"a.children"`` -> ``[(id, prop), ...]``."""
    return [(_parse_id(ident), prop) for ident, prop in _output_parts(output)]


def _output_parts(output: str) -> list[tuple[str, str]]:
    """A dependency's output text as (id text, prop): a pattern id stays JSON text with its
    wildcards."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [(ident, prop) for ident, _, prop in (p.rpartition(".") for p in parts)]


def _parse_id(ident: str) -> Any:
    if ident.startswith("{"):
        return json.loads(ident)
    return ident


def _id_key(ident: Any) -> str:
    return json.dumps(ident, sort_keys=True) if isinstance(ident, dict) else str(ident)


def _concrete(ident: Any, bound: dict[str, Any] | None) -> Any:
    """A dependency's id with its MATCH keys set from `bound`; None for a pattern without
    `bound` (or with another wildcard than MATCH)."""
    if not (isinstance(ident, str) and ident.startswith("{")):
        return ident
    pattern = json.loads(ident)
    if bound is None or any(v != ["MATCH"] for v in pattern.values() if isinstance(v, list)):
        return None
    return {k: bound[k] if v == ["MATCH"] else v for k, v in pattern.items()}


def body_for(
    dep: dict[str, Any], props: dict[str, dict[str, Any]], bound: dict[str, Any] | None = None
) -> dict[str, Any] | None:
    """The body the renderer posts for ``dep`` given component ``props`` by id (a MATCH
    pattern's keys from ``bound``); None when an input is not on the page or uses a pattern
    the page does not have."""
    outputs = [{"id": _concrete(i, bound), "property": p} for i, p in _output_parts(dep["output"])]

    def item(spec: dict[str, Any]) -> dict[str, Any] | None:
        ident = _concrete(spec["id"], bound)
        comp = None if ident is None else props.get(_id_key(ident))
        if comp is None:
            return None
        entry = {"id": ident, "property": spec["property"]}
        if spec["property"] in comp:
            entry["value"] = comp[spec["property"]]
        return entry

    inputs = [item(s) for s in dep.get("inputs", [])]
    state = [item(s) for s in dep.get("state", [])]
    if not inputs or any(i is None for i in inputs) or any(s is None for s in state):
        return None
    first = inputs[0]
    return {
        "output": dep["output"],
        "outputs": outputs if dep["output"].startswith("..") else outputs[0],
        "inputs": inputs,
        "changedPropIds": [f"{_id_key(first['id'])}.{first['property']}"],
        "state": state,
    }


def match_bodies(dep: dict[str, Any], props: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One body per component on the page that a MATCH callback's first input matches (the
    renderer asks once for each), e.g. the parts a page fills after its first answer."""
    first = dep.get("inputs", [{}])[0].get("id")
    if not (isinstance(first, str) and first.startswith("{")):
        return []
    pattern = json.loads(first)
    wild = {k for k, v in pattern.items() if v == ["MATCH"]}
    bodies = []
    for key in props:
        ident = json.loads(key) if key.startswith("{") else None
        if not isinstance(ident, dict) or set(ident) != set(pattern):
            continue
        if all(ident[k] == v for k, v in pattern.items() if k not in wild):
            body = body_for(dep, props, {k: ident[k] for k in wild})
            bodies += [body] if body is not None else []
    return bodies


def later_parts(
    deps: list[dict[str, Any]], layout: Any, post: Callable[[dict[str, Any]], dict[str, Any]]
) -> Any:
    """`layout` (JSON form) with the parts its page fills after the first answer put in place:
    each MATCH callback on ``children`` with an input on the page is asked, through
    ``post(body) -> answer JSON``, as the renderer asks it right after drawing the layout."""
    nodes = {_id_key(n["props"]["id"]): n for n in _nodes(layout) if "id" in n["props"]}
    props = {key: node["props"] for key, node in nodes.items()}
    for dep in deps:
        if not dep["output"].endswith(".children") or dep.get("clientside_function"):
            continue
        for body in match_bodies(dep, props):
            answer = post(body)["response"]
            for key, filled in answer.items():
                node = nodes.get(_id_key(_parse_id(key)))
                if node is not None and "children" in filled:
                    node["props"]["children"] = filled["children"]
    return layout


def _nodes(tree: Any) -> Iterator[dict[str, Any]]:
    """Every component of a layout in JSON form (also inside plain dicts and lists)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict) and "type" in node:
                yield node
                stack.extend(v for v in props.values() if isinstance(v, list | dict))
            else:
                stack.extend(v for v in node.values() if isinstance(v, list | dict))


def component_props(tree: Any) -> dict[str, dict[str, Any]]:
    """Props of every component with an id in a Dash layout (JSON form)."""
    return {
        _id_key(node["props"]["id"]): node["props"]
        for node in _nodes(tree)
        if "id" in node["props"]
    }


def routing_body(deps: list[dict[str, Any]], pathname: str, search: str) -> dict[str, Any]:
    dep = next(d for d in deps if ROUTING_OUTPUT in d["output"])
    props = {"_pages_location": {"pathname": pathname, "search": search}}
    body = body_for(dep, props)
    if body is None:
        raise RuntimeError(f"cannot build the routing callback body from {dep}")
    return body


def page_requests(
    session: requests.Session, base: str, deps: list[dict[str, Any]], page: PageSpec
) -> list[Request]:
    """GET of the page, its layout (routing callback) and every server-side callback whose inputs
    are on the page (initial or fired by a user's change), with the layout's values."""
    route = routing_body(deps, page.pathname, page.search)
    answer = session.post(base + UPDATE, json=route, timeout=60)
    answer.raise_for_status()
    layout = answer.json()["response"]["_pages_content"]["children"]
    props = component_props(layout)
    out = [
        Request(f"{page.name}: GET page", "GET", page.pathname + page.search, kind="page"),
        Request(f"{page.name}: layout", "POST", UPDATE, route, kind="layout"),
    ]
    for dep in deps:
        if dep.get("clientside_function") or ROUTING_OUTPUT in dep["output"]:
            continue
        for body in [body_for(dep, props)] + match_bodies(dep, props):
            if body is None:
                continue
            outs = body["outputs"] if isinstance(body["outputs"], list) else [body["outputs"]]
            named = ", ".join(f"{_id_key(o['id'])}.{o['property']}" for o in outs[:2])
            more = "…" if len(outs) > 2 else ""
            out.append(Request(f"{page.name}: callback → {named}{more}", "POST", UPDATE, body))
    return out


def register_echo(dash_app: dash.Dash) -> None:
    """Add the trivial `bench-echo-in.data` → `bench-echo-out.data` identity callback: its
    latency is what the server itself costs, the reference for the pages' callbacks."""
    dash_app.callback(
        dash.Output("bench-echo-out", "data"),
        dash.Input("bench-echo-in", "data"),
        prevent_initial_call=True,
    )(lambda value: value)


def echo_request() -> Request:
    return Request("trivial echo callback", "POST", UPDATE, ECHO_BODY, kind="reference")
