"""The complete downloads as static files: `GET /downloads/<build id>/<name>`.

The files are written once per build outside any request (`pipeline.export.complete`). A
request for one that is there gets the file (ETag and a year's `immutable` caching: the path
names the build); one for a file not written yet starts the background writer and gets a short
page in the file's language that says it is being prepared and reloads itself (503 with
`Retry-After`), so no worker ever waits for a file to be written. An earlier build's id, or a
name that is not a complete file, gets 404.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

import flask

from dashboard.i18n import t
from pipeline.export import complete

PATH = f"{complete.URL_PREFIX}/<build>/<name>"
RETRY_S = 10
YEAR_S = 365 * 24 * 3600
MIMETYPES = {
    "csv": "text/csv",
    "parquet": "application/vnd.apache.parquet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
log = logging.getLogger(__name__)


def install(server: flask.Flask, warehouse: str | Path) -> None:
    """Serve the complete downloads of the warehouse at `warehouse`."""
    warehouse = Path(warehouse).resolve()
    current = complete.warehouse_build_id(warehouse)

    @server.get(PATH)
    def complete_download(build: str, name: str) -> flask.Response:
        parsed = complete.parse_name(name)
        if parsed is None or build != current:
            return _page("fi" if parsed is None else parsed[0], "data.download_gone", 404)
        lang, fmt = parsed
        path = complete.find(warehouse, build, name)
        if path is None:
            try:
                complete.start_writer(warehouse, first=name)
            except OSError:
                log.exception("could not start the writer of the complete downloads")
            return _page(lang, "data.download_preparing", 503)
        response = flask.send_file(
            path,
            mimetype=MIMETYPES[fmt],
            as_attachment=True,
            download_name=name,
            etag=f"{build}-{name}",
            conditional=True,
            max_age=YEAR_S,
        )
        response.cache_control.public = True
        response.cache_control.immutable = True
        return response


def _page(lang: str, key: str, status: int) -> flask.Response:
    """A small page in `lang` with the message `key`; 503 pages reload themselves."""
    title = html.escape(t("data.title", lang))
    body = html.escape(t(key, lang, seconds=RETRY_S))
    refresh = f'<meta http-equiv="refresh" content="{RETRY_S}">' if status == 503 else ""
    page = (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{refresh}'
        f"<title>{title}</title></head><body><p>{body}</p>"
        f'<p><a href="/data?lang={lang}">{title}</a></p></body></html>'
    )
    response = flask.Response(page, status, mimetype="text/html")
    if status == 503:
        response.headers["Retry-After"] = str(RETRY_S)
        response.cache_control.no_store = True
    return response
