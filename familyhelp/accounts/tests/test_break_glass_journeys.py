"""Journey: a front door officer breaks glass on a record; their team manager reviews it."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from playwright.sync_api import expect

from familyhelp.accounts.models import BreakGlassAccess
from familyhelp.accounts.testing import sign_in_browser as sign_in_as
from familyhelp.accounts.tests.factories import AgencyFactory, TeamFactory
from familyhelp.accounts.tests.records.factories import ProtectedRecordFactory, member_of
from familyhelp.audit.models import AuditEvent
from familyhelp.core.testing import PHONE, check_page

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

REASON = "Police are with the children now and their keyworker cannot be reached tonight."


@pytest.fixture
def council(db):
    # The roles and their flags as migrations 0002 and 0004 leave them (a flush removed them).
    migrations = "familyhelp.accounts.migrations"
    importlib.import_module(f"{migrations}.0002_seed_roles").seed_roles(apps, None)
    importlib.import_module(f"{migrations}.0004_role_flags").set_flags(apps, None)
    return AgencyFactory(name="Wessex Vale Council")


def test_break_glass_then_manager_review(live_server, browser, council):
    front_door = TeamFactory(agency=council, name="Front Door")
    officer = member_of(front_door, roles=["front-door-officer"], full_name="Olu Officer")
    manager = member_of(front_door, roles=["team-manager"], full_name="Mina Manager")
    family_team = TeamFactory(agency=council, name="Ashcombe Family Help")
    record = ProtectedRecordFactory(team=family_team, title="Record of family F00042")
    record_url = live_server.url + reverse("testrecords:record", kwargs={"pk": record.pk})

    # Given a front door officer with no relationship to the family, on a phone
    officer_context = browser.new_context(viewport=PHONE)
    sign_in_as(officer_context, live_server, officer)
    page = officer_context.new_page()

    # When they open the record, they are told only that the page was not found…
    page.goto(record_url)
    expect(page.get_by_role("heading", level=1, name="Page not found")).to_be_visible()
    expect(page.get_by_text("Record of family F00042")).to_have_count(0)
    check_page(page)

    # …and offered emergency access, because their role allows it
    page.get_by_role("link", name="request emergency access").click()
    expect(page.get_by_role("heading", level=1, name="Request emergency access")).to_be_visible()
    expect(page.get_by_text("Everything you view is recorded")).to_be_visible()
    check_page(page)

    # A reason that is too short is refused with a clear message
    page.get_by_label("Why do you need this record urgently?").fill("urgent")
    page.get_by_role("button", name="Open the record").click()
    expect(page.get_by_role("alert")).to_contain_text("Reason must be 20 characters or more")
    assert page.title().startswith("Error: ")
    check_page(page)

    # When they give a proper reason, the record opens under an "Emergency access" banner
    page.get_by_label("Why do you need this record urgently?").fill(REASON)
    page.get_by_role("button", name="Open the record").click()
    expect(page).to_have_url(record_url)
    expect(page.get_by_role("heading", level=1, name="Record of family F00042")).to_be_visible()
    banner = page.get_by_role("region", name="Emergency access")
    expect(banner).to_contain_text("You are using emergency access to this record until")
    check_page(page)
    officer_context.close()

    emergency = BreakGlassAccess.objects.get()
    assert emergency.user == officer and emergency.reason == REASON
    assert AuditEvent.objects.filter(action="break_glass", actor=officer).count() == 1
    assert AuditEvent.objects.filter(action="view", values__break_glass=True).count() == 1

    # Then their team manager sees the use waiting for review
    manager_context = browser.new_context()
    sign_in_as(manager_context, live_server, manager)
    page = manager_context.new_page()
    page.goto(live_server.url + reverse("accounts:break-glass-reviews"))
    expect(page.get_by_role("heading", level=1, name="Emergency access reviews")).to_be_visible()
    waiting = page.locator("#waiting")
    expect(waiting).to_contain_text("Olu Officer")
    expect(waiting.get_by_role("row")).to_have_count(2)  # the header and the one use
    check_page(page)

    # When they open it, they see the reason and how often the record was viewed
    waiting.get_by_role("link", name="Olu Officer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Review emergency access by Olu Officer"
    )
    expect(page.get_by_text(REASON)).to_be_visible()
    check_page(page)

    # Saying it was not appropriate without a note is refused
    page.get_by_label("Not appropriate").check()
    page.get_by_role("button", name="Save review").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Enter why the emergency access was not appropriate"
    )
    check_page(page)

    # And they record that it was appropriate
    page.get_by_label("Appropriate", exact=True).check()
    page.get_by_role("button", name="Save review").click()
    expect(page.get_by_role("heading", level=1, name="Emergency access reviews")).to_be_visible()
    expect(page.get_by_text("Review recorded for Olu Officer's emergency access")).to_be_visible()
    expect(page.locator("#reviewed")).to_contain_text("Appropriate")
    expect(page.get_by_text("There is nothing waiting for review.")).to_be_visible()
    check_page(page)
    manager_context.close()

    emergency.refresh_from_db()
    assert (emergency.outcome, emergency.reviewed_by) == ("appropriate", manager)
    assert AuditEvent.objects.filter(
        action="change", actor=manager, record_id=str(emergency.pk)
    ).exists()
