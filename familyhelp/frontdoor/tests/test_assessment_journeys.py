"""Journeys: a practitioner writes an Early Support Assessment on their phone, from a new draft
through every section (meeting a likely duplicate on the way) to sending it and its PDF; and one
who records that seeking consent would put a child at risk, which sends it as safeguarding."""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from familyhelp.accounts.testing import sign_in_browser
from familyhelp.core.notifications.testing import outbox
from familyhelp.core.testing import PHONE, check_page
from familyhelp.families.models import Consent, Person
from familyhelp.families.tests.factories import PersonFactory
from familyhelp.frontdoor.models import Request
from familyhelp.frontdoor.services import assessment as services
from familyhelp.frontdoor.tests.test_assessment_services import (
    complete_all_but_consent,
    postcodes,
    practitioner_in,
)

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

COMPLETED = "Yes, I’ve completed this section"


def _phone(browser, live_server, user):
    context = browser.new_context(viewport=PHONE)
    sign_in_browser(context, live_server, user)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def _open_task(page, name):
    page.get_by_role("link", name=name, exact=True).click()


def _add_person(page, *, role, given, family, born):
    page.get_by_role("button", name="Add a person").click()
    expect(page.get_by_role("heading", name="Add a person")).to_be_visible()
    check_page(page)
    page.get_by_label(role, exact=True).check()
    page.get_by_label("First name").fill(given)
    page.get_by_label("Last name").fill(family)
    page.locator("#id_date_of_birth").fill(str(born.day))
    page.locator("#id_date_of_birth-month").fill(str(born.month))
    page.locator("#id_date_of_birth-year").fill(str(born.year))
    page.get_by_label("Postcode (optional)").fill("WX1 1AA")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Continue").click()


def test_a_practitioner_writes_and_sends_an_assessment(live_server, browser):
    postcodes()
    practitioner = practitioner_in(full_name="Pat Practitioner", email="pat@school.example")
    existing = PersonFactory(
        given_names="Sam",
        family_name="Smyth",
        date_of_birth=datetime.date(2016, 5, 4),
        postcode="WX1 1AA",
    )
    context, page = _phone(browser, live_server, practitioner)

    # Given the practitioner on "Your requests"
    page.goto(live_server.url + reverse("frontdoor:requests"))
    expect(page.get_by_role("heading", name="Your requests for support")).to_be_visible()
    check_page(page)
    # When they start a new request
    page.get_by_role("button", name="Start a new request").click()
    expect(page.get_by_role("heading", name="Ask the front door for support")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Start now").click()
    # Then they see the task list with every section not started
    expect(page.get_by_role("heading", name="Early Support Assessment")).to_be_visible()
    expect(page.get_by_text("You have completed 0 of 10 sections.")).to_be_visible()
    check_page(page)
    draft = Request.objects.get()

    # When they add the child, whose details look like an existing record
    _open_task(page, "Child or young person and family members")
    check_page(page)
    _add_person(
        page,
        role="Child or young person the request is about",
        given="Sam",
        family="Smith",
        born=datetime.date(2016, 5, 4),
    )
    # Then the likely match is shown with the reasons
    expect(page.get_by_role("heading", name="Is Sam Smith one of these people?")).to_be_visible()
    expect(page.get_by_text("Sam Smyth")).to_be_visible()
    expect(page.get_by_text(re.compile("Same date of birth, similar surname"))).to_be_visible()
    check_page(page)
    # When they say it is not them
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile("^Error: "))
    check_page(page)
    page.get_by_label("None of these: add them as a new person").check()
    page.get_by_role("button", name="Continue").click()
    # Then the new child is on the request, in a new family named after them
    expect(page.locator("#people")).to_contain_text("Sam Smith")
    draft.refresh_from_db()
    assert draft.family.name == "The Smith family"
    assert existing not in draft.family.members.all()
    check_page(page)
    # And they add mum, and complete the section
    _add_person(
        page, role="Family member", given="Jo", family="Smith", born=datetime.date(1988, 2, 1)
    )
    expect(page.locator("#people")).to_contain_text("Jo Smith")
    page.get_by_label(COMPLETED).check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("You have completed 1 of 10 sections.")).to_be_visible()

    # When they say how they are related
    _open_task(page, "How they are related")
    check_page(page)
    page.get_by_label("Person", exact=True).select_option(label="Jo Smith")
    page.get_by_label("is the").select_option(label="Parent")
    page.get_by_label("of", exact=True).select_option(label="Sam Smith")
    page.get_by_role("group", name="Do they have parental responsibility for them?").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("button", name="Add relationship").click()
    expect(page.locator("#relationships")).to_contain_text("Parent of Sam Smith")
    check_page(page)
    page.get_by_label(COMPLETED).check()
    page.get_by_role("button", name="Save and continue").click()

    # When they answer each part of the assessment
    answers = {
        "Reasons for the request": {"Why are you asking for support?": "Attendance has dropped."},
        "The child’s developmental needs": {"Strengths": "Loves reading.", "Needs": "Anxious."},
        "Parenting capacity": {"Strengths": "Warm and caring.", "Needs": "Routines at night."},
        "Family and environmental factors": {"Strengths": "Close to gran.", "Needs": "Debt."},
        "The child’s and family’s views": {
            "The child or young person’s views": "I want to sleep better.",
            "The family’s views": "Mum wants help with mornings.",
        },
        "Support already in place": {
            "What support is the family already getting?": "School nurse, monthly."
        },
    }
    for task, fields in answers.items():
        _open_task(page, task)
        check_page(page)
        # Completing it with nothing written says what to enter
        page.get_by_label(COMPLETED).check()
        page.get_by_role("button", name="Save and continue").click()
        expect(page).to_have_title(re.compile("^Error: "))
        check_page(page)
        for label, text in fields.items():
            page.get_by_label(label, exact=True).fill(text)
        page.get_by_role("button", name="Save and continue").click()
        expect(page.get_by_role("heading", name="Early Support Assessment")).to_be_visible()
    expect(page.get_by_text("You have completed 8 of 10 sections.")).to_be_visible()
    check_page(page)

    # When they choose the level of need, seeing the threshold guidance
    _open_task(page, "Level of need")
    expect(page.get_by_text("Parents need advice or a short piece of support")).to_be_visible()
    check_page(page)
    page.get_by_label("Level 2: Early help").check()
    page.get_by_label(COMPLETED).check()
    page.get_by_role("button", name="Save and continue").click()

    # When they record the family's consent, leaving out when it was given
    _open_task(page, "Consent")
    check_page(page)
    page.get_by_label("Who gave consent?").fill("Jo Smith")
    page.get_by_label("Verbally, in person or by phone").check()
    page.get_by_label("The family agreed to this assessment and request for support").check()
    page.get_by_label(practitioner.agency.name).check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("link", name="Enter the date consent was given")).to_be_visible()
    check_page(page)
    today = datetime.date.today()
    page.locator("#id_given_on").fill(str(today.day))
    page.locator("#id_given_on-month").fill(str(today.month))
    page.locator("#id_given_on-year").fill(str(today.year))
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("You have completed 10 of 10 sections.")).to_be_visible()
    assert set(Consent.objects.values_list("scope", flat=True)) == {"assessment", "sharing"}
    check_page(page)

    # When they check their answers (each with a Change link) and send it
    _open_task(page, "Check your answers and send the request")
    expect(
        page.get_by_role("heading", name="Check your answers before sending the request")
    ).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Change"))).to_have_count(16)
    check_page(page)
    page.get_by_role("button", name="Accept and send").click()
    expect(
        page.get_by_role("link", name="Enter your full name to confirm the declaration")
    ).to_be_visible()
    check_page(page)
    page.get_by_label("Your full name").fill("Pat Practitioner")
    page.get_by_role("button", name="Accept and send").click()

    # Then they see the reference, and are emailed it
    expect(page.get_by_role("heading", name="Request sent")).to_be_visible()
    draft.refresh_from_db()
    assert draft.status == Request.Status.SUBMITTED
    expect(page.get_by_text(draft.reference)).to_be_visible()
    check_page(page)
    (email,) = outbox(template="request_received")
    assert email.to == "pat@school.example"
    assert email.personalisation["reference"] == draft.reference

    # And the PDF downloads
    with page.expect_download() as download:
        page.get_by_role("link", name="download it as a PDF").click()
    with open(download.value.path(), "rb") as saved:
        assert saved.read(4) == b"%PDF"

    # And the request is now a read-only document
    page.get_by_role("link", name="View the request").click()
    expect(page.get_by_role("heading", name="Early Support Assessment")).to_be_visible()
    expect(page.get_by_text("Waiting for triage").first).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Change"))).to_have_count(0)
    expect(page.get_by_text("Attendance has dropped.")).to_be_visible()
    check_page(page)
    # And it is listed as sent
    page.get_by_role("link", name="Your requests").first.click()
    expect(page.locator("#sent")).to_contain_text(draft.reference)
    check_page(page)
    assert Person.objects.filter(family_name="Smith").count() == 2
    context.close()


