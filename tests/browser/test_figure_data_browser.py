"""The 'data' action in the browser: the downloaded CSV of the compare ranking holds exactly the
bars plotly.js draws (its decoded `_fullData`) for an indicator other than the default."""

from __future__ import annotations

import io
import time

import pandas as pd
import pytest

from tests.browser.test_pages import TIMEOUT, assert_no_error, open_page, wait_for_page

pytestmark = pytest.mark.browser

PLOTTED = """
const plot = document.getElementById('compare-ranking').querySelector('.js-plotly-plot');
const bars = plot._fullData.find(t => t.type === 'bar' && t.orientation === 'h');
return {title: plot.layout.title.text, y: Array.from(bars.y), x: Array.from(bars.x)};
"""


def test_the_ranking_csv_is_the_redrawn_bars(driver, base_url, download_dir):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    for old in download_dir.iterdir():
        old.unlink()
    text = open_page(driver, f"{base_url}/compare?lang=fi&areas=140,740,678")
    assert_no_error(driver, text, "fi")
    before = driver.execute_script(PLOTTED)
    open_page(driver, f"{base_url}/compare?lang=fi&areas=140,740,678&indicator=population")
    wait_for_page(driver)
    plotted = driver.execute_script(PLOTTED)
    assert plotted["title"] != before["title"]
    driver.find_element(By.ID, "compare-ranking-data").click()
    target = download_dir / "compare-ranking.csv"
    WebDriverWait(driver, TIMEOUT).until(lambda _d: target.exists() and target.stat().st_size)
    time.sleep(0.2)
    table = pd.read_csv(io.StringIO(target.read_text(encoding="utf-8-sig")))
    bars = table[table["Sarja"].isna()] if "Sarja" in table else table
    assert list(bars["Nimi"]) == plotted["y"]
    assert list(bars["Arvo"]) == pytest.approx(plotted["x"])
    assert table["Kuvio"].eq(plotted["title"]).all()
    assert table["Lähde"].str.contains("Tilastokeskus").all()


def test_the_gap_grid_links_indicators_and_sorts_by_label(driver, base_url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    text = open_page(driver, f"{base_url}/compare?lang=en&areas=140,740")
    assert_no_error(driver, text, "en")
    cells = '#compare-gaps .ag-center-cols-container [col-id="indicator_link"]'
    WebDriverWait(driver, TIMEOUT).until(lambda d: d.find_elements(By.CSS_SELECTOR, cells))
    links = driver.find_elements(By.CSS_SELECTOR, f"{cells} a")
    assert links and all("/indicators?lang=en#" in a.get_attribute("href") for a in links)
    header = driver.find_element(
        By.CSS_SELECTOR, '#compare-gaps .ag-header-cell[col-id="indicator_link"]'
    )
    header.find_element(By.CSS_SELECTOR, ".ag-header-cell-label").click()
    time.sleep(0.5)
    # rows sit in the DOM in creation order; their row-index is the order shown
    shown = driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0]))"
        ".sort((a, b) => a.parentElement.getAttribute('row-index')"
        " - b.parentElement.getAttribute('row-index')).map(c => c.innerText);",
        cells,
    )
    assert len(shown) > 5 and header.get_attribute("aria-sort") == "ascending"
    assert shown == sorted(shown, key=str.casefold) or shown == sorted(shown)
    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, severe[:3]
