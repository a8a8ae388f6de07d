"""The answer cache in Redis (`investin serve --prod --cache redis://…`): two app servers (two
gunicorn processes on two ports) over one build share their answers through a real
redis-server, and a server over another build id never meets them.

What shows that the second server served the first one's answer from Redis, not computed it
again: Redis's own counters (a hit, and no new write) and a marker: the stored answer is
replaced in Redis by a text no callback could make, and the second server answers with it.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import redis
import requests

from tests.helpers import free_port, routing_body, start_serving, stop_process

PREFIX = "investin:answer:"
MARKER = b'{"marker": "only Redis holds this"}'


def _build_id_of(warehouse: Path) -> str:
    from pipeline.export import complete

    return complete.warehouse_build_id(warehouse)


@pytest.fixture(scope="module")
def other_build(warehouse_path: Path, tmp_path_factory) -> Path:
    """A copy of the session warehouse whose build id differs (its `built_at` a day later)."""
    copy = tmp_path_factory.mktemp("other-build") / "warehouse.duckdb"
    shutil.copyfile(warehouse_path, copy)
    con = duckdb.connect(str(copy))
    con.execute("UPDATE core.build_info SET built_at = built_at + INTERVAL 1 DAY")
    con.close()
    assert _build_id_of(copy) != _build_id_of(warehouse_path)
    return copy


@pytest.fixture(scope="module")
def servers(redis_url, warehouse_path, other_build, tmp_path_factory) -> Iterator[list[str]]:
    """Base URLs of three `investin serve --prod --workers 1 --cache REDIS`: two over the
    session's build, the third over `other_build`."""
    folder = tmp_path_factory.mktemp("servers")
    started, urls = [], []
    try:
        for number, warehouse in enumerate([warehouse_path, warehouse_path, other_build]):
            port = free_port()
            args = ["--prod", "--workers", 1, "--port", port, "--warehouse", warehouse]
            args += ["--cache", redis_url]
            started.append(start_serving(args, folder / f"serve-{number}.log"))
            urls.append(f"http://127.0.0.1:{port}")
        yield urls
    finally:
        for process in started:
            stop_process(process, timeout=20)


@pytest.fixture(scope="module")
def store(redis_url) -> redis.Redis:
    return redis.Redis.from_url(redis_url)


def _ask(base: str, path: str, search: str) -> requests.Response:
    deps = requests.get(f"{base}/_dash-dependencies", timeout=30).json()
    body = routing_body(deps, path, search)
    answer = requests.post(f"{base}/_dash-update-component", json=body, timeout=120)
    assert answer.status_code == 200, answer.text[:500]
    return answer


def _keys(store: redis.Redis, build: str) -> set[bytes]:
    return set(store.scan_iter(match=f"{PREFIX}{build}:*"))


def _calls(store: redis.Redis, command: str) -> int:
    return store.info("commandstats").get(f"cmdstat_{command}", {}).get("calls", 0)


def test_an_answer_computed_by_one_server_is_served_from_redis_by_the_other(
    servers, store, warehouse_path
):
    first, second, _ = servers
    build = _build_id_of(warehouse_path)
    before = _keys(store, build)
    computed = _ask(first, "/town/684", "?lang=en")
    new = _keys(store, build) - before
    assert len(new) == 1, new  # the routing answer, under this build's id
    (key,) = new
    assert store.get(key) == computed.content

    writes, hits = _calls(store, "set"), store.info("stats")["keyspace_hits"]
    shared = _ask(second, "/town/684", "?lang=en")
    assert shared.content == computed.content
    assert _calls(store, "set") == writes  # the second server stored nothing: it computed nothing
    assert store.info("stats")["keyspace_hits"] == hits + 1

    other = _ask(first, "/town/140", "?lang=sv")  # computed by the first, then marked in Redis
    (key,) = _keys(store, build) - before - new
    assert store.get(key) == other.content
    store.set(key, MARKER, keepttl=True)
    assert _ask(second, "/town/140", "?lang=sv").content == MARKER


def test_a_server_over_another_build_misses_the_answers_of_the_first(
    servers, store, warehouse_path, other_build
):
    first, _, elsewhere = servers
    build, changed = _build_id_of(warehouse_path), _build_id_of(other_build)
    computed = _ask(first, "/town/287", "?lang=fi")
    (key,) = [k for k in _keys(store, build) if store.get(k) == computed.content]
    store.set(key, MARKER, keepttl=True)
    before = _keys(store, changed)

    answer = _ask(elsewhere, "/town/287", "?lang=fi")
    assert answer.content != MARKER
    assert json.loads(answer.content)["response"]  # a real routing answer, computed there
    new = _keys(store, changed) - before
    assert len(new) == 1 and store.get(new.pop()) == answer.content
    assert store.get(key) == MARKER  # the first build's entry is untouched


def test_servers_of_one_build_give_a_page_the_same_etag_and_another_build_another(servers):
    """What lets a CDN in front of N servers revalidate with any of them."""
    tags = [
        requests.get(f"{base}/town/684?lang=sv", timeout=30).headers["ETag"] for base in servers
    ]
    assert tags[0] == tags[1] != tags[2]
    again = requests.get(
        f"{servers[1]}/town/684?lang=sv", headers={"If-None-Match": tags[0]}, timeout=30
    )
    assert again.status_code == 304
    other = requests.get(
        f"{servers[2]}/town/684?lang=sv", headers={"If-None-Match": tags[0]}, timeout=30
    )
    assert other.status_code == 200
