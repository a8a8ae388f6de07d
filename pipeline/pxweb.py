"""Client for the PxWeb API v1 as Statistics Finland serves it.

``PxWebClient`` lists folders, reads table metadata and the server's limits, and fetches data as
one tidy frame (see :mod:`pipeline.jsonstat`). Queries are built from a *selection* that names
dimensions by code, label text or role (``time``/``geo``/``metric``) and values by code or label,
so the same selection works on the pre-June-2026 tables (``Alue``/``Vuosi``/``Tiedot``, value
``vaesto``) and the new ones (``alue_23_20260101``/``timeperiod_y``/``contentscode``, value
``vaerak-vaesto``). The pure part (``resolve_selection``, ``build_query``, ``split_selection``)
does no I/O.

Over-large queries are split along the largest dimension first and reassembled in the order one
request would give. Calls go through a sliding-window :class:`RateLimiter` (every attempt counts,
retries included, because the server counts rejected calls too). Retries for 429, 5xx, resets and
timeouts are urllib3's ``Retry`` (exponential backoff with jitter, ``Retry-After`` honoured; a 429
without ``Retry-After`` waits the whole window). A truncated or non-JSON body is retried once.
"""

from __future__ import annotations

import collections
import difflib
import functools
import json
import math
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # the HTTP stack is imported with the first client: readers and builds skip it
    import requests
from pipeline.jsonstat import META_KEY, JsonStatMeta, read_jsonstat

__all__ = [
    "DEFAULT_BASE_URL",
    "FolderItem",
    "PxWebBadRequestError",
    "PxWebClient",
    "PxWebConfig",
    "PxWebConnectionError",
    "PxWebError",
    "PxWebHTTPError",
    "PxWebNotFoundError",
    "PxWebQueryError",
    "PxWebResponseError",
    "PxWebServerError",
    "PxWebTooManyCellsError",
    "RateLimiter",
    "TableMetadata",
    "Variable",
    "build_query",
    "count_cells",
    "dimension_name",
    "query_body",
    "resolve_dimension",
    "resolve_selection",
    "resolve_value",
    "split_selection",
]

DEFAULT_BASE_URL = "https://pxdata.stat.fi/PxWeb/api/v1/fi"
ROLES = ("time", "geo", "metric")
_GEO_WORDS = ("alue", "område", "area", "region", "maakunta", "kunta", "landskap", "kommun")
_METRIC_WORDS = {"tiedot", "information", "uppgifter", "contentscode", "contents"}
_TIME_WORDS = {"vuosi", "år", "year", "timeperiod_y", "kuukausi", "månad", "month"}
_TOTAL_TEXTS = {"yhteensä", "total", "totalt", "koko maa", "whole country", "hela landet"}
# Classification dimensions by their fi/sv/en names and unversioned 2026 codes, so a selection
# written as `Ikä` finds `ikaryhma_10_20180101` ("Age") in an English table.
_CONCEPTS = {
    "age": {"ikä", "ika", "ikäryhmä", "ikaryhma", "ålder", "åldersgrupp", "age", "age group"},
    "sex": {"sukupuoli", "kön", "sex", "gender"},
    "geo": {"alue", "område", "area", "region", "maakunta", "landskap", "kunta", "kommun"},
    "time": _TIME_WORDS,
    "metric": _METRIC_WORDS,
}

Selection = Mapping[str, Any]


# --------------------------------------------------------------------------- errors


class PxWebError(Exception):
    """Base class of everything this module raises."""


class PxWebQueryError(PxWebError, ValueError):
    """A selection names a dimension or value the table does not have."""


