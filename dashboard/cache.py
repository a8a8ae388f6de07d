"""The dashboard's cache policy, in one place.

The warehouse is read-only for the life of a server, so everything the dashboard computes is a
function of its inputs and the warehouse. Three caches hold it, and nothing else caches
warehouse data:

Per process (each gunicorn worker has its own):
- `RESULTS`: query results by (named query, bound parameters), kept by the query runner
  (`dashboard.queries.runner.run`). Callers get a copy, so they may modify it; results over
  `RESULT_MAX_ROWS` rows are not kept.
- `memoised(n)`: an LRU for pure functions of the warehouse built on query results: lookups
  (`queries.municipality_codes`), services (re-weighted index ranks, the peer profile) and page
  builders (page layouts through `cached_layout`, the compare page's figure builders). The
  bundled boundaries (`dashboard.geo`) use it too.

Per server (shared by the workers of one gunicorn server):
- `Answers`: callback answers (`/_dash-update-component`, page layouts included) by request
  body: the worker's own LRU of bytes first, then, when `create_app(shared_answers=True)` (what
  `dashboard.wsgi` does), files under `$TMPDIR/investin-answers/<server pid>-<namespace>/`.
  Answers that carry a side update (the error alert) or are not a plain 200 are never kept.
  Callbacks must therefore stay pure: no clock, randomness or request state beyond the body.

Invalidation when the warehouse changes: `queries.configure(path)` calls `invalidate()`, which
empties `RESULTS` and every `memoised` function. A rebuild replaces the warehouse file; a running
server keeps reading the file it opened until it is restarted, and the shared answers' namespace
(`answer_namespace`: the warehouse file's path, size and mtime, the dashboard's code and Dash's
version) changes with the file and the code, so a restarted server never serves old answers.
Directories of servers that are no longer running are removed when a worker starts.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import dash
import flask
import pandas as pd

PACKAGE = Path(__file__).resolve().parent
RESULT_CACHE_SIZE = 2048
RESULT_MAX_ROWS = 50_000
LAYOUT_CACHE_SIZE = 64
ANSWER_CACHE_BYTES = 96 * 2**20
ANSWER_MAX_BYTES = 2 * 2**20
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
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            old = self._items.pop(key, None)
            self.size -= self._size_of(old) if old is not None else 0
            self._items[key] = value
            self.size += self._size_of(value)
            while self.size > self.budget and self._items:
                _, dropped = self._items.popitem(last=False)
                self.size -= self._size_of(dropped)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.size = 0


# --------------------------------------------------------------------------- per process


class Results:
    """Query results by (query name, parameters); frames in and out are copies."""

    def __init__(self, size: int = RESULT_CACHE_SIZE) -> None:
        self._lru = Lru(size)

    def get(self, key: Hashable) -> pd.DataFrame | None:
        frame = self._lru.get(key)
        return None if frame is None else frame.copy()

    def put(self, key: Hashable, frame: pd.DataFrame) -> None:
        if len(frame) <= RESULT_MAX_ROWS:
            self._lru.put(key, frame.copy())

    def clear(self) -> None:
        self._lru.clear()


RESULTS = Results()
_memos: list[Any] = []


def memoised(maxsize: int = 64) -> Callable[[Callable], Callable]:
    """`functools.lru_cache` for a pure function of the warehouse; `invalidate` clears it."""

    def wrap(fn: Callable) -> Callable:
        cached = functools.lru_cache(maxsize=maxsize)(fn)
        _memos.append(cached)
        return cached

    return wrap


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
    """A page layout memoised per path variables and query (the last `LAYOUT_CACHE_SIZE`)."""

    @memoised(LAYOUT_CACHE_SIZE)
    def by_key(key: tuple):
        return layout(**{k: list(v) if isinstance(v, tuple) else v for k, v in key})

    def call(*args: Any, **kwargs: Any):
        key = _layout_key(args, kwargs)
        return layout(*args, **kwargs) if key is None else by_key(key)

    return call


# --------------------------------------------------------------------------- per server


class SharedFiles:
    """Answers shared by one server's workers through files (cachelib, atomic writes)."""

    ROOT = Path(tempfile.gettempdir()) / "investin-answers"

    def __init__(self, namespace: str, server_pid: int) -> None:
        from cachelib import FileSystemCache

        self._prune_dead()
        directory = self.ROOT / f"{server_pid}-{namespace}"
        self._files = FileSystemCache(str(directory), threshold=2000, default_timeout=0)

    def _prune_dead(self) -> None:
        for directory in self.ROOT.glob("*-*") if self.ROOT.is_dir() else ():
            pid = directory.name.split("-", 1)[0]
            if pid.isdigit() and not _running(int(pid)):
                shutil.rmtree(directory, ignore_errors=True)

    def get(self, key: bytes) -> bytes | None:
        return self._files.get(hashlib.sha256(key).hexdigest())

    def put(self, key: bytes, value: bytes) -> None:
        self._files.set(hashlib.sha256(key).hexdigest(), value)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def answer_namespace(warehouse_path: str | os.PathLike) -> str:
    """A digest of the warehouse file (path, size, mtime), the dashboard's code and Dash."""
    digest = hashlib.sha256()
    path = Path(warehouse_path).resolve()
    stat = path.stat()
    digest.update(f"{path}|{stat.st_size}|{stat.st_mtime_ns}|{dash.__version__}".encode())
    for source in sorted(PACKAGE.rglob("*")):
        if source.is_file() and source.suffix in CODE_SUFFIXES:
            digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


class Answers:
    """Callback answers by request body: this worker's LRU, then the server's shared files."""

    def __init__(self, shared: SharedFiles | None = None) -> None:
        self._local = Lru(ANSWER_CACHE_BYTES, size_of=len)
        self._shared = shared

    @classmethod
    def for_server(cls, warehouse_path: str | os.PathLike, shared: bool) -> Answers:
        """Shared between workers (keyed by the gunicorn master's pid) when `shared`."""
        files = SharedFiles(answer_namespace(warehouse_path), os.getppid()) if shared else None
        return cls(files)

    def get(self, key: bytes) -> bytes | None:
        body = self._local.get(key)
        if body is None and self._shared is not None:
            body = self._shared.get(key)
            if body is not None:
                self._local.put(key, body)
        return body

    def put(self, key: bytes, body: bytes) -> None:
        if len(body) > ANSWER_MAX_BYTES:
            return
        self._local.put(key, body)
        if self._shared is not None:
            self._shared.put(key, body)

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
