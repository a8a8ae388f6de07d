"""Dash's answers written as JSON in one pass.

Dash writes every layout and callback answer with plotly's `to_json_plotly`. Its orjson path
first tries `orjson.dumps` on the answer as it is, which fails on every answer that holds a
Dash component, and then walks the whole answer in Python (`clean_to_json_compatible`: every
dict, list and number of a page) to make a copy orjson can write. On a profile's later part that
walk is about two thirds of the writing time.

`to_json` takes the same two paths, the second in one pass: orjson writes dicts, lists, strings
and numbers itself and asks the `default` hook only for the rest (a Dash component: its
`to_plotly_json()`; anything else, numpy included: plotly's own cleaning of that one object,
written with plotly's options). Same options, same escaping for HTML (`_safe`), so the text is
the one plotly writes. `install` makes it the writer Dash uses: `dash._utils.to_json` looks
`to_json_plotly` up in `plotly.io.json` on every call, and plotly's own figure writer does not
go through that name.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import orjson
import pandas as pd
import plotly.io.json
from plotly.io._json import _safe, _swap_orjson, clean_to_json_compatible, config
from plotly.io._json import to_json_plotly as plotly_to_json

OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY
# What plotly's cleaning knows about, as `to_json_plotly` passes it (no Sage, no PIL images).
MODULES = {"sage_all": None, "np": np, "pd": pd, "image": None}


def _default(value: Any) -> Any:
    """What orjson cannot write in the one pass, as plotly's cleaning makes it (a TypeError
    for what neither can write, as orjson wants). The pass leaves numpy to this hook, so a
    numpy value is cleaned first as plotly cleans it (a datetime64 becomes numpy's own date
    text, a float32 a Python float) and written with plotly's options."""
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
    plotly's parameters: anything but the orjson engine, compact, goes to plotly's writer."""
    engine = engine or config.default_engine
    if pretty or engine not in ("auto", "orjson"):
        return plotly_to_json(value, pretty=pretty, engine=engine)
    to_plotly_json = getattr(value, "to_plotly_json", None)
    if to_plotly_json is not None:
        value = to_plotly_json()
    try:  # as it is, as plotly tries first (an answer without components)
        text = orjson.dumps(value, option=OPTIONS)
    except TypeError:
        text = orjson.dumps(value, default=_default, option=orjson.OPT_NON_STR_KEYS)
    return _safe(text.decode("utf8"), _swap_orjson)


def install() -> None:
    """Make `to_json` the writer of Dash's answers (idempotent)."""
    plotly.io.json.to_json_plotly = to_json
