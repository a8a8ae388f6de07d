"""`investin fetch`: refresh the PxWeb-backed sources whose table changed, then commit.

Each source is refreshed by `pipeline.snapshot.refresh` (staged beside its target and validated);
the warehouse is then trial-built with the staged files standing in for their targets
(`pipeline.snapshot.trial`, the build's own checks), and only if it builds are the staged files
and the new manifest committed together (`pipeline.snapshot.journal`). So a failed request, or
fetched data the build would reject, leaves the previous snapshot and manifest whole. This module loads the HTTP
client; the rest of `pipeline.snapshot` does not.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.pxweb.client import PxWebClient
from pipeline.snapshot.errors import FetchError, SnapshotError
from pipeline.snapshot.journal import (
    Staged,
    commit_staged,
    recover_interrupted_fetch,
    remove_stale_staging,
)
from pipeline.snapshot.manifest import JOURNAL_NAME, MANIFEST_NAME, load_manifest
from pipeline.snapshot.refresh import SourceResult, refresh_source
from pipeline.snapshot.trial import trial_build

MAX_PROBLEMS = 20  # build problems quoted in a refused fetch's error


@dataclass
class FetchReport:
    """Every source's result and the requests made (by kind, retries included)."""

    results: list[SourceResult] = field(default_factory=list)
    requests: dict[str, int] = field(default_factory=dict)

    def count(self, action: str) -> int:
        return sum(r.action == action for r in self.results)

    @property
    def data_requests(self) -> int:
        return self.requests.get("data", 0)

    def summary(self) -> str:
        req = self.requests
        return (
            f"tables checked {len(self.results)}, skipped {self.count('skipped')}, "
            f"unchanged {self.count('unchanged')}, updated {self.count('updated')}; "
            f"requests: {req.get('metadata', 0)} metadata, {req.get('list', 0)} list, "
            f"{req.get('data', 0)} data, {req.get('config', 0)} config, "
            f"{req.get('retries', 0)} retries"
        )


def fetch_sources(
    catalogue: Any,
    snapshot_dir: str | Path,
    *,
    base_url: str,
    only: Iterable[str] = (),
    echo: Callable[[str], Any] = print,
    client_factory: Callable[[str], Any] | None = None,
) -> FetchReport:
    """Refresh the PxWeb-backed sources whose table `updated` differs from the manifest's.

    `base_url` is the API v1 base with a language (`…/api/v1/fi`); each source's `pxweb.language`
    replaces it. `client_factory(base_url)` makes a client (default `PxWebClient`). Raises
    `FetchError` (the snapshot and manifest untouched) when anything fails.
    """
    snapshot_dir = Path(snapshot_dir)
    recover_interrupted_fetch(snapshot_dir)
    remove_stale_staging(snapshot_dir)
    sources = _sources_to_fetch(catalogue, tuple(only))
    try:
        manifest = load_manifest(snapshot_dir)
    except SnapshotError as exc:
        raise FetchError("-", str(snapshot_dir / MANIFEST_NAME), str(exc)) from exc
    factory = client_factory or shared_limiter_factory()
    clients: dict[str, Any] = {}
    staged: list[Staged] = []
    report = FetchReport()
    try:
        for source in sources:
            url = _language_base(base_url, source.pxweb.language)
            client = clients.get(url) or clients.setdefault(url, factory(url))
            result, stage = refresh_source(
                source, manifest.entry(source.id), client, snapshot_dir, echo
            )
            report.results.append(result)
            if stage is not None:
                staged.append(stage)
                manifest = manifest.with_entry(stage.entry)
        if staged:
            _trial_build(catalogue, snapshot_dir, staged, manifest, echo)
            commit_staged(staged, manifest, snapshot_dir)
            echo(f"replaced {len(staged)} file(s) and {MANIFEST_NAME}")
    finally:
        if not (snapshot_dir / JOURNAL_NAME).exists():
            for stage in staged:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(stage.temp)
        report.requests = _request_totals(clients.values())
        for client in clients.values():
            with contextlib.suppress(Exception):
                client.close()
    return report


def _trial_build(
    catalogue: Any, snapshot_dir: Path, staged: list[Staged], manifest: Any, echo: Callable
) -> None:
    """Raise `FetchError` (naming the fetched sources and the build's problems) unless the
    warehouse builds with the staged files in place of their targets."""
    echo(f"trial build with {len(staged)} fetched file(s)")
    problems = trial_build(
        catalogue,
        snapshot_dir,
        replaced={stage.target: stage.temp for stage in staged},
        manifest=manifest,
    )
    if problems:
        shown = "\n".join(f"  - {line}" for line in problems[:MAX_PROBLEMS])
        more = len(problems) - MAX_PROBLEMS
        if more > 0:
            shown += f"\n  … and {more} more"
        raise FetchError(
            ", ".join(stage.entry.id for stage in staged),
            ", ".join(stage.entry.table or "-" for stage in staged),
            f"the fetched data fail the build's checks, so nothing was replaced:\n{shown}",
        )


def _request_totals(clients: Iterable[Any]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for client in clients:
        stats = client.stats
        for kind in ("metadata", "list", "data", "config"):
            totals[kind] = totals.get(kind, 0) + int(getattr(stats, f"{kind}_requests", 0))
        totals["retries"] = totals.get("retries", 0) + int(getattr(stats, "retries", 0))
    return totals


def shared_limiter_factory() -> Callable[[str], PxWebClient]:
    """A `PxWebClient` factory whose clients share one rate limiter: the server counts calls per
    client address whatever the language in the URL, so a limiter per language (fi and en
    clients in one fetch) let the server see more calls in a window than it allows (429)."""
    shared: dict[str, Any] = {}

    def make(url: str) -> Any:
        client = PxWebClient(url, limiter=shared.get("limiter"))
        shared.setdefault("limiter", client.limiter)
        return client

    return make


def _sources_to_fetch(catalogue: Any, only: tuple[str, ...]) -> list[Any]:
    backed = [s for s in catalogue.sources if s.pxweb is not None]
    known = {s.id for s in backed}
    for source_id in only:
        if source_id not in known:
            raise FetchError(
                source_id, "-", f"not a PxWeb-backed source (those are: {', '.join(sorted(known))})"
            )
    return [s for s in backed if not only or s.id in only]


def _language_base(base_url: str, language: str) -> str:
    head, _, last = base_url.rstrip("/").rpartition("/")
    return f"{head}/{language}" if last in ("fi", "sv", "en") else f"{base_url.rstrip('/')}"
