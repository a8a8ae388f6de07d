"""The production server with the benchmark's reference callback: `gunicorn bench.wsgi:server`.

`dashboard.wsgi`'s app (reads INVESTIN_WAREHOUSE) plus the trivial `bench-echo` callback
(`bench.server.register_echo`), which is not part of the product.
"""

from __future__ import annotations

from bench.server import register_echo
from dashboard.wsgi import app

register_echo(app)
server = app.server