class PxWebHTTPError(PxWebError):
    """The server answered with an error status; ``status``, ``table`` and ``query`` say which."""

    def __init__(self, message: str, *, status: int, table: str, query: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.table = table
        self.query = query


class PxWebBadRequestError(PxWebHTTPError):
    """400: the server rejected the query (plain-text reason in the message)."""


class PxWebTooManyCellsError(PxWebHTTPError):
    """403: the query asks for more cells than the server allows."""


class PxWebNotFoundError(PxWebHTTPError):
    """404: no such table or folder."""


class PxWebServerError(PxWebHTTPError):
    """5xx or 429 that retries did not get past."""


class PxWebConnectionError(PxWebError):
    """Connection refused, reset or timed out after all retries."""


class PxWebResponseError(PxWebError):
    """The body was truncated or not the JSON expected (after one retry)."""


# --------------------------------------------------------------------------- metadata


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

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "text": self.text,
            "values": list(self.values),
            "valueTexts": list(self.value_texts),
        }
        if self.elimination:
            out["elimination"] = True
        if self.time:
            out["time"] = True
        return out


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

    def variable(self, code: str) -> Variable:
        for var in self.variables:
            if var.code == code:
                return var
        raise KeyError(code)

    @property
    def roles(self) -> dict[str, str]:
        """``{"time": code, "geo": code, "metric": code}`` for the roles this table has."""
        out = {}
        for role in ROLES:
            var = _role_variable(self, role)
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


@dataclass(frozen=True)
class PxWebConfig:
    """Effective limits: cells per query, calls per window of ``period_s`` seconds."""

    max_cells: int
    max_calls: int
    period_s: float
    from_server: bool = False


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


# --------------------------------------------------------------------------- selection (pure)


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _role_variable(md: TableMetadata, role: str) -> Variable | None:
    codes = [code for r, code in md.declared_roles if r == role]
    declared = [v for code in codes for v in md.variables if v.code == code]
    if declared:
        return declared[0]
    if role == "time":
        found = [v for v in md.variables if v.time]
        found = found or [v for v in md.variables if _norm(v.code) in _TIME_WORDS]
        found = found or [v for v in md.variables if _norm(v.text) in _TIME_WORDS]
    elif role == "geo":
        found = [
            v
            for v in md.variables
            if _norm(v.code).startswith("alue") or _norm(v.text).split(" ")[0] in _GEO_WORDS
        ]
    elif role == "metric":
        found = [
            v
            for v in md.variables
            if _norm(v.code) in _METRIC_WORDS or _norm(v.text) in _METRIC_WORDS
        ]
    else:
        return None
    return found[0] if found else None


def _unversioned(code: str) -> str:
    """``alue_23_20260101`` -> ``alue`` (StatFin's 2026 version stamps)."""
    return re.sub(r"(_\d+)?_\d{8}$", "", _norm(code))


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
    by_norm = {_norm(c): c for c in cands}
    hits = difflib.get_close_matches(_norm(word), list(by_norm), n=n, cutoff=0.4)
    return [by_norm[h] for h in hits]


def resolve_dimension(md: TableMetadata, key: str) -> Variable:
    """Find the variable ``key`` names: its code, its label text, its role, an unversioned code,
    or failing those the same concept in another language (``Ikä`` finds "Age")."""
    key_s = str(key)
    for var in md.variables:
        if var.code == key_s:
            return var
    nkey = _norm(key_s)
    if nkey in ROLES:
        var = _role_variable(md, nkey)
        if var is not None:
            return var
    for match in (
        lambda v: _norm(v.code) == nkey,
        lambda v: _norm(v.text) == nkey,
        lambda v: _unversioned(v.code) == _unversioned(key_s),
    ):
        found = [v for v in md.variables if match(v)]
        if len(found) == 1:
            return found[0]
    concept = _concept(key_s)
    if concept in ROLES and _role_variable(md, concept) is not None:
        return _role_variable(md, concept)
    found = [v for v in md.variables if concept and concept in (_concept(v.code), _concept(v.text))]
    if len(found) == 1:
        return found[0]
    candidates = [v.code for v in md.variables] + [v.text for v in md.variables]
    close = _close(key_s, candidates + [r for r in ROLES if _role_variable(md, r)])
    raise PxWebQueryError(
        f"{md.kind} {md.table}: no dimension {key_s!r}; closest: {', '.join(close) or '-'} "
        f"(dimensions: {', '.join(f'{v.code} ({v.text})' for v in md.variables)})"
    )


def _loose_value(code: str) -> str:
    """Code without a ``prefix-`` (``vaerak-vaesto`` -> ``vaesto``) and ``KU`` (``KU091`` -> ``091``)."""
    tail = _norm(code).rsplit("-", 1)[-1]
    return tail[2:] if re.fullmatch(r"ku\d{3}", tail) else tail


