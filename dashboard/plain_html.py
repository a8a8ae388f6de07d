"""HTML elements of long tables as the JSON Dash sends, without a Dash component each.

A profile's theme tables and printed indicator table hold about 1,800 cells. Building a Dash
component costs about 13 µs (its generated `__init__` checks every argument) and writing it
about 6 µs more; the same element as the dict Dash would write for it (`type`, `namespace`,
`props`) costs half a microsecond, and the browser gets the same answer. `element` is for
those many-celled tables only; pages keep Dash components everywhere else.

An `Element` reads its props as attributes (`cell.children`, `row.className`), as a component
does, so code that walks a layout finds the texts and classes inside it.
"""

from __future__ import annotations

from typing import Any

NAMESPACE = "dash_html_components"


class Element(dict):
    """`{"type": tag, "namespace": ..., "props": {...}}`, props readable as attributes."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self["props"][name]
        except KeyError:
            raise AttributeError(name) from None


def element(tag: str, children: Any = None, **props: Any) -> Element:
    """The element `tag` (`"Td"`, `"Tr"`: dash.html's class names) with `children` and `props`
    (Dash's prop names, e.g. `className`, `scope`, `colSpan`; `data-*` as `**{"data-x": v}`)."""
    return Element(type=tag, namespace=NAMESPACE, props={"children": children, **props})
