"""Headless Chromium as the browser tests and `bench/render.py` start it: Debian's binaries
(`/usr/bin/chromium`, `/usr/bin/chromedriver`, overridable by environment) and one set of options.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from selenium.webdriver import Chrome, ChromeOptions

CHROMIUM = Path(os.environ.get("INVESTIN_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("INVESTIN_CHROMEDRIVER", "/usr/bin/chromedriver"))
CHROME_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,1800",
)


def missing_binaries() -> list[str]:
    """The Chromium and chromedriver paths that are not executable here (empty when both are)."""
    return [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]


def chrome_options() -> ChromeOptions:
    """Options for a headless Chromium at `CHROMIUM` with `CHROME_ARGS`; add to them freely."""
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in CHROME_ARGS:
        options.add_argument(argument)
    return options


def start_chrome(options: ChromeOptions) -> Chrome:
    """A Chromium driven through `CHROMEDRIVER` with `options`."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
