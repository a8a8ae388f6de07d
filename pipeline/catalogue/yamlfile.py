"""Line-aware yaml for the project's config files (`indicators.yaml`, `presentation.yaml`).

Every error names the file, the line and the entry at fault. To parse a new config file:

    class PresentationError(ConfigError): ...

    doc = load_yaml(text, file, PresentationError)       # mappings remember their lines
    top = Where(file, "presentation", "", 1, PresentationError)
    check_mapping(doc, top, required=("version", "roles"), optional=("headlines",))
    for node in doc["headlines"]:
        where = top.at(node, "headline", str(node.get("id", "")))
        check_mapping(node, where, ("id",), ("label",))
        label = get_text(node, "label", where, required=False)   # Text(fi, sv, en) or None
    duplicate = first_duplicate(doc)                      # a key given twice anywhere
    if duplicate:
        raise top.error(f"duplicate key {duplicate[0]!r}", duplicate[1])

`Where.error(message, line)` builds the exception (raise it); `line_of(node, key, default)`
finds a key's line for the message. `check_mapping` rejects unknown and missing keys;
`get_str`, `get_int`, `get_enum`, `get_text`, `get_codes` read typed values; `entry_id` reads an
entry's lower-case id and rejects a repeated one.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

import yaml

from pipeline.catalogue.model import LANGUAGES, Text

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


class ConfigError(ValueError):
    """A config file is malformed; the message names the file, line and entry."""


# --------------------------------------------------------------------------- yaml with lines


class YamlMap(dict):
    """A yaml mapping that remembers its line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]
    duplicates: list[tuple[str, int]]


class YamlList(list):
    """A yaml sequence that remembers its line (1-based)."""

    line: int = 0


class LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """SafeLoader (libyaml's when available: ~10x faster, the same documents and marks) that
    records start marks and rejects duplicate keys and aliases."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # A node met a second time is an alias (`*name`). The config files need none, and
        # nested aliases (a "billion laughs" document) make every later walk, check or error
        # message exponential in time and memory, so they are refused while parsing.
        if node in self.constructed_objects or node in self.recursive_objects:
            raise yaml.constructor.ConstructorError(
                None, None, "aliases (*name) are not allowed in this file", node.start_mark
            )
        return super().construct_object(node, deep=deep)


def _construct_map(loader: LineLoader, node: yaml.MappingNode) -> YamlMap:
    loader.flatten_mapping(node)
    result = YamlMap()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    result.duplicates = []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in result:
            result.duplicates.append((key, line))
            continue
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def first_duplicate(node: Any) -> tuple[str, int] | None:
    """The first duplicate mapping key anywhere under `node` (yaml would keep the last)."""
    if isinstance(node, YamlMap):
        if node.duplicates:
            return node.duplicates[0]
        children = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        found = first_duplicate(child)
        if found:
            return found
    return None


def _construct_list(loader: LineLoader, node: yaml.SequenceNode) -> YamlList:
    result = YamlList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_list)


def load_yaml(text: str, file: str, error: type[ConfigError] = ConfigError) -> Any:
    """Parse yaml `text` with `LineLoader`; invalid yaml raises `error` naming `file`."""
    try:
        return yaml.load(text, Loader=LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        raise error(f"{file}: invalid yaml: {exc}") from None
    except RecursionError:
        raise error(f"{file}: invalid yaml: nested too deeply") from None


# --------------------------------------------------------------------------- where errors are


@dataclass(frozen=True)
class Where:
    """Where an error is: file, entry kind and id, line; `error` is the exception type raised."""

    file: str
    kind: str
    ident: str
    line: int
    error_type: type[ConfigError] = ConfigError

    def error(self, message: str, line: int | None = None) -> ConfigError:
        """The exception to raise: `<file>:<line>: <kind> '<id>': <message>`."""
        entry = f"{self.kind} {self.ident!r}" if self.ident else self.kind
        return self.error_type(f"{self.file}:{line or self.line}: {entry}: {message}")

    def with_line(self, line: int) -> Where:
        return replace(self, line=line or self.line)

    def at(self, node: Any, kind: str | None = None, ident: str | None = None) -> Where:
        """The same file, at `node`'s line, optionally for another entry kind and id."""
        return replace(
            self,
            kind=kind or self.kind,
            ident=self.ident if ident is None else ident,
            line=getattr(node, "line", self.line) or self.line,
        )


# --------------------------------------------------------------------------- key checks


def line_of(node: Any, key: str, default: int) -> int:
    """The line of `key` in `node`, else `node`'s own line, else `default`."""
    return getattr(node, "key_lines", {}).get(key, getattr(node, "line", default) or default)


