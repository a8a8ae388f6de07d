"""Refreshing one PxWeb-backed source: ask whether its table changed, fetch it if so, and stage
the file (written beside its target, validated) with its new manifest entry.

The client is passed in (`pipeline.snapshot.fetch` makes it), so this module needs no HTTP stack.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pipeline.jsonstat import jsonstat_meta
from pipeline.pxweb import PxWebBadRequestError, PxWebError, PxWebNotFoundError
from pipeline.snapshot.encode import serialise
from pipeline.snapshot.errors import FetchError
from pipeline.snapshot.files import write_temp
from pipeline.snapshot.journal import Staged
from pipeline.snapshot.manifest import FETCHED, ManifestEntry
from pipeline.snapshot.validate import validate_fetched


@dataclass
class SourceResult:
    """What the fetch did with one source."""

    source_id: str
    table: str
    action: str  # skipped | unchanged | updated
    updated_before: str | None
    updated_after: str | None
    data_requests: int = 0
    file: str | None = None


def refresh_source(
    source: Any, entry: ManifestEntry | None, client: Any, snapshot_dir: Path, echo: Callable
) -> tuple[SourceResult, Staged | None]:
    """Fetch and stage `source` unless its table is unchanged since the manifest `entry`.

    Like is compared with like: the folder listing's stamp with the listing stamp stored at the
    last fetch (`entry.listed`), and the data's own `updated` with the manifest's `updated`,
    which is always the data's. Any failure is a `FetchError` naming the source and table;
    nothing is left staged then.
    """
    spec = source.pxweb
    table = f"{spec.database}/{spec.table}"
    if spec.legacy_table:
        table += f" (or legacy {spec.database}/{spec.legacy_table})"
    before = entry.updated if entry else None
    try:
        table, metadata = _metadata(client, spec)
        listed = metadata.updated or _listed_updated(client, spec)
        present = entry is not None and (snapshot_dir / entry.file).is_file()
        if present and listing_unchanged(entry, listed):
            echo(f"{source.id}: {table} unchanged (listed {listed}); skipped")
            return SourceResult(source.id, table, "skipped", before, before), None
        echo(f"{source.id}: {table} listed {listed or '-'} (data had {before}); fetching")
        data_before = client.stats.data_requests
        frame = client.fetch(table, _plain(spec.selection))
        data_requests = client.stats.data_requests - data_before
        published = jsonstat_meta(frame).updated
        if present and same_updated(before, published):
            echo(f"{source.id}: {table} data unchanged (updated {published}); kept")
            result = SourceResult(source.id, table, "unchanged", before, published, data_requests)
            return result, _relisted(entry, listed, snapshot_dir)
        payload = serialise(source, frame, metadata.roles)
        temp = _stage(snapshot_dir / source.file, payload, source, metadata.roles)
    except (PxWebError, ValueError, KeyError, OSError) as exc:
        raise FetchError(source.id, table, f"{type(exc).__name__}: {exc}") from exc
    new = _fetched_entry(source, table, client.base_url, published, payload, listed)
    echo(
        f"{source.id}: staged {len(frame)} cells for {source.file} ({data_requests} data requests)"
    )
    result = SourceResult(
        source.id, table, "updated", before, new.updated, data_requests, source.file
    )
    return result, Staged(temp, snapshot_dir / source.file, new)


def listing_unchanged(entry: ManifestEntry, listed: str | None) -> bool:
    """Whether the folder listing's stamp `listed` says nothing was published since `entry`.

    Compared with the listing stamp stored at the last fetch. An entry without one (the bundled
    files, described by hand) holds only the data's stamp: a listing stamp equal to it still
    means unchanged, as a table's listing stamp moves whenever its data are republished.
    """
    if listed is None:
        return False
    return same_updated(entry.listed if entry.listed is not None else entry.updated, listed)


def _relisted(entry: ManifestEntry, listed: str | None, snapshot_dir: Path) -> Staged | None:
    """When the data are unchanged but the listing stamp is new: the same file, staged again,
    with the entry recording the new stamp, so the next fetch skips the table."""
    if listed is None or (entry.listed is not None and same_updated(entry.listed, listed)):
        return None
    target = snapshot_dir / entry.file
    temp = write_temp(target, target.read_bytes())
    return Staged(temp, target, replace(entry, listed=listed))


def _stage(target: Path, payload: bytes, source: Any, roles: Mapping[str, str]) -> Path:
    """Write `payload` beside `target` and validate it; the temporary file, or nothing."""
    temp = write_temp(target, payload)
    try:
        validate_fetched(temp, source, roles)
    except BaseException:
        os.unlink(temp)
        raise
    return temp


def _fetched_entry(
    source: Any, table: str, base_url: str, updated: str | None, payload: bytes, listed: str | None
) -> ManifestEntry:
    return ManifestEntry(
        id=source.id,
        file=source.file,
        format=source.format,
        table=table,
        request=f"POST {base_url}/{table}",
        query=_plain(source.pxweb.selection),
        updated=updated,
        fetched=dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        licence=source.licence,
        origin=f"investin fetch from {base_url}",
        sha256=hashlib.sha256(payload).hexdigest(),
        bytes=len(payload),
        copy=FETCHED,
        credit=source.citation,
        listed=listed,
    )


def _metadata(client: Any, spec: Any) -> tuple[str, Any]:
    """Metadata of the short (2026) table id, or of `legacy_table` if the server lacks it."""
    table = f"{spec.database}/{spec.table}"
    try:
        return table, client.metadata(table)
    except (PxWebNotFoundError, PxWebBadRequestError):
        if not spec.legacy_table:
            raise
    legacy = f"{spec.database}/{spec.legacy_table}"
    return legacy, client.metadata(legacy)


def _listed_updated(client: Any, spec: Any) -> str | None:
    """`updated` from the subject folder listing (`StatFin/vaerak` lists `11re.px`); the short
    ids live at the database root, whose listing holds folders only."""
    if not spec.legacy_table or "/" not in spec.legacy_table:
        return None
    folder, _, legacy_name = spec.legacy_table.rpartition("/")
    try:
        items = client.list(f"{spec.database}/{folder}")
    except PxWebError:
        return None
    names = {spec.table.rpartition("/")[2], legacy_name}
    return next((i.updated for i in items if i.id in names and i.updated), None)


def same_updated(a: str | None, b: str | None) -> bool:
    """Whether two `updated` stamps are the same moment (a date-only stamp matches its day).

    Accepts ISO forms with `Z` and PxGraf's dotted times (`2022-12-21T06.00.00Z`)."""
    if a is None or b is None:
        return False
    pa, pb = _parse_updated(a), _parse_updated(b)
    if pa is None or pb is None:
        return str(a).strip() == str(b).strip()
    if isinstance(pa, dt.datetime) and isinstance(pb, dt.datetime):
        return pa == pb
    return _day(pa) == _day(pb)


def _parse_updated(value: str) -> dt.date | dt.datetime | None:
    text = str(value).strip().replace("Z", "+00:00")
    date, sep, time = text.partition("T")
    try:
        if not sep:
            return dt.date.fromisoformat(date)
        parsed = dt.datetime.fromisoformat(f"{date}T{time[:8].replace('.', ':')}{time[8:]}")
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _day(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _plain(value: Any) -> Any:
    """Mapping proxies and tuples → dicts and lists (for YAML and the client)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
