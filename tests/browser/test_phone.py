"""Every page on a phone: Chromium's mobile emulation (CDP Emulation.setDeviceMetricsOverride
with mobile: true, device scale 2, touch) at 390 px in fi, sv and en and at 360 px in Swedish (the
longest words). Nothing may be wider than the screen, and the charts stay readable there: every
bar of the compare ranking has its label, the map fills the width, no chart text is cut at the
figure's edge, no rotated labels, the plotly toolbar covers no title, headline values stay
inside their cards.

The oracles are the browser's own geometry (bounding boxes, scroll width) and the SVG plotly
drew; nothing here calls the dashboard's code.
"""

from __future__ import annotations

import time

import pytest

from tests.browser.test_pages import assert_no_error, open_page

pytestmark = pytest.mark.browser

# One path per page of dash.page_registry (test_every_registered_page_is_here checks it); the
# /embed/... routes have tests of their own.
PAGES = (
    "/",
    "/town",
    "/town/140",
    "/town/287",  # Kristiinankaupunki: the longest Finnish town name
    "/compare",
    "/map",
    "/network",
    "/ecosystem",
    "/indicators",
    "/data",
    "/api",
    "/about",
    "/no-such-page",  # the not-found page
)
SIZES = [(390, lang) for lang in ("fi", "sv", "en")] + [(360, "sv")]

# [scrollWidth, the widest offending elements]: elements and text whose right edge is beyond
# the screen, unless an ancestor that clips (overflow other than visible) ends inside it.
OVERFLOW_JS = """
const w = arguments[0], out = [];
function clipped(node) {
  for (let p = node.parentElement; p && p !== document.documentElement; p = p.parentElement) {
    if (getComputedStyle(p).overflowX !== 'visible' && p.getBoundingClientRect().right <= w + 0.5)
      return true;
  }
  return false;
}
function name(el) {
  const cls = (el.getAttribute('class') || '').trim().split(/\\s+/).slice(0, 2).join('.');
  return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (cls ? '.' + cls : '');
}
for (const el of document.querySelectorAll('body *')) {
  const r = el.getBoundingClientRect();
  if (r.width && r.right > w + 0.5 && !clipped(el)) out.push([Math.round(r.right), name(el)]);
}
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const node = walker.currentNode, range = document.createRange();
  range.selectNodeContents(node);
  const r = range.getBoundingClientRect();
  if (r.width && r.right > w + 0.5 && !clipped(node))
    out.push([Math.round(r.right), 'text ' + JSON.stringify(node.textContent.slice(0, 40))
              + ' in ' + name(node.parentElement)]);
}
out.sort((a, b) => b[0] - a[0]);
return [document.documentElement.scrollWidth, out.slice(0, 8)];
"""

# Per plotly figure: its id, texts cut at the svg's edge, title boxes under the toolbar, tick
# labels drawn rotated.
CHARTS_JS = """
const out = [];
const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
for (const gd of document.querySelectorAll('.js-plotly-plot')) {
  const svg = gd.querySelector('svg.main-svg');
  if (!svg) continue;
  const frame = svg.getBoundingClientRect();
  const texts = gd.querySelectorAll('.gtitle, .gtitle-subtitle, .g-xtitle text, .g-ytitle text,'
    + ' .xtick text, .ytick text, .legendtext');
  const cut = [...texts].filter(t => {
    const r = t.getBoundingClientRect();
    return r.width && (r.right > frame.right + 1 || r.left < frame.left - 1);
  }).map(t => t.textContent.slice(0, 40));
  const bar = gd.querySelector('.modebar');
  const barBox = bar && bar.getBoundingClientRect();
  const covered = [...gd.querySelectorAll('.gtitle, .gtitle-subtitle')].filter(t => {
    const r = t.getBoundingClientRect();
    return r.width && barBox && barBox.width && overlap(r, barBox);
  }).map(t => t.textContent.slice(0, 40));
  const rotated = [...gd.querySelectorAll('.xtick text, .ytick text')].filter(t => {
    const m = /rotate\\((-?[\\d.]+)/.exec(t.getAttribute('transform') || '');
    return m && Math.abs(parseFloat(m[1])) > 0.5;
  }).map(t => t.textContent.slice(0, 30));
  out.push({id: gd.closest('.dash-graph') ? gd.closest('.dash-graph').id : '', cut, covered, rotated});
}
return out;
"""

# Headline and card texts whose right edge runs past their card's inner edge.
CARDS_JS = """
const out = [];
for (const card of document.querySelectorAll('.headline, .card')) {
  const box = card.getBoundingClientRect();
  const right = box.right - parseFloat(getComputedStyle(card).paddingRight) + 1;
  const walker = document.createTreeWalker(card, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(walker.currentNode);
    for (const r of range.getClientRects())
      if (r.right > right) out.push(walker.currentNode.textContent.slice(0, 40));
  }
}
return out;
"""


