"""Browser journey: a front door manager, on a phone, reads the figures, opens a chart's numbers,
chooses another period and corrects a mistake in it.

Every page is checked with axe and must fit a 320px screen; nothing needs JavaScript.
"""

import datetime
import re

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from familyhelp.accounts.testing import sign_in_browser
from familyhelp.core.testing import PHONE, check_page
from familyhelp.frontdoor.forms_figures import END_BEFORE_START
from familyhelp.frontdoor.models import Decision, Request
from familyhelp.frontdoor.tests.factories import (
    DecisionFactory,
    RequestFactory,
    SelfReferralFactory,
    front_door_manager,
)

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def test_a_manager_reads_the_figures_on_a_phone_and_chooses_a_period(browser, live_server):
    # Given two requests decided last week and one waiting now
    now = timezone.now()
    for days, kind in ((7, Decision.Kind.ADVICE), (8, Decision.Kind.NO_FURTHER_ACTION)):
        submitted_at = now - datetime.timedelta(days=days)
        request = RequestFactory(
            submitted=True, status=Request.Status.DECIDED, submitted_at=submitted_at
        )
        DecisionFactory(
            request=request,
            kind=kind,
            decided_at=submitted_at + datetime.timedelta(hours=3),
            no_further_action_reason="needs_met" if kind == "no_further_action" else "",
        )
    SelfReferralFactory()
    context = browser.new_context(viewport=PHONE)
    sign_in_browser(context, live_server, front_door_manager())
    page = context.new_page()

    # When the manager opens the figures
    page.goto(live_server.url + "/front-door/figures/")

    # Then the headline figures and the charts are there, and the page passes axe at 320px
    expect(page.get_by_role("heading", name="Front door figures", level=1)).to_be_visible()
    expect(page.get_by_text("3 requests", exact=True)).to_be_visible()
    expect(page.get_by_text("2 decisions", exact=True)).to_be_visible()
    expect(page.get_by_role("img", name="Decisions made by type")).to_be_visible()
    check_page(page)

    # When they open a chart's numbers as a table
    page.get_by_text("Decisions by type as a table").click()
    expect(page.get_by_role("region", name="Decisions made by type", exact=False)).to_be_visible()
    check_page(page)

    # And choose a period with the end before the start
    page.get_by_role("textbox", name="From").fill("10/11/2026")
    page.get_by_role("textbox", name="To").fill("9/11/2026")
    page.get_by_role("button", name="Show figures").click()

    # Then they are told how to fix it, with the error summary linking to the field
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_role("link", name=END_BEFORE_START)).to_be_visible()
    check_page(page)

    # When they put it right
    page.get_by_role("textbox", name="To").fill("15/11/2026")
    page.get_by_role("button", name="Show figures").click()

    # Then the figures are for that period
    expect(page.get_by_role("heading", name="10 November 2026 to 15 November 2026")).to_be_visible()
    check_page(page)
    context.close()
