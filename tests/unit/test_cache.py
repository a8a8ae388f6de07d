"""dashboard.cache: bounded LRUs, copies in and out, one invalidation for every per-process
cache, and answers shared between the workers of one server."""

from __future__ import annotations

import os

import flask
import pandas as pd
import pytest

from dashboard import cache


def test_lru_is_bounded_by_the_total_size_and_keeps_the_recently_used():
    lru = cache.Lru(10, size_of=len)
    lru.put("a", b"xxxx")
    lru.put("b", b"xxxx")
    assert lru.get("a") == b"xxxx"  # a is now the most recent
    lru.put("c", b"xxxx")  # 12 > 10: the least recently used (b) goes
    assert lru.get("b") is None and lru.get("a") and lru.get("c")
    assert lru.size == 8


def test_results_are_copies_and_large_results_are_not_kept():
    results = cache.Results(budget=2**20)
    frame = pd.DataFrame({"x": [1, 2]})
    results.put("k", frame)
    frame.loc[0, "x"] = 99  # the caller changes its frame ...
    got = results.get("k")
    assert got.x.tolist() == [1, 2]  # ... the cache does not see it
    got.loc[0, "x"] = 42
    assert results.get("k").x.tolist() == [1, 2]
    results.put("big", pd.DataFrame({"x": range(cache.RESULT_MAX_ROWS + 1)}))
    assert results.get("big") is None


def test_configure_invalidates_results_and_memoised_functions(small_queries, small_warehouse_path):
    calls = []

    @cache.memoised(4)
    def counted(x):
        calls.append(x)
        return x

    counted(1)
    counted(1)
    small_queries.areas("fi")
    assert calls == [1] and cache.RESULTS.get(("areas", (("lang", "fi"),))) is not None
    small_queries.configure(small_warehouse_path)
    assert cache.RESULTS.get(("areas", (("lang", "fi"),))) is None
    counted(1)
    assert calls == [1, 1]


def test_layouts_are_memoised_by_their_string_arguments():
    calls = []

    def layout(**query):
        calls.append(query)
        return str(sorted(query.items()))

    cached = cache.cached_layout(layout)
    assert cached(lang="fi", areas=["1", "2"]) == cached(lang="fi", areas=["1", "2"])
    assert len(calls) == 1 and calls[0] == {"lang": "fi", "areas": ["1", "2"]}
    cached(lang=object())  # not a string: called, not cached
    cached(lang=object())
    assert len(calls) == 3


def test_a_layout_made_for_one_site_root_is_not_given_to_another():
    """A layout that writes the site's address (the printed profile's link, the snippet code)
    is kept per root: one made outside a request or for another host is never reused."""
    import flask

    def layout(**query):
        return flask.request.url_root if flask.has_request_context() else "no request"

    cached = cache.cached_layout(layout)
    app = flask.Flask(__name__)
    assert cached(lang="en") == "no request"
    with app.test_request_context("/", base_url="http://localhost/"):
        assert cached(lang="en") == "http://localhost/"
    with app.test_request_context("/", base_url="https://invest.example.fi/"):
        assert cached(lang="en") == "https://invest.example.fi/"
    assert cached(lang="en") == "no request"


def test_answers_are_shared_by_the_workers_of_one_server(tmp_path, monkeypatch):
    monkeypatch.setattr(cache.SharedFiles, "ROOT", tmp_path)
    first = cache.Answers(cache.SharedFiles("ns", os.getpid()))
    second = cache.Answers(cache.SharedFiles("ns", os.getpid()))
    first.put(b"request", b"answer")
    assert second.get(b"request") == b"answer"  # another worker's answer
    other_server = cache.Answers(cache.SharedFiles("ns", os.getpid() + 10**6))
    assert other_server.get(b"request") is None
    first.put(b"huge", b"x" * (cache.ANSWER_MAX_BYTES + 1))
    assert first.get(b"huge") is None


def test_the_answer_namespace_changes_with_the_warehouse_file(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    warehouse.write_bytes(b"one")
    before = cache.answer_namespace(warehouse)
    assert cache.answer_namespace(warehouse) == before
    warehouse.write_bytes(b"other")
    os.utime(warehouse, ns=(1, 1))
    assert cache.answer_namespace(warehouse) != before


@pytest.mark.parametrize("answer_status", [200, 500])
def test_only_plain_answers_are_kept(answer_status):
    server = flask.Flask(__name__)
    answers = cache.Answers()
    answers.install(server)
    served = []

    @server.post(cache.UPDATE_PATH)
    def update():
        served.append(1)
        return flask.Response(b'{"response": 1}', answer_status, mimetype="application/json")

    client = server.test_client()
    client.post(cache.UPDATE_PATH, data=b"body")
    client.post(cache.UPDATE_PATH, data=b"body")
    assert len(served) == (1 if answer_status == 200 else 2)
