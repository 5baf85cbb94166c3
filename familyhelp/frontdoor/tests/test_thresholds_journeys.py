"""Journey: an administrator changes a level of the threshold guidance."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from familyhelp.accounts.testing import sign_in_browser
from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.core.testing import check_page
from familyhelp.frontdoor.tests.factories import level

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


def test_an_administrator_changes_a_level_of_need(live_server, browser):
    administrator = UserFactory(full_name="Alex Admin", roles=["system-administrator"])
    # Given the administrator, signed in, on their account page
    context = browser.new_context()
    sign_in_browser(context, live_server, administrator)
    page = context.new_page()
    page.goto(live_server.url + reverse("accounts:home"))
    # When they open the threshold guidance
    page.get_by_role("link", name="Threshold guidance").click()
    expect(page.get_by_role("heading", name="Threshold guidance", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Level 2: Early help")).to_be_visible()
    check_page(page)
    # And change level 2, first leaving out its descriptors
    page.get_by_role("link", name="Change level 2").click()
    expect(page.get_by_role("heading", name="Change level 2")).to_be_visible()
    check_page(page)
    page.get_by_label("Descriptors").fill("")
    page.get_by_role("button", name="Save level").click()
    # Then they are asked for one, and nothing changes
    expect(page).to_have_title(re.compile("^Error: "))
    expect(
        page.get_by_role("link", name="Enter at least one descriptor, one on each line")
    ).to_be_visible()
    check_page(page)
    assert level(2).revision == 1
    # When they give the name and descriptors
    page.get_by_label("Name").fill("Early support")
    page.get_by_label("Descriptors").fill(
        "Worries about attendance or behaviour\nParents ask for advice on routines"
    )
    page.get_by_role("button", name="Save level").click()
    # Then the guidance shows the new level, as a list
    expect(page.get_by_text("Level 2 saved")).to_be_visible()
    expect(page.get_by_role("heading", name="Level 2: Early support")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Parents ask for advice")).to_be_visible()
    check_page(page)
    context.close()
    changed = level(2)
    assert changed.name == "Early support" and changed.updated_by == administrator
