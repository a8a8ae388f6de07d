"""Selection matching: which dimension and which values of a table a selection names.

A selection names dimensions by code, label text or role (``time``/``geo``/``metric``) and values
by code or label, so the same selection works on the pre-June-2026 tables (``Alue``/``Vuosi``/
``Tiedot``, value ``vaesto``) and the new ones (``alue_23_20260101``/``timeperiod_y``/
``contentscode``, value ``vaerak-vaesto``). Shared by the fetch client and the snapshot readers;
pure, no I/O. A failed match names the table or file, the dimension and the closest candidates.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from pipeline.pxweb.errors import PxWebQueryError
from pipeline.pxweb.metadata import (
    METRIC_WORDS,
    ROLES,
    TIME_WORDS,
    TableMetadata,
    Variable,
    normalise_text,
    role_variable,
)

Selection = Mapping[str, Any]

# Classification dimensions by their fi/sv/en names and unversioned 2026 codes, so a selection
# written as `Ikä` finds `ikaryhma_10_20180101` ("Age") in an English table.
_CONCEPTS = {
    "age": {"ikä", "ika", "ikäryhmä", "ikaryhma", "ålder", "åldersgrupp", "age", "age group"},
    "sex": {"sukupuoli", "kön", "sex", "gender"},
    "geo": {"alue", "område", "area", "region", "maakunta", "landskap", "kunta", "kommun"},
    "time": TIME_WORDS,
    "metric": METRIC_WORDS,
}

Selection = Mapping[str, Any]


def _unversioned(code: str) -> str:
    """``alue_23_20260101`` -> ``alue`` (StatFin's 2026 version stamps)."""
    return re.sub(r"(_\d+)?_\d{8}$", "", normalise_text(code))


def _concept(word: str) -> str | None:
    """``Ikä``, ``Age``, ``ikaryhma_10_20180101`` -> ``age``; None for other words."""
    name = _unversioned(word)
    return next((c for c, words in _CONCEPTS.items() if name in words), None)


def dimension_name(var: Variable) -> str:
    """A dimension's name that stays the same across table forms and languages: its concept
    (``age`` for ``Ikä``/``Age``/``ikaryhma_10_20180101``) or its code without version stamp."""
    return _concept(var.code) or _concept(var.text) or _unversioned(var.code)


def _close(word: str, candidates: Iterable[str], n: int = 5) -> list[str]:
    cands = list(dict.fromkeys(str(c) for c in candidates))
    by_norm = {normalise_text(c): c for c in cands}
    hits = difflib.get_close_matches(normalise_text(word), list(by_norm), n=n, cutoff=0.4)
    return [by_norm[h] for h in hits]


def resolve_dimension(md: TableMetadata, key: str) -> Variable:
    """Find the variable ``key`` names: its code, its label text, its role, an unversioned code,
    or failing those the same concept in another language (``Ikä`` finds "Age")."""
    key_s = str(key)
    for var in md.variables:
        if var.code == key_s:
            return var
    nkey = normalise_text(key_s)
    if nkey in ROLES:
        var = role_variable(md, nkey)
        if var is not None:
            return var
    for match in (
        lambda v: normalise_text(v.code) == nkey,
        lambda v: normalise_text(v.text) == nkey,
        lambda v: _unversioned(v.code) == _unversioned(key_s),
    ):
        found = [v for v in md.variables if match(v)]
        if len(found) == 1:
            return found[0]
    concept = _concept(key_s)
    if concept in ROLES and role_variable(md, concept) is not None:
        return role_variable(md, concept)
    found = [v for v in md.variables if concept and concept in (_concept(v.code), _concept(v.text))]
    if len(found) == 1:
        return found[0]
    candidates = [v.code for v in md.variables] + [v.text for v in md.variables]
    close = _close(key_s, candidates + [r for r in ROLES if role_variable(md, r)])
    raise PxWebQueryError(
        f"{md.kind} {md.table}: no dimension {key_s!r}; closest: {', '.join(close) or '-'} "
        f"(dimensions: {', '.join(f'{v.code} ({v.text})' for v in md.variables)})"
    )


def _loose_value(code: str) -> str:
    """Code without a ``prefix-`` (``vaerak-vaesto`` -> ``vaesto``) and ``KU`` (``KU091`` -> ``091``)."""
    tail = normalise_text(code).rsplit("-", 1)[-1]
    return tail[2:] if re.fullmatch(r"ku\d{3}", tail) else tail


def resolve_value(md: TableMetadata, var: Variable, wanted: Any, *, loose: bool = True) -> str:
    """The code of ``var`` that ``wanted`` names: the code, a code or label text (case and
    whitespace aside) or, if ``loose``, a code without its 2026 ``<subject>-`` prefix or ``KU``
    (``vaesto`` finds ``vaerak-vaesto``, ``KU091`` finds ``091``). Raises naming the closest."""
    w = str(wanted)
    if w in var.values:
        return w
    nw = normalise_text(w)
    matches = [lambda c, t: normalise_text(c) == nw, lambda c, t: normalise_text(t) == nw]
    if loose:
        matches.append(lambda c, t: _loose_value(c) == _loose_value(w))
    for match in matches:
        found = [c for c, t in zip(var.values, var.value_texts, strict=True) if match(c, t)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise PxWebQueryError(
                f"{md.kind} {md.table}, dimension {var.code} ({var.text}): value {w!r} is "
                f"ambiguous, matches {', '.join(found[:10])}"
            )
    close = _close(w, list(var.values) + list(var.value_texts))
    raise PxWebQueryError(
        f"{md.kind} {md.table}, dimension {var.code} ({var.text}): no value {w!r}; "
        f"closest: {', '.join(close) or '-'}"
    )


def _resolve_values(md: TableMetadata, var: Variable, spec: Any) -> list[str]:
    if isinstance(spec, str) and spec.strip() == "*":
        return list(var.values)
    if isinstance(spec, Mapping):
        if set(spec) != {"top"}:
            raise PxWebQueryError(
                f"table {md.table}, dimension {var.code}: selection {spec!r} is not '*', a list "
                "or {'top': n}"
            )
        n = int(spec["top"])
        if n < 1:
            raise PxWebQueryError(f"table {md.table}, dimension {var.code}: top must be >= 1")
        return list(var.values[-n:])
    items = [spec] if isinstance(spec, str | int) else list(spec)
    if not items:
        raise PxWebQueryError(f"table {md.table}, dimension {var.code}: empty value list")
    chosen = {resolve_value(md, var, item) for item in items}
    return [c for c in var.values if c in chosen]  # the server answers in metadata order


def resolve_selection(md: TableMetadata, selection: Selection) -> dict[str, list[str]]:
    """Resolve ``selection`` into ``{variable code: [value codes]}`` in the table's variable order.

    Unnamed variables with elimination are left out (the server eliminates them); other unnamed
    variables take all their values.
    """
    chosen: dict[str, list[str]] = {}
    for key, spec in selection.items():
        var = resolve_dimension(md, key)
        if var.code in chosen:
            raise PxWebQueryError(
                f"table {md.table}: dimension {var.code} selected twice ({key!r})"
            )
        chosen[var.code] = _resolve_values(md, var, spec)
    out: dict[str, list[str]] = {}
    for var in md.variables:
        if var.code in chosen:
            out[var.code] = chosen[var.code]
        elif not var.elimination:
            out[var.code] = list(var.values)
    return out
