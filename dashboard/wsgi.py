"""WSGI entry point for gunicorn: `gunicorn dashboard.wsgi:server` (reads INVESTIN_WAREHOUSE)."""

from __future__ import annotations

import os

from dashboard.app import create_app
from pipeline import DEFAULT_WAREHOUSE

server = create_app(os.environ.get("INVESTIN_WAREHOUSE", str(DEFAULT_WAREHOUSE))).server
