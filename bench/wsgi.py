"""The production server with the benchmark's reference callback: `gunicorn bench.wsgi:server`.

`dashboard.wsgi`'s app (reads INVESTIN_WAREHOUSE) plus the trivial `bench-echo` callback,
which returns its input: its latency is what the server itself costs, the reference the
benchmark sets the pages' callbacks beside. The callback is not part of the product.
"""

from __future__ import annotations

import dash

from dashboard.wsgi import app


def register_echo(dash_app: dash.Dash) -> None:
    """Add the `bench-echo-in.data` → `bench-echo-out.data` identity callback to `dash_app`."""
    dash_app.callback(
        dash.Output("bench-echo-out", "data"),
        dash.Input("bench-echo-in", "data"),
        prevent_initial_call=True,
    )(lambda value: value)


register_echo(app)
server = app.server