def check_mapping(node: Any, where: Where, required: Iterable[str], optional: Iterable[str] = ()):
    """Check that `node` is a mapping with all `required` keys and no keys outside both lists."""
    if not isinstance(node, dict):
        raise where.error(f"expected a mapping, got {type(node).__name__}")
    for key, line in getattr(node, "duplicates", ()):
        raise where.error(f"duplicate key {key!r}", line)
    allowed = set(required) | set(optional)
    for key in node:
        if key not in allowed:
            raise where.error(
                f"unknown key {key!r} (allowed: {', '.join(sorted(allowed))})",
                line_of(node, str(key), where.line),
            )
    for key in required:
        if key not in node or node[key] is None:
            raise where.error(f"missing required key {key!r}")
    return node


def value_and_line(node: Any, key: str, where: Where, *, required: bool) -> tuple[Any, int]:
    """The value at `key` (None when absent) and its line; a missing required key is an error."""
    value = node.get(key)
    line = line_of(node, key, where.line)
    if value is None and required:
        raise where.error(f"missing required key {key!r}", line)
    return value, line


def get_str(node: Any, key: str, where: Where, *, required: bool = True) -> str | None:
    """The stripped, non-empty string at `key` (dates as ISO text); None if absent and optional."""
    value, line = value_and_line(node, key, where, required=required)
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise where.error(f"{key!r} must be a string, got {type(value).__name__}", line)
    text = str(value).strip()
    if not text:
        raise where.error(f"{key!r} is empty", line)
    return text


def get_int(node: Any, key: str, where: Where) -> int:
    """The integer at `key` (required; a bool is not an integer)."""
    value = node.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise where.error(f"{key!r} must be an integer, got {value!r}", line_of(node, key, 0))
    return value


def get_enum(node: Any, key: str, where: Where, allowed: frozenset[str]) -> str:
    """The string at `key`, which must be one of `allowed`."""
    value = get_str(node, key, where)
    if value not in allowed:
        raise where.error(
            f"invalid {key} {value!r} (allowed: {', '.join(sorted(allowed))})",
            line_of(node, key, where.line),
        )
    return value


def get_text(node: Any, key: str, where: Where, *, required: bool = True) -> Text | None:
    """The `{fi, sv, en}` mapping at `key` as `Text`: every language present and non-empty."""
    value, line = value_and_line(node, key, where, required=required)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise where.error(f"{key!r} must be a mapping of fi, sv and en", line)
    inner = replace(where, line=getattr(value, "line", line))
    for lang, dup_line in getattr(value, "duplicates", ()):
        raise inner.error(f"duplicate key {lang!r} in {key!r}", dup_line)
    for lang in value:
        if lang not in LANGUAGES:
            raise inner.error(f"unknown language {lang!r} in {key!r}", line_of(value, lang, line))
    texts = {}
    for lang in LANGUAGES:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            raise inner.error(f"missing or empty {lang!r} translation of {key!r}")
        texts[lang] = text.strip()
    return Text(**texts)


def entry_id(node: Any, where: Where, seen: dict[str, int], kind: str) -> tuple[str, Where]:
    """Read and check an entry's id; return it with a `Where` for the entry."""
    entry = where.at(node, kind, "")
    if not isinstance(node, dict):
        raise entry.error(f"expected a mapping, got {type(node).__name__}")
    ident = node.get("id")
    if not isinstance(ident, str) or not ID_PATTERN.match(ident):
        raise entry.error(f"id {ident!r} must be lower-case letters, digits and underscores")
    entry = entry.at(node, kind, ident)
    if ident in seen:
        raise entry.error(f"duplicate {kind} id (first defined on line {seen[ident]})")
    seen[ident] = entry.line
    return ident, entry


def get_codes(value: Any, where: Where, key: str) -> str | tuple[str, ...]:
    """A selection or filter value: "*", one code, label or range "a-b", or a list of codes."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list) and value and all(isinstance(v, str | int) for v in value):
        return tuple(str(v) for v in value)
    raise where.error(f"{key!r} must be '*', a code or a non-empty list of codes, got {value!r}")


def frozen_map(items: Mapping[str, Any]) -> Mapping[str, Any]:
    """A read-only copy of `items`, for fields of frozen dataclasses."""
    return MappingProxyType(dict(items))


def get_encoding(node: Any, key: str, where: Where) -> str | None:
    """An optional text encoding at `key` (`latin-1`), checked to be one Python knows."""
    if (name := get_str(node, key, where, required=False)) is None:
        return None
    try:
        codecs.lookup(name)
    except LookupError:
        raise where.error(f"unknown encoding {name!r}", line_of(node, key, 0)) from None
    return name
