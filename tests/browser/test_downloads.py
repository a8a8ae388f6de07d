"""A download too large to make on request, in the browser: a message with links, no file."""

from __future__ import annotations

import time

import duckdb
import pytest

from dashboard.i18n import t
from pipeline.export import complete
from tests.browser.test_pages import TIMEOUT, assert_no_error, open_page

pytestmark = pytest.mark.browser


def test_excel_of_everything_shows_a_message_with_the_complete_files(
    driver, base_url, download_dir, warehouse_path
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        ids = [r[0] for r in con.execute("SELECT indicator_id FROM core.indicators").fetchall()]
    build = complete.warehouse_build_id(warehouse_path)
    for old in download_dir.iterdir():
        old.unlink()
    # every indicator, no town and no group chosen: every value (273k rows)
    open_page(driver, f"{base_url}/data?lang=fi&indicators={','.join(ids)}&areas=&groups=")
    started = time.monotonic()
    driver.find_element(By.ID, "data-download-xlsx").click()
    notices = driver.find_element(By.ID, "data-notices")
    WebDriverWait(driver, TIMEOUT).until(lambda _d: "Valinnassa on" in notices.text)
    assert time.monotonic() - started < 10
    assert "enintään 25 000 riviä" in notices.text.replace("\u00a0", " ")  # shown with a space
    assert t("data.complete_data", "fi") in notices.text
    links = {a.text: a.get_attribute("href") for a in notices.find_elements(By.TAG_NAME, "a")}
    assert links == {
        t(f"data.{fmt}", "fi"): f"{base_url}/downloads/{build}/seutu-investin-all-fi.{fmt}"
        for fmt in ("csv", "xlsx", "parquet")
    }
    assert_no_error(driver, driver.find_element(By.TAG_NAME, "body").text, "fi")
    time.sleep(1)
    assert not [p for p in download_dir.iterdir() if p.suffix == ".xlsx"]
