"""First render of a profile page (/town/<code>) in headless Chromium.

A fresh Chromium (Debian's /usr/bin/chromium with /usr/bin/chromedriver) per run against the
production server; the clock runs from `driver.get` until the profile's main figure (the first
`.js-plotly-plot` inside the page content) is drawn, and the page's own clock
(`performance.now()`) at the moment the figure appeared is kept beside it. Each run loads a
different network town so no run is served from a cache the previous one filled.

Beside the clock, each run's breakdown (`breakdown`): from the page's resource timings, when the
HTML and the scripts had arrived, when the layout (Dash's routing callback) was asked for, how
long the server took to answer it and when it had arrived, and the bytes by kind (scripts,
layout, the rest); from Chromium's own counters (DevTools `Performance.getMetrics`), the main
thread's script and task time until the figure; and when every chart of the page was drawn
(charts below the viewport are drawn after the first one, assets/plot_later.js).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from bench.common import WAREHOUSE, Result, median
from bench.latency import network_towns
from bench.server import gunicorn_server
from tests.browser.chromium import chrome_options, missing_binaries, start_chrome

TARGET_S = 1.2
MAIN_FIGURE = "#_pages_content .js-plotly-plot .main-svg"
# Installed before the page's own scripts: the page's clock when the main figure appeared.
DRAWN_MARK = """const MAIN = %s;
new MutationObserver(function (changes, observer) {
  if (document.querySelector(MAIN)) {
    window.__investinDrawnMs = performance.now();
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});""".replace("%s", json.dumps(MAIN_FIGURE))
# Every chart of the page drawn (dcc.Graph's element has class dash-graph; plotly's svg inside).
ALL_FIGURES_SCRIPT = """const graphs = document.querySelectorAll('#_pages_content .dash-graph');
  return graphs.length > 0 && Array.from(graphs).every(g => g.querySelector('.main-svg'));"""

BYTES_SCRIPT = """return performance.getEntriesByType('navigation')
  .concat(performance.getEntriesByType('resource'))
  .reduce((sum, e) => sum + (e.transferSize || 0), 0);"""

# Milliseconds since navigation start and bytes, from the page's own resource timings.
TIMELINE_SCRIPT = """const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  const layout = res.find(e => e.name.includes('_dash-update-component'));
  const scripts = res.filter(e => /\\.js(\\?|$)/.test(e.name.split('#')[0]));
  const sum = (list) => list.reduce((s, e) => s + (e.transferSize || 0), 0);
  return {
    html_ms: nav.responseEnd,
    scripts_ms: Math.max(0, ...scripts.filter(e => e.startTime < nav.domContentLoadedEventStart)
      .map(e => e.responseEnd)),
    dom_ready_ms: nav.domContentLoadedEventEnd,
    layout_asked_ms: layout ? layout.requestStart : null,
    layout_server_ms: layout ? layout.responseStart - layout.requestStart : null,
    layout_arrived_ms: layout ? layout.responseEnd : null,
    script_bytes: sum(scripts),
    layout_bytes: layout ? layout.transferSize : 0,
    other_bytes: sum([nav, ...res]) - sum(scripts) - (layout ? layout.transferSize : 0),
  };"""


def first_render(url: str, timeout: float = 30.0) -> tuple[float, float, int]:
    """(wall seconds, the page's own clock (performance.now()) when the figure appeared, bytes
    transferred) until the main figure is drawn (the bytes: every response of the page so
    far, as the network gave it)."""
    wall, page, transferred, _ = measured_render(url, timeout)
    return wall, page, transferred


def measured_render(url: str, timeout: float = 30.0) -> tuple[float, float, int, dict]:
    """`first_render`'s figures and the run's breakdown (see the module docstring)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    options = chrome_options()
    # Commands do not wait for the page's frames (the profile's embed preview) to finish loading,
    # which would delay seeing a figure that is already drawn.
    options.page_load_strategy = "none"
    driver = start_chrome(options)
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": DRAWN_MARK})
        driver.execute_cdp_cmd("Performance.enable", {})
        started = time.perf_counter()
        driver.get(url)
        WebDriverWait(driver, timeout, poll_frequency=0.02).until(
            ec.presence_of_element_located((By.CSS_SELECTOR, MAIN_FIGURE))
        )
        wall = time.perf_counter() - started
        page = driver.execute_script("return window.__investinDrawnMs") / 1000.0
        metrics = driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]
        breakdown = driver.execute_script(TIMELINE_SCRIPT)
        counters = {m["name"]: m["value"] for m in metrics}
        breakdown["script_s"] = counters.get("ScriptDuration")
        breakdown["task_s"] = counters.get("TaskDuration")
        WebDriverWait(driver, timeout, poll_frequency=0.02).until(
            lambda d: d.execute_script(ALL_FIGURES_SCRIPT)
        )
        breakdown["all_figures_s"] = time.perf_counter() - started
        time.sleep(0.5)  # the callbacks fired with the first draw
        transferred = int(driver.execute_script(BYTES_SCRIPT))
    finally:
        driver.quit()
    return wall, page, transferred, breakdown


def describe(breakdowns: list[dict]) -> str:
    """The runs' median breakdown as a few lines (milliseconds since navigation, KB)."""
    if not breakdowns:
        return ""

    def mid(key: str, scale: float = 1.0) -> float:
        values = [b[key] for b in breakdowns if b.get(key) is not None]
        return median(values) * scale

    return "\n".join(
        [
            f"  HTML {mid('html_ms'):.0f} ms, scripts {mid('scripts_ms'):.0f} ms, "
            f"DOM ready {mid('dom_ready_ms'):.0f} ms",
            f"  layout asked {mid('layout_asked_ms'):.0f} ms, server "
            f"{mid('layout_server_ms'):.0f} ms, arrived {mid('layout_arrived_ms'):.0f} ms",
            f"  main thread until the figure: script {mid('script_s', 1000):.0f} ms of "
            f"{mid('task_s', 1000):.0f} ms in tasks; every chart drawn "
            f"{mid('all_figures_s'):.2f} s",
            f"  bytes: scripts {mid('script_bytes', 1 / 1024):.0f} KB, layout "
            f"{mid('layout_bytes', 1 / 1024):.0f} KB, other {mid('other_bytes', 1 / 1024):.0f} KB",
        ]
    )


def bench_render(repeats: int = 3, *, warehouse: Path = WAREHOUSE) -> Result:
    missing = missing_binaries()
    if missing:
        raise RuntimeError(f"needs {', '.join(missing)} (apt install chromium chromium-driver)")
    towns = network_towns(warehouse, max(1, repeats) + 1)
    walls, pages, sizes, breakdowns = [], [], [], []
    with gunicorn_server(warehouse) as server:
        first_render(f"{server.url}/town/{towns[0]}")  # workers import and warm up once
        for code in towns[1 : max(1, repeats) + 1]:
            wall, page, transferred, breakdown = measured_render(f"{server.url}/town/{code}")
            walls.append(wall)
            pages.append(page)
            sizes.append(transferred)
            breakdowns.append(breakdown)
        compare_wall, _, compare_bytes, compare_breakdown = measured_render(f"{server.url}/compare")
    med = median(walls)
    print(f"[render] profile, median of {len(walls)}:\n{describe(breakdowns)}", file=sys.stderr)
    print(f"[render] /compare:\n{describe([compare_breakdown])}", file=sys.stderr)
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
            "breakdown": breakdowns,
            "compare_wall_s": compare_wall,
            "compare_bytes": compare_bytes,
            "compare_breakdown": compare_breakdown,
        },
    )
