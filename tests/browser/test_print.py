"""The printed town profile: Chrome's own print (DevTools `Page.printToPDF`) of /town/<code> is
exactly two A4 pages and two Letter pages in fi, sv and en; under print emulation at the A4
printable width nothing is wider than the page and every section is there and visible (the
header's name in the page's language, headlines, highlights, charts with whole tick labels,
ecosystem, the main indicators, the index, similar towns, data as of, URL, QR code, sources),
and the interactive parts are hidden. Oracles: the warehouse read in plain SQL and
presentation.yaml read as yaml."""

from __future__ import annotations

import base64
import datetime
import re
from pathlib import Path

import duckdb
import pytest
import yaml
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.test_pages import wait_for_page

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PAPERS = {"A4": (8.27, 11.69), "Letter": (8.5, 11.0)}
PRINTABLE_WIDTH_PX = round(186 / 25.4 * 96)  # A4 less the 12 mm side margins of print.css
CHARTS = ("town-population", "town-unemployment", "town-jobs")
HIDDEN = (
    ".town-tools",
    ".main-nav",
    ".lang-switch",
    ".site-footer",
    ".peers-section",
    ".index-section",
    ".theme-section:not(.ecosystem-section)",
    ".as-of-section",
    ".figure-actions",
    ".modebar-container",
    "button",
    "[class*='snippet']",
)
# (code, lang): a network town in every language, a long Swedish name (Gustav Adolfs), a
# university city under its Swedish name (Villmanstrand) and in English (Oulu), the longest
# Finnish name (Kristiinankaupunki)
CASES = [
    ("140", "fi"),
    ("140", "sv"),
    ("140", "en"),
    ("081", "sv"),
    ("405", "sv"),
    ("564", "en"),
    ("287", "fi"),
]
MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def print_to_pdf(driver, paper: str) -> bytes:
    width, height = PAPERS[paper]
    answer = driver.execute_cdp_cmd(
        "Page.printToPDF",
        {"paperWidth": width, "paperHeight": height, "printBackground": True},
    )
    return base64.b64decode(answer["data"])


