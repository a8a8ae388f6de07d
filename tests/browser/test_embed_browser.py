"""The cards in a real headless Chromium: the statistics card and the services card inside an
iframe on a page served from ANOTHER origin (a small http.server on another 127.0.0.1 port, with
a Content-Security-Policy of its own) at 360 px: no scrollbar either way once the host page's
listener has sized the frame by the card's height message, the frame's transfer under 30 KB
(the performance log's encodedDataLength), readable with JavaScript disabled, and the time to
first paint inside the frame (printed). And the profile's snippet generator: changing the card's
language changes the preview and the code."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator

import duckdb
import pytest

from tests.browser.test_pages import TIMEOUT, open_page

pytestmark = pytest.mark.browser

MAX_BYTES = 30_000
WIDTH = 360
HOST_PAGE = """<!DOCTYPE html><html lang="fi"><head><meta charset="utf-8">
<title>Kaupungin oma sivu</title></head><body style="margin:0;background:#eef">
<p>Kaupunki lukuina:</p>
<iframe id="card" src="{src}" title="card" loading="lazy"
  style="border:0;width:100%;max-width:{width}px" height="150"></iframe>
<script>
addEventListener("message", function (e) {{
  var f = document.getElementById("card");
  if (e.origin !== "{origin}" || !f || e.source !== f.contentWindow) return;
  if (e.data && e.data.type === "investin-embed-height") {{
    f.style.height = e.data.height + "px";
    f.dataset.sized = String(e.data.height);
  }}
}});
</script></body></html>"""


@pytest.fixture(scope="module")
def foreign_origin(base_url: str) -> Iterator[tuple[str, dict[str, str]]]:
    """(origin, pages): a site on another port whose pages frame the card at `pages[name]`."""
    pages: dict[str, str] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            body = pages.get(self.path.lstrip("/").split("?")[0], "").encode("utf-8")
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Security-Policy", f"frame-src {base_url}")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", pages
    finally:
        server.shutdown()
        server.server_close()


def _frame_bytes(driver, base_url: str) -> tuple[int, list[str]]:
    """(bytes transferred, URLs) of every request to the dashboard in the performance log."""
    urls: dict[str, str] = {}
    done: dict[str, int] = {}
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        if message["method"] == "Network.requestWillBeSent":
            urls[params["requestId"]] = params["request"]["url"]
        elif message["method"] == "Network.loadingFinished":
            done[params["requestId"]] = int(params["encodedDataLength"])
    ours = [rid for rid, url in urls.items() if url.startswith(base_url)]
    return sum(done.get(rid, 0) for rid in ours), [urls[rid] for rid in ours]


def _in_foreign_frame(driver, base_url, foreign_origin, name: str, src: str) -> dict:
    """Open the host page framing `src`; measure the frame. Returns the measurements."""
    from selenium.webdriver.support.ui import WebDriverWait

    origin, pages = foreign_origin
    pages[name] = HOST_PAGE.format(src=src, origin=base_url, width=WIDTH)
    driver.set_window_size(WIDTH + 40, 900)
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    driver.get_log("performance")  # forget what came before
    try:
        driver.get(f"{origin}/{name}")
        frame = driver.find_element("id", "card")
        WebDriverWait(driver, TIMEOUT).until(lambda d: frame.get_attribute("data-sized"))
        time.sleep(0.3)  # a late resize message
        frame_height = driver.execute_script("return arguments[0].clientHeight", frame)
        transferred, urls = _frame_bytes(driver, base_url)
        driver.switch_to.frame(frame)
        try:
            measured = driver.execute_script(
                "const e = document.documentElement;"
                "const paint = performance.getEntriesByType('paint')"
                "  .map(p => [p.name, Math.round(p.startTime)]);"
                "return {sw: e.scrollWidth, cw: e.clientWidth, sh: e.scrollHeight,"
                " ch: e.clientHeight, iw: innerWidth, ih: innerHeight,"
                " paint: Object.fromEntries(paint), text: document.body.innerText,"
                " scripts: Array.from(document.scripts).map(s => s.src).filter(Boolean),"
                " links: document.querySelectorAll('link, img').length};"
            )
        finally:
            driver.switch_to.default_content()
    finally:
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": False})
    return {**measured, "frame_height": frame_height, "bytes": transferred, "urls": urls}


def _assert_fits(m: dict) -> None:
    assert m["iw"] == m["cw"] == WIDTH, m  # the frame is 360 px wide, no vertical scrollbar
    assert m["sw"] <= m["cw"], m  # no horizontal scrollbar: nothing overflows, numbers neither
    assert m["sh"] <= m["ch"] == m["ih"] == m["frame_height"], m  # sized to its content
    assert m["scripts"] == [] and m["links"] == 0  # no framework JavaScript, no CSS, no images
    assert len(m["urls"]) == 1, m["urls"]  # the one document
    assert 0 < m["bytes"] < MAX_BYTES, m["bytes"]


def _open_alone(driver, src: str, text: str) -> None:
    """The card as a page of its own (the log the measurement read is then not empty for the
    after-test check of every dashboard response's policy)."""
    driver.get(src)
    assert text in driver.find_element("tag name", "body").text
    driver.set_window_size(1280, 1800)


def _population(warehouse_path, code: str) -> str:
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        (value,) = con.execute(
            "SELECT value FROM core.indicator_values WHERE indicator_id = 'population'"
            " AND area_code = ? ORDER BY year DESC LIMIT 1",
            [code],
        ).fetchone()
    return f"{round(value):,}".replace(",", "\u00a0")


def test_the_statistics_card_in_a_foreign_iframe(
    driver, base_url, foreign_origin, warehouse_path, artifacts_dir
):
    ids = "population,gdp_per_capita,jobs,job_self_sufficiency,unemployment_rate_monthly"
    src = f"{base_url}/embed/town/140?lang=fi&indicators={ids}"
    cold = _in_foreign_frame(driver, base_url, foreign_origin, "stats.html", src)
    m = _in_foreign_frame(driver, base_url, foreign_origin, "stats.html", src)  # server warm
    for when, made in (("first request", cold), ("again", m)):
        print(
            f"\nstatistics card at {WIDTH} px ({when}): {made['bytes']} bytes transferred, "
            f"first paint {made['paint'].get('first-paint')} ms, first contentful paint "
            f"{made['paint'].get('first-contentful-paint')} ms, height {made['frame_height']} px"
        )
        _assert_fits(made)
    assert "first-paint" in m["paint"] or "first-contentful-paint" in m["paint"]
    text = m["text"]
    assert "Iisalmi" in text and _population(warehouse_path, "140") in text
    assert "Alue: Pohjois-Savo (maakunta)" in text  # the region's GDP per capita
    assert "Tilastokeskus" in text and "CC BY 4.0" in text
    driver.save_screenshot(str(artifacts_dir / "embed_statistics_card_iframe_360.png"))
    _open_alone(driver, src, "Iisalmi")


def test_the_services_card_in_a_foreign_iframe(driver, base_url, foreign_origin, artifacts_dir):
    src = f"{base_url}/embed/services/678?lang=sv"
    m = _in_foreign_frame(driver, base_url, foreign_origin, "services.html", src)
    print(
        f"\nservices card at {WIDTH} px: {m['bytes']} bytes transferred, first paint "
        f"{m['paint'].get('first-paint')} ms, height {m['frame_height']} px"
    )
    _assert_fits(m)
    assert "Brahestad" in m["text"] or "Raahe" in m["text"]
    driver.save_screenshot(str(artifacts_dir / "embed_services_card_iframe_360.png"))
    _open_alone(driver, src, "FUI")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/embed/town/140?lang=fi&indicators=population", ["Iisalmi", "Väkiluku"]),
        ("/embed/services/678?lang=fi", ["Raahe", "TKI-palvelut ja toimijat"]),
    ],
)
def test_the_cards_are_readable_without_javascript(
    driver, base_url, warehouse_path, path, expected
):
    driver.set_window_size(WIDTH, 800)
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        driver.get(f"{base_url}{path}")
        text = driver.find_element("tag name", "body").text
    finally:
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
        driver.set_window_size(1280, 1800)
    for part in expected:
        assert part in text, text
    if "/embed/town/" in path:
        assert _population(warehouse_path, "140") in text.replace(" ", "\u00a0")


