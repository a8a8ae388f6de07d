"""The ecosystem view in a real headless Chromium: /ecosystem in fi/sv/en with the theme
filter, a profile with its ecosystem section, and the services card inside an iframe on a page
served from another origin (another 127.0.0.1 port) at 360 px without scrollbars."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from dashboard.i18n import t
from tests.browser.test_pages import TIMEOUT, assert_no_error, open_page, wait_for_page

pytestmark = pytest.mark.browser

IFRAME_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>A town's own web site</title></head><body style="margin:0">
<p>Our town's R&amp;D&amp;I services:</p>
<iframe id="card" src="{src}" title="services" style="border:0;width:360px;height:150px"></iframe>
<script>
addEventListener("message", function (event) {{
  if (event.origin !== "{origin}" || !event.data || event.data.type !== "investin-embed-height")
    return;
  var frame = document.getElementById("card");
  if (frame.contentWindow === event.source) {{
    frame.style.height = event.data.height + "px";
    frame.dataset.sized = String(event.data.height);
  }}
}});
</script></body></html>"""


@pytest.fixture(scope="module")
def foreign_site(base_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A page on another origin (another port) that frames the Raahe services card."""
    folder = tmp_path_factory.mktemp("foreign")
    src = f"{base_url}/embed/services/678?lang=fi"
    (folder / "index.html").write_text(IFRAME_PAGE.format(src=src, origin=base_url), "utf-8")

    class Handler(http.server.SimpleHTTPRequestHandler):
        def end_headers(self) -> None:  # a policy of its own, like a real site's
            self.send_header("Content-Security-Policy", f"frame-src {base_url}")
            super().end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(Handler, directory=str(folder))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_ecosystem_page(driver, base_url, artifacts_dir, lang):
    text = open_page(driver, f"{base_url}/ecosystem?lang={lang}")
    assert_no_error(driver, text, lang)
    assert t("ecosystem.title", lang) in text
    assert t("ecosystem.agreements_title", lang) in text
    assert "Naturpolis Oy" in text and "Rauman kaupunki" in text
    focus = {
        "fi": "Vihreä sähköistäminen",
        "sv": "Grön elektrifiering",
        "en": "Green electrification",
    }
    assert focus[lang] in text
    if lang == "fi":
        assert "ekosysteemi" in text.lower() and "yritys" in text and "TKI" in text
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 1280
    if lang == "fi":
        height = driver.execute_script("return document.body.scrollHeight")
        driver.set_window_size(1280, min(max(int(height), 900), 6000))
        driver.save_screenshot(str(artifacts_dir / "ecosystem_page_fi.png"))
        driver.set_window_size(1280, 1800)


def test_ecosystem_theme_filter_goes_into_the_url(driver, base_url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    open_page(driver, f"{base_url}/ecosystem?lang=en")
    assert "Green electrification" in driver.find_element(By.ID, "ecosystem-content").text
    driver.find_element(By.ID, "ecosystem-theme").click()
    option = WebDriverWait(driver, TIMEOUT).until(
        lambda d: d.find_element(By.XPATH, "//*[@role='listbox']//label[.//input[@value='water']]")
    )
    time.sleep(0.4)  # the popover animates open; click once it is in place
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", option)
    option.click()
    WebDriverWait(driver, TIMEOUT).until(lambda d: "theme=water" in d.current_url)
    WebDriverWait(driver, TIMEOUT).until(
        lambda d: "2 of 16" in d.find_element(By.ID, "ecosystem-content").text
    )
    text = driver.find_element(By.ID, "ecosystem-content").text
    assert "Circular economy of municipal water" in text  # Mikkeli
    assert "Green electrification" not in text  # Lappeenranta: not a water theme
    driver.refresh()
    wait_for_page(driver)
    assert "2 of 16" in driver.find_element(By.ID, "ecosystem-content").text


def test_profile_has_its_ecosystem_section(driver, base_url, artifacts_dir: Path):
    open_page(driver, f"{base_url}/town/678?lang=fi")
    section = driver.find_element("id", "town-ecosystem")
    text = section.text
    assert t("ecosystem.town_title", "fi") in text
    assert "Raahen kaupunki / Raahen seudun kehitys" in text
    assert "Raahe kuuluu seutukaupunkiverkostoon." in text
    link = section.find_element("partial link text", t("ecosystem.embed_link", "fi"))
    assert link.get_attribute("href").endswith("/embed/services/678?lang=fi")
    driver.execute_script("arguments[0].scrollIntoView()", section)
    section.screenshot(str(artifacts_dir / "ecosystem_profile_678_fi.png"))


def test_services_card_in_a_foreign_iframe_at_360px(driver, base_url, foreign_site, artifacts_dir):
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(foreign_site)
    frame = driver.find_element("id", "card")
    WebDriverWait(driver, TIMEOUT).until(lambda d: frame.get_attribute("data-sized"))
    time.sleep(0.2)
    frame_height = driver.execute_script("return arguments[0].clientHeight", frame)
    assert frame.size["width"] == 360
    driver.switch_to.frame(frame)
    try:
        text = driver.find_element("tag name", "body").text
        assert "Raahen kaupunki / Raahen seudun kehitys" in text
        assert "TKI-palvelut ja toimijat" in text
        sizes = driver.execute_script(
            "const e = document.documentElement;"
            "return [e.scrollWidth, e.clientWidth, e.scrollHeight, e.clientHeight,"
            " window.innerWidth, window.innerHeight];"
        )
        scroll_width, client_width, scroll_height, client_height, inner_w, inner_h = sizes
        assert scroll_width <= client_width == inner_w == 360  # no horizontal scrollbar
        assert scroll_height <= client_height == inner_h  # no vertical scrollbar either
        assert inner_h == frame_height
        scripts = driver.execute_script(
            "return Array.from(document.scripts).map(s => s.src).filter(Boolean)"
        )
        assert scripts == []  # no framework JavaScript
    finally:
        driver.switch_to.default_content()
    driver.save_screenshot(str(artifacts_dir / "ecosystem_services_card_iframe_360.png"))