def page_count(pdf: bytes) -> int:
    """`/Type /Page` objects (not `/Pages`, the page tree)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def date_text(day: datetime.date, lang: str) -> str:
    return (
        f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
        if lang == "en"
        else (f"{day.day}.{day.month}.{day.year}")
    )


def number(text: str, lang: str) -> float:
    """A tick label as a number: '25 000', '15 %', '12,5' (fi, sv); '25,000', '12.5' (en)."""
    plain = re.sub(r"[\s\u00a0\u202f%€]", "", text).replace("−", "-")
    return float(plain.replace(",", "") if lang == "en" else plain.replace(",", "."))


@pytest.fixture(scope="module")
def warehouse(warehouse_path):
    con = duckdb.connect(str(warehouse_path), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def print_profile() -> dict:
    return yaml.safe_load((ROOT / "presentation.yaml").read_text(encoding="utf-8"))["print_profile"]


def _open_print_view(driver, url: str) -> None:
    driver.get(url)
    wait_for_page(driver)
    charts = " && ".join(f"document.querySelector('#{c} .main-svg')" for c in CHARTS)
    WebDriverWait(driver, 30).until(lambda d: d.execute_script(f"return !!({charts});"))
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": PRINTABLE_WIDTH_PX, "height": 1100, "deviceScaleFactor": 1, "mobile": False},
    )
    driver.execute_cdp_cmd("Emulation.setScrollbarsHidden", {"hidden": True})  # as on paper
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    # the media query's change event comes with the next frame: print.js then redraws the charts
    fitted = " && ".join(
        f"document.querySelector('#{c} .main-svg').getBoundingClientRect().right"
        f" <= {PRINTABLE_WIDTH_PX}"
        for c in CHARTS
    )
    WebDriverWait(driver, 10).until(lambda d: d.execute_script(f"return {fitted};"))


def _close_print_view(driver) -> None:
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    driver.execute_cdp_cmd("Emulation.setScrollbarsHidden", {"hidden": False})
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


OVERFLOW_JS = """
const width = document.documentElement.clientWidth;
const out = [];
for (const e of document.querySelectorAll('#main *')) {
  if (!e.getClientRects().length || e.closest('.visually-hidden')) continue;
  const r = e.getBoundingClientRect();
  if (r.width && (r.right > width + 1 || r.left < -1)) {
    out.push(['outside', e.tagName, e.closest('[id]') && e.closest('[id]').id, Math.round(r.left),
              Math.round(r.right), width]);
  }
}
const blocks = '#main p, #main li, #main th, #main td, #main h2, #main h3, #main figcaption';
for (const e of document.querySelectorAll(blocks)) {
  if (!e.getClientRects().length || e.closest('.visually-hidden')) continue;
  if (e.scrollWidth > e.clientWidth + 1) {
    out.push(['overflows', e.tagName, e.className, e.textContent.slice(0, 60),
              e.scrollWidth, e.clientWidth]);
  }
}
return out.slice(0, 10);
"""

SECTIONS_JS = """
const shown = s => [...document.querySelectorAll(s)].filter(
  e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden');
const text = s => shown(s).map(e => e.textContent.trim());
const qr = document.querySelector('.print-qr');
return {
  name: text('.print-header .print-name'),
  title: document.title,
  headlines: shown('.headline-grid > .headline').length,
  highlights: shown('.highlights li').length,
  charts: arguments[0].filter(id => shown('#' + id + ' .main-svg').length),
  ecosystem: shown('#town-ecosystem').length,
  rows: shown('.print-indicators tr[data-indicator]').map(e => e.dataset.indicator),
  cells: Object.fromEntries(shown('.print-indicators tr[data-indicator]').map(
    e => [e.dataset.indicator, [...e.children].map(c => c.textContent.trim())])),
  index_head: text('.print-index thead th'),
  index_rows: shown('.print-index tbody tr').map(r => [...r.children].map(c => c.textContent)),
  peers: shown('.print-peers tbody tr').map(r => r.children[0].textContent),
  as_of: text('.print-as-of'),
  url: text('.print-url'),
  qr: qr && shown('.print-qr').length ? [qr.getAttribute('src').slice(0, 40), qr.naturalWidth,
        Math.round(qr.getBoundingClientRect().width)] : null,
  sources: text('.print-sources'),
  interactive: arguments[1].filter(s => shown(s).length),
};
"""

TICKS_JS = """
const out = {};
for (const id of arguments[0]) {
  const svg = document.querySelector('#' + id + ' .main-svg');
  const box = svg.getBoundingClientRect();
  const ticks = axis => [...document.querySelectorAll('#' + id + ' .' + axis + 'tick text')]
    .filter(t => t.getClientRects().length).map(t => {
      const r = t.getBoundingClientRect();
      const inside = r.left >= box.left - 0.5 && r.right <= box.right + 0.5
        && r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5;
      return [t.textContent, inside];
    });
  out[id] = {y: ticks('y'), x: ticks('x'), width: Math.round(box.width)};
}
return out;
"""


def _check_ticks(ticks: dict, max_population: float, last_year: int, lang: str) -> None:
    for chart in CHARTS:
        clipped = [text for axis in ("x", "y") for text, inside in ticks[chart][axis] if not inside]
        assert not clipped, f"{chart}: tick labels cut at the chart's edge: {clipped}"
    for chart in ("town-population", "town-unemployment"):
        values = [number(text, lang) for text, _ in ticks[chart]["y"]]
        assert len(values) >= 3, (chart, ticks[chart]["y"])
        steps = {round(b - a, 6) for a, b in zip(values, values[1:], strict=False)}
        assert len(steps) == 1 and min(steps) > 0, f"{chart}: y ticks not evenly spaced {values}"
        assert all(float(v).is_integer() for v in values), f"{chart}: y ticks {values}"
    population = [number(text, lang) for text, _ in ticks["town-population"]["y"]]
    step = population[1] - population[0]
    assert population[0] == 0 and population[-1] + step > max_population >= population[-1] - step
    years = [text for text, _ in ticks["town-population"]["x"]]
    assert str(last_year) in years, f"the projection's last year {last_year} is not a tick: {years}"


@pytest.mark.parametrize(("code", "lang"), CASES)
def test_the_printed_profile_is_two_pages_with_every_section(
    driver, base_url, artifacts_dir, warehouse, print_profile, code, lang
):
    url = f"{base_url}/town/{code}?lang={lang}"
    name = warehouse.execute(
        f"SELECT name_{lang} FROM core.areas WHERE area_code = ?", [code]
    ).fetchone()[0]
    built = warehouse.execute("SELECT built_at FROM core.build_info").fetchone()[0]
    newest = warehouse.execute(
        "SELECT max(substr(updated, 1, 10)) FROM core.provenance"
    ).fetchone()[0]
    peer = warehouse.execute(
        f"SELECT a.name_{lang} FROM core.peers p JOIN core.areas a ON a.area_code = p.peer_code"
        " WHERE p.area_code = ? ORDER BY p.rank LIMIT 1",
        [code],
    ).fetchone()[0]
    overall = warehouse.execute(
        "SELECT rank, (SELECT count(rank) FROM core.index_values WHERE index_id = 'index_overall')"
        " FROM core.index_values WHERE index_id = 'index_overall' AND area_code = ?",
        [code],
    ).fetchone()
    max_population, last_year = warehouse.execute(
        "SELECT max(value) FILTER (WHERE indicator_id = 'population'),"
        " max(year) FILTER (WHERE indicator_id = 'population_projection')"
        " FROM core.all_values WHERE area_code = ?",
        [code],
    ).fetchone()
    has_ecosystem = code != "081"  # hand-picked: content/ecosystem.yaml names all but Hartola

    _open_print_view(driver, url)
    try:
        overflow = driver.execute_script(OVERFLOW_JS)
        found = driver.execute_script(SECTIONS_JS, list(CHARTS), list(HIDDEN))
        ticks = driver.execute_script(TICKS_JS, list(CHARTS))
    finally:
        _close_print_view(driver)

    assert not overflow, f"wider than the printed page: {overflow}"
    assert found["name"] == [name], found["name"]
    assert found["title"].startswith(name), found["title"]
    assert found["headlines"] >= 6 and found["highlights"] >= 1
    assert found["charts"] == list(CHARTS)
    assert found["ecosystem"] == int(has_ecosystem)
    assert len(found["rows"]) >= 15 and set(found["rows"]) <= set(print_profile["indicators"])
    assert len(set(found["rows"])) == len(found["rows"])
    assert len(found["index_head"]) == 4 and all(found["index_head"])
    assert found["index_rows"][0][2] == f"{overall[0]} / {overall[1]}"
    assert len(found["peers"]) == print_profile["peers"] and found["peers"][0].endswith(peer)
    assert found["as_of"] and date_text(built.date(), lang) in found["as_of"][0]
    assert date_text(datetime.date.fromisoformat(newest), lang) in found["as_of"][0]
    assert found["url"] == [url]
    src, natural_width, shown_width = found["qr"]
    assert src.startswith("data:image/svg+xml") and natural_width > 0 and shown_width >= 60
    assert found["sources"] and "11re" in found["sources"][0]
    assert not found["interactive"], f"printed interactive parts: {found['interactive']}"
    _check_ticks(ticks, max_population, last_year, lang)

    for paper in PAPERS:
        pdf = print_to_pdf(driver, paper)
        assert pdf.startswith(b"%PDF")
        if (code, lang) == ("140", "fi"):
            (artifacts_dir / f"town-140-{paper}.pdf").write_bytes(pdf)
        assert page_count(pdf) == 2, (
            f"/town/{code}?lang={lang} prints on {page_count(pdf)} {paper} pages"
        )


def test_a_cell_of_the_printed_table_is_the_warehouse_figure(driver, base_url, warehouse):
    """share_65_plus of Iisalmi in its newest year, formatted by hand, in the printed table."""
    value, year = warehouse.execute(
        "SELECT value, year FROM core.all_values WHERE indicator_id = 'share_65_plus'"
        " AND area_code = '140' ORDER BY year DESC LIMIT 1"
    ).fetchone()
    _open_print_view(driver, f"{base_url}/town/140?lang=en")
    try:
        found = driver.execute_script(SECTIONS_JS, list(CHARTS), list(HIDDEN))
    finally:
        _close_print_view(driver)
    cells = found["cells"]["share_65_plus"]
    assert cells[1] == f"{value:.1f}\u00a0%" and cells[2] == str(year), cells