def test_the_generator_changes_preview_and_code_with_the_language(driver, base_url, artifacts_dir):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.set_window_size(1280, 1800)
    open_page(driver, f"{base_url}/town/140?lang=fi")
    section = driver.find_element(By.ID, "town-embed")
    assert "Upota kotisivulle" in section.text
    code = driver.find_element(By.ID, "town-embed-code")
    preview = driver.find_element(By.ID, "town-embed-preview")
    assert "lang=fi" in code.get_attribute("value") and "lang=fi" in preview.get_attribute("src")
    assert 'title="Iisalmi: tunnuslukuja"' in code.get_attribute("value")
    english = section.find_element(By.CSS_SELECTOR, "#town-embed-lang input[value='en']")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", english)
    english.click()
    WebDriverWait(driver, TIMEOUT).until(lambda d: "lang=en" in preview.get_attribute("src"))
    value = code.get_attribute("value")
    assert "lang=en" in value and 'title="Iisalmi: key figures"' in value
    assert 'loading="lazy"' in value and "investin-embed-height" in value
    driver.switch_to.frame(preview)
    try:
        WebDriverWait(driver, TIMEOUT).until(
            lambda d: "Full profile" in d.find_element(By.TAG_NAME, "body").text
        )
        assert driver.execute_script("return document.documentElement.lang") == "en"
    finally:
        driver.switch_to.default_content()
    sized = WebDriverWait(driver, TIMEOUT).until(
        lambda d: d.execute_script("return arguments[0].style.height", preview) != "480px"
    )
    assert sized
    driver.execute_script("arguments[0].scrollIntoView()", section)
    section.screenshot(str(artifacts_dir / "embed_generator_en.png"))
