"""The composite index and peers in a real headless Chromium: weights in the URL, the
rank-range chart, town peers and `peers:<code>` groups in compare and map."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from dashboard.i18n import t
from tests.browser.test_pages import TIMEOUT, assert_no_error, open_page, wait_for_page

pytestmark = pytest.mark.browser


def test_weights_come_from_and_go_into_the_url(driver, base_url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    text = open_page(driver, f"{base_url}/compare?lang=en&areas=140,740&w_labour=2")
    assert_no_error(driver, text, "en")
    title = driver.find_element(By.CSS_SELECTOR, "#index-ranking .gtitle").text
    assert title == t("index.ranking_title", "en")
    handles = driver.find_elements(By.CSS_SELECTOR, ".weight-slider [role='slider']")
    values = [h.get_attribute("aria-valuenow") for h in handles]
    assert "2" in values  # labour
    # the ranking shows each chosen town with an error bar
    assert len(driver.find_elements(By.CSS_SELECTOR, "#index-ranking .errorbar")) >= 2

    skills = driver.find_element(
        By.XPATH,
        "//div[contains(@class,'weight-slider')][.//label[text()="
        f"'{t('common.theme_skills', 'en')}']]//*[@role='slider']",
    )
    skills.click()
    skills.send_keys(Keys.ARROW_RIGHT)
    WebDriverWait(driver, TIMEOUT).until(lambda d: "w_skills=" in d.current_url)
    wait_for_page(driver)
    query = parse_qs(urlparse(driver.current_url).query)
    assert query["w_labour"] == ["2"] and query["areas"] == ["140,740"]
    assert_no_error(driver, driver.find_element(By.TAG_NAME, "body").text, "en")


def test_town_page_offers_peers(driver, base_url):
    from selenium.webdriver.common.by import By

    text = open_page(driver, f"{base_url}/town/140?lang=en")
    assert_no_error(driver, text, "en")
    assert t("index.peers_title", "en") in text
    rows = driver.find_elements(By.CSS_SELECTOR, ".peers-table tbody tr")
    assert len(rows) == 10
    link = driver.find_element(By.LINK_TEXT, t("index.compare_with_peers", "en"))
    query = parse_qs(urlparse(link.get_attribute("href")).query)
    assert query["groups"] == ["peers:140"] and query["peer"] == ["peers:140"]


def test_peer_group_in_compare_and_map(driver, base_url):
    text = open_page(driver, f"{base_url}/compare?lang=en&areas=140&groups=peers:140")
    assert_no_error(driver, text, "en")
    assert "Peers of Iisalmi" in text
    assert t("compare.unknown_groups", "en", codes="peers:140") not in text
    text = open_page(driver, f"{base_url}/map?lang=en&outline=peers:140")
    assert_no_error(driver, text, "en")
