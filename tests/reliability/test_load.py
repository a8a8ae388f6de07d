"""The dashboard under load: 32 concurrent clients for 60 seconds against `investin serve --prod`
(gunicorn, 2 workers) on 127.0.0.1, loading pages and running real callbacks, with zero errors.

Page loads are the page GET plus the routing callback that builds the layout (what a browser
does); callbacks are the server-side callbacks listed by `/_dash-dependencies`, with the input
values the rendered pages carry (other towns, years and indicators drawn from the warehouse so
the answers are not all alike). Each client loop is bounded by a deadline and a request cap and
stops by itself. Requests served, p95 latency and errors are printed and written to
tests/artifacts/load.json. `INVESTIN_LOAD_SECONDS` shortens the run for local checks.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest
import requests

from tests.helpers import routing_body

CLIENTS = 32
WORKERS = 2
SECONDS = float(os.environ.get("INVESTIN_LOAD_SECONDS", "60"))
MAX_REQUESTS_PER_CLIENT = 100_000
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(warehouse_path):
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("investin")),
        "serve",
        "--prod",
        "--workers",
        str(WORKERS),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--warehouse",
        str(warehouse_path),
    ]
    log = ARTIFACTS / "load-server.log"
    ARTIFACTS.mkdir(exist_ok=True)
    with open(log, "wb") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, log.read_text(errors="replace")[-2000:]
            try:
                if requests.get(f"{base}/", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, "the server did not start within 90 s"
            time.sleep(0.3)
        yield base
    finally:
        with_group = os.getpgid(process.pid)
        os.killpg(with_group, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(with_group, signal.SIGKILL)
            process.wait(timeout=10)


def _components(tree, found: dict) -> dict:
    """{component id (str or JSON of a dict id): props} of a rendered layout."""
    if isinstance(tree, dict):
        props = tree.get("props")
        if isinstance(props, dict) and "id" in props:
            key = props["id"] if isinstance(props["id"], str) else json.dumps(props["id"])
            found[key] = props
        for value in tree.values():
            _components(value, found)
    elif isinstance(tree, list):
        for item in tree:
            _components(item, found)
    return found


def _outputs(output: str):
    from tests.reliability.test_dashboard_fuzz import _outputs as parse

    return parse(output)


def callback_templates(base: str, deps: list[dict]) -> list[tuple[str, dict]]:
    """(name, body) of every server-side callback whose inputs a rendered page holds."""
    pages = ["/", "/compare", "/map", "/data", "/network", "/town/684", "/embed/town/684"]
    components: dict[str, dict] = {}
    for page in pages:
        body = routing_body(deps, page, "?lang=fi")
        answer = requests.post(f"{base}/_dash-update-component", json=body, timeout=60)
        assert answer.status_code == 200, page
        _components(answer.json(), components)
    templates = []
    for dep in deps:
        if dep.get("clientside_function"):
            continue
        specs = dep["inputs"] + dep["state"]
        if any(s["id"].startswith("{") or s["id"] not in components for s in specs):
            continue
        if any(s["property"] == "n_clicks" for s in dep["inputs"]):
            continue  # buttons (downloads, resets): not what readers do in a loop

        def item(spec):
            value = components[spec["id"]].get(spec["property"])
            return {"id": spec["id"], "property": spec["property"], "value": value}

        first = dep["inputs"][0]
        templates.append(
            (
                dep["output"][:40],
                {
                    "output": dep["output"],
                    "outputs": _outputs(dep["output"]),
                    "inputs": [item(s) for s in dep["inputs"]],
                    "state": [item(s) for s in dep["state"]],
                    "changedPropIds": [f"{first['id']}.{first['property']}"],
                },
            )
        )
    return templates


def vary(body: dict, rng: random.Random, towns: list[str], years: list[int]) -> dict:
    """The same callback with other towns or another year, where its inputs take them."""
    body = json.loads(json.dumps(body))
    for item in body["inputs"] + body["state"]:
        value = item["value"]
        if item["id"].endswith("-areas") and isinstance(value, list):
            item["value"] = rng.sample(towns, k=rng.randint(1, 4))
        elif item["id"].endswith("-year") and isinstance(value, int) and rng.random() < 0.5:
            item["value"] = rng.choice(years)
    return body


@pytest.mark.load
def test_load_32_clients_60_seconds(server, warehouse_path):
    base = server
    deps = requests.get(f"{base}/_dash-dependencies", timeout=30).json()
    templates = callback_templates(base, deps)
    assert len(templates) >= 4, [name for name, _ in templates]
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        towns = [
            r[0]
            for r in con.execute(
                "SELECT area_code FROM core.areas WHERE kind = 'municipality'"
            ).fetchall()
        ]
        years = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT year FROM core.indicator_values WHERE year BETWEEN 2015 AND 2023"
            ).fetchall()
        ]
    pages = [
        "/",
        "/compare",
        "/map",
        "/data",
        "/network",
        "/about",
        "/town/{town}",
        "/embed/town/{town}",
        "/compare?areas={town},{other}&lang=en",
    ]

    latencies: list[float] = []
    errors: list[str] = []
    kinds = {"page": 0, "callback": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + SECONDS

    def client(number: int) -> None:
        rng = random.Random(number)
        session = requests.Session()
        for _ in range(MAX_REQUESTS_PER_CLIENT):
            if time.monotonic() >= deadline:
                break
            if rng.random() < 0.5:
                kind = "page"
                url = rng.choice(pages).format(town=rng.choice(towns), other=rng.choice(towns))
                path, _, search = url.partition("?")
                calls = [
                    ("GET", url, None),
                    (
                        "POST",
                        "/_dash-update-component",
                        routing_body(deps, path, f"?{search}" if search else ""),
                    ),
                ]
            else:
                kind = "callback"
                name, body = rng.choice(templates)
                calls = [("POST", "/_dash-update-component", vary(body, rng, towns, years))]
            for method, url, body in calls:
                started = time.monotonic()
                try:
                    response = session.request(method, base + url, json=body, timeout=60)
                    status = response.status_code
                    problem = None if status == 200 else f"{status} {method} {url}"
                    if problem is None and "Traceback" in response.text:
                        problem = f"traceback in {method} {url}"
                except requests.RequestException as exc:
                    problem = f"{type(exc).__name__} {method} {url}"
                elapsed = time.monotonic() - started
                with lock:
                    latencies.append(elapsed)
                    if problem:
                        errors.append(problem)
            with lock:
                kinds[kind] += 1
        session.close()

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SECONDS + 120)
    wall = time.monotonic() - started
    assert not any(t.is_alive() for t in threads), "a client loop did not stop by itself"

    ordered = sorted(latencies)
    p95 = ordered[int(0.95 * (len(ordered) - 1))] if ordered else float("nan")
    result = {
        "clients": CLIENTS,
        "workers": WORKERS,
        "seconds": round(wall, 1),
        "requests": len(latencies),
        "page_loads": kinds["page"],
        "callbacks": kinds["callback"],
        "requests_per_second": round(len(latencies) / wall, 1),
        "p50_ms": round(1000 * ordered[len(ordered) // 2], 1) if ordered else None,
        "p95_ms": round(1000 * p95, 1),
        "max_ms": round(1000 * ordered[-1], 1) if ordered else None,
        "callback_kinds": sorted(name for name, _ in templates),
        "errors": len(errors),
        "error_examples": errors[:10],
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "load.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nload: {json.dumps(result)}")
    assert len(latencies) >= CLIENTS
    assert not errors, errors[:10]
