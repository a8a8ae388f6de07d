"""`investin` commands end an expected error with its message and exit 1, never with a raw Python
traceback; the global `--debug` flag adds the traceback.

Every case runs the real command line in a subprocess (as a user would) on broken copies of
the config files in tmp_path.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline import DEFAULT_CATALOGUE, DEFAULT_PRESENTATION

ROOT = Path(__file__).resolve().parents[2]
BOMB_MEMORY = 1_500_000_000  # bytes of address space the YAML-bomb run may use


def run(*args: str, memory: int | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """`python -m pipeline.cli ARGS` from the worktree, with an optional address-space cap."""

    def cap() -> None:
        if memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=cap,
    )


def with_presentation(presentation: Path, *args: str) -> subprocess.CompletedProcess:
    """The command line with `pipeline.DEFAULT_PRESENTATION` pointing at `presentation`."""
    code = (
        "import sys, pipeline; pipeline.DEFAULT_PRESENTATION = sys.argv[1]; "
        "from pipeline.cli import main; main(sys.argv[2:], prog_name='investin')"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", code, str(presentation), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_clean_failure(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    for fragment in fragments:
        assert re.search(fragment, result.stderr), (fragment, result.stderr[-3000:])


def broken_catalogue(tmp_path: Path, old: str, new: str) -> Path:
    text = DEFAULT_CATALOGUE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "indicators.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, fragment: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if fragment in line)


# --------------------------------------------------------------------------- catalogue errors

CATALOGUE_CASES = {
    "key-typo": (
        "    formula: population_prelim\n",
        "    formla: population_prelim\n",
        "unknown key 'formla'",
    ),
    "unknown-variable": (
        "    formula: population_prelim\n",
        "    formula: populaton_prelim\n",
        "populaton_prelim",
    ),
    "bad-yaml": (
        "    formula: population_prelim\n",
        "    formula: [population_prelim\n",
        "invalid yaml",
    ),
}


@pytest.mark.parametrize("command", ["check", "build", "fetch"])
@pytest.mark.parametrize("case", sorted(CATALOGUE_CASES))
def test_catalogue_error_prints_file_line_and_entry(tmp_path, case, command):
    old, new, words = CATALOGUE_CASES[case]
    catalogue = broken_catalogue(tmp_path, old, new)
    args = [command, "--catalogue", str(catalogue)]
    if command == "build":
        args += ["--warehouse", str(tmp_path / "w.duckdb")]
    if command == "fetch":  # the catalogue is read before any request
        args += ["--snapshot", str(tmp_path), "--base-url", "http://127.0.0.1:9/PxWeb/api/v1/fi"]
    result = run(*args)
    line = line_of(catalogue, new.strip()) if case != "bad-yaml" else None
    where = f"{re.escape(str(catalogue))}:{line}" if line else re.escape(str(catalogue))
    assert_clean_failure(result, where, re.escape(words))
    if case != "bad-yaml":
        assert "indicator 'population_preliminary'" in result.stderr


def test_debug_flag_adds_the_traceback(tmp_path):
    old, new, words = CATALOGUE_CASES["key-typo"]
    catalogue = broken_catalogue(tmp_path, old, new)
    result = run("--debug", "check", "--catalogue", str(catalogue))
    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "CatalogueError" in result.stderr and words in result.stderr


def test_yaml_bomb_is_refused_quickly_in_bounded_memory(tmp_path):
    """Nine levels of nine aliases ("billion laughs"): 9**9 strings if expanded."""
    levels = ['&a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"&{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    bomb = "[" + ", ".join(levels) + "]"
    catalogue = broken_catalogue(
        tmp_path, 'metric: "*"}', f'metric: "*", bomb: {bomb}}}'
    )  # inside the first source's selection
    started = time.monotonic()
    result = run("check", "--catalogue", str(catalogue), memory=BOMB_MEMORY, timeout=60)
    assert time.monotonic() - started < 20
    assert_clean_failure(result, re.escape(str(catalogue)), "aliases")
    assert len(result.stderr) < 5_000


# --------------------------------------------------------------------------- other files


def test_presentation_error_names_file_and_line(tmp_path):
    text = DEFAULT_PRESENTATION.read_text(encoding="utf-8")
    key = re.search(r"^(\w+):", text, re.MULTILINE).group(1)
    path = tmp_path / "presentation.yaml"
    path.write_text(text.replace(f"{key}:", f"{key}_typo:", 1), encoding="utf-8")
    result = with_presentation(path, "build", "--warehouse", str(tmp_path / "w.duckdb"))
    assert_clean_failure(result, re.escape(f"{path}:{line_of(path, f'{key}_typo:')}"), "typo")


def test_missing_manifest_is_a_clean_snapshot_error(tmp_path):
    for command in ("check", "build"):
        args = [command, "--snapshot", str(tmp_path)]
        if command == "build":
            args += ["--warehouse", str(tmp_path / "w.duckdb")]
        result = run(*args)
        assert_clean_failure(result, "manifest")
    assert not (tmp_path / "w.duckdb").exists()


def test_build_error_says_the_warehouse_is_unchanged(tmp_path):
    (tmp_path / "manifest.yaml").write_text("version: 1\nfiles: []\n", encoding="utf-8")
    result = run("build", "--snapshot", str(tmp_path), "--warehouse", str(tmp_path / "w.duckdb"))
    assert_clean_failure(result, "is unchanged")


def test_export_without_warehouse_is_a_clean_error(tmp_path):
    result = run(
        "export", "--format", "csv", "-o", str(tmp_path / "x.csv"),
        "--warehouse", str(tmp_path / "none.duckdb"),
    )  # fmt: skip
    assert_clean_failure(result, "does not exist")
