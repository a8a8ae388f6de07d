"""urllib3 ``Retry`` for the PxWeb client: exponential backoff with jitter, ``Retry-After``
honoured, every retry passed through the rate limiter and counted, and a 429 without
``Retry-After`` waiting the whole rate window."""

from __future__ import annotations

import time
from typing import Any

from urllib3.util.retry import Retry

from pipeline.pxweb.ratelimit import RateLimiter


class PxRetry(Retry):
    """urllib3 ``Retry`` that also passes every retry through the rate limiter, counts retries,
    and waits the whole rate window on a 429 that has no ``Retry-After``."""

    def __init__(self, *args: Any, limiter: RateLimiter | None = None, stats=None, **kw: Any):
        super().__init__(*args, **kw)
        self.limiter = limiter
        self.stats = stats

    def new(self, **kw: Any) -> PxRetry:
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
