"""Journeys: a team manager looks at caseloads and drift and reallocates an episode; an
administrator changes the case work settings."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from familyhelp.accounts.testing import sign_in_browser
from familyhelp.accounts.tests.factories import TeamFactory, UserFactory
from familyhelp.casework.models import DriftRule, Episode
from familyhelp.casework.tests.factories import EpisodeFactory, keyworker, manager
from familyhelp.core.testing import check_page
from familyhelp.frontdoor.tests.factories import level

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


def test_a_manager_sees_caseloads_and_drift_and_reallocates(live_server, browser):
    team = TeamFactory(name="Family Help North")
    boss = manager(team, full_name="Morgan Manager")
    ash = keyworker(team, full_name="Ash Able", fte=Decimal("1.00"))
    cy = keyworker(team, full_name="Cy Carter", fte=Decimal("0.50"))
    EpisodeFactory(team=team, lead_professional=ash, level=level(2))
    stuck = EpisodeFactory(
        team=team,
        lead_professional=ash,
        level=level(3),
        allocated_at=timezone.now() - datetime.timedelta(days=60),
    )
    # Given the manager, signed in, on their account page
    context = browser.new_context()
    sign_in_browser(context, live_server, boss)
    page = context.new_page()
    page.goto(live_server.url + reverse("accounts:home"))
    # When they open their caseloads
    page.get_by_role("link", name="Caseloads").first.click()
    expect(page.get_by_role("heading", name="Caseloads", exact=True)).to_be_visible()
    # Then they see the team's figures and who has capacity
    expect(page.get_by_text("2 cases across 1.5 FTE: 1.3 per FTE")).to_be_visible()
    expect(page.get_by_role("cell", name="Has capacity")).to_be_visible()
    check_page(page)
    # When they look at the drifting episodes
    page.get_by_role("link", name="See drifting episodes").click()
    expect(page.get_by_role("heading", name="Drifting episodes")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=stuck.reference)
    expect(row).to_contain_text("No contact for more than 20 working days")
    expect(row).to_contain_text("No goal in the plan")
    check_page(page)
    # And reallocate the drifting episode to the worker with capacity, first choosing nobody
    row.get_by_role("link", name=re.compile("Reallocate")).click()
    expect(
        page.get_by_role("heading", name=f"Reallocate episode {stuck.reference}")
    ).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Reallocate").click()
    expect(page).to_have_title(re.compile("^Error: "))
    expect(
        page.get_by_role("link", name="Choose who will be the lead professional")
    ).to_be_visible()
    check_page(page)
    page.get_by_role("radio", name=re.compile("Cy Carter")).check()
    page.get_by_label("Why are you reallocating it? (optional)").fill("Balancing caseloads")
    page.get_by_role("button", name="Reallocate").click()
    # Then the caseloads page says so and counts the episode with Cy
    expect(page.get_by_text(f"Episode {stuck.reference} reallocated to Cy Carter")).to_be_visible()
    check_page(page)
    context.close()
    stuck.refresh_from_db()
    assert stuck.lead_professional == cy
    assert Episode.objects.filter(lead_professional=cy).count() == 1


def test_an_administrator_switches_a_drift_rule_off(live_server, browser):
    administrator = UserFactory(full_name="Alex Admin", roles=["system-administrator"])
    context = browser.new_context()
    sign_in_browser(context, live_server, administrator)
    page = context.new_page()
    # Given the administrator on the case work settings page
    page.goto(live_server.url + reverse("casework:settings"))
    expect(page.get_by_role("heading", name="Case work settings")).to_be_visible()
    check_page(page)
    # When they enter a weight that is not a number
    page.get_by_label("Weight of a level 3 episode").fill("lots")
    page.get_by_role("button", name="Save settings").click()
    expect(page).to_have_title(re.compile("^Error: "))
    check_page(page)
    # And then a good one, with no contact after 15 working days and no rule for actions
    page.get_by_label("Weight of a level 3 episode").fill("1.75")
    page.get_by_label("No contact with the family: working days").fill("15")
    page.get_by_label("Use the rule “Actions overdue”").uncheck()
    page.get_by_role("button", name="Save settings").click()
    # Then they are saved
    expect(page.get_by_text("Case work settings saved")).to_be_visible()
    check_page(page)
    context.close()
    assert DriftRule.objects.get(code="no_contact").working_days == 15
    assert not DriftRule.objects.get(code="actions_overdue").enabled
