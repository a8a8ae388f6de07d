"""WSGI entry point for gunicorn: `gunicorn dashboard.wsgi:server` (reads INVESTIN_WAREHOUSE)."""

from __future__ import annotations

import os

from dashboard import geo, queries
from dashboard.app import create_app
from pipeline import DEFAULT_WAREHOUSE

# The workers of one gunicorn server share their callback answers (perf, issue 5).
warehouse = os.environ.get("INVESTIN_WAREHOUSE", str(DEFAULT_WAREHOUSE))
server = create_app(warehouse, shared_answers=True).server
queries.warm_up()  # before the worker takes requests (perf, issue 5)
geo.display_url()
