"""Helpers shared by test modules in different folders (fixtures live in the conftest files)."""

from __future__ import annotations


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
