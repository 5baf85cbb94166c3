"""Journey: an organisation asks to join from the public site; an administrator approves it."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from familyhelp.accounts.models import User
from familyhelp.accounts.testing import sign_in_browser
from familyhelp.core.notifications.testing import outbox
from familyhelp.core.testing import PHONE, check_page
from familyhelp.directory.models import OrganisationEditor, OrganizationIdentifier
from familyhelp.stewardship.models import JoinRequest
from familyhelp.stewardship.tests.factories import directory_administrator

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

CONTACT = "sam@wexfordparents.example"
MESSAGE = "We run <b>coffee mornings</b>. See https://wexfordparents.example/about"


@pytest.fixture
def admin(db):
    return directory_administrator(email="directory.admin@wessexvale.example")


def test_an_organisation_asks_to_join_and_an_administrator_approves(live_server, browser, admin):
    # Given someone from a parents' group on the directory's home page, on their phone
    public = browser.new_context(viewport=PHONE)
    page = public.new_page()
    page.goto(live_server.url + reverse("directory:home"))
    check_page(page)
    # When they follow "List your organisation" and start
    page.get_by_role("link", name="List your organisation").click()
    expect(
        page.get_by_role("heading", name="List your organisation in the directory")
    ).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Start now").click()
    expect(page.get_by_role("heading", name="Tell us about your organisation")).to_be_visible()
    check_page(page)
    # And send the form with a company number that is too short and no name
    page.get_by_label("Company number (optional)").fill("1234")
    page.get_by_role("button", name="Send request").click()
    # Then they are told what to fix, and nothing is kept
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_role("link", name="Enter the name of your organisation")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Enter a company number"))).to_be_visible()
    assert not JoinRequest.objects.exists()
    check_page(page)
    # When they answer the questions
    page.get_by_label("Name of your organisation").fill("Wexford Parents' Forum")
    page.get_by_label("Charity number (optional)").fill("1190001")
    page.get_by_label("Company number (optional)").fill("")
    page.get_by_label("Website (optional)").fill("wexfordparents.example")
    page.get_by_label("Your full name").fill("Sam Okafor")
    page.get_by_label("Your role in the organisation (optional)").fill("Chair")
    page.get_by_label("Email address").fill(CONTACT)
    page.get_by_label("Telephone number (optional)").fill("01632 960 456")
    page.get_by_label("Anything else we should know (optional)").fill(MESSAGE)
    page.get_by_role("button", name="Send request").click()
    # Then they see their reference, and are emailed it
    expect(page.get_by_role("heading", name="Request sent")).to_be_visible()
    join_request = JoinRequest.objects.get()
    expect(page.get_by_text(join_request.reference)).to_be_visible()
    check_page(page)
    public.close()
    (received,) = outbox(template="join_request_received")
    assert received.to == CONTACT
    (waiting,) = outbox(template="join_request_waiting")
    assert waiting.to == admin.email

    # Given the directory administrator, signed in, on the list of requests
    office = browser.new_context()
    sign_in_browser(office, live_server, admin)
    page = office.new_page()
    page.goto(live_server.url + reverse("accounts:home"))
    page.get_by_role("link", name="Requests to join the directory").click()
    expect(page.get_by_role("heading", name="Requests to join the directory")).to_be_visible()
    check_page(page)
    # When they open the request
    page.get_by_role("link", name="Wexford Parents' Forum").click()
    expect(page.get_by_role("heading", name="Wexford Parents' Forum")).to_be_visible()
    # Then its details are shown as text, never as links
    expect(page.get_by_text("<b>coffee mornings</b>", exact=False)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("wexfordparents"))).to_have_count(0)
    check_page(page)
    # When they refuse it without a reason
    page.get_by_role("button", name="Refuse request").click()
    # Then they are asked for one, and nothing changes
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_role("link", name="Enter why the request is refused")).to_be_visible()
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING
    check_page(page)
    # When they approve it instead
    page.get_by_role("button", name="Approve request").click()
    # Then the contact has been invited to edit the new organisation's listings
    expect(page.get_by_text(re.compile("Sam Okafor has been sent an invitation"))).to_be_visible()
    check_page(page)
    office.close()
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.APPROVED
    organisation = join_request.organization
    assert organisation.website == "https://wexfordparents.example"
    assert OrganizationIdentifier.objects.get(organization=organisation).identifier == "1190001"
    person = User.objects.get(email=CONTACT)
    assert OrganisationEditor.objects.filter(user=person, organization=organisation).exists()
    (invitation,) = outbox(template="invitation")
    assert invitation.to == CONTACT
    (decision,) = outbox(template="join_request_decision")
    assert decision.personalisation["decision"] == "approved"
