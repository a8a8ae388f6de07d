"""WSGI entry point for gunicorn: `gunicorn dashboard.wsgi:server` (reads INVESTIN_WAREHOUSE).

The workers of one gunicorn server share their callback answers (`dashboard.cache.Answers`);
each worker runs the common queries and draws the map boundaries before it takes requests.
"""

from __future__ import annotations

import os

from dashboard import geo, queries
from dashboard.app import create_app
from pipeline import DEFAULT_WAREHOUSE

warehouse = os.environ.get("INVESTIN_WAREHOUSE", str(DEFAULT_WAREHOUSE))
app = create_app(warehouse, shared_answers=True)
server = app.server
queries.warm_up()
geo.display_url()
