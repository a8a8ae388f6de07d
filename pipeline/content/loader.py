"""Loading `content/ecosystem.yaml`: parse each section, check the references, cache per file.

`load_content(path, municipalities)` checks municipality codes against `municipalities` (the
classification's municipalities, `classification.municipalities_of`); the default reads the
classification the build uses from the project's catalogue and snapshot.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import pipeline
from pipeline.catalogue.yamlfile import (
    Where,
    check_mapping,
    first_duplicate,
    get_int,
    get_str,
    get_text,
    load_yaml,
)
from pipeline.content.entries import (
    ContentError,
    Known,
    get_list,
    get_ref,
    parse_agreement,
    parse_document,
    parse_gap,
    parse_service,
    parse_term,
)
from pipeline.content.model import (
    Agreements,
    EcosystemContent,
    Municipality,
    Network,
    Strategy,
)

VERSION = 1
SECTIONS = (
    "version",
    "documents",
    "themes",
    "kinds",
    "roles",
    "ecosystem_agreements",
    "network",
    "strategy_2027",
    "services",
    "data_gaps",
)
LANGUAGES = ("fi", "sv", "en")


def _texts(node: Any, key: str, where: Where) -> tuple:
    """A list of {fi, sv, en} mappings at `key`."""
    return tuple(get_text({key: item}, key, where.at(item)) for item in get_list(node, key, where))


def _agreements(node: Any, top: Where, known: Known) -> Agreements:
    where = top.at(node, "ecosystem_agreements", "")
    required = ("source", "signed", "valid_until", "original_language", "common_themes")
    more = ("start_funding", "measures", "networks_strand", "agreements")
    check_mapping(node, where, (*required, *more))
    strand = node["networks_strand"]
    strand_where = where.at(strand, "networks_strand", "")
    check_mapping(strand, strand_where, ("source", "text"))
    language = get_str(node, "original_language", where)
    if language not in LANGUAGES:
        raise where.error(f"original_language {language!r} must be fi, sv or en")
    seen: dict[str, int] = {}
    entries = get_list(node, "agreements", where)
    return Agreements(
        source=get_ref(node, "source", where, known.documents, "document"),
        signed=get_str(node, "signed", where),
        valid_until=get_str(node, "valid_until", where),
        original_language=language,
        common_themes=get_text(node, "common_themes", where),
        start_funding=get_text(node, "start_funding", where),
        measures=_texts(node, "measures", where),
        networks_strand=get_text(strand, "text", strand_where),
        networks_strand_source=get_ref(strand, "source", strand_where, known.documents, "document"),
        agreements=tuple(parse_agreement(e, where, seen, known) for e in entries),
    )


def _network(node: Any, top: Where, known: Known) -> Network:
    where = top.at(node, "network", "")
    keys = ("source", "project", "start", "end", "municipalities_count", "regions_count")
    check_mapping(node, where, (*keys, "funders", "actions"))
    return Network(
        source=get_ref(node, "source", where, known.documents, "document"),
        project=get_text(node, "project", where),
        start=get_str(node, "start", where),
        end=get_str(node, "end", where),
        municipalities_count=get_int(node, "municipalities_count", where),
        regions_count=get_int(node, "regions_count", where),
        funders=get_text(node, "funders", where),
        actions=_texts(node, "actions", where),
    )


def _strategy(node: Any, top: Where, known: Known) -> Strategy:
    where = top.at(node, "strategy_2027", "")
    check_mapping(node, where, ("source", "vision", "goals", "embed_task"))
    return Strategy(
        source=get_ref(node, "source", where, known.documents, "document"),
        vision=get_text(node, "vision", where),
        goals=_texts(node, "goals", where),
        embed_task=get_text(node, "embed_task", where),
    )


def parse_content(
    text: str, file: str, municipalities: tuple[Municipality, ...] = ()
) -> EcosystemContent:
    """The content in `text` (named `file` in errors); codes checked against `municipalities`
    when given."""
    doc = load_yaml(text, file, ContentError)
    top = Where(file, "content", "", 1, ContentError)
    check_mapping(doc, top, SECTIONS)
    duplicate = first_duplicate(doc)
    if duplicate:
        raise top.error(f"duplicate key {duplicate[0]!r}", duplicate[1])
    if doc["version"] != VERSION:
        raise top.error(f"version must be {VERSION}, got {doc['version']!r}")
    seen: dict[str, int] = {}
    documents = tuple(parse_document(n, top, seen) for n in get_list(doc, "documents", top))
    vocab = {}
    for key, kind in (("themes", "theme"), ("kinds", "kind"), ("roles", "role")):
        seen = {}
        vocab[key] = tuple(parse_term(n, top, seen, kind) for n in get_list(doc, key, top))
    known = Known(
        municipalities=frozenset(m.code for m in municipalities),
        documents=frozenset(d.id for d in documents),
        **{key: frozenset(term.id for term in terms) for key, terms in vocab.items()},
    )
    services_seen: dict[str, int] = {}
    gaps_seen: dict[str, int] = {}
    return EcosystemContent(
        documents=documents,
        themes=vocab["themes"],
        kinds=vocab["kinds"],
        roles=vocab["roles"],
        agreements=_agreements(doc["ecosystem_agreements"], top, known),
        network=_network(doc["network"], top, known),
        strategy=_strategy(doc["strategy_2027"], top, known),
        services=tuple(
            parse_service(n, top, services_seen, known) for n in get_list(doc, "services", top)
        ),
        data_gaps=tuple(parse_gap(n, top, gaps_seen) for n in get_list(doc, "data_gaps", top)),
        municipalities=municipalities,
    )


def load_content(
    path: str | os.PathLike | None = None,
    municipalities: tuple[Municipality, ...] | None = None,
) -> EcosystemContent:
    """The content file at `path` (default: the project's `content/ecosystem.yaml`), its codes
    checked against `municipalities` (default: the classification the build uses)."""
    path = Path(path) if path is not None else pipeline.DEFAULT_CONTENT
    if municipalities is None:
        from pipeline.content.classification import municipalities_of

        municipalities = municipalities_of()
    stat = path.stat()
    return _load(str(path.resolve()), stat.st_mtime_ns, stat.st_size, municipalities)


@functools.lru_cache(maxsize=8)
def _load(
    path: str, _mtime: int, _size: int, municipalities: tuple[Municipality, ...]
) -> EcosystemContent:
    """Cached per file version (path, mtime, size) and classification."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(f"{path}: cannot read the content file ({exc})") from None
    return parse_content(text, path, municipalities)
