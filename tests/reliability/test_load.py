"""The dashboard under load, cold: 32 concurrent clients for 60 seconds against a freshly started
`investin serve --prod` (gunicorn, 2 workers) on 127.0.0.1, loading pages and running real
callbacks with zero errors (5xx or timeouts) and bounded worker memory.

Every request is drawn at random over the whole space, so that it measures the cold path, not
the answer cache: any of the 308 towns, any language, and compare, map, data and network states
with random towns, groups, indicators and years (what `Space` holds, read from the warehouse).
Page loads are the page GET plus the routing callback that builds the layout (what a browser
does); callbacks are the server-side callbacks listed by `/_dash-dependencies`, with the input
values a rendered page carries, then redrawn. Each client loop is bounded by a deadline and a
request cap and stops by itself. Requests/s, p50/p95/p99 latency, the workers' memory (RSS
before and after) and errors are printed and written to tests/artifacts/load.json. Latency is
reported, not asserted (targets belong to the benchmarks). `INVESTIN_LOAD_SECONDS` shortens
the run for local checks.
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
from dataclasses import dataclass
from pathlib import Path

import duckdb
import psutil
import pytest
import requests

from tests.helpers import routing_body

CLIENTS = 32
WORKERS = 2
SECONDS = float(os.environ.get("INVESTIN_LOAD_SECONDS", "60"))
MAX_REQUESTS_PER_CLIENT = 100_000
MAX_WORKER_RSS_MB = 1024  # each worker, after the run
LANGS = ("fi", "sv", "en")
UPDATE = "/_dash-update-component"
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
        yield base, process
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
    pages = ["/", "/compare", "/map", "/data", "/network", "/town/684"]
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


@dataclass(frozen=True)
class Space:
    """What a random request may name: every town, group, indicator and its years."""

    towns: list[str]
    groups: list[str]
    years: dict[str, list[int]]

    @classmethod
    def of(cls, warehouse_path) -> Space:
        with duckdb.connect(str(warehouse_path), read_only=True) as con:
            areas = con.execute("SELECT area_code, kind FROM core.areas").fetchall()
            rows = con.execute(
                "SELECT DISTINCT indicator_id, year FROM core.indicator_values ORDER BY 1, 2"
            ).fetchall()
        years: dict[str, list[int]] = {}
        for indicator, year in rows:
            years.setdefault(indicator, []).append(year)
        towns = sorted(code for code, kind in areas if kind == "municipality")
        groups = sorted(code for code, kind in areas if kind not in ("municipality", "peers"))
        return cls(towns, groups, years)

    def indicator(self, rng: random.Random) -> str:
        return rng.choice(sorted(self.years))

    def year(self, rng: random.Random, indicator: str | None = None) -> int:
        return rng.choice(self.years[indicator or self.indicator(rng)])

    def towns_sample(self, rng: random.Random, most: int = 6) -> list[str]:
        return rng.sample(self.towns, k=rng.randint(1, most))

    def groups_sample(self, rng: random.Random) -> list[str]:
        picked = rng.sample(self.groups, k=rng.randint(0, 3))
        return picked + [f"peers:{rng.choice(self.towns)}"] * (rng.random() < 0.2)


def random_page(rng: random.Random, space: Space) -> str:
    """A page URL with a random language and a random state over the whole space."""
    lang = rng.choice(LANGS)
    town = rng.choice(space.towns)
    indicator = space.indicator(rng)
    year = space.year(rng, indicator)
    csv = ",".join
    pages = [
        f"/?lang={lang}",
        f"/about?lang={lang}",
        f"/town/{town}?lang={lang}",
        f"/embed/town/{town}?lang={lang}",
        f"/compare?lang={lang}&areas={csv(space.towns_sample(rng))}"
        f"&groups={csv(space.groups_sample(rng))}&indicator={indicator}&year={year}"
        f"&x={space.indicator(rng)}&y={space.indicator(rng)}",
        f"/map?lang={lang}&indicator={indicator}&year={year}",
        f"/data?lang={lang}&indicators={indicator},{space.indicator(rng)}"
        f"&areas={csv(space.towns_sample(rng, 4))}&from={year - rng.randint(0, 5)}&to={year}",
        f"/network?lang={lang}&year={year}",
    ]
    weights = [1, 0.3, 3, 1, 3, 1.5, 1, 1]
    return rng.choices(pages, weights=weights)[0]


def vary(body: dict, rng: random.Random, space: Space) -> dict:
    """The same callback with random towns, groups, indicators, years and language."""
    body = json.loads(json.dumps(body))
    items = body["inputs"] + body["state"]
    indicator = space.indicator(rng)
    for item in items:
        name, value = item["id"], item["value"]
        if name.endswith("-areas") and isinstance(value, list):
            item["value"] = space.towns_sample(rng)
        elif name.endswith("-groups") and isinstance(value, list):
            item["value"] = space.groups_sample(rng)
        elif name.endswith("-indicator") and isinstance(value, str):
            item["value"] = indicator
        elif name.endswith(("-x", "-y")) and isinstance(value, str):
            item["value"] = space.indicator(rng)
        elif name.endswith("-year") and isinstance(value, int):
            item["value"] = space.year(rng, indicator)
        elif name.endswith("-lang"):
            item["value"] = rng.choice(LANGS)
    return body


def worker_rss_mb(server: subprocess.Popen) -> list[float]:
    """The resident memory of each gunicorn worker (the leaves of the server's process tree)."""
    tree = psutil.Process(server.pid).children(recursive=True)
    leaves = [p for p in tree if not p.children()]
    return sorted(round(p.memory_info().rss / 2**20, 1) for p in leaves)


def percentile(ordered: list[float], share: float) -> float | None:
    return round(1000 * ordered[int(share * (len(ordered) - 1))], 1) if ordered else None


class Load:
    """The clients' shared tallies."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.kinds = {"page": 0, "callback": 0}
        self.lock = threading.Lock()

    def request(self, session, base: str, method: str, url: str, body):
        """The response (None after a network error), its latency and any error tallied."""
        started = time.monotonic()
        response = None
        try:
            response = session.request(method, base + url, json=body, timeout=60)
            status = response.status_code
            problem = None if status == 200 else f"{status} {method} {url[:120]}"
            if problem is None and "Traceback" in response.text:
                problem = f"traceback in {method} {url[:120]}"
        except requests.RequestException as exc:
            problem = f"{type(exc).__name__} {method} {url[:120]}"
        elapsed = time.monotonic() - started
        with self.lock:
            self.latencies.append(elapsed)
            if problem:
                self.errors.append(problem)
        return response if problem is None else None


def later_requests(deps: list[dict], routing_answer) -> list[tuple[str, str, dict]]:
    """The requests a browser sends right after a layout: the parts its page fills then."""
    from bench.server import component_props, match_bodies

    try:
        tree = routing_answer.json()["response"]["_pages_content"]["children"]
    except (AttributeError, KeyError, TypeError, ValueError):  # no answer, or not a layout
        return []
    props = component_props(tree)
    return [("POST", UPDATE, body) for dep in deps for body in match_bodies(dep, props)]


def run_clients(base: str, deps, templates, space: Space, load: Load) -> float:
    """Run `CLIENTS` loops until the deadline; the wall time they took."""
    deadline = time.monotonic() + SECONDS

    def client(number: int) -> None:
        rng = random.Random(number)
        session = requests.Session()
        for _ in range(MAX_REQUESTS_PER_CLIENT):
            if time.monotonic() >= deadline:
                break
            if rng.random() < 0.5:
                kind, url = "page", random_page(rng, space)
                path, _, search = url.partition("?")
                routing = routing_body(deps, path, f"?{search}" if search else "")
                calls = [("GET", url, None), ("POST", UPDATE, routing)]
            else:
                _name, body = rng.choice(templates)
                kind, calls = (
                    "callback",
                    [("POST", "/_dash-update-component", vary(body, rng, space))],
                )
            for method, url, body in calls:
                answer = load.request(session, base, method, url, body)
            if kind == "page":  # the layout's later parts, as the browser asks for them
                for method, url, body in later_requests(deps, answer):
                    load.request(session, base, method, url, body)
            with load.lock:
                load.kinds[kind] += 1
        session.close()

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SECONDS + 120)
    assert not any(t.is_alive() for t in threads), "a client loop did not stop by itself"
    return time.monotonic() - started


@pytest.mark.load
def test_load_32_clients_60_seconds_cold_mix(server, warehouse_path):
    base, process = server
    rss_before = worker_rss_mb(process)  # before any page was built
    deps = requests.get(f"{base}/_dash-dependencies", timeout=30).json()
    templates = callback_templates(base, deps)
    assert len(templates) >= 4, [name for name, _ in templates]
    space = Space.of(warehouse_path)
    assert len(space.towns) == 308
    load = Load()
    wall = run_clients(base, deps, templates, space, load)
    rss_after = worker_rss_mb(process)
    ordered = sorted(load.latencies)
    result = {
        "clients": CLIENTS,
        "workers": WORKERS,
        "seconds": round(wall, 1),
        "requests": len(ordered),
        "page_loads": load.kinds["page"],
        "callbacks": load.kinds["callback"],
        "requests_per_second": round(len(ordered) / wall, 1),
        "p50_ms": percentile(ordered, 0.50),
        "p95_ms": percentile(ordered, 0.95),
        "p99_ms": percentile(ordered, 0.99),
        "max_ms": percentile(ordered, 1.0),
        "worker_rss_mb_before": rss_before,
        "worker_rss_mb_after": rss_after,
        "callback_kinds": sorted(name for name, _ in templates),
        "errors": len(load.errors),
        "error_examples": load.errors[:10],
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "load.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nload: {json.dumps(result)}")
    assert len(ordered) >= CLIENTS
    assert not load.errors, load.errors[:10]
    assert len(rss_after) == WORKERS, rss_after
    assert max(rss_after) < MAX_WORKER_RSS_MB, rss_after
