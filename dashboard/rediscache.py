"""Callback answers in Redis, shared by every app server that names the same Redis
(`investin serve --prod --cache redis://HOST:PORT/N`); the policy is `dashboard.cache`'s.

A key is `investin:answer:<build id>:<code digest>:<sha256 of the request body>`: the warehouse's
build id (`core.build_info`, the same on every server that got a copy of one build) and a digest
of the dashboard's code and Dash, so a new build or a new release never meets old answers (the
old keys expire after `TTL_S`). Redis bounds the bytes: run it with `maxmemory` and an LRU
eviction policy (`allkeys-lru`, docs/deploy.md); a server that finds it unbounded or set not to
evict logs a warning when it connects.

Redis is a cache, never a dependency of an answer: any Redis error (down, full, slow beyond
`TIMEOUT_S`) is logged and the answer is computed and served as without it; after an error
the store leaves Redis alone for `RETRY_S` seconds, so a dead Redis costs no request a timeout.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time

import redis

log = logging.getLogger(__name__)
PREFIX = "investin:answer"
TTL_S = 7 * 24 * 3600  # a key not read for a week goes (an old build's keys, mostly)
TIMEOUT_S = 0.5
RETRY_S = 5.0


class RedisAnswers:
    """The `shared` store of `dashboard.cache.Answers` in Redis (`get`/`put` of bytes)."""

    def __init__(self, url: str, build: str, code: str) -> None:
        self.client = redis.Redis.from_url(
            url, socket_timeout=TIMEOUT_S, socket_connect_timeout=TIMEOUT_S
        )
        self.prefix = f"{PREFIX}:{build}:{code}:"
        self._paused_until = 0.0
        self._lock = threading.Lock()
        self._warn_if_unbounded(url)

    def key(self, request: bytes) -> str:
        """The Redis key of the answer to a request body."""
        return self.prefix + hashlib.sha256(request).hexdigest()

    def get(self, request: bytes) -> bytes | None:
        if self._paused():
            return None
        try:
            return self.client.getex(self.key(request), ex=TTL_S)  # a read keeps it longer
        except redis.RedisError as exc:
            self._failed("read", exc)
            return None

    def put(self, request: bytes, body: bytes) -> None:
        if self._paused():
            return
        try:
            self.client.set(self.key(request), body, ex=TTL_S)
        except redis.RedisError as exc:  # full (noeviction), down: the answer is served anyway
            self._failed("write", exc)

    def _paused(self) -> bool:
        return time.monotonic() < self._paused_until

    def _failed(self, what: str, exc: redis.RedisError) -> None:
        with self._lock:
            self._paused_until = time.monotonic() + RETRY_S
        log.warning("answer cache: Redis %s failed (%s); not used for %s s", what, exc, RETRY_S)

    def _warn_if_unbounded(self, url: str) -> None:
        """A warning when Redis keeps every key forever (no `maxmemory`, or `noeviction`)."""
        try:
            config = self.client.config_get("maxmemory*")
        except redis.ResponseError:  # CONFIG is often disabled on managed Redis
            return
        except redis.RedisError as exc:
            log.warning("answer cache: Redis at %s does not answer (%s)", _safe(url), exc)
            return
        if config.get("maxmemory") in ("0", b"0", None) or "noeviction" in str(
            config.get("maxmemory-policy")
        ):
            log.warning(
                "answer cache: Redis at %s has no byte bound with eviction "
                "(set maxmemory and maxmemory-policy allkeys-lru)",
                _safe(url),
            )


def _safe(url: str) -> str:
    """The URL without a password."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.rpartition('@')[2]}"
