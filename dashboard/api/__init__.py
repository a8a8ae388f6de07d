"""The read-only web API (`/api/v1/…`, `routes`), its parameters (`params`), its answers and
headers (`respond`) and its OpenAPI 3 description (`openapi.yaml`, served at
`/api/v1/openapi.json`). `install(server)` registers it on the Dash app's Flask server."""

from __future__ import annotations

from dashboard.api.routes import install

__all__ = ["install"]
