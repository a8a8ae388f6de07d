"""Browser fixtures: one `investin serve` subprocess and one headless Chromium per session.

Chromium and chromedriver are the Debian packages (`/usr/bin/chromium`, `/usr/bin/chromedriver`).
When they are missing the browser tests fail under CI (the env var `CI` is set) and are skipped
with the reason otherwise, so a developer without Chromium can still run the rest of the suite.
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
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.chromium import CHROMIUM, chrome_options, missing_binaries, start_chrome
from tests.helpers import stop_process

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
SERVER_START_TIMEOUT = 60.0


def _require_chromium() -> None:
    missing = missing_binaries()
    if not missing:
        return
    reason = (
        f"headless browser tests need {', '.join(missing)} (apt install chromium chromium-driver)"
    )
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {reason}", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _investin_command() -> list[str]:
    beside_python = Path(sys.executable).parent / "investin"
    if beside_python.exists():
        return [str(beside_python)]
    found = shutil.which("investin")
    return [found] if found else [sys.executable, "-m", "pipeline.cli"]


def _wait_until_serving(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"investin serve exited with {process.returncode}:\n{log.read_text()}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise RuntimeError(
        f"investin serve did not answer {url} in {SERVER_START_TIMEOUT} s:\n{log.read_text()}"
    )


@pytest.fixture(scope="session")
def chromium() -> Path:
    """The Chromium binary; checked before anything slow (the warehouse build) starts."""
    _require_chromium()
    return CHROMIUM


@pytest.fixture(scope="session")
def base_url(
    chromium: Path, warehouse_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """URL of a dashboard served by `investin serve` over the session's warehouse."""
    port = _free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    command = [
        *_investin_command(),
        "serve",
        "--port",
        str(port),
        "--warehouse",
        str(warehouse_path),
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(f"{url}/", process, log)
        yield url
    finally:
        stop_process(process, timeout=10)


@pytest.fixture(scope="session")
def download_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="session")
def driver(base_url: str, download_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """A headless Chromium with a fresh profile that saves downloads into `download_dir`."""
    options = chrome_options()
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    # The console (CSP violations) and the network log (every response's headers).
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(download_dir),
            "download.prompt_for_download": False,
            "download.directory_upgrade": True,
            "safebrowsing.enabled": False,
        },
    )
    browser = start_chrome(options)
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(download_dir)}
    )
    browser.set_page_load_timeout(30)
    try:
        yield browser
    finally:
        browser.quit()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(autouse=True)
def no_csp_violation_and_every_response_has_the_policy(request):
    """After every browser test: no Content-Security-Policy violation in the console, and every
    response the browser got from the dashboard carried the Content-Security-Policy header."""
    if "driver" not in request.fixturenames:
        yield
        return
    driver = request.getfixturevalue("driver")
    base_url = request.getfixturevalue("base_url")
    driver.get_log("browser"), driver.get_log("performance")  # forget earlier tests' entries
    yield
    violations = [
        entry["message"]
        for entry in driver.get_log("browser")
        if "Content Security Policy" in entry["message"] or "Refused to" in entry["message"]
    ]
    assert not violations, violations[:5]
    responses = [
        message["params"]["response"]
        for message in (json.loads(e["message"])["message"] for e in driver.get_log("performance"))
        if message["method"] == "Network.responseReceived"
    ]
    ours = [r for r in responses if r["url"].startswith(base_url)]
    assert ours, "the browser fetched nothing from the dashboard"
    missing = [
        r["url"]
        for r in ours
        if "content-security-policy" not in {name.lower() for name in r["headers"]}
    ]
    assert not missing, missing[:5]
