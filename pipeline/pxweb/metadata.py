"""A PxWeb table's metadata (its variables and their values) and the roles of its dimensions.

Pure data: built from the server's metadata JSON by the client, or from a snapshot file's own
description by the readers (``pipeline.readers.jsonstat``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pipeline.pxweb.errors import PxWebResponseError

ROLES = ("time", "geo", "metric")
GEO_WORDS = ("alue", "område", "area", "region", "maakunta", "kunta", "landskap", "kommun")
# Paavo's area dimension (postal code areas): ``Postinumeroalue`` / "Postal code area".
POSTAL_WORDS = ("postinumeroalue", "postnummerområde", "postal code area")
METRIC_WORDS = {"tiedot", "information", "uppgifter", "contentscode", "contents"}
TIME_WORDS = {"vuosi", "år", "year", "timeperiod_y", "kuukausi", "månad", "month"}


def normalise_text(text: str) -> str:
    """Whitespace collapsed and case folded, the form every comparison here uses."""
    return " ".join(str(text).split()).casefold()


@dataclass(frozen=True)
class Variable:
    code: str
    text: str
    values: tuple[str, ...]
    value_texts: tuple[str, ...]
    elimination: bool = False
    time: bool = False

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Variable:
        values = tuple(str(v) for v in obj.get("values", ()))
        texts = tuple(str(t) for t in obj.get("valueTexts", values))
        return cls(
            code=str(obj["code"]),
            text=str(obj.get("text", obj["code"])).strip(),
            values=values,
            value_texts=texts,
            elimination=bool(obj.get("elimination", False)),
            time=bool(obj.get("time", False)),
        )


@dataclass(frozen=True)
class TableMetadata:
    """A table's metadata; ``updated`` comes from the parent folder listing when it lists it.

    ``declared_roles`` (``(role, variable code)`` pairs) are roles the source states, as a
    JSON-stat file does; PxWeb metadata has none and roles are then inferred. ``kind`` is how
    errors name the thing described ("table", or "file" for a snapshot file).
    """

    table: str
    title: str
    variables: tuple[Variable, ...]
    updated: str | None = None
    declared_roles: tuple[tuple[str, str], ...] = ()
    kind: str = "table"

    @classmethod
    def from_json(cls, table: str, obj: Mapping[str, Any], updated: str | None = None):
        if not isinstance(obj, Mapping) or "variables" not in obj:
            raise PxWebResponseError(f"metadata for table {table} has no 'variables'")
        variables = tuple(Variable.from_json(v) for v in obj["variables"])
        return cls(
            table=table, title=str(obj.get("title", "")), variables=variables, updated=updated
        )

    @property
    def roles(self) -> dict[str, str]:
        """``{"time": code, "geo": code, "metric": code}`` for the roles this table has."""
        out = {}
        for role in ROLES:
            var = role_variable(self, role)
            if var is not None:
                out[role] = var.code
        return out

    def same_structure(self, other: TableMetadata) -> bool:
        return self.variables == other.variables


@dataclass(frozen=True)
class FolderItem:
    id: str
    type: str
    text: str
    updated: str | None = None


def role_variable(md: TableMetadata, role: str) -> Variable | None:
    """The variable playing ``role``: the declared one, else the one its code or text names."""
    codes = [code for r, code in md.declared_roles if r == role]
    declared = [v for code in codes for v in md.variables if v.code == code]
    if declared:
        return declared[0]
    if role == "time":
        found = [v for v in md.variables if v.time]
        found = found or [v for v in md.variables if normalise_text(v.code) in TIME_WORDS]
        found = found or [v for v in md.variables if normalise_text(v.text) in TIME_WORDS]
    elif role == "geo":
        found = [
            v
            for v in md.variables
            if normalise_text(v.code).startswith(("alue", POSTAL_WORDS[0]))
            or normalise_text(v.text).split(" ")[0] in GEO_WORDS
            or normalise_text(v.text) in POSTAL_WORDS
        ]
    elif role == "metric":
        found = [
            v
            for v in md.variables
            if normalise_text(v.code) in METRIC_WORDS or normalise_text(v.text) in METRIC_WORDS
        ]
    else:
        return None
    return found[0] if found else None
