"""Journeys: a practitioner writes an Early Support Assessment on their phone, from a new draft
through every section (meeting a likely duplicate on the way) to sending it and its PDF; and one
who records that seeking consent would put a child at risk, which sends it as safeguarding."""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from familyhelp.core.notifications.testing import outbox
from familyhelp.core.testing import check_page
from familyhelp.families.models import Consent, Person
from familyhelp.families.tests.factories import PersonFactory
from familyhelp.frontdoor.models import Request
from familyhelp.frontdoor.services import assessment as services
from familyhelp.frontdoor.tests.journeys import (
    add_person,
    answer_sections,
    choose_level,
    complete_section,
    open_task,
    phone,
    relate,
)
from familyhelp.frontdoor.tests.test_assessment_services import (
    complete_all_but_consent,
    postcodes,
    practitioner_in,
)

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


def test_a_practitioner_writes_and_sends_an_assessment(live_server, browser):
    postcodes()
    practitioner = practitioner_in(full_name="Pat Practitioner", email="pat@school.example")
    existing = PersonFactory(
        given_names="Sam",
        family_name="Smyth",
        date_of_birth=datetime.date(2016, 5, 4),
        postcode="WX1 1AA",
    )
    context, page = phone(browser, live_server, practitioner)

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
    open_task(page, "Child or young person and family members")
    check_page(page)
    add_person(
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
    add_person(
        page, role="Family member", given="Jo", family="Smith", born=datetime.date(1988, 2, 1)
    )
    expect(page.locator("#people")).to_contain_text("Jo Smith")
    complete_section(page)
    expect(page.get_by_text("You have completed 1 of 10 sections.")).to_be_visible()

    # When they say how they are related
    relate(page, person="Jo Smith", relation="Parent", of="Sam Smith")

    # When they answer each part of the assessment
    answer_sections(page)
    expect(page.get_by_text("You have completed 8 of 10 sections.")).to_be_visible()
    check_page(page)

    # When they choose the level of need, seeing the threshold guidance
    choose_level(page, "Level 2: Early help")

    # When they record the family's consent, leaving out when it was given
    open_task(page, "Consent")
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
    open_task(page, "Check your answers and send the request")
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
    context, page = phone(browser, live_server, practitioner)

    # Given a draft with everything but consent
    page.goto(live_server.url + reverse("frontdoor:request", args=[draft.pk]))
    expect(page.get_by_text("You have completed 9 of 10 sections.")).to_be_visible()
    check_page(page)
    # When they record that seeking consent would put a child at risk, without a reason first
    open_task(page, "Consent")
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
    open_task(page, "Check your answers and send the request")
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