def test_consent_not_sought_sends_the_request_as_safeguarding(live_server, browser):
    postcodes()
    practitioner = practitioner_in(full_name="Pat Practitioner")
    draft = services.request_start(actor=practitioner)
    complete_all_but_consent(practitioner, draft)
    context, page = _phone(browser, live_server, practitioner)

    # Given a draft with everything but consent
    page.goto(live_server.url + reverse("frontdoor:request", args=[draft.pk]))
    expect(page.get_by_text("You have completed 9 of 10 sections.")).to_be_visible()
    check_page(page)
    # When they record that seeking consent would put a child at risk, without a reason first
    _open_task(page, "Consent")
    page.get_by_role("link", name="record why you have not sought consent").click()
    expect(
        page.get_by_role("heading", name="Why would seeking consent put a child at risk?")
    ).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Save and continue").click()
    expect(
        page.get_by_role("link", name="Enter why seeking consent would put a child at risk")
    ).to_be_visible()
    check_page(page)
    page.get_by_label("Why would seeking consent put a child at risk?").fill(
        "Sam said dad hurts mum when services visit."
    )
    page.get_by_role("button", name="Save and continue").click()
    # Then the task list warns it will go to safeguarding
    expect(
        page.get_by_text(re.compile("will go to the front door as safeguarding"))
    ).to_be_visible()
    check_page(page)
    # When they check their answers and send it
    _open_task(page, "Check your answers and send the request")
    expect(page.get_by_text("Not sought: asking would put a child at risk")).to_be_visible()
    check_page(page)
    page.get_by_label("Your full name").fill("Pat Practitioner")
    page.get_by_role("button", name="Accept and send").click()
    # Then it is sent, as safeguarding, to the front of the front door's queue
    expect(page.get_by_role("heading", name="Request sent")).to_be_visible()
    expect(
        page.get_by_text(re.compile("look at this request first, as safeguarding"))
    ).to_be_visible()
    check_page(page)
    draft.refresh_from_db()
    assert draft.status == Request.Status.SUBMITTED
    assert draft.safeguarding
    assert not Consent.objects.exists()
    context.close()
