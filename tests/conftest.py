"""Shared fixtures: one real warehouse built from the bundled snapshot per test session."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline import DEFAULT_SNAPSHOT


@pytest.fixture(scope="module")
def catalogue():
    """The indicator catalogue (indicators.yaml), loaded once per module."""
    from pipeline.catalogue import load_catalogue

    return load_catalogue()


@pytest.fixture()
def snapshot(tmp_path: Path) -> Path:
    """A fresh copy of the bundled snapshot (data/snapshot) to change freely."""
    target = tmp_path / "snapshot"
    shutil.copytree(DEFAULT_SNAPSHOT, target)
    return target


@pytest.fixture(scope="session")
def warehouse_path(tmp_path_factory) -> Path:
    """A warehouse built from data/snapshot with pipeline.build.build_warehouse (once)."""
    from pipeline.build import build_warehouse
    from pipeline.catalogue import load_catalogue

    out = tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb"
    build_warehouse(load_catalogue(), Path(DEFAULT_SNAPSHOT), out)
    return out


@pytest.fixture(scope="session")
def dashboard_app(warehouse_path):
    """The Dash app over the session warehouse; one per session (pages register globally)."""
    from dashboard.app import create_app

    return create_app(warehouse_path)


@pytest.fixture(scope="module")
def client(dashboard_app):
    """A Flask test client of the session's Dash app."""
    return dashboard_app.server.test_client()


@pytest.fixture(scope="module")
def dependencies(client) -> list[dict]:
    """The app's callback list (`/_dash-dependencies`)."""
    return client.get("/_dash-dependencies").get_json()


@pytest.fixture(scope="module")
def render(client, dependencies):
    """`render(path, search)`: the page content as the routing callback answers it (the way
    the browser asks for a page), as JSON text with readable non-ASCII characters."""
    from tests.helpers import routing_body, with_later_parts

    def render(path: str, search: str = "") -> str:
        response = client.post(
            "/_dash-update-component", json=routing_body(dependencies, path, search)
        )
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        answer = response.get_json()
        with_later_parts(client, dependencies, answer["response"]["_pages_content"]["children"])
        return json.dumps(answer, ensure_ascii=False)

    return render


@pytest.fixture
def previous(tmp_path: Path, warehouse_path: Path) -> Path:
    """A copy of the session warehouse at tmp_path/out/warehouse.duckdb: a warehouse already
    in place, which a failed build must leave byte-identical."""
    out = tmp_path / "out" / "warehouse.duckdb"
    out.parent.mkdir()
    shutil.copyfile(warehouse_path, out)
    return out
