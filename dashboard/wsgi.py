"""WSGI entry point for gunicorn: `gunicorn dashboard.wsgi:server` (reads INVESTIN_WAREHOUSE,
and INVESTIN_CACHE: a `redis://HOST:PORT/N` URL, what `investin serve --cache` sets).

The workers of one gunicorn server share their callback answers (`dashboard.cache.Answers`),
and with INVESTIN_CACHE every server that names the same Redis shares them; each worker runs
the common queries and draws the map boundaries before it takes requests.
"""

from __future__ import annotations

import os

from dashboard import geo, queries
from dashboard.app import create_app
from pipeline import DEFAULT_WAREHOUSE

warehouse = os.environ.get("INVESTIN_WAREHOUSE", str(DEFAULT_WAREHOUSE))
app = create_app(warehouse, shared_answers=True, cache_url=os.environ.get("INVESTIN_CACHE") or None)
server = app.server
queries.warm_up()
geo.display_url()
