"""The dashboard's cache policy, in one place.

The warehouse is read-only for the life of a server, so everything the dashboard computes is a
function of its inputs and the warehouse. Three caches hold it, and nothing else caches
warehouse data:

Per process (each gunicorn worker has its own):
- `RESULTS`: query results by (named query, bound parameters), kept by the query runner
  (`dashboard.queries.runner.run`), at most `RESULT_CACHE_BYTES`. Callers get a copy, so they
  may modify it; results over `RESULT_MAX_ROWS` rows are not kept.
- `memoised(n)`: an LRU for pure functions of the warehouse built on query results: lookups
  (`queries.municipality_codes`), services (re-weighted index ranks, the peer profile) and page
  builders (page layouts through `cached_layout`, the compare page's figure builders). The
  bundled boundaries (`dashboard.geo`) use it too.

Per server (shared by the workers of one gunicorn server), or per deployment:
- `Answers`: callback answers (`/_dash-update-component`, page layouts included) by request
  body: the worker's own LRU (`ANSWER_CACHE_BYTES`) first, then a shared store:
  - with `investin serve --cache redis://HOST:PORT/N` (`create_app(cache_url=...)`), Redis
    (`dashboard.rediscache`), shared by every app server that names it; Redis bounds the bytes
    (`maxmemory` with `allkeys-lru`) and keys expire a week after their last read;
  - else, when `create_app(shared_answers=True)` (what `dashboard.wsgi` does), files under
    `$TMPDIR/investin-answers/<server pid>-<namespace>/` (`SHARED_ANSWER_BYTES` in all).
  Answers over `ANSWER_MAX_BYTES` are not kept; every bound counts bytes, not entries.
  Answers that carry a side update (the error alert) or are not a plain 200 are never kept.
  Callbacks must therefore stay pure: no clock, randomness or request state beyond the body.

Invalidation when the warehouse changes: `queries.configure(path)` calls `invalidate()`, which
empties `RESULTS` and every `memoised` function. A rebuild replaces the warehouse file; a running
server keeps reading the file it opened until it is restarted. Every shared answer's key holds
the warehouse's build id (`core.build_info`) and `code_digest()` (the dashboard's code and
Dash's version); the files' namespace (`answer_namespace`) also holds the warehouse file's path,
size and mtime. So a restarted server never serves old answers, and servers that serve copies
of one build share theirs. Directories of servers that are no longer running are removed when
a worker starts. HTTP caching (ETag, Cache-Control, 304) is `dashboard.httpcache`'s and uses
the same build id and code digest.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import tempfile
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, Protocol

import dash
import flask
import pandas as pd

PACKAGE = Path(__file__).resolve().parent
RESULT_CACHE_BYTES = 64 * 2**20  # per worker
RESULT_MAX_ROWS = 50_000
LAYOUT_CACHE_SIZE = 64
ANSWER_CACHE_BYTES = 64 * 2**20  # per worker
SHARED_ANSWER_BYTES = 128 * 2**20  # per server, on disk
ANSWER_MAX_BYTES = 2 * 2**20
ENTRY_OVERHEAD_BYTES = 200  # what an LRU entry costs besides its value (key digest, links)
UPDATE_PATH = "/_dash-update-component"
CODE_SUFFIXES = {".py", ".sql", ".yaml", ".js", ".css", ".json"}


class Lru:
    """A thread-safe LRU bounded by a total size (`size_of` each value; 1 = count items)."""

    def __init__(self, budget: int, size_of: Callable[[Any], int] = lambda _value: 1) -> None:
        self.budget = budget
        self.size = 0
        self._size_of = size_of
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: Hashable, value: Any) -> None:
        size = self._size_of(value)
        with self._lock:
            old = self._items.pop(key, None)
            self.size -= old[1] if old is not None else 0
            if size > self.budget:
                return
            self._items[key] = (value, size)
            self.size += size
            while self.size > self.budget and self._items:
                _, (_, dropped) = self._items.popitem(last=False)
                self.size -= dropped

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.size = 0


# --------------------------------------------------------------------------- per process


class Results:
    """Query results by (query name, parameters), at most `budget` bytes of frames (pandas'
    deep memory usage); frames in and out are copies."""

    def __init__(self, budget: int = RESULT_CACHE_BYTES) -> None:
        self._lru = Lru(budget, size_of=frame_bytes)

    def get(self, key: Hashable) -> pd.DataFrame | None:
        frame = self._lru.get(key)
        return None if frame is None else frame.copy()

    def put(self, key: Hashable, frame: pd.DataFrame) -> None:
        if len(frame) <= RESULT_MAX_ROWS:
            self._lru.put(key, frame.copy())

    def clear(self) -> None:
        self._lru.clear()


def frame_bytes(frame: pd.DataFrame) -> int:
    """What a frame holds in memory (its strings' objects included), plus an entry's overhead."""
    return int(frame.memory_usage(deep=True, index=True).sum()) + ENTRY_OVERHEAD_BYTES


RESULTS = Results()
_memos: list[Any] = []


def memoised(maxsize: int = 64) -> Callable[[Callable], Callable]:
    """`functools.lru_cache` for a pure function of the warehouse; `invalidate` clears it."""

    def wrap(fn: Callable) -> Callable:
        cached = functools.lru_cache(maxsize=maxsize)(fn)
        _memos.append(cached)
        return cached

    return wrap


class Same:
    """A memo key part equal only to itself: an object of one per process whose fields are not
    hashable (the presentation, with its mappings) as part of a `memoised` function's key."""

    def __init__(self, value: object) -> None:
        self.value = value

    def __hash__(self) -> int:
        return id(self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Same) and other.value is self.value


def invalidate() -> None:
    """Forget every result and memoised value (the warehouse changed)."""
    RESULTS.clear()
    for cached in _memos:
        cached.cache_clear()


def _layout_key(args: tuple, kwargs: dict) -> tuple | None:
    """A hashable key for a layout's arguments, or None when a value is not a string (or a
    list of strings, as Dash passes a repeated query parameter)."""
    items = []
    for name, value in sorted(kwargs.items()):
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = tuple(value)
        elif not isinstance(value, str | None):
            return None
        items.append((name, value))
    return None if args else tuple(items)


def cached_layout(layout: Callable) -> Callable:
    """A page layout memoised per site root, path variables and query (the last
    `LAYOUT_CACHE_SIZE`): a layout may write the site's own address (the printed profile's
    link and QR code, the snippet generator's code), so one made for another root, or outside a
    request, is never given out."""

    @memoised(LAYOUT_CACHE_SIZE)
    def by_key(root: str, key: tuple):
        return layout(**{k: list(v) if isinstance(v, tuple) else v for k, v in key})

    def call(*args: Any, **kwargs: Any):
        key = _layout_key(args, kwargs)
        if key is None:
            return layout(*args, **kwargs)
        root = flask.request.url_root if flask.has_request_context() else ""
        return by_key(root, key)

    return call


# --------------------------------------------------------------------------- per server


class SharedFiles:
    """Answers shared by one server's workers: a file per answer (named by the digest of its
    key, written to a temporary file and renamed into place, so a reader never sees half of
    one) in the server's directory, at most `budget` bytes of them.

    A worker sums the directory after it has written `budget / CHECK_PARTS` bytes since it
    last did, and removes the least recently used files (a read touches its file) until the
    rest fits in `budget * KEEP_SHARE`; the directory therefore never holds much more than
    `budget` plus what each worker wrote since its last look."""

    ROOT = Path(tempfile.gettempdir()) / "investin-answers"
    CHECK_PARTS = 16
    KEEP_SHARE = 0.75

    def __init__(self, namespace: str, server_pid: int, budget: int = SHARED_ANSWER_BYTES) -> None:
        self._prune_dead()
        self.directory = self.ROOT / f"{server_pid}-{namespace}"
        self.directory.mkdir(parents=True, exist_ok=True)
        self.budget = budget
        self._written = 0
        self._lock = threading.Lock()

    def _prune_dead(self) -> None:
        for directory in self.ROOT.glob("*-*") if self.ROOT.is_dir() else ():
            pid = directory.name.split("-", 1)[0]
            if pid.isdigit() and not _running(int(pid)):
                shutil.rmtree(directory, ignore_errors=True)

    def _path(self, key: bytes) -> Path:
        return self.directory / hashlib.sha256(key).hexdigest()

    def get(self, key: bytes) -> bytes | None:
        path = self._path(key)
        try:
            body = path.read_bytes()
            os.utime(path)  # recently used: kept longest
        except OSError:  # not there, or just removed by another worker
            return None
        return body

    def put(self, key: bytes, value: bytes) -> None:
        part = self.directory / f".{uuid.uuid4().hex}"
        try:
            part.write_bytes(value)
            os.replace(part, self._path(key))
        except OSError:  # a full disk loses the shared copy, not the answer
            part.unlink(missing_ok=True)
            return
        with self._lock:
            self._written += len(value)
            due = self._written * self.CHECK_PARTS >= self.budget
            if due:
                self._written = 0
        if due:
            self.trim()

    def size(self) -> int:
        """The bytes the directory's answers hold now."""
        return sum(size for _, size, _ in self._files())

    def trim(self) -> None:
        """Remove the least recently used answers when the directory holds over `budget`."""
        files = sorted(self._files(), key=lambda item: item[2])
        total = sum(size for _, size, _ in files)
        if total <= self.budget:
            return
        keep = self.budget * self.KEEP_SHARE
        for path, size, _ in files:
            if total <= keep:
                break
            Path(path).unlink(missing_ok=True)
            total -= size

    def _files(self) -> list[tuple[str, int, float]]:
        """(path, size, mtime) of every file in the directory (temporary ones included)."""
        found = []
        with os.scandir(self.directory) as entries:
            for entry in entries:
                try:
                    stat = entry.stat()
                except OSError:
                    continue
                found.append((entry.path, stat.st_size, stat.st_mtime))
        return found


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@functools.cache
def code_digest() -> str:
    """16 hex digits of the dashboard's code (every source file of the package) and Dash's
    version: what the answers and pages depend on besides the warehouse."""
    digest = hashlib.sha256(dash.__version__.encode())
    for source in sorted(PACKAGE.rglob("*")):
        if source.is_file() and source.suffix in CODE_SUFFIXES:
            digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def answer_namespace(warehouse_path: str | os.PathLike, build: str = "") -> str:
    """A digest of the warehouse file (path, size, mtime), its build id and `code_digest`."""
    path = Path(warehouse_path).resolve()
    stat = path.stat()
    text = f"{path}|{stat.st_size}|{stat.st_mtime_ns}|{build}|{code_digest()}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class SharedStore(Protocol):
    """Where `Answers` shares answers beyond the worker: `SharedFiles`, or Redis
    (`dashboard.rediscache.RedisAnswers`)."""

    def get(self, key: bytes) -> bytes | None: ...

    def put(self, key: bytes, value: bytes) -> None: ...


class Answers:
    """Callback answers by request body: this worker's LRU, then the shared store.

    Both are bounded by bytes: the LRU keeps the digest of a request body, not the body (a
    client decides how long that is), and counts each answer's length."""

    def __init__(self, shared: SharedStore | None = None, budget: int = ANSWER_CACHE_BYTES) -> None:
        self._local = Lru(budget, size_of=lambda body: len(body) + ENTRY_OVERHEAD_BYTES)
        self._shared = shared

    @classmethod
    def for_server(
        cls, warehouse_path: str | os.PathLike, shared: bool, build: str = ""
    ) -> Answers:
        """Shared between workers (keyed by the gunicorn master's pid) when `shared`."""
        if not shared:
            return cls()
        return cls(SharedFiles(answer_namespace(warehouse_path, build), os.getppid()))

    def get(self, key: bytes) -> bytes | None:
        digest = hashlib.sha256(key).digest()
        body = self._local.get(digest)
        if body is None and self._shared is not None:
            body = self._shared.get(key)
            if body is not None:
                self._local.put(digest, body)
        return body

    def put(self, key: bytes, body: bytes) -> None:
        if len(body) > ANSWER_MAX_BYTES:
            return
        self._local.put(hashlib.sha256(key).digest(), body)
        if self._shared is not None:
            self._shared.put(key, body)

    @property
    def local_bytes(self) -> int:
        """What this worker's LRU counts (answers and per-entry overhead)."""
        return self._local.size

    def install(self, server: flask.Flask) -> None:
        """Answer repeated callback requests from the cache; keep new plain answers."""

        @server.before_request
        def cached_answer() -> flask.Response | None:
            request = flask.request
            if request.method != "POST" or request.path != UPDATE_PATH:
                return None
            key = request.get_data(cache=True)
            body = self.get(key)
            if body is None:
                flask.g.answer_key = key
                return None
            return flask.Response(body, mimetype="application/json")

        @server.after_request
        def keep_answer(response: flask.Response) -> flask.Response:
            key = flask.g.pop("answer_key", None)
            if key is not None and response.status_code == 200 and not response.direct_passthrough:
                body = response.get_data()
                if response.mimetype == "application/json" and b'"sideUpdate"' not in body:
                    self.put(key, body)
            return response
