"""The printed town profile: Chrome's own print (DevTools `Page.printToPDF`, A4) of /town/140 is
one or two pages, and the interactive sections are not printed."""

from __future__ import annotations

import base64
import re

import pytest

from tests.browser.test_pages import wait_for_page

pytestmark = pytest.mark.browser

A4_INCHES = {"paperWidth": 8.27, "paperHeight": 11.69}


def print_to_pdf(driver) -> bytes:
    answer = driver.execute_cdp_cmd(
        "Page.printToPDF",
        {**A4_INCHES, "printBackground": True, "preferCSSPageSize": True},
    )
    return base64.b64decode(answer["data"])


def page_count(pdf: bytes) -> int:
    """`/Type /Page` objects (not `/Pages`, the page tree)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.mark.parametrize(("code", "lang"), [("140", "fi"), ("684", "sv"), ("091", "en")])
def test_the_printed_profile_is_at_most_two_a4_pages(driver, base_url, artifacts_dir, code, lang):
    driver.get(f"{base_url}/town/{code}?lang={lang}")
    wait_for_page(driver)
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        hidden = driver.execute_script(
            """return ['.peers-section', '.town-tools', '.main-nav', '.theme-section']
                 .map(s => [...document.querySelectorAll(s)])
                 .flat().every(e => getComputedStyle(e).display === 'none');"""
        )
        graphs = driver.execute_script(
            "return [...document.querySelectorAll('.figure-block .main-svg')].length;"
        )
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert hidden, "an interactive section is printed"
    assert graphs >= 3, "the charts are missing from the printed profile"
    pdf = print_to_pdf(driver)
    assert pdf.startswith(b"%PDF")
    if code == "140":
        (artifacts_dir / "town-140.pdf").write_bytes(pdf)
    assert 1 <= page_count(pdf) <= 2, f"/town/{code} prints on {page_count(pdf)} pages"
