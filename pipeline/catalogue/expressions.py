"""Catalogue expressions: SQL over variable ids, numbers, operators and `SQL_FUNCTIONS`.

Two period functions look across rows of the same area: `lag(x, n)` is x for the same area n
periods earlier (years for annual series, months for monthly series), `at_year(x, y)` is x for
the same area in year y. One area function looks across areas: `level_total(x)` is the sum of x
over every area of the row's level (the 19 regions, the municipalities) in the same period, e.g.
the whole country's employed in a section for a location quotient. These checks run on load, so a formula naming an unknown variable or
function fails with its line before any build.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

PERIOD_FUNCTIONS = frozenset({"lag", "at_year"})
AREA_FUNCTIONS = frozenset({"level_total"})
SQL_FUNCTIONS = frozenset(
    {
        "greatest",
        "least",
        "nullif",
        "coalesce",
        "abs",
        "round",
        "ln",
        "log10",
        "exp",
        "sqrt",
        "power",
        "sign",
        "floor",
        "ceil",
    }
    | PERIOD_FUNCTIONS
    | AREA_FUNCTIONS
)
SQL_KEYWORDS = frozenset({"case", "when", "then", "else", "end", "and", "or", "not", "null", "is"})

_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op><=|>=|<>|!=|[-+*/%(),<>=]))"
)


def _tokens(expr: str) -> list[tuple[str, str]]:
    """Split an expression into (kind, text) tokens; raise ValueError on anything else."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = expr.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise ValueError(f"unexpected character {text[pos:].strip()[:1]!r} in {expr!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


def expression_variables(expr: str) -> tuple[str, ...]:
    """Identifiers in `expr` that are not SQL functions or keywords (i.e. variable ids)."""
    tokens = _tokens(expr)
    names: list[str] = []
    for index, (kind, text) in enumerate(tokens):
        if kind != "name" or text.lower() in SQL_KEYWORDS:
            continue
        is_call = index + 1 < len(tokens) and tokens[index + 1][1] == "("
        if is_call:
            continue
        if text not in names:
            names.append(text)
    return tuple(names)


def check_expression(expr: str, known: Iterable[str]) -> None:
    """Raise ValueError if `expr` names an unknown function or variable or is unbalanced."""
    tokens = _tokens(expr)
    if not tokens:
        raise ValueError("empty expression")
    depth = 0
    for index, (kind, text) in enumerate(tokens):
        if text == "(":
            depth += 1
        elif text == ")":
            depth -= 1
            if depth < 0:
                raise ValueError(f"unbalanced ')' in {expr!r}")
        if kind != "name" or text.lower() in SQL_KEYWORDS:
            continue
        is_call = index + 1 < len(tokens) and tokens[index + 1][1] == "("
        if is_call and text.lower() not in SQL_FUNCTIONS:
            raise ValueError(f"unknown function {text!r} in {expr!r}")
        if is_call and text.lower() in PERIOD_FUNCTIONS:
            shape = [
                kind if kind != "op" else value for kind, value in tokens[index + 1 : index + 6]
            ]
            if shape != ["(", "name", ",", "number", ")"]:
                raise ValueError(f"{text}() takes (variable, integer) in {expr!r}")
        if is_call and text.lower() in AREA_FUNCTIONS:
            shape = [
                kind if kind != "op" else value for kind, value in tokens[index + 1 : index + 4]
            ]
            if shape != ["(", "name", ")"]:
                raise ValueError(f"{text}() takes one variable in {expr!r}")
    if depth:
        raise ValueError(f"unbalanced '(' in {expr!r}")
    known_set = set(known)
    unknown = [name for name in expression_variables(expr) if name not in known_set]
    if unknown:
        raise ValueError(f"unknown variable {unknown[0]!r} in {expr!r}")
