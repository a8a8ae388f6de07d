"""Fixtures for unit tests: the small warehouse made in code (tests/small_warehouse.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from tests.helpers import queries_on  # noqa: E402
from tests.small_warehouse import build_small_warehouse  # noqa: E402


@pytest.fixture(scope="session")
def small_warehouse_path(tmp_path_factory) -> Path:
    """The small warehouse (four municipalities, two years), written once per session."""
    return build_small_warehouse(tmp_path_factory.mktemp("small") / "small.duckdb")


@pytest.fixture(scope="module")
def small_queries(small_warehouse_path) -> Iterator:
    """`dashboard.queries` pointed at the small warehouse for the module."""
    with queries_on(small_warehouse_path) as queries:
        yield queries
