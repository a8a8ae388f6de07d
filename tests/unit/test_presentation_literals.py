"""Presentation as data: no page, view, figure, layout or highlight module writes a catalogue
indicator id or a comparison group's id or code as a string literal (they come from
presentation.yaml), and page modules stay thin (their content lives in dashboard.views)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from pipeline.catalogue import load_catalogue

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"
MODULES = sorted(
    [
        *DASHBOARD.glob("pages/*.py"),
        *DASHBOARD.glob("views/*.py"),
        *DASHBOARD.glob("figures/*.py"),
        DASHBOARD / "layout.py",
        DASHBOARD / "highlights.py",
    ]
)
# Words that are also area kinds of core.areas ('country', 'region', ...: the kind of a group,
# not its id) and page ids, allowed only where the page is named.
PAGE_IDS = {"network": {"layout.py", "pages/network.py", "views/network.py"}}
MAX_PAGE_LINES = 150


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the docstring nodes (documentation may name ids)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def string_literals(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string constant in `path` except docstrings, f-string parts included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
    ]


@pytest.fixture(scope="module")
def forbidden() -> set[str]:
    catalogue = load_catalogue()
    kinds = {g.kind for g in catalogue.groups} | {g.id for g in catalogue.groups if g.by}
    groups = {g.id for g in catalogue.groups} | {g.code for g in catalogue.groups if not g.by}
    groups -= kinds
    return (
        {i.id for i in catalogue.indicators}
        | groups
        | {f"value_{code}" for code in groups}  # a group's value column
    )


def test_the_forbidden_words_are_the_catalogues(forbidden):
    assert {"population", "unemployment_rate", "network", "university_cities", "SSS"} <= forbidden
    assert "value_SSS" in forbidden and "country" not in forbidden  # 'country' is an area kind


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(DASHBOARD)))
def test_no_indicator_or_group_id_is_written_in_code(path, forbidden):
    name = str(path.relative_to(DASHBOARD))
    hits = [
        f"{name}:{line}: {text!r}"
        for line, text in string_literals(path)
        if text in forbidden and name not in PAGE_IDS.get(text, ())
    ]
    assert not hits, hits


def test_the_check_finds_a_written_id(tmp_path, forbidden):
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""Docstrings may say SSS."""\nX = ("SSS", f"{1}value_network")\nY = "jobs"\n'
    )
    assert {text for _, text in string_literals(sample)} & forbidden == {
        "SSS",
        "value_network",
        "jobs",
    }


@pytest.mark.parametrize("path", sorted(DASHBOARD.glob("pages/*.py")), ids=lambda p: p.name)
def test_page_modules_are_thin(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_PAGE_LINES, f"{path.name}: {lines} lines; move content into dashboard.views"
