"""HTTP client for the PxWeb API v1 as Statistics Finland serves it.

``PxWebClient`` lists folders, reads table metadata and the server's limits, and fetches data as
one tidy frame (see :mod:`pipeline.jsonstat`), splitting an over-large query (see
:mod:`pipeline.pxweb.split`). Calls go through a sliding-window :class:`RateLimiter`; retries
for 429, 5xx, resets and timeouts are urllib3's (:class:`~pipeline.pxweb.retry.PxRetry`). A
truncated or non-JSON body is retried once. This is the only module that imports requests.
"""

from __future__ import annotations

import collections
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from typing import Any

import pandas as pd
import requests
from requests.adapters import HTTPAdapter

from pipeline.jsonstat import META_KEY, read_jsonstat
from pipeline.pxweb import DEFAULT_BASE_URL
from pipeline.pxweb.errors import (
    PxWebBadRequestError,
    PxWebConnectionError,
    PxWebError,
    PxWebHTTPError,
    PxWebNotFoundError,
    PxWebQueryError,
    PxWebResponseError,
    PxWebServerError,
    PxWebTooManyCellsError,
)
from pipeline.pxweb.matching import Selection, resolve_selection
from pipeline.pxweb.metadata import FolderItem, TableMetadata
from pipeline.pxweb.ratelimit import RateLimiter
from pipeline.pxweb.retry import PxRetry
from pipeline.pxweb.split import count_cells, query_body, reassemble, split_selection


@dataclass(frozen=True)
class PxWebConfig:
    """Effective limits: cells per query, calls per window of ``period_s`` seconds."""

    max_cells: int
    max_calls: int
    period_s: float
    from_server: bool = False
    learned: bool = False  # max_cells lowered after the server refused a query with 403


@dataclass
class ClientStats:
    metadata_requests: int = 0
    data_requests: int = 0
    list_requests: int = 0
    config_requests: int = 0
    retries: int = 0  # extra HTTP attempts made by urllib3 or by the bad-body retry

    @property
    def requests(self) -> int:
        return (
            self.metadata_requests + self.data_requests + self.list_requests + self.config_requests
        )


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs) -> None:
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag) -> None:
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def _body_text(resp: requests.Response, limit: int = 300) -> str:
    text = resp.text or ""
    if "<" in text and ">" in text:
        parser = _TextOnly()
        parser.feed(text)
        text = " ".join(parser.parts)
    text = " ".join(text.split())
    return text[:limit] + ("…" if len(text) > limit else "")


