"""What a page's HTML makes the browser load: component bundles on demand, chunks ahead.

Dash puts every component library's bundle in every page. AG Grid's (dash-ag-grid, 1.3 MB,
about a third of the page's script bytes) is needed only by the pages with a grid, and Dash's
own DataTable bundle by none; the browser downloads and runs them before it even asks for the
page's layout. `page_scripts` leaves out the bundles of `ON_DEMAND` on the pages that do not use
them and names their URLs (fingerprinted, as Dash serves them) in a JSON block instead;
assets/on_demand.js then stands in for those libraries and loads a bundle the moment the page
renders one of its components (the user moved to a page with a grid inside the app), so no page
breaks for want of it.

`preload_links`: dcc loads the code of its graphs and dropdowns (async chunks) only after the
layout has arrived and rendered, one more round trip before the first chart; a preload hint
fetches them while the server builds the layout.
"""

from __future__ import annotations

import html
import json
import re

from dash._pages import _path_to_page

# window namespace -> (where its bundle is served, its component types, the page modules that
# render one; a page missing here still works, it loads the bundle on demand).
ON_DEMAND: dict[str, tuple[str, tuple[str, ...], frozenset[str]]] = {
    "dash_ag_grid": ("dash_ag_grid/", ("AgGrid",), frozenset({"pages.compare", "pages.data"})),
    "dash_table": ("dash/dash_table/", ("DataTable",), frozenset()),
}
# dcc's async chunks, by what a page shows; pages that draw no chart (the paths plotly_preload.js
# also leaves out) get only the dropdown's.
CHUNKS = {"graph": "dcc/async-graph.js", "dropdown": "dcc/async-dropdown.js"}
NO_CHARTS = re.compile(r"/(data|about)/?$")
DATA_ID = "investin-on-demand"
SUITES = "/_dash-component-suites/"
SCRIPT_TAG = re.compile(r'<script src="(?P<src>[^"]*)">\s*</script>\n?')


def page_parts(parts: dict[str, str], path: str, prefix: str) -> dict[str, str]:
    """Dash's index parts `scripts` and `css` for the page at `path`: `page_scripts` of the
    page's module, `preload_links` after the style sheets."""
    page, _ = _path_to_page(path.strip("/"))
    return {
        "scripts": page_scripts(parts["scripts"], (page or {}).get("module")),
        "css": f"{parts['css']}\n{preload_links(path, prefix)}",
    }


def page_scripts(scripts: str, page_module: str | None) -> str:
    """Dash's `{%scripts%}` for a page of `page_module`: without the bundles of `ON_DEMAND`
    libraries that page does not render, and with their URLs for assets/on_demand.js."""
    left_out: dict[str, dict[str, object]] = {}

    def keep_or_name(match: re.Match[str]) -> str:
        src = match["src"]
        for namespace, (where, types, pages) in ON_DEMAND.items():
            if f"{SUITES}{where}" in src and page_module not in pages:
                left_out[namespace] = {"src": src, "types": list(types)}
                return ""
        return match[0]

    kept = SCRIPT_TAG.sub(keep_or_name, scripts)
    if not left_out:
        return kept
    data = json.dumps(left_out, sort_keys=True).replace("<", "\\u003c")  # no `</script>`
    return f'<script type="application/json" id="{DATA_ID}">{data}</script>\n{kept}'


def preload_links(path: str, prefix: str) -> str:
    """`<link rel="preload">` tags for the dcc chunks the page at `path` renders first."""
    names = ["dropdown"] if NO_CHARTS.search(path) else ["graph", "dropdown"]
    base = f"{prefix}_dash-component-suites/dash/"
    return "\n".join(
        f'<link rel="preload" as="script" href="{html.escape(base + CHUNKS[name])}">'
        for name in names
    )
