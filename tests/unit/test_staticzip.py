"""`dashboard.staticzip` on a small Flask app set up as the dashboard's (flask-compress first,
then the bundle hook): the encoded bytes decode to the file, are computed once, carry their own
ETag and the year-long Cache-Control of a `?m=` asset."""

from __future__ import annotations

import gzip

import brotli
import flask
import pytest
from flask_compress import Compress

from dashboard import staticzip

SCRIPT = ("function f(x) { return x * 2; }\n" * 400).encode()


@pytest.fixture
def app(tmp_path, monkeypatch):
    (tmp_path / "app.js").write_bytes(SCRIPT)
    (tmp_path / "tiny.js").write_bytes(b"var a = 1;")
    server = flask.Flask(__name__, static_folder=str(tmp_path), static_url_path="/assets")
    calls = []
    compressors = dict(staticzip.COMPRESSORS)

    def counted(name):
        def run(data):
            calls.append(name)
            return compressors[name](data)

        return run

    monkeypatch.setattr(staticzip, "COMPRESSORS", {k: counted(k) for k in compressors})
    server.config["COMPRESS_ALGORITHM"] = ["gzip"]
    Compress(server)
    staticzip.install(server)

    @server.get("/_dash-component-suites/lib/bundle.v1m2.min.js")
    def bundle():
        return flask.Response(SCRIPT, mimetype="application/javascript")

    @server.get("/answer")
    def answer():
        return flask.Response(SCRIPT, mimetype="application/javascript")

    server.calls = calls
    return server


def test_a_bundle_is_compressed_once_with_the_best_accepted_encoding(app):
    client = app.test_client()
    path = "/_dash-component-suites/lib/bundle.v1m2.min.js"
    first = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    second = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert first.headers["Content-Encoding"] == "br"
    assert brotli.decompress(first.data) == SCRIPT and second.data == first.data
    assert app.calls == ["br"]  # the second answer came from the store
    assert "Accept-Encoding" in first.headers["Vary"]
    plain = client.get(path, headers={"Accept-Encoding": "gzip;q=1, br;q=0"})
    assert plain.headers["Content-Encoding"] == "gzip" and gzip.decompress(plain.data) == SCRIPT


def test_an_asset_with_the_modified_query_is_cached_a_year_and_answers_304(app):
    client = app.test_client()
    answer = client.get("/assets/app.js?m=123", headers={"Accept-Encoding": "br"})
    assert answer.headers["Cache-Control"] == staticzip.IMMUTABLE
    assert brotli.decompress(answer.data) == SCRIPT
    etag = answer.headers["ETag"]
    assert etag.endswith(':br"')
    again = client.get(
        "/assets/app.js?m=123", headers={"Accept-Encoding": "br", "If-None-Match": etag}
    )
    assert again.status_code == 304 and not again.data
    assert "immutable" not in client.get("/assets/app.js").headers.get("Cache-Control", "")


def test_other_answers_tiny_files_and_clients_without_encodings_are_left_alone(app):
    client = app.test_client()
    other = client.get("/answer", headers={"Accept-Encoding": "br, gzip"})
    assert other.headers.get("Content-Encoding") == "gzip"  # flask-compress's, on the fly
    tiny = client.get("/assets/tiny.js", headers={"Accept-Encoding": "br"})
    assert tiny.data == b"var a = 1;" and "Content-Encoding" not in tiny.headers
    none = client.get("/assets/app.js", headers={"Accept-Encoding": "identity"})
    assert none.data == SCRIPT and app.calls == []


@pytest.mark.parametrize(
    ("header", "expected"),
    [("gzip, deflate, br, zstd", "br"), ("zstd, gzip", "zstd"), ("*", "br"), ("", None)],
)
def test_the_accepted_encoding(header, expected):
    if expected == "zstd" and "zstd" not in staticzip.COMPRESSORS:
        expected = "gzip"
    assert staticzip.accepted(header) == expected