SETTLED_JS = """
const later = window.investinPlotLater;
if (later && later.waiting()) return false;
return [...document.querySelectorAll('.js-plotly-plot')]
  .every(g => g._fullLayout && g._phoneHooked && !g._phoneFitting);
"""


def emulate(driver, width: int) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 844, "deviceScaleFactor": 2, "mobile": True},
    )
    driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True})


@pytest.fixture(scope="module")
def phone(driver):
    """The session's Chromium as a phone for this module; a desktop again afterwards."""
    emulate(driver, 390)
    yield driver
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": False})


def open_on_phone(driver, url: str, width: int, lang: str) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    emulate(driver, width)
    text = open_page(driver, url)
    # Charts below the screen are drawn when the browser is idle (assets/plot_later.js) and
    # assets/phone.js refits each figure after it is drawn: every chart is drawn now, and the
    # checks wait until each one is drawn, hooked and refitted, twice in a row.
    driver.execute_script("window.investinPlotLater && window.investinPlotLater.drawAll()")
    for _ in range(2):
        WebDriverWait(driver, 10).until(lambda d: d.execute_script(SETTLED_JS))
        time.sleep(0.2)
    assert_no_error(driver, text, lang)
    screen = driver.execute_script("return window.visualViewport.width")
    assert abs(screen - width) < 1, f"the emulated screen is {screen} px, not {width}"


def test_every_registered_page_is_here(dashboard_app):
    import dash

    paths = {
        page.get("path_template") or page["path"]
        for page in dash.page_registry.values()
        if not page["path"].startswith("/embed/")
    }
    covered = {"/town/<code>" if p.startswith("/town/") else p for p in PAGES}
    covered |= {"/404"}  # shown at /no-such-page
    assert paths <= covered, sorted(paths - covered)


@pytest.mark.parametrize(("width", "lang"), SIZES, ids=[f"{w}-{lang}" for w, lang in SIZES])
@pytest.mark.parametrize("path", PAGES)
def test_page_fits_the_phone_and_its_charts_are_readable(phone, base_url, path, width, lang):
    open_on_phone(phone, f"{base_url}{path}?lang={lang}", width, lang)
    scroll_width, widest = phone.execute_script(OVERFLOW_JS, width)
    assert scroll_width <= width, (
        f"{path} ({lang}) is {scroll_width} px wide on a {width} px screen; widest: {widest}"
    )
    for chart in phone.execute_script(CHARTS_JS):
        assert not chart["cut"], f"{path} {chart['id']}: texts cut at the edge {chart['cut']}"
        assert not chart["covered"], f"{path} {chart['id']}: toolbar covers {chart['covered']}"
        assert not chart["rotated"], f"{path} {chart['id']}: rotated labels {chart['rotated']}"
    spilled = phone.execute_script(CARDS_JS)
    assert not spilled, f"{path}: texts run out of their cards: {spilled[:5]}"


@pytest.mark.parametrize("width", [360, 390])
def test_every_bar_of_the_compare_ranking_has_its_label(phone, base_url, width):
    # all the network's towns and the three groups: 13 bars
    open_on_phone(phone, f"{base_url}/compare?lang=fi", width, "fi")
    bars, labels = phone.execute_script(
        """
        const gd = document.querySelector('#compare-ranking .js-plotly-plot');
        const bars = gd.querySelectorAll('.barlayer .trace')[0].querySelectorAll('.point path');
        const labels = [...gd.querySelectorAll('.ytick text')].map(t => t.textContent);
        return [bars.length, labels];
        """
    )
    assert bars >= 10
    assert len(labels) == bars, f"{len(labels)} labels for {bars} bars: {labels}"
    assert all(label.strip() for label in labels)


def test_the_map_fills_a_360_px_phone(phone, base_url):
    open_on_phone(phone, f"{base_url}/map?lang=fi", 360, "fi")
    frame, drawn = phone.execute_script(
        """
        const gd = document.querySelector('#map-figure .js-plotly-plot');
        const size = s => Math.round(gd.querySelector(s).getBoundingClientRect().width);
        return [size('.geo .bg'), size('.choroplethlayer')];
        """
    )
    assert frame >= 300, f"the map's plot is {frame} px wide"
    assert drawn >= 280, f"the municipalities take {drawn} px of the width"


def test_headline_values_stay_in_their_cards_on_a_narrow_desktop(phone, base_url):
    # 800 px: three cards a row, where sv "8 602 arbetsplatser" ran out of its card
    phone.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 800, "height": 900, "deviceScaleFactor": 1, "mobile": False},
    )
    for path in ("/town/140", "/town/287"):
        text = open_page(phone, f"{base_url}{path}?lang=sv")
        assert "arbetsplatser" in text
        spilled = phone.execute_script(CARDS_JS)
        assert not spilled, f"{path}: texts run out of their cards: {spilled[:5]}"
