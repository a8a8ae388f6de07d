"""Every page in Finnish and Swedish speaks its language in the source lines, the About page's
source table and the definitions: no "Statistics Finland" anywhere in the rendered layout (the
layout tree walked, every text child and text prop), publishers and licences translated."""

from __future__ import annotations

import functools

import dash
import pytest

from tests.helpers import routing_body, with_later_parts

# Props of a component that a reader sees as text.
TEXT_PROPS = ("children", "title", "placeholder", "label", "aria-label", "value", "alt")


def page_paths() -> list[str]:
    """Every registered page's path; a path template with a town's code (Iisalmi, 140)."""
    paths = []
    for page in dash.page_registry.values():
        template = page.get("path_template")
        path = template.replace("<code>", "140") if template else page["path"]
        if not page["module"].endswith("not_found_404"):
            paths.append(path)
    return sorted(set(paths))


def texts_of(node, out: list[str]) -> list[str]:
    """The visible texts of a Dash layout tree (JSON as the routing callback answers it)."""
    if isinstance(node, str):
        out.append(node)
    elif isinstance(node, list):
        for child in node:
            texts_of(child, out)
    elif isinstance(node, dict) and "props" in node:
        for name, value in node["props"].items():
            if name in TEXT_PROPS or isinstance(value, dict | list):
                texts_of(value, out)
    elif isinstance(node, dict):
        for value in node.values():
            texts_of(value, out)
    return out


@pytest.fixture(scope="module")
def layout_of(client, dependencies):
    @functools.cache
    def layout_of(path: str, lang: str):
        body = routing_body(dependencies, path, f"?lang={lang}")
        response = client.post("/_dash-update-component", json=body)
        assert response.status_code == 200, path
        tree = response.get_json()["response"]["_pages_content"]["children"]
        return with_later_parts(client, dependencies, tree)

    return layout_of


def test_every_page_is_walked(dashboard_app):
    paths = page_paths()
    for path in ("/", "/town/140", "/compare", "/map", "/data", "/about", "/indicators", "/api"):
        assert path in paths


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_no_page_names_statistics_finland_in_english(layout_of, dashboard_app, lang):
    native = {"fi": "Tilastokeskus", "sv": "Statistikcentralen"}[lang]
    found = {}
    for path in page_paths():
        texts = texts_of(layout_of(path, lang), [])
        english = [s for s in texts if "Statistics Finland" in s]
        if english:
            found[path] = english[:2]
        if path in ("/town/140", "/compare", "/about"):
            assert any(native in s for s in texts), path
    assert not found


def _about_source_rows(layout) -> list[list[str]]:
    rows = []

    def walk(node):
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict) and "props" in node:
            if node.get("type") == "Tr":
                cells = node["props"]["children"]
                if all(isinstance(c, dict) and c.get("type") == "Td" for c in cells):
                    rows.append([str(c["props"].get("children")) for c in cells])
                    return
            walk(node["props"].get("children"))

    walk(layout)
    return [r for r in rows if len(r) == 6]  # title, table, publisher, updated, fetched, licence


@pytest.mark.parametrize(
    ("lang", "publisher", "eurostat_licence", "boundaries"),
    [
        ("fi", "Tilastokeskus", "uudelleenkäyttö lähde mainiten", "maakuntarajat 2024"),
        (
            "sv",
            "Statistikcentralen",
            "återanvändning med angivande av källan",
            "landskapsgränser 2024",
        ),
    ],
)
def test_about_source_table_in_the_page_language(
    layout_of, con, lang, publisher, eurostat_licence, boundaries
):
    rows = _about_source_rows(layout_of("/about", lang))
    sources = con.execute("SELECT table_id, publisher, licence FROM core.provenance").fetchall()
    assert len(rows) == len(sources)
    by_table = {r[1]: r for r in rows}
    assert by_table["vaerak 11re"][2] == publisher
    assert by_table["nama_10r_3gdp"][2] == "Eurostat"
    assert by_table["nama_10r_3gdp"][5] == eurostat_licence
    assert boundaries in by_table
    english = {p for _t, p, _l in sources} | {lic for _t, _p, lic in sources} - {"CC BY 4.0"}
    english -= {"Eurostat"}
    assert not [r for r in rows if r[2] in english or r[5] in english]


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_figure_source_lines_end_in_the_page_language(layout_of, dashboard_app, lang):
    native = {"fi": "Tilastokeskus, CC BY 4.0.", "sv": "Statistikcentralen, CC BY 4.0."}[lang]
    texts = texts_of(layout_of("/town/140", lang), [])
    lines = [s for s in texts if s.endswith("CC BY 4.0.")]
    assert lines and not [s for s in lines if "Statistics Finland" in s], lines[:3]
    assert [s for s in lines if s.endswith(native)], lines[:3]


def _dropdowns(node, out: list[dict]) -> list[dict]:
    if isinstance(node, list):
        for child in node:
            _dropdowns(child, out)
    elif isinstance(node, dict) and "props" in node:
        if node.get("type") == "Dropdown":
            out.append(node["props"])
        for value in node["props"].values():
            _dropdowns(value, out)
    return out


@pytest.mark.parametrize(
    ("lang", "count", "search"),
    [("fi", "{num_selected} valittu", "Hae"), ("sv", "{num_selected} valda", "Sök")],
)
def test_every_dropdown_speaks_the_page_language(layout_of, dashboard_app, lang, count, search):
    """dcc.Dropdown's own texts (the multi-select's 'N selected' summary, its search box) are
    English unless its `labels` prop says otherwise."""
    seen = {}
    for path in page_paths():
        for props in _dropdowns(layout_of(path, lang), []):
            labels = props.get("labels") or {}
            seen[f"{path} {props.get('id')}"] = (labels.get("selected_count"), labels.get("search"))
    assert "/town/140 town-peers-indicators" in seen and "/town town-picker" in seen
    assert {key: v for key, v in seen.items() if v != (count, search)} == {}
