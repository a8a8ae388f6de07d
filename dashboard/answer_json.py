"""Dash's answers written as JSON in one pass.

Dash writes every layout and callback answer with plotly's `to_json_plotly`. Its orjson path
first tries `orjson.dumps` as is, which always fails on an answer that holds Dash components,
and then walks the whole answer in Python (`clean_to_json_compatible`: every dict, list and
number of a page) to make a copy orjson can write. On a profile's later part that walk is about
two thirds of the writing time.

`to_json` writes the same text with orjson's `default` hook instead: orjson writes dicts, lists,
strings and numbers itself and asks `default` only for the rest (a Dash component: its
`to_plotly_json()`; anything else, numpy included: plotly's own cleaning of that one object).
Same options, same escaping for HTML (`_safe`), so the text is the one plotly would write.
`install` makes it the writer Dash uses: `dash._utils.to_json` looks `to_json_plotly` up in
`plotly.io.json` on every call, and plotly's own figure writer does not go through that name.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import orjson
import pandas as pd
import plotly.io.json
from plotly.io._json import _safe, _swap_orjson, clean_to_json_compatible

OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY
# What plotly's cleaning knows about, as `to_json_plotly` passes it (no Sage, no PIL images).
MODULES = {"sage_all": None, "np": np, "pd": pd, "image": None}


def _default(value: Any) -> Any:
    """What orjson cannot write in the first pass, as plotly would write it (a TypeError for
    what neither can write, as orjson wants). The first pass leaves numpy to this hook, so a
    numpy value takes plotly's cleaning first (a datetime64 becomes numpy's own date text, not
    orjson's) and the cleaned value is written with plotly's options."""
    to_plotly_json = getattr(value, "to_plotly_json", None)
    if to_plotly_json is not None:
        return to_plotly_json()
    cleaned = clean_to_json_compatible(
        value, numpy_allowed=True, datetime_allowed=True, modules=MODULES
    )
    if cleaned is value or isinstance(cleaned, (np.ndarray, np.generic)):
        return orjson.Fragment(orjson.dumps(cleaned, option=OPTIONS))
    return cleaned


def to_json(value: Any, pretty: bool = False, engine: str | None = None) -> str:
    """`value` (a Dash component, a figure, an answer of dicts and lists) as JSON text, as
    plotly's `to_json_plotly` with the orjson engine writes it. `pretty` and `engine` are
    plotly's parameters: anything but the default goes to plotly's own writer."""
    if pretty or engine not in (None, "auto", "orjson"):
        return _PLOTLY_TO_JSON(value, pretty=pretty, engine=engine)
    text = orjson.dumps(value, default=_default, option=orjson.OPT_NON_STR_KEYS).decode("utf8")
    return _safe(text, _swap_orjson)


_PLOTLY_TO_JSON = plotly.io.json.to_json_plotly


def install() -> None:
    """Make `to_json` the writer of Dash's answers (idempotent)."""
    plotly.io.json.to_json_plotly = to_json
