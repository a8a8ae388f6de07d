"""`dashboard.rediscache.RedisAnswers` against real redis-servers: Redis holds the byte bound
(maxmemory with LRU eviction), a full or dead Redis never fails an answer, and an unbounded one
is reported."""

from __future__ import annotations

import logging
import shutil
import time

import pytest
import redis

from dashboard import cache, rediscache
from tests.helpers import REDIS_SERVER, free_port, redis_server

ANSWER = 100_000  # bytes, about a small page layout


@pytest.fixture(autouse=True)
def _redis_installed():
    if shutil.which(REDIS_SERVER) is None:
        pytest.fail(f"{REDIS_SERVER} is not installed (apt-get install redis-server)", False)


def test_redis_bounds_the_answers_by_bytes(tmp_path):
    bound = 4 * 2**20
    settings = ("--maxmemory", str(bound), "--maxmemory-policy", "allkeys-lru")
    with redis_server(tmp_path, *settings) as url:
        answers = cache.Answers(rediscache.RedisAnswers(url, "build", "code"))
        for number in range(200):  # 20 MB written, five times the bound
            answers.put(f"request {number}".encode(), bytes([number % 256]) * ANSWER)
        client = redis.Redis.from_url(url)
        used = client.info("memory")["used_memory"]
        kept = client.dbsize()
        assert used <= bound * 1.1, used
        assert 0 < kept < 200
        newest = rediscache.RedisAnswers(url, "build", "code")
        assert newest.get(b"request 199") == bytes([199]) * ANSWER  # the newest are kept


def test_a_full_redis_loses_the_shared_copy_not_the_answer(tmp_path, caplog):
    settings = ("--maxmemory", "1mb", "--maxmemory-policy", "noeviction")
    with redis_server(tmp_path, *settings) as url:
        with caplog.at_level(logging.WARNING, logger=rediscache.__name__):
            store = rediscache.RedisAnswers(url, "build", "code")
        assert "no byte bound with eviction" in caplog.text
        for number in range(30):  # 3 MB into 1 MB: Redis refuses writes (OOM), quietly here
            store.put(f"request {number}".encode(), b"x" * ANSWER)
        assert "Redis write failed" in caplog.text


def test_a_dead_redis_costs_no_request_a_timeout(caplog):
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    answers = cache.Answers(rediscache.RedisAnswers(url, "build", "code"))
    started = time.monotonic()
    for number in range(50):
        assert answers.get(f"request {number}".encode()) is None
        answers.put(f"request {number}".encode(), b"answer")
    assert time.monotonic() - started < 2 * rediscache.TIMEOUT_S
    assert answers.get(b"request 3") == b"answer"  # the worker's own LRU still serves it


def test_keys_name_the_build_and_the_code():
    store = rediscache.RedisAnswers("redis://127.0.0.1:1/0", "b1d", "c0de")
    key = store.key(b"body")
    assert key.startswith("investin:answer:b1d:c0de:") and len(key.rsplit(":", 1)[1]) == 64
    assert rediscache.RedisAnswers("redis://127.0.0.1:1/0", "b2d", "c0de").key(b"body") != key
