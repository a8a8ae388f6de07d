"""What the PxWeb client and the selection matching raise (no HTTP stack needed to catch them)."""

from __future__ import annotations

from typing import Any


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
