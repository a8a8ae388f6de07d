"""Parsing the entries of `content/ecosystem.yaml` into `pipeline.content.model` objects.

Every function takes a yaml node (a `YamlMap` that knows its lines) and a `Where`, and raises
`ContentError` naming the file, the line and the entry at fault. The references between entries
(themes, kinds, roles, documents, municipality codes) are checked against `Known`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pipeline.catalogue.yamlfile import (
    ConfigError,
    Where,
    check_mapping,
    entry_id,
    get_str,
    get_text,
    line_of,
)
from pipeline.content.model import Agreement, DataGap, Document, Service, Term

CODE = re.compile(r"^\d{3}$")
LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")
STATFIN_REF = re.compile(r"^[a-z]+( [0-9a-z]{4})?$")
HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")


class ContentError(ConfigError):
    """The content file is malformed; the message names the file, line and entry."""


@dataclass(frozen=True)
class Known:
    """What an entry may refer to."""

    municipalities: frozenset[str]  # empty: codes are checked for form only
    documents: frozenset[str] = frozenset()
    themes: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()


def get_list(node: Any, key: str, where: Where, *, required: bool = True) -> list:
    """The list at `key` ([] when absent and optional)."""
    value = node.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list):
        raise where.error(f"{key!r} must be a list", line_of(node, key, where.line))
    return value


def get_ref(node: Any, key: str, where: Where, allowed: frozenset[str], what: str) -> str:
    """The id at `key`, which must name one of `allowed` (`what`: the kind of entry it names)."""
    value = get_str(node, key, where)
    if value not in allowed:
        raise where.error(
            f"unknown {what} {value!r} (declared: {', '.join(sorted(allowed))})",
            line_of(node, key, where.line),
        )
    return value


def get_refs(
    node: Any, key: str, where: Where, allowed: frozenset[str], what: str
) -> tuple[str, ...]:
    """A list of ids at `key` (optional), each one of `allowed`, none twice."""
    line = line_of(node, key, where.line)
    values = get_list(node, key, where, required=False)
    for value in values:
        if not isinstance(value, str) or value not in allowed:
            raise where.error(
                f"unknown {what} {value!r} in {key!r} (declared: {', '.join(sorted(allowed))})",
                line,
            )
    if len(set(values)) != len(values):
        raise where.error(f"{key!r} names a {what} twice", line)
    return tuple(values)


def get_municipalities(node: Any, where: Where, known: Known) -> tuple[str, ...]:
    """The `municipalities` list: quoted three-digit codes of the classification the build uses."""
    line = line_of(node, "municipalities", where.line)
    values = get_list(node, "municipalities", where)
    if not values:
        raise where.error("'municipalities' is empty", line)
    for value in values:
        if not isinstance(value, str) or not CODE.match(value):
            raise where.error(
                f'municipality code {value!r} must be a quoted three-digit code such as "091"',
                line,
            )
        if known.municipalities and value not in known.municipalities:
            raise where.error(
                f"unknown municipality code {value!r} (not in the municipality classification"
                " the build uses)",
                line,
            )
    if len(set(values)) != len(values):
        raise where.error("'municipalities' names a code twice", line)
    return tuple(values)


def get_url(node: Any, where: Where) -> str | None:
    """The optional `url`: an absolute http(s) address with a host name and no spaces."""
    value = get_str(node, "url", where, required=False)
    if value is None:
        return None
    line = line_of(node, "url", where.line)
    parts = urlsplit(value)
    host = (parts.hostname or "").lower()
    if (
        parts.scheme not in ("http", "https")
        or not HOST.match(host)
        or any(c.isspace() for c in value)
        or parts.username
        or parts.password
    ):
        raise where.error(
            f"bad web address {value!r} (expected http:// or https://, a host name, no spaces)",
            line,
        )
    return value


def parse_document(node: Any, top: Where, seen: dict[str, int]) -> Document:
    ident, where = entry_id(node, top, seen, "document")
    check_mapping(node, where, ("id", "title", "publisher", "kind"), ("date",))
    return Document(
        id=ident,
        title=get_str(node, "title", where),
        publisher=get_str(node, "publisher", where),
        kind=get_text(node, "kind", where),
        date=get_str(node, "date", where, required=False),
    )


def parse_term(node: Any, top: Where, seen: dict[str, int], kind: str) -> Term:
    ident, where = entry_id(node, top, seen, kind)
    check_mapping(node, where, ("id", "label"))
    return Term(ident, get_text(node, "label", where))


def parse_agreement(node: Any, top: Where, seen: dict[str, int], known: Known) -> Agreement:
    ident, where = entry_id(node, top, seen, "agreement")
    check_mapping(node, where, ("id", "name", "municipalities", "focus"), ("themes",))
    return Agreement(
        id=ident,
        name=get_str(node, "name", where),
        municipalities=get_municipalities(node, where, known),
        themes=get_refs(node, "themes", where, known.themes, "theme"),
        focus=get_text(node, "focus", where),
    )


SERVICE_KEYS = ("id", "name", "kind", "municipalities", "source")
SERVICE_OPTIONAL = ("network_role", "themes", "url", "languages", "description", "note")


def parse_service(node: Any, top: Where, seen: dict[str, int], known: Known) -> Service:
    ident, where = entry_id(node, top, seen, "service")
    check_mapping(node, where, SERVICE_KEYS, SERVICE_OPTIONAL)
    role = None
    if node.get("network_role") is not None:
        role = get_ref(node, "network_role", where, known.roles, "network role")
    return Service(
        id=ident,
        name=get_str(node, "name", where),
        kind=get_ref(node, "kind", where, known.kinds, "kind"),
        municipalities=get_municipalities(node, where, known),
        source=get_ref(node, "source", where, known.documents, "document"),
        network_role=role,
        themes=get_refs(node, "themes", where, known.themes, "theme"),
        url=get_url(node, where),
        languages=_languages(node, where),
        description=get_text(node, "description", where, required=False),
        note=get_str(node, "note", where, required=False),
        line=where.line,
    )


def _languages(node: Any, where: Where) -> tuple[str, ...]:
    line = line_of(node, "languages", where.line)
    values = get_list(node, "languages", where, required=False)
    for value in values:
        if not isinstance(value, str) or not LANGUAGE_CODE.match(value):
            raise where.error(
                f"language {value!r} must be a two-letter code such as fi, sv or en", line
            )
    return tuple(dict.fromkeys(values))


def parse_gap(node: Any, top: Where, seen: dict[str, int]) -> DataGap:
    ident, where = entry_id(node, top, seen, "data gap")
    check_mapping(node, where, ("id", "label", "note", "statfin"))
    line = line_of(node, "statfin", where.line)
    tables = get_list(node, "statfin", where)
    for table in tables:
        if not isinstance(table, str) or not STATFIN_REF.match(table):
            raise where.error(
                f"StatFin reference {table!r} must be '<subject> <table id>' such as"
                " 'tyokay 115h', or a subject alone",
                line,
            )
    return DataGap(
        ident, get_text(node, "label", where), get_text(node, "note", where), tuple(tables)
    )
