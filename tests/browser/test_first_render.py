"""What a first render loads and draws, in headless Chromium against `investin serve`:
bundles a page does not render are left out and come on demand (dashboard/frontend.py,
assets/on_demand.js), dcc's chunks are preloaded, and the charts on screen are drawn before
the ones further down (assets/plot_later.js)."""

from __future__ import annotations

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.test_pages import TIMEOUT, assert_no_error, wait_for_page

pytestmark = pytest.mark.browser

GRID_BUNDLE = "/_dash-component-suites/dash_ag_grid/dash_ag_grid"
TABLE_BUNDLE = "/_dash-component-suites/dash/dash_table/"
RESOURCES = "return performance.getEntriesByType('resource').map(e => e.name)"
GRID_DRAWN = "return !!document.querySelector('#_pages_content .ag-root-wrapper')"
# Charts drawn (plotly's svg inside dcc.Graph's element), in page order.
DRAWN = """return Array.from(document.querySelectorAll('#_pages_content .dash-graph'))
  .map(g => !!g.querySelector('.main-svg'));"""
# Idle periods never come: charts below the viewport wait until they are scrolled to.
NO_IDLE = "window.requestIdleCallback = function () { return 0; };"


def _loaded(driver, part: str) -> list[str]:
    return [name for name in driver.execute_script(RESOURCES) if part in name]


def _wait_drawn(driver, count: int | None = None) -> list[bool]:
    def ready(d):
        drawn = d.execute_script(DRAWN)
        return drawn if drawn and (drawn[0] if count is None else all(drawn)) else False

    return WebDriverWait(driver, TIMEOUT, poll_frequency=0.05).until(ready)


def test_a_profile_loads_no_grid_bundle_and_preloads_dcc_chunks(driver, base_url):
    driver.get(f"{base_url}/town/140?lang=en")
    wait_for_page(driver)
    _wait_drawn(driver, count=0)
    assert not _loaded(driver, GRID_BUNDLE) and not _loaded(driver, TABLE_BUNDLE)
    html = driver.page_source
    assert 'id="investin-on-demand"' in html and "dash_ag_grid" in html
    for chunk in ("dcc/async-graph.js", "dcc/async-dropdown.js"):
        assert f'rel="preload" as="script" href="/_dash-component-suites/dash/{chunk}"' in html
        assert len(_loaded(driver, chunk)) == 1, chunk  # the preload is the one fetch


def test_compare_opened_directly_loads_its_grid_from_the_page(driver, base_url):
    driver.get(f"{base_url}/compare?lang=en")
    wait_for_page(driver)
    WebDriverWait(driver, TIMEOUT).until(lambda d: d.execute_script(GRID_DRAWN))
    assert _loaded(driver, GRID_BUNDLE)
    assert 'id="investin-on-demand"' in driver.page_source  # DataTable's still on demand


def test_moving_from_a_profile_to_compare_inside_the_app_loads_the_grid(driver, base_url):
    driver.get(f"{base_url}/town/140?lang=en")
    wait_for_page(driver)
    assert not _loaded(driver, GRID_BUNDLE)
    link = driver.find_element("css selector", "header a[href^='/compare']")
    driver.execute_script("window.__samePage = true")
    link.click()
    WebDriverWait(driver, TIMEOUT).until(lambda d: d.execute_script(GRID_DRAWN))
    assert driver.execute_script("return window.__samePage === true")  # no reload
    assert len(_loaded(driver, GRID_BUNDLE)) == 1
    wait_for_page(driver)
    assert_no_error(driver, driver.find_element("tag name", "body").text, "en")
    errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not [m for m in errors if "dash_ag_grid" in m or "not found" in m], errors


def test_charts_below_the_viewport_wait_until_they_are_near_or_printed(driver, base_url):
    size = driver.get_window_size()
    added = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": NO_IDLE})
    try:
        driver.set_window_size(1280, 1400)  # the first chart on screen, the rest below
        driver.get(f"{base_url}/town/091?lang=en")
        wait_for_page(driver)
        drawn = _wait_drawn(driver)
        last = driver.execute_script(
            "const g = Array.from(document.querySelectorAll('#_pages_content .dash-graph'));"
            "return g[g.length - 1].getBoundingClientRect().top - window.innerHeight;"
        )
        assert len(drawn) >= 3 and last > 200
        assert drawn[0] and not drawn[-1], drawn
        driver.execute_script(
            "const g = document.querySelectorAll('#_pages_content .dash-graph');"
            "g[g.length - 1].scrollIntoView();"
        )
        WebDriverWait(driver, TIMEOUT).until(lambda d: d.execute_script(DRAWN)[-1])
        driver.execute_script("window.scrollTo(0, 0)")
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        assert all(_wait_drawn(driver, count=len(drawn)))  # printing draws every chart
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        driver.execute_cdp_cmd(
            "Page.removeScriptToEvaluateOnNewDocument", {"identifier": added["identifier"]}
        )
        driver.set_window_size(size["width"], size["height"])
