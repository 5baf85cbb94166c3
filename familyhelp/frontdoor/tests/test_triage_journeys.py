"""Browser journeys: a front door officer triages and decides; a manager approves.

Each decision type in turn (advice with a directory search, Family Help, step up, no further
action), and a manager approving a decision that needs approval. Every page is checked with axe
and must fit a 320px screen.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from familyhelp.accounts.tests.factories import TeamFactory
from familyhelp.core.notifications.testing import outbox
from familyhelp.core.testing import check_page
from familyhelp.directory.tests.factories import ServiceFactory
from familyhelp.families.tests.factories import PersonFactory
from familyhelp.frontdoor.models import Decision, Request
from familyhelp.frontdoor.services.common import front_door_settings
from familyhelp.frontdoor.tests.factories import (
    RequestFactory,
    SelfReferralFactory,
    front_door_manager,
    front_door_officer,
)
from familyhelp.frontdoor.tests.journeys import (
    RATIONALE,
    confirm,
    decide_family_help,
    open_decision,
    phone,
    pick_up,
)

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

WAITING_TEXT = "Mum is finding mornings hard."


@pytest.fixture
def waiting_request(db):
    child = PersonFactory(given_names="Ava", family_name="Tran")
    return RequestFactory(submitted=True, children=[child], parenting_needs=WAITING_TEXT)


@pytest.fixture
def page_for(browser, live_server):
    """A phone-sized page signed in as someone; its browser context is closed afterwards (an
    open one keeps the live server's request threads, and their database connection, alive)."""
    contexts = []

    def signed_in_as(user):
        context, page = phone(browser, live_server, user)
        contexts.append(context)
        return page

    yield signed_in_as
    for context in contexts:
        context.close()


def test_advice_and_signposting_with_a_directory_search(
    page_for, live_server, settings, waiting_request
):
    settings.SITE_URL = live_server.url
    ServiceFactory(name="Positive Parenting Course")
    page = page_for(front_door_officer())
    pick_up(page, live_server, waiting_request, showing=WAITING_TEXT)

    # When they record a check with the school
    page.get_by_role("link", name="Record a check with a partner").click()
    check_page(page)
    page.get_by_role("button", name="Record check").click()
    expect(page).to_have_title(re.compile("^Error: "))
    check_page(page)
    page.get_by_label("Partner you checked with").fill("Valley Primary School")
    page.get_by_label("What they told you").fill("Attendance is 84% this term.")
    page.get_by_role("button", name="Record check").click()
    expect(page.get_by_text("Check with Valley Primary School recorded.")).to_be_visible()

    # And search the directory from the decision page
    open_decision(page)
    page.get_by_label("Search the directory").fill("parenting")
    page.get_by_role("button", name="Search", exact=True).click()
    check_page(page)
    # And decide without a rationale first
    page.get_by_label("Advice and signposting").check()
    page.get_by_label("Level 2: Early help").check()
    page.get_by_role("checkbox", name=re.compile("Positive Parenting Course")).check()
    page.get_by_role("button", name="Record decision").click()
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_role("link", name=re.compile("Enter your rationale"))).to_be_visible()
    check_page(page)
    page.get_by_label("Rationale").fill(RATIONALE)
    confirm(page, waiting_request)

    # Then the requester's link lists the service, and nothing about the family
    (email,) = outbox(template="services_signposted")
    page.goto(email.personalisation["link"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Services that could help")
    expect(page.get_by_role("link", name="Positive Parenting Course")).to_be_visible()
    expect(page.get_by_text("Tran")).to_have_count(0)
    check_page(page)


def test_family_help_allocates_to_a_team(page_for, live_server, waiting_request):
    team = TeamFactory(name="Family Help North")
    page = page_for(front_door_officer())
    pick_up(page, live_server, waiting_request, showing=WAITING_TEXT)
    decide_family_help(page, waiting_request, team)
    decision = Decision.objects.get()
    assert decision.team == team


def test_step_up_to_childrens_social_care(page_for, live_server, waiting_request):
    page = page_for(front_door_officer())
    pick_up(page, live_server, waiting_request, showing=WAITING_TEXT)
    open_decision(page)
    page.get_by_label("Step up to children’s social care").check()
    page.get_by_label("Level 4: Specialist and statutory").check()
    page.get_by_label("Rationale").fill(RATIONALE)
    confirm(page, waiting_request)
    assert Decision.objects.get().referred_to_social_care_at is not None


def test_no_further_action_with_the_reason(page_for, live_server, waiting_request):
    page = page_for(front_door_officer())
    pick_up(page, live_server, waiting_request, showing=WAITING_TEXT)
    open_decision(page)
    page.get_by_label("No further action", exact=True).check()
    page.get_by_label("Level 1: Universal").check()
    page.get_by_label("Rationale").fill(RATIONALE)
    page.get_by_role("button", name="Record decision").click()
    expect(page).to_have_title(re.compile("^Error: "))
    check_page(page)
    page.get_by_label("Needs are already being met").check()
    confirm(page, waiting_request)
    assert Decision.objects.get().no_further_action_reason == "needs_met"


def test_a_manager_approves_a_decision(page_for, live_server, waiting_request):
    settings = front_door_settings()
    settings.decisions_needing_approval = ["no_further_action"]
    settings.save()
    page = page_for(front_door_officer(full_name="Priya Shah"))
    pick_up(page, live_server, waiting_request, showing=WAITING_TEXT)
    open_decision(page)
    page.get_by_label("No further action", exact=True).check()
    page.get_by_label("Level 1: Universal").check()
    page.get_by_label("Rationale").fill(RATIONALE)
    page.get_by_label("Needs are already being met").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("sent to a manager for approval")).to_be_visible()
    check_page(page)

    # Given a manager in the front door
    page = page_for(front_door_manager())
    page.goto(live_server.url + reverse("frontdoor:queue"))
    page.get_by_role("link", name="Decisions waiting for a manager’s approval").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    check_page(page)
    # When they open the decision and approve it
    page.get_by_role("link", name=waiting_request.reference).click()
    expect(page.get_by_text(RATIONALE)).to_be_visible()
    check_page(page)
    page.get_by_label("Approve it: it takes effect now").check()
    page.get_by_role("button", name="Confirm").click()
    # Then it takes effect
    expect(page.get_by_text("approved. The requester and family have been told.")).to_be_visible()
    check_page(page)
    waiting_request.refresh_from_db()
    assert waiting_request.status == Request.Status.DECIDED


def test_a_self_referral_is_linked_to_a_new_family_then_decided(page_for, live_server):
    from familyhelp.core.models import Postcode

    Postcode.objects.create(postcode="WX1 1AA", outward_code="WX1", latitude=51.0, longitude=-2.0)
    request = SelfReferralFactory(consent_given=True, help_with="Mum is finding mornings hard.")
    page = page_for(front_door_officer())
    pick_up(page, live_server, request, showing=WAITING_TEXT)

    # When they find or add the family
    page.get_by_role("link", name="Find or add the family").click()
    check_page(page)
    page.get_by_label("Child’s first names").fill("Ava")
    page.get_by_label("Child’s last name").fill("Tran")
    page.get_by_label("Child’s date of birth").fill("1 3 2017")
    page.get_by_role("button", name="Check for existing records").click()
    check_page(page)
    page.get_by_label("None of these: add the child as a new family").check()
    page.get_by_role("button", name="Link the family").click()
    # Then the request is about the Tran family
    expect(
        page.get_by_text(f"{request.reference} is now linked to The Tran family.")
    ).to_be_visible()
    expect(page.get_by_text("Ava Tran")).to_be_visible()
    check_page(page)

    # And they decide it
    open_decision(page)
    page.get_by_label("No further action", exact=True).check()
    page.get_by_label("Level 1: Universal").check()
    page.get_by_label("Rationale").fill(RATIONALE)
    page.get_by_label("The family declined support").check()
    confirm(page, request)
