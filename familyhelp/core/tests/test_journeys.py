"""The pages every visitor can reach from the footer: accessible, and usable on a phone."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from familyhelp.core.testing import PHONE, assert_accessible, assert_fits_the_screen

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("core:accessibility", "Accessibility statement for Family Help"),
        ("core:privacy", "Privacy notice"),
        ("core:cookies", "Cookies"),
        ("core:feedback", "Give feedback on Family Help"),
    ],
)
def test_footer_pages_are_accessible_on_a_phone(live_server, page, name, heading):
    # Given a visitor on a phone
    page.set_viewport_size(PHONE)
    # When they open a page from the footer
    page.goto(live_server.url + reverse(name))
    # Then it reads well, fits the screen and passes the WCAG 2.2 AA checks
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)


def test_the_skip_link_moves_keyboard_users_to_the_content(live_server, page):
    page.goto(live_server.url + reverse("core:privacy"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    skip.press("Enter")
    assert page.evaluate("location.hash") == "#main-content"


@pytest.mark.parametrize("path", ["/", "/services/?q=play", "/whats-on/", "/api/docs/"])
def test_pages_run_under_the_content_security_policy(live_server, page, path):
    # Given a strict policy with no 'unsafe-inline'
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    # When a page loads
    page.goto(live_server.url + path)
    page.wait_for_load_state("networkidle")
    # Then nothing on it was refused, and GOV.UK Frontend's nonce'd start-up script ran
    assert refused == []
    if not path.startswith("/api/"):
        assert "js-enabled" in page.evaluate("document.body.className")
