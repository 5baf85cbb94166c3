"""Browser journeys: an agency administrator invites a practitioner, who sets a password; then
the administrator changes someone's roles and deactivates them. Every page is checked with axe,
and on a 320 pixel wide phone."""

import importlib
import re

import pytest
from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import reverse
from playwright.sync_api import expect

from familyhelp.accounts.models import Role, User
from familyhelp.accounts.testing import sign_in_browser as sign_in_as
from familyhelp.accounts.tests.factories import AgencyFactory, TeamFactory, UserFactory
from familyhelp.core.models import OutboxMessage
from familyhelp.core.testing import PHONE, check_page

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

PASSWORD = "marble kettle orchard lantern"


def sessions_of(person):
    return [s for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(person.pk)]


@pytest.fixture
def council(db):
    # The roles and their flags as migrations 0002 and 0004 leave them (a flush removed them)
    migrations = "familyhelp.accounts.migrations"
    importlib.import_module(f"{migrations}.0002_seed_roles").seed_roles(apps, None)
    importlib.import_module(f"{migrations}.0004_role_flags").set_flags(apps, None)
    return AgencyFactory(name="Wessex Vale Council")


@pytest.fixture
def administrator(council):
    return UserFactory(
        email="people.admin@wessexvale.example",
        full_name="Pat Admin",
        agency=council,
        roles=[Role.AGENCY_ADMINISTRATOR, "practitioner"],
    )


def test_an_administrator_invites_a_practitioner_who_sets_a_password_and_is_signed_in(
    live_server, page, browser, council, administrator
):
    TeamFactory(agency=council, name="Early help hub")
    page.set_viewport_size(PHONE)
    sign_in_as(page.context, live_server, administrator)

    # Given the administrator on the people page
    page.goto(live_server.url + "/people/")
    expect(page.get_by_role("heading", level=1, name="People")).to_be_visible()
    check_page(page)

    # When they invite a practitioner, first forgetting the email address
    page.get_by_role("button", name="Invite a person").click()
    expect(page.get_by_role("heading", level=1, name="Invite a person")).to_be_visible()
    check_page(page)
    page.get_by_label("Full name").fill("Alex Reid")
    page.get_by_label("Job title (optional)").fill("Health visitor")
    page.get_by_label("FTE").fill("0.6")
    page.get_by_label("Early help hub").check()
    page.get_by_label("Practitioner").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(
        page.get_by_role("link", name="Enter an email address in the correct format")
    ).to_be_visible()
    assert page.title().startswith("Error: ")
    check_page(page)
    page.get_by_label("Email address").fill("alex.reid@wessexvale.example")
    page.get_by_role("button", name="Send invitation").click()

    # Then the invitation is sent
    expect(page.get_by_role("heading", level=1, name="Invitation sent")).to_be_visible()
    check_page(page)
    message = OutboxMessage.objects.get(template="invitation", to="alex.reid@wessexvale.example")
    link = message.personalisation["link"]
    assert link.startswith(live_server.url + "/invitations/")

    # When the practitioner opens the link in their own browser
    practitioner = browser.new_context(viewport=PHONE)
    their_page = practitioner.new_page()
    their_page.goto(link)
    expect(their_page.get_by_role("heading", level=1, name="Set your password")).to_be_visible()
    expect(their_page.get_by_text("This invitation is for Alex Reid")).to_be_visible()
    check_page(their_page)

    # and mistypes the second password
    their_page.get_by_label("Create a password").fill(PASSWORD)
    their_page.get_by_label("Enter the password again").fill(PASSWORD + "s")
    their_page.get_by_role("button", name="Set password and sign in").click()
    expect(their_page.get_by_role("link", name="The passwords do not match")).to_be_visible()
    check_page(their_page)

    # then types it the same twice
    their_page.get_by_label("Create a password").fill(PASSWORD)
    their_page.get_by_label("Enter the password again").fill(PASSWORD)
    their_page.get_by_role("button", name="Set password and sign in").click()

    # Then they are signed in with that password (and asked to set up their second factor)
    their_page.wait_for_url(lambda url: "/invitations/" not in url)
    person = User.objects.get(email="alex.reid@wessexvale.example")
    assert person.check_password(PASSWORD)
    assert len(sessions_of(person)) == 1
    practitioner.close()

    # and the link is used up: opened again, anywhere, it says so
    someone_else = browser.new_context(viewport=PHONE)
    their_page = someone_else.new_page()
    their_page.goto(link)
    expect(
        their_page.get_by_role("heading", level=1, name="This invitation link cannot be used")
    ).to_be_visible()
    expect(their_page.get_by_text("already been used")).to_be_visible()
    check_page(their_page)
    someone_else.close()


def test_an_administrator_changes_roles_and_deactivates_someone(
    live_server, page, browser, council, administrator
):
    person = UserFactory(
        email="sam.jones@wessexvale.example",
        full_name="Sam Jones",
        agency=council,
        roles=["practitioner"],
    )
    their_browser = browser.new_context()
    sign_in_as(their_browser, live_server, person)
    assert len(sessions_of(person)) == 1
    page.set_viewport_size(PHONE)
    sign_in_as(page.context, live_server, administrator)

    # Given the administrator finds Sam on the people page
    page.goto(live_server.url + "/people/")
    page.get_by_label("Search by name or email").fill("sam")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 person found")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Sam Jones").click()
    expect(page.get_by_role("heading", level=1, name="Sam Jones")).to_be_visible()
    check_page(page)

    # When they make Sam an agency administrator too
    page.get_by_role("link", name="Change roles").click()
    expect(page.get_by_role("heading", level=1, name="Change roles")).to_be_visible()
    check_page(page)
    page.get_by_label("Agency administrator").check()
    page.get_by_role("button", name="Save roles").click()

    # Then Sam's page shows both roles
    expect(page.get_by_text("Sam Jones’s roles have been changed")).to_be_visible()
    expect(page.get_by_text("Agency administrator, Practitioner")).to_be_visible()
    check_page(page)

    # When they deactivate Sam, giving a reason
    page.get_by_role("button", name="Deactivate Sam Jones").click()
    expect(
        page.get_by_role("heading", level=1, name="Are you sure you want to deactivate Sam Jones?")
    ).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Deactivate Sam Jones").click()
    expect(
        page.get_by_role("link", name="Enter why you are deactivating this person")
    ).to_be_visible()
    check_page(page)
    page.get_by_label("Why are you deactivating this person?").fill("Left the council")
    page.get_by_role("button", name="Deactivate Sam Jones").click()

    # Then Sam is deactivated and signed out at once
    expect(page.get_by_text("Sam Jones has been deactivated and signed out")).to_be_visible()
    expect(page.get_by_role("button", name="Reactivate Sam Jones")).to_be_visible()
    check_page(page)
    assert sessions_of(person) == []
    person.refresh_from_db()
    assert not person.is_active
    their_page = their_browser.new_page()
    their_page.goto(live_server.url + "/people/")
    expect(their_page).to_have_url(re.compile(re.escape(reverse("accounts:sign-in"))))
    their_browser.close()
