"""A large damaged snapshot file: `investin build` and `investin check` stop at the size or
checksum mismatch before parsing it, a file above what its reader loads is refused unread even
when the manifest lists it, and the message stays short. Each command runs as a subprocess
whose peak memory (ru_maxrss of its own waiting parent) is measured.

The damaged file is 200 MB of zeros written sparse, so the test costs little disk or time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import PROJECT_ROOT
from pipeline.snapshot import rebuild_manifest

POPULATION_FILE = "statfin/vaerak_11re_population_1972_2023_by_municipality.csv"
ZEROS = 200 << 20
MAX_RSS_MB = 600  # a build of the sound snapshot peaks at about 400 MB
MAX_MESSAGE = 10_000

# Runs one `investin` command and prints its exit code, peak RSS (MB) and output sizes.
MEASURE = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"rc": done.returncode, "rss_mb": peak,
                  "out": done.stdout[-4000:].decode("utf-8", "replace"),
                  "err": done.stderr[-4000:].decode("utf-8", "replace"),
                  "err_bytes": len(done.stderr), "out_bytes": len(done.stdout)}))
"""


def investin(*args: str) -> dict:
    command = [sys.executable, "-c", MEASURE, sys.executable, "-m", "pipeline.cli", *args]
    done = subprocess.run(
        command, cwd=PROJECT_ROOT, capture_output=True, text=True, check=True, timeout=300
    )
    return json.loads(done.stdout)


def zero_fill(path: Path) -> None:
    with open(path, "wb") as handle:
        handle.truncate(ZEROS)


@pytest.fixture
def zero_filled(snapshot: Path) -> Path:
    zero_fill(snapshot / POPULATION_FILE)
    return snapshot


def assert_short_clear_failure(result: dict, *words: str) -> None:
    assert result["rc"] == 1, result
    assert result["rss_mb"] < MAX_RSS_MB, result
    assert result["err_bytes"] + result["out_bytes"] < MAX_MESSAGE, result
    for word in (POPULATION_FILE, *words):
        assert word in result["err"], result["err"]


def test_build_stops_at_the_size_mismatch(zero_filled, tmp_path):
    result = investin("build", "--snapshot", str(zero_filled), "--warehouse", str(tmp_path / "w"))
    assert_short_clear_failure(result, "209,715,200 bytes", "not read")
    assert not (tmp_path / "w").exists()


def test_check_stops_at_the_size_mismatch(zero_filled):
    result = investin("check", "--snapshot", str(zero_filled))
    assert_short_clear_failure(result, "209,715,200 bytes", "not read")


def test_file_larger_than_its_reader_loads_is_refused_unread(zero_filled, tmp_path):
    """Damaged as published: the manifest re-hashed over the zeros."""
    rebuild_manifest(zero_filled)
    result = investin("build", "--snapshot", str(zero_filled), "--warehouse", str(tmp_path / "w"))
    assert_short_clear_failure(result, "more than the", "not read")
    result = investin("check", "--snapshot", str(zero_filled))
    assert_short_clear_failure(result, "more than the", "not read")
