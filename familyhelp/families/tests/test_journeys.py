"""Browser journeys: add a person where a duplicate is shown and picked; record and withdraw
consent; merge two records and undo it."""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from familyhelp.accounts.testing import sign_in_browser
from familyhelp.core.testing import PHONE, check_page
from familyhelp.families.models import Consent, FamilyMember, Person

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


def test_a_practitioner_adds_a_person_and_picks_the_record_found(
    live_server, browser, requester, family, postcodes
):
    # Given a record of Jo Smyth, born 3 February 1990, already held
    from familyhelp.families.tests.factories import PersonFactory

    existing = PersonFactory(
        given_names="Jo", family_name="Smyth", date_of_birth=datetime.date(1990, 2, 3)
    )
    context = browser.new_context(viewport=PHONE)
    sign_in_browser(context, live_server, requester)
    page = context.new_page()
    # When the practitioner opens the family and adds a person
    page.goto(live_server.url + reverse("families:family", kwargs={"pk": family.pk}))
    expect(page.get_by_role("heading", level=1)).to_have_text("The Smith family")
    check_page(page)
    page.get_by_role("button", name="Add a person").click()
    check_page(page)
    # And sends an NHS number with a wrong check digit
    page.get_by_label("First names").fill("Jo")
    page.get_by_label("Last name").fill("Smith")
    page.locator("#id_date_of_birth").fill("3")
    page.locator("#id_date_of_birth-month").fill("2")
    page.locator("#id_date_of_birth-year").fill("1990")
    page.get_by_label("NHS number (optional)").fill("943 476 5918")
    household = page.get_by_role("group", name="Do they live in this household?")
    household.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    # Then they are told how to fix it
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_role("link", name=re.compile("^Enter a valid NHS number"))).to_be_visible()
    check_page(page)
    # When they correct it
    page.get_by_label("NHS number (optional)").fill("")
    page.get_by_role("button", name="Continue").click()
    # Then the likely record is shown with the reasons
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "These records may be the same person"
    )
    expect(page.get_by_text("Same date of birth, similar surname, same first name")).to_be_visible()
    check_page(page)
    # When they pick it
    page.get_by_label(re.compile(f"record {existing.pk}")).check()
    page.get_by_role("button", name="Continue").click()
    # Then the existing record is in the family, living elsewhere
    expect(page.get_by_text("existing record has been added to this family")).to_be_visible()
    check_page(page)
    assert FamilyMember.objects.get(family=family, person=existing).lives_here is False
    assert Person.objects.count() == 2


def test_a_front_door_officer_records_consent_and_withdraws_it(live_server, browser, family):
    # Given a front door officer and an open request about the family
    from familyhelp.frontdoor.tests.factories import RequestFactory, front_door_officer

    RequestFactory(submitted=True, family=family, children=[])
    officer = front_door_officer()
    context = browser.new_context(viewport=PHONE)
    sign_in_browser(context, live_server, officer)
    page = context.new_page()
    page.goto(live_server.url + reverse("families:family", kwargs={"pk": family.pk}))
    # When they record consent to an assessment from the family page
    page.get_by_role("button", name="Record consent").click()
    check_page(page)
    page.get_by_label("An Early Support Assessment and request for support").check()
    page.get_by_label("Who gave consent?").fill("Jo Smith")
    today = datetime.date.today()
    page.locator("#id_given_on").fill(str(today.day))
    page.locator("#id_given_on-month").fill(str(today.month))
    page.locator("#id_given_on-year").fill(str(today.year))
    page.get_by_label("Verbally, in person or by phone").check()
    page.get_by_role("button", name="Record consent").click()
    # Then it shows as active
    expect(page.get_by_text("Consent recorded")).to_be_visible()
    expect(page.locator(".govuk-summary-card").get_by_text("Active")).to_be_visible()
    check_page(page)
    # When they withdraw it without a reason
    page.get_by_role("link", name=re.compile("^Withdraw")).click()
    check_page(page)
    page.get_by_role("button", name="Withdraw consent").click()
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_role("link", name="Enter why consent was withdrawn")).to_be_visible()
    check_page(page)
    # And then with one
    page.get_by_label("Why was consent withdrawn?").fill("Mum asked us to stop.")
    page.get_by_role("button", name="Withdraw consent").click()
    # Then it shows as withdrawn, with the reason
    expect(page.locator(".govuk-summary-card").get_by_text("Withdrawn").first).to_be_visible()
    expect(page.get_by_text("Mum asked us to stop.")).to_be_visible()
    check_page(page)
    assert Consent.objects.get().withdrawn_at is not None


def test_a_manager_merges_two_records_and_undoes_it(live_server, browser, manager, two_records):
    kept, merged, first, second = two_records
    context = browser.new_context(viewport=PHONE)
    sign_in_browser(context, live_server, manager)
    page = context.new_page()
    # Given the kept record's page
    page.goto(live_server.url + reverse("families:person", kwargs={"pk": kept.pk}))
    check_page(page)
    # When the manager chooses to merge, and picks the record from the duplicate list
    page.get_by_role("button", name="Merge with another record").click()
    check_page(page)
    page.get_by_role("link", name=f"Merge record {merged.pk}").click()
    check_page(page)
    page.get_by_label("Why are these records the same person?").fill("Same child, same school.")
    page.get_by_role("button", name="Merge records").click()
    # Then the merged record's family now lists the kept record
    expect(page.get_by_text(f"Record {merged.pk} has been merged into this one")).to_be_visible()
    check_page(page)
    assert set(second.members.all()) == {kept}
    # And the merged record's page points to the kept one
    page.goto(live_server.url + reverse("families:person", kwargs={"pk": merged.pk}))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Record {merged.pk} was merged into another record"
    )
    check_page(page)
    page.get_by_role("link", name=re.compile("Sam Smith")).click()
    # When they undo it
    page.get_by_role("link", name=re.compile("^Undo")).click()
    check_page(page)
    page.get_by_label("Why is the merge being undone?").fill("They are twins.")
    page.get_by_role("button", name="Undo merge").click()
    # Then each record stands alone again
    expect(page.get_by_text("The merge has been undone")).to_be_visible()
    check_page(page)
    assert set(second.members.all()) == {merged}
    assert Person.objects.get(pk=merged.pk).merged_into is None
