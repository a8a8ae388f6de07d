"""The house map (docs/architecture.md, "The house map") as a test: which package may import
which. Layers point one way: config and readers at the bottom, the build and export above them,
the dashboard on top, and the CLI at the edge."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# package -> the project packages it may import (besides itself and `pipeline`'s path helpers)
ALLOWED: dict[str, set[str]] = {
    "pipeline.jsonstat": set(),
    "pipeline.pxweb": {"pipeline.jsonstat"},
    "pipeline.catalogue": set(),
    "pipeline.presentation": {"pipeline.catalogue"},
    "pipeline.content": {"pipeline.catalogue"},
    "pipeline.readers": {"pipeline.jsonstat", "pipeline.pxweb"},
    # the snapshot's trial build (check and fetch) runs the build on a candidate snapshot
    "pipeline.snapshot": {
        "pipeline.jsonstat",
        "pipeline.pxweb",
        "pipeline.readers",
        "pipeline.build",
    },
    "pipeline.aggregate": set(),
    "pipeline.composite": set(),
    "pipeline.peers": {"pipeline.composite"},
    "pipeline.build": {
        "pipeline.aggregate",
        "pipeline.catalogue",
        "pipeline.composite",
        "pipeline.peers",
        "pipeline.presentation",
        "pipeline.readers",
        "pipeline.snapshot",
    },
    "pipeline.export": {"pipeline.readers", "pipeline.catalogue"},
    "pipeline.sql": set(),
    "pipeline.cli": {"*"},
    "dashboard.i18n": set(),
    "dashboard.cache": set(),
    "dashboard.figures": {"dashboard.i18n"},
    "dashboard.geo": {"dashboard.cache"},
    "dashboard.queries": {
        "dashboard.cache",
        "dashboard.i18n",
        "pipeline.content",
        "pipeline.export",
        "pipeline.presentation",
    },
    "dashboard.services": {
        "dashboard.cache",
        "dashboard.queries",
        "pipeline.composite",
        "pipeline.peers",
        "pipeline.presentation",
    },
    "dashboard.layout": {"dashboard.i18n", "dashboard.queries"},
    "dashboard.highlights": {"dashboard.i18n", "dashboard.views", "pipeline.presentation"},
    "dashboard.views": {
        "dashboard.embeds",
        "dashboard.figures",
        "dashboard.geo",
        "dashboard.highlights",
        "dashboard.i18n",
        "dashboard.layout",
        "dashboard.plain_html",
        "dashboard.queries",
        "dashboard.services",
        "pipeline.catalogue",
        "pipeline.content",
        "pipeline.export",
        "pipeline.presentation",
    },
    "dashboard.pages": {
        "dashboard.i18n",
        "dashboard.layout",
        "dashboard.pagemeta",
        "dashboard.queries",
        "dashboard.views",
        "pipeline.export",
    },
    "dashboard.downloads": {"dashboard.i18n", "pipeline.export"},
    "dashboard.api": {"dashboard.queries", "pipeline.export"},
    "dashboard.rediscache": set(),
    "dashboard.httpcache": {"dashboard.i18n"},
    # the 'data' action of every figure: one callback a figure id, rows from the traces
    "dashboard.figure_data": {"dashboard.figures", "dashboard.i18n", "dashboard.layout"},
    # server-rendered embeds (no Dash): plain Flask routes and pure HTML renderers
    "dashboard.embeds": {"dashboard.i18n", "dashboard.queries", "pipeline.content"},
    # every page's title, description and link-preview picture (PNG, /og/…)
    "dashboard.pagemeta": {"dashboard.embeds", "dashboard.i18n", "dashboard.queries"},
    # what each page's HTML loads: component bundles on demand, dcc chunks ahead
    "dashboard.frontend": set(),
    "dashboard.staticzip": set(),  # the front-end bundles compressed once, cached long
    "dashboard.answer_json": set(),  # Dash's answers written in one orjson pass
    "dashboard.plain_html": set(),  # long tables' cells as the JSON Dash writes
    "dashboard.app": {
        "dashboard.answer_json",
        "dashboard.api",
        "dashboard.cache",
        "dashboard.downloads",
        "dashboard.embeds",
        "dashboard.figure_data",
        "dashboard.frontend",
        "dashboard.geo",
        "dashboard.httpcache",
        "dashboard.i18n",
        "dashboard.layout",
        "dashboard.pagemeta",
        "dashboard.queries",
        "dashboard.rediscache",
        "dashboard.staticzip",
    },
    "dashboard.wsgi": {"dashboard.app", "dashboard.geo", "dashboard.queries"},
}


def _package(module: str) -> str:
    """`pipeline.build.run` -> `pipeline.build`; `pipeline` and `dashboard` stay themselves."""
    return ".".join(module.split(".")[:2])


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            if node.module in ("pipeline", "dashboard"):  # from pipeline import composite
                found |= {
                    f"{node.module}.{alias.name}"
                    for alias in node.names
                    if alias.name.islower()  # a submodule, not a path such as DEFAULT_SNAPSHOT
                }
    return {name for name in found if name.split(".")[0] in ("pipeline", "dashboard")}


def _modules() -> list[tuple[str, Path]]:
    out = []
    for root in ("pipeline", "dashboard"):
        for path in sorted((ROOT / root).rglob("*.py")):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            out.append((module.removesuffix(".__init__"), path))
    return out


@pytest.mark.parametrize(("module", "path"), _modules(), ids=[m for m, _ in _modules()])
def test_each_module_imports_only_what_its_layer_may(module, path):
    package = _package(module)
    if package in ("pipeline", "dashboard"):  # the packages' own __init__ (path helpers)
        return
    assert package in ALLOWED, (
        f"{package} is not on the house map (tests/unit/test_import_rules.py)"
    )
    allowed = ALLOWED[package]
    if "*" in allowed:
        return
    wrong = sorted(
        name
        for name in _imports(path)
        if _package(name) not in {package, "pipeline", "dashboard"} | allowed
        and name not in ("pipeline", "dashboard")
    )
    assert not wrong, f"{module} imports {wrong}"


def test_the_pipeline_never_imports_the_dashboard_but_through_the_cli():
    for module, path in _modules():
        if module.startswith("pipeline") and module != "pipeline.cli":
            assert not any(n.startswith("dashboard") for n in _imports(path)), module
