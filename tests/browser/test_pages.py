"""Every page in a real headless Chromium against `investin serve` over the session warehouse."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import duckdb
import pandas as pd
import pytest

from dashboard.i18n import t

pytestmark = pytest.mark.browser

PAGES = (
    "/",
    "/town/140",
    "/compare",
    "/map",
    "/data",
    "/network",
    "/about",
)  # embeds: test_embed_browser.py
MY_PAGES = {"/compare": "compare", "/map": "map", "/data": "data", "/network": "network"}
TIMEOUT = 30


def error_texts(lang: str) -> list[str]:
    return [
        t("common.error_title", lang),
        t("common.callback_error", lang),
        "Traceback",
        "Error loading layout",
        "Error loading dependencies",
        "Callback error",
    ]


def wait_for_page(driver, timeout: float = TIMEOUT) -> None:
    """Until Dash has rendered the page and no callback is pending."""
    from selenium.webdriver.support.ui import WebDriverWait

    ready = """
        const content = document.getElementById('_pages_content');
        if (!content || !content.children.length) return false;
        if (document.querySelector('._dash-loading')) return false;
        if (document.querySelector('[data-dash-is-loading="true"]')) return false;
        return document.body.innerText.trim().length > 0;
    """
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script(ready))
    time.sleep(0.3)  # let late callbacks start before the next check
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script(ready))


def open_page(driver, url: str) -> str:
    driver.get(url)
    wait_for_page(driver)
    return driver.find_element("tag name", "body").text


def assert_no_error(driver, text: str, lang: str) -> None:
    for bad in error_texts(lang):
        assert bad not in text, f"{driver.current_url} shows {bad!r}"
    alert = driver.find_elements("id", "app-error")
    assert not alert or not alert[0].is_displayed(), alert[0].text


@pytest.mark.parametrize("lang", ["fi", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_page_renders_translated_without_errors(driver, base_url, path, lang):
    text = open_page(driver, f"{base_url}{path}?lang={lang}")
    assert_no_error(driver, text, lang)
    assert driver.execute_script("return document.documentElement.lang") == lang
    if not path.startswith("/embed/"):
        # The shell's navigation is in the page's language.
        for page in ("overview", "compare", "map", "data", "network", "about"):
            assert t(f"common.nav_{page}", lang) in text
    if path in MY_PAGES:
        heading = driver.find_element("css selector", "#main h1").text
        assert heading == t(f"{MY_PAGES[path]}.title", lang)
    if path.startswith(("/town/", "/embed/")):
        assert "Iisalmi" in text


def test_compare_selection_goes_into_the_url_and_survives_a_reload(driver, base_url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    # 2020: a year the default indicator (unemployment rate, to 2024) and population both have
    open_page(driver, f"{base_url}/compare?lang=en&areas=140,740&groups=network&year=2020")
    driver.find_element(By.ID, "compare-indicator").click()
    search = WebDriverWait(driver, TIMEOUT).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "[role=dialog] input[type=search]")
    )
    search.send_keys("Population")
    option = WebDriverWait(driver, TIMEOUT).until(
        lambda d: d.find_element(
            By.XPATH, "//*[@role='listbox']//label[.//input[@value='population']]"
        )
    )
    time.sleep(0.4)  # the popover animates open; click once it is in place
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", option)
    option.click()
    WebDriverWait(driver, TIMEOUT).until(lambda d: "indicator=population" in d.current_url)
    wait_for_page(driver)
    query = parse_qs(urlparse(driver.current_url).query)
    assert query["lang"] == ["en"]
    assert query["areas"] == ["140,740"]
    assert query["groups"] == ["network"]
    assert query["indicator"] == ["population"]
    assert query["year"] == ["2020"]  # kept: population has 2020 too

    driver.refresh()
    wait_for_page(driver)
    assert "indicator=population" in driver.current_url
    chosen = driver.find_element(By.ID, "compare-indicator").text
    assert chosen.startswith("Population")
    ranking_title = driver.find_element(By.CSS_SELECTOR, "#compare-ranking .gtitle").text
    assert ranking_title == "Population, 2020"
    assert_no_error(driver, driver.find_element(By.TAG_NAME, "body").text, "en")


def test_compare_reports_bad_input_kindly(driver, base_url):
    text = open_page(
        driver, f"{base_url}/compare?lang=en&areas=140,999&indicator=nonsense&year=abc"
    )
    assert_no_error(driver, text, "en")
    assert t("compare.unknown_areas", "en", codes="999") in text
    assert t("compare.unknown_indicator", "en", value="nonsense") in text


def test_data_csv_download_matches_the_warehouse(driver, base_url, download_dir, warehouse_path):
    from selenium.webdriver.common.by import By

    for old in download_dir.iterdir():
        old.unlink()
    open_page(
        driver,
        f"{base_url}/data?lang=en&indicators=population&areas=140,740&groups=network"
        "&from=2020&to=2023",
    )
    driver.find_element(By.ID, "data-download-csv").click()
    csv = wait_for_download(download_dir, ".csv")
    frame = pd.read_csv(csv, dtype={"area_code": str})

    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        expected = con.execute(
            """
            SELECT area_code, year, value FROM core.indicator_values
            WHERE indicator_id = 'population' AND area_code IN ('140', '740')
              AND year BETWEEN 2020 AND 2023
            UNION ALL
            SELECT group_code, year, value FROM core.group_values
            WHERE indicator_id = 'population' AND group_code = 'network'
              AND year BETWEEN 2020 AND 2023
            """
        ).df()
    assert len(frame) == len(expected) == 12
    assert set(frame.indicator_id) == {"population"}
    merged = frame.merge(expected, on=["area_code", "year"], suffixes=("", "_warehouse"))
    assert len(merged) == len(expected)
    assert (merged.value == merged.value_warehouse).all()
    assert set(frame.area_name) == {"Iisalmi", "Savonlinna", "Regional towns network"}

    # Parquet and Excel carry the same rows (written by the same export code).
    driver.find_element(By.ID, "data-download-parquet").click()
    parquet = pd.read_parquet(wait_for_download(download_dir, ".parquet"))
    assert parquet.value.tolist() == frame.value.tolist()
    driver.find_element(By.ID, "data-download-xlsx").click()
    assert wait_for_download(download_dir, ".xlsx").stat().st_size > 0


def wait_for_download(folder: Path, suffix: str, timeout: float = TIMEOUT) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.suffix == suffix]
        partial = [p for p in folder.iterdir() if p.suffix == ".crdownload"]
        if done and not partial:
            return done[0]
        time.sleep(0.2)
    raise AssertionError(
        f"no {suffix} file in {folder} after {timeout} s: {list(folder.iterdir())}"
    )


def test_unknown_town_shows_a_friendly_message(driver, base_url):
    for lang in ("fi", "en"):
        text = open_page(driver, f"{base_url}/town/999?lang={lang}")
        assert_no_error(driver, text, lang)
        assert driver.find_elements("css selector", "#main .notice"), text
        assert "999" in text or t("common.not_found_title", lang) in text


@pytest.mark.parametrize(
    ("name", "path"),
    [("overview", "/?lang=fi"), ("town-140", "/town/140?lang=fi"), ("compare", "/compare?lang=fi")],
)
def test_screenshots(driver, base_url, artifacts_dir, name, path):
    open_page(driver, f"{base_url}{path}")
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(1280, min(max(int(height), 900), 6000))
    wait_for_page(driver)
    target = artifacts_dir / f"{name}.png"
    assert driver.save_screenshot(str(target))
    assert target.stat().st_size > 10_000
    driver.set_window_size(1280, 1800)
