"""The package as a user gets it: a wheel installed (not editable) into a fresh venv.

The wheel is built from a copy of the repository's files, installed with the dependency
versions of requirements.lock, and run from a folder outside the checkout with a project folder
that holds the repository's files less pipeline/ and dashboard/: so every SQL model, locale,
asset and module has to come from the wheel. Marked `install` (about a minute, most of
it pip); `make test-fast` deselects it, `make test` and CI run it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.helpers import routing_body, stop_process

pytestmark = [pytest.mark.install, pytest.mark.timeout(600)]

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements.lock"
PACKAGES = ("pipeline", "dashboard")


def _run(command: list, cwd: Path, env: dict[str, str], timeout: float = 300):
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return result


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment without anything that would let the checkout's code in."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "INVESTIN_PROJECT_DIR")}
    env.pop("VIRTUAL_ENV", None)
    return {**env, "PYTHONNOUSERSITE": "1", **extra}


@pytest.fixture(scope="module")
def tracked() -> list[str]:
    """The repository's files as a fresh clone has them (tracked, plus new files not ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return sorted(name for name in listed.split("\0") if name and (ROOT / name).is_file())


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("install")


@pytest.fixture(scope="module")
def wheel(work: Path, tracked: list[str]) -> Path:
    """A wheel built (build isolation, pip's cache) from a copy of the repository's files."""
    source = work / "source"
    for name in tracked:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    out = work / "wheels"
    result = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", out, source],
        work,
        _clean_env(),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    (built,) = out.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def venv(work: Path, wheel: Path) -> Path:
    """A fresh venv with the wheel and the locked versions of its dependencies."""
    folder = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", folder], check=True, env=_clean_env())
    pip = [folder / "bin" / "python", "-m", "pip", "install", "-q", "-c", LOCK, wheel]
    result = _run(pip, work, _clean_env())
    assert result.returncode == 0, result.stderr[-3000:]
    return folder


@pytest.fixture(scope="module")
def project(work: Path, tracked: list[str]) -> Path:
    """A project folder outside the checkout: the repository's files less the packages' code
    (indicators.yaml, data/snapshot/, docs/ and whatever project file comes next)."""
    folder = work / "project"
    for name in tracked:
        if name.split("/", 1)[0] not in PACKAGES:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, folder / name)
    assert (folder / "indicators.yaml").is_file()
    return folder


@pytest.fixture(scope="module")
def outside(work: Path) -> Path:
    """The working directory of every command: neither the checkout nor the project folder."""
    folder = work / "elsewhere"
    folder.mkdir()
    return folder


@pytest.fixture(scope="module")
def built(venv: Path, project: Path, outside: Path) -> Path:
    """`investin --project-dir PROJECT build --warehouse W` with the installed package."""
    warehouse = outside / "warehouse.duckdb"
    command = [venv / "bin" / "investin", "--project-dir", project, "build"]
    result = _run([*command, "--warehouse", warehouse], outside, _clean_env())
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return warehouse


def test_the_wheel_holds_every_file_of_the_packages(wheel: Path, tracked: list[str]):
    """Modules, SQL models and queries, locales and assets (the vendored plotly bundle too)."""
    in_wheel = set(zipfile.ZipFile(wheel).namelist())
    expected = [name for name in tracked if name.split("/", 1)[0] in PACKAGES]
    assert [name for name in expected if name not in in_wheel] == []
    assert any(name.endswith(".sql") for name in expected)
    assert any(name.startswith("dashboard/assets/vendor/") for name in expected)


def test_the_venv_runs_the_installed_code_not_the_checkout(venv: Path, outside: Path):
    probe = "import pipeline, dashboard; print(pipeline.__file__); print(dashboard.__file__)"
    result = _run([venv / "bin" / "python", "-c", probe], outside, _clean_env())
    assert result.returncode == 0, result.stderr
    site = (venv / "lib").resolve()
    for line in result.stdout.split():
        assert Path(line).resolve().is_relative_to(site), line


