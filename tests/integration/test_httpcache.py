"""HTTP caching over HTTP (the Flask test client of the session's app, and small Flask apps with
`dashboard.httpcache` alone): every page, embed and Dash JSON answer carries an ETag and the
Cache-Control of its kind, a matching If-None-Match gets 304 without a body, callback POSTs are
`no-store`, and responses that bring their own ETag (downloads, assets) are left alone."""

from __future__ import annotations

import gzip

import flask
import pytest

from dashboard import httpcache
from tests.helpers import routing_body

PAGES = ["/", "/town/684?lang=sv", "/compare?lang=en", "/map", "/data?lang=fi", "/about"]
EMBED = "/embed/town/684?lang=en"


@pytest.mark.parametrize("path", [*PAGES, EMBED, "/_dash-layout", "/_dash-dependencies"])
def test_an_answer_is_tagged_and_a_matching_if_none_match_gets_304(client, path):
    first = client.get(path)
    assert first.status_code == 200
    tag = first.headers["ETag"]
    expected = httpcache.EMBED if path.startswith("/embed/") else httpcache.PAGE
    assert first.headers["Cache-Control"] == expected
    again = client.get(path)
    assert again.headers["ETag"] == tag  # the same request, the same tag

    revalidated = client.get(path, headers={"If-None-Match": tag})
    assert revalidated.status_code == 304
    assert revalidated.data == b""
    assert revalidated.headers["ETag"] == tag
    assert revalidated.headers["Cache-Control"] == expected
    assert tag.startswith('W/"')
    other = client.get(path, headers={"If-None-Match": 'W/"0123456789abcdef"'})
    assert other.status_code == 200 and len(other.data) == len(first.data)


def test_the_tag_names_the_path_the_query_and_the_language(client):
    tags = {
        path: client.get(path).headers["ETag"]
        for path in ["/town/684", "/town/684?lang=sv", "/town/684?lang=en", "/town/140", EMBED]
    }
    assert len(set(tags.values())) == len(tags), tags
    stale = client.get("/town/684?lang=sv", headers={"If-None-Match": tags["/town/684"]})
    assert stale.status_code == 200  # another language's tag is not this answer's


def test_a_compressed_answer_is_revalidated_by_its_tag(client):
    first = client.get("/town/684", headers={"Accept-Encoding": "gzip"})
    assert first.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(first.data).startswith(b"<!DOCTYPE html>")
    tag = first.headers["ETag"]
    assert tag == client.get("/town/684").headers["ETag"]  # weak: the same for either copy
    again = client.get("/town/684", headers={"Accept-Encoding": "gzip", "If-None-Match": tag})
    assert again.status_code == 304 and again.data == b""


def test_callback_posts_are_never_stored_and_not_tagged(client, dependencies):
    body = routing_body(dependencies, "/town/684", "?lang=fi")
    for _ in range(2):  # computed, then from the answer cache
        answer = client.post("/_dash-update-component", json=body)
        assert answer.status_code == 200
        assert answer.headers["Cache-Control"] == "no-store"
        assert "ETag" not in answer.headers


def test_an_unknown_page_is_not_tagged(client):
    missing = client.get("/town/999999")
    assert missing.status_code == 404
    assert "ETag" not in missing.headers
    assert missing.headers["Cache-Control"] == "no-store"


def test_assets_keep_their_own_caching(client):
    asset = client.get("/assets/app.js")
    assert asset.status_code == 200
    tag = asset.headers["ETag"]
    assert not tag.startswith("W/")  # Flask's own (strong) tag, not this layer's
    assert client.get("/assets/app.js", headers={"If-None-Match": tag}).status_code == 304


def _small_app(build: str) -> flask.Flask:
    server = flask.Flask(__name__)
    httpcache.install(server, build, "code")
    served = []

    @server.get("/page")
    def page():
        served.append(1)
        return "page"

    @server.get("/api/values")
    def api():
        return flask.jsonify(values=[1, 2])

    @server.get("/downloads/<build>/<name>")
    def download(build: str, name: str):
        response = flask.Response(b"a,b\n1,2\n", mimetype="text/csv")
        response.set_etag(f"{build}-{name}")
        response.cache_control.max_age = 365 * 24 * 3600
        return response

    @server.get("/own")
    def own():
        response = flask.Response("own")
        response.cache_control.max_age = 60
        return response

    server.served = served
    return server


def test_a_new_build_changes_every_tag_and_a_304_is_answered_before_any_work():
    old, new = _small_app("build-1"), _small_app("build-2")
    tag = old.test_client().get("/page").headers["ETag"]
    assert old.test_client().get("/page", headers={"If-None-Match": tag}).status_code == 304
    assert old.served == [1]  # the 304 ran no view
    assert new.test_client().get("/page").headers["ETag"] != tag
    assert new.test_client().get("/page", headers={"If-None-Match": tag}).status_code == 200


def test_api_answers_are_tagged_and_downloads_and_own_cache_control_are_kept():
    client = _small_app("b").test_client()
    api = client.get("/api/values")
    assert api.headers["Cache-Control"] == httpcache.API and api.headers["ETag"]
    download = client.get("/downloads/b/all.csv")
    assert download.headers["ETag"] == '"b-all.csv"'
    assert download.headers["Cache-Control"] == "max-age=31536000"
    own = client.get("/own")
    assert own.headers["Cache-Control"] == "max-age=60" and own.headers["ETag"]
