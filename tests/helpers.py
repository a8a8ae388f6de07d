"""Helpers shared by test modules in different folders (fixtures live in the conftest files)."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from pipeline.snapshot import sha256_file


def component_text(component) -> str:
    """Every string in a Dash component tree, joined."""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return "".join(component_text(c) for c in component)
    children = getattr(component, "children", None)
    return "" if children is None else component_text(children)


def routing_body(deps: list[dict], path: str, search: str) -> dict:
    """The `/_dash-update-component` payload of Dash's page-routing callback (the one that
    builds a page layout) for `path` and `search`; `deps` is `/_dash-dependencies`."""
    output = next(d["output"] for d in deps if "_pages_content" in d["output"])
    return {
        "output": output,
        "outputs": [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }


def with_later_parts(client, deps: list[dict], layout):
    """A page's layout (JSON form, from the routing callback) with the parts the page fills
    after its first answer put in place, each asked of `client` (a Flask test client) as the
    browser asks it."""
    from bench.server import later_parts

    def post(body: dict) -> dict:
        answer = client.post("/_dash-update-component", json=body)
        assert answer.status_code in (200, 204), answer.get_data(as_text=True)[:500]
        return answer.get_json() if answer.status_code == 200 else {"response": {}}

    return later_parts(deps, layout, post)


def checksums(folder: Path, *, hidden: bool = False) -> dict[str, str]:
    """sha256 of every file under `folder` (hidden temporary files only when `hidden`)."""
    return {
        p.relative_to(folder).as_posix(): sha256_file(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and (hidden or not p.name.startswith("."))
    }


def max_in_window(times: list[float], window: float) -> int:
    """The most of the sorted `times` that fall in any window of `window` seconds."""
    best, start = 0, 0
    for end, t in enumerate(times):
        while times[start] <= t - window:
            start += 1
        best = max(best, end - start + 1)
    return best


@contextlib.contextmanager
def queries_on(path: Path) -> Iterator:
    """`dashboard.queries` pointed at the warehouse `path` for the block, then back at the one it
    served before (the session's app shares the module)."""
    from dashboard import queries

    try:
        before = queries.warehouse_path()
    except queries.QueryError:
        before = None
    queries.configure(path)
    try:
        yield queries
    finally:
        if before is not None:
            queries.configure(before)


def stop_process(process: subprocess.Popen, timeout: float) -> None:
    """SIGTERM, then SIGKILL if it has not ended within `timeout` seconds; reaped either way."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:`port`."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def investin_command() -> list[str]:
    """The `investin` beside this Python (the venv's), else on PATH, else `python -m`."""
    beside_python = Path(sys.executable).parent / "investin"
    if beside_python.exists():
        return [str(beside_python)]
    found = shutil.which("investin")
    return [found] if found else [sys.executable, "-m", "pipeline.cli"]


def start_serving(args: list[str], log: Path, timeout: float = 90) -> subprocess.Popen:
    """`investin serve ARGS` in a new session (process group), its output in `log`; returns
    once it answers `/` on 127.0.0.1 at its `--port` (stopped if it does not in `timeout`)."""
    port = args[args.index("--port") + 1]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*investin_command(), "serve", "--host", "127.0.0.1", *map(str, args)],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(
                f"investin serve exited with {process.returncode}:\n{log.read_text()}"
            )
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                if response.status == 200:
                    return process
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            stop_process(process, timeout=10)
            raise RuntimeError(f"investin serve did not answer in {timeout} s:\n{log.read_text()}")
        time.sleep(0.25)


REDIS_SERVER = "redis-server"  # Debian's redis-server (.ci/run installs it)


@contextlib.contextmanager
def redis_server(folder: Path, *settings: str) -> Iterator[str]:
    """A real redis-server on a free 127.0.0.1 port (no persistence; `settings` such as
    `--maxmemory 2mb`), for the block; yields its URL, `redis://127.0.0.1:PORT/0`. Raises
    FileNotFoundError when redis-server is not installed."""
    import redis

    binary = shutil.which(REDIS_SERVER)
    if binary is None:
        raise FileNotFoundError(f"{REDIS_SERVER} is not installed (apt-get install redis-server)")
    port = free_port()
    command = [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly"]
    command += ["no", "--dir", str(folder), *settings]
    log = (folder / f"redis-{port}.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((folder / f"redis-{port}.log").read_text()) from None
                time.sleep(0.05)
        client.close()
        yield url
    finally:
        stop_process(process, timeout=10)
        log.close()


def assert_renamed_selector_refuses_fetch(
    catalogue, snapshot: Path, replay_server, source_id: str, table: str, rename: tuple, match: str
) -> None:
    """Fetch `source_id` with variable `rename[0]`'s selector changed to `rename[1]` (a label
    the served table lacks): the fetch fails with an error matching `match` and the file stays
    byte-identical (nothing is replaced)."""
    import dataclasses

    import pytest

    from pipeline.snapshot.errors import FetchError
    from pipeline.snapshot.fetch import fetch_sources

    variable_id, selector = rename
    source = catalogue.source(source_id)
    renamed = tuple(
        dataclasses.replace(v, selector=selector) if v.id == variable_id else v
        for v in source.variables
    )
    changed = dataclasses.replace(source, variables=renamed)
    sources = tuple(changed if s.id == source_id else s for s in catalogue.sources)
    catalogue = dataclasses.replace(catalogue, sources=sources)
    before = (snapshot / source.file).read_bytes()
    replay_server.use_snapshot()
    replay_server.bump_updated(table)
    with pytest.raises(FetchError, match=match):
        fetch_sources(
            catalogue, snapshot, base_url=replay_server.base_url("fi"), only=[source_id],
            echo=lambda _: None,
        )  # fmt: skip
    assert (snapshot / source.file).read_bytes() == before
