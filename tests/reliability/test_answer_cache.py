"""The answer cache under a flood of distinct requests: what it holds is bounded by bytes, in
each worker's memory and in the server's shared files, however large the requests and answers.

The oracle is independent of the cache's own accounting: the bytes on disk are summed with
`os.scandir`, the memory with `tracemalloc`.
"""

from __future__ import annotations

import os
import tracemalloc

from dashboard import cache

MB = 2**20


def _disk_bytes(directory) -> int:
    with os.scandir(directory) as entries:
        return sum(entry.stat().st_size for entry in entries)


def test_shared_files_stay_within_their_byte_budget(tmp_path, monkeypatch):
    monkeypatch.setattr(cache.SharedFiles, "ROOT", tmp_path)
    budget = 16 * MB
    workers = [cache.SharedFiles("ns", os.getpid(), budget=budget) for _ in range(2)]
    answers = [cache.Answers(files, budget=4 * MB) for files in workers]
    written = 0
    for number in range(300):  # 300 distinct answers of 0.5-1.5 MB: 300 MB offered
        body = bytes([number % 256]) * ((number % 3 + 1) * MB // 2)
        answers[number % 2].put(f"request {number}".encode(), body)
        written += len(body)
        on_disk = _disk_bytes(workers[0].directory)
        # the budget, plus what each worker may write before it looks again
        assert on_disk <= budget + 2 * (budget // cache.SharedFiles.CHECK_PARTS + 2 * MB)
    assert written > 10 * budget
    latest = f"request {299}".encode()
    assert answers[0].get(latest) == bytes([299 % 256]) * ((299 % 3 + 1) * MB // 2)


def test_the_recently_read_answers_are_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(cache.SharedFiles, "ROOT", tmp_path)
    files = cache.SharedFiles("ns", os.getpid(), budget=8 * MB)
    files.put(b"popular", b"p" * MB)
    for number in range(40):
        files.put(f"other {number}".encode(), b"o" * MB)
        assert files.get(b"popular") == b"p" * MB  # read often: never the oldest


def test_worker_memory_is_bounded_by_bytes_even_with_huge_requests():
    budget = 8 * MB
    answers = cache.Answers(budget=budget)
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        for number in range(60):  # 1 MB request bodies, small answers: 60 MB of keys offered
            key = number.to_bytes(4, "big") * (MB // 4)
            answers.put(key, b"{}")
            del key
        for number in range(200):  # then 200 answers of 256 KB: 50 MB of answers offered
            answers.put(f"r{number}".encode(), bytes([number % 256]) * (MB // 4))
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert held - before < budget + 2 * MB, f"{(held - before) / MB:.1f} MB held"
    assert answers.get(f"r{199}".encode()) is not None
