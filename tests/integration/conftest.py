"""Fixtures for integration tests: the PxWeb replay server (tests/replay_server.py), a real
redis-server."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

# `tests` is a package at the repository root; pytest's rootdir is not always on sys.path.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from tests.helpers import REDIS_SERVER, queries_on, redis_server  # noqa: E402
from tests.replay_server import ReplayServer  # noqa: E402


@pytest.fixture(scope="session")
def _replay_server_session() -> Iterator[ReplayServer]:
    with ReplayServer() as server:
        yield server


@pytest.fixture
def replay_server(_replay_server_session: ReplayServer) -> Iterator[ReplayServer]:
    """A running replay server, reset (no faults, default limits, empty log) for each test.

    ``.base_url(lang)`` / ``.base_urls`` give the fi/sv/en API bases; ``.set_limits(...)``,
    ``.set_fault(...)``, ``.clear_faults()`` and ``.log`` drive and observe it.
    ``.use_snapshot()`` serves every catalogue table from the bundled snapshot with listings at
    the manifest's ``updated``; ``.bump_updated(...)`` and ``.set_forms(...)`` force refreshes
    and switch the 2026 or legacy table ids off.
    """
    _replay_server_session.reset()
    yield _replay_server_session
    _replay_server_session.reset()


@pytest.fixture(scope="module")
def con(warehouse_path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the session's warehouse, one per test module."""
    connection = duckdb.connect(str(warehouse_path), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def queries(warehouse_path):
    """`dashboard.queries` pointed at the session's warehouse, one per test module."""
    with queries_on(warehouse_path) as queries:
        yield queries


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory) -> Iterator[str]:
    """A real redis-server (Debian's) on a free 127.0.0.1 port, bounded the way docs/deploy.md
    says to run it, one per module. Missing redis-server fails the test, never skips it."""
    if shutil.which(REDIS_SERVER) is None:
        pytest.fail(f"{REDIS_SERVER} is not installed (apt-get install redis-server)", False)
    bounded = ("--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru")
    with redis_server(tmp_path_factory.mktemp("redis"), *bounded) as url:
        yield url
