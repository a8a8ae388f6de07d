"""The client's sliding-window call limit (every attempt counts, retries included, because the
server counts rejected calls too)."""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable


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
