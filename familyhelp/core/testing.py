"""Helpers shared by the test suites of every app (imported only by tests)."""

from axe_playwright_python.sync_playwright import Axe

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_axe = Axe()


def assert_accessible(page):
    """Run axe on the page as it stands, with the WCAG 2.2 AA rules, and fail on any violation."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    violations = results.response["violations"]
    assert not violations, results.generate_report()


PHONE = {"width": 320, "height": 640}


def assert_fits_the_screen(page):
    """Nothing makes the page scroll sideways (WCAG 1.4.10 reflow, at 320 CSS pixels)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page scrolls sideways: {width}px"


def check_page(page):
    """What every browser journey asks of each page it visits: axe finds nothing, and it fits a
    320px screen."""
    page.wait_for_load_state()
    assert_accessible(page)
    assert_fits_the_screen(page)