def test_without_a_project_folder_the_cli_says_what_to_set(venv: Path, outside: Path):
    result = _run([venv / "bin" / "investin", "build"], outside, _clean_env())
    assert result.returncode != 0
    assert "--project-dir" in result.stderr and "INVESTIN_PROJECT_DIR" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (outside / "data").exists()


def test_a_folder_that_is_not_a_project_is_refused(venv: Path, outside: Path):
    env = _clean_env(INVESTIN_PROJECT_DIR=str(outside))
    result = _run([venv / "bin" / "investin", "check"], outside, env)
    assert result.returncode != 0
    assert "indicators.yaml" in result.stderr and "Traceback" not in result.stderr


def _table_counts(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = con.execute(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables"
        ).fetchall()
        return {
            name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for (name,) in names
        }


def test_the_installed_build_has_the_sql_models(built: Path):
    """Every SQL model (pipeline/models/<schema>/<name>.sql) is a relation with rows."""
    models = (ROOT / "pipeline" / "models").rglob("*.sql")
    # dbt-style: the first folder is the schema, the file name the relation.
    expected = sorted(
        f"{p.relative_to(ROOT / 'pipeline' / 'models').parts[0]}.{p.stem}" for p in models
    )
    assert expected, "no SQL model in pipeline/models"
    counts = _table_counts(built)
    assert {name: counts.get(name, 0) > 0 for name in expected} == dict.fromkeys(expected, True)


def test_the_installed_build_equals_the_checkout_build(built: Path, warehouse_path: Path):
    """Same tables and views, same row counts, as the session's build from the checkout."""
    assert _table_counts(built) == _table_counts(warehouse_path)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(venv: Path, project: Path, outside: Path, built: Path) -> Iterator[str]:
    """`investin serve` from the venv (project folder from INVESTIN_PROJECT_DIR this time)."""
    port = _free_port()
    env = _clean_env(INVESTIN_PROJECT_DIR=str(project))
    command = [venv / "bin" / "investin", "serve", "--port", port, "--warehouse", built]
    log = (outside / "serve.log").open("w")
    process = subprocess.Popen(
        [str(c) for c in command], cwd=outside, env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, (outside / "serve.log").read_text()[-3000:]
            try:
                urllib.request.urlopen(base + "/", timeout=5).close()
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "investin serve did not answer in 90 s"
                time.sleep(0.5)
        yield base
    finally:
        stop_process(process, timeout=20)
        log.close()


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _render(base: str, path: str, search: str = "") -> str:
    """The page content as Dash's routing callback answers it (what the browser asks for)."""
    _, deps = _get(base + "/_dash-dependencies")
    body = json.dumps(routing_body(json.loads(deps), path, search)).encode()
    request = urllib.request.Request(
        base + "/_dash-update-component", body, {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 200
        return response.read().decode("utf-8")


@pytest.mark.parametrize("path", ["/", "/town/140"])
def test_the_installed_server_answers(server: str, path: str):
    status, _ = _get(server + path)
    assert status == 200


def test_the_installed_server_renders_a_town_profile(server: str, built: Path):
    with duckdb.connect(str(built), read_only=True) as con:
        (name,) = con.execute("SELECT name_fi FROM core.areas WHERE area_code = '140'").fetchone()
    assert name in _render(server, "/town/140")


def test_the_installed_server_serves_the_vendored_plotly_bundle(server: str, wheel: Path):
    names = zipfile.ZipFile(wheel).namelist()
    bundles = [n for n in names if n.startswith("dashboard/assets/vendor/") and n.endswith(".js")]
    assert bundles
    for bundle in bundles:
        status, data = _get(server + "/assets/" + bundle.removeprefix("dashboard/assets/"))
        assert status == 200 and data


def test_the_installed_about_page_shows_the_method_from_docs(server: str, project: Path):
    heading = next(
        line
        for line in (project / "docs" / "method.md").read_text(encoding="utf-8").splitlines()[1:]
        if line.startswith("## ")
    )
    assert heading.removeprefix("## ").strip() in _render(server, "/about", "?lang=en")