def resolve_value(md: TableMetadata, var: Variable, wanted: Any, *, loose: bool = True) -> str:
    """The code of ``var`` that ``wanted`` names: the code, a code or label text (case and
    whitespace aside) or, if ``loose``, a code without its 2026 ``<subject>-`` prefix or ``KU``
    (``vaesto`` finds ``vaerak-vaesto``, ``KU091`` finds ``091``). Raises naming the closest."""
    w = str(wanted)
    if w in var.values:
        return w
    nw = _norm(w)
    matches = [lambda c, t: _norm(c) == nw, lambda c, t: _norm(t) == nw]
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


def query_body(resolved: Mapping[str, Sequence[str]], fmt: str = "json-stat2") -> dict[str, Any]:
    return {
        "query": [
            {"code": code, "selection": {"filter": "item", "values": list(values)}}
            for code, values in resolved.items()
        ],
        "response": {"format": fmt},
    }


def build_query(md: TableMetadata, selection: Selection, fmt: str = "json-stat2") -> dict[str, Any]:
    """The POST body for ``selection`` on the table ``md`` describes (pure)."""
    return query_body(resolve_selection(md, selection), fmt)


def count_cells(resolved: Mapping[str, Sequence[str]]) -> int:
    return math.prod(len(v) for v in resolved.values())


