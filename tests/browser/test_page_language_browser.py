"""In a real headless Chromium, a Finnish page's multi-select sums up its choices in Finnish
("12 valittu", not dcc.Dropdown's default "12 selected"), and a Swedish profile's tab title is
the town's Swedish name."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_pages import TIMEOUT, assert_no_error, open_page

pytestmark = pytest.mark.browser


def test_the_peers_multi_select_counts_in_finnish(driver, base_url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    text = open_page(driver, f"{base_url}/town/140?lang=fi")
    assert_no_error(driver, text, "fi")
    box = WebDriverWait(driver, TIMEOUT).until(
        lambda d: d.find_element(By.ID, "town-peers-indicators")
    )
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    summary = lambda: box.get_attribute("textContent") or ""  # noqa: E731
    WebDriverWait(driver, TIMEOUT).until(lambda _d: "valittu" in summary(), summary())
    assert "selected" not in summary()
    count = int(re.search(r"(\d+) valittu", summary()).group(1))
    assert count >= 2  # the stored peer profile's indicators


def test_a_swedish_profile_has_its_swedish_tab_title(driver, base_url):
    from selenium.webdriver.support.ui import WebDriverWait

    text = open_page(driver, f"{base_url}/town/287?lang=sv")
    assert_no_error(driver, text, "sv")
    WebDriverWait(driver, TIMEOUT).until(lambda d: d.title.startswith("Kristinestad"))
    assert driver.title == "Kristinestad – Seutu Invest In"
