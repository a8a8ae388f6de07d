"""Parts of a page sent after its first answer: what is below the first screen or only printed.

A page's first answer (the routing callback's layout) holds what a reader sees first; each part
is an empty placeholder `{"type": LATER, "part": <name>}` that the page's MATCH callback fills
right after the layout is drawn (one request per placeholder), so the browser draws the page
before the slow parts are made. The page's arguments (the town and the language) travel in a
`dcc.Store` beside the placeholders.

`expanded(tree, fill)` puts the parts in place in a component tree: the whole page as the
browser ends up with it (tests and the printed profile read it so).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from dash import dcc, html

LATER = "later"
ARGS = "later-args"


def placeholder(part: str) -> html.Div:
    """The empty box a part arrives in."""
    return html.Div(id={"type": LATER, "part": part}, className="later")


def args_store(**args: str) -> dcc.Store:
    """The page's arguments for its parts (e.g. code and lang of a profile)."""
    return dcc.Store(id=ARGS, data=args)


def part_of(component_id: Any) -> str | None:
    """The part a placeholder id names, or None for any other id."""
    if isinstance(component_id, Mapping) and component_id.get("type") == LATER:
        part = component_id.get("part")
        return part if isinstance(part, str) else None
    return None


def expanded(tree: Any, fill: Callable[[str], Any]) -> Any:
    """`tree` with each placeholder's children set to `fill(part)` (in place; returned)."""
    if isinstance(tree, list | tuple):
        for child in tree:
            expanded(child, fill)
        return tree
    part = part_of(getattr(tree, "id", None))
    if part is not None:
        tree.children = fill(part)
        return tree
    children = getattr(tree, "children", None)
    if children is not None and not isinstance(children, str | int | float):
        expanded(children, fill)
    return tree