def split_selection(
    resolved: Mapping[str, Sequence[str]], max_cells: int
) -> list[dict[str, list[str]]]:
    """Split into the fewest parts of at most ``max_cells`` cells, largest dimension first.

    The largest dimension is cut into even chunks; if a single value of it still exceeds the
    limit, it is cut into single values and the rest is split the same way.
    """
    if max_cells < 1:
        raise ValueError("max_cells must be >= 1")
    base = {k: list(v) for k, v in resolved.items()}
    if count_cells(base) <= max_cells:
        return [base]
    order = sorted(base, key=lambda k: len(base[k]), reverse=True)
    big = order[0]
    per_value = count_cells(base) // len(base[big])
    if per_value <= max_cells:
        n_parts = math.ceil(len(base[big]) / (max_cells // per_value))
        chunks = [list(c) for c in np.array_split(np.asarray(base[big], dtype=object), n_parts)]
        return [{**base, big: chunk} for chunk in chunks]
    parts = []
    for value in base[big]:
        for sub in split_selection({k: v for k, v in base.items() if k != big}, max_cells):
            parts.append({k: ([value] if k == big else sub[k]) for k in base})
    return parts


def _reassemble(frames: list[pd.DataFrame], resolved: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Concatenate part frames into the row order a single request gives."""
    if len(frames) == 1:
        return frames[0]
    meta = frames[0].attrs.get(META_KEY)
    frame = pd.concat(frames, ignore_index=True)
    dims = list(meta.dimensions) if isinstance(meta, JsonStatMeta) else list(resolved)
    keys = [
        pd.Categorical(frame[d], categories=list(dict.fromkeys(resolved.get(d) or frame[d]))).codes
        for d in dims
    ]
    frame = frame.iloc[np.lexsort(keys[::-1])].reset_index(drop=True)
    frame.attrs[META_KEY] = meta
    return frame


# --------------------------------------------------------------------------- rate limit


class RateLimiter:
    """At most ``max_calls`` calls in any sliding window of ``period_s`` seconds.

    A call is stamped when it is allowed (:meth:`acquire`) and stamped again when its answer has
    arrived (:meth:`finish`): the server saw the call somewhere in between, so spacing the
    next calls from the later stamp keeps the server's view within the limit whatever the
    latency. ``clock`` and ``sleep`` are injectable for tests; ``margin_s`` widens the window.
    """

    def __init__(
        self,
        max_calls: int,
        period_s: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        margin_s: float = 0.0,
    ) -> None:
        if max_calls < 1 or period_s < 0:
            raise ValueError("max_calls must be >= 1 and period_s >= 0")
        self.max_calls = max_calls
        self.period_s = period_s
        self.margin_s = margin_s
        self._clock = clock
        self._sleep = sleep
        self._calls: collections.deque[list[float]] = collections.deque()
        self._lock = threading.Lock()

    def configure(self, max_calls: int, period_s: float) -> None:
        with self._lock:
            self.max_calls, self.period_s = max_calls, period_s

    def acquire(self) -> float:
        """Block until a call is allowed, record it and return the seconds waited."""
        waited = 0.0
        with self._lock:
            while True:
                now = self._clock()
                window = self.period_s + self.margin_s
                while self._calls and self._calls[0][0] <= now - window:
                    self._calls.popleft()
                if len(self._calls) < self.max_calls:
                    self._calls.append([now])
                    return waited
                delay = self._calls[0][0] + window - now
                self._sleep(delay)
                waited += delay

    def finish(self) -> None:
        """Re-stamp the latest call with the time its answer arrived."""
        with self._lock:
            if self._calls:
                self._calls[-1][0] = max(self._calls[-1][0], self._clock())


@functools.cache
def _px_retry() -> type:
    """The urllib3 ``Retry`` subclass the client mounts (made on first use, see the imports)."""
    from urllib3.util.retry import Retry

    class _PxRetry(Retry):
        """urllib3 ``Retry`` that also passes every retry through the rate limiter, counts retries,
        and waits the whole rate window on a 429 that has no ``Retry-After``."""

        def __init__(self, *args: Any, limiter: RateLimiter | None = None, stats=None, **kw: Any):
            super().__init__(*args, **kw)
            self.limiter = limiter
            self.stats = stats

        def new(self, **kw: Any) -> _PxRetry:
            kw.setdefault("limiter", self.limiter)
            kw.setdefault("stats", self.stats)
            return super().new(**kw)

        def sleep_for_retry(self, response) -> bool:
            if response.status == 429 and self.get_retry_after(response) is None and self.limiter:
                time.sleep(self.limiter.period_s)
                return True
            return super().sleep_for_retry(response)

        def sleep(self, response=None) -> None:
            if self.limiter is not None:
                self.limiter.finish()
            super().sleep(response)
            if self.stats is not None:
                self.stats.retries += 1
            if self.limiter is not None:
                self.limiter.acquire()

    return _PxRetry


# --------------------------------------------------------------------------- client


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
    exponential backoff. ``use_server_config`` reads ``GET {base}/?config`` before the first
    data request and keeps the stricter of the server's and the constructor's limits.
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
        use_server_config: bool = True,
        limiter: RateLimiter | None = None,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.max_cells = max_cells
        self.max_calls = max_calls
        self.period_s = period_s
        self.timeout = timeout
        self.use_server_config = use_server_config
        self.stats = ClientStats()
        self.limiter = limiter or RateLimiter(
            max_calls, period_s, margin_s=min(0.25, 0.02 * period_s)
        )
        self._config: PxWebConfig | None = None
        self._metadata: dict[str, TableMetadata] = {}
        import requests
        from requests.adapters import HTTPAdapter

        retry = _px_retry()(
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
        self.session = session or requests.Session()
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
        import requests

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
        """Limits in force: the stricter of ``GET {base}/?config`` and the constructor's values."""
        if self._config is not None and not refresh:
            return self._config
        cfg = PxWebConfig(self.max_cells, self.max_calls, self.period_s, from_server=False)
        try:
            obj = self._request("GET", "", kind="config") if self.use_server_config else None
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
        self.limiter.configure(cfg.max_calls, cfg.period_s)
        self._config = cfg
        return cfg

    def post(self, table: str, body: Mapping[str, Any]) -> Any:
        """POST a ready query body and return the parsed answer (no splitting, no reading)."""
        return self._request("POST", table.strip("/"), body=body, kind="data")

    def build_query(self, metadata: TableMetadata, selection: Selection) -> dict[str, Any]:
        """The POST body for ``selection`` (pure; see :func:`build_query`)."""
        return build_query(metadata, selection)

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
        cfg = self.config()
        parts = split_selection(resolved, cfg.max_cells)
        frames = []
        for part in parts:
            doc = self.post(md.table, query_body(part))
            try:
                frames.append(read_jsonstat(doc))
            except ValueError as exc:
                raise PxWebResponseError(f"table {md.table}: unreadable JSON-stat: {exc}") from exc
        updated = {f.attrs[META_KEY].updated for f in frames}
        if len(updated) > 1:
            raise PxWebError(
                f"table {md.table} was updated while its {len(parts)} parts were fetched "
                f"(updated: {', '.join(sorted(map(str, updated)))}); fetch again"
            )
        return _reassemble(frames, resolved)