class PxWebClient:
    """PxWeb API v1 client (Statistics Finland); ``base_url`` includes the language.

    ``timeout`` is ``(connect, read)`` seconds; ``retries`` the number of retries for 429, 5xx,
    resets and timeouts; ``backoff_factor``/``backoff_jitter``/``backoff_max`` shape the
    exponential backoff. ``GET {base}/?config`` is read before the first data request and the
    stricter of the server's and the constructor's limits kept.
    """

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        max_cells: int = 100_000,
        max_calls: int = 30,
        period_s: float = 10.0,
        timeout: float | tuple[float, float] = (10.0, 120.0),
        retries: int = 5,
        backoff_factor: float = 1.0,
        backoff_jitter: float = 1.0,
        backoff_max: float = 60.0,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.max_cells = max_cells
        self.max_calls = max_calls
        self.period_s = period_s
        self.timeout = timeout
        self.stats = ClientStats()
        self.limiter = limiter or RateLimiter(
            max_calls, period_s, margin_s=min(0.25, 0.02 * period_s)
        )
        self._config: PxWebConfig | None = None
        self._metadata: dict[str, TableMetadata] = {}
        self._accepted_cells = 0  # the most cells one answered query has held
        retry = PxRetry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            other=0,
            redirect=3,
            allowed_methods=frozenset({"GET", "POST"}),
            status_forcelist=frozenset({429, 500, 502, 503, 504}),
            backoff_factor=backoff_factor,
            backoff_jitter=backoff_jitter,
            backoff_max=backoff_max,
            respect_retry_after_header=True,
            raise_on_status=False,
            limiter=self.limiter,
            stats=self.stats,
        )
        self.session = requests.Session()
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> PxWebClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------- HTTP

    def _url(self, path: str) -> str:
        return f"{self.base_url}/{path.strip('/')}" if path.strip("/") else f"{self.base_url}/"

    def _request(self, method: str, path: str, *, body: Any = None, kind: str) -> Any:
        """One logical request: rate-limited, retried by urllib3, bad bodies retried once."""
        url = self._url(path) if kind != "config" else f"{self.base_url}/?config"
        setattr(self.stats, f"{kind}_requests", getattr(self.stats, f"{kind}_requests") + 1)
        what = f"table {path}" if kind in ("metadata", "data") else f"{kind} {url}"
        problem = ""
        for attempt in range(2):
            if attempt:
                self.stats.retries += 1
            self.limiter.acquire()
            try:
                resp = self.session.request(method, url, json=body, timeout=self.timeout)
                content = resp.content
            except (
                requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError,
            ) as exc:
                problem = f"truncated body ({exc.__class__.__name__})"
                continue
            except requests.exceptions.RequestException as exc:
                raise PxWebConnectionError(
                    f"PxWeb {method} {url} ({what}) failed after retries: {exc}"
                ) from exc
            finally:
                self.limiter.finish()
            if resp.status_code >= 400:
                raise self._http_error(resp, method, url, path, body)
            try:
                return json.loads(content.decode(resp.encoding or "utf-8-sig"))
            except (ValueError, UnicodeDecodeError) as exc:
                snippet = " ".join(content[:120].decode("utf-8", "replace").split())
                problem = f"body is not JSON ({exc}); starts {snippet!r}"
        raise PxWebResponseError(
            f"PxWeb {method} {url} ({what}): {problem} (tried twice)"
            + (f"; query {json.dumps(body, ensure_ascii=False)[:500]}" if body else "")
        )

    def _http_error(
        self, resp: requests.Response, method: str, url: str, path: str, body: Any
    ) -> PxWebHTTPError:
        status = resp.status_code
        query = json.dumps(body, ensure_ascii=False)[:500] if body is not None else "-"
        cells = ""
        if body is not None:
            n = math.prod(len(q["selection"]["values"]) for q in body.get("query", []))
            cells = f" (query asks {n:,} cells)"
        reason = {
            400: "bad query",
            403: f"over the server's cell limit{cells}",
            404: "no such table or folder",
            429: "rate limit still exceeded after retries",
        }.get(status, "server error after retries" if status >= 500 else "error")
        msg = (
            f"PxWeb {status} for {method} {url} (table {path}): {reason}. "
            f"Server said: {_body_text(resp) or '-'}. Query: {query}"
        )
        cls = {
            400: PxWebBadRequestError,
            403: PxWebTooManyCellsError,
            404: PxWebNotFoundError,
        }.get(status, PxWebServerError if status >= 429 else PxWebHTTPError)
        return cls(msg, status=status, table=path, query=body)

    # ----------------------------------------------------------------- API

    def list(self, path: str = "") -> list[FolderItem]:
        """Items of a folder (databases, folders ``type='l'`` and tables ``type='t'``)."""
        items = self._request("GET", path, kind="list")
        if not isinstance(items, list):
            raise PxWebResponseError(f"PxWeb folder {path!r} did not answer a list")
        return [
            FolderItem(
                id=str(i.get("id", i.get("dbid", ""))),
                type=str(i.get("type", "l")),
                text=str(i.get("text", "")).strip(),
                updated=i.get("updated"),
            )
            for i in items
        ]

    def _listed_updated(self, table: str) -> str | None:
        parent, _, name = table.strip("/").rpartition("/")
        try:
            items = self.list(parent)
        except PxWebError:
            return None
        return next((i.updated for i in items if i.id == name), None)

    def metadata(self, table: str, *, refresh: bool = False) -> TableMetadata:
        """Table metadata (cached); ``updated`` from the parent folder listing when listed."""
        table = table.strip("/")
        if refresh or table not in self._metadata:
            obj = self._request("GET", table, kind="metadata")
            self._metadata[table] = TableMetadata.from_json(
                table, obj, updated=self._listed_updated(table)
            )
        return self._metadata[table]

    def config(self, *, refresh: bool = False) -> PxWebConfig:
        """Limits in force: the stricter of ``GET {base}/?config``, the constructor's values and
        a cell limit learned from a 403 (see :meth:`_learn_cell_limit`)."""
        if self._config is not None and not refresh:
            return self._config
        cfg = PxWebConfig(self.max_cells, self.max_calls, self.period_s, from_server=False)
        try:
            obj = self._request("GET", "", kind="config")
        except PxWebError:
            obj = None
        if isinstance(obj, Mapping) and "maxCalls" in obj:
            server_cells = min(
                int(obj.get("maxCells", cfg.max_cells)), int(obj.get("maxValues", cfg.max_cells))
            )
            cfg = PxWebConfig(
                max_cells=min(cfg.max_cells, server_cells),
                max_calls=min(cfg.max_calls, int(obj["maxCalls"])),
                period_s=max(cfg.period_s, float(obj.get("timeWindow", cfg.period_s))),
                from_server=True,
            )
        if self._config is not None and self._config.learned:  # a 403 taught a lower limit
            cfg = replace(cfg, max_cells=min(cfg.max_cells, self._config.max_cells), learned=True)
        self.limiter.configure(cfg.max_calls, cfg.period_s)
        self._config = cfg
        return cfg

    def post(self, table: str, body: Mapping[str, Any]) -> Any:
        """POST a ready query body and return the parsed answer (no splitting, no reading)."""
        return self._request("POST", table.strip("/"), body=body, kind="data")

    def fetch(self, table: str, selection: Selection) -> pd.DataFrame:
        """Fetch ``selection`` of ``table`` as one frame (split into several requests if needed).

        If the server rejects the query with 400 and the table's metadata has changed since it
        was read, the selection is resolved again against the new metadata and fetched once more.
        """
        table = table.strip("/")
        md = self.metadata(table)
        try:
            return self._fetch_resolved(md, selection)
        except PxWebBadRequestError as exc:
            fresh = self.metadata(table, refresh=True)
            if fresh.same_structure(md):
                raise
            try:
                return self._fetch_resolved(fresh, selection)
            except PxWebQueryError as again:
                raise PxWebQueryError(
                    f"table {table} changed between metadata and data requests and the selection "
                    f"no longer matches: {again}"
                ) from exc

    def _fetch_resolved(self, md: TableMetadata, selection: Selection) -> pd.DataFrame:
        resolved = resolve_selection(md, selection)
        pending = collections.deque(split_selection(resolved, self.config().max_cells))
        frames: list[pd.DataFrame] = []
        while pending:
            part = pending.popleft()
            try:
                doc = self.post(md.table, query_body(part))
            except PxWebTooManyCellsError as exc:
                limit = self._learn_cell_limit(md.table, part, exc)
                # Nothing fetched yet: plan the whole query afresh; else re-split what is left.
                rest = [resolved] if not frames else [part, *pending]
                pending = collections.deque(p for r in rest for p in split_selection(r, limit))
                continue
            self._accepted_cells = max(self._accepted_cells, count_cells(part))
            try:
                frames.append(read_jsonstat(doc))
            except ValueError as exc:
                raise PxWebResponseError(f"table {md.table}: unreadable JSON-stat: {exc}") from exc
        updated = {f.attrs[META_KEY].updated for f in frames}
        if len(updated) > 1:
            raise PxWebError(
                f"table {md.table} was updated while its {len(frames)} parts were fetched "
                f"(updated: {', '.join(sorted(map(str, updated)))}); fetch again"
            )
        return reassemble(frames, resolved)

    def _learn_cell_limit(
        self, table: str, part: Mapping[str, Any], exc: PxWebTooManyCellsError
    ) -> int:
        """A lower cell limit after the server refused ``part`` with 403 "too many cells".

        ``?config`` may be missing or advertise more than the server enforces. The limit is
        below the refused query's cell count: halve that (never below the largest query this
        client had answered), so each 403 at least halves the limit and a 403 that is not about
        cells ends after about log2(cells) requests, at one cell.
        """
        refused = count_cells(part)
        if refused <= 1:
            raise PxWebTooManyCellsError(
                f"{exc} The server refused even a one-cell query, so this 403 is not a cell limit.",
                status=exc.status,
                table=table,
                query=exc.query,
            ) from exc
        learned = refused // 2
        if self._accepted_cells < refused:
            learned = max(learned, self._accepted_cells)
        cfg = self.config()
        self._config = replace(cfg, max_cells=min(cfg.max_cells, learned), learned=True)
        return self._config.max_cells
