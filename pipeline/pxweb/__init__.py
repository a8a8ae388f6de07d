"""Statistics Finland's PxWeb API v1: table metadata, selection matching and the HTTP client.

The package splits what a build needs from what a fetch needs:

- ``metadata``, ``matching`` and ``errors`` are pure Python (no numpy, no HTTP) and are what
  this package re-exports, so ``from pipeline.pxweb import resolve_dimension`` costs little and
  never loads the HTTP stack. The snapshot readers use them to read files the client wrote.
- ``split`` builds query bodies and splits an over-large query (numpy, pandas; no HTTP).
- ``client`` (with ``ratelimit`` and ``retry``) talks to the server; import it as
  ``from pipeline.pxweb.client import PxWebClient``. Only ``investin fetch`` loads it.
"""

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
from pipeline.pxweb.matching import (
    Selection,
    dimension_name,
    resolve_dimension,
    resolve_selection,
    resolve_value,
)
from pipeline.pxweb.metadata import ROLES, FolderItem, TableMetadata, Variable

DEFAULT_BASE_URL = "https://pxdata.stat.fi/PxWeb/api/v1/fi"

__all__ = [
    "DEFAULT_BASE_URL",
    "ROLES",
    "FolderItem",
    "PxWebBadRequestError",
    "PxWebConnectionError",
    "PxWebError",
    "PxWebHTTPError",
    "PxWebNotFoundError",
    "PxWebQueryError",
    "PxWebResponseError",
    "PxWebServerError",
    "PxWebTooManyCellsError",
    "Selection",
    "TableMetadata",
    "Variable",
    "dimension_name",
    "resolve_dimension",
    "resolve_selection",
    "resolve_value",
]
