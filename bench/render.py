"""First render of a profile page (/town/<code>) in headless Chromium.

A fresh Chromium (Debian's /usr/bin/chromium with /usr/bin/chromedriver) per run against the
production server; the clock runs from `driver.get` until the profile's main figure (the first
`.js-plotly-plot` inside the page content) is drawn, and the page's own
`performance.now()` at that moment is kept beside it. Each run loads a different network town so
no run is served from a cache the previous one filled.
"""

from __future__ import annotations

import time
from pathlib import Path

from bench.common import WAREHOUSE, Result, median
from bench.latency import network_towns
from bench.server import gunicorn_server
from tests.browser.chromium import chrome_options, missing_binaries, start_chrome

TARGET_S = 1.2
MAIN_FIGURE = "#_pages_content .js-plotly-plot .main-svg"


BYTES_SCRIPT = """return performance.getEntriesByType('navigation')
  .concat(performance.getEntriesByType('resource'))
  .reduce((sum, e) => sum + (e.transferSize || 0), 0);"""


def first_render(url: str, timeout: float = 30.0) -> tuple[float, float, int]:
    """(wall seconds, page performance.now() seconds, bytes transferred) until the main
    figure is drawn (the bytes: every response of the page so far, as the network gave it)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver = start_chrome(chrome_options())
    try:
        driver.set_page_load_timeout(timeout)
        started = time.perf_counter()
        driver.get(url)
        WebDriverWait(driver, timeout, poll_frequency=0.02).until(
            ec.presence_of_element_located((By.CSS_SELECTOR, MAIN_FIGURE))
        )
        wall = time.perf_counter() - started
        page = driver.execute_script("return performance.now()") / 1000.0
        time.sleep(0.5)  # the callbacks fired with the first draw
        transferred = int(driver.execute_script(BYTES_SCRIPT))
    finally:
        driver.quit()
    return wall, page, transferred


def bench_render(repeats: int = 3, *, warehouse: Path = WAREHOUSE) -> Result:
    missing = missing_binaries()
    if missing:
        raise RuntimeError(f"needs {', '.join(missing)} (apt install chromium chromium-driver)")
    towns = network_towns(warehouse, max(1, repeats) + 1)
    walls, pages, sizes = [], [], []
    with gunicorn_server(warehouse) as server:
        first_render(f"{server.url}/town/{towns[0]}")  # workers import and warm up once
        for code in towns[1 : max(1, repeats) + 1]:
            wall, page, transferred = first_render(f"{server.url}/town/{code}")
            walls.append(wall)
            pages.append(page)
            sizes.append(transferred)
        compare_wall, _, compare_bytes = first_render(f"{server.url}/compare")
    med = median(walls)
    return Result(
        bench="render",
        what="first render of a profile page, headless Chromium; bytes transferred",
        reference=f"/compare: {compare_wall:.2f} s, {compare_bytes / 1024:.0f} KB",
        measured=(
            f"{med:.2f} s (median of {len(walls)}; in-page {median(pages):.2f} s), "
            f"{median(sizes) / 1024:.0f} KB"
        ),
        target=f"< {TARGET_S:.1f} s",
        passed=med < TARGET_S,
        values={
            "wall_s": walls,
            "performance_now_s": pages,
            "bytes": sizes,
            "towns": towns[1:],
            "compare_wall_s": compare_wall,
            "compare_bytes": compare_bytes,
        },
    )
